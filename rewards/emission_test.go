package rewards

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"
)

// n parses a decimal integer for test tables, failing the test on a typo.
func n(t testing.TB, s string) *big.Int {
	t.Helper()
	x, ok := new(big.Int).SetString(s, 10)
	if !ok {
		t.Fatalf("bad decimal %q", s)
	}
	return x
}

func TestDefaultParamsValid(t *testing.T) {
	if err := DefaultParams().Validate(); err != nil {
		t.Fatal(err)
	}
	// Each call is independent: changing one does not change the next.
	p := DefaultParams()
	p.EMax0.SetInt64(1)
	if DefaultParams().EMax0.Cmp(big.NewInt(1)) == 0 {
		t.Fatal("DefaultParams shares its big.Ints between calls")
	}
}

func TestParamsValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(p *Params)
		want   error
	}{
		{name: "defaults", modify: func(p *Params) {}},
		{name: "nil emax0", modify: func(p *Params) { p.EMax0 = nil }, want: ErrMissingAmount},
		{name: "zero emax0", modify: func(p *Params) { p.EMax0 = big.NewInt(0) }, want: ErrInvalidParams},
		{name: "negative r0", modify: func(p *Params) { p.R0 = big.NewInt(-1) }, want: ErrNegative},
		{name: "zero r0", modify: func(p *Params) { p.R0 = big.NewInt(0) }, want: ErrInvalidParams},
		{name: "floor above emax0", modify: func(p *Params) { p.Floor = new(big.Int).Add(p.EMax0, big.NewInt(1)) }, want: ErrInvalidParams},
		{name: "zero floor", modify: func(p *Params) { p.Floor = big.NewInt(0) }},
		{name: "cap 2^256", modify: func(p *Params) { p.Cap = new(big.Int).Lsh(big.NewInt(1), 256) }, want: ErrOutOfRange},
		{name: "zero cap", modify: func(p *Params) { p.Cap = big.NewInt(0) }, want: ErrInvalidParams},
		{name: "emax0*r0 too big", modify: func(p *Params) { p.EMax0 = new(big.Int).Set(maxU256); p.Floor = big.NewInt(0) }, want: ErrInvalidParams},
		{name: "zero halving", modify: func(p *Params) { p.HalvingEpochs = 0 }, want: ErrInvalidParams},
		{name: "zero window", modify: func(p *Params) { p.Window = 0 }, want: ErrInvalidParams},
		{name: "share 100%", modify: func(p *Params) { p.RevenueShareBps = 10000 }},
		{name: "share over 100%", modify: func(p *Params) { p.RevenueShareBps = 10001 }, want: ErrInvalidParams},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultParams()
			tt.modify(&p)
			err := p.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.want) || !errors.Is(err, ErrInvalidParams) {
				t.Fatalf("Validate() = %v, want %v wrapped in %v", err, tt.want, ErrInvalidParams)
			}
		})
	}
}

