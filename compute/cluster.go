package compute

import (
	"bytes"
	"fmt"

	"github.com/meadow-net/meadow/dataset"
)

// Membership is one row's place in the duplicate clusters of a minhash
// dataset.
type Membership struct {
	// Cluster is the cluster's id: the smallest source hash among its rows.
	Cluster []byte
	// Keep is true for exactly one row per cluster: the one whose source
	// hash is the cluster id (the first such row when several share it).
	Keep bool
	// Size is how many rows the cluster has.
	Size int
}

// Cluster groups the rows of a minhash dataset (schema made by
// dataset.ComputeSchema of the minhash kernel's columns) into near-duplicate
// clusters: two rows are in one cluster when they share any LSH band key,
// directly or through other rows (union-find). The result does not depend on
// the order of the rows, except which of several rows with the same source
// hash is kept. It returns one Membership per row, in row order.
func Cluster(schema dataset.Schema, rows []dataset.Row) ([]Membership, error) {
	hi, bi := schema.Index(dataset.ColSourceHash), schema.Index(ColMinHashBands)
	if hi < 0 || bi < 0 {
		return nil, fmt.Errorf("%w: cluster: the schema lacks %q or %q (expected a minhash dataset)", ErrBadInput, dataset.ColSourceHash, ColMinHashBands)
	}
	hashes := make([][]byte, len(rows))
	bands := make([][]uint64, len(rows))
	for i, r := range rows {
		if len(r) != len(schema.Columns) {
			return nil, fmt.Errorf("%w: cluster: row %d has %d values, expected %d", ErrBadInput, i, len(r), len(schema.Columns))
		}
		h, ok := r[hi].([]byte)
		if !ok {
			return nil, fmt.Errorf("%w: cluster: row %d column %q: a %T, expected bytes", ErrBadInput, i, dataset.ColSourceHash, r[hi])
		}
		b, ok := r[bi].([]uint64)
		if !ok {
			return nil, fmt.Errorf("%w: cluster: row %d column %q: a %T, expected list<uint64>", ErrBadInput, i, ColMinHashBands, r[bi])
		}
		hashes[i], bands[i] = h, b
	}
	return ClusterBands(hashes, bands)
}

// ClusterBands is Cluster over the two columns it reads: each row's source
// hash and LSH band keys. Band keys are compared by position: key j of one
// row matches key j of another (the key hashes j in, too).
func ClusterBands(sourceHashes [][]byte, bands [][]uint64) ([]Membership, error) {
	if len(sourceHashes) != len(bands) {
		return nil, fmt.Errorf("%w: cluster: %d source hashes for %d band lists", ErrBadInput, len(sourceHashes), len(bands))
	}
	n := len(sourceHashes)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]] // path halving
			x = parent[x]
		}
		return x
	}
	type bandKey struct {
		pos int
		key uint64
	}
	first := make(map[bandKey]int)
	for i, bs := range bands {
		for j, k := range bs {
			bk := bandKey{j, k}
			if o, ok := first[bk]; ok {
				a, b := find(i), find(o)
				if a != b {
					parent[max(a, b)] = min(a, b)
				}
			} else {
				first[bk] = i
			}
		}
	}
	// The representative of each component is the row with the smallest
	// source hash, ties to the lowest index.
	best := make([]int, n)
	size := make([]int, n)
	for i := range best {
		best[i] = -1
	}
	for i := 0; i < n; i++ {
		r := find(i)
		size[r]++
		if b := best[r]; b < 0 || bytes.Compare(sourceHashes[i], sourceHashes[b]) < 0 {
			best[r] = i
		}
	}
	out := make([]Membership, n)
	for i := range out {
		r := find(i)
		out[i] = Membership{Cluster: sourceHashes[best[r]], Keep: best[r] == i, Size: size[r]}
	}
	return out, nil
}
