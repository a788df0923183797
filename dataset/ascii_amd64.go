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
