//go:build amd64 && !purego

package dataset

import "golang.org/x/sys/cpu"

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
func collapseRunAVX2(dst, src *byte, n int, prev uint32) int

// collapseRun copies from src to dst the bytes at src's start that
// white-space collapsing leaves as they are (see appendCollapsedASCII),
// stopping at the first byte that it changes or drops, or when fewer than 32
// bytes are left, and returns how many it copied. prev is 1 when the byte
// before src was a space or src starts the text. dst must be at least as
// long as src.
func collapseRun(dst, src []byte, prev uint8) int {
	if !haveAVX2 || len(src) < 32 || len(dst) < len(src) {
		return 0
	}
	return collapseRunAVX2(&dst[0], &src[0], len(src), uint32(prev))
}
