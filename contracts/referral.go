package contracts

import (
	"context"
	"fmt"
	"math/big"
)

// EmissionSplit calls the distributor's pure emissionSplit: an epoch's
// emission split into the node pool and the referral reserve, as
// rewards.EmissionSplit computes it.
func (c *Chain) EmissionSplit(ctx context.Context, emission *big.Int) (nodePool, reserve *big.Int, err error) {
	a, err := c.deployed("emission split")
	if err != nil {
		return nil, nil, err
	}
	if err := CheckUint256("emission", emission); err != nil {
		return nil, nil, err
	}
	out, err := c.call(ctx, "emission split", a.Distributor, distributorC.PackEmissionSplit(emission))
	if err != nil {
		return nil, nil, err
	}
	v, err := distributorC.UnpackEmissionSplit(out)
	if err != nil {
		return nil, nil, fmt.Errorf("contracts: emission split at %s: %w", a.Distributor.Hex(), err)
	}
	return v.NodePool, v.ReferralReserve, nil
}

// ReferralShare calls the distributor's pure referralShare: what a
// referrer of tier 1 or 2 earns on a referee's MEADOW reward, as
// rewards.ReferralShare computes it. Another tier is ErrInvalidReferralTier.
func (c *Chain) ReferralShare(ctx context.Context, reward *big.Int, tier uint64) (*big.Int, error) {
	a, err := c.deployed("referral share")
	if err != nil {
		return nil, err
	}
	if err := CheckUint256("reward", reward); err != nil {
		return nil, err
	}
	return c.readUint(ctx, "referral share", a.Distributor,
		distributorC.PackReferralShare(reward, new(big.Int).SetUint64(tier)), distributorC.UnpackReferralShare)
}
