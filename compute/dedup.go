package compute

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// Output columns of the dedup kernel (issue 13), one row per input row.
const (
	// ColCluster is the near-duplicate cluster's id: the smallest source
	// hash among its rows (Cluster's id).
	ColCluster = "cluster"
	// ColKeep is true for exactly one row per cluster, the row whose
	// source hash is the cluster id.
	ColKeep = "keep"
	// ColClusterSize is how many rows the cluster has (1 for a row with no
	// duplicate).
	ColClusterSize = "cluster_size"
	// ColExactCluster is the id of the row's exact-duplicate group (rows
	// with the same text_sha256): the smallest source hash among them.
	ColExactCluster = "exact_cluster"
	// ColExactSize is how many rows have the row's text_sha256.
	ColExactSize = "exact_size"
)

// RowKernel is a Kernel that reads several typed columns of each input row,
// and the row's hash, rather than one string column: dedup reads a minhash
// dataset's source hashes, band keys and text hashes. RunShard hands it the
// rows projected onto InputColumns, in that order.
type RowKernel interface {
	Kernel
	// InputColumns are the columns it reads, with the types it expects.
	InputColumns() []dataset.Column
	// RunRows computes one output row per input row; rowHashes are the
	// input rows' hashes (the output rows' source hashes).
	RunRows(ctx context.Context, rows []dataset.Row, rowHashes [][]byte) ([]dataset.Row, error)
}

// InputColumns returns the columns k reads from its input dataset: a
// RowKernel's own, else k's one string column.
func InputColumns(k Kernel) []dataset.Column {
	if rk, ok := k.(RowKernel); ok {
		return rk.InputColumns()
	}
	return []dataset.Column{{Name: k.InputColumn(), Type: dataset.TypeString, Role: dataset.RoleContent}}
}

// DedupRow is one input row of Dedup: a row of a minhash dataset.
type DedupRow struct {
	RowHash    []byte   // the minhash row's own hash: ties between equal source hashes
	SourceHash []byte   // its source_hash column: the row it was computed from
	Bands      []uint64 // its minhash_bands column
	TextHash   []byte   // its text_sha256 column
}

// DedupResult is one row's place in the dataset's duplicate clusters.
type DedupResult struct {
	// Membership is the near-duplicate cluster, joined through shared band
	// keys and identical text hashes.
	Membership
	// ExactCluster is the smallest source hash among the rows with this
	// row's text hash; ExactSize how many rows have it.
	ExactCluster []byte
	ExactSize    int
}

