//go:build amd64 && !purego

package dataset

import "golang.org/x/sys/cpu"

// haveX8 reports whether sha256x8 may be called: AVX2 (x/sys/cpu also
// checks that the OS saves the 256-bit registers).
var haveX8 = cpu.X86.HasAVX2

//go:noescape
func sha256x8(st *uint32, base *[8]*byte, off *[8]int, n int, k *[64]uint32)
