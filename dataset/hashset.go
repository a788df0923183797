package dataset

import (
	"container/heap"
	"fmt"
	"slices"
)

// hashChunk is how many hashes one chunk of a hashSet holds: 2 MiB. A
// variable so that tests can use small chunks.
var hashChunk = 1 << 16

// hashSet collects the row hashes of a file in fixed-size chunks, so that
// growing it never copies and it takes exactly 32 bytes a row (a slice
// grown by append briefly needs three times that). Its root and proofs are
// computed by sorting each chunk and merging them, which keeps the whole of
// Verify at 32 bytes a row plus one batch.
type hashSet struct {
	chunks [][]Hash
	sorted bool
}

func (s *hashSet) add(hs []Hash) {
	for len(hs) > 0 {
		if len(s.chunks) == 0 || len(s.chunks[len(s.chunks)-1]) == hashChunk {
			s.chunks = append(s.chunks, make([]Hash, 0, hashChunk))
		}
		last := &s.chunks[len(s.chunks)-1]
		k := min(len(hs), hashChunk-len(*last))
		*last = append(*last, hs[:k]...)
		hs = hs[k:]
	}
	s.sorted = false
}

// size is the number of hashes in the set.
func (s *hashSet) size() int {
	n := 0
	for _, c := range s.chunks {
		n += len(c)
	}
	return n
}

// at returns hash i in the order added (before sort is called).
func (s *hashSet) at(i int) Hash { return s.chunks[i/hashChunk][i%hashChunk] }

// sort sorts each chunk; the set is then iterated in order by merging.
func (s *hashSet) sort() {
	if !s.sorted {
		for _, c := range s.chunks {
			SortHashes(c)
		}
		s.sorted = true
	}
}

// cursor is one chunk's position in a merge.
type cursor struct {
	c []Hash
	i int
}

type mergeHeap []cursor

func (h mergeHeap) Len() int           { return len(h) }
func (h mergeHeap) Less(i, j int) bool { return compareHash(&h[i].c[h[i].i], &h[j].c[h[j].i]) < 0 }
func (h mergeHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *mergeHeap) Push(x any)        { *h = append(*h, x.(cursor)) }
func (h *mergeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// each calls f with every hash in ascending order.
func (s *hashSet) each(f func(h *Hash)) {
	s.sort()
	if len(s.chunks) == 1 {
		for i := range s.chunks[0] {
			f(&s.chunks[0][i])
		}
		return
	}
	h := make(mergeHeap, 0, len(s.chunks))
	for _, c := range s.chunks {
		if len(c) > 0 {
			h = append(h, cursor{c: c})
		}
	}
	heap.Init(&h)
	for len(h) > 0 {
		top := &h[0]
		f(&top.c[top.i])
		top.i++
		if top.i == len(top.c) {
			heap.Pop(&h)
		} else {
			heap.Fix(&h, 0)
		}
	}
}

// rootBuilder computes an RFC 6962 root from leaves given one at a time,
// in order, the way MerkleRoot does over a slice.
type rootBuilder struct {
	st    treeStack
	buf   [chunkLeaves]Hash
	level [chunkLeaves]Hash
	nbuf  int
	n     int
}

func (b *rootBuilder) add(h *Hash) {
	b.buf[b.nbuf] = *h
	b.nbuf++
	b.n++
	if b.nbuf == chunkLeaves {
		b.st.push(perfectRoot(b.buf[:], &b.level), chunkHeight)
		b.nbuf = 0
	}
}

func (b *rootBuilder) root() Hash {
	if b.n == 0 {
		return EmptyRoot
	}
	st := b.st
	for i := 0; i < b.nbuf; i++ {
		st.push(leafHash(&b.buf[i]), 0)
	}
	return st.fold()
}

// root returns the content root over the set.
func (s *hashSet) root() Hash {
	var b rootBuilder
	s.each(b.add)
	return b.root()
}

// prove returns the inclusion proof of h at its first position in the
// sorted order, in two passes over the merged set and O(log n) memory.
func (s *hashSet) prove(h Hash) (InclusionProof, error) {
	s.sort()
	index := 0
	found := false
	for _, c := range s.chunks {
		i, ok := slices.BinarySearchFunc(c, h, func(a, b Hash) int { return compareHash(&a, &b) })
		index += i
		found = found || ok
	}
	if !found {
		return InclusionProof{}, fmt.Errorf("%w: row hash %s is not among the %d rows", ErrInvalidProof, h, s.size())
	}
	// The audit path's siblings are the roots of disjoint ranges of leaves;
	// list them, then feed each leaf to the builder of its range.
	type span struct {
		lo, hi int
		b      *rootBuilder
	}
	var spans []span
	total := s.size()
	lo, n, m := 0, total, index
	for n > 1 {
		k := splitPoint(n)
		if m < k {
			spans = append(spans, span{lo: lo + k, hi: lo + n})
			n = k
		} else {
			spans = append(spans, span{lo: lo, hi: lo + k})
			lo, n, m = lo+k, n-k, m-k
		}
	}
	byStart := make([]int, len(spans))
	for i := range spans {
		spans[i].b = new(rootBuilder)
		byStart[i] = i
	}
	slices.SortFunc(byStart, func(a, b int) int { return spans[a].lo - spans[b].lo })
	var all rootBuilder
	pos, next := 0, 0
	s.each(func(x *Hash) {
		all.add(x)
		for next < len(byStart) && pos >= spans[byStart[next]].hi {
			next++
		}
		if next < len(byStart) && pos >= spans[byStart[next]].lo {
			spans[byStart[next]].b.add(x)
		}
		pos++
	})
	path := make([]Hash, len(spans))
	for i := range spans {
		path[len(spans)-1-i] = spans[i].b.root()
	}
	return InclusionProof{Version: ProofVersion, RowHash: h, Index: uint64(index), Size: uint64(total), Path: path, Root: all.root()}, nil
}
