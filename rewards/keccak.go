package rewards

import (
	"encoding/binary"
	"math/bits"
)

// This file implements Keccak-256 as Ethereum uses it: the Keccak sponge with
// rate 1088 bits and the original 0x01 padding (not FIPS 202's SHA3-256,
// which pads with 0x06). It is written here, from the Keccak reference
// specification, so that the package needs nothing beyond the standard
// library; keccak_test.go checks it against published digests and derives the
// round constants and rotation offsets from their defining LFSR and formulas.

// keccakRate is the sponge's rate in bytes for a 256-bit digest.
const keccakRate = 136

// keccakRC are the iota round constants, RC[i] for i = 0..23.
var keccakRC = [24]uint64{
	0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000,
	0x000000000000808b, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
	0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a,
	0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003,
	0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
	0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
}

// keccakRho is the rho rotation of lane x+5y; keccakPi is where pi moves that
// lane: lane (x, y) goes to (y, 2x+3y mod 5).
var (
	keccakRho = [25]uint8{
		0, 1, 62, 28, 27,
		36, 44, 6, 55, 20,
		3, 10, 43, 25, 39,
		41, 45, 15, 21, 8,
		18, 2, 61, 56, 14,
	}
	keccakPi = [25]uint8{
		0, 10, 20, 5, 15,
		16, 1, 11, 21, 6,
		7, 17, 2, 12, 22,
		23, 8, 18, 3, 13,
		14, 24, 9, 19, 4,
	}
)

