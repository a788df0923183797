//go:build !amd64 || purego

package dataset

// asciiScan reports whether s (len(s) >= 16) is all bytes 0x20..0x7f with
// no two spaces in a row.
func asciiScan(s string) bool { return asciiScanGeneric(s) }

// collapseRun is the vector shortcut of appendCollapsedASCII, which only
// amd64 has: here it copies nothing and the eight-byte loop does the work.
func collapseRun(dst, src []byte, prev uint8) int { return 0 }
