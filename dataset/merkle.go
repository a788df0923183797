package dataset

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"sort"
)

// A dataset's content root is the RFC 6962 (Certificate Transparency)
// Merkle Tree Hash over its row hashes sorted ascending, bytewise:
//
//	MTH({})       = SHA-256("")
//	MTH({d})      = SHA-256(0x00 ‖ d)
//	MTH(D[0:n])   = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))
//
// where k is the largest power of two smaller than n. Sorting makes the
// root independent of crawl order. Duplicate row hashes (two identical
// rows) stay in the tree, each as its own leaf: the root then commits to the
// row count, which the manifest states, and a proof for such a row may use
// any of its positions.

// EmptyRoot is the root of a dataset with no rows: SHA-256 of nothing.
var EmptyRoot = Hash{
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
	0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
}

// LeafHash returns the RFC 6962 leaf hash of a row hash, SHA-256(0x00 ‖ h).
func LeafHash(h Hash) Hash { return leafHash(&h) }

// NodeHash returns the RFC 6962 interior node hash SHA-256(0x01 ‖ l ‖ r).
func NodeHash(l, r Hash) Hash { return nodeHash(&l, &r) }

// compareHash orders hashes bytewise, comparing eight bytes at a time.
func compareHash(a, b *Hash) int {
	for i := 0; i < 32; i += 8 {
		x, y := binary.BigEndian.Uint64(a[i:]), binary.BigEndian.Uint64(b[i:])
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// CompareHash returns -1, 0 or +1 as a sorts before, with or after b.
func CompareHash(a, b Hash) int { return compareHash(&a, &b) }

// SortHashes sorts hs ascending, bytewise, in place. Row hashes are
// uniformly distributed, so it first distributes them in place into 256
// buckets by their leading byte (an American flag sort, twice for large
// inputs) and sorts each bucket by comparison; that is several times faster
// than a comparison sort alone and needs no extra memory.
func SortHashes(hs []Hash) { radixSort(hs, 0) }

// radixMin is the bucket size below which a comparison sort takes over.
const radixMin = 512

func radixSort(hs []Hash, depth int) {
	if len(hs) < radixMin || depth == len(Hash{}) {
		quickSortHashes(hs, 2*bits.Len(uint(len(hs))))
		return
	}
	var count [256]int
	for i := range hs {
		count[hs[i][depth]]++
	}
	var start, next [256]int
	sum := 0
	for b := range count {
		start[b], next[b] = sum, sum
		sum += count[b]
	}
	for b := 0; b < 256; b++ {
		end := start[b] + count[b]
		for next[b] < end {
			v := hs[next[b]]
			d := int(v[depth])
			for d != b {
				// Place v in its bucket and carry on with what it displaced.
				v, hs[next[d]] = hs[next[d]], v
				next[d]++
				d = int(v[depth])
			}
			hs[next[b]] = v
			next[b]++
		}
	}
	for b := range count {
		if count[b] > 1 {
			radixSort(hs[start[b]:start[b]+count[b]], depth+1)
		}
	}
}

// lessHash reports whether a sorts before b. The first word decides almost
// always, so it is compared inline.
func lessHash(a, b *Hash) bool {
	x, y := binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(b[:8])
	if x != y {
		return x < y
	}
	return compareHash(a, b) < 0
}

// quickSortHashes sorts hs with an inlined comparison: median-of-three
// quicksort, insertion sort below 12 elements, and the standard library's
// sort when the recursion runs deeper than budget (which equal and random
// hashes never make it do).
func quickSortHashes(hs []Hash, budget int) {
	for len(hs) > 12 {
		if budget == 0 {
			slices.SortFunc(hs, func(a, b Hash) int { return compareHash(&a, &b) })
			return
		}
		budget--
		m := len(hs) / 2
		last := len(hs) - 1
		// Order hs[0], hs[m], hs[last]; the median becomes the pivot.
		if lessHash(&hs[m], &hs[0]) {
			hs[m], hs[0] = hs[0], hs[m]
		}
		if lessHash(&hs[last], &hs[m]) {
			hs[last], hs[m] = hs[m], hs[last]
			if lessHash(&hs[m], &hs[0]) {
				hs[m], hs[0] = hs[0], hs[m]
			}
		}
		pivot := hs[m]
		i, j := 0, last
		for {
			for lessHash(&hs[i], &pivot) {
				i++
			}
			for lessHash(&pivot, &hs[j]) {
				j--
			}
			if i >= j {
				break
			}
			hs[i], hs[j] = hs[j], hs[i]
			i++
			j--
		}
		// hs[:j+1] <= pivot <= hs[j+1:]; recurse into the smaller side.
		if j+1 < len(hs)-j-1 {
			quickSortHashes(hs[:j+1], budget)
			hs = hs[j+1:]
		} else {
			quickSortHashes(hs[j+1:], budget)
			hs = hs[:j+1]
		}
	}
	for i := 1; i < len(hs); i++ {
		for k := i; k > 0 && lessHash(&hs[k], &hs[k-1]); k-- {
			hs[k], hs[k-1] = hs[k-1], hs[k]
		}
	}
}

// ContentRoot sorts hashes in place and returns the root over them: the
// content root of a task blob, or the dataset root over all of a dataset's
// row hashes. It needs no memory beyond hashes.
func ContentRoot(hashes []Hash) Hash {
	SortHashes(hashes)
	return MerkleRoot(hashes)
}

// HashesSorted reports whether hs is sorted ascending.
func HashesSorted(hs []Hash) bool {
	for i := 1; i < len(hs); i++ {
		if compareHash(&hs[i-1], &hs[i]) > 0 {
			return false
		}
	}
	return true
}

// chunkLeaves is the size of the perfect subtrees MerkleRoot builds level
// by level before merging them: big enough that almost every hash is
// computed two at a time, small enough to live on the stack (2 KiB).
const chunkLeaves = 64

// chunkHeight is the height of a perfect tree of chunkLeaves leaves.
const chunkHeight = 6

// MerkleRoot returns the RFC 6962 Merkle Tree Hash of leaves in the order
// given (ContentRoot sorts first). It does not modify leaves and uses
// O(log n) memory: perfect subtrees of 64 leaves are reduced level by level,
// two hashes at a time, and their roots kept on a stack of at most one
// subtree per height, which is the binary-counter form of RFC 6962's
// recursion (a subtree that has no sibling of its own height waits until the
// end, when the stack is folded from the right).
func MerkleRoot(leaves []Hash) Hash {
	n := len(leaves)
	if n == 0 {
		return EmptyRoot
	}
	var st treeStack
	var level [chunkLeaves]Hash
	i := 0
	if n >= chunkLeaves && x16Tree() {
		m := x16Pool.Get().(*x16)
		for ; i+chunkLeaves <= n; i += chunkLeaves {
			st.push(perfectRootX16(m, leaves[i:i+chunkLeaves], &level), chunkHeight)
		}
		x16Pool.Put(m)
	}
	for ; i+chunkLeaves <= n; i += chunkLeaves {
		st.push(perfectRoot(leaves[i:i+chunkLeaves], &level), chunkHeight)
	}
	for ; i < n; i++ {
		st.push(leafHash(&leaves[i]), 0)
	}
	return st.fold()
}

// perfectRoot returns the root of a perfect tree over leaves (a power of
// two, at most chunkLeaves), using level as scratch.
func perfectRoot(leaves []Hash, level *[chunkLeaves]Hash) Hash {
	n := len(leaves)
	for j := 0; j < n; j += 2 {
		level[j], level[j+1] = leafHash2(&leaves[j], &leaves[j+1])
	}
	for ; n > 2; n /= 2 {
		for j := 0; j < n/2; j += 2 {
			level[j], level[j+1] = nodeHash2(&level[2*j], &level[2*j+1], &level[2*j+2], &level[2*j+3])
		}
	}
	return nodeHash(&level[0], &level[1])
}

// perfectRootX16 is perfectRoot on sixteen lanes (sha256x16) while a
// level has 32 hashes or more, and two at a time below that.
func perfectRootX16(m *x16, leaves []Hash, level *[chunkLeaves]Hash) Hash {
	n := len(leaves)
	if n < 32 {
		return perfectRoot(leaves, level)
	}
	for j := 0; j < n; j += 16 {
		m.leafHash16(level[j:j+16], leaves[j:j+16])
	}
	for ; n >= 32; n /= 2 {
		// Node j is made of hashes 2j and 2j+1: the sixteen nodes at j
		// read hashes 2j..2j+31 before they are written over.
		for j := 0; j < n/2; j += 16 {
			m.nodeHash16(level[j:j+16], level[2*j:2*j+32])
		}
	}
	for ; n > 2; n /= 2 {
		for j := 0; j < n/2; j += 2 {
			level[j], level[j+1] = nodeHash2(&level[2*j], &level[2*j+1], &level[2*j+2], &level[2*j+3])
		}
	}
	return nodeHash(&level[0], &level[1])
}

// treeStack holds the roots of complete subtrees not yet merged, at
// strictly decreasing heights from the bottom of the stack to its top.
type treeStack struct {
	hash   [64]Hash
	height [64]int
	n      int
}

func (s *treeStack) push(h Hash, height int) {
	for s.n > 0 && s.height[s.n-1] == height {
		s.n--
		h = nodeHash(&s.hash[s.n], &h)
		height++
	}
	s.hash[s.n], s.height[s.n] = h, height
	s.n++
}

// fold merges what is left from the right: the rightmost, smaller subtrees
// are the right children of RFC 6962's recursion.
func (s *treeStack) fold() Hash {
	h := s.hash[s.n-1]
	for j := s.n - 2; j >= 0; j-- {
		h = nodeHash(&s.hash[j], &h)
	}
	return h
}

// ProofVersion is the version of the InclusionProof JSON form.
const ProofVersion = 1

// InclusionProof shows that a row hash is a leaf of the tree with a given
// root. Index is the leaf's position in the sorted order and Size the number
// of leaves; Path is RFC 6962's audit path, the sibling nearest the leaf
// first. Row, when not nil, is the row's number in its file (file order,
// from 0), for the reader's benefit: the proof does not depend on it. Root
// is the root the proof was made against; CheckProof compares it with the
// root the caller trusts. In JSON, hashes are 64 lowercase hex digits.
type InclusionProof struct {
	Version int    `json:"version"`
	Row     *int64 `json:"row,omitempty"`
	RowHash Hash   `json:"row_hash"`
	Index   uint64 `json:"index"`
	Size    uint64 `json:"size"`
	Path    []Hash `json:"path"`
	Root    Hash   `json:"root"`
}

// ProveInclusion returns the inclusion proof of rowHash in the tree over
// sorted (ascending, as SortHashes leaves it). A row hash present several
// times is proved at its first position. It fails with ErrInvalidProof when
// rowHash is not there or sorted is not sorted.
func ProveInclusion(sorted []Hash, rowHash Hash) (InclusionProof, error) {
	if !HashesSorted(sorted) {
		return InclusionProof{}, fmt.Errorf("%w: row hashes are not sorted", ErrInvalidProof)
	}
	i := sort.Search(len(sorted), func(i int) bool { return compareHash(&sorted[i], &rowHash) >= 0 })
	if i == len(sorted) || sorted[i] != rowHash {
		return InclusionProof{}, fmt.Errorf("%w: row hash %s is not among the %d rows", ErrInvalidProof, rowHash, len(sorted))
	}
	path, err := AuditPath(sorted, i)
	if err != nil {
		return InclusionProof{}, err
	}
	return InclusionProof{
		Version: ProofVersion,
		RowHash: rowHash,
		Index:   uint64(i),
		Size:    uint64(len(sorted)),
		Path:    path,
		Root:    MerkleRoot(sorted),
	}, nil
}

// AuditPath returns RFC 6962's PATH(m, D[n]) for leaf m of leaves: the
// sibling subtree roots from the leaf up.
func AuditPath(leaves []Hash, m int) ([]Hash, error) {
	if m < 0 || m >= len(leaves) {
		return nil, fmt.Errorf("%w: leaf %d of a tree of %d", ErrInvalidProof, m, len(leaves))
	}
	var path []Hash
	for len(leaves) > 1 {
		k := splitPoint(len(leaves))
		if m < k {
			path = append(path, MerkleRoot(leaves[k:]))
			leaves = leaves[:k]
		} else {
			path = append(path, MerkleRoot(leaves[:k]))
			leaves = leaves[k:]
			m -= k
		}
	}
	slices.Reverse(path)
	return path, nil
}

// splitPoint is the largest power of two smaller than n (n > 1).
func splitPoint(n int) int { return 1 << (bits.Len(uint(n-1)) - 1) }

// CheckProof checks that p proves p.RowHash is a leaf of the tree with the
// given root, which the caller trusts (from a manifest, a chain, --root).
// It follows RFC 9162, section 2.1.3.2. Errors wrap ErrInvalidProof, or
// ErrRootMismatch when the proof was made against another root.
//
// As in RFC 6962, the root alone does not authenticate p.Size (a path can
// fit trees of more than one size); a caller that holds a manifest should
// also check p.Size against its total_rows.
func CheckProof(p InclusionProof, root Hash) error {
	if p.Version != ProofVersion {
		return fmt.Errorf("%w: version %d: expected %d", ErrInvalidProof, p.Version, ProofVersion)
	}
	if !p.Root.IsZero() && p.Root != root {
		return fmt.Errorf("%w: the proof is for root %s, not %s", ErrRootMismatch, p.Root, root)
	}
	got, err := rootFromPath(p.RowHash, p.Index, p.Size, p.Path)
	if err != nil {
		return err
	}
	if got != root {
		return fmt.Errorf("%w: the path leads to %s, not to root %s", ErrInvalidProof, got, root)
	}
	return nil
}

// rootFromPath recomputes the root from a leaf's row hash, its index, the
// tree size and the audit path.
func rootFromPath(rowHash Hash, index, size uint64, path []Hash) (Hash, error) {
	if index >= size {
		return Hash{}, fmt.Errorf("%w: index %d: expected less than size %d", ErrInvalidProof, index, size)
	}
	fn, sn := index, size-1
	r := leafHash(&rowHash)
	for i := range path {
		if sn == 0 {
			return Hash{}, fmt.Errorf("%w: path has %d hashes: expected %d", ErrInvalidProof, len(path), i)
		}
		if fn&1 == 1 || fn == sn {
			r = nodeHash(&path[i], &r)
			if fn&1 == 0 {
				for fn&1 == 0 && fn != 0 {
					fn >>= 1
					sn >>= 1
				}
			}
		} else {
			r = nodeHash(&r, &path[i])
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return Hash{}, fmt.Errorf("%w: path has %d hashes: too short for index %d of %d", ErrInvalidProof, len(path), index, size)
	}
	return r, nil
}
