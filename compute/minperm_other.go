//go:build !amd64

package compute

// minPerm4 folds xs into the four running minima of lanes: lanes.min[l] becomes
// min(lanes.min[l], min over xs of (a_l*x + b_l) mod 2^61-1).
func minPerm4(xs []uint64, lanes *permLanes) {
	for l := range lanes.min {
		lanes.min[l] = min(lanes.min[l], minPermGo(xs, lanes.a3[l]>>3, lanes.b[l]))
	}
}
