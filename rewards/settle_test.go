package rewards

import (
	"errors"
	"fmt"
	"maps"
	"math/big"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func bal(meadow, stable int64) Balance {
	return Balance{Meadow: big.NewInt(meadow), Stable: big.NewInt(stable)}
}

func addr(b byte) Address { return Address{19: b} }

func TestSettle(t *testing.T) {
	tests := []struct {
		name      string
		balances  map[Address]Balance
		units     map[Address]uint64
		emission  int64
		share     int64
		carry     Balance
		wantBal   map[Address]Balance
		wantPay   map[Address]Balance
		wantCarry Balance
	}{
		{
			name:     "even split",
			units:    map[Address]uint64{addr(1): 10, addr(2): 30},
			emission: 400, share: 40, carry: bal(0, 0),
			wantBal:   map[Address]Balance{addr(1): bal(100, 10), addr(2): bal(300, 30)},
			wantPay:   map[Address]Balance{addr(1): bal(100, 10), addr(2): bal(300, 30)},
			wantCarry: bal(0, 0),
		},
		{
			name:     "remainder carries",
			units:    map[Address]uint64{addr(1): 1, addr(2): 1, addr(3): 1},
			emission: 10, share: 2, carry: bal(0, 0),
			wantBal:   map[Address]Balance{addr(1): bal(3, 0), addr(2): bal(3, 0), addr(3): bal(3, 0)},
			wantPay:   map[Address]Balance{addr(1): bal(3, 0), addr(2): bal(3, 0), addr(3): bal(3, 0)},
			wantCarry: bal(1, 2),
		},
		{
			name:     "carry joins the pool",
			units:    map[Address]uint64{addr(1): 1, addr(2): 1, addr(3): 1},
			emission: 10, share: 2, carry: bal(2, 1),
			wantBal:   map[Address]Balance{addr(1): bal(4, 1), addr(2): bal(4, 1), addr(3): bal(4, 1)},
			wantPay:   map[Address]Balance{addr(1): bal(4, 1), addr(2): bal(4, 1), addr(3): bal(4, 1)},
			wantCarry: bal(0, 0),
		},
		{
			name:     "no units: everything carries",
			balances: map[Address]Balance{addr(1): bal(5, 6)},
			units:    map[Address]uint64{addr(2): 0},
			emission: 100, share: 7, carry: bal(1, 1),
			wantBal:   map[Address]Balance{addr(1): bal(5, 6)},
			wantPay:   map[Address]Balance{},
			wantCarry: bal(101, 8),
		},
		{
			name:     "balances accumulate; idle accounts keep theirs",
			balances: map[Address]Balance{addr(1): bal(1000, 50), addr(2): bal(7, 7)},
			units:    map[Address]uint64{addr(1): 3, addr(3): 1},
			emission: 8, share: 4, carry: bal(0, 0),
			wantBal:   map[Address]Balance{addr(1): bal(1006, 53), addr(2): bal(7, 7), addr(3): bal(2, 1)},
			wantPay:   map[Address]Balance{addr(1): bal(6, 3), addr(3): bal(2, 1)},
			wantCarry: bal(0, 0),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Referrals off: the whole emission is the node pool, which is
			// what these cases are about (referral_test.go has the split).
			in := SettleInput{
				Epoch: 3, Params: noReferrals(), Balances: tt.balances, Units: tt.units,
				Emission: big.NewInt(tt.emission), RevenueShare: big.NewInt(tt.share), Carry: tt.carry,
			}
			out, err := Settle(in)
			if err != nil {
				t.Fatal(err)
			}
			if !balancesEqual(out.Balances, tt.wantBal) {
				t.Errorf("Balances = %v, want %v", out.Balances, tt.wantBal)
			}
			pays := map[Address]Balance{}
			for _, p := range out.Payouts {
				pays[p.Account] = Balance{Meadow: p.Meadow, Stable: p.Stable}
			}
			if !balancesEqual(pays, tt.wantPay) {
				t.Errorf("Payouts = %v, want %v", pays, tt.wantPay)
			}
			if !balanceEqual(out.Carry, tt.wantCarry) {
				t.Errorf("Carry = %v, want %v", out.Carry, tt.wantCarry)
			}
			checkConservation(t, in, out)
		})
	}
}

