package compute

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestFNV1a64(t *testing.T) {
	// Published FNV-1a 64 test vectors.
	for _, tt := range []struct {
		in   string
		want uint64
	}{
		{in: "", want: 0xcbf29ce484222325},
		{in: "a", want: 0xaf63dc4c8601ec8c},
		{in: "foobar", want: 0x85944171f73967e8},
	} {
		if got := fnvString(fnvOffset64, tt.in); got != tt.want {
			t.Errorf("fnv1a64(%q) = %#x, want %#x", tt.in, got, tt.want)
		}
	}
	if got, want := fnvUint32(fnvOffset64, 0x04030201), fnvString(fnvOffset64, "\x01\x02\x03\x04"); got != want {
		t.Errorf("fnvUint32 = %#x, want the little-endian bytes' hash %#x", got, want)
	}
}

func TestSplitmix64(t *testing.T) {
	// The first outputs of Vigna's splitmix64.c seeded with 1234567.
	s := uint64(1234567)
	for i, want := range []uint64{6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821} {
		if got := splitmix64(&s); got != want {
			t.Fatalf("output %d = %d, want %d", i, got, want)
		}
	}
}

func TestMulAddMod61(t *testing.T) {
	p := new(big.Int).SetUint64(mersenne61)
	ref := func(a, x, b uint64) uint64 {
		r := new(big.Int).Mul(new(big.Int).SetUint64(a), new(big.Int).SetUint64(x))
		r.Add(r, new(big.Int).SetUint64(b))
		return r.Mod(r, p).Uint64()
	}
	edge := []uint64{0, 1, 2, 3, 1 << 60, mersenne61 - 2, mersenne61 - 1}
	for _, a := range edge {
		for _, x := range edge {
			for _, b := range edge {
				if got, want := mulAddMod61(a, x, b), ref(a, x, b); got != want {
					t.Fatalf("(%d*%d+%d) mod p = %d, want %d", a, x, b, got, want)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 100000; i++ {
		a, x, b := r.Uint64N(mersenne61), r.Uint64N(mersenne61), r.Uint64N(mersenne61)
		if got, want := mulAddMod61(a, x, b), ref(a, x, b); got != want {
			t.Fatalf("(%d*%d+%d) mod p = %d, want %d", a, x, b, got, want)
		}
	}
	for _, x := range []uint64{0, mersenne61 - 1, mersenne61, mersenne61 + 1, 1<<63 + 5, ^uint64(0)} {
		if got, want := mod61(x), x%mersenne61; got != want {
			t.Errorf("mod61(%d) = %d, want %d", x, got, want)
		}
	}
}

func TestCoefficientsArePrefixStable(t *testing.T) {
	a1, b1 := minhashCoefficients(128)
	a2, b2 := minhashCoefficients(1024)
	for i := range a1 {
		if a1[i] != a2[i] || b1[i] != b2[i] {
			t.Fatalf("permutation %d differs between 128 and 1024 permutations", i)
		}
		if a1[i] == 0 || a1[i] >= mersenne61 || b1[i] >= mersenne61 {
			t.Fatalf("permutation %d: a=%d b=%d out of range", i, a1[i], b1[i])
		}
	}
}

func TestMinPerm(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	ref := func(xs []uint64, a, b uint64) uint64 {
		m := ^uint64(0)
		for _, x := range xs {
			m = min(m, mulAddMod61(a, x, b))
		}
		return m
	}
	cases := []struct {
		xs   []uint64
		a, b uint64
	}{
		{xs: nil, a: 5, b: 7},
		{xs: []uint64{mersenne61 - 5}, a: 1, b: 5},                 // a*x+b = p: r = p before the last step
		{xs: []uint64{mersenne61 - 1, 3}, a: 1, b: mersenne61 - 1}, // 2p-2
		{xs: []uint64{mersenne61 - 1}, a: mersenne61 - 1, b: mersenne61 - 1},
		{xs: []uint64{0, 1, 2}, a: 1, b: 0},
	}
	for i := 0; i < 200; i++ {
		xs := make([]uint64, r.IntN(50))
		for j := range xs {
			xs[j] = r.Uint64N(mersenne61)
		}
		cases = append(cases, struct {
			xs   []uint64
			a, b uint64
		}{xs, 1 + r.Uint64N(mersenne61-1), r.Uint64N(mersenne61)})
	}
	for _, c := range cases {
		want := ref(c.xs, c.a, c.b)
		if got := minPerm(c.xs, c.a, c.b); got != want {
			t.Fatalf("minPerm(%v, %d, %d) = %d, want %d", c.xs, c.a, c.b, got, want)
		}
		if got := minPermGo(c.xs, c.a, c.b); got != want {
			t.Fatalf("minPermGo(%v, %d, %d) = %d, want %d", c.xs, c.a, c.b, got, want)
		}
	}
}
