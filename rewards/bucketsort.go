package rewards

import "slices"

// bucketSortMin is the length below which bucketSort is a plain comparison
// sort: the bucket tables cost more than they save on small slices.
const bucketSortMin = 1 << 12

// bucketSort sorts s in place by cmp. prefix must agree with cmp:
// prefix(a) < prefix(b) implies cmp(a, b) < 0. Addresses and keccak hashes
// are uniformly spread, so distributing by their first 16 bits (an in-place
// American flag sort pass) leaves buckets of a few elements each; at a
// million elements that measured several times faster than one comparison
// sort over the whole slice, with no second copy of it. Skewed input is
// still sorted correctly, only more slowly.
func bucketSort[T any](s []T, prefix func(*T) uint16, cmp func(a, b T) int) {
	if len(s) < bucketSortMin {
		slices.SortFunc(s, cmp)
		return
	}
	const buckets = 1 << 16
	end := make([]int, buckets)  // where each bucket ends
	next := make([]int, buckets) // the first slot of each bucket not yet filled
	for i := range s {
		end[prefix(&s[i])]++
	}
	sum := 0
	for b := range end {
		next[b] = sum
		sum += end[b]
		end[b] = sum
	}
	// Walk each bucket's unfilled slots, swapping each element into the
	// bucket it belongs to until the slot holds one of its own.
	for b := range buckets {
		for next[b] < end[b] {
			p := prefix(&s[next[b]])
			if int(p) == b {
				next[b]++
				continue
			}
			s[next[b]], s[next[p]] = s[next[p]], s[next[b]]
			next[p]++
		}
	}
	lo := 0
	for b := range buckets {
		if end[b]-lo > 1 {
			slices.SortFunc(s[lo:end[b]], cmp)
		}
		lo = end[b]
	}
}
