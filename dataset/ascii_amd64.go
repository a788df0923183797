//go:build amd64 && !purego

package dataset

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

var haveAVX2 = cpu.X86.HasAVX2

//go:noescape
func asciiScanAVX2(p *byte, n int) bool

//go:noescape
func asciiScan16(p *byte, n int) bool

// asciiScan reports whether s (len(s) >= 16) is all bytes 0x20..0x7f with
// no two spaces in a row.
func asciiScan(s string) bool {
	switch {
	case len(s) < 32:
		return asciiScan16(unsafeStringData(s), len(s))
	case haveAVX2:
		return asciiScanAVX2(unsafeStringData(s), len(s))
	}
	return asciiScanGeneric(s)
}

//go:noescape
func collapseASCIIAVX2(dst, src *byte, n int) int

// haveCollapseVector reports whether collapseVector may be called.
var haveCollapseVector = haveAVX2

// collapseVector writes s (len(s) >= 32) to dst with its white space
// collapsed, checking that it is ASCII in the same pass, and returns the
// length written, or -1 when s has a byte ≥ 0x80. dst must be at least
// len(s)+32 bytes long: the vector steps store whole 32-byte blocks.
func collapseVector(dst []byte, s string) int {
	_ = dst[len(s)+31]
	return collapseASCIIAVX2(&dst[0], unsafe.StringData(s), len(s))
}

// havePrefetch reports whether prefetchString does anything.
const havePrefetch = true

//go:noescape
func prefetchBytes(p *byte, n int)

// prefetchString starts loading s (len(s) > 0) into the cache.
func prefetchString(s string) { prefetchBytes(unsafe.StringData(s), len(s)) }
