package contracts

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/node"

	"github.com/meadow-net/meadow/rewards"
)

// testKey derives a fixed key from a name, so failures reproduce.
func testKey(tb testing.TB, name string) *ecdsa.PrivateKey {
	tb.Helper()
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("meadow test key " + name)))
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

func addr(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

// testNet is an in-process chain with the contracts deployed: 3 operators,
// threshold 2, a funded buyer.
type testNet struct {
	chain    *Chain
	deployer *ecdsa.PrivateKey
	buyer    *ecdsa.PrivateKey
	treasury common.Address
	ops      []*ecdsa.PrivateKey
	addrs    Addresses
}

func newTestNet(tb testing.TB) *testNet {
	tb.Helper()
	return newTestNetWith(tb)
}

// newTestNetWith is newTestNet with options for the simulated node.
func newTestNetWith(tb testing.TB, opts ...func(*node.Config, *ethconfig.Config)) *testNet {
	tb.Helper()
	n := &testNet{
		deployer: testKey(tb, "deployer"),
		buyer:    testKey(tb, "buyer"),
		treasury: addr(testKey(tb, "treasury")),
		ops:      []*ecdsa.PrivateKey{testKey(tb, "op0"), testKey(tb, "op1"), testKey(tb, "op2")},
	}
	funded := []common.Address{addr(n.deployer), addr(n.buyer)}
	for _, k := range n.ops {
		funded = append(funded, addr(k))
	}
	chain, err := newSimulated(funded, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(chain.Close)
	n.chain = chain
	ctx := testCtx(tb)
	n.addrs, err = chain.Deploy(ctx, n.deployer, DeployConfig{
		Operators: []common.Address{addr(n.ops[0]), addr(n.ops[1]), addr(n.ops[2])},
		Threshold: 2,
		Treasury:  n.treasury,
	})
	if err != nil {
		tb.Fatalf("deploy: %v", err)
	}
	return n
}

func testCtx(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	tb.Cleanup(cancel)
	return ctx
}

// fundAndPay mints amount of test stable to the buyer and pays it for job.
func (n *testNet) fundAndPay(tb testing.TB, job string, amount *big.Int) Payment {
	tb.Helper()
	ctx := testCtx(tb)
	if _, err := n.chain.MintTestStable(ctx, n.buyer, addr(n.buyer), amount); err != nil {
		tb.Fatalf("mint: %v", err)
	}
	p, err := n.chain.Pay(ctx, n.buyer, jobID(job), amount)
	if err != nil {
		tb.Fatalf("pay: %v", err)
	}
	return p
}

func jobID(s string) common.Hash { return crypto.Keccak256Hash([]byte(s)) }

// sign signs r with the given operators.
func (n *testNet) sign(tb testing.TB, r EpochRoot, ops ...*ecdsa.PrivateKey) [][]byte {
	tb.Helper()
	d, err := n.chain.RewardsDomain(testCtx(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return signEach(tb, ops, func(k *ecdsa.PrivateKey) ([]byte, error) { return SignEpochRoot(k, d, r) })
}

// signDataset is sign for a dataset root, in the registry's domain.
func (n *testNet) signDataset(tb testing.TB, ds Dataset, ops ...*ecdsa.PrivateKey) [][]byte {
	tb.Helper()
	d, err := n.chain.DatasetsDomain(testCtx(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return signEach(tb, ops, func(k *ecdsa.PrivateKey) ([]byte, error) { return SignDataset(k, d, ds) })
}

// signEach returns each operator's signature by sign.
func signEach(tb testing.TB, ops []*ecdsa.PrivateKey, sign func(*ecdsa.PrivateKey) ([]byte, error)) [][]byte {
	tb.Helper()
	var sigs [][]byte
	for _, k := range ops {
		s, err := sign(k)
		if err != nil {
			tb.Fatal(err)
		}
		sigs = append(sigs, s)
	}
	return sigs
}

// settle builds a reward tree over leaves, posts its root for the next epoch
// with emission and revenue share signed by operators 0 and 1, and returns
// the tree.
func (n *testNet) settle(tb testing.TB, leaves []rewards.Leaf, emission, share *big.Int) *rewards.Tree {
	tb.Helper()
	ctx := testCtx(tb)
	tree, err := rewards.BuildTree(leaves)
	if err != nil {
		tb.Fatal(err)
	}
	epoch, err := n.chain.CurrentEpoch(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	r := EpochRoot{Epoch: epoch, Root: tree.Root(), Emission: emission, RevenueShare: share}
	if _, err := n.chain.PostRoot(ctx, n.deployer, r, n.sign(tb, r, n.ops[0], n.ops[1])); err != nil {
		tb.Fatalf("post root: %v", err)
	}
	return tree
}

func (n *testNet) claim(tb testing.TB, tree *rewards.Tree, leaf rewards.Leaf) ClaimResult {
	tb.Helper()
	proof, err := tree.Proof(leaf.Account)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := n.chain.Claim(testCtx(tb), n.deployer, NewClaim(leaf, proof))
	if err != nil {
		tb.Fatalf("claim for %s: %v", leaf.Account, err)
	}
	return res
}

func leaf(k *ecdsa.PrivateKey, meadow, stable *big.Int) rewards.Leaf {
	return rewards.Leaf{Account: rewards.Address(addr(k)), Meadow: meadow, Stable: stable}
}

// units returns n whole tokens of a token with the given decimals.
func units(n int64, decimals int) *big.Int {
	return new(big.Int).Mul(big.NewInt(n), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil))
}

func wantBalance(tb testing.TB, c *Chain, tok Token, who common.Address, want *big.Int) {
	tb.Helper()
	got, err := c.BalanceOf(testCtx(tb), tok, who)
	if err != nil {
		tb.Fatal(err)
	}
	if got.Cmp(want) != 0 {
		tb.Fatalf("balance of %s (token %d) = %s, want %s", who.Hex(), tok, got, want)
	}
}