func balanceEqual(a, b Balance) bool {
	return a.Meadow.Cmp(b.Meadow) == 0 && a.Stable.Cmp(b.Stable) == 0
}

func balancesEqual(a, b map[Address]Balance) bool {
	return maps.EqualFunc(a, b, balanceEqual)
}

// noReferrals returns DefaultParams with the referral tiers at 0: no
// reserve, the node pool is the whole emission.
func noReferrals() Params {
	p := DefaultParams()
	p.ReferralTier1Bps, p.ReferralTier2Bps = 0, 0
	return p
}

// wantReferral computes, independently of Settle's loop, what every
// referrer earns: ReferralShare of each tier on its referees' parts of the
// fresh node pool.
func wantReferral(t testing.TB, in SettleInput) map[Address]*big.Int {
	t.Helper()
	nodePool, _, err := EmissionSplit(in.Params, in.Emission)
	if err != nil {
		t.Fatal(err)
	}
	var total uint64
	for _, u := range in.Units {
		total += u
	}
	out := map[Address]*big.Int{}
	add := func(to Address, base *big.Int, tier uint64) {
		s, err := ReferralShare(in.Params, base, tier)
		if err != nil {
			t.Fatal(err)
		}
		if s.Sign() == 0 {
			return
		}
		if out[to] == nil {
			out[to] = new(big.Int)
		}
		out[to].Add(out[to], s)
	}
	for a, u := range in.Units {
		r, ok := referralOf(in.Referrals, a)
		if u == 0 || !ok {
			continue
		}
		base := new(big.Int).Quo(new(big.Int).Mul(nodePool, new(big.Int).SetUint64(u)), new(big.Int).SetUint64(total))
		if r.First != (Address{}) && r.First != a {
			add(r.First, base, 1)
		}
		if r.Second != (Address{}) && r.Second != a && r.Second != r.First {
			add(r.Second, base, 2)
		}
	}
	return out
}

