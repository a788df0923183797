package contracts

import (
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// TestAuthorizeClaim: the authorization covers the cumulative amounts, its
// fee is the relayer's share of what the claim pays now (cumulative minus
// paid), and the signature recovers to the account over the contract's
// digest; a claim that would pay nothing is refused.
func TestAuthorizeClaim(t *testing.T) {
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	addr := crypto.PubkeyToAddress(key.PublicKey)
	dom := Domain{Name: "MeadowRewards", Version: "1", ChainID: big.NewInt(1337), VerifyingContract: common.Address{9}}
	tests := []struct {
		name             string
		paidM, paidS     int64
		feeBps           uint64
		payM, feeM, feeS int64
		err              error
	}{
		{name: "first claim", feeBps: 100, payM: 1000000, feeM: 10000, feeS: 3},
		{name: "after a claim", paidM: 400000, paidS: 300, feeBps: 250, payM: 600000, feeM: 15000, feeS: 0},
		{name: "no fee", feeBps: 0, payM: 1000000},
		{name: "nothing left", paidM: 1000000, paidS: 300, feeBps: 100, err: ErrNothingToClaim},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := AuthorizeClaim(key, dom, addr, big.NewInt(1000000), big.NewInt(300), big.NewInt(tt.paidM), big.NewInt(tt.paidS),
				tt.feeBps, common.Address{}, 1_800_000_000)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.PayMeadow.Int64() != tt.payM || c.Auth.FeeMeadow.Int64() != tt.feeM || c.Auth.FeeStable.Int64() != tt.feeS {
				t.Fatalf("pays %s, fees %s and %s; want %d, %d and %d", c.PayMeadow, c.Auth.FeeMeadow, c.Auth.FeeStable, tt.payM, tt.feeM, tt.feeS)
			}
			if err := c.Auth.Validate(); err != nil {
				t.Fatalf("the authorization does not validate: %v", err)
			}
			d, err := c.Auth.Digest(dom)
			if err != nil {
				t.Fatal(err)
			}
			sig := append([]byte(nil), c.Signature...)
			if sig[64] >= 27 {
				sig[64] -= 27
			}
			pub, err := crypto.SigToPub(d[:], sig)
			if err != nil || crypto.PubkeyToAddress(*pub) != addr {
				t.Fatalf("the signature recovers to %v (%v), want %s", pub, err, addr)
			}
		})
	}
}
