package compute

import "math/bits"

// The MinHash inner loop: for each permutation, the minimum over a row's
// shingles of (a*x + b) mod p, p = 2^61-1. It is almost all of the CPU
// kernel's time, so it does not compute that value exactly for every
// shingle. It computes a cheaper number first, a filter that is certain to
// let every new minimum through, and does the exact arithmetic (mulAddMod61)
// only for the few shingles that pass: about ln(n)+1 of a row's n shingles
// per permutation. The minimum is therefore the same, bit for bit, as the
// definition's (compute/DESIGN.md); TestMinPerm checks it against a plain
// loop over mulAddMod61, on edge cases too.
//
// The filter. Let a3 = a<<3 (a < 2^61, so it fits) and hi:lo = a3*x, the
// 128-bit product. Then hi = a*x >> 61 and lo = (a*x mod 2^61) << 3, so
// u = hi + lo>>3 + b + 3 is congruent to a*x + b + 3 and below 2^63, and
// t = u mod 2^61 (its low 61 bits) satisfies
//
//	(a*x + b) mod p < m  implies  t < m + 3
//
// for every m. Write u - 3 = q*2^61 + L with q <= 2 and L < 2^61; the
// exact value is q+L, or q+L-p when q+L >= p. If L <= 2^61-4 then
// q+L < p, t = L+3, and the value q+L is below m only if L is. Otherwise
// t is 0, 1 or 2, below m+3 whatever m is. Scaled by 8, the filter
// costs no masking: 8t = (u<<3) mod 2^64 = lo + hi<<3 + b8 with
// b8 = (b+3)<<3 (all mod 2^64; lo's low 3 bits are zero), compared with
// thr = 8(m+3). That is a multiply, an LEA, an add and a compare per
// shingle, against the exact value's two folds and two compares.

// permLanes is four permutations' constants and running minima, the unit of
// work of minPerm4 (minperm_amd64.s reads it at fixed offsets: keep the
// field order).
type permLanes struct {
	a3  [4]uint64 // a<<3
	b8  [4]uint64 // (b+3)<<3 mod 2^64: the filter's constant
	b   [4]uint64 // b, for the exact value
	min [4]uint64 // the minimum so far; ^0 before any shingle
}

// setLane loads permutation (a, b) into lane l and resets its minimum.
func (g *permLanes) setLane(l int, a, b uint64) {
	g.a3[l] = a << 3
	g.b8[l] = (b + 3) << 3
	g.b[l] = b
	g.min[l] = ^uint64(0)
}

// filterThreshold returns 8(m+3), the bound under which a shingle's scaled
// filter value may be a new minimum below m; all ones (every shingle
// passes) when m+3 does not fit in 61 bits, as for the initial m = ^0.
func filterThreshold(m uint64) uint64 {
	if m+3 >= 1<<61 {
		return ^uint64(0)
	}
	return (m + 3) << 3
}

// minPermGo returns the minimum over xs of (a*x + b) mod 2^61-1 (^0 for no
// xs), for a in [1, p) and x, b in [0, p), through the filter above. It is
// the portable implementation of minPerm4 and the reference the assembly is
// tested against.
func minPermGo(xs []uint64, a, b uint64) uint64 {
	a3, b8 := a<<3, (b+3)<<3
	m, thr := ^uint64(0), ^uint64(0)
	for _, x := range xs {
		hi, lo := bits.Mul64(a3, x)
		if lo+hi<<3+b8 < thr { // rare: may be a new minimum
			if r := mulAddMod61(a, x, b); r < m {
				m, thr = r, filterThreshold(r)
			}
		}
	}
	return m
}
