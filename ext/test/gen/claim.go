package main

import (
	"fmt"
	"log"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/contracts"
)

// Claims without gas: the extension's lib/claim.js signs what
// `meadow node claim` signs for a node with no ether. These vectors are
// contracts.RelayFee's rounding and whole claims built as
// cmd/meadow/claimrelay.go builds them (fee of cumulative minus claimed,
// payout zero, deadline an hour after now), signed by
// contracts.SignClaimAuthorization. The struct hash, digest and signature
// cases of contracts/testdata/claim_authorization.json are checked too.

type relayFeeVector struct {
	Paid string `json:"paid"`
	Bps  uint64 `json:"bps"`
	Fee  string `json:"fee"`
}

type claimVector struct {
	Name string `json:"name"`
	// The inputs: the node's key (hex), the rewards answer's amounts, GET
	// /v1/chain's chain id, distributor and fee, and the clock.
	Key              string `json:"key"`
	CumulativeMeadow string `json:"cumulative_meadow"`
	CumulativeStable string `json:"cumulative_stable"`
	ClaimedMeadow    string `json:"claimed_meadow"`
	ClaimedStable    string `json:"claimed_stable"`
	ChainID          uint64 `json:"chain_id"`
	Distributor      string `json:"distributor"`
	FeeBps           uint64 `json:"fee_bps"`
	Now              uint64 `json:"now"`
	// What Go signs.
	Account   string `json:"account"`
	Payout    string `json:"payout"`
	FeeMeadow string `json:"fee_meadow"`
	FeeStable string `json:"fee_stable"`
	Deadline  uint64 `json:"deadline"`
	Digest    string `json:"digest"`
	Signature string `json:"signature"`
}

// relayAuthorizationTTL is cmd/meadow's (seconds).
const relayAuthorizationTTL = 3600

func claimVectors() map[string]any {
	e18 := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	max := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	var fees []relayFeeVector
	for _, paid := range []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(99), big.NewInt(100), big.NewInt(9_999), big.NewInt(10_000), big.NewInt(7_000_001),
		new(big.Int).Mul(big.NewInt(2500), e18), new(big.Int).Add(new(big.Int).Mul(big.NewInt(3), e18), big.NewInt(12_345)), new(big.Int).Quo(max, big.NewInt(10_000)), max} {
		for _, bps := range []uint64{0, 1, 25, 100, 333, 500} {
			fees = append(fees, relayFeeVector{Paid: paid.String(), Bps: bps, Fee: contracts.RelayFee(paid, bps).String()})
		}
	}
	key, err := crypto.ToECDSA(crypto.Keccak256([]byte("meadow claim vector key ext")))
	if err != nil {
		log.Fatal(err)
	}
	amt := func(s string) *big.Int {
		v, ok := new(big.Int).SetString(s, 10)
		if !ok {
			log.Fatalf("amount %q", s)
		}
		return v
	}
	var claims []claimVector
	for _, c := range []struct {
		name                   string
		cumM, cumS, clmM, clmS string
		chainID                uint64
		dist                   string
		bps                    uint64
		now                    uint64
	}{
		{"first claim, both tokens, 1%", "2500000000000000000000", "7000000", "0", "0", 1337, "0x5FbDB2315678afecb367f032d93F642f64180aa3", 100, 1_800_000_000},
		{"after an earlier claim: the fee is on the growth only", "3000000000000000123", "9000001", "1000000000000000000", "4000000", 1337, "0x5FbDB2315678afecb367f032d93F642f64180aa3", 100, 1_800_000_000},
		{"stable already claimed in full, odd fee", "123456789012345678901", "500", "0", "500", 8453, "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", 333, 1_765_000_000},
		{"no fee asked", "42", "7", "0", "0", 1, "0x00000000000000000000000000000000000Fee01", 0, 1_700_000_000},
		{"the cap", "10000", "1", "1", "0", 31337, "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9", 500, 1_700_000_001},
	} {
		cumM, cumS := amt(c.cumM), amt(c.cumS)
		a := contracts.ClaimAuthorization{
			Account: crypto.PubkeyToAddress(key.PublicKey), CumulativeMeadow: cumM, CumulativeStable: cumS,
			FeeMeadow: contracts.RelayFee(new(big.Int).Sub(cumM, amt(c.clmM)), c.bps), FeeStable: contracts.RelayFee(new(big.Int).Sub(cumS, amt(c.clmS)), c.bps),
			Deadline: c.now + relayAuthorizationTTL,
		}
		d := contracts.Domain{Name: contracts.RewardsDomainName, Version: contracts.DomainVersion, ChainID: new(big.Int).SetUint64(c.chainID), VerifyingContract: common.HexToAddress(c.dist)}
		dg, err := a.Digest(d)
		if err != nil {
			log.Fatalf("%s: %v", c.name, err)
		}
		sig, err := contracts.SignClaimAuthorization(key, d, a)
		if err != nil {
			log.Fatalf("%s: %v", c.name, err)
		}
		claims = append(claims, claimVector{
			Name: c.name, Key: fmt.Sprintf("%x", crypto.FromECDSA(key)),
			CumulativeMeadow: c.cumM, CumulativeStable: c.cumS, ClaimedMeadow: c.clmM, ClaimedStable: c.clmS,
			ChainID: c.chainID, Distributor: common.HexToAddress(c.dist).Hex(), FeeBps: c.bps, Now: c.now,
			Account: a.Account.Hex(), Payout: a.Payout.Hex(), FeeMeadow: a.FeeMeadow.String(), FeeStable: a.FeeStable.String(),
			Deadline: a.Deadline, Digest: dg.Hex(), Signature: fmt.Sprintf("0x%x", sig),
		})
	}
	return map[string]any{"relay_fee": fees, "claims": claims}
}
