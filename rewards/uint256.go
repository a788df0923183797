package rewards

import (
	"fmt"
	"math/big"
	"math/bits"
)

// u256 is an unsigned 256-bit integer as four little-endian 64-bit limbs:
// the fixed-width arithmetic of settlement, where a million accounts make
// math/big's allocation per operation the dominant cost. Every operation
// reports overflow instead of wrapping, as Solidity's checked arithmetic
// reverts.
type u256 [4]uint64

// maxU256 is 2^256 - 1.
var maxU256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// checkAmount returns an error unless x is a uint256: non-nil, not
// negative, below 2^256. field names x in the error.
func checkAmount(field string, x *big.Int) error {
	switch {
	case x == nil:
		return fmt.Errorf("%w: %s", ErrMissingAmount, field)
	case x.Sign() < 0:
		return fmt.Errorf("%w: %s is %s, want 0 or more", ErrNegative, field, x)
	case x.BitLen() > 256:
		return fmt.Errorf("%w: %s is %s, want below 2^256", ErrOutOfRange, field, x)
	}
	return nil
}

// isAmount reports whether checkAmount would accept x, without building the
// error's field name; hot loops call it first and checkAmount only to explain
// a failure.
func isAmount(x *big.Int) bool {
	return x != nil && x.Sign() >= 0 && x.BitLen() <= 256
}

// u256FromBig converts x, which checkAmount must have accepted, without
// allocating.
func u256FromBig(x *big.Int) u256 {
	var z u256
	const limbWords = 64 / bits.UintSize // big.Words per limb: 1, or 2 on 32-bit
	for i, w := range x.Bits() {
		z[i/limbWords] |= uint64(w) << (bits.UintSize * (i % limbWords))
	}
	return z
}

// u256Words is how many big.Words hold a u256.
const u256Words = 256 / bits.UintSize

// bigInto sets dst to x using words, which must have room for x's
// significant words (x.words()), as its storage, so that many results can
// share one allocation. The slice is capped at its length so that later
// arithmetic on dst reallocates rather than writing into a neighbour's words.
func (x u256) bigInto(dst *big.Int, words []big.Word) *big.Int {
	n := x.words()
	words = words[:n:n]
	const limbWords = 64 / bits.UintSize
	for i := range words {
		words[i] = big.Word(x[i/limbWords] >> (bits.UintSize * (i % limbWords)))
	}
	return dst.SetBits(words)
}

// words returns how many big.Words x needs: none for 0.
func (x u256) words() int {
	for i := 3; i >= 0; i-- {
		if x[i] != 0 {
			return (i*64 + bits.Len64(x[i]) + bits.UintSize - 1) / bits.UintSize
		}
	}
	return 0
}

// big returns x as a newly allocated big.Int.
func (x u256) big() *big.Int {
	return x.bigInto(new(big.Int), make([]big.Word, u256Words))
}

// intArena hands out big.Ints whose structs and words come from large
// chunks: settling a million accounts makes four million of them, and one
// allocation each measured as a third of the time and most of the memory.
// A value keeps its whole chunk alive, which is what the output does anyway.
type intArena struct {
	left  int // how many more values the owner expects to ask for
	ints  []big.Int
	words []big.Word
}

// arenaChunk is the most big.Ints (and twice as many words) one chunk holds.
const arenaChunk = 1 << 14

// newIntArena returns an arena sized for about count values, so that a
// small settlement allocates little.
func newIntArena(count int) *intArena {
	return &intArena{left: count}
}

// newInt returns x as a big.Int from the arena.
func (a *intArena) newInt(x u256) *big.Int {
	if len(a.ints) == 0 {
		a.ints = make([]big.Int, min(arenaChunk, max(a.left, 1)))
	}
	a.left--
	z := &a.ints[0]
	a.ints = a.ints[1:]
	n := x.words()
	if len(a.words) < n {
		a.words = make([]big.Word, max(n, min(2*arenaChunk, 2*a.left+n)))
	}
	x.bigInto(z, a.words)
	a.words = a.words[n:]
	return z
}

// add returns x+y and whether the sum overflowed 256 bits.
func (x u256) add(y u256) (u256, bool) {
	var z u256
	var c uint64
	z[0], c = bits.Add64(x[0], y[0], 0)
	z[1], c = bits.Add64(x[1], y[1], c)
	z[2], c = bits.Add64(x[2], y[2], c)
	z[3], c = bits.Add64(x[3], y[3], c)
	return z, c != 0
}

// sub returns x-y and whether it borrowed (y > x).
func (x u256) sub(y u256) (u256, bool) {
	var z u256
	var b uint64
	z[0], b = bits.Sub64(x[0], y[0], 0)
	z[1], b = bits.Sub64(x[1], y[1], b)
	z[2], b = bits.Sub64(x[2], y[2], b)
	z[3], b = bits.Sub64(x[3], y[3], b)
	return z, b != 0
}

// mulDiv64 returns floor(x*m/d) for m <= d and d > 0. The product is held in
// 320 bits, so the result is exact for every x, and fits 256 bits because
// m/d <= 1.
func (x u256) mulDiv64(m, d uint64) u256 {
	var p [5]uint64
	var carry uint64
	for i := range 4 {
		hi, lo := bits.Mul64(x[i], m)
		var c uint64
		p[i], c = bits.Add64(lo, carry, 0)
		carry = hi + c // hi <= 2^64-2, so this cannot wrap
	}
	p[4] = carry
	var q u256
	rem := p[4] % d // p[4] < d since m <= d, so the top quotient limb is 0
	for i := 3; i >= 0; i-- {
		q[i], rem = bits.Div64(rem, p[i], d)
	}
	return q
}

// mul64 returns x*m and whether the product overflowed 256 bits.
func (x u256) mul64(m uint64) (u256, bool) {
	var z u256
	var carry uint64
	for i := range 4 {
		hi, lo := bits.Mul64(x[i], m)
		var c uint64
		z[i], c = bits.Add64(lo, carry, 0)
		carry = hi + c // hi <= 2^64-2, so this cannot wrap
	}
	return z, carry != 0
}

// div64 returns floor(x/d) for d > 0.
func (x u256) div64(d uint64) u256 {
	var q u256
	var rem uint64
	for i := 3; i >= 0; i-- {
		q[i], rem = bits.Div64(rem, x[i], d)
	}
	return q
}

// isZero reports whether x is 0.
func (x u256) isZero() bool { return x == u256{} }
