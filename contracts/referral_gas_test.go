package contracts

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/rewards"
)

// TestReferralClaimGas settles an epoch with rewards.Settle in which a
// referee names two tiers of referrers, posts its root minting what the
// settlement says (the emission less the unused referral reserve), and has
// the first-tier referrer — who also worked — claim: its claim pays its own
// reward plus its referral share, and costs what any claim costs (the share
// is in the leaf's cumulative MEADOW). It reports the gas.
func TestReferralClaimGas(t *testing.T) {
	t.Run("osaka", func(t *testing.T) { referralClaimGas(t, newTestNetWith(t, osaka), true) })
	t.Run("dev-chain", func(t *testing.T) { referralClaimGas(t, newTestNet(t), false) })
}

func referralClaimGas(t *testing.T, n *testNet, bounded bool) {
	ctx := testCtx(t)
	var referee, first, second rewards.Address
	referee[0], first[0], second[0] = 0xa1, 0xb2, 0xc3
	epoch, err := n.chain.CurrentEpoch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	limit, err := n.chain.EmissionLimit(ctx, epoch)
	if err != nil {
		t.Fatal(err)
	}
	out, err := rewards.Settle(rewards.SettleInput{
		Epoch: epoch, Params: rewards.DefaultParams(), Balances: map[rewards.Address]rewards.Balance{},
		Units:     map[rewards.Address]uint64{referee: 300, first: 100},
		Referrals: []rewards.Referee{{Account: referee, Referral: rewards.Referral{First: first, Second: second}}},
		Emission:  limit, RevenueShare: new(big.Int),
		Carry: rewards.Balance{Meadow: new(big.Int), Stable: new(big.Int)},
	})
	if err != nil {
		t.Fatal(err)
	}
	tree, err := rewards.BuildTree(out.Leaves)
	if err != nil {
		t.Fatal(err)
	}
	r := EpochRoot{Epoch: epoch, Root: tree.Root(), Emission: out.Mint, RevenueShare: new(big.Int)}
	if _, err := n.chain.PostRoot(ctx, n.deployer, r, n.sign(t, r, n.ops[:2]...)); err != nil {
		t.Fatalf("post the root minting %s of the %s emission: %v", out.Mint, limit, err)
	}
	var leaf rewards.Leaf
	var own, share *big.Int
	for _, l := range out.Leaves {
		if l.Account == first {
			leaf = l
		}
	}
	for _, p := range out.Payouts {
		if p.Account == first {
			own, share = p.Meadow, p.Referral
		}
	}
	if share == nil || share.Sign() == 0 || own == nil || own.Sign() == 0 {
		t.Fatalf("the first-tier referrer's payout: own %v, referral %v; want both", own, share)
	}
	proof, err := tree.Proof(first)
	if err != nil {
		t.Fatal(err)
	}
	res, err := n.chain.Claim(ctx, n.deployer, NewClaim(leaf, proof))
	if err != nil {
		t.Fatal(err)
	}
	if want := new(big.Int).Add(own, share); res.Meadow.Cmp(want) != 0 {
		t.Fatalf("the claim paid %s MEADOW, want its reward %s plus its referral share %s", res.Meadow, own, share)
	}
	bal, err := n.chain.BalanceOf(ctx, TokenMeadow, common.Address(first))
	if err != nil || bal.Cmp(res.Meadow) != 0 {
		t.Fatalf("the referrer holds %v MEADOW (%v), the claim paid %s", bal, err, res.Meadow)
	}
	t.Logf("gas claim with a referral share (%d-leaf tree, proof of %d): %d", len(out.Leaves), len(proof), res.GasUsed)
	if bounded && res.GasUsed > 135_000 {
		t.Errorf("claim with a referral share used %d gas, more than a claim's 135,000 bound", res.GasUsed)
	}
}
