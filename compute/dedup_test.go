package compute

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// h32 is a 32-byte hash whose first byte is b: its order among others is b's.
func h32(b byte) []byte {
	h := make([]byte, 32)
	h[0] = b
	return h
}

// drow is an input row of Dedup with source hash src, band keys bands and
// text hash text (a byte).
func drow(src byte, text byte, bands ...uint64) DedupRow {
	rh := sha256.Sum256([]byte{src, text})
	return DedupRow{RowHash: rh[:], SourceHash: h32(src), Bands: bands, TextHash: h32(text)}
}

func TestDedup(t *testing.T) {
	type want struct {
		cluster, exact byte
		keep           bool
		size, exSize   int
	}
	for _, tt := range []struct {
		name string
		rows []DedupRow
		want []want
	}{
		{name: "empty"},
		{
			name: "singletons",
			rows: []DedupRow{drow(3, 30, 1, 2), drow(1, 10, 3, 4), drow(2, 20, 5, 6)},
			want: []want{{3, 3, true, 1, 1}, {1, 1, true, 1, 1}, {2, 2, true, 1, 1}},
		},
		{
			name: "exact duplicates",
			rows: []DedupRow{drow(9, 50, 7, 8), drow(4, 50, 7, 8), drow(6, 50, 7, 8), drow(5, 51, 1, 1)},
			want: []want{{4, 4, false, 3, 3}, {4, 4, true, 3, 3}, {4, 4, false, 3, 3}, {5, 5, true, 1, 1}},
		},
		{
			name: "near duplicates share one band",
			rows: []DedupRow{drow(8, 1, 100, 200), drow(7, 2, 101, 200), drow(9, 3, 102, 201)},
			want: []want{{7, 8, false, 2, 1}, {7, 7, true, 2, 1}, {9, 9, true, 1, 1}},
		},
		{
			name: "same key in another band does not join",
			rows: []DedupRow{drow(1, 1, 5, 6), drow(2, 2, 6, 5)},
			want: []want{{1, 1, true, 1, 1}, {2, 2, true, 1, 1}},
		},
		{
			// a~b by band 0, b~c by band 1, c~d by band 0 again: one
			// cluster through union-find though a and d share nothing.
			name: "chain",
			rows: []DedupRow{drow(40, 1, 1, 10), drow(30, 2, 1, 11), drow(20, 3, 2, 11), drow(10, 4, 2, 12), drow(50, 5, 3, 13)},
			want: []want{{10, 40, false, 4, 1}, {10, 30, false, 4, 1}, {10, 20, false, 4, 1}, {10, 10, true, 4, 1}, {50, 50, true, 1, 1}},
		},
		{
			// Same text, signatures that (in a broken input) share no
			// band: the text hash still joins them.
			name: "exact joins without bands",
			rows: []DedupRow{drow(2, 7, 1, 2), drow(1, 7, 3, 4)},
			want: []want{{1, 1, false, 2, 2}, {1, 1, true, 2, 2}},
		},
		{
			// Two rows from one source row (a crawl row listed twice):
			// the smaller row hash is kept.
			name: "equal source hashes",
			rows: []DedupRow{
				{RowHash: h32(2), SourceHash: h32(1), Bands: []uint64{1}, TextHash: h32(9)},
				{RowHash: h32(1), SourceHash: h32(1), Bands: []uint64{1}, TextHash: h32(9)},
			},
			want: []want{{1, 1, false, 2, 2}, {1, 1, true, 2, 2}},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Dedup(context.Background(), tt.rows)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d results for %d rows", len(got), len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if !bytes.Equal(g.Cluster, h32(w.cluster)) || !bytes.Equal(g.ExactCluster, h32(w.exact)) || g.Keep != w.keep || g.Size != w.size || g.ExactSize != w.exSize {
					t.Errorf("row %d: cluster %x exact %x keep %v size %d exact size %d; want %+v", i, g.Cluster[:1], g.ExactCluster[:1], g.Keep, g.Size, g.ExactSize, w)
				}
			}
		})
	}
}

