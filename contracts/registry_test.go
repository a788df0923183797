package contracts

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/rewards"
)

// TestDatasetRegistry: a dataset root signed by 2 of 3 operators is
// recorded; one signature, a repost and a zero root are refused.
func TestDatasetRegistry(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	ds := Dataset{ID: crypto.Keccak256Hash([]byte("dataset-1")), Root: crypto.Keccak256Hash([]byte("root")), Rows: 12345}
	sign := func(ds Dataset, keys ...int) [][]byte {
		var ops []*ecdsa.PrivateKey
		for _, k := range keys {
			ops = append(ops, n.ops[k])
		}
		return n.signDataset(t, ds, ops...)
	}
	if _, _, ok, err := n.chain.DatasetRoot(ctx, ds.ID); err != nil || ok {
		t.Fatalf("DatasetRoot before posting: ok=%v err=%v", ok, err)
	}
	if _, err := n.chain.PostDataset(ctx, n.deployer, ds, sign(ds, 2)); !errors.Is(err, ErrNotEnoughSignatures) {
		t.Fatalf("one signature: %v, want ErrNotEnoughSignatures", err)
	}
	// A signature for the rewards domain does not count here.
	rd, _ := n.chain.RewardsDomain(ctx)
	foreign, _ := SignDataset(n.ops[0], rd, ds)
	if _, err := n.chain.PostDataset(ctx, n.deployer, ds, append(sign(ds, 1), foreign)); !errors.Is(err, ErrNotEnoughSignatures) {
		t.Fatalf("signature from another domain: %v, want ErrNotEnoughSignatures", err)
	}
	if _, err := n.chain.PostDataset(ctx, n.deployer, ds, sign(ds, 0, 2)); err != nil {
		t.Fatalf("post dataset: %v", err)
	}
	root, rows, ok, err := n.chain.DatasetRoot(ctx, ds.ID)
	if err != nil || !ok || root != ds.Root || rows != ds.Rows {
		t.Fatalf("DatasetRoot = %s %d %v %v", root.Hex(), rows, ok, err)
	}
	other := ds
	other.Root = crypto.Keccak256Hash([]byte("other root"))
	if _, err := n.chain.PostDataset(ctx, n.deployer, other, sign(other, 0, 1)); !errors.Is(err, ErrDatasetExists) {
		t.Fatalf("repost: %v, want ErrDatasetExists", err)
	}
	zero := Dataset{ID: crypto.Keccak256Hash([]byte("dataset-2"))}
	if _, err := n.chain.PostDataset(ctx, n.deployer, zero, nil); !errors.Is(err, ErrZeroRoot) {
		t.Fatalf("zero root: %v, want ErrZeroRoot", err)
	}
}

// TestEIP712MatchesContract: the Go domain separators and digests are the
// contracts', and RecoverSigner finds the operator.
func TestEIP712MatchesContract(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	rd, _ := n.chain.RewardsDomain(ctx)
	dd, _ := n.chain.DatasetsDomain(ctx)
	for _, tc := range []struct {
		name string
		d    Domain
		to   common.Address
	}{{"rewards", rd, n.addrs.Distributor}, {"datasets", dd, n.addrs.Registry}} {
		out, err := n.chain.call(ctx, "domain separator", tc.to, distributorC.PackDomainSeparator())
		if err != nil {
			t.Fatal(err)
		}
		if got := common.BytesToHash(out); got != tc.d.Separator() {
			t.Fatalf("%s: contract separator %s, Go %s", tc.name, got.Hex(), tc.d.Separator().Hex())
		}
	}
	r := EpochRoot{Epoch: 7, Root: common.HexToHash("0xabc"), Emission: units(123, 18), RevenueShare: units(45, 6)}
	out, err := n.chain.call(ctx, "hash epoch root", n.addrs.Distributor, distributorC.PackHashEpochRoot(big.NewInt(7), r.Root, r.Emission, r.RevenueShare))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := r.Digest(rd)
	if common.BytesToHash(out) != want {
		t.Fatalf("hashEpochRoot %x, Go %s", out, want.Hex())
	}
	ds := Dataset{ID: common.HexToHash("0x01"), Root: common.HexToHash("0x02"), Rows: 3}
	out, err = n.chain.call(ctx, "hash dataset", n.addrs.Registry, registryC.PackHashDataset(ds.ID, ds.Root, big.NewInt(3)))
	if err != nil {
		t.Fatal(err)
	}
	wantDS, _ := ds.Digest(dd)
	if common.BytesToHash(out) != wantDS {
		t.Fatalf("hashDataset %x, Go %s", out, wantDS.Hex())
	}
	sig, _ := SignEpochRoot(n.ops[1], rd, r)
	who, err := RecoverSigner(want, sig)
	if err != nil || who != addr(n.ops[1]) {
		t.Fatalf("RecoverSigner = %s, %v; want %s", who.Hex(), err, addr(n.ops[1]).Hex())
	}
}

