package node

import (
	"crypto/ecdsa"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
)

// RelayedClaim is what a claim without gas is made of: what it pays now,
// the fee the relayer takes from it, and the signed request a
// coordinator's relayer sends (POST /v1/rewards/relay).
type RelayedClaim struct {
	PayMeadow, PayStable *big.Int // cumulative minus what was already paid
	FeeMeadow, FeeStable *big.Int
	Request              api.RelayClaimRequest
}

// AuthorizeClaim signs the claim authorization for what the rewards answer
// r makes claimable beyond what the distributor already paid the node
// (paidMeadow, paidStable), with the relayer's fee of feeBps basis points
// of it, paid to payout (the zero address: the node itself), valid until
// deadline (Unix seconds, on the chain's clock), in the distributor's
// EIP-712 domain. It returns contracts.ErrNothingToClaim when the claim
// would pay nothing. meadow node claim and the dev network's journey both
// claim through it; the extension has its own (ext/src/lib/claim.js), held
// to the same bytes by test vectors.
func AuthorizeClaim(key *ecdsa.PrivateKey, domain contracts.Domain, r api.NodeRewards, paidMeadow, paidStable *big.Int,
	feeBps uint64, payout common.Address, deadline uint64) (RelayedClaim, error) {
	cumM, okM := new(big.Int).SetString(r.Meadow, 10)
	cumS, okS := new(big.Int).SetString(r.Stable, 10)
	if !okM || !okS {
		return RelayedClaim{}, fmt.Errorf("node: rewards meadow %q, stable %q: expected decimal amounts", r.Meadow, r.Stable)
	}
	c := RelayedClaim{PayMeadow: new(big.Int).Sub(cumM, paidMeadow), PayStable: new(big.Int).Sub(cumS, paidStable)}
	if c.PayMeadow.Sign() <= 0 && c.PayStable.Sign() <= 0 {
		return c, contracts.ErrNothingToClaim
	}
	c.FeeMeadow, c.FeeStable = contracts.RelayFee(c.PayMeadow, feeBps), contracts.RelayFee(c.PayStable, feeBps)
	auth := contracts.ClaimAuthorization{Account: r.Address, CumulativeMeadow: cumM, CumulativeStable: cumS, Payout: payout,
		FeeMeadow: c.FeeMeadow, FeeStable: c.FeeStable, Deadline: deadline}
	sig, err := contracts.SignClaimAuthorization(key, domain, auth)
	if err != nil {
		return c, err
	}
	c.Request = api.RelayClaimRequest{Account: r.Address, CumulativeMeadow: r.Meadow, CumulativeStable: r.Stable, Proof: r.Proof,
		Payout: payout, FeeMeadow: c.FeeMeadow.String(), FeeStable: c.FeeStable.String(), Deadline: deadline}
	copy(c.Request.Signature[:], sig)
	return c, nil
}
