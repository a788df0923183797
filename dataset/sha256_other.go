//go:build !amd64 || purego

package dataset

// haveBlocks is false: without SHA-NI every hash goes through crypto/sha256.
const haveBlocks = false

// pairRows is false: there is no two-lane block function.
const pairRows = false

// blocks is never called when haveBlocks is false.
func blocks(st *[8]uint32, p []byte) { panic("dataset: no SHA-256 block function on this platform") }

// blocks2 is never called when haveBlocks is false.
func blocks2(st0, st1 *[8]uint32, p0, p1 []byte) {
	panic("dataset: no SHA-256 block function on this platform")
}

// haveX16 is false: there is no sixteen-lane block function.
const haveX16 = false

// sha256x16 is never called when haveX16 is false.
func sha256x16(st *[8][16]uint32, base *[16]*byte, off *[16]int, n int, k *[64]uint32) {
	panic("dataset: no sixteen-lane SHA-256 on this platform")
}

// haveX8 is false: there is no eight-lane block function.
const haveX8 = false

// sha256x8 is never called when haveX8 is false.
func sha256x8(st *uint32, base *[8]*byte, off *[8]int, n int, k *[64]uint32) {
	panic("dataset: no eight-lane SHA-256 on this platform")
}