// checkConservation checks every invariant a settlement keeps: each payout is
// exactly floor(pool*units/total), each referral share what the tiers give,
// new balances are old plus payout plus referral, paid plus carry is the
// node pool plus the old carry, the referral shares stay within the reserve
// and what the reserve does not pay is not minted, outputs are sorted, and
// the totals add up.
func checkConservation(t testing.TB, in SettleInput, out SettleOutput) {
	t.Helper()
	nodePool, reserve, err := EmissionSplit(in.Params, in.Emission)
	if err != nil {
		t.Fatal(err)
	}
	poolM := new(big.Int).Add(nodePool, in.Carry.Meadow)
	poolS := new(big.Int).Add(in.RevenueShare, in.Carry.Stable)
	var total uint64
	for _, u := range in.Units {
		total += u
	}
	if out.TotalUnits != total {
		t.Fatalf("TotalUnits = %d, want %d", out.TotalUnits, total)
	}
	wantRef := wantReferral(t, in)
	paidM, paidS, paidR := new(big.Int), new(big.Int), new(big.Int)
	for i, p := range out.Payouts {
		if i > 0 && compareAddress(out.Payouts[i-1].Account, p.Account) >= 0 {
			t.Fatalf("payouts not sorted at %d", i)
		}
		if p.Units != in.Units[p.Account] || p.Units == 0 && p.Referral == nil {
			t.Fatalf("payout of %s has %d units, input %d, referral %v", p.Account, p.Units, in.Units[p.Account], p.Referral)
		}
		u, tot := new(big.Int).SetUint64(p.Units), new(big.Int).SetUint64(max(total, 1))
		wantM := new(big.Int).Quo(new(big.Int).Mul(poolM, u), tot)
		wantS := new(big.Int).Quo(new(big.Int).Mul(poolS, u), tot)
		if p.Meadow.Cmp(wantM) != 0 || p.Stable.Cmp(wantS) != 0 {
			t.Fatalf("payout of %s = %s/%s, want %s/%s", p.Account, p.Meadow, p.Stable, wantM, wantS)
		}
		if w := wantRef[p.Account]; (w == nil) != (p.Referral == nil) || w != nil && w.Cmp(p.Referral) != 0 {
			t.Fatalf("referral share of %s = %v, want %v", p.Account, p.Referral, w)
		}
		delete(wantRef, p.Account)
		paidM.Add(paidM, p.Meadow)
		paidS.Add(paidS, p.Stable)
		if p.Referral != nil {
			paidR.Add(paidR, p.Referral)
		}
	}
	if len(wantRef) > 0 {
		t.Fatalf("referrers without a payout: %v", wantRef)
	}
	if paidM.Cmp(out.Paid.Meadow) != 0 || paidS.Cmp(out.Paid.Stable) != 0 || paidR.Cmp(out.Referral) != 0 {
		t.Fatalf("Paid = %v, Referral = %s; payouts sum to %s/%s, referral %s", out.Paid, out.Referral, paidM, paidS, paidR)
	}
	if new(big.Int).Add(paidM, out.Carry.Meadow).Cmp(poolM) != 0 ||
		new(big.Int).Add(paidS, out.Carry.Stable).Cmp(poolS) != 0 {
		t.Fatalf("paid %s/%s + carry %v != pool %s/%s", paidM, paidS, out.Carry, poolM, poolS)
	}
	if total == 0 && (out.Carry.Meadow.Cmp(poolM) != 0 || out.Carry.Stable.Cmp(poolS) != 0) {
		t.Fatalf("no units but carry %v != pool", out.Carry)
	}
	// The reserve: referral shares within it, the rest not minted.
	if out.ReferralReserve.Cmp(reserve) != 0 || paidR.Cmp(reserve) > 0 ||
		new(big.Int).Add(paidR, out.Unminted).Cmp(reserve) != 0 ||
		new(big.Int).Add(out.Mint, out.Unminted).Cmp(in.Emission) != 0 {
		t.Fatalf("reserve %s (want %s), referral %s, unminted %s, mint %s of emission %s",
			out.ReferralReserve, reserve, paidR, out.Unminted, out.Mint, in.Emission)
	}
	// Everything minted this epoch, with the carry in, is paid or carried.
	lhs := new(big.Int).Add(paidM, paidR)
	lhs.Add(lhs, out.Carry.Meadow)
	if lhs.Cmp(new(big.Int).Add(out.Mint, in.Carry.Meadow)) != 0 {
		t.Fatalf("paid %s + referral %s + carry %s != mint %s + carry in %s", paidM, paidR, out.Carry.Meadow, out.Mint, in.Carry.Meadow)
	}
	cumM, cumS := new(big.Int), new(big.Int)
	for i, l := range out.Leaves {
		if i > 0 && compareAddress(out.Leaves[i-1].Account, l.Account) >= 0 {
			t.Fatalf("leaves not sorted at %d", i)
		}
		b := out.Balances[l.Account]
		if !balanceEqual(b, Balance{Meadow: l.Meadow, Stable: l.Stable}) {
			t.Fatalf("leaf %s differs from its balance", l.Account)
		}
		cumM.Add(cumM, l.Meadow)
		cumS.Add(cumS, l.Stable)
	}
	if len(out.Leaves) != len(out.Balances) {
		t.Fatalf("%d leaves, %d balances", len(out.Leaves), len(out.Balances))
	}
	if cumM.Cmp(out.Cumulative.Meadow) != 0 || cumS.Cmp(out.Cumulative.Stable) != 0 {
		t.Fatalf("Cumulative = %v, balances sum to %s/%s", out.Cumulative, cumM, cumS)
	}
	pay := make(map[Address]Payout, len(out.Payouts))
	for _, p := range out.Payouts {
		pay[p.Account] = p
	}
	for a, b := range out.Balances {
		prev, ok := in.Balances[a]
		if !ok {
			prev = bal(0, 0)
		}
		pm, ps := big.NewInt(0), big.NewInt(0)
		if p, ok := pay[a]; ok {
			pm, ps = new(big.Int).Set(p.Meadow), p.Stable
			if p.Referral != nil {
				pm.Add(pm, p.Referral)
			}
		}
		if new(big.Int).Add(prev.Meadow, pm).Cmp(b.Meadow) != 0 || new(big.Int).Add(prev.Stable, ps).Cmp(b.Stable) != 0 {
			t.Fatalf("balance of %s = %v, want previous %v plus payout %s/%s", a, b, prev, pm, ps)
		}
	}
	for a := range in.Balances {
		if _, ok := out.Balances[a]; !ok {
			t.Fatalf("account %s lost its balance", a)
		}
	}
}

