package contracts

import (
	"crypto/ecdsa"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
)

// RelayedClaimAuth is a claim without gas, ready to send: what it pays
// now, the relayer's fee out of it, the authorization and its signature.
type RelayedClaimAuth struct {
	PayMeadow, PayStable *big.Int // cumulative minus what was already paid
	Auth                 ClaimAuthorization
	Signature            []byte
}

// AuthorizeClaim signs the claim authorization of account for its
// cumulative amounts beyond what the distributor already paid it
// (paidMeadow, paidStable), with the relayer's fee of feeBps basis points
// of what it pays now (RelayFee), paid to payout (the zero address: the
// account itself), valid until deadline (Unix seconds, the chain's clock),
// in the distributor's domain. A claim that would pay nothing is
// ErrNothingToClaim. meadow node claim and the dev network's journey claim
// through it; the extension's ext/src/lib/claim.js is held to the same
// bytes by test vectors.
func AuthorizeClaim(key *ecdsa.PrivateKey, domain Domain, account common.Address, cumMeadow, cumStable, paidMeadow, paidStable *big.Int,
	feeBps uint64, payout common.Address, deadline uint64) (RelayedClaimAuth, error) {
	c := RelayedClaimAuth{PayMeadow: new(big.Int).Sub(cumMeadow, paidMeadow), PayStable: new(big.Int).Sub(cumStable, paidStable)}
	if c.PayMeadow.Sign() <= 0 && c.PayStable.Sign() <= 0 {
		return c, ErrNothingToClaim
	}
	c.Auth = ClaimAuthorization{Account: account, CumulativeMeadow: cumMeadow, CumulativeStable: cumStable, Payout: payout,
		FeeMeadow: RelayFee(c.PayMeadow, feeBps), FeeStable: RelayFee(c.PayStable, feeBps), Deadline: deadline}
	sig, err := SignClaimAuthorization(key, domain, c.Auth)
	if err != nil {
		return c, err
	}
	c.Signature = sig
	return c, nil
}