// Dedup clusters the rows of a whole minhash dataset. Two rows are in one
// cluster when they share a band key at the same band index or have the
// same text hash, directly or through other rows (union-find). Each
// cluster's id is the smallest source hash among its rows and its kept row
// is the one with that source hash, ties between equal source hashes
// broken by the smaller row hash: so the output, a DedupResult per row in
// row order, does not depend on the order of the rows at all, except that
// of two wholly identical rows the first in row order is the one kept. For rows
// with distinct source hashes it agrees with Cluster. Errors wrap
// ErrBadInput and name the row.
func Dedup(ctx context.Context, rows []DedupRow) ([]DedupResult, error) {
	n := len(rows)
	if n > api.DedupRowsLimit {
		return nil, fmt.Errorf("%w: dedup: %d rows, expected at most %d (one task's rows)", ErrBadInput, n, api.DedupRowsLimit)
	}
	nb := 0
	for i, r := range rows {
		switch {
		case len(r.RowHash) != SourceHashSize:
			return nil, fmt.Errorf("%w: dedup: row %d: row hash of %d bytes, expected %d", ErrBadInput, i, len(r.RowHash), SourceHashSize)
		case len(r.SourceHash) == 0:
			return nil, fmt.Errorf("%w: dedup: row %d column %q: empty, expected a row hash", ErrBadInput, i, dataset.ColSourceHash)
		case len(r.TextHash) != SourceHashSize:
			return nil, fmt.Errorf("%w: dedup: row %d column %q: %d bytes, expected %d (SHA-256)", ErrBadInput, i, ColTextHash, len(r.TextHash), SourceHashSize)
		case i > 0 && len(r.Bands) != nb:
			return nil, fmt.Errorf("%w: dedup: row %d column %q: %d band keys, expected %d like row 0 (one minhash job's rows)", ErrBadInput, i, ColMinHashBands, len(r.Bands), nb)
		}
		nb = len(r.Bands)
	}

	// Canonical order: by source hash, then row hash, then (for rows
	// wholly identical, which only a dataset holding the same row twice
	// has) position in the input, so that the first copy is kept whatever
	// the sort's algorithm. Union-find below always hangs the larger root
	// under the smaller, so a component's root is its first row in this
	// order, the kept row.
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := bytes.Compare(rows[a].SourceHash, rows[b].SourceHash); c != 0 {
			return c
		}
		if c := bytes.Compare(rows[a].RowHash, rows[b].RowHash); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	parent := make([]int32, n)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]] // path halving
			x = parent[x]
		}
		return x
	}
	union := func(a, b int32) {
		a, b = find(a), find(b)
		if a != b {
			parent[max(a, b)] = min(a, b)
		}
	}

	// The keys band-major in canonical order (keys[j*n+p]): the loop below
	// then reads them in sequence instead of chasing each row's slice in
	// permuted order, which cost most of its time (a cache miss a key).
	keys := make([]uint64, nb*n)
	for p, i := range order {
		for j, k := range rows[i].Bands {
			keys[j*n+p] = k
		}
	}
	// Band by band, so one map of n keys is reused: key j of one row
	// matches key j of another only.
	first := make(map[uint64]int32, n)
	for j := 0; j < nb; j++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		clear(first)
		for p, k := range keys[j*n : (j+1)*n] {
			if o, ok := first[k]; ok {
				union(int32(p), o)
			} else {
				first[k] = int32(p)
			}
		}
	}
	// Exact duplicates: the first row in canonical order with each text
	// hash is its group's id. Identical text gives identical signatures,
	// so this joins nothing the bands have not joined already; it keeps
	// the rule "an exact group lies inside one cluster" true by
	// construction.
	exact := make(map[[SourceHashSize]byte]int32, n)
	exactOf := make([]int32, n)
	for p, i := range order {
		h := [SourceHashSize]byte(rows[i].TextHash)
		if o, ok := exact[h]; ok {
			union(int32(p), o)
			exactOf[p] = o
		} else {
			exact[h] = int32(p)
			exactOf[p] = int32(p)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	size := make([]int32, n)
	exactSize := make([]int32, n)
	for p := range order {
		size[find(int32(p))]++
		exactSize[exactOf[p]]++
	}
	out := make([]DedupResult, n)
	for p, i := range order {
		root := find(int32(p))
		out[i] = DedupResult{
			Membership:   Membership{Cluster: rows[order[root]].SourceHash, Keep: root == int32(p), Size: int(size[root])},
			ExactCluster: rows[order[exactOf[p]]].SourceHash,
			ExactSize:    int(exactSize[exactOf[p]]),
		}
	}
	return out, nil
}

// dedupKernel is the dedup RowKernel.
type dedupKernel struct{}

func (dedupKernel) Name() string { return api.KernelDedup }

// InputColumn is the band keys, what a dedup spec's column names.
func (dedupKernel) InputColumn() string { return ColMinHashBands }

func (dedupKernel) InputColumns() []dataset.Column {
	return []dataset.Column{
		{Name: dataset.ColSourceHash, Type: dataset.TypeBytes, Role: dataset.RoleContent},
		{Name: ColMinHashBands, Type: dataset.TypeUint64List, Role: dataset.RoleContent},
		{Name: ColTextHash, Type: dataset.TypeBytes, Role: dataset.RoleContent},
	}
}

func (dedupKernel) OutputColumns() []dataset.Column {
	return []dataset.Column{
		{Name: ColCluster, Type: dataset.TypeBytes, Role: dataset.RoleContent},
		{Name: ColKeep, Type: dataset.TypeBool, Role: dataset.RoleContent},
		{Name: ColClusterSize, Type: dataset.TypeInt64, Role: dataset.RoleContent},
		{Name: ColExactCluster, Type: dataset.TypeBytes, Role: dataset.RoleContent},
		{Name: ColExactSize, Type: dataset.TypeInt64, Role: dataset.RoleContent},
	}
}

// Run refuses texts: dedup reads whole rows (RunRows, through RunShard).
func (dedupKernel) Run(ctx context.Context, texts []string) ([]dataset.Row, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%w: kernel dedup reads rows of a minhash dataset (source_hash, minhash_bands, text_sha256), not texts", ErrBadInput)
}

// RunRows takes rows of InputColumns' values and returns, per row, the
// values of OutputColumns.
func (dedupKernel) RunRows(ctx context.Context, rows []dataset.Row, rowHashes [][]byte) ([]dataset.Row, error) {
	in := make([]DedupRow, len(rows))
	for i, r := range rows {
		src, ok1 := r[0].([]byte)
		bands, ok2 := r[1].([]uint64)
		th, ok3 := r[2].([]byte)
		if !ok1 || !ok2 || !ok3 {
			return nil, fmt.Errorf("%w: dedup: row %d: values %T, %T, %T, expected bytes, list<uint64>, bytes (source_hash, minhash_bands, text_sha256)", ErrBadInput, i, r[0], r[1], r[2])
		}
		in[i] = DedupRow{RowHash: rowHashes[i], SourceHash: src, Bands: bands, TextHash: th}
	}
	res, err := Dedup(ctx, in)
	if err != nil {
		return nil, err
	}
	out := make([]dataset.Row, len(res))
	for i, m := range res {
		out[i] = dataset.Row{m.Cluster, m.Keep, int64(m.Size), m.ExactCluster, int64(m.ExactSize)}
	}
	return out, nil
}

// runRows is RunShard's path for a RowKernel: it checks that the input
// schema has the kernel's columns with their types and projects each row
// onto them.
func runRows(ctx context.Context, k RowKernel, input []dataset.Row, inputSchema dataset.Schema, sourceHashes [][]byte) ([]dataset.Row, error) {
	cols := k.InputColumns()
	idx := make([]int, len(cols))
	for j, c := range cols {
		ci := inputSchema.Index(c.Name)
		switch {
		case ci < 0:
			return nil, fmt.Errorf("%w: compute.input: no column %q, expected %s", ErrBadInput, c.Name, describeColumns(k))
		case inputSchema.Columns[ci].Type != c.Type:
			return nil, fmt.Errorf("%w: compute.input: column %q has type %s, expected %s", ErrBadInput, c.Name, inputSchema.Columns[ci].Type, c.Type)
		}
		idx[j] = ci
	}
	rows := make([]dataset.Row, len(input))
	for i, r := range input {
		if len(r) != len(inputSchema.Columns) {
			return nil, fmt.Errorf("%w: row %d: %d values, expected %d (the input schema's columns)", ErrBadInput, i, len(r), len(inputSchema.Columns))
		}
		if len(sourceHashes[i]) != SourceHashSize {
			return nil, fmt.Errorf("%w: source hash of row %d: %d bytes, expected %d (SHA-256)", ErrBadInput, i, len(sourceHashes[i]), SourceHashSize)
		}
		p := make(dataset.Row, len(idx))
		for j, ci := range idx {
			p[j] = r[ci]
		}
		rows[i] = p
	}
	return k.RunRows(ctx, rows, sourceHashes)
}

// describeColumns names what a RowKernel reads, for errors.
func describeColumns(k RowKernel) string {
	var b []byte
	for j, c := range k.InputColumns() {
		if j > 0 {
			b = append(b, ", "...)
		}
		b = fmt.Appendf(b, "%s (%s)", c.Name, c.Type)
	}
	return "kernel " + k.Name() + "'s input columns " + string(b)
}
