package rewards

import (
	"fmt"
	"math/big"
)

// FormatAmount writes an amount in base units, given as a decimal string
// (the form the APIs carry amounts in), as a number of tokens with decimals
// decimals, cut (not rounded) to 4 places: "1234500" with 6 decimals is
// "1.2345". A string that is not a non-negative decimal integer comes back
// as it is.
func FormatAmount(base string, decimals int) string {
	v, ok := new(big.Int).SetString(base, 10)
	if !ok || v.Sign() < 0 || decimals < 0 {
		return base
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)
	whole, frac := new(big.Int).QuoRem(v, scale, new(big.Int))
	f := new(big.Int).Div(new(big.Int).Mul(frac, big.NewInt(10_000)), scale)
	return fmt.Sprintf("%s.%04d", whole, f.Int64())
}
