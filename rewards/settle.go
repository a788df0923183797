package rewards

import (
	"fmt"
	"math/big"
	"math/bits"
)

// Balance is a pair of amounts in base units: MEADOW and the stable token.
type Balance struct {
	// Meadow is the MEADOW amount (18 decimals).
	Meadow *big.Int `json:"meadow"`
	// Stable is the stable-token amount (6 decimals).
	Stable *big.Int `json:"stable"`
}

// SettleInput is everything one epoch's settlement depends on. Settle reads
// it and never modifies it.
type SettleInput struct {
	// Epoch is the epoch being settled, counted from 1.
	Epoch uint64 `json:"epoch"`
	// Params are the schedule's constants; Settle checks them and bounds
	// Emission by Params.Cap.
	Params Params `json:"params"`
	// Balances are the cumulative amounts each account had earned before
	// this epoch: the previous SettleOutput.Balances, empty at epoch 1.
	Balances map[Address]Balance `json:"balances"`
	// Units are the work units each account earned this epoch (WorkUnits of
	// its verified rows). Accounts with 0 units take no part.
	Units map[Address]uint64 `json:"units"`
	// Emission is this epoch's MEADOW emission (Emission).
	Emission *big.Int `json:"emission"`
	// RevenueShare is this epoch's stable pool (RevenueShare of the epoch's
	// buyer revenue).
	RevenueShare *big.Int `json:"revenue_share"`
	// Carry holds the remainders the previous epoch could not split: the
	// previous SettleOutput.Carry, zero at epoch 1.
	Carry Balance `json:"carry"`
	// Referrals name, by referee, who earns referral shares of its MEADOW
	// reward this epoch (Referral), sorted by referee, each referee once
	// (else ErrUnsorted or ErrDuplicateAccount). The caller has already
	// applied the rules (verified work, operator, network); a referee
	// without units earns its referrers nothing. Nil: no referrals.
	//
	// A sorted list rather than a map: Settle merges it with the accounts
	// in address order, and a million referees take 60 MB as a list, 134
	// MB as a map.
	Referrals []Referee `json:"referrals,omitempty"`
}

// Payout is what one account earned in one epoch.
type Payout struct {
	// Account is who earned it.
	Account Address `json:"account"`
	// Units are the account's work units this epoch.
	Units uint64 `json:"units"`
	// Meadow is its share of the node pool (the emission less the referral
	// reserve, plus the carry): what its own work earned.
	Meadow *big.Int `json:"meadow"`
	// Stable is its share of the revenue-share pool.
	Stable *big.Int `json:"stable"`
	// Referral is the MEADOW it earned as a referrer, from the referral
	// reserve, on top of Meadow; nil when none.
	Referral *big.Int `json:"referral,omitempty"`
}

// SettleOutput is the result of one epoch's settlement. Its big.Ints are
// shared between Balances and Leaves; treat them as read-only.
type SettleOutput struct {
	// Epoch is the epoch settled.
	Epoch uint64 `json:"epoch"`
	// Balances are the cumulative amounts of every account after this epoch:
	// the next epoch's SettleInput.Balances.
	Balances map[Address]Balance `json:"balances"`
	// Leaves are Balances as reward-tree leaves, sorted by account, ready for
	// BuildTree.
	Leaves []Leaf `json:"-"`
	// Payouts are this epoch's amounts of every account with work units or
	// a referral share, sorted by account.
	Payouts []Payout `json:"payouts"`
	// Carry holds the remainders to pass to the next epoch.
	Carry Balance `json:"carry"`
	// TotalUnits is the sum of this epoch's work units.
	TotalUnits uint64 `json:"total_units"`
	// Paid is the sum of Payouts' Meadow and Stable. Paid + Carry equals
	// the node pool (Emission - ReferralReserve) + RevenueShare + the input
	// Carry, token by token.
	Paid Balance `json:"paid"`
	// ReferralReserve is the part of Emission set aside for referrers
	// (EmissionSplit); Referral the sum of Payouts' Referral, at most the
	// reserve; Unminted the rest of the reserve, which is not minted; Mint
	// the MEADOW the epoch's root mints: Emission - Unminted. So
	// Paid.Meadow + Referral + Carry.Meadow + Unminted equals Emission +
	// the input Carry.Meadow, and Mint is never above Emission.
	ReferralReserve *big.Int `json:"referral_reserve"`
	Referral        *big.Int `json:"referral"`
	Unminted        *big.Int `json:"unminted"`
	Mint            *big.Int `json:"mint"`
	// Cumulative is the sum of Balances: what the distributor must have
	// received in all, per token, for every claim to succeed.
	Cumulative Balance `json:"cumulative"`
}

// settleEntry is one account during settlement: its previous balance, if
// it has one, and its units this epoch.
type settleEntry struct {
	account Address
	hasPrev bool
	units   uint64
	prev    Balance
}

