package rewards

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestEmissionSplit(t *testing.T) {
	p := DefaultParams()
	tests := []struct {
		name     string
		params   Params
		emission *big.Int
		wantNode *big.Int
		wantRes  *big.Int
		wantErr  error
	}{
		{name: "13,000 splits 10,000/3,000", params: p, emission: big.NewInt(13_000), wantNode: big.NewInt(10_000), wantRes: big.NewInt(3_000)},
		{name: "rounding favours the reserve", params: p, emission: big.NewInt(14), wantNode: big.NewInt(10), wantRes: big.NewInt(4)},
		{name: "zero", params: p, emission: big.NewInt(0), wantNode: big.NewInt(0), wantRes: big.NewInt(0)},
		{name: "one base unit goes to nodes", params: p, emission: big.NewInt(1), wantNode: big.NewInt(0), wantRes: big.NewInt(1)},
		{name: "referrals off: all to nodes", params: noReferrals(), emission: big.NewInt(777), wantNode: big.NewInt(777), wantRes: big.NewInt(0)},
		{name: "EMax0", params: p, emission: p.EMax0,
			wantNode: mustInt("76923076923076923076923"), wantRes: mustInt("23076923076923076923077")},
		{name: "largest that does not overflow", params: p, emission: new(big.Int).Quo(maxU256, big.NewInt(10000)),
			wantNode: new(big.Int).Quo(new(big.Int).Mul(new(big.Int).Quo(maxU256, big.NewInt(10000)), big.NewInt(10000)), big.NewInt(13000)),
			wantRes:  nil},
		{name: "overflow", params: p, emission: new(big.Int).Add(new(big.Int).Quo(maxU256, big.NewInt(10000)), big.NewInt(1)), wantErr: ErrOverflow},
		{name: "negative", params: p, emission: big.NewInt(-1), wantErr: ErrNegative},
		{name: "nil", params: p, emission: nil, wantErr: ErrMissingAmount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, r, err := EmissionSplit(tt.params, tt.emission)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n.Cmp(tt.wantNode) != 0 || tt.wantRes != nil && r.Cmp(tt.wantRes) != 0 {
				t.Fatalf("EmissionSplit(%s) = %s, %s; want %s, %v", tt.emission, n, r, tt.wantNode, tt.wantRes)
			}
			if new(big.Int).Add(n, r).Cmp(tt.emission) != 0 {
				t.Fatalf("%s + %s != %s", n, r, tt.emission)
			}
		})
	}
}

func mustInt(s string) *big.Int {
	x, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic(s)
	}
	return x
}

func TestReferralShare(t *testing.T) {
	p := DefaultParams()
	tests := []struct {
		name    string
		reward  *big.Int
		tier    uint64
		want    int64
		wantErr error
	}{
		{name: "tier 1 is 20%", reward: big.NewInt(1000), tier: 1, want: 200},
		{name: "tier 2 is 10%", reward: big.NewInt(1000), tier: 2, want: 100},
		{name: "rounds down", reward: big.NewInt(9), tier: 2, want: 0},
		{name: "rounds down tier 1", reward: big.NewInt(14), tier: 1, want: 2},
		{name: "tier 0", reward: big.NewInt(1), tier: 0, wantErr: ErrInvalidReferralTier},
		{name: "tier 3", reward: big.NewInt(1), tier: 3, wantErr: ErrInvalidReferralTier},
		{name: "product overflows", reward: maxU256, tier: 2, wantErr: ErrOverflow},
		{name: "negative", reward: big.NewInt(-5), tier: 1, wantErr: ErrNegative},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReferralShare(p, tt.reward, tt.tier)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Cmp(big.NewInt(tt.want)) != 0 {
				t.Fatalf("ReferralShare(%s, %d) = %v, %v; want %d", tt.reward, tt.tier, got, err, tt.want)
			}
		})
	}
}

