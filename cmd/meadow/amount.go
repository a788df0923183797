package main

import (
	"fmt"
	"math/big"
	"strings"
)

// stableDecimals is the stable token's: amounts on the command line are in
// stable units ("0.1"), on chain in base units (100000).
const stableDecimals = 6

// parseTokenAmount parses a positive amount of tokens written in decimal
// ("12", "0.1", "0.000001") into base units of a token with decimals
// decimals. It is strict: digits with at most one point and at most
// decimals digits after it; no sign, exponent, separators, spaces or hex,
// and not zero. field names the flag or argument in errors.
func parseTokenAmount(field, s string, decimals int) (*big.Int, error) {
	bad := func(why string) error {
		return fmt.Errorf("%s %q: %s; expected an amount of tokens such as 0.1 or 25 (at most %d decimals, above 0)", field, s, why, decimals)
	}
	if s == "" {
		return nil, bad("empty")
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" && (!dot || frac == "") {
		return nil, bad("no digits")
	}
	if dot && frac == "" {
		return nil, bad("no digits after the point")
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return nil, bad(fmt.Sprintf("%q is not a digit", r))
			}
		}
	}
	if len(frac) > decimals {
		return nil, bad(fmt.Sprintf("%d decimals, more than the token's %d", len(frac), decimals))
	}
	if len(whole) > 60 {
		return nil, bad("too large")
	}
	v, _ := new(big.Int).SetString(whole+frac+strings.Repeat("0", decimals-len(frac)), 10)
	if v.Sign() == 0 {
		return nil, bad("zero")
	}
	return v, nil
}

// parseStable is parseTokenAmount for the stable token.
func parseStable(field, s string) (*big.Int, error) {
	return parseTokenAmount(field, s, stableDecimals)
}

// formatTokenAmount writes base units as tokens, exactly: every decimal
// that is not a trailing zero ("0.000004", "12", "0.1"). Unlike
// rewards.FormatAmount it does not cut, so a few base units of yield show.
func formatTokenAmount(x *big.Int, decimals int) string {
	if x == nil {
		return "0"
	}
	neg := x.Sign() < 0
	s := new(big.Int).Abs(x).String()
	if len(s) <= decimals {
		s = strings.Repeat("0", decimals-len(s)+1) + s
	}
	whole, frac := s[:len(s)-decimals], strings.TrimRight(s[len(s)-decimals:], "0")
	out := whole
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// formatStable is formatTokenAmount for the stable token.
func formatStable(x *big.Int) string { return formatTokenAmount(x, stableDecimals) }
