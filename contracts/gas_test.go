package contracts

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"

	"github.com/meadow-net/meadow/rewards"
)

// TestGasFigures measures the gas of the transactions the network sends
// often (docs/BENCHMARKS.md quotes them): posting a root with 2 and with 3
// signatures, a claim at several tree sizes, and a payment. The bounds
// catch a regression; the log has the figures:
//
//	go test ./contracts -run TestGasFigures -v
//
// Figures are taken twice: under Osaka rules (Ethereum mainnet and most
// L2s today; the bounds apply there) and under the rules of go-ethereum's
// dev chain, which include the proposed Amsterdam state-growth repricing
// (EIP-8037) that makes a first write to a storage slot several times dearer.
// osaka configures the in-process chain with the dev chain's rules up to
// Osaka, without its later forks: the rules gas figures are quoted under.
func osaka(_ *node.Config, ec *ethconfig.Config) {
	cfg := *params.AllDevChainProtocolChanges
	cfg.BogotaTime = nil
	ec.Genesis.Config = &cfg
}

func TestGasFigures(t *testing.T) {
	t.Run("osaka", func(t *testing.T) { gasFigures(t, newTestNetWith(t, osaka), true) })
	t.Run("dev-chain", func(t *testing.T) { gasFigures(t, newTestNet(t), false) })
}

func gasFigures(t *testing.T, n *testNet, bounded bool) {
	ctx := testCtx(t)
	report := func(what string, gas uint64, bound uint64) {
		t.Helper()
		t.Logf("gas %-56s %7d", what, gas)
		if bounded && gas > bound {
			t.Errorf("%s used %d gas, more than the %d expected", what, gas, bound)
		}
	}

	// Payments: the first of an epoch writes fresh slots, later ones update.
	if _, err := n.chain.MintTestStable(ctx, n.buyer, addr(n.buyer), units(1_000_000, 6)); err != nil {
		t.Fatal(err)
	}
	for i, what := range []string{"pay (first payment ever, new job)", "pay (later payment, new job)"} {
		p, err := n.chain.Pay(ctx, n.buyer, jobID(fmt.Sprint("gas-job-", i)), units(10_000, 6))
		if err != nil {
			t.Fatal(err)
		}
		rcpt, err := n.chain.Backend().TransactionReceipt(ctx, p.TxHash)
		if err != nil {
			t.Fatal(err)
		}
		report(what, rcpt.GasUsed, []uint64{170_000, 100_000}[i])
	}

	// Trees of several sizes; every epoch's root is over the largest tree
	// so far, claims are measured against the tree of that size.
	sizes := []int{2, 1_000, 10_000}
	trees := make([]*rewards.Tree, len(sizes))
	leafSets := make([][]rewards.Leaf, len(sizes))
	for s, size := range sizes {
		leaves := make([]rewards.Leaf, size)
		for i := range leaves {
			var a rewards.Address
			a[0], a[1], a[2], a[3] = 0xee, byte(i>>16), byte(i>>8), byte(i)
			a[19] = byte(s + 1)
			leaves[i] = rewards.Leaf{Account: a, Meadow: big.NewInt(int64(i + 1)), Stable: big.NewInt(int64(i % 2))}
		}
		tree, err := rewards.BuildTree(leaves)
		if err != nil {
			t.Fatal(err)
		}
		trees[s], leafSets[s] = tree, leaves
	}

	post := func(tree *rewards.Tree, signers int, share *big.Int) uint64 {
		t.Helper()
		epoch, err := n.chain.CurrentEpoch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		limit, err := n.chain.EmissionLimit(ctx, epoch)
		if err != nil {
			t.Fatal(err)
		}
		r := EpochRoot{Epoch: epoch, Root: tree.Root(), Emission: limit, RevenueShare: share}
		rcpt, err := n.chain.PostRoot(ctx, n.deployer, r, n.sign(t, r, n.ops[:signers]...))
		if err != nil {
			t.Fatal(err)
		}
		return rcpt.GasUsed
	}
	report("postRoot, 2 of 3 signatures, first epoch", post(trees[0], 2, units(14_000, 6)), 180_000)
	report("postRoot, 2 of 3 signatures, later epoch", post(trees[0], 2, big.NewInt(0)), 90_000)
	report("postRoot, 3 of 3 signatures, later epoch", post(trees[0], 3, big.NewInt(0)), 100_000)

	// A dataset root, 2 of 3 signatures: what the leader posts for every
	// dataset completed (coord's registerDatasets).
	for i := range 2 {
		ds := Dataset{ID: crypto.Keccak256Hash(fmt.Appendf(nil, "gas-dataset-%d", i)), Root: crypto.Keccak256Hash(fmt.Appendf(nil, "root-%d", i)), Rows: 1000}
		rcpt, err := n.chain.PostDataset(ctx, n.deployer, ds, n.signDataset(t, ds, n.ops[:2]...))
		if err != nil {
			t.Fatal(err)
		}
		report([]string{"postDataset, 2 of 3 signatures, first", "postDataset, 2 of 3 signatures, later"}[i], rcpt.GasUsed, 95_000)
	}

	for s, size := range sizes {
		if s > 0 {
			post(trees[s], 2, big.NewInt(0))
		}
		// Two claims to new holders: leaf 1 has MEADOW and stable, leaf 0
		// MEADOW only.
		for j, idx := range []int{1, 0} {
			l := leafSets[s][idx]
			proof, _ := trees[s].Proof(l.Account)
			res, err := n.chain.Claim(ctx, n.deployer, NewClaim(l, proof))
			if err != nil {
				t.Fatal(err)
			}
			what := fmt.Sprintf("claim, %d-leaf tree (proof of %d), %s", size, len(proof), []string{"MEADOW + stable", "MEADOW only"}[j])
			report(what, res.GasUsed, 135_000)
		}
		// Claiming again costs only the proof check.
		l := leafSets[s][1]
		proof, _ := trees[s].Proof(l.Account)
		res, err := n.chain.Claim(ctx, n.deployer, NewClaim(l, proof))
		if err != nil || res.Meadow.Sign() != 0 {
			t.Fatalf("repeat claim: %v, paid %v", err, res.Meadow)
		}
		report(fmt.Sprintf("claim again, %d-leaf tree (pays nothing)", size), res.GasUsed, 45_000)
	}
}
