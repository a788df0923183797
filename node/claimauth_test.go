package node

import (
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
)

// TestAuthorizeClaim: the authorization covers what the claim pays now
// (cumulative minus paid), its fee is the relayer's share of that, and the
// signature recovers to the node over the contract's digest; a claim that
// would pay nothing, or amounts that are not numbers, are refused.
func TestAuthorizeClaim(t *testing.T) {
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	addr := crypto.PubkeyToAddress(key.PublicKey)
	dom := contracts.Domain{Name: "MeadowRewards", Version: "1", ChainID: big.NewInt(1337), VerifyingContract: common.Address{9}}
	r := api.NodeRewards{Address: addr, Epoch: 2, Meadow: "1000000", Stable: "300", Proof: []common.Hash{{1}}}
	tests := []struct {
		name             string
		r                api.NodeRewards
		paidM, paidS     int64
		feeBps           uint64
		payM, feeM, feeS int64
		err              error
	}{
		{name: "first claim", r: r, feeBps: 100, payM: 1000000, feeM: 10000, feeS: 3},
		{name: "after a claim", r: r, paidM: 400000, paidS: 300, feeBps: 250, payM: 600000, feeM: 15000, feeS: 0},
		{name: "no fee", r: r, feeBps: 0, payM: 1000000},
		{name: "nothing left", r: r, paidM: 1000000, paidS: 300, feeBps: 100, err: contracts.ErrNothingToClaim},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := AuthorizeClaim(key, dom, tt.r, big.NewInt(tt.paidM), big.NewInt(tt.paidS), tt.feeBps, common.Address{}, 1_800_000_000)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.PayMeadow.Int64() != tt.payM || c.FeeMeadow.Int64() != tt.feeM || c.FeeStable.Int64() != tt.feeS {
				t.Fatalf("pays %s, fees %s and %s; want %d, %d and %d", c.PayMeadow, c.FeeMeadow, c.FeeStable, tt.payM, tt.feeM, tt.feeS)
			}
			q := c.Request
			if err := q.Validate(); err != nil {
				t.Fatalf("the request does not validate: %v", err)
			}
			auth := contracts.ClaimAuthorization{Account: addr, CumulativeMeadow: big.NewInt(1000000), CumulativeStable: big.NewInt(300),
				FeeMeadow: c.FeeMeadow, FeeStable: c.FeeStable, Deadline: q.Deadline}
			d, err := auth.Digest(dom)
			if err != nil {
				t.Fatal(err)
			}
			sig := append([]byte(nil), q.Signature[:]...)
			if sig[64] >= 27 {
				sig[64] -= 27
			}
			pub, err := crypto.SigToPub(d[:], sig)
			if err != nil || crypto.PubkeyToAddress(*pub) != addr {
				t.Fatalf("the signature recovers to %v (%v), want the node %s", pub, err, addr)
			}
		})
	}
	if _, err := AuthorizeClaim(key, dom, api.NodeRewards{Address: addr, Meadow: "x", Stable: "0"}, new(big.Int), new(big.Int), 100, common.Address{}, 1); err == nil {
		t.Fatal("a non-numeric amount was signed")
	}
}
