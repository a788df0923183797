package devnet

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/dataset"
)

// testStages runs two compute jobs as stages of a pipeline over a verified
// main-text crawl (crawl, its rows and their hashes, downloaded by the
// caller): quality over the main text of the rows whose extraction
// succeeded, carrying the crawl row's hash as id, its url, title and main
// text; then pii over the quality stage's rows that a word count and a url
// list select, reading the carried main text. Each stage's rows are
// checked against the filter and the kernel computed here, and their
// lineage (source_hash is the previous stage's row hash; id the crawl
// row's). Specs that no node could run are refused naming the field.
func testStages(ctx context.Context, t *testing.T, nw *Network, b *buyer.Client, crawl string, cSchema dataset.Schema, cRows []dataset.Row, cHashes []dataset.Hash) {
	dir := t.TempDir()
	raw := func(v any) json.RawMessage {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	run := func(name string, spec api.ComputeSpec) (string, dataset.Schema, []dataset.Row, []dataset.Hash) {
		t.Helper()
		j, err := b.Submit(ctx, api.JobSpec{Kind: api.JobCompute, Name: name, Compute: &spec})
		if err != nil {
			t.Fatalf("submit %s: %v", name, err)
		}
		st := waitJob(ctx, t, b, j.ID)
		if st.Progress.Tasks.Inconclusive != 0 {
			t.Fatalf("%s: %+v", name, st.Progress)
		}
		m, _, err := b.Manifest(ctx, st.Dataset)
		if err != nil {
			t.Fatal(err)
		}
		payJob(ctx, t, b, nw, j.ID)
		path := filepath.Join(dir, name+".arrows")
		if _, err := b.Download(ctx, st.Dataset, api.FormatArrow, path); err != nil {
			t.Fatalf("download %s: %v", name, err)
		}
		if _, err := dataset.Verify(ctx, path, dataset.VerifyOptions{Manifest: m}); err != nil {
			t.Fatalf("verify %s: %v", name, err)
		}
		s, rows, hashes := readRows(t, path)
		t.Logf("stage %s: %d rows of %d columns, %d rows rejected", name, len(rows), len(s.Columns), st.Progress.RowsRejected)
		return st.Dataset, s, rows, hashes
	}
	col := func(s dataset.Schema, name string) int {
		t.Helper()
		i := s.Index(name)
		if i < 0 {
			t.Fatalf("no column %s in %v", name, s.Columns)
		}
		return i
	}
	// kernel computes spec's kernel here over one text, its strings
	// normalized as a dataset stores them.
	kernel := func(spec api.ComputeSpec, text string) dataset.Row {
		t.Helper()
		k, err := compute.New(spec.WithDefaults())
		if err != nil {
			t.Fatal(err)
		}
		out, err := k.Run(ctx, []string{text})
		if err != nil {
			t.Fatal(err)
		}
		s, err := dataset.ComputeSchema(k.OutputColumns())
		if err != nil {
			t.Fatal(err)
		}
		return dataset.NormalizeRow(s, append(dataset.Row{nil}, out[0]...))[1:]
	}

	// Refused, naming the field: by the buyer's client where the spec
	// alone says so, else by the coordinators, who read the input's
	// schema; sent past the client, by the coordinators alike. The state
	// does not change.
	rawClient, err := api.NewClient(api.ClientConfig{Coordinators: nw.CoordURLs, Key: nw.Chain.Buyer, Domain: api.DomainFor(nw.chainID)})
	if err != nil {
		t.Fatal(err)
	}
	before := stableDigest(ctx, t, nw)
	for _, c := range []struct {
		field string
		local bool
		where []api.Condition
		carry []api.Carry
	}{
		{"compute.where[0].op", true, []api.Condition{{Column: "url", Op: "like", Value: raw("x")}}, nil},
		{"compute.where[0].value", true, []api.Condition{{Column: "url", Op: api.OpIn, Value: raw([]any{"a", 1})}}, nil},
		{"compute.where[0].value", true, []api.Condition{{Column: "url", Op: api.OpEq, Value: json.RawMessage("null")}}, nil},
		{"compute.where[0].column", false, []api.Condition{{Column: "no_such_column", Op: api.OpEq, Value: raw("x")}}, nil},
		{"compute.where[0].value", false, []api.Condition{{Column: dataset.ColExtractStatus, Op: api.OpEq, Value: raw(5)}}, nil},
		{"compute.where[0].op", false, []api.Condition{{Column: dataset.ColURL, Op: api.OpLt, Value: raw(5)}}, nil},
		{"compute.where[0].column", false, []api.Condition{{Column: dataset.ColMainText, Op: api.OpEq, Value: raw("x")}}, nil},
		{"compute.carry[0].as", false, nil, []api.Carry{{Column: dataset.ColURL, As: compute.ColQualityKeep}}},
		{"compute.carry[0].column", false, nil, []api.Carry{{Column: dataset.ColNode}}},
		{"compute.carry[0].as", true, nil, []api.Carry{{Column: api.CarryRowHash}}},
		{"compute.carry[1].as", true, nil, []api.Carry{{Column: dataset.ColURL}, {Column: dataset.ColTitle, As: dataset.ColURL}}},
	} {
		spec := api.JobSpec{Kind: api.JobCompute, Compute: &api.ComputeSpec{Input: crawl, Column: dataset.ColMainText, Kernel: api.KernelQuality, Where: c.where, Carry: c.carry}}
		_, err := b.Submit(ctx, spec)
		if c.local {
			if !hasField(api.FieldErrors(err), c.field) {
				t.Fatalf("client error %v does not name %s", err, c.field)
			}
		} else {
			checkRemote(t, err, 400, c.field)
		}
		var job api.Job
		err = rawClient.Post(ctx, api.MethodJobSubmit, "/v1/jobs", spec, &job)
		if err == nil {
			t.Fatalf("the coordinators accepted %+v: job %s", spec.Compute, job.ID)
		}
		checkRemote(t, err, 400, c.field)
	}
	if after := stableDigest(ctx, t, nw); after != before {
		t.Errorf("refused stages changed the state: digest %s → %s", before, after)
	}

	// Stage 1: quality over the main text of the rows extracted.
	q := api.ComputeSpec{Input: crawl, Column: dataset.ColMainText, Kernel: api.KernelQuality, ShardRows: 4,
		Where: []api.Condition{{Column: dataset.ColExtractStatus, Op: api.OpEq, Value: raw(api.ExtractOK)}},
		Carry: []api.Carry{{Column: api.CarryRowHash, As: "id"}, {Column: dataset.ColURL}, {Column: dataset.ColTitle}, {Column: dataset.ColMainText}}}
	qID, qSchema, qRows, qHashes := run("stage quality", q)
	want := map[string]int{} // crawl row hash → crawl row, for the rows the filter keeps
	for i, r := range cRows {
		if r[col(cSchema, dataset.ColExtractStatus)] == api.ExtractOK {
			want[string(cHashes[i][:])] = i
		}
	}
	if len(qRows) != len(want) || len(want) == 0 || len(want) == len(cRows) {
		t.Fatalf("quality stage: %d rows; want the %d of %d crawl rows extracted", len(qRows), len(want), len(cRows))
	}
	nq := len(compute.QualityColumns())
	for _, name := range []string{"id", dataset.ColURL, dataset.ColTitle, dataset.ColMainText} {
		if i := col(qSchema, name); i <= nq {
			t.Fatalf("carried column %s at %d: want it after source_hash and the %d kernel columns", name, i, nq)
		}
	}
	for _, r := range qRows {
		ci, ok := want[string(r[0].([]byte))]
		if !ok {
			t.Fatalf("quality row with source hash %x: no extracted crawl row has that hash", r[0])
		}
		c := cRows[ci]
		if r[col(qSchema, "id")] != hex.EncodeToString(cHashes[ci][:]) {
			t.Errorf("quality row %x: id %v, want the crawl row's hash", r[0], r[col(qSchema, "id")])
		}
		for _, name := range []string{dataset.ColURL, dataset.ColTitle, dataset.ColMainText} {
			if !reflect.DeepEqual(r[col(qSchema, name)], c[col(cSchema, name)]) {
				t.Errorf("quality row %x: carried %s = %v, want the crawl's %v", r[0], name, r[col(qSchema, name)], c[col(cSchema, name)])
			}
		}
		lines, _ := c[col(cSchema, dataset.ColMainText)].([]string)
		if got, w := r[1:1+nq], kernel(q, strings.Join(lines, "\n")); !reflect.DeepEqual([]any(got), []any(w)) {
			t.Errorf("quality row for %v: %v, want %v", c[col(cSchema, dataset.ColURL)], got, w)
		}
	}

	// Stage 2: pii over the quality rows of at least the median word count
	// among three urls, reading the carried main text.
	words := col(qSchema, "gopher_words")
	var counts []int64
	for _, r := range qRows {
		counts = append(counts, r[words].(int64))
	}
	slices.Sort(counts)
	median := counts[len(counts)/2]
	var urls []string
	for _, r := range qRows[:3] {
		urls = append(urls, r[col(qSchema, dataset.ColURL)].(string))
	}
	p := api.ComputeSpec{Input: qID, Column: dataset.ColMainText, Kernel: api.KernelPII,
		Where: []api.Condition{{Column: "gopher_words", Op: api.OpGe, Value: raw(median)}, {Column: dataset.ColURL, Op: api.OpIn, Value: raw(urls)}},
		Carry: []api.Carry{{Column: "id"}, {Column: dataset.ColURL}, {Column: compute.ColQualityKeep, As: "keep"}}}
	_, pSchema, pRows, _ := run("stage pii", p)
	wantP := map[string]int{}
	for i, r := range qRows {
		if r[words].(int64) >= median && slices.Contains(urls, r[col(qSchema, dataset.ColURL)].(string)) {
			wantP[string(qHashes[i][:])] = i
		}
	}
	if len(pRows) != len(wantP) || len(wantP) == 0 {
		t.Fatalf("pii stage: %d rows; want the %d quality rows with at least %d words among %v", len(pRows), len(wantP), median, urls)
	}
	np := len(pSchema.Columns) - 1 - 3 - 3 // less source_hash, the carried and the provenance columns
	for _, r := range pRows {
		qi, ok := wantP[string(r[0].([]byte))]
		if !ok {
			t.Fatalf("pii row with source hash %x: no selected quality row has that hash", r[0])
		}
		qr := qRows[qi]
		if r[col(pSchema, "id")] != qr[col(qSchema, "id")] || r[col(pSchema, dataset.ColURL)] != qr[col(qSchema, dataset.ColURL)] ||
			r[col(pSchema, "keep")] != qr[col(qSchema, compute.ColQualityKeep)] {
			t.Errorf("pii row %x: carried id, url, keep %v %v %v; want the quality row's %v %v %v", r[0],
				r[col(pSchema, "id")], r[col(pSchema, dataset.ColURL)], r[col(pSchema, "keep")],
				qr[col(qSchema, "id")], qr[col(qSchema, dataset.ColURL)], qr[col(qSchema, compute.ColQualityKeep)])
		}
		lines, _ := qr[col(qSchema, dataset.ColMainText)].([]string)
		if got, w := r[1:1+np], kernel(p, strings.Join(lines, "\n")); !reflect.DeepEqual([]any(got), []any(w)) {
			t.Errorf("pii row for %v: %v, want %v", qr[col(qSchema, dataset.ColURL)], got, w)
		}
	}
}
