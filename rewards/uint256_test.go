package rewards

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"
)

// randU256 returns a random value whose size is itself random, so that small,
// large and boundary values all occur.
func randU256(r *rand.Rand) *big.Int {
	switch r.IntN(8) {
	case 0:
		return big.NewInt(0)
	case 1:
		return new(big.Int).Set(maxU256)
	}
	n := r.IntN(257)
	x := new(big.Int)
	for i := 0; i < n; i += 32 {
		x.Lsh(x, 32).Or(x, new(big.Int).SetUint64(uint64(r.Uint32())))
	}
	return x.Rsh(x, uint(max(0, (n+31)/32*32-n)))
}

func TestCheckAmount(t *testing.T) {
	tests := []struct {
		name string
		x    *big.Int
		want error
	}{
		{name: "nil", x: nil, want: ErrMissingAmount},
		{name: "negative", x: big.NewInt(-1), want: ErrNegative},
		{name: "zero", x: big.NewInt(0), want: nil},
		{name: "max", x: maxU256, want: nil},
		{name: "2^256", x: new(big.Int).Lsh(big.NewInt(1), 256), want: ErrOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkAmount("x", tt.x)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("checkAmount(%v) = %v, want %v", tt.x, err, tt.want)
			}
		})
	}
}

func TestU256AgainstBig(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	mod := new(big.Int).Lsh(big.NewInt(1), 256)
	arena := newIntArena(1000)
	for range 20000 {
		x, y := randU256(r), randU256(r)
		ux, uy := u256FromBig(x), u256FromBig(y)
		if ux.big().Cmp(x) != 0 || arena.newInt(ux).Cmp(x) != 0 {
			t.Fatalf("round trip of %s = %s", x, ux.big())
		}
		sum, over := ux.add(uy)
		want := new(big.Int).Add(x, y)
		if over != (want.Cmp(mod) >= 0) || sum.big().Cmp(new(big.Int).Mod(want, mod)) != 0 {
			t.Fatalf("%s + %s = %s (overflow %v)", x, y, sum.big(), over)
		}
		diff, borrow := ux.sub(uy)
		want = new(big.Int).Sub(x, y)
		if borrow != (want.Sign() < 0) || diff.big().Cmp(new(big.Int).Mod(want, mod)) != 0 {
			t.Fatalf("%s - %s = %s (borrow %v)", x, y, diff.big(), borrow)
		}
		d := r.Uint64() | 1
		if r.IntN(4) == 0 {
			d = uint64(r.IntN(10) + 1)
		}
		m := r.Uint64N(d + 1)
		if d == ^uint64(0) {
			m = r.Uint64()
		}
		got := ux.mulDiv64(m, d)
		want = new(big.Int).Mul(x, new(big.Int).SetUint64(m))
		want.Quo(want, new(big.Int).SetUint64(d))
		if got.big().Cmp(want) != 0 {
			t.Fatalf("%s * %d / %d = %s, want %s", x, m, d, got.big(), want)
		}
	}
}

// TestBigIntoIsolated checks that arithmetic on a big.Int made by bigInto
// never writes into the words of the next value sharing its slab.
func TestBigIntoIsolated(t *testing.T) {
	arena := newIntArena(4)
	a := arena.newInt(u256{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)})
	b := arena.newInt(u256{7})
	zero := arena.newInt(u256{})
	c := arena.newInt(u256{1, 2})
	a.Add(a, big.NewInt(1)) // 2^256 needs a fifth limb
	zero.Add(zero, big.NewInt(99))
	if b.Cmp(big.NewInt(7)) != 0 {
		t.Fatalf("neighbour changed to %s", b)
	}
	if a.BitLen() != 257 {
		t.Fatalf("a = %s, want 2^256", a)
	}
	if want := (u256{1, 2}).big(); c.Cmp(want) != 0 {
		t.Fatalf("c = %s, want %s", c, want)
	}
}