func TestEmission(t *testing.T) {
	const (
		e18 = "000000000000000000"
		e6  = "000000"
	)
	tests := []struct {
		name    string
		epoch   uint64
		revenue string
		minted  string
		want    string
		wantErr error
	}{
		{name: "epoch 1, no revenue", epoch: 1, revenue: "0", minted: "0", want: "100000" + e18},
		{name: "revenue R0 halves", epoch: 1, revenue: "10000" + e6, minted: "0", want: "50000" + e18},
		{name: "revenue 3*R0 quarters", epoch: 1, revenue: "30000" + e6, minted: "0", want: "25000" + e18},
		{name: "floor division", epoch: 1, revenue: "20000" + e6, minted: "0", want: "33333333333333333333333"},
		{name: "last epoch before halving", epoch: 520, revenue: "0", minted: "0", want: "100000" + e18},
		{name: "first halving", epoch: 521, revenue: "0", minted: "0", want: "50000" + e18},
		{name: "second halving", epoch: 1041, revenue: "0", minted: "0", want: "25000" + e18},
		{name: "floor reached by revenue", epoch: 1, revenue: "1000000" + e6, minted: "0", want: "1000" + e18},
		{name: "floor reached by halvings", epoch: 520*7 + 1, revenue: "0", minted: "0", want: "1000" + e18},
		{name: "shift of 256 or more", epoch: 520*256 + 1, revenue: "0", minted: "0", want: "1000" + e18},
		{name: "largest epoch", epoch: ^uint64(0), revenue: "0", minted: "0", want: "1000" + e18},
		{name: "cap clips", epoch: 1, revenue: "0", minted: "999999999" + e18, want: "1" + e18},
		{name: "cap clips below floor", epoch: 1, revenue: "1000000" + e6, minted: "999999999999999999999999999", want: "1"},
		{name: "cap reached", epoch: 1, revenue: "0", minted: "1000000000" + e18, want: "0"},
		{name: "minted past cap", epoch: 1, revenue: "0", minted: "1000000001" + e18, want: "0"},
		{name: "epoch 0", epoch: 0, revenue: "0", minted: "0", wantErr: ErrInvalidEpoch},
		{name: "negative revenue", epoch: 1, revenue: "-1", minted: "0", wantErr: ErrNegative},
		{name: "negative minted", epoch: 1, revenue: "0", minted: "-1", wantErr: ErrNegative},
		{name: "revenue 2^256", epoch: 1, revenue: new(big.Int).Lsh(big.NewInt(1), 256).String(), minted: "0", wantErr: ErrOutOfRange},
		{name: "r0 + revenue overflows", epoch: 1, revenue: maxU256.String(), minted: "0", wantErr: ErrOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Emission(DefaultParams(), tt.epoch, n(t, tt.revenue), n(t, tt.minted))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Emission() error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tt.want {
				t.Fatalf("Emission() = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestEmissionNilInputs(t *testing.T) {
	if _, err := Emission(DefaultParams(), 1, nil, big.NewInt(0)); !errors.Is(err, ErrMissingAmount) {
		t.Errorf("nil revenue: %v", err)
	}
	if _, err := Emission(DefaultParams(), 1, big.NewInt(0), nil); !errors.Is(err, ErrMissingAmount) {
		t.Errorf("nil minted: %v", err)
	}
	p := DefaultParams()
	p.Window = 0
	if _, err := Emission(p, 1, big.NewInt(0), big.NewInt(0)); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("invalid params: %v", err)
	}
}

func TestTrailingRevenue(t *testing.T) {
	rev := []*big.Int{big.NewInt(1), big.NewInt(2), big.NewInt(4), big.NewInt(8), big.NewInt(16), big.NewInt(32)}
	tests := []struct {
		name    string
		epoch   uint64
		want    int64
		wantErr error
	}{
		{name: "first epoch", epoch: 1, want: 1},
		{name: "window not yet full", epoch: 3, want: 7},
		{name: "window full", epoch: 4, want: 15},
		{name: "window slides", epoch: 6, want: 60},
		{name: "epoch 0", epoch: 0, wantErr: ErrInvalidEpoch},
		{name: "past the history", epoch: 7, wantErr: ErrInvalidEpoch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TrailingRevenue(DefaultParams(), tt.epoch, rev)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Int64() != tt.want {
				t.Fatalf("TrailingRevenue(%d) = %v, %v, want %d", tt.epoch, got, err, tt.want)
			}
		})
	}
	if _, err := TrailingRevenue(DefaultParams(), 2, []*big.Int{maxU256, big.NewInt(1)}); !errors.Is(err, ErrOverflow) {
		t.Errorf("overflowing sum: %v", err)
	}
	if _, err := TrailingRevenue(DefaultParams(), 2, []*big.Int{nil, big.NewInt(1)}); !errors.Is(err, ErrMissingAmount) {
		t.Errorf("nil revenue: %v", err)
	}
}

func TestRevenueShare(t *testing.T) {
	tests := []struct {
		name    string
		revenue *big.Int
		want    string
		wantErr error
	}{
		{name: "zero", revenue: big.NewInt(0), want: "0"},
		{name: "exact", revenue: big.NewInt(10_000), want: "7000"},
		{name: "rounds down", revenue: big.NewInt(3), want: "2"},
		{name: "largest that fits", revenue: new(big.Int).Quo(maxU256, big.NewInt(7000)), want: new(big.Int).Quo(new(big.Int).Mul(new(big.Int).Quo(maxU256, big.NewInt(7000)), big.NewInt(7000)), big.NewInt(10000)).String()},
		{name: "product overflows", revenue: maxU256, wantErr: ErrOverflow},
		{name: "negative", revenue: big.NewInt(-1), wantErr: ErrNegative},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RevenueShare(DefaultParams(), tt.revenue)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.String() != tt.want {
				t.Fatalf("RevenueShare(%s) = %v, %v, want %s", tt.revenue, got, err, tt.want)
			}
		})
	}
}

// randParams returns valid parameters spread over many orders of magnitude,
// including ones where the floor and the cap bind early.
func randParams(r *rand.Rand) Params {
	emax := new(big.Int).Lsh(big.NewInt(r.Int64N(1<<40)+1), uint(r.IntN(80)))
	return Params{
		EMax0:           emax,
		HalvingEpochs:   r.Uint64N(50) + 1,
		R0:              new(big.Int).Lsh(big.NewInt(r.Int64N(1<<40)+1), uint(r.IntN(40))),
		Floor:           new(big.Int).Rsh(emax, uint(r.IntN(70))+1),
		Cap:             new(big.Int).Mul(emax, big.NewInt(r.Int64N(500)+1)),
		Window:          r.Uint64N(8) + 1,
		RevenueShareBps: r.Uint64N(10001),
	}
}

