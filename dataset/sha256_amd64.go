//go:build amd64 && !purego

package dataset

import (
	"os"
	"strings"
)

// haveBlocks reports whether blocks may be called: the CPU has the SHA
// extensions and the SSSE3 and SSE4.1 shuffles the assembly uses.
var haveBlocks = hasSHANI()

// pairRows says whether sum256x2 should interleave two long messages. On
// AMD's Zen cores one SHA256RNDS2 chain leaves the unit half idle and two
// chains run in nearly the time of one (measured: 1 KiB rows hash 40%
// faster in pairs); on the Intel Xeon measured the pair ran 15% slower than
// one message after the other. Short Merkle inputs gain from pairing on
// both, since they share the call overhead.
var pairRows = haveBlocks && isAMD()

// isAMD reads the CPU vendor: AuthenticAMD, or HygonGenuine (Zen cores).
func isAMD() bool {
	_, ebx, ecx, edx := cpuid(0, 0)
	vendor := string([]byte{
		byte(ebx), byte(ebx >> 8), byte(ebx >> 16), byte(ebx >> 24),
		byte(edx), byte(edx >> 8), byte(edx >> 16), byte(edx >> 24),
		byte(ecx), byte(ecx >> 8), byte(ecx >> 16), byte(ecx >> 24),
	})
	return vendor == "AuthenticAMD" || vendor == "HygonGenuine"
}

// hasSHANI reads CPUID: leaf 1 ECX bit 9 (SSSE3) and bit 19 (SSE4.1), leaf
// 7 sub-leaf 0 EBX bit 29 (SHA). GODEBUG=cpu.sha=off turns it off, as it
// does crypto/sha256's SHA-NI code, so that the paths of CPUs without it
// can be run and timed anywhere.
func hasSHANI() bool {
	for _, f := range strings.Split(os.Getenv("GODEBUG"), ",") {
		if f == "cpu.sha=off" || f == "cpu.all=off" {
			return false
		}
	}
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	_, ebx7, _, _ := cpuid(7, 0)
	return ecx1&(1<<9) != 0 && ecx1&(1<<19) != 0 && ebx7&(1<<29) != 0
}

//go:noescape
func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

//go:noescape
func blockSHANI(st *[8]uint32, p *byte, n int, k *[64]uint32)

// blocks compresses p, a whole number of 64-byte blocks, into st.
func blocks(st *[8]uint32, p []byte) {
	if len(p) < 64 {
		return
	}
	blockSHANI(st, &p[0], len(p)/64, &sha256K)
}

//go:noescape
func blockSHANI2(st0, st1 *[8]uint32, p0, p1 *byte, n int, k *[64]uint32)

// blocks2 compresses p0 into st0 and p1 into st1; both are the same whole
// number of 64-byte blocks.
func blocks2(st0, st1 *[8]uint32, p0, p1 []byte) {
	if len(p0) < 64 || len(p0) != len(p1) {
		panic("dataset: blocks2 needs two inputs of the same whole number of blocks")
	}
	blockSHANI2(st0, st1, &p0[0], &p1[0], len(p0)/64, &sha256K)
}