func TestReferralParams(t *testing.T) {
	for _, tt := range []struct {
		name   string
		t1, t2 uint64
		ok     bool
	}{
		{name: "default", t1: 2000, t2: 1000, ok: true},
		{name: "off", t1: 0, t2: 0, ok: true},
		{name: "at the cap", t1: 4000, t2: 1000, ok: true},
		{name: "sum past the cap", t1: 4000, t2: 1001},
		{name: "tier 1 past the cap", t1: 5001, t2: 0},
		{name: "tier 2 past the cap", t1: 0, t2: 9000},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultParams()
			p.ReferralTier1Bps, p.ReferralTier2Bps = tt.t1, tt.t2
			err := p.Validate()
			if tt.ok != (err == nil) || err != nil && !errors.Is(err, ErrInvalidParams) {
				t.Fatalf("Validate() = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

// TestSettleReferralRules: the rules Settle itself applies, on one epoch of
// 13,000 MEADOW base units (node pool 10,000, reserve 3,000) and 10 units
// per working account, so a worker's part of the pool is 10,000*10/T.
func TestSettleReferralRules(t *testing.T) {
	a, b, c, d := addr(1), addr(2), addr(3), addr(4)
	tests := []struct {
		name      string
		units     map[Address]uint64
		referrals map[Address]Referral
		want      map[Address]int64 // referral shares
		unminted  int64
	}{
		{
			name:      "no referrals: the reserve is not minted",
			units:     map[Address]uint64{a: 10},
			referrals: nil,
			want:      map[Address]int64{},
			unminted:  3000,
		},
		{
			name:      "both tiers: 20% and 10% of the referee's part",
			units:     map[Address]uint64{a: 10},
			referrals: map[Address]Referral{a: {First: b, Second: c}},
			want:      map[Address]int64{b: 2000, c: 1000},
			unminted:  0,
		},
		{
			name:      "a referrer with work earns both",
			units:     map[Address]uint64{a: 10, b: 10},
			referrals: map[Address]Referral{a: {First: b}},
			want:      map[Address]int64{b: 1000},
			unminted:  2000,
		},
		{
			name:      "shares from several referees add up",
			units:     map[Address]uint64{a: 10, b: 10, c: 20},
			referrals: map[Address]Referral{a: {First: d, Second: c}, b: {First: d}},
			want:      map[Address]int64{d: 1000, c: 250},
			unminted:  1750,
		},
		{
			name:      "self-referral earns nothing",
			units:     map[Address]uint64{a: 10},
			referrals: map[Address]Referral{a: {First: a, Second: a}},
			want:      map[Address]int64{},
			unminted:  3000,
		},
		{
			name:      "a second tier equal to the first earns once",
			units:     map[Address]uint64{a: 10},
			referrals: map[Address]Referral{a: {First: b, Second: b}},
			want:      map[Address]int64{b: 2000},
			unminted:  1000,
		},
		{
			name:      "zero addresses are no referrer",
			units:     map[Address]uint64{a: 10},
			referrals: map[Address]Referral{a: {Second: c}},
			want:      map[Address]int64{c: 1000},
			unminted:  2000,
		},
		{
			name:      "a referee without verified work earns its referrer nothing",
			units:     map[Address]uint64{a: 10, b: 0},
			referrals: map[Address]Referral{b: {First: c, Second: d}},
			want:      map[Address]int64{},
			unminted:  3000,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := SettleInput{
				Epoch: 1, Params: DefaultParams(), Units: tt.units, Referrals: referees(tt.referrals),
				Emission: big.NewInt(13_000), RevenueShare: big.NewInt(0), Carry: bal(0, 0),
			}
			out, err := Settle(in)
			if err != nil {
				t.Fatal(err)
			}
			checkConservation(t, in, out)
			got := map[Address]int64{}
			for _, p := range out.Payouts {
				if p.Referral != nil {
					got[p.Account] = p.Referral.Int64()
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("referral shares %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Fatalf("referral shares %v, want %v", got, tt.want)
				}
			}
			if out.Unminted.Int64() != tt.unminted || out.Mint.Int64() != 13_000-tt.unminted {
				t.Fatalf("unminted %s, mint %s; want %d unminted", out.Unminted, out.Mint, tt.unminted)
			}
		})
	}
}

// TestSettleRefusesUnsortedReferrals: Settle merges the referrals with the
// accounts in address order, so a list out of order, or naming a referee
// twice, is refused rather than read wrongly.
func TestSettleRefusesUnsortedReferrals(t *testing.T) {
	a, b, c := addr(1), addr(2), addr(3)
	tests := []struct {
		name      string
		referrals []Referee
		want      error
	}{
		{name: "sorted", referrals: []Referee{{Account: a, Referral: Referral{First: c}}, {Account: b, Referral: Referral{First: c}}}},
		{name: "out of order", referrals: []Referee{{Account: b, Referral: Referral{First: c}}, {Account: a, Referral: Referral{First: c}}}, want: ErrUnsorted},
		{name: "a referee twice", referrals: []Referee{{Account: a, Referral: Referral{First: b}}, {Account: a, Referral: Referral{First: c}}}, want: ErrDuplicateAccount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := SettleInput{
				Epoch: 1, Params: DefaultParams(), Units: map[Address]uint64{a: 10, b: 10}, Referrals: tt.referrals,
				Emission: big.NewInt(13_000), RevenueShare: big.NewInt(0), Carry: bal(0, 0),
			}
			_, err := Settle(in)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("Settle() error = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestSettleReferralsMany: past bucketSortMin accounts, referrers are found
// through the entries' bucket index. Accounts spread over every bucket, a
// few crowded into the first and last, all referred by other accounts or
// by new ones; every share must land on its referrer (checkConservation).
func TestSettleReferralsMany(t *testing.T) {
	r := rand.New(rand.NewPCG(71, 73))
	for i := range 3 {
		in := randSettleInput(r, 0)
		var accounts []Address
		for range 3 * bucketSortMin {
			var a Address
			for k := range a {
				a[k] = byte(r.Uint32())
			}
			switch r.IntN(8) {
			case 0:
				a[0], a[1] = 0, 0
			case 1:
				a[0], a[1] = 0xff, 0xff
			}
			accounts = append(accounts, a)
			in.Units[a] = 1 + r.Uint64N(1000)
			if r.IntN(2) == 0 {
				in.Balances[a] = bal(r.Int64N(1<<40), r.Int64N(1<<40))
			}
		}
		refs := map[Address]Referral{}
		for _, a := range accounts {
			ref := Referral{First: accounts[r.IntN(len(accounts))], Second: accounts[r.IntN(len(accounts))]}
			if r.IntN(10) == 0 {
				ref.Second = Address{0: 0xff, 1: 0xff, 19: byte(r.IntN(4))} // not an account yet
			}
			refs[a] = ref
		}
		in.Referrals = referees(refs)
		out, err := Settle(in)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		checkConservation(t, in, out)
	}
}

// TestReferralsNeverReduceRewards: on random inputs, removing every
// referral, or adding them, changes no account's own payout (work share in
// both tokens), the carry or the node pool; each referee's referrers earn
// at most the tiers' shares of its reward, and all of them at most the
// reserve.
func TestReferralsNeverReduceRewards(t *testing.T) {
	r := rand.New(rand.NewPCG(53, 59))
	for i := range 300 {
		in := randSettleInput(r, 1+r.IntN(200))
		with, err := Settle(in)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		bare := in
		bare.Referrals = nil
		without, err := Settle(bare)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		own := map[Address]Payout{}
		for _, p := range without.Payouts {
			own[p.Account] = p
		}
		capped := new(big.Int) // the most the tiers allow on the rewards paid
		for _, p := range with.Payouts {
			if p.Units == 0 {
				continue
			}
			q := own[p.Account]
			if p.Meadow.Cmp(q.Meadow) != 0 || p.Stable.Cmp(q.Stable) != 0 {
				t.Fatalf("case %d: %s earns %s/%s with referrals, %s/%s without", i, p.Account, p.Meadow, p.Stable, q.Meadow, q.Stable)
			}
			if _, referred := referralOf(in.Referrals, p.Account); referred {
				capped.Add(capped, new(big.Int).Quo(new(big.Int).Mul(p.Meadow, big.NewInt(3000)), big.NewInt(10000)))
			}
			delete(own, p.Account)
		}
		if len(own) != 0 {
			t.Fatalf("case %d: accounts paid only without referrals: %v", i, own)
		}
		if !balanceEqual(with.Carry, without.Carry) || with.Paid.Meadow.Cmp(without.Paid.Meadow) != 0 {
			t.Fatalf("case %d: referrals changed the node pool's payments", i)
		}
		if with.Referral.Cmp(with.ReferralReserve) > 0 || with.Referral.Cmp(new(big.Int).Add(capped, big.NewInt(int64(2*len(in.Referrals))))) > 0 {
			t.Fatalf("case %d: referral %s, reserve %s, tiers' cap on the rewards %s", i, with.Referral, with.ReferralReserve, capped)
		}
		if with.Mint.Cmp(in.Emission) > 0 || without.Mint.Cmp(with.Mint) > 0 {
			t.Fatalf("case %d: mint %s with, %s without, emission %s", i, with.Mint, without.Mint, in.Emission)
		}
	}
}

// TestReferralsRespectSupplyCap chains epochs from near the cap, every
// account referred on both tiers by other accounts (the reserve as used as
// it can be), and checks that what is minted never passes the cap and that
// balances plus carry are exactly what was minted.
func TestReferralsRespectSupplyCap(t *testing.T) {
	p := DefaultParams()
	r := rand.New(rand.NewPCG(61, 67))
	minted := new(big.Int).Sub(p.Cap, new(big.Int).Mul(p.EMax0, big.NewInt(3)))
	balances := map[Address]Balance{addr(200): {Meadow: new(big.Int).Set(minted), Stable: big.NewInt(0)}}
	carry := bal(0, 0)
	for epoch := uint64(1); epoch <= 12; epoch++ {
		e, err := Emission(p, epoch, big.NewInt(0), minted)
		if err != nil {
			t.Fatal(err)
		}
		units := map[Address]uint64{}
		refs := map[Address]Referral{}
		for range 50 {
			a := addr(byte(r.IntN(100)))
			units[a] += 1 + r.Uint64N(100)
			refs[a] = Referral{First: addr(byte(100 + r.IntN(50))), Second: addr(byte(150 + r.IntN(50)))}
		}
		in := SettleInput{Epoch: epoch, Params: p, Balances: balances, Units: units, Referrals: referees(refs), Emission: e, RevenueShare: big.NewInt(0), Carry: carry}
		out, err := Settle(in)
		if err != nil {
			t.Fatalf("epoch %d: %v", epoch, err)
		}
		checkConservation(t, in, out)
		minted.Add(minted, out.Mint)
		if minted.Cmp(p.Cap) > 0 {
			t.Fatalf("epoch %d: minted %s passes the cap %s", epoch, minted, p.Cap)
		}
		if got := new(big.Int).Add(out.Cumulative.Meadow, out.Carry.Meadow); got.Cmp(minted) != 0 {
			t.Fatalf("epoch %d: balances + carry %s != minted %s", epoch, got, minted)
		}
		balances, carry = out.Balances, out.Carry
	}
	if left := new(big.Int).Sub(p.Cap, minted); left.Sign() == 0 {
		t.Log("cap reached exactly")
	}
}