func TestSettleErrors(t *testing.T) {
	good := func() SettleInput {
		return SettleInput{
			Epoch: 1, Params: DefaultParams(),
			Balances: map[Address]Balance{addr(1): bal(1, 1)},
			Units:    map[Address]uint64{addr(1): 1},
			Emission: big.NewInt(10), RevenueShare: big.NewInt(10), Carry: bal(0, 0),
		}
	}
	tests := []struct {
		name    string
		modify  func(in *SettleInput)
		want    error
		wantMsg string
	}{
		{name: "epoch 0", modify: func(in *SettleInput) { in.Epoch = 0 }, want: ErrInvalidEpoch},
		{name: "bad params", modify: func(in *SettleInput) { in.Params.Window = 0 }, want: ErrInvalidParams},
		{name: "nil emission", modify: func(in *SettleInput) { in.Emission = nil }, want: ErrMissingAmount, wantMsg: "emission"},
		{name: "negative share", modify: func(in *SettleInput) { in.RevenueShare = big.NewInt(-1) }, want: ErrNegative, wantMsg: "revenue share"},
		{name: "nil carry", modify: func(in *SettleInput) { in.Carry = Balance{} }, want: ErrMissingAmount, wantMsg: "carry"},
		{name: "emission above cap", modify: func(in *SettleInput) { in.Emission = new(big.Int).Add(in.Params.Cap, big.NewInt(1)) }, want: ErrOutOfRange},
		{name: "pool overflows", modify: func(in *SettleInput) { in.RevenueShare = maxU256; in.Carry.Stable = big.NewInt(1) }, want: ErrOverflow},
		{name: "negative balance", modify: func(in *SettleInput) { in.Balances[addr(2)] = bal(-1, 0) }, want: ErrNegative, wantMsg: addr(2).String()},
		{name: "nil balance", modify: func(in *SettleInput) { in.Balances[addr(3)] = Balance{Meadow: big.NewInt(1)} }, want: ErrMissingAmount, wantMsg: addr(3).String()},
		{name: "empty balance", modify: func(in *SettleInput) { in.Balances[addr(4)] = Balance{} }, want: ErrMissingAmount, wantMsg: addr(4).String()},
		{name: "units overflow", modify: func(in *SettleInput) { in.Units[addr(2)] = ^uint64(0) }, want: ErrOverflow},
		{name: "balance overflows", modify: func(in *SettleInput) { in.Balances[addr(1)] = Balance{Meadow: maxU256, Stable: big.NewInt(0)} }, want: ErrOverflow, wantMsg: addr(1).String()},
		{name: "sum of balances overflows", modify: func(in *SettleInput) {
			in.Balances[addr(5)] = Balance{Meadow: big.NewInt(0), Stable: maxU256}
		}, want: ErrOverflow},
		{name: "balances past the cap", modify: func(in *SettleInput) {
			in.Balances[addr(5)] = Balance{Meadow: in.Params.Cap, Stable: big.NewInt(0)}
		}, want: ErrOutOfRange, wantMsg: "cap"},
		{name: "carry past the cap", modify: func(in *SettleInput) {
			in.Units = nil
			in.Balances = nil
			in.Carry.Meadow = new(big.Int).Sub(in.Params.Cap, big.NewInt(5))
		}, want: ErrOutOfRange, wantMsg: "cap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good()
			tt.modify(&in)
			_, err := Settle(in)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("Settle() error = %v, want %v mentioning %q", err, tt.want, tt.wantMsg)
			}
		})
	}
}

// TestSettleErrorDeterministic checks that with several bad balances the
// error always names the lowest account, whatever the map order.
func TestSettleErrorDeterministic(t *testing.T) {
	in := SettleInput{
		Epoch: 1, Params: DefaultParams(), Balances: map[Address]Balance{}, Units: map[Address]uint64{},
		Emission: big.NewInt(1), RevenueShare: big.NewInt(1), Carry: bal(0, 0),
	}
	for i := range 50 {
		in.Balances[addr(byte(100+i))] = bal(-1, 0)
	}
	for range 20 {
		_, err := Settle(in)
		if err == nil || !strings.Contains(err.Error(), addr(100).String()) {
			t.Fatalf("error %v, want one naming %s", err, addr(100))
		}
	}
}

