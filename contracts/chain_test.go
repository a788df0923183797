package contracts

import (
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/rewards"
)

// TestEndToEnd: deploy, a buyer pays, the epoch is settled with 2 of 3
// operator signatures, a node claims, and claiming again pays nothing more.
func TestEndToEnd(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	c := n.chain

	amount := units(1000, 6) // 1,000 stable
	p := n.fundAndPay(t, "job-1", amount)
	if p.Epoch != 1 || p.Amount.Cmp(amount) != 0 || p.Buyer != addr(n.buyer) || p.JobID != jobID("job-1") {
		t.Fatalf("payment = %+v", p)
	}
	rev, err := c.RevenueOf(ctx, 1)
	if err != nil || rev.Cmp(amount) != 0 {
		t.Fatalf("RevenueOf(1) = %v, %v; want %s", rev, err, amount)
	}
	paid, err := c.PaidFor(ctx, jobID("job-1"))
	if err != nil || paid.Cmp(amount) != 0 {
		t.Fatalf("PaidFor = %v, %v", paid, err)
	}
	share := units(700, 6)
	wantBalance(t, c, TokenStable, n.addrs.Distributor, share)
	wantBalance(t, c, TokenStable, n.treasury, units(300, 6))
	wantBalance(t, c, TokenStable, addr(n.buyer), new(big.Int))

	// The schedule on chain agrees with rewards for this epoch.
	p0 := rewards.DefaultParams()
	want, err := rewards.Emission(p0, 1, amount, new(big.Int))
	if err != nil {
		t.Fatal(err)
	}
	limit, err := c.EmissionLimit(ctx, 1)
	if err != nil || limit.Cmp(want) != 0 {
		t.Fatalf("EmissionLimit(1) = %v, %v; want %s", limit, err, want)
	}

	alice, bob := testKey(t, "alice"), testKey(t, "bob")
	la := leaf(alice, units(60_000, 18), units(420, 6))
	lb := leaf(bob, new(big.Int).Sub(want, units(60_000, 18)), units(280, 6))
	tree := n.settle(t, []rewards.Leaf{la, lb}, want, share)

	epoch, root, err := c.LatestRoot(ctx)
	if err != nil || epoch != 1 || root != tree.Root() {
		t.Fatalf("LatestRoot = %d %s %v", epoch, root.Hex(), err)
	}
	if e, _ := c.CurrentEpoch(ctx); e != 2 {
		t.Fatalf("CurrentEpoch = %d, want 2", e)
	}
	minted, _ := c.Minted(ctx)
	if minted.Cmp(want) != 0 {
		t.Fatalf("minted %s, want %s", minted, want)
	}

	res := n.claim(t, tree, la)
	if res.Meadow.Cmp(la.Meadow) != 0 || res.Stable.Cmp(la.Stable) != 0 {
		t.Fatalf("first claim paid %s MEADOW %s stable, want %s %s", res.Meadow, res.Stable, la.Meadow, la.Stable)
	}
	wantBalance(t, c, TokenMeadow, addr(alice), la.Meadow)
	wantBalance(t, c, TokenStable, addr(alice), la.Stable)

	again := n.claim(t, tree, la)
	if again.Meadow.Sign() != 0 || again.Stable.Sign() != 0 {
		t.Fatalf("second claim paid %s MEADOW %s stable, want nothing", again.Meadow, again.Stable)
	}
	wantBalance(t, c, TokenMeadow, addr(alice), la.Meadow)
	wantBalance(t, c, TokenStable, addr(alice), la.Stable)
	cm, cs, err := c.Claimed(ctx, common.Address(la.Account))
	if err != nil || cm.Cmp(la.Meadow) != 0 || cs.Cmp(la.Stable) != 0 {
		t.Fatalf("Claimed = %v %v %v", cm, cs, err)
	}

	// Epoch 2: alice's cumulative total grows; she is paid only the growth.
	n.fundAndPay(t, "job-2", units(10, 6))
	limit2, err := c.EmissionLimit(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	la2 := leaf(alice, new(big.Int).Add(la.Meadow, limit2), units(427, 6))
	tree2 := n.settle(t, []rewards.Leaf{la2, lb}, limit2, units(7, 6))
	res2 := n.claim(t, tree2, la2)
	if res2.Meadow.Cmp(limit2) != 0 || res2.Stable.Cmp(units(7, 6)) != 0 {
		t.Fatalf("epoch 2 claim paid %s %s, want %s %s", res2.Meadow, res2.Stable, limit2, units(7, 6))
	}
	// bob claims both epochs' worth at once from the latest root.
	resB := n.claim(t, tree2, lb)
	if resB.Meadow.Cmp(lb.Meadow) != 0 {
		t.Fatalf("bob paid %s, want %s", resB.Meadow, lb.Meadow)
	}
}

// TestPostRootRejected: every way a root can be refused comes back as the
// right Go error, and the chain state is unchanged.
func TestPostRootRejected(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	n.fundAndPay(t, "job", units(1000, 6))
	limit, err := n.chain.EmissionLimit(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	good := EpochRoot{Epoch: 1, Root: common.HexToHash("0x01"), Emission: limit, RevenueShare: units(700, 6)}
	stranger := testKey(t, "stranger")
	above := good
	above.Emission = new(big.Int).Add(limit, big.NewInt(1))
	greedy := good
	greedy.RevenueShare = new(big.Int).Add(units(700, 6), big.NewInt(1))
	early := good
	early.Epoch = 2
	tampered := good
	tampered.Emission = new(big.Int).Sub(limit, big.NewInt(1))

	tests := []struct {
		name string
		root EpochRoot
		sigs [][]byte
		want error
	}{
		{name: "one signature", root: good, sigs: n.sign(t, good, n.ops[0]), want: ErrNotEnoughSignatures},
		{name: "same signer twice", root: good, sigs: n.sign(t, good, n.ops[1], n.ops[1]), want: ErrNotEnoughSignatures},
		{name: "unknown signer", root: good, sigs: n.sign(t, good, n.ops[0], stranger), want: ErrNotEnoughSignatures},
		{name: "signatures over other values", root: tampered, sigs: n.sign(t, good, n.ops[0], n.ops[1]), want: ErrNotEnoughSignatures},
		{name: "malformed signature", root: good, sigs: append(n.sign(t, good, n.ops[0]), []byte{1, 2, 3}), want: ErrNotEnoughSignatures},
		{name: "no signatures", root: good, sigs: nil, want: ErrNotEnoughSignatures},
		{name: "emission above schedule", root: above, sigs: n.sign(t, above, n.ops[0], n.ops[2]), want: ErrEmissionAboveSchedule},
		{name: "revenue share above 70%", root: greedy, sigs: n.sign(t, greedy, n.ops[0], n.ops[2]), want: ErrRevenueShareAboveLimit},
		{name: "epoch out of order", root: early, sigs: n.sign(t, early, n.ops[0], n.ops[1]), want: ErrEpochOutOfOrder},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := n.chain.PostRoot(ctx, n.deployer, tt.root, tt.sigs)
			if !errors.Is(err, tt.want) {
				t.Fatalf("PostRoot error = %v, want %v", err, tt.want)
			}
			var rev *RevertError
			if !errors.As(err, &rev) {
				t.Fatalf("error %v is not a *RevertError", err)
			}
			t.Logf("%v", err)
		})
	}
	// The detail of two of them.
	_, err = n.chain.PostRoot(ctx, n.deployer, above, n.sign(t, above, n.ops[0], n.ops[2]))
	var rev *RevertError
	if !errors.As(err, &rev) || rev.Arg("schedule").(*big.Int).Cmp(limit) != 0 {
		t.Fatalf("schedule argument of %v, want %s", err, limit)
	}
	_, err = n.chain.PostRoot(ctx, n.deployer, early, n.sign(t, early, n.ops[0], n.ops[1]))
	if !errors.As(err, &rev) || rev.Arg("expected").(*big.Int).Int64() != 1 || rev.Arg("got").(*big.Int).Int64() != 2 {
		t.Fatalf("EpochOutOfOrder args of %v", err)
	}

	if e, _ := n.chain.CurrentEpoch(ctx); e != 1 {
		t.Fatalf("after refusals CurrentEpoch = %d, want 1", e)
	}
	if m, _ := n.chain.Minted(ctx); m.Sign() != 0 {
		t.Fatalf("after refusals minted %s, want 0", m)
	}
	// A good root still goes through, then the same epoch again is out of order.
	if _, err := n.chain.PostRoot(ctx, n.deployer, good, n.sign(t, good, n.ops[2], n.ops[0])); err != nil {
		t.Fatalf("good root: %v", err)
	}
	if _, err := n.chain.PostRoot(ctx, n.deployer, good, n.sign(t, good, n.ops[2], n.ops[0])); !errors.Is(err, ErrEpochOutOfOrder) {
		t.Fatalf("replayed root: %v, want ErrEpochOutOfOrder", err)
	}
	if _, err := n.chain.PostRoot(ctx, n.deployer, EpochRoot{Epoch: 0, Emission: big.NewInt(0), RevenueShare: big.NewInt(0)}, nil); !errors.Is(err, ErrInvalidEpoch) {
		t.Fatalf("epoch 0: %v, want ErrInvalidEpoch", err)
	}
}

