package compute

// minPerm returns the minimum over xs of (a*x + b) mod 2^61-1 (^uint64(0)
// for no xs), in assembly (minperm_amd64.s).
//
//go:noescape
func minPerm(xs []uint64, a, b uint64) uint64
