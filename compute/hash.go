package compute

import "math/bits"

// The hash primitives every kernel shares. compute/DESIGN.md gives their
// exact definitions; compute/cuda/*.cu repeats them bit for bit.

const (
	fnvOffset64 uint64 = 0xcbf29ce484222325 // FNV-1a 64-bit offset basis
	fnvPrime64  uint64 = 0x100000001b3      // FNV-1a 64-bit prime

	// mersenne61 is the prime p = 2^61 - 1 the MinHash permutations work modulo.
	mersenne61 uint64 = 1<<61 - 1

	// minhashSeed seeds the splitmix64 stream that draws the permutation
	// coefficients ("meadow" in ASCII, then 0x01: version 1 of the kernel).
	minhashSeed uint64 = 0x6d656164_6f770001
)

// fnvByte folds one byte into an FNV-1a 64 state.
func fnvByte(h uint64, b byte) uint64 {
	return (h ^ uint64(b)) * fnvPrime64
}

// fnvString returns the FNV-1a 64 hash of s continuing from state h.
func fnvString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime64
	}
	return h
}

// fnvBytes returns the FNV-1a 64 hash of b continuing from state h.
func fnvBytes(h uint64, b []byte) uint64 {
	for _, c := range b {
		h = (h ^ uint64(c)) * fnvPrime64
	}
	return h
}

// fnvUint32 folds v into h as four little-endian bytes.
func fnvUint32(h uint64, v uint32) uint64 {
	h = (h ^ uint64(v&0xff)) * fnvPrime64
	h = (h ^ uint64((v>>8)&0xff)) * fnvPrime64
	h = (h ^ uint64((v>>16)&0xff)) * fnvPrime64
	h = (h ^ uint64(v>>24)) * fnvPrime64
	return h
}

// splitmix64 advances *state and returns the next output of Vigna's
// SplitMix64 generator.
func splitmix64(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	z := *state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// mod61 reduces any uint64 modulo 2^61 - 1.
func mod61(x uint64) uint64 {
	x = (x & mersenne61) + (x >> 61)
	if x >= mersenne61 {
		x -= mersenne61
	}
	return x
}

// mulAddMod61 returns (a*x + b) mod 2^61-1 for a, x, b < 2^61-1, exactly,
// with a 128-bit product: the MinHash permutation.
func mulAddMod61(a, x, b uint64) uint64 {
	hi, lo := bits.Mul64(a, x)
	// a*x = hi*2^64 + lo = (hi<<3 | lo>>61)*2^61 + (lo & p), and 2^61 ≡ 1.
	r := (lo & mersenne61) + (lo>>61 | hi<<3) + b // < 3*2^61
	r = (r & mersenne61) + (r >> 61)              // < 2^61 + 3
	if r >= mersenne61 {
		r -= mersenne61
	}
	return r
}

// isSpace reports whether b is an ASCII white-space byte: the separators of
// words for every kernel (tab, line feed, vertical tab, form feed, carriage
// return, space).
func isSpace(b byte) bool {
	return b == ' ' || (b >= '\t' && b <= '\r')
}

// isCharStart reports whether b starts a character: any byte that is not a
// UTF-8 continuation byte (10xxxxxx).
func isCharStart(b byte) bool {
	return b&0xc0 != 0x80
}