// randSettleInput returns an input with random accounts, some with balances,
// some with units, some with both.
func randSettleInput(r *rand.Rand, accounts int) SettleInput {
	in := SettleInput{
		Epoch: r.Uint64N(1000) + 1, Params: DefaultParams(),
		Balances: map[Address]Balance{}, Units: map[Address]uint64{},
		Emission:     new(big.Int).Rsh(DefaultParams().EMax0, uint(r.IntN(80))),
		RevenueShare: big.NewInt(r.Int64N(1 << 50)),
		Carry:        Balance{Meadow: big.NewInt(r.Int64N(1000)), Stable: big.NewInt(r.Int64N(1000))},
	}
	for range accounts {
		a := Address{0: byte(r.IntN(4)), 19: byte(r.Uint32())} // collisions on purpose
		a[10] = byte(r.Uint32())
		switch r.IntN(3) {
		case 0:
			in.Balances[a] = Balance{Meadow: new(big.Int).Lsh(big.NewInt(r.Int64N(1<<40)), uint(r.IntN(40))), Stable: new(big.Int).Lsh(big.NewInt(r.Int64N(1<<40)), uint(r.IntN(200)))}
		case 1:
			in.Units[a] = r.Uint64N(1 << uint(r.IntN(40)+1))
		default:
			in.Balances[a] = Balance{Meadow: big.NewInt(r.Int64N(1 << 40)), Stable: big.NewInt(r.Int64N(1 << 40))}
			in.Units[a] = r.Uint64N(1000)
		}
	}
	randReferrals(r, &in)
	return in
}

// randReferrals gives about half the accounts with units random referrers:
// other accounts, new ones, themselves, none, a second tier equal to the
// first.
func randReferrals(r *rand.Rand, in *SettleInput) {
	var known []Address
	for a := range in.Units {
		known = append(known, a)
	}
	slices.SortFunc(known, compareAddress)
	pick := func(self Address) Address {
		switch r.IntN(6) {
		case 0:
			return Address{}
		case 1:
			return self
		case 2:
			return Address{0: 0xee, 19: byte(r.IntN(8))} // not an account yet
		default:
			return known[r.IntN(len(known))]
		}
	}
	in.Referrals = nil
	for _, a := range known {
		if r.IntN(2) == 0 {
			continue
		}
		ref := Referral{First: pick(a), Second: pick(a)}
		if r.IntN(10) == 0 {
			ref.Second = ref.First
		}
		in.Referrals = append(in.Referrals, Referee{Account: a, Referral: ref})
	}
}

// referees returns m as SettleInput.Referrals: sorted by referee; nil for
// an empty m.
func referees(m map[Address]Referral) []Referee {
	var refs []Referee
	for a, r := range m {
		refs = append(refs, Referee{Account: a, Referral: r})
	}
	slices.SortFunc(refs, func(x, y Referee) int { return compareAddress(x.Account, y.Account) })
	return refs
}

// referralOf returns a's referral in refs, sorted by referee, and whether
// a is there.
func referralOf(refs []Referee, a Address) (Referral, bool) {
	i, ok := slices.BinarySearchFunc(refs, a, func(r Referee, a Address) int { return compareAddress(r.Account, a) })
	if !ok {
		return Referral{}, false
	}
	return refs[i].Referral, true
}

func TestSettleConservationRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 37))
	for i := range 300 {
		in := randSettleInput(r, r.IntN(200))
		before := fmt.Sprint(in)
		out, err := Settle(in)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		checkConservation(t, in, out)
		if fmt.Sprint(in) != before {
			t.Fatalf("case %d: Settle modified its input", i)
		}
		again, err := Settle(in)
		if err != nil || !reflect.DeepEqual(out.Payouts, again.Payouts) || !reflect.DeepEqual(out.Leaves, again.Leaves) {
			t.Fatalf("case %d: a second run differs", i)
		}
	}
}

