package compute

// minPerm4 folds xs into the four running minima of lanes: lanes.min[l] becomes
// min(lanes.min[l], min over xs of (a_l*x + b_l) mod 2^61-1). In assembly
// (minperm_amd64.s): the Go compiler spills around MULQ's fixed registers,
// and written by hand the filter costs 6 instructions per shingle and
// permutation.
//
//go:noescape
func minPerm4(xs []uint64, lanes *permLanes)
