package contracts

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// TestCommunityGasFigures measures what communities cost (docs/BENCHMARKS.md
// quotes it): deploying the contracts, creating a community, minting a
// membership with its account, and calls through an account beside the
// same calls made directly. As TestGasFigures, under Osaka rules (bounded)
// and under go-ethereum's dev-chain rules:
//
//	go test ./contracts -run TestCommunityGasFigures -v
func TestCommunityGasFigures(t *testing.T) {
	t.Run("osaka", func(t *testing.T) { communityGasFigures(t, newTestNetWith(t, osaka), true) })
	t.Run("dev-chain", func(t *testing.T) { communityGasFigures(t, newTestNet(t), false) })
}

func communityGasFigures(t *testing.T, n *testNet, bounded bool) {
	ctx := testCtx(t)
	report := func(what string, gas, bound uint64) {
		t.Helper()
		t.Logf("gas %-64s %9d", what, gas)
		if bounded && gas > bound {
			t.Errorf("%s used %d gas, more than the %d expected", what, gas, bound)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	cm, creations, err := n.chain.DeployCommunities(ctx, n.deployer)
	must(err)
	for _, cr := range creations {
		report("deploy "+cr.Contract, cr.GasUsed, map[string]uint64{"ERC6551Registry": 250_000, "ERC6551Account": 900_000, "CommunityFactory": 2_700_000}[cr.Contract])
	}
	admin, alice := n.buyer, testKey(t, "gas alice")
	c, err := cm.CreateCommunity(ctx, admin, "Gas Growers", "GAS", addr(admin))
	must(err)
	report("create community (collection, token 0, its account)", c.GasUsed, 2_500_000)

	m, r, err := cm.MintMember(ctx, admin, c.Collection, addr(n.ops[0]))
	must(err)
	report("mint a membership with its account", r.GasUsed, 170_000)
	batch := make([]common.Address, 10)
	for i := range batch {
		batch[i] = common.BigToAddress(big.NewInt(int64(0xbeef00 + i)))
	}
	_, r, err = cm.MintMembers(ctx, admin, c.Collection, batch)
	must(err)
	report("mintBatch of 10 memberships, per member", r.GasUsed/10, 180_000)

	// An ERC-20 transfer through the community's account, beside the same
	// transfer sent directly by an EOA.
	_, err = n.chain.MintTestStable(ctx, n.deployer, c.Account, units(1_000, 6))
	must(err)
	_, err = n.chain.MintTestStable(ctx, n.deployer, addr(n.buyer), units(1_000, 6))
	must(err)
	transfer := func(i int) []byte {
		return stableC.PackTransfer(common.BigToAddress(big.NewInt(int64(0xfeed00+i))), units(1, 6))
	}
	rcpt, err := n.chain.transact(ctx, "direct transfer", n.buyer, &n.addrs.Stable, transfer(0))
	must(err)
	report("ERC-20 transfer, direct from an EOA (new recipient)", rcpt.GasUsed, 60_000)
	rcpt, err = n.chain.transact(ctx, "direct transfer", n.buyer, &n.addrs.Stable, transfer(0))
	must(err)
	report("ERC-20 transfer, direct from an EOA (existing recipient)", rcpt.GasUsed, 40_000)
	r, err = n.chain.ExecuteAs(ctx, admin, c.Account, n.addrs.Stable, nil, transfer(1))
	must(err)
	report("ERC-20 transfer through the account, first call (new recipient)", r.GasUsed, 90_000)
	r, err = n.chain.ExecuteAs(ctx, admin, c.Account, n.addrs.Stable, nil, transfer(2))
	must(err)
	report("ERC-20 transfer through the account, later call (new recipient)", r.GasUsed, 80_000)
	r, err = n.chain.ExecuteAs(ctx, admin, c.Account, n.addrs.Stable, nil, transfer(2))
	must(err)
	report("ERC-20 transfer through the account (existing recipient)", r.GasUsed, 60_000)

	// A payment from the account, beside the same payment made directly
	// (after a first payment, which alone writes the epoch's fresh slots).
	_, err = n.chain.Pay(ctx, n.buyer, jobID("gas warm-up"), units(10, 6))
	must(err)
	p, err := n.chain.Pay(ctx, n.buyer, jobID("gas direct"), units(10, 6))
	must(err)
	rc, err := n.chain.Backend().TransactionReceipt(ctx, p.TxHash)
	must(err)
	report("pay, direct from an EOA (later payment, new job)", rc.GasUsed, 100_000)
	p, err = n.chain.PayAs(ctx, admin, c.Account, jobID("gas community"), units(10, 6))
	must(err)
	rc, err = n.chain.Backend().TransactionReceipt(ctx, p.TxHash)
	must(err)
	report("pay through the community's account (approve done, new job)", rc.GasUsed, 120_000)

	// Moving a membership: to a person, and into another token's account
	// (the ownership-cycle walk runs).
	r, err = n.chain.TransferMembership(ctx, n.ops[0], c.Collection, addr(alice), m.TokenID)
	must(err)
	report("transfer a membership to an EOA (safeTransferFrom)", r.GasUsed, 70_000)
	other, _, err := cm.MintMember(ctx, admin, c.Collection, addr(n.ops[1]))
	must(err)
	r, err = n.chain.TransferMembership(ctx, n.ops[1], c.Collection, c.Account, other.TokenID)
	must(err)
	report("transfer a membership into the community's account (cycle check)", r.GasUsed, 100_000)
}