// TestSettleEpochs chains many epochs, each output feeding the next input,
// with random referrals, and checks that every minted base unit is either
// in a balance or carried.
func TestSettleEpochs(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 43))
	p := DefaultParams()
	balances := map[Address]Balance{}
	carry := bal(0, 0)
	emitted, shared := new(big.Int), new(big.Int)
	minted := new(big.Int)
	for epoch := uint64(1); epoch <= 60; epoch++ {
		revenue := big.NewInt(r.Int64N(50_000_000_000))
		emission, err := Emission(p, epoch, revenue, minted)
		if err != nil {
			t.Fatal(err)
		}
		share, err := RevenueShare(p, revenue)
		if err != nil {
			t.Fatal(err)
		}
		units := map[Address]uint64{}
		if epoch%7 != 0 { // some epochs have no verified work at all
			for range r.IntN(40) {
				units[addr(byte(r.IntN(60)))] += uint64(r.IntN(3)) * 10
			}
		}
		in := SettleInput{Epoch: epoch, Params: p, Balances: balances, Units: units, Emission: emission, RevenueShare: share, Carry: carry}
		randReferrals(r, &in)
		out, err := Settle(in)
		if err != nil {
			t.Fatalf("epoch %d: %v", epoch, err)
		}
		checkConservation(t, in, out)
		minted.Add(minted, out.Mint)
		emitted.Add(emitted, out.Mint)
		shared.Add(shared, share)
		if new(big.Int).Add(out.Cumulative.Meadow, out.Carry.Meadow).Cmp(emitted) != 0 ||
			new(big.Int).Add(out.Cumulative.Stable, out.Carry.Stable).Cmp(shared) != 0 {
			t.Fatalf("epoch %d: balances %v + carry %v != emitted %s / shared %s", epoch, out.Cumulative, out.Carry, emitted, shared)
		}
		balances, carry = out.Balances, out.Carry
		if _, err := BuildTree(out.Leaves); err != nil && len(out.Leaves) > 0 {
			t.Fatalf("epoch %d: %v", epoch, err)
		}
	}
}

// settleInput1M builds the benchmark's input: a million accounts, each with
// a previous balance and units this epoch.
func settleInput1M(tb testing.TB) SettleInput {
	tb.Helper()
	const accounts = 1_000_000
	r := rand.New(rand.NewPCG(1, 1))
	in := SettleInput{
		Epoch: 100, Params: DefaultParams(),
		Balances:     make(map[Address]Balance, accounts),
		Units:        make(map[Address]uint64, accounts),
		Emission:     DefaultParams().EMax0,
		RevenueShare: big.NewInt(7_000_000_000),
		Carry:        bal(12345, 678),
	}
	for len(in.Units) < accounts {
		var a Address
		for j := 0; j < 20; j += 4 {
			v := r.Uint32()
			a[j], a[j+1], a[j+2], a[j+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		}
		in.Balances[a] = Balance{Meadow: new(big.Int).Lsh(big.NewInt(r.Int64N(1<<40)), 27), Stable: big.NewInt(r.Int64N(1 << 40))}
		in.Units[a] = r.Uint64N(10_000) + 1
	}
	return in
}

// withReferrals1M gives every account of a settleInput1M both tiers of
// referrers, other accounts of the input drawn at random (so every account
// is also a referrer of about two referees): the most referral work a
// million accounts can make.
func withReferrals1M(in SettleInput) SettleInput {
	r := rand.New(rand.NewPCG(3, 3))
	accounts := make([]Address, 0, len(in.Units))
	for a := range in.Units {
		accounts = append(accounts, a)
	}
	slices.SortFunc(accounts, compareAddress)
	in.Referrals = make([]Referee, 0, len(accounts))
	for _, a := range accounts {
		in.Referrals = append(in.Referrals, Referee{Account: a, Referral: Referral{First: accounts[r.IntN(len(accounts))], Second: accounts[r.IntN(len(accounts))]}})
	}
	return in
}

// BenchmarkSettle1M settles an epoch of a million working accounts and
// builds the reward tree of the result: the leader's whole per-epoch cost.
//
// It also reports the live heap after a collection, in MiB, of the input
// (input-MB), the settlement's output (settle-MB) and the tree (tree-MB):
// what the leader holds at the end of an epoch, before garbage.
func BenchmarkSettle1M(b *testing.B) { benchmarkSettle1M(b, false) }

// BenchmarkSettle1MReferrals is BenchmarkSettle1M with every account
// referred on both tiers (withReferrals1M).
func BenchmarkSettle1MReferrals(b *testing.B) { benchmarkSettle1M(b, true) }

func benchmarkSettle1M(b *testing.B, referrals bool) {
	base := liveHeapMB()
	in := settleInput1M(b)
	if referrals {
		in = withReferrals1M(in)
	}
	inputMB := liveHeapMB() - base
	b.ReportAllocs()
	for b.Loop() {
		out, err := Settle(in)
		if err != nil {
			b.Fatal(err)
		}
		tree, err := BuildTree(out.Leaves)
		if err != nil {
			b.Fatal(err)
		}
		_ = tree.Root()
	}
	before := liveHeapMB()
	out, err := Settle(in)
	if err != nil {
		b.Fatal(err)
	}
	settled := liveHeapMB()
	tree, err := BuildTree(out.Leaves)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(inputMB, "input-MB")
	b.ReportMetric(settled-before, "settle-MB")
	b.ReportMetric(liveHeapMB()-settled, "tree-MB")
	runtime.KeepAlive(in)
	runtime.KeepAlive(out)
	runtime.KeepAlive(tree)
}

// liveHeapMB collects garbage and returns the heap still in use, in MiB.
func liveHeapMB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}