// Settle splits an epoch's node pool (the emission less its referral
// reserve, EmissionSplit) and stable revenue share, each plus the remainder
// carried from the previous epoch, among the accounts with work units, in
// proportion to their units: an account with u of the epoch's total T units
// gets floor(pool * u / T) of each pool. What rounding leaves over is
// carried to the next epoch, so that no amount is lost or created; with no
// units at all, the whole pools carry. Then each referee's referrers
// (in.Referrals) earn ReferralShare of tier 1 and 2 of the referee's part
// of the fresh node pool, floor(nodePool * u / T), from the reserve; what
// the reserve does not pay is not minted (Unminted, Mint). A node's own
// payout never depends on the referrals. Accounts are processed in address
// order, so errors and results are the same on every replica.
//
// Amounts are fixed-width uint256 arithmetic internally; an amount that is nil,
// negative or 2^256 or more is an error naming the account, as is a
// cumulative balance or a total overflowing 256 bits, the units overflowing
// 64 bits, or the MEADOW owed (all balances plus the carry) passing
// Params.Cap. Settle does not recompute the emission: the caller passes
// Emission's result.
func Settle(in SettleInput) (SettleOutput, error) {
	if err := in.Params.Validate(); err != nil {
		return SettleOutput{}, err
	}
	if in.Epoch == 0 {
		return SettleOutput{}, fmt.Errorf("%w: epoch is 0, want 1 or more", ErrInvalidEpoch)
	}
	for _, a := range []struct {
		field string
		x     *big.Int
	}{
		{"emission", in.Emission},
		{"revenue share", in.RevenueShare},
		{"carry meadow", in.Carry.Meadow},
		{"carry stable", in.Carry.Stable},
	} {
		if err := checkAmount(a.field, a.x); err != nil {
			return SettleOutput{}, err
		}
	}
	if err := checkReferees(in.Referrals); err != nil {
		return SettleOutput{}, err
	}
	if in.Emission.Cmp(in.Params.Cap) > 0 {
		return SettleOutput{}, fmt.Errorf("%w: emission %s exceeds cap %s", ErrOutOfRange, in.Emission, in.Params.Cap)
	}
	nodePool, reserve, ok := splitU256(in.Params, u256FromBig(in.Emission))
	if !ok {
		return SettleOutput{}, fmt.Errorf("%w: emission %s * 10000 exceeds 2^256-1", ErrOverflow, in.Emission)
	}
	meadowPool, o1 := nodePool.add(u256FromBig(in.Carry.Meadow))
	stablePool, o2 := u256FromBig(in.RevenueShare).add(u256FromBig(in.Carry.Stable))
	if o1 || o2 {
		return SettleOutput{}, fmt.Errorf("%w: pool plus carry exceeds 2^256-1", ErrOverflow)
	}

	entries, total, workers, err := settleEntries(in)
	if err != nil {
		return SettleOutput{}, err
	}

	shares, credits, referral := referralShares(in.Params, entries, in.Referrals, nodePool, total)
	idle, referrers := countReferrers(entries, shares)
	fresh := len(credits)
	accounts := len(entries) + fresh

	out := SettleOutput{
		Epoch:      in.Epoch,
		Balances:   make(map[Address]Balance, accounts),
		Leaves:     make([]Leaf, 0, accounts),
		Payouts:    make([]Payout, 0, workers+fresh+idle),
		TotalUnits: total,
	}
	newInt := newIntArena(2*accounts + 2*(workers+fresh+idle) + referrers + fresh).newInt
	var paidMeadow, paidStable, cumMeadow, cumStable u256
	// Merge the sorted entries with the sorted credits of referrers that
	// are not among them: such a referrer, with no balance and no units, is
	// a new account. Credits name no entry's account.
	for i, j := 0, 0; i < len(entries) || j < len(credits); {
		var e settleEntry
		var ref u256 // the account's referral shares; paid when not zero
		if j == len(credits) || i < len(entries) && compareAddress(entries[i].account, credits[j].account) < 0 {
			e = entries[i]
			if shares != nil {
				ref = shares[i]
			}
			i++
		} else {
			e = settleEntry{account: credits[j].account}
			ref = credits[j].amount
			j++
		}
		var meadow, stable u256
		if e.hasPrev {
			prev := e.prev
			if !isAmount(prev.Meadow) || !isAmount(prev.Stable) {
				if err := checkAmount("balance meadow of "+e.account.String(), prev.Meadow); err != nil {
					return SettleOutput{}, err
				}
				return SettleOutput{}, checkAmount("balance stable of "+e.account.String(), prev.Stable)
			}
			meadow, stable = u256FromBig(prev.Meadow), u256FromBig(prev.Stable)
		}
		if e.units > 0 || !ref.isZero() {
			var pm, ps u256
			if e.units > 0 {
				// total > 0 here, and units <= total.
				pm = meadowPool.mulDiv64(e.units, total)
				ps = stablePool.mulDiv64(e.units, total)
			}
			var om, os, or bool
			meadow, om = meadow.add(pm)
			stable, os = stable.add(ps)
			p := Payout{Account: e.account, Units: e.units, Meadow: newInt(pm), Stable: newInt(ps)}
			if !ref.isZero() {
				meadow, or = meadow.add(ref)
				p.Referral = newInt(ref)
			}
			if om || os || or {
				return SettleOutput{}, fmt.Errorf("%w: cumulative balance of %s exceeds 2^256-1", ErrOverflow, e.account)
			}
			paidMeadow, _ = paidMeadow.add(pm) // at most the pool
			paidStable, _ = paidStable.add(ps)
			out.Payouts = append(out.Payouts, p)
		}
		var om, os bool
		cumMeadow, om = cumMeadow.add(meadow)
		cumStable, os = cumStable.add(stable)
		if om || os {
			return SettleOutput{}, fmt.Errorf("%w: sum of cumulative balances exceeds 2^256-1 at %s", ErrOverflow, e.account)
		}
		b := Balance{Meadow: newInt(meadow), Stable: newInt(stable)}
		out.Balances[e.account] = b
		out.Leaves = append(out.Leaves, Leaf{Account: e.account, Meadow: b.Meadow, Stable: b.Stable})
	}

	carryMeadow, b1 := meadowPool.sub(paidMeadow)
	carryStable, b2 := stablePool.sub(paidStable)
	if b1 || b2 {
		// Each share is floor(pool*u/T), so their sum cannot pass the pool.
		panic("rewards: settlement paid more than its pool")
	}
	// Every MEADOW unit owed or carried was emitted, so together they can
	// never pass the cap; more means the balances or the emissions fed in
	// are wrong, and a root built from them must not reach the chain.
	if owed, over := cumMeadow.add(carryMeadow); over || owed.big().Cmp(in.Params.Cap) > 0 {
		return SettleOutput{}, fmt.Errorf("%w: cumulative MEADOW balances %s plus carry %s exceed cap %s",
			ErrOutOfRange, cumMeadow.big(), carryMeadow.big(), in.Params.Cap)
	}
	unminted, b3 := reserve.sub(referral)
	if b3 {
		// The shares are at most the reserve (EmissionSplit).
		panic("rewards: referral shares exceed the referral reserve")
	}
	mint, _ := u256FromBig(in.Emission).sub(unminted) // unminted <= reserve <= emission
	out.ReferralReserve, out.Referral, out.Unminted, out.Mint = reserve.big(), referral.big(), unminted.big(), mint.big()
	out.Carry = Balance{Meadow: carryMeadow.big(), Stable: carryStable.big()}
	out.Paid = Balance{Meadow: paidMeadow.big(), Stable: paidStable.big()}
	out.Cumulative = Balance{Meadow: cumMeadow.big(), Stable: cumStable.big()}
	return out, nil
}

