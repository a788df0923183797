//go:build !nodeonly

package main

import (
	"strings"
	"testing"
)

// TestParseMinFee: the relayer's minimum fee flags take tokens, or 0 for
// none, and name the flag otherwise.
func TestParseMinFee(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want "" for an error
	}{
		{"1", "1000000000000000000"}, {"0.01", "10000000000000000"}, {"0", "0"}, {"0.000", "0"}, {"00", "0"},
		{"", ""}, {".", ""}, {"-1", ""}, {"1e3", ""}, {"0.0000000000000000001", ""},
	} {
		v, err := parseMinFee("--relay-min-fee-meadow", tc.in, 18)
		switch {
		case tc.want == "" && (err == nil || !strings.Contains(err.Error(), "--relay-min-fee-meadow")):
			t.Errorf("%q: %v %v, want an error naming the flag", tc.in, v, err)
		case tc.want != "" && (err != nil || v.String() != tc.want):
			t.Errorf("%q: %v %v, want %s", tc.in, v, err, tc.want)
		}
	}
}
