//go:build amd64 && !purego

package dataset

import "golang.org/x/sys/cpu"

// haveX16 reports whether sha256x16 may be called: AVX-512 F for the
// rotates and three-input logic, BW for the byte shuffle (x/sys/cpu also
// checks that the OS saves the 512-bit registers).
var haveX16 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW

//go:noescape
func sha256x16(st *[8][16]uint32, base *[16]*byte, off *[16]int, n int, k *[64]uint32)
