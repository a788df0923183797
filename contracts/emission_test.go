package contracts

import (
	"context"
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/meadow-net/meadow/rewards"
)

type emissionCase struct {
	epoch           uint64
	revenue, minted *big.Int
}

// emissionCases returns n random (epoch, trailing revenue, minted) triples
// weighted toward the edges: halving boundaries, the shift past 255, revenue
// around R0 and near 2^256 (where R0+revenue overflows), minted near and past
// the cap. Epoch 0 is in there too (both sides refuse it).
func emissionCases(n int, seed uint64) []emissionCase {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	p := rewards.DefaultParams()
	randBits := func(bits int) *big.Int {
		x := new(big.Int)
		for i := 0; i < bits; i += 64 {
			x.Lsh(x, 64).Or(x, new(big.Int).SetUint64(rng.Uint64()))
		}
		return x.Rsh(x, uint(((bits+63)/64)*64-bits))
	}
	near := func(x *big.Int, spread int64) *big.Int {
		y := new(big.Int).Add(x, big.NewInt(rng.Int64N(2*spread+1)-spread))
		if y.Sign() < 0 {
			y.SetInt64(0)
		}
		return y
	}
	cases := make([]emissionCase, 0, n)
	for len(cases) < n {
		var c emissionCase
		switch rng.IntN(6) {
		case 0:
			c.epoch = 1 + rng.Uint64N(3000)
		case 1:
			c.epoch = 520*rng.Uint64N(300) + rng.Uint64N(3) // around halvings, sometimes 0
		case 2:
			c.epoch = 255*520 + rng.Uint64N(4*520) // the shift reaching 256
		case 3:
			c.epoch = rng.Uint64()
		default:
			c.epoch = 1 + rng.Uint64N(1<<20)
		}
		switch rng.IntN(6) {
		case 0:
			c.revenue = big.NewInt(0)
		case 1:
			c.revenue = near(p.R0, 1000)
		case 2:
			c.revenue = randBits(1 + rng.IntN(64))
		case 3:
			c.revenue = near(new(big.Int).Sub(MaxUint256, p.R0), 3) // R0+revenue overflows half the time
		case 4:
			c.revenue = randBits(256)
		default:
			c.revenue = randBits(20 + rng.IntN(40))
		}
		switch rng.IntN(5) {
		case 0:
			c.minted = big.NewInt(0)
		case 1:
			c.minted = new(big.Int).Sub(new(big.Int).Add(p.Cap, units(1000, 18)), randBits(71)) // within ~2,400 MEADOW of the cap
		case 2:
			c.minted = new(big.Int).Mod(randBits(96), new(big.Int).Add(p.Cap, big.NewInt(1)))
		case 3:
			c.minted = randBits(256)
		default:
			c.minted = near(new(big.Int).Sub(p.Cap, p.Floor), 1_000_000)
		}
		cases = append(cases, c)
	}
	return cases
}

// scheduleBatch evaluates the contract's scheduleEmission for every case,
// over one JSON-RPC batch of eth_calls when the backend exposes its RPC
// client, else one eth_call each; a revert is returned as that case's error.
func scheduleBatch(ctx context.Context, tb testing.TB, c *Chain, cases []emissionCase) ([]*big.Int, []error) {
	tb.Helper()
	to := c.Addresses().Distributor
	out := make([]*big.Int, len(cases))
	errs := make([]error, len(cases))
	rc, batched := c.Backend().(interface{ Client() *rpc.Client })
	if !batched {
		for i, cs := range cases {
			out[i], errs[i] = c.ScheduleEmission(ctx, cs.epoch, cs.revenue, cs.minted)
		}
		return out, errs
	}
	type callArgs struct {
		To   common.Address `json:"to"`
		Data hexutil.Bytes  `json:"data"`
	}
	results := make([]hexutil.Bytes, len(cases))
	elems := make([]rpc.BatchElem, len(cases))
	for i, cs := range cases {
		data := distributorC.PackScheduleEmission(new(big.Int).SetUint64(cs.epoch), cs.revenue, cs.minted)
		elems[i] = rpc.BatchElem{Method: "eth_call", Args: []any{callArgs{To: to, Data: data}, "latest"}, Result: &results[i]}
	}
	if err := rc.Client().BatchCallContext(ctx, elems); err != nil {
		tb.Fatalf("batch: %v", err)
	}
	for i := range elems {
		if elems[i].Error != nil {
			errs[i] = c.fail("schedule emission", elems[i].Error)
			continue
		}
		v, err := distributorC.UnpackScheduleEmission(results[i])
		if err != nil {
			tb.Fatalf("case %d: unpack: %v", i, err)
		}
		out[i] = v
	}
	return out, errs
}