// TestRewardTreeProofsOnChain: every leaf of trees built by rewards, of
// sizes that give unbalanced shapes, claims on chain with its Go-built
// proof.
func TestRewardTreeProofsOnChain(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	total := new(big.Int)
	var trees []*rewards.Tree
	var leafSets [][]rewards.Leaf
	for epoch, size := range []int{1, 2, 3, 7, 33} {
		leaves := make([]rewards.Leaf, size)
		sum := new(big.Int)
		for i := range leaves {
			// Cumulative totals only grow from one epoch to the next.
			leaves[i] = leaf(testKey(t, fmt.Sprintf("node-%d", i)), units(int64(10*(epoch+1)+i), 18), big.NewInt(0))
			sum.Add(sum, leaves[i].Meadow)
		}
		emission := new(big.Int).Sub(sum, total)
		if emission.Sign() < 0 {
			emission.SetInt64(0)
		}
		limit, _ := n.chain.EmissionLimit(ctx, uint64(epoch+1))
		if emission.Cmp(limit) > 0 {
			t.Fatalf("test leaves need %s, limit %s", emission, limit)
		}
		trees = append(trees, n.settle(t, leaves, emission, big.NewInt(0)))
		leafSets = append(leafSets, leaves)
		total.Add(total, emission)
	}
	// Claims go against the latest root only: the 33-leaf tree.
	last := trees[len(trees)-1]
	for _, l := range leafSets[len(leafSets)-1] {
		proof, err := last.Proof(l.Account)
		if err != nil {
			t.Fatal(err)
		}
		h, _ := l.Hash()
		if !rewards.VerifyProof(proof, last.Root(), h) {
			t.Fatalf("rewards rejects its own proof for %s", l.Account)
		}
		res := n.claim(t, last, l)
		if res.Meadow.Cmp(l.Meadow) != 0 {
			t.Fatalf("claim for %s paid %s, want %s", l.Account, res.Meadow, l.Meadow)
		}
	}
	// A proof from an older tree no longer verifies.
	old := trees[len(trees)-2]
	l := leafSets[len(leafSets)-2][0]
	proof, _ := old.Proof(l.Account)
	if _, err := n.chain.Claim(ctx, n.deployer, NewClaim(l, proof)); !errors.Is(err, ErrInvalidProof) {
		t.Fatalf("claim against an old root: %v, want ErrInvalidProof", err)
	}
	// The single-leaf tree's empty proof was valid when it was the latest.
	n2 := newTestNet(t)
	solo := leaf(testKey(t, "solo"), units(5, 18), big.NewInt(0))
	tree := n2.settle(t, []rewards.Leaf{solo}, units(5, 18), big.NewInt(0))
	if res := n2.claim(t, tree, solo); res.Meadow.Cmp(units(5, 18)) != 0 {
		t.Fatalf("solo claim paid %s", res.Meadow)
	}
}

