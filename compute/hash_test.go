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

// TestMinPerm checks the filtered inner loop, in Go (minPermGo) and four
// lanes at a time (minPerm4, assembly on amd64), against the definition: a
// plain minimum of mulAddMod61. Besides random rows it aims at the filter's
// edges: shingles whose exact value is 0, 1 or 2 (where the filter's t
// wraps), minima of p-3 to p-1 (where the threshold saturates), and x, a, b
// next to p.
func TestMinPerm(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	ref := func(xs []uint64, a, b uint64) uint64 {
		m := ^uint64(0)
		for _, x := range xs {
			m = min(m, mulAddMod61(a, x, b))
		}
		return m
	}
	p := new(big.Int).SetUint64(mersenne61)
	// preimage returns the x with (a*x + b) mod p = v.
	preimage := func(a, b, v uint64) uint64 {
		x := new(big.Int).ModInverse(new(big.Int).SetUint64(a), p)
		x.Mul(x, new(big.Int).SetUint64(v+mersenne61-b))
		return x.Mod(x, p).Uint64()
	}
	type perm struct{ a, b uint64 }
	edgeA := []uint64{1, 2, 3, 1 << 60, mersenne61 - 2, mersenne61 - 1}
	edgeB := []uint64{0, 1, 2, 3, mersenne61 - 4, mersenne61 - 3, mersenne61 - 2, mersenne61 - 1}
	randPerm := func() perm {
		a, b := 1+r.Uint64N(mersenne61-1), r.Uint64N(mersenne61)
		if r.IntN(3) == 0 {
			a = edgeA[r.IntN(len(edgeA))]
		}
		if r.IntN(3) == 0 {
			b = edgeB[r.IntN(len(edgeB))]
		}
		return perm{a, b}
	}
	cases := []struct {
		xs    []uint64
		perms [4]perm
	}{
		{xs: nil, perms: [4]perm{{5, 7}, {1, 0}, {2, 3}, {9, 9}}},
		{xs: []uint64{mersenne61 - 5}, perms: [4]perm{{1, 5}, {1, 4}, {1, 6}, {1, 3}}},                 // a*x+b = p, p-1, p+1, p-2
		{xs: []uint64{mersenne61 - 1, 3}, perms: [4]perm{{1, mersenne61 - 1}, {1, 0}, {1, 1}, {1, 2}}}, // 2p-2
		{xs: []uint64{mersenne61 - 1}, perms: [4]perm{{mersenne61 - 1, mersenne61 - 1}, {1, 1}, {1, 2}, {1, 3}}},
		{xs: []uint64{0, 1, 2}, perms: [4]perm{{1, 0}, {1, 1}, {2, 0}, {3, mersenne61 - 2}}},
	}
	for i := 0; i < 3000; i++ {
		var c struct {
			xs    []uint64
			perms [4]perm
		}
		for l := range c.perms {
			c.perms[l] = randPerm()
		}
		c.xs = make([]uint64, r.IntN(60))
		for j := range c.xs {
			switch r.IntN(6) {
			case 0: // an exact value at the bottom or top of [0, p) for some lane
				pm := c.perms[r.IntN(4)]
				v := []uint64{0, 1, 2, 3, 4, mersenne61 - 4, mersenne61 - 3, mersenne61 - 2, mersenne61 - 1}[r.IntN(9)]
				c.xs[j] = preimage(pm.a, pm.b, v)
			case 1:
				c.xs[j] = []uint64{0, 1, 2, mersenne61 - 2, mersenne61 - 1}[r.IntN(5)]
			default:
				c.xs[j] = r.Uint64N(mersenne61)
			}
		}
		cases = append(cases, c)
	}
	for _, c := range cases {
		var g permLanes
		for l, pm := range c.perms {
			g.setLane(l, pm.a, pm.b)
		}
		minPerm4(c.xs, &g)
		for l, pm := range c.perms {
			want := ref(c.xs, pm.a, pm.b)
			if got := minPermGo(c.xs, pm.a, pm.b); got != want {
				t.Fatalf("minPermGo(%v, %d, %d) = %d, want %d", c.xs, pm.a, pm.b, got, want)
			}
			if got := g.min[l]; got != want {
				t.Fatalf("minPerm4 lane %d (a %d, b %d) over %v = %d, want %d", l, pm.a, pm.b, c.xs, got, want)
			}
		}
		// minPerm4 folds into the minima it is given: a second half of the
		// row continues from the first half's.
		h := len(c.xs) / 2
		var g2 permLanes
		for l, pm := range c.perms {
			g2.setLane(l, pm.a, pm.b)
		}
		minPerm4(c.xs[:h], &g2)
		minPerm4(c.xs[h:], &g2)
		if g2.min != g.min {
			t.Fatalf("minPerm4 in two halves of %v: %v, in one pass %v", c.xs, g2.min, g.min)
		}
	}
}