// keccakF1600 applies the 24-round Keccak-f[1600] permutation to the state,
// lane x+5y at index x+5y. The rounds are written out lane by lane, from the
// keccakRho and keccakPi tables, and work one output row at a time between
// two buffers (a into e, then e back into a), so that only a row's five
// lanes are live at once; the plain loop form measured three times as slow,
// and the reward tree hashes three blocks per leaf.
func keccakF1600(a *[25]uint64) {
	var e [25]uint64
	for round := 0; round < 24; round += 2 {
		{
			// theta
			c0 := a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20]
			c1 := a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21]
			c2 := a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22]
			c3 := a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23]
			c4 := a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24]
			d0 := c4 ^ bits.RotateLeft64(c1, 1)
			d1 := c0 ^ bits.RotateLeft64(c2, 1)
			d2 := c1 ^ bits.RotateLeft64(c3, 1)
			d3 := c2 ^ bits.RotateLeft64(c4, 1)
			d4 := c3 ^ bits.RotateLeft64(c0, 1)
			// rho and pi into one row, then chi; iota on lane 0
			b0 := a[0] ^ d0
			b1 := bits.RotateLeft64(a[6]^d1, 44)
			b2 := bits.RotateLeft64(a[12]^d2, 43)
			b3 := bits.RotateLeft64(a[18]^d3, 21)
			b4 := bits.RotateLeft64(a[24]^d4, 14)
			e[0] = b0 ^ (^b1 & b2) ^ keccakRC[round]
			e[1] = b1 ^ (^b2 & b3)
			e[2] = b2 ^ (^b3 & b4)
			e[3] = b3 ^ (^b4 & b0)
			e[4] = b4 ^ (^b0 & b1)
			b0 = bits.RotateLeft64(a[3]^d3, 28)
			b1 = bits.RotateLeft64(a[9]^d4, 20)
			b2 = bits.RotateLeft64(a[10]^d0, 3)
			b3 = bits.RotateLeft64(a[16]^d1, 45)
			b4 = bits.RotateLeft64(a[22]^d2, 61)
			e[5] = b0 ^ (^b1 & b2)
			e[6] = b1 ^ (^b2 & b3)
			e[7] = b2 ^ (^b3 & b4)
			e[8] = b3 ^ (^b4 & b0)
			e[9] = b4 ^ (^b0 & b1)
			b0 = bits.RotateLeft64(a[1]^d1, 1)
			b1 = bits.RotateLeft64(a[7]^d2, 6)
			b2 = bits.RotateLeft64(a[13]^d3, 25)
			b3 = bits.RotateLeft64(a[19]^d4, 8)
			b4 = bits.RotateLeft64(a[20]^d0, 18)
			e[10] = b0 ^ (^b1 & b2)
			e[11] = b1 ^ (^b2 & b3)
			e[12] = b2 ^ (^b3 & b4)
			e[13] = b3 ^ (^b4 & b0)
			e[14] = b4 ^ (^b0 & b1)
			b0 = bits.RotateLeft64(a[4]^d4, 27)
			b1 = bits.RotateLeft64(a[5]^d0, 36)
			b2 = bits.RotateLeft64(a[11]^d1, 10)
			b3 = bits.RotateLeft64(a[17]^d2, 15)
			b4 = bits.RotateLeft64(a[23]^d3, 56)
			e[15] = b0 ^ (^b1 & b2)
			e[16] = b1 ^ (^b2 & b3)
			e[17] = b2 ^ (^b3 & b4)
			e[18] = b3 ^ (^b4 & b0)
			e[19] = b4 ^ (^b0 & b1)
			b0 = bits.RotateLeft64(a[2]^d2, 62)
			b1 = bits.RotateLeft64(a[8]^d3, 55)
			b2 = bits.RotateLeft64(a[14]^d4, 39)
			b3 = bits.RotateLeft64(a[15]^d0, 41)
			b4 = bits.RotateLeft64(a[21]^d1, 2)
			e[20] = b0 ^ (^b1 & b2)
			e[21] = b1 ^ (^b2 & b3)
			e[22] = b2 ^ (^b3 & b4)
			e[23] = b3 ^ (^b4 & b0)
			e[24] = b4 ^ (^b0 & b1)
		}
		{
			// theta
			c0 := e[0] ^ e[5] ^ e[10] ^ e[15] ^ e[20]
			c1 := e[1] ^ e[6] ^ e[11] ^ e[16] ^ e[21]
			c2 := e[2] ^ e[7] ^ e[12] ^ e[17] ^ e[22]
			c3 := e[3] ^ e[8] ^ e[13] ^ e[18] ^ e[23]
			c4 := e[4] ^ e[9] ^ e[14] ^ e[19] ^ e[24]
			d0 := c4 ^ bits.RotateLeft64(c1, 1)
			d1 := c0 ^ bits.RotateLeft64(c2, 1)
			d2 := c1 ^ bits.RotateLeft64(c3, 1)
			d3 := c2 ^ bits.RotateLeft64(c4, 1)
			d4 := c3 ^ bits.RotateLeft64(c0, 1)
			// rho and pi into one row, then chi; iota on lane 0
			b0 := e[0] ^ d0
			b1 := bits.RotateLeft64(e[6]^d1, 44)
			b2 := bits.RotateLeft64(e[12]^d2, 43)
			b3 := bits.RotateLeft64(e[18]^d3, 21)
			b4 := bits.RotateLeft64(e[24]^d4, 14)
			a[0] = b0 ^ (^b1 & b2) ^ keccakRC[round+1]
			a[1] = b1 ^ (^b2 & b3)
			a[2] = b2 ^ (^b3 & b4)
			a[3] = b3 ^ (^b4 & b0)
			a[4] = b4 ^ (^b0 & b1)
			b0 = bits.RotateLeft64(e[3]^d3, 28)
			b1 = bits.RotateLeft64(e[9]^d4, 20)
			b2 = bits.RotateLeft64(e[10]^d0, 3)
			b3 = bits.RotateLeft64(e[16]^d1, 45)
			b4 = bits.RotateLeft64(e[22]^d2, 61)
			a[5] = b0 ^ (^b1 & b2)
			a[6] = b1 ^ (^b2 & b3)
			a[7] = b2 ^ (^b3 & b4)
			a[8] = b3 ^ (^b4 & b0)
			a[9] = b4 ^ (^b0 & b1)
			b0 = bits.RotateLeft64(e[1]^d1, 1)
			b1 = bits.RotateLeft64(e[7]^d2, 6)
			b2 = bits.RotateLeft64(e[13]^d3, 25)
			b3 = bits.RotateLeft64(e[19]^d4, 8)
			b4 = bits.RotateLeft64(e[20]^d0, 18)
			a[10] = b0 ^ (^b1 & b2)
			a[11] = b1 ^ (^b2 & b3)
			a[12] = b2 ^ (^b3 & b4)
			a[13] = b3 ^ (^b4 & b0)
			a[14] = b4 ^ (^b0 & b1)
			b0 = bits.RotateLeft64(e[4]^d4, 27)
			b1 = bits.RotateLeft64(e[5]^d0, 36)
			b2 = bits.RotateLeft64(e[11]^d1, 10)
			b3 = bits.RotateLeft64(e[17]^d2, 15)
			b4 = bits.RotateLeft64(e[23]^d3, 56)
			a[15] = b0 ^ (^b1 & b2)
			a[16] = b1 ^ (^b2 & b3)
			a[17] = b2 ^ (^b3 & b4)
			a[18] = b3 ^ (^b4 & b0)
			a[19] = b4 ^ (^b0 & b1)
			b0 = bits.RotateLeft64(e[2]^d2, 62)
			b1 = bits.RotateLeft64(e[8]^d3, 55)
			b2 = bits.RotateLeft64(e[14]^d4, 39)
			b3 = bits.RotateLeft64(e[15]^d0, 41)
			b4 = bits.RotateLeft64(e[21]^d1, 2)
			a[20] = b0 ^ (^b1 & b2)
			a[21] = b1 ^ (^b2 & b3)
			a[22] = b2 ^ (^b3 & b4)
			a[23] = b3 ^ (^b4 & b0)
			a[24] = b4 ^ (^b0 & b1)
		}
	}
}

// keccak256 returns the Keccak-256 digest of data, as Solidity's keccak256
// and go-ethereum's crypto.Keccak256 compute it.
func keccak256(data []byte) [32]byte {
	var st [25]uint64
	for len(data) >= keccakRate {
		absorb(&st, data[:keccakRate])
		keccakF1600(&st)
		data = data[keccakRate:]
	}
	var last [keccakRate]byte
	copy(last[:], data)
	last[len(data)] ^= 0x01
	last[keccakRate-1] ^= 0x80
	absorb(&st, last[:])
	keccakF1600(&st)
	var out [32]byte
	for i := range 4 {
		binary.LittleEndian.PutUint64(out[8*i:], st[i])
	}
	return out
}

// absorb xors one rate-sized block into the state, little-endian per lane.
func absorb(st *[25]uint64, block []byte) {
	for i := range keccakRate / 8 {
		st[i] ^= binary.LittleEndian.Uint64(block[8*i:])
	}
}