// TestClaimRejected: forged proofs, inflated totals and claims before any
// root pay nothing.
func TestClaimRejected(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	alice, bob, carol := testKey(t, "alice"), testKey(t, "bob"), testKey(t, "carol")
	la := leaf(alice, units(500, 18), big.NewInt(0))
	lb := leaf(bob, units(500, 18), big.NewInt(0))
	lc := leaf(carol, units(0, 18), big.NewInt(0))

	if _, err := n.chain.Claim(ctx, n.deployer, NewClaim(la, nil)); !errors.Is(err, ErrNoRoot) {
		t.Fatalf("claim before any root: %v, want ErrNoRoot", err)
	}
	limit, _ := n.chain.EmissionLimit(ctx, 1)
	tree := n.settle(t, []rewards.Leaf{la, lb, lc}, limit, big.NewInt(0))
	proofA, _ := tree.Proof(la.Account)
	proofB, _ := tree.Proof(lb.Account)

	inflated := NewClaim(la, proofA)
	inflated.CumulativeMeadow = units(501, 18)
	forged := NewClaim(la, proofA)
	forged.Proof = append([][32]byte(nil), proofA...)
	forged.Proof[0][0] ^= 1
	wrongProof := NewClaim(la, proofB)
	otherAccount := NewClaim(la, proofA)
	otherAccount.Account = addr(testKey(t, "mallory"))
	for name, cl := range map[string]Claim{"inflated": inflated, "forged": forged, "wrong proof": wrongProof, "other account": otherAccount} {
		t.Run(name, func(t *testing.T) {
			_, err := n.chain.Claim(ctx, n.deployer, cl)
			if !errors.Is(err, ErrInvalidProof) {
				t.Fatalf("claim: %v, want ErrInvalidProof", err)
			}
		})
	}
	wantBalance(t, n.chain, TokenMeadow, addr(alice), big.NewInt(0))
	// An overflowing amount is refused before anything is sent.
	big257 := new(big.Int).Lsh(big.NewInt(1), 256)
	bad := NewClaim(la, proofA)
	bad.CumulativeMeadow = big257
	if _, err := n.chain.Claim(ctx, n.deployer, bad); !errors.Is(err, ErrInvalidAmount) {
		t.Fatalf("claim of 2^256: %v, want ErrInvalidAmount", err)
	}
}

// TestNoOneElseMints: the token's only minter is the distributor.
func TestNoOneElseMints(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	minter, err := n.chain.callAddress(ctx, "read minter", n.addrs.Token, tokenC.PackMinter(), tokenC.UnpackMinter)
	if err != nil || minter != n.addrs.Distributor {
		t.Fatalf("minter = %s, %v; want the distributor %s", minter.Hex(), err, n.addrs.Distributor.Hex())
	}
	for _, k := range append(n.ops, n.deployer) {
		_, err := n.chain.transact(ctx, "mint", k, &n.addrs.Token, tokenC.PackMint(addr(k), big.NewInt(1)))
		if !errors.Is(err, ErrNotMinter) {
			t.Fatalf("mint by %s: %v, want ErrNotMinter", addr(k).Hex(), err)
		}
	}
}
