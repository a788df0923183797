package dataset

import (
	"crypto/sha256"
	"encoding/binary"
)

// This file holds the SHA-256 plumbing of the hot path: the row hash and the
// Merkle leaf and node hashes. crypto/sha256 spends about 40 ns per call on
// set-up and padding, which is more than a whole compression (about 37 ns on
// the reference machine); a Merkle root makes two small hashes per row, so that
// overhead alone cost a quarter of the row-hashing throughput. Where the CPU
// has the SHA extensions (amd64 with SHA-NI) blocks are compressed directly
// by sha256block_amd64.s and padding is laid out here, in fixed shapes for the
// 33- and 65-byte Merkle inputs. Elsewhere every function falls back to
// crypto/sha256. Both paths are checked against crypto/sha256 in tests and
// by FuzzSHA256. Batches of rows and Merkle levels may instead go sixteen
// messages at a time on vector lanes (sha256x16.go: AVX-512, or AVX2 in
// two runs of eight), where a measurement at first use finds that faster.

// sha256Init is the initial hash value H(0) of FIPS 180-4, section 5.3.3.
var sha256Init = [8]uint32{
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
}

// sha256K are the round constants K of FIPS 180-4, section 4.2.2.
var sha256K = [64]uint32{
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
}

// sum256 returns SHA-256(data).
func sum256(data []byte) Hash {
	if !haveBlocks || (!pairRows && len(data) >= longMessage) {
		return sha256.Sum256(data)
	}
	st := sha256Init
	n := len(data) &^ 63
	if n > 0 {
		blocks(&st, data[:n])
	}
	var tail [128]byte
	end := padTail(&tail, data[n:], len(data))
	blocks(&st, tail[:end])
	return digestOf(&st)
}

// longMessage is the length from which, on CPUs where rows are not hashed
// in pairs, crypto/sha256 is used for a row: its SHA-NI code schedules the
// message better than blockSHANI does (about 8% faster per block on the
// Intel Xeon measured), which outweighs its fixed cost of a call past a few
// blocks. On AMD blockSHANI is on par and the pairs are faster still.
const longMessage = 256

// leafHash returns the RFC 6962 leaf hash SHA-256(0x00 ‖ h).
func leafHash(h *Hash) Hash {
	var b [64]byte
	b[0] = 0x00
	copy(b[1:33], h[:])
	if !haveBlocks {
		return sha256.Sum256(b[:33])
	}
	b[33] = 0x80
	binary.BigEndian.PutUint64(b[56:], 33<<3)
	st := sha256Init
	blocks(&st, b[:])
	return digestOf(&st)
}

// nodeHash returns the RFC 6962 interior node hash SHA-256(0x01 ‖ l ‖ r).
func nodeHash(l, r *Hash) Hash {
	var b [128]byte
	b[0] = 0x01
	copy(b[1:33], l[:])
	copy(b[33:65], r[:])
	if !haveBlocks {
		return sha256.Sum256(b[:65])
	}
	b[65] = 0x80
	binary.BigEndian.PutUint64(b[120:], 65<<3)
	st := sha256Init
	blocks(&st, b[:])
	return digestOf(&st)
}

func digestOf(st *[8]uint32) Hash {
	var h Hash
	for i, v := range st {
		binary.BigEndian.PutUint32(h[4*i:], v)
	}
	return h
}

// leafHash2 returns the leaf hashes of a and b, computed together.
func leafHash2(a, b *Hash) (Hash, Hash) {
	if !haveBlocks {
		return leafHash(a), leafHash(b)
	}
	var ba, bb [64]byte
	copy(ba[1:33], a[:])
	copy(bb[1:33], b[:])
	ba[33], bb[33] = 0x80, 0x80
	binary.BigEndian.PutUint64(ba[56:], 33<<3)
	binary.BigEndian.PutUint64(bb[56:], 33<<3)
	sa, sb := sha256Init, sha256Init
	blocks2(&sa, &sb, ba[:], bb[:])
	return digestOf(&sa), digestOf(&sb)
}

// nodeHash2 returns nodeHash(l0, r0) and nodeHash(l1, r1), computed together.
func nodeHash2(l0, r0, l1, r1 *Hash) (Hash, Hash) {
	if !haveBlocks {
		return nodeHash(l0, r0), nodeHash(l1, r1)
	}
	var ba, bb [128]byte
	ba[0], bb[0] = 0x01, 0x01
	copy(ba[1:33], l0[:])
	copy(ba[33:65], r0[:])
	copy(bb[1:33], l1[:])
	copy(bb[33:65], r1[:])
	ba[65], bb[65] = 0x80, 0x80
	binary.BigEndian.PutUint64(ba[120:], 65<<3)
	binary.BigEndian.PutUint64(bb[120:], 65<<3)
	sa, sb := sha256Init, sha256Init
	blocks2(&sa, &sb, ba[:], bb[:])
	return digestOf(&sa), digestOf(&sb)
}

// forcePair makes sum256x2 pair on any CPU with SHA-NI, for tests.
var forcePair = false

// sum256x2 returns SHA-256(a) and SHA-256(b), computing both at once where
// their blocks line up (rows of a batch have similar lengths, so nearly
// every block of one is paired with a block of the other) on CPUs where
// that is faster (pairRows).
func sum256x2(a, b []byte) (Hash, Hash) {
	if !haveBlocks {
		return sha256.Sum256(a), sha256.Sum256(b)
	}
	if !pairRows && !forcePair {
		return sum256(a), sum256(b)
	}
	la, lb := len(a), len(b)
	sa, sb := sha256Init, sha256Init
	if n := min(la, lb) &^ 63; n > 0 {
		blocks2(&sa, &sb, a[:n], b[:n])
		a, b = a[n:], b[n:]
	}
	// At most one of them has whole blocks left.
	if n := len(a) &^ 63; n > 0 {
		blocks(&sa, a[:n])
		a = a[n:]
	}
	if n := len(b) &^ 63; n > 0 {
		blocks(&sb, b[:n])
		b = b[n:]
	}
	var ta, tb [128]byte
	ea, eb := padTail(&ta, a, la), padTail(&tb, b, lb)
	if ea == eb {
		blocks2(&sa, &sb, ta[:ea], tb[:eb])
	} else {
		blocks(&sa, ta[:ea])
		blocks(&sb, tb[:eb])
	}
	return digestOf(&sa), digestOf(&sb)
}

// padTail lays out the last partial block of a message of total length
// total, whose remaining bytes are rest (fewer than 64), with SHA-256's
// padding, and returns the padded length: 64 or 128.
func padTail(t *[128]byte, rest []byte, total int) int {
	r := copy(t[:], rest)
	t[r] = 0x80
	end := 64
	if r >= 56 {
		end = 128
	}
	binary.BigEndian.PutUint64(t[end-8:end], uint64(total)<<3)
	return end
}