func TestDedupErrors(t *testing.T) {
	good := drow(1, 1, 1, 2)
	for _, tt := range []struct {
		name string
		row  func(*DedupRow)
		want string
	}{
		{name: "short row hash", row: func(r *DedupRow) { r.RowHash = r.RowHash[:5] }, want: "row 1: row hash of 5 bytes, expected 32"},
		{name: "no source hash", row: func(r *DedupRow) { r.SourceHash = nil }, want: `row 1 column "source_hash": empty`},
		{name: "short text hash", row: func(r *DedupRow) { r.TextHash = []byte{1} }, want: `row 1 column "text_sha256": 1 bytes, expected 32`},
		{name: "other band count", row: func(r *DedupRow) { r.Bands = []uint64{1} }, want: `row 1 column "minhash_bands": 1 band keys, expected 2 like row 0`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bad := drow(2, 2, 3, 4)
			tt.row(&bad)
			_, err := Dedup(context.Background(), []DedupRow{good, bad})
			if !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want ErrBadInput with %q", err, tt.want)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Dedup(ctx, []DedupRow{good}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

// minhashDataset computes a minhash dataset's rows over texts, as nodes do:
// RunShard of the minhash kernel over one-column crawl rows.
func minhashDataset(t testing.TB, texts []string) (dataset.Schema, []dataset.Row, [][]byte) {
	t.Helper()
	k, err := New(api.ComputeSpec{Kernel: api.KernelMinHash})
	if err != nil {
		t.Fatal(err)
	}
	in := dataset.Schema{Kind: dataset.KindCrawl, Columns: []dataset.Column{{Name: "text", Type: dataset.TypeString, Role: dataset.RoleContent}}}
	rows := make([]dataset.Row, len(texts))
	src := make([][]byte, len(texts))
	for i, tx := range texts {
		rows[i] = dataset.Row{tx}
		h := sha256.Sum256([]byte(tx + "\x00" + string(rune(i))))
		src[i] = h[:]
	}
	out, err := RunShard(context.Background(), k, rows, in, src, dataset.Provenance{Node: "0xabc", FetchedAt: 1})
	if err != nil {
		t.Fatal(err)
	}
	schema, err := dataset.ComputeSchema(k.OutputColumns())
	if err != nil {
		t.Fatal(err)
	}
	hasher, err := dataset.NewHasher(schema)
	if err != nil {
		t.Fatal(err)
	}
	rowHashes := make([][]byte, len(out))
	for i, r := range out {
		h, err := hasher.Hash(r)
		if err != nil {
			t.Fatal(err)
		}
		rowHashes[i] = h[:]
	}
	return schema, out, rowHashes
}

// nearCorpus is pages with near copies (a word changed, a footer added)
// and exact copies.
func nearCorpus(pages, seed int) []string {
	r := rand.New(rand.NewPCG(uint64(seed), 7))
	var texts []string
	for i, p := range englishCorpus(pages, 1500) {
		texts = append(texts, p)
		w := strings.Fields(p)
		switch i % 4 {
		case 1:
			w[r.IntN(len(w))] = "CHANGED"
			texts = append(texts, strings.Join(w, " "))
		case 2:
			texts = append(texts, p, p+" Copyright 2026 example inc.")
		case 3:
			texts = append(texts, p)
		}
	}
	return texts
}

func TestDedupRunShard(t *testing.T) {
	texts := nearCorpus(24, 1)
	schema, rows, rowHashes := minhashDataset(t, texts)
	k, err := New(api.ComputeSpec{Kernel: api.KernelDedup})
	if err != nil {
		t.Fatal(err)
	}
	prov := dataset.Provenance{Node: "0xnode", FetchedAt: 7}
	out, err := RunShard(context.Background(), k, rows, schema, rowHashes, prov)
	if err != nil {
		t.Fatal(err)
	}
	outSchema, err := dataset.ComputeSchema(k.OutputColumns())
	if err != nil {
		t.Fatal(err)
	}
	// The same clusters as Cluster over the minhash rows, row by row.
	ms, err := Cluster(schema, rows)
	if err != nil {
		t.Fatal(err)
	}
	ci, ki, si := outSchema.Index(ColCluster), outSchema.Index(ColKeep), outSchema.Index(ColClusterSize)
	ei, esi := outSchema.Index(ColExactCluster), outSchema.Index(ColExactSize)
	kept, exactDup := 0, 0
	for i, r := range out {
		if len(r) != len(outSchema.Columns) {
			t.Fatalf("row %d: %d values for %d columns", i, len(r), len(outSchema.Columns))
		}
		if !bytes.Equal(r[0].([]byte), rowHashes[i]) {
			t.Fatalf("row %d: source_hash is not the minhash row's hash", i)
		}
		if !bytes.Equal(r[ci].([]byte), ms[i].Cluster) || r[ki].(bool) != ms[i].Keep || r[si].(int64) != int64(ms[i].Size) {
			t.Errorf("row %d: %x %v %d, Cluster says %x %v %d", i, r[ci], r[ki], r[si], ms[i].Cluster, ms[i].Keep, ms[i].Size)
		}
		if r[ki].(bool) {
			kept++
		}
		if r[esi].(int64) > 1 && !bytes.Equal(r[ei].([]byte), rows[i][0].([]byte)) {
			exactDup++
		}
	}
	// 24 pages: 6 with an exact copy, 6 with an exact and a near copy, 6
	// with a near copy. Every page's family is one cluster.
	if kept != 24 || exactDup != 12 {
		t.Fatalf("%d rows kept, %d exact duplicates; want 24 and 12", kept, exactDup)
	}
	// Every row encodes and hashes under the output schema.
	hasher, err := dataset.NewHasher(outSchema)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range out {
		if _, err := hasher.Hash(r); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
	}
}

// TestDedupPermutation checks that replicas agree whatever order their
// shards' rows come in: the output rows, as a set, are the same.
func TestDedupPermutation(t *testing.T) {
	texts := nearCorpus(40, 2)
	schema, rows, rowHashes := minhashDataset(t, texts)
	k, err := New(api.ComputeSpec{Kernel: api.KernelDedup})
	if err != nil {
		t.Fatal(err)
	}
	run := func(rows []dataset.Row, hashes [][]byte) map[string]dataset.Row {
		out, err := RunShard(context.Background(), k, rows, schema, hashes, dataset.Provenance{Node: "0x1", FetchedAt: 1})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]dataset.Row{}
		for _, r := range out {
			m[string(r[0].([]byte))] = r
		}
		return m
	}
	want := run(rows, rowHashes)
	r := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 5; trial++ {
		perm := r.Perm(len(rows))
		pr, ph := make([]dataset.Row, len(rows)), make([][]byte, len(rows))
		for i, j := range perm {
			pr[i], ph[i] = rows[j], rowHashes[j]
		}
		if got := run(pr, ph); !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d: the output differs under a permutation of the rows", trial)
		}
	}
}

func TestDedupRunShardInput(t *testing.T) {
	k, err := New(api.ComputeSpec{Kernel: api.KernelDedup})
	if err != nil {
		t.Fatal(err)
	}
	crawl, crows, chashes := crawlRows(t, []string{"a text"})
	if _, err := RunShard(context.Background(), k, crows, crawl, chashes, dataset.Provenance{}); !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), `compute.input: no column "source_hash", expected kernel dedup's input columns`) {
		t.Fatalf("crawl input: %v", err)
	}
	wrong := dataset.Schema{Kind: dataset.KindCompute, Columns: []dataset.Column{
		{Name: "source_hash", Type: dataset.TypeBytes}, {Name: "minhash_bands", Type: dataset.TypeUint32List}, {Name: "text_sha256", Type: dataset.TypeBytes},
	}}
	if _, err := RunShard(context.Background(), k, nil, wrong, nil, dataset.Provenance{}); !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), `column "minhash_bands" has type list<uint32>, expected list<uint64>`) {
		t.Fatalf("wrong type: %v", err)
	}
	if _, err := New(api.ComputeSpec{Kernel: api.KernelDedup, Column: "text"}); !errors.Is(err, ErrBadParams) || !strings.Contains(err.Error(), "compute.column") {
		t.Fatalf("column text: %v", err)
	}
	if _, err := New(api.ComputeSpec{Kernel: api.KernelDedup, MinHash: &api.MinHashParams{}}); !errors.Is(err, ErrBadParams) {
		t.Fatalf("minhash params: %v", err)
	}
}

