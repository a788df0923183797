package compute

import "math/bits"

// minPermGo is minPerm in Go: the reference for the assembly version and
// the implementation on other architectures. It is mulAddMod61 inlined by
// hand, with the final conditional subtraction moved behind the comparison:
// r is already canonical unless r >= p (probability ~2^-59), and the
// minimum only changes when r < m, so both branches are almost never taken
// and predict well.
func minPermGo(xs []uint64, a, b uint64) uint64 {
	m := ^uint64(0)
	for _, x := range xs {
		hi, lo := bits.Mul64(a, x)
		r := (lo & mersenne61) + (lo>>61 | hi<<3) + b
		r = (r & mersenne61) + (r >> 61)
		if r < m || r >= mersenne61 {
			if r >= mersenne61 {
				r -= mersenne61
			}
			m = min(m, r)
		}
	}
	return m
}