// randRevenue returns a revenue between 0 and about 2^100.
func randRevenue(r *rand.Rand) *big.Int {
	if r.IntN(5) == 0 {
		return big.NewInt(0)
	}
	return new(big.Int).Lsh(big.NewInt(r.Int64N(1<<40)), uint(r.IntN(60)))
}

func TestEmissionProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for i := range 5000 {
		p := randParams(r)
		if err := p.Validate(); err != nil {
			t.Fatalf("case %d: random params invalid: %v", i, err)
		}
		epoch := r.Uint64N(5000) + 1
		if r.IntN(10) == 0 {
			epoch = r.Uint64()>>1 + 1
		}
		rev := randRevenue(r)
		// minted runs from 0 to a little past the cap.
		minted := new(big.Int).Mul(p.Cap, big.NewInt(r.Int64N(1010)))
		minted.Quo(minted, big.NewInt(1000))
		e, err := Emission(p, epoch, rev, minted)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if e.Sign() < 0 {
			t.Fatalf("case %d: negative emission %s", i, e)
		}
		if e.Cmp(p.EMax0) > 0 {
			t.Fatalf("case %d: emission %s above emax0 %s", i, e, p.EMax0)
		}
		if room := new(big.Int).Sub(p.Cap, minted); e.Cmp(room) > 0 && e.Sign() > 0 {
			t.Fatalf("case %d: emission %s past the cap (room %s)", i, e, room)
		}
		// More revenue never emits more.
		more := new(big.Int).Add(rev, randRevenue(r))
		e2, err := Emission(p, epoch, more, minted)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if e2.Cmp(e) > 0 {
			t.Fatalf("case %d: revenue %s -> %s raised emission %s -> %s", i, rev, more, e, e2)
		}
		// A later epoch never emits more at the same revenue and minted total.
		later := epoch + r.Uint64N(3*p.HalvingEpochs+1)
		if later < epoch {
			later = epoch
		}
		e3, err := Emission(p, later, rev, minted)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if e3.Cmp(e) > 0 {
			t.Fatalf("case %d: epoch %d -> %d raised emission %s -> %s", i, epoch, later, e, e3)
		}
		// Minting more never emits more.
		e4, err := Emission(p, epoch, rev, new(big.Int).Add(minted, randRevenue(r)))
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if e4.Cmp(e) > 0 {
			t.Fatalf("case %d: more minted raised emission %s -> %s", i, e, e4)
		}
	}
}

func TestEmissionScheduleNeverPassesCap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for i := range 200 {
		p := randParams(r)
		revenue := make([]*big.Int, 300+r.IntN(700))
		for j := range revenue {
			revenue[j] = randRevenue(r)
		}
		sched, err := EmissionSchedule(p, revenue)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		total := new(big.Int)
		for j, e := range sched {
			if e.Sign() < 0 {
				t.Fatalf("case %d epoch %d: negative emission %s", i, j+1, e)
			}
			total.Add(total, e)
			if total.Cmp(p.Cap) > 0 {
				t.Fatalf("case %d epoch %d: total %s past cap %s", i, j+1, total, p.Cap)
			}
		}
		// With a positive floor every epoch emits until the cap is reached,
		// so a schedule longer than cap/floor epochs ends exactly at the cap.
		if p.Floor.Sign() > 0 {
			need := new(big.Int).Quo(p.Cap, p.Floor)
			if need.Cmp(big.NewInt(int64(len(revenue)))) < 0 && total.Cmp(p.Cap) != 0 {
				t.Fatalf("case %d: total %s after %d epochs, want the cap %s", i, total, len(revenue), p.Cap)
			}
		}
	}
}

func TestEmissionScheduleDefaults(t *testing.T) {
	// At zero revenue the default schedule emits EMax0 for 520 epochs, then
	// half of it for the next 520.
	revenue := make([]*big.Int, 1100)
	for i := range revenue {
		revenue[i] = big.NewInt(0)
	}
	sched, err := EmissionSchedule(DefaultParams(), revenue)
	if err != nil {
		t.Fatal(err)
	}
	p := DefaultParams()
	half := new(big.Int).Rsh(p.EMax0, 1)
	quarter := new(big.Int).Rsh(p.EMax0, 2)
	for i, e := range sched {
		want := p.EMax0
		switch {
		case i >= 1040:
			want = quarter
		case i >= 520:
			want = half
		}
		if e.Cmp(want) != 0 {
			t.Fatalf("epoch %d: emission %s, want %s", i+1, e, want)
		}
	}
}