// TestDedupNamesMatchAPI keeps api's names of dedup's input columns (which
// coordinators check an input against) equal to the columns written here.
func TestDedupNamesMatchAPI(t *testing.T) {
	var names []string
	for _, c := range (dedupKernel{}).InputColumns() {
		names = append(names, c.Name)
	}
	if !slices.Equal(names, api.DedupInputColumns()) || api.DedupColumn != ColMinHashBands || dataset.ColSourceHash != api.DedupSourceHashColumn {
		t.Fatalf("dedup reads %v, api says %v (column %s)", names, api.DedupInputColumns(), api.DedupColumn)
	}
}

func TestTextHash(t *testing.T) {
	for _, tt := range []struct{ a, b string }{
		{"two  words", "two words"},
		{" \ttwo\nwords\r\n", "two words"},
		{"", "   "},
	} {
		if !bytes.Equal(TextHash(tt.a), TextHash(tt.b)) {
			t.Errorf("%q and %q: different text hashes", tt.a, tt.b)
		}
	}
	want := sha256.Sum256([]byte("two words"))
	if !bytes.Equal(TextHash("two words"), want[:]) {
		t.Fatal("text hash of normalized text is not its SHA-256")
	}
	if bytes.Equal(TextHash("two words"), TextHash("two Words")) {
		t.Fatal("case is not normalized away")
	}
}

// Rows that are wholly identical (a dataset holding the same row several
// times): the first copy in row order is kept, for any number of copies
// (slices.SortFunc is not stable, and from 13 elements on it used to pick
// another copy), and wherever the copies lie among other rows.
func TestDedupIdenticalRowsKeepTheFirst(t *testing.T) {
	row := func(b byte) DedupRow {
		h := bytes.Repeat([]byte{b}, SourceHashSize)
		return DedupRow{RowHash: h, SourceHash: h, TextHash: h, Bands: []uint64{uint64(b), uint64(b) << 8}}
	}
	for _, copies := range []int{2, 13, 40} {
		for _, at := range []int{0, 5} {
			var rows []DedupRow
			for i := 0; i < at; i++ {
				rows = append(rows, row(byte(0x40+i)))
			}
			for i := 0; i < copies; i++ {
				rows = append(rows, row(0x20))
			}
			rows = append(rows, row(0x90))
			got, err := Dedup(context.Background(), rows)
			if err != nil {
				t.Fatal(err)
			}
			for i := at; i < at+copies; i++ {
				if want := i == at; got[i].Keep != want || got[i].Size != copies {
					t.Fatalf("%d copies from row %d: row %d keep %v size %d, want keep %v size %d", copies, at, i, got[i].Keep, got[i].Size, want, copies)
				}
			}
		}
	}
}