// BenchmarkSettleOnly1M is BenchmarkSettle1M without the tree.
func BenchmarkSettleOnly1M(b *testing.B) {
	in := settleInput1M(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Settle(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSettleOnly1MReferrals is BenchmarkSettle1MReferrals without the
// tree.
func BenchmarkSettleOnly1MReferrals(b *testing.B) {
	in := withReferrals1M(settleInput1M(b))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Settle(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildTree1M builds the reward tree of a million leaves.
func BenchmarkBuildTree1M(b *testing.B) {
	leaves := randLeaves(rand.New(rand.NewPCG(2, 2)), 1_000_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildTree(leaves); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzSettle settles inputs shaped by the fuzzer and checks every invariant
// of checkConservation: exact shares, nothing lost or created.
func FuzzSettle(f *testing.F) {
	f.Add([]byte{1, 10, 2, 30, 3, 0}, uint64(400), uint64(40), uint64(0), uint64(0))
	f.Add([]byte{}, uint64(100), uint64(7), uint64(1), uint64(1))
	f.Add([]byte{1, 1, 2, 1, 3, 1}, uint64(10), uint64(2), uint64(2), uint64(1))
	f.Fuzz(func(t *testing.T, spec []byte, emission, share, carryM, carryS uint64) {
		// spec is pairs: account byte, then units byte. Odd accounts also
		// have a previous balance derived from the units.
		in := SettleInput{
			Epoch: 1, Params: DefaultParams(),
			Balances: map[Address]Balance{}, Units: map[Address]uint64{},
			Emission: new(big.Int).SetUint64(emission), RevenueShare: new(big.Int).SetUint64(share),
			Carry: Balance{Meadow: new(big.Int).SetUint64(carryM), Stable: new(big.Int).SetUint64(carryS)},
		}
		refs := map[Address]Referral{}
		for i := 0; i+1 < len(spec); i += 2 {
			a := addr(spec[i])
			in.Units[a] += uint64(spec[i+1]) << (spec[i] % 40)
			if spec[i]%2 == 1 {
				in.Balances[a] = bal(int64(spec[i+1]), int64(spec[i]))
			}
			if spec[i]%3 == 0 { // referred by the next two addresses (or itself, mod 256)
				refs[a] = Referral{First: addr(spec[i] + spec[i+1]%3), Second: addr(spec[i] + 2)}
			}
		}
		in.Referrals = referees(refs)
		out, err := Settle(in)
		if err != nil {
			if errors.Is(err, ErrOverflow) {
				return
			}
			t.Fatal(err)
		}
		checkConservation(t, in, out)
	})
}
