//go:build !amd64

package compute

// minPerm returns the minimum over xs of (a*x + b) mod 2^61-1 (^uint64(0)
// for no xs).
func minPerm(xs []uint64, a, b uint64) uint64 { return minPermGo(xs, a, b) }
