package rewards

import (
	"fmt"
	"math/big"
)

// MaxReferralBps caps the referral tiers: ReferralTier1Bps +
// ReferralTier2Bps is at most 5000, half of a referee's reward, so that the
// reserve never takes more than a third of an epoch's emission.
const MaxReferralBps = 5000

// Referral names who earns a share of an account's MEADOW rewards: First,
// its direct referrer (tier 1), and Second, First's own referrer (tier 2).
// The zero address means none. Settle pays a tier nothing when it names the
// account itself, and Second nothing when it is First; every other rule
// (a referrer must be a registered node, the referee must have verified
// work, one operator or one network earns nothing) is the caller's, which
// leaves such a tier zero.
type Referral struct {
	First  Address `json:"first"`
	Second Address `json:"second"`
}

// EmissionSplit splits an epoch's MEADOW emission into the node pool, which
// Settle divides among the accounts with work units, and the referral
// reserve, from which referrers are paid:
//
//	nodePool = emission * 10000 / (10000 + ReferralTier1Bps + ReferralTier2Bps)   (floor)
//	reserve  = emission - nodePool
//
// The node pool is the part whose full referral shares would use exactly
// the rest, so the reserve covers every referee's shares even if every
// account were referred on both tiers, and no node's reward depends on
// whether it, or anyone, was referred. As in the contract's emissionSplit,
// emission * 10000 of 2^256 or more is an ErrOverflow.
func EmissionSplit(p Params, emission *big.Int) (nodePool, reserve *big.Int, err error) {
	if err := p.Validate(); err != nil {
		return nil, nil, err
	}
	if err := checkAmount("emission", emission); err != nil {
		return nil, nil, err
	}
	n, r, ok := splitU256(p, u256FromBig(emission))
	if !ok {
		return nil, nil, fmt.Errorf("%w: emission %s * 10000 exceeds 2^256-1", ErrOverflow, emission)
	}
	return n.big(), r.big(), nil
}

// splitU256 is EmissionSplit on a u256; false when emission*10000
// overflows.
func splitU256(p Params, emission u256) (nodePool, reserve u256, ok bool) {
	prod, over := emission.mul64(bpsDenominator)
	if over {
		return u256{}, u256{}, false
	}
	nodePool = prod.div64(bpsDenominator + p.ReferralTier1Bps + p.ReferralTier2Bps)
	reserve, _ = emission.sub(nodePool) // nodePool <= emission
	return nodePool, reserve, true
}

// ReferralShare returns what a referrer of tier 1 or 2 earns on a referee's
// reward: reward * ReferralTier{1,2}Bps / 10000, rounded down, so never
// more than the tier's share of the reward (its cap). Another tier is
// ErrInvalidReferralTier; reward * bps of 2^256 or more is ErrOverflow, as
// the contract's referralShare reverts.
func ReferralShare(p Params, reward *big.Int, tier uint64) (*big.Int, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := checkAmount("reward", reward); err != nil {
		return nil, err
	}
	bps, err := tierBps(p, tier)
	if err != nil {
		return nil, err
	}
	prod, over := u256FromBig(reward).mul64(bps)
	if over {
		return nil, fmt.Errorf("%w: reward %s * referral tier %d bps %d exceeds 2^256-1", ErrOverflow, reward, tier, bps)
	}
	return prod.div64(bpsDenominator).big(), nil
}

// tierBps returns a tier's basis points.
func tierBps(p Params, tier uint64) (uint64, error) {
	switch tier {
	case 1:
		return p.ReferralTier1Bps, nil
	case 2:
		return p.ReferralTier2Bps, nil
	}
	return 0, fmt.Errorf("%w: tier is %d, want 1 (the direct referrer) or 2 (the referrer's referrer)", ErrInvalidReferralTier, tier)
}

// credit is a referral share owed to an account during settlement.
type credit struct {
	account Address
	amount  u256
}

// referralCredits returns the referral shares of a settlement, one per
// referrer, sorted by account, and their sum. Each referee with units earns
// its referrers shares of its part of the epoch's node pool
// (floor(nodePool * units / total), leaving out the rounding carried in,
// so that the shares stay within the reserve); entries must be sorted.
func referralCredits(p Params, entries []settleEntry, refs map[Address]Referral, nodePool u256, total uint64) ([]credit, u256) {
	var sum u256
	if len(refs) == 0 || total == 0 || p.ReferralTier1Bps+p.ReferralTier2Bps == 0 {
		return nil, sum
	}
	var zero Address
	// At most two credits a referee with units: sized once, as a million
	// referees make two million credits (112 MB) and growing by appends
	// would allocate twice that.
	cs := make([]credit, 0, 2*min(len(refs), len(entries)))
	for i := range entries {
		e := &entries[i]
		if e.units == 0 {
			continue
		}
		r, ok := refs[e.account]
		if !ok {
			continue
		}
		base := nodePool.mulDiv64(e.units, total)
		if r.First != zero && r.First != e.account {
			if s := base.mulDiv64(p.ReferralTier1Bps, bpsDenominator); !s.isZero() {
				cs = append(cs, credit{account: r.First, amount: s})
			}
		}
		if r.Second != zero && r.Second != e.account && r.Second != r.First {
			if s := base.mulDiv64(p.ReferralTier2Bps, bpsDenominator); !s.isZero() {
				cs = append(cs, credit{account: r.Second, amount: s})
			}
		}
	}
	bucketSort(cs,
		func(c *credit) uint16 { return uint16(c.account[0])<<8 | uint16(c.account[1]) },
		func(x, y credit) int { return compareAddress(x.account, y.account) })
	// One credit per referrer. No sum overflows: together they are at most
	// the reserve (EmissionSplit's bound).
	out := cs[:0]
	for _, c := range cs {
		sum, _ = sum.add(c.amount)
		if n := len(out); n > 0 && out[n-1].account == c.account {
			out[n-1].amount, _ = out[n-1].amount.add(c.amount)
			continue
		}
		out = append(out, c)
	}
	return out, sum
}
