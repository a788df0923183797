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

// referralCase is one input of the referral math: an emission to split, or
// a reward and a tier to take a referral share of.
type referralCase struct {
	split  bool
	amount *big.Int
	tier   uint64
}

// referralCases returns n random inputs weighted toward the edges: zero,
// small amounts, the cap and EMax0, the largest amounts whose product with
// the basis points still fits (and one past them, which both sides
// refuse), any uint256, and tiers 0 to 3 and any uint64.
func referralCases(n int, seed uint64) []referralCase {
	rng := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
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
		if y.Cmp(MaxUint256) > 0 {
			y.Set(MaxUint256)
		}
		return y
	}
	limit := func(bps int64) *big.Int { return new(big.Int).Quo(MaxUint256, big.NewInt(bps)) }
	cases := make([]referralCase, 0, n)
	for len(cases) < n {
		c := referralCase{split: rng.IntN(2) == 0}
		var edge *big.Int
		if c.split {
			edge = limit(10000)
		} else {
			c.tier = 1 + uint64(rng.IntN(2))
			switch rng.IntN(12) {
			case 0:
				c.tier = 0
			case 1:
				c.tier = 3
			case 2:
				c.tier = rng.Uint64()
			}
			if c.tier == 2 {
				edge = limit(int64(p.ReferralTier2Bps))
			}
			if edge == nil {
				edge = limit(int64(p.ReferralTier1Bps))
			}
		}
		switch rng.IntN(7) {
		case 0:
			c.amount = big.NewInt(rng.Int64N(20))
		case 1:
			c.amount = near(edge, 3) // the product overflows half the time
		case 2:
			c.amount = near(p.EMax0, 1_000_000)
		case 3:
			c.amount = new(big.Int).Mod(randBits(96), new(big.Int).Add(p.Cap, big.NewInt(1)))
		case 4:
			c.amount = randBits(256)
		default:
			c.amount = randBits(1 + rng.IntN(255))
		}
		cases = append(cases, c)
	}
	return cases
}

// referralBatch evaluates the distributor's emissionSplit or referralShare
// for every case over one JSON-RPC batch of eth_calls (one call each when
// the backend has no RPC client); a revert is that case's error. The split
// returns node pool and reserve, the share its value and nil.
func referralBatch(ctx context.Context, tb testing.TB, c *Chain, cases []referralCase) ([][2]*big.Int, []error) {
	tb.Helper()
	out := make([][2]*big.Int, len(cases))
	errs := make([]error, len(cases))
	rc, batched := c.Backend().(interface{ Client() *rpc.Client })
	if !batched {
		for i, cs := range cases {
			if cs.split {
				out[i][0], out[i][1], errs[i] = c.EmissionSplit(ctx, cs.amount)
			} else {
				out[i][0], errs[i] = c.ReferralShare(ctx, cs.amount, cs.tier)
			}
		}
		return out, errs
	}
	type callArgs struct {
		To   common.Address `json:"to"`
		Data hexutil.Bytes  `json:"data"`
	}
	to := c.Addresses().Distributor
	results := make([]hexutil.Bytes, len(cases))
	elems := make([]rpc.BatchElem, len(cases))
	for i, cs := range cases {
		data := distributorC.PackReferralShare(cs.amount, new(big.Int).SetUint64(cs.tier))
		if cs.split {
			data = distributorC.PackEmissionSplit(cs.amount)
		}
		elems[i] = rpc.BatchElem{Method: "eth_call", Args: []any{callArgs{To: to, Data: data}, "latest"}, Result: &results[i]}
	}
	if err := rc.Client().BatchCallContext(ctx, elems); err != nil {
		tb.Fatalf("batch: %v", err)
	}
	for i, cs := range cases {
		if elems[i].Error != nil {
			errs[i] = c.fail("referral math", elems[i].Error)
			continue
		}
		if cs.split {
			v, err := distributorC.UnpackEmissionSplit(results[i])
			if err != nil {
				tb.Fatalf("case %d: unpack: %v", i, err)
			}
			out[i] = [2]*big.Int{v.NodePool, v.ReferralReserve}
			continue
		}
		v, err := distributorC.UnpackReferralShare(results[i])
		if err != nil {
			tb.Fatalf("case %d: unpack: %v", i, err)
		}
		out[i][0] = v
	}
	return out, errs
}

// TestReferralMathAgreesWithRewards: the distributor's pure emissionSplit
// and referralShare give what rewards.EmissionSplit and rewards.ReferralShare
// give, or both refuse for the same reason (overflow, a tier other than 1
// or 2), on 3,000 random inputs; and the constants are the same.
func TestReferralMathAgreesWithRewards(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	p := rewards.DefaultParams()
	cases := referralCases(3000, 7)
	const batch = 500
	var values, refusals int
	for lo := 0; lo < len(cases); lo += batch {
		chunk := cases[lo:min(lo+batch, len(cases))]
		got, gotErrs := referralBatch(ctx, t, n.chain, chunk)
		for i, cs := range chunk {
			var want [2]*big.Int
			var wantErr error
			if cs.split {
				want[0], want[1], wantErr = rewards.EmissionSplit(p, cs.amount)
			} else {
				want[0], wantErr = rewards.ReferralShare(p, cs.amount, cs.tier)
			}
			switch {
			case wantErr != nil && gotErrs[i] != nil:
				if !(errors.Is(wantErr, rewards.ErrOverflow) && errors.Is(gotErrs[i], ErrOverflow) ||
					errors.Is(wantErr, rewards.ErrInvalidReferralTier) && errors.Is(gotErrs[i], ErrInvalidReferralTier)) {
					t.Fatalf("%+v: Go %v, contract %v: different refusals", cs, wantErr, gotErrs[i])
				}
				refusals++
			case wantErr != nil || gotErrs[i] != nil:
				t.Fatalf("%+v: Go (%v, %v), contract (%v, %v)", cs, want, wantErr, got[i], gotErrs[i])
			case want[0].Cmp(got[i][0]) != 0 || cs.split && want[1].Cmp(got[i][1]) != 0:
				t.Fatalf("%+v: Go %v, contract %v", cs, want, got[i])
			default:
				values++
			}
		}
	}
	t.Logf("%d values and %d refusals agree", values, refusals)
	if values < 2000 || refusals < 100 {
		t.Fatalf("too few cases of each kind: %d values, %d refusals", values, refusals)
	}
	// The single-call paths, and the constants.
	node, reserve, err := n.chain.EmissionSplit(ctx, big.NewInt(13_000))
	if err != nil || node.Int64() != 10_000 || reserve.Int64() != 3_000 {
		t.Fatalf("EmissionSplit(13000) = %v, %v, %v; want 10000, 3000", node, reserve, err)
	}
	if _, err := n.chain.ReferralShare(ctx, big.NewInt(1), 3); !errors.Is(err, ErrInvalidReferralTier) {
		t.Fatalf("ReferralShare(tier 3) error %v, want ErrInvalidReferralTier", err)
	}
	for name, pair := range map[string][2]uint64{"tier 1": {p.ReferralTier1Bps, 1}, "tier 2": {p.ReferralTier2Bps, 2}} {
		got, err := n.chain.ReferralShare(ctx, big.NewInt(10_000), pair[1])
		if err != nil || got.Uint64() != pair[0] {
			t.Fatalf("%s: the contract pays %v bps (%v), rewards %d", name, got, err, pair[0])
		}
	}
}
