//go:build !amd64 || purego

package dataset

// asciiScan reports whether s (len(s) >= 16) is all bytes 0x20..0x7f with
// no two spaces in a row.
func asciiScan(s string) bool { return asciiScanGeneric(s) }

// haveCollapseVector is false: only amd64 has the vector collapse, and
// appendCollapsedASCII's eight-byte loop in Go does the work here.
const haveCollapseVector = false

// collapseVector is never called when haveCollapseVector is false.
func collapseVector(dst []byte, s string) int { panic("dataset: no vector collapse on this platform") }

// havePrefetch is false: prefetchString does nothing here.
const havePrefetch = false

// prefetchString does nothing here: there is no prefetch instruction in Go.
func prefetchString(s string) {}