// settleEntries lists every account with a previous balance or with units,
// once, sorted by account, and sums the units. It returns the list, the
// total units and how many accounts have units.
func settleEntries(in SettleInput) ([]settleEntry, uint64, int, error) {
	var total, overflow uint64
	var fresh []settleEntry // accounts with units and no balance yet
	workers := 0
	for a, u := range in.Units {
		if u == 0 {
			continue
		}
		workers++
		var c uint64
		total, c = bits.Add64(total, u, 0)
		overflow |= c
		if _, ok := in.Balances[a]; !ok {
			fresh = append(fresh, settleEntry{account: a, units: u})
		}
	}
	if overflow != 0 {
		return nil, 0, 0, fmt.Errorf("%w: total work units of epoch %d exceed 2^64-1", ErrOverflow, in.Epoch)
	}
	entries := make([]settleEntry, 0, len(in.Balances)+len(fresh))
	for a, b := range in.Balances {
		entries = append(entries, settleEntry{account: a, hasPrev: true, units: in.Units[a], prev: b})
	}
	entries = append(entries, fresh...)
	bucketSort(entries,
		func(e *settleEntry) uint16 { return addressPrefix(e.account) },
		func(x, y settleEntry) int { return compareAddress(x.account, y.account) })
	return entries, total, workers, nil
}

// countReferrers returns how many entries without units earn referral
// shares (idle: each adds a payout) and how many entries earn them at all.
func countReferrers(entries []settleEntry, shares []u256) (idle, referrers int) {
	for i := range shares {
		if !shares[i].isZero() {
			referrers++
			if entries[i].units == 0 {
				idle++
			}
		}
	}
	return idle, referrers
}