// TestEmissionAgreesWithRewards: the contract's pure scheduleEmission and
// rewards.Emission give the same value, or both refuse, for 3,000 random
// inputs.
func TestEmissionAgreesWithRewards(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	p := rewards.DefaultParams()
	cases := emissionCases(3000, 42)
	const batch = 500
	var agreedErrors, agreedValues int
	for lo := 0; lo < len(cases); lo += batch {
		chunk := cases[lo:min(lo+batch, len(cases))]
		got, gotErrs := scheduleBatch(ctx, t, n.chain, chunk)
		for i, cs := range chunk {
			want, wantErr := rewards.Emission(p, cs.epoch, cs.revenue, cs.minted)
			switch {
			case wantErr != nil && gotErrs[i] != nil:
				// Both refuse: epoch 0, or R0+revenue past 2^256-1.
				if !(errors.Is(wantErr, rewards.ErrInvalidEpoch) && errors.Is(gotErrs[i], ErrInvalidEpoch) ||
					errors.Is(wantErr, rewards.ErrOverflow) && errors.Is(gotErrs[i], ErrOverflow)) {
					t.Fatalf("epoch %d revenue %s minted %s: Go %v, contract %v: different refusals", cs.epoch, cs.revenue, cs.minted, wantErr, gotErrs[i])
				}
				agreedErrors++
			case wantErr != nil || gotErrs[i] != nil:
				t.Fatalf("epoch %d revenue %s minted %s: Go (%v, %v), contract (%v, %v)", cs.epoch, cs.revenue, cs.minted, want, wantErr, got[i], gotErrs[i])
			case want.Cmp(got[i]) != 0:
				t.Fatalf("epoch %d revenue %s minted %s: Go %s, contract %s", cs.epoch, cs.revenue, cs.minted, want, got[i])
			default:
				agreedValues++
			}
		}
	}
	t.Logf("%d values and %d refusals agree", agreedValues, agreedErrors)
	if agreedValues < 2000 || agreedErrors == 0 {
		t.Fatalf("too few cases of each kind: %d values, %d refusals", agreedValues, agreedErrors)
	}
	// And the single-call path agrees with the batch for one case.
	one, err := n.chain.ScheduleEmission(ctx, 521, p.R0, big.NewInt(0))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := rewards.Emission(p, 521, p.R0, big.NewInt(0))
	if one.Cmp(want) != 0 {
		t.Fatalf("ScheduleEmission(521, R0, 0) = %s, want %s", one, want)
	}
}

// TestTrailingRevenueOnChain: the emission limit the distributor enforces
// uses the last 4 epochs of marketplace revenue, as rewards.TrailingRevenue
// does.
func TestTrailingRevenueOnChain(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	p := rewards.DefaultParams()
	var revenue []*big.Int
	minted := new(big.Int)
	for epoch := uint64(1); epoch <= 6; epoch++ {
		amount := units(int64(1000*epoch*epoch), 6)
		n.fundAndPay(t, "job", amount)
		revenue = append(revenue, amount)
		trailing, err := rewards.TrailingRevenue(p, epoch, revenue)
		if err != nil {
			t.Fatal(err)
		}
		want, err := rewards.Emission(p, epoch, trailing, minted)
		if err != nil {
			t.Fatal(err)
		}
		got, err := n.chain.EmissionLimit(ctx, epoch)
		if err != nil {
			t.Fatal(err)
		}
		if got.Cmp(want) != 0 {
			t.Fatalf("epoch %d: EmissionLimit %s, rewards %s (trailing %s)", epoch, got, want, trailing)
		}
		share, err := rewards.RevenueShare(p, amount)
		if err != nil {
			t.Fatal(err)
		}
		n.settle(t, []rewards.Leaf{leaf(testKey(t, "node"), new(big.Int).Add(minted, want), big.NewInt(0))}, want, share)
		minted.Add(minted, want)
	}
}
