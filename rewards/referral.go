package rewards

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/bits"
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

// Referee is an account referred by others: an element of
// SettleInput.Referrals. Its Referral names who earns shares of its MEADOW
// reward.
type Referee struct {
	// Account is the referee.
	Account Address `json:"account"`
	Referral
}

// checkReferees returns an error unless refs are sorted by account, each
// account once, as Settle merges them with the accounts it settles.
func checkReferees(refs []Referee) error {
	for i := 1; i < len(refs); i++ {
		switch c := compareAddress(refs[i-1].Account, refs[i].Account); {
		case c == 0:
			return fmt.Errorf("%w: referrals[%d] and referrals[%d] both name referee %s, want each referee once",
				ErrDuplicateAccount, i-1, i, refs[i].Account)
		case c > 0:
			return fmt.Errorf("%w: referrals[%d] is referee %s, after %s, want referrals sorted by referee",
				ErrUnsorted, i, refs[i].Account, refs[i-1].Account)
		}
	}
	return nil
}

// credit is a referral share owed during settlement to an account that is
// not among the settlement's entries.
type credit struct {
	account Address
	amount  u256
}

// referralShares returns what each account earns as a referrer in a
// settlement, and the sum. Each referee with units earns its referrers
// shares of its part of the epoch's node pool (floor(nodePool * units /
// total), leaving out the rounding carried in, so that the shares stay
// within the reserve). Shares to a settled account are added up in shares,
// by the account's index in entries (nil when there are none); shares to an
// account that is not among the entries, one per account, sorted, in
// fresh. entries and refs must be sorted.
//
// A million referees make two million shares. Adding them up in place, at
// 32 bytes an entry, rather than listing them as credits to sort by
// referrer (56 bytes a share), leaves 80 MB less on the heap while the
// settlement's output is built, which is when its memory peaks
// (docs/BENCHMARKS.md).
func referralShares(p Params, entries []settleEntry, refs []Referee, nodePool u256, total uint64) (shares []u256, fresh []credit, sum u256) {
	if len(refs) == 0 || total == 0 || p.ReferralTier1Bps+p.ReferralTier2Bps == 0 {
		return nil, nil, sum
	}
	find := newEntryIndex(entries)
	pay := func(to Address, s u256) {
		// No sum overflows: together the shares are at most the reserve
		// (EmissionSplit's bound).
		sum, _ = sum.add(s)
		if i, ok := find.lookup(to); ok {
			if shares == nil {
				shares = make([]u256, len(entries))
			}
			shares[i], _ = shares[i].add(s)
			return
		}
		fresh = append(fresh, credit{account: to, amount: s})
	}
	var zero Address
	j := 0
	for i := range entries {
		e := &entries[i]
		if e.units == 0 {
			continue
		}
		for j < len(refs) && compareAddress(refs[j].Account, e.account) < 0 {
			j++
		}
		if j == len(refs) {
			break
		}
		if refs[j].Account != e.account {
			continue
		}
		r := refs[j].Referral
		base := nodePool.mulDiv64(e.units, total)
		if r.First != zero && r.First != e.account {
			if s := base.mulDiv64(p.ReferralTier1Bps, bpsDenominator); !s.isZero() {
				pay(r.First, s)
			}
		}
		if r.Second != zero && r.Second != e.account && r.Second != r.First {
			if s := base.mulDiv64(p.ReferralTier2Bps, bpsDenominator); !s.isZero() {
				pay(r.Second, s)
			}
		}
	}
	bucketSort(fresh,
		func(c *credit) uint16 { return addressPrefix(c.account) },
		func(x, y credit) int { return compareAddress(x.account, y.account) })
	out := fresh[:0]
	for _, c := range fresh {
		if n := len(out); n > 0 && out[n-1].account == c.account {
			out[n-1].amount, _ = out[n-1].amount.add(c.amount)
			continue
		}
		out = append(out, c)
	}
	return shares, out, sum
}

// entryIndex finds accounts among sorted settlement entries.
type entryIndex struct {
	entries []settleEntry
	// start[b] is the index of the first entry whose address's top bits
	// (its first 32 bits shifted right by shift) are b or more;
	// start[len(start)-1] is the number of entries. With about as many
	// buckets as entries (4 bytes an entry), a lookup reads one index slot
	// and usually a single entry, each a cache miss at a million accounts:
	// the two million lookups of BenchmarkSettleOnly1MReferrals took 0.8 s,
	// against 1.0 s with 16-bit buckets (several probes a lookup). Nil
	// below bucketSortMin entries, where one binary search is as quick.
	start []uint32
	shift uint
}

// newEntryIndex indexes entries, which must be sorted by account.
func newEntryIndex(entries []settleEntry) entryIndex {
	x := entryIndex{entries: entries}
	if len(entries) < bucketSortMin || uint64(len(entries)) > math.MaxUint32 {
		return x
	}
	n := bits.Len(uint(len(entries))) // 2^n > len(entries); n >= 13
	x.shift = uint(32 - n)
	x.start = make([]uint32, 1<<n+1)
	for i := range entries {
		x.start[x.bucket(entries[i].account)+1]++
	}
	for b := 1; b < len(x.start); b++ {
		x.start[b] += x.start[b-1]
	}
	return x
}

// bucket returns a's bucket in start.
func (x entryIndex) bucket(a Address) uint32 {
	return binary.BigEndian.Uint32(a[:4]) >> x.shift
}

// lookup returns the index of a's entry, and whether there is one.
func (x entryIndex) lookup(a Address) (int, bool) {
	lo, hi := 0, len(x.entries)
	if x.start != nil {
		b := x.bucket(a)
		lo, hi = int(x.start[b]), int(x.start[b+1])
	}
	for lo < hi { // the first entry not below a
		m := int(uint(lo+hi) >> 1)
		if compareAddress(x.entries[m].account, a) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(x.entries) && x.entries[lo].account == a
}