// TestBadInput: malformed addresses, overflowing amounts and bad deploy
// settings are refused with errors that name the field.
func TestBadInput(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	two256 := new(big.Int).Lsh(big.NewInt(1), 256)

	for _, tt := range []struct {
		name, in string
		ok       bool
	}{
		{name: "lower case", in: "0x52908400098527886e0f7030069857d2e4169ee7", ok: true},
		{name: "checksummed", in: "0x52908400098527886E0F7030069857D2E4169EE7", ok: true},
		{name: "mixed case valid", in: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", ok: true},
		{name: "bad checksum", in: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"},
		{name: "short", in: "0x1234"},
		{name: "no prefix", in: "52908400098527886e0f7030069857d2e4169ee7"},
		{name: "not hex", in: "0xZZ908400098527886e0f7030069857d2e4169ee7"},
		{name: "empty", in: ""},
	} {
		t.Run("address "+tt.name, func(t *testing.T) {
			_, err := ParseAddress("treasury", tt.in)
			if tt.ok != (err == nil) {
				t.Fatalf("ParseAddress(%q) = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if err != nil && (!errors.Is(err, ErrInvalidAddress) || !strings.Contains(err.Error(), "treasury")) {
				t.Fatalf("error %v does not wrap ErrInvalidAddress and name the field", err)
			}
		})
	}
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"0", true}, {"1000000", true}, {"0xff", true}, {MaxUint256.String(), true},
		{two256.String(), false}, {"-1", false}, {"1.5", false}, {"", false}, {"abc", false},
	} {
		_, err := ParseAmount("amount", tt.in)
		if tt.ok != (err == nil) || err != nil && !errors.Is(err, ErrInvalidAmount) {
			t.Errorf("ParseAmount(%q) = %v, want ok=%v", tt.in, err, tt.ok)
		}
	}

	if _, err := n.chain.Pay(ctx, n.buyer, jobID("x"), two256); !errors.Is(err, ErrInvalidAmount) || !strings.Contains(err.Error(), "overflows uint256") {
		t.Errorf("Pay(2^256) = %v, want ErrInvalidAmount saying it overflows", err)
	}
	if _, err := n.chain.Pay(ctx, n.buyer, jobID("x"), big.NewInt(-5)); !errors.Is(err, ErrInvalidAmount) {
		t.Errorf("Pay(-5) = %v, want ErrInvalidAmount", err)
	}
	if _, err := n.chain.Pay(ctx, n.buyer, jobID("x"), big.NewInt(0)); !errors.Is(err, ErrZeroAmount) {
		t.Errorf("Pay(0) = %v, want ErrZeroAmount", err)
	}
	if _, err := n.chain.Pay(ctx, nil, jobID("x"), big.NewInt(1)); !errors.Is(err, ErrNoKey) {
		t.Errorf("Pay without a key = %v, want ErrNoKey", err)
	}
	// Without an allowance-free balance the token's own error comes back.
	if _, err := n.chain.Pay(ctx, n.buyer, jobID("x"), big.NewInt(1)); !errors.Is(err, ErrInsufficientBalance) {
		t.Errorf("Pay with no stable = %v, want ErrInsufficientBalance", err)
	}
	bigRoot := EpochRoot{Epoch: 1, Emission: two256, RevenueShare: big.NewInt(0)}
	if _, err := n.chain.PostRoot(ctx, n.deployer, bigRoot, nil); !errors.Is(err, ErrInvalidAmount) || !strings.Contains(err.Error(), "emission") {
		t.Errorf("PostRoot with emission 2^256 = %v, want ErrInvalidAmount naming emission", err)
	}

	ops := []common.Address{addr(n.ops[0]), addr(n.ops[1]), addr(n.ops[2])}
	for _, tt := range []struct {
		name string
		cfg  DeployConfig
		want string
	}{
		{name: "single signer", cfg: DeployConfig{Operators: ops, Threshold: 1, Treasury: n.treasury}, want: "threshold is 1"},
		{name: "threshold above n", cfg: DeployConfig{Operators: ops, Threshold: 4, Treasury: n.treasury}, want: "threshold is 4"},
		{name: "duplicate", cfg: DeployConfig{Operators: []common.Address{ops[0], ops[0]}, Threshold: 2, Treasury: n.treasury}, want: "listed twice"},
		{name: "zero operator", cfg: DeployConfig{Operators: []common.Address{ops[0], {}}, Threshold: 2, Treasury: n.treasury}, want: "operators[1] is the zero address"},
		{name: "no treasury", cfg: DeployConfig{Operators: ops, Threshold: 2}, want: "treasury"},
		{name: "no operators", cfg: DeployConfig{Threshold: 2, Treasury: n.treasury}, want: "operators has 0 keys"},
	} {
		t.Run("deploy "+tt.name, func(t *testing.T) {
			_, err := n.chain.Deploy(ctx, n.deployer, tt.cfg)
			if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Deploy = %v, want ErrInvalidConfig mentioning %q", err, tt.want)
			}
		})
	}
	// The contract enforces the same rule for anyone deploying it directly.
	code := append(common.FromHex(distributorBin()), distributorC.PackConstructor(n.addrs.Stable, n.treasury, ops, big.NewInt(1))...)
	if _, err := n.chain.transact(ctx, "deploy", n.deployer, nil, code); !errors.Is(err, ErrInvalidOperatorSet) {
		t.Errorf("direct deploy with threshold 1 = %v, want ErrInvalidOperatorSet", err)
	}
	// The distributor refuses a stable token without 6 decimals: MEADOW has 18.
	code = append(common.FromHex(distributorBin()), distributorC.PackConstructor(n.addrs.Token, n.treasury, ops, big.NewInt(2))...)
	if _, err := n.chain.transact(ctx, "deploy", n.deployer, nil, code); !errors.Is(err, ErrStableDecimals) {
		t.Errorf("deploy with an 18-decimal stable = %v, want ErrStableDecimals", err)
	}

	var none Chain
	if _, err := none.Pay(ctx, n.buyer, jobID("x"), big.NewInt(1)); !errors.Is(err, ErrNotDeployed) {
		t.Errorf("Pay before Deploy = %v, want ErrNotDeployed", err)
	}
}
