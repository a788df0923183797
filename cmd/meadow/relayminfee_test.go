package main

import (
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
)

// TestRelayMinFee: meadow node claim refuses, before signing, a claim whose
// fees reach neither of the relayer's minimums (GET /v1/chain's relay),
// saying how much must be settled first; one that reaches either goes.
func TestRelayMinFee(t *testing.T) {
	meadow := func(s string) *big.Int { v, _ := new(big.Int).SetString(s, 10); return v }
	info := api.RelayInfo{FeeBps: 100, MinFeeMeadow: "1000000000000000000", MinFeeStable: "10000"}
	acct := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	for _, tc := range []struct {
		name       string
		info       api.RelayInfo
		feeM, feeS *big.Int
		want       []string // nil when the claim goes
	}{
		{"MEADOW fee reaches 1 MEADOW", info, meadow("1000000000000000000"), big.NewInt(0), nil},
		{"stable fee reaches 0.01", info, big.NewInt(0), big.NewInt(10_000), nil},
		{"no minimum", api.RelayInfo{FeeBps: 100}, big.NewInt(0), big.NewInt(0), nil},
		{"both under", info, meadow("999999999999999999"), big.NewInt(9_999), []string{
			"too small to relay", "fee of 0.999999999999999999 MEADOW and 0.009999 stable", "minimum of 1 MEADOW or 0.01 stable",
			"claim once 100 MEADOW or 1 stable are settled and unclaimed", "send some ether to " + acct.Hex()}},
		{"stable only, at 0.3%", api.RelayInfo{FeeBps: 30, MinFeeStable: "10000"}, meadow("5000000000000000000"), big.NewInt(20), []string{
			"minimum of 0.01 stable (", "claim once 3.333334 stable are settled"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := relayMinFee(tc.info, tc.feeM, tc.feeS, acct)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("the claim would go")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v\nwant %q", err, w)
				}
			}
		})
	}
}
