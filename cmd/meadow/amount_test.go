package main

import (
	"math/big"
	"strings"
	"testing"
)

func TestParseStable(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     int64
		err      string
	}{
		{name: "whole", in: "25", want: 25_000_000},
		{name: "tenth", in: "0.1", want: 100_000},
		{name: "base unit", in: "0.000001", want: 1},
		{name: "leading point", in: ".5", want: 500_000},
		{name: "six decimals", in: "1.234567", want: 1_234_567},
		{name: "empty", in: "", err: "empty"},
		{name: "zero", in: "0.000", err: "zero"},
		{name: "seven decimals", in: "0.0000001", err: "7 decimals"},
		{name: "negative", in: "-1", err: "not a digit"},
		{name: "sign", in: "+1", err: "not a digit"},
		{name: "exponent", in: "1e6", err: "not a digit"},
		{name: "comma", in: "1,5", err: "not a digit"},
		{name: "space", in: " 1", err: "not a digit"},
		{name: "hex", in: "0x10", err: "not a digit"},
		{name: "two points", in: "1.2.3", err: "not a digit"},
		{name: "trailing point", in: "1.", err: "after the point"},
		{name: "lone point", in: ".", err: "no digits"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStable("AMOUNT", tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "AMOUNT") {
					t.Fatalf("parseStable(%q) = %v, %v; want an error naming AMOUNT and %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got.Int64() != tt.want {
				t.Fatalf("parseStable(%q) = %v, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestFormatStable(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 1: "0.000001", 100_000: "0.1", 25_000_000: "25", 1_234_567: "1.234567", -5: "-0.000005"} {
		if got := formatStable(big.NewInt(in)); got != want {
			t.Errorf("formatStable(%d) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParseStable: whatever parses formats back to a number that parses to
// the same amount.
func FuzzParseStable(f *testing.F) {
	for _, s := range []string{"0.1", "25", ".5", "1e6", "-1", "0.0000001", "1.2.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseStable("AMOUNT", s)
		if err != nil {
			return
		}
		if v.Sign() <= 0 {
			t.Fatalf("%q parsed to %s", s, v)
		}
		back, err := parseStable("AMOUNT", formatStable(v))
		if err != nil || back.Cmp(v) != 0 {
			t.Fatalf("%q -> %s -> %q -> %v, %v", s, v, formatStable(v), back, err)
		}
	})
}
