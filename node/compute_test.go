package node

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/dataset"
)

// crawlBlob writes n crawl rows (pages from first on) as an Arrow IPC
// stream and returns the bytes, the rows and their hashes.
func crawlBlob(t *testing.T, first, n int) ([]byte, []dataset.Row, [][]byte) {
	t.Helper()
	s, err := dataset.CrawlSchema(nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := dataset.NewWriter(&buf, dataset.FormatArrowStream, s)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := dataset.NewHasher(s)
	var rows []dataset.Row
	var hashes [][]byte
	for i := first; i < first+n; i++ {
		r := dataset.CrawlRow(s, dataset.Page{
			URL: fmt.Sprintf("https://example.org/%d", i), FinalURL: fmt.Sprintf("https://example.org/%d", i), Status: 200,
			ContentType: "text/html", Text: fmt.Sprintf("page %d says the meadow holds %d small flowers in spring light", i, i*7),
		}, dataset.Provenance{Node: "0xabc", FetchedAt: 1})
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
		sum, err := h.Hash(r)
		if err != nil {
			t.Fatal(err)
		}
		rows, hashes = append(rows, r), append(hashes, sum[:])
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), rows, hashes
}

// blobServer serves blobs by their SHA-256 at /v1/blobs/{hash}; corrupt
// serves them with one byte flipped.
func blobServer(t *testing.T, blobs map[api.Hash][]byte, corrupt bool, hits *atomic.Int64) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h, err := api.ParseHash(strings.TrimPrefix(r.URL.Path, routeBlob))
		b, ok := blobs[h]
		if err != nil || !ok {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error":{"code":"not_found","field":"hash","message":"blob: not stored on this coordinator"}}`)
			return
		}
		if corrupt {
			b = append([]byte(nil), b...)
			b[len(b)/2] ^= 1
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func testNode(t *testing.T, coords ...string) *Node {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir, cfg.Coordinators, cfg.Dashboard, cfg.NoGPU = t.TempDir(), coords, "", true
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.crawler.Close() })
	return n
}

// TestComputeShard runs a compute lease against coordinators that lack the
// blobs or serve them corrupted: the node moves on to one that serves them
// intact, takes the shard's rows from the middle of one blob to the middle
// of the next, and its output equals the kernel's CPU run over those rows,
// with the input rows' hashes as source hashes.
func TestComputeShard(t *testing.T) {
	b1, rows1, h1 := crawlBlob(t, 0, 10)
	b2, rows2, h2 := crawlBlob(t, 10, 10)
	blobs := map[api.Hash][]byte{api.Hash(sha256.Sum256(b1)): b1, api.Hash(sha256.Sum256(b2)): b2}
	var missing, bad, good atomic.Int64
	n := testNode(t,
		blobServer(t, nil, false, &missing),
		blobServer(t, blobs, true, &bad),
		blobServer(t, blobs, false, &good))

	task := api.ComputeTask{
		Input: "ds-j-1", Column: "text", Kernel: api.KernelMinHash,
		MinHash: &api.MinHashParams{Shingle: "word", Size: 3, Permutations: 128, Bands: 32},
		Shard: api.Shard{FirstRow: 6, Parts: []api.ShardPart{
			{Task: "j-1.t000000", Blob: api.Hash(sha256.Sum256(b1)), Offset: 6, Rows: 4},
			{Task: "j-1.t000001", Blob: api.Hash(sha256.Sum256(b2)), Offset: 0, Rows: 3},
		}},
	}
	lease := api.Lease{ID: "l-1", Task: api.Task{ID: "j-2.t000000", JobID: "j-2", Kind: api.JobCompute, Compute: &task}, Deadline: time.Now().Add(time.Minute).UnixMilli()}
	if err := lease.Task.Validate(); err != nil {
		t.Fatal(err)
	}
	out, got, err := n.runCompute(context.Background(), lease)
	if err != nil {
		t.Fatal(err)
	}
	if missing.Load() == 0 || bad.Load() == 0 || good.Load() != 2 {
		t.Errorf("requests: %d to the coordinator without the blobs, %d to the corrupting one, %d to the good one (want 2)", missing.Load(), bad.Load(), good.Load())
	}

	in := append(append([]dataset.Row(nil), rows1[6:]...), rows2[:3]...)
	src := append(append([][]byte(nil), h1[6:]...), h2[:3]...)
	s, _ := dataset.CrawlSchema(nil)
	k, err := compute.New(api.ComputeSpec{Kernel: task.Kernel, Column: task.Column, MinHash: task.MinHash})
	if err != nil {
		t.Fatal(err)
	}
	want, err := compute.RunShard(context.Background(), k, in, s, src, dataset.Provenance{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d output rows, want %d", len(got), len(want))
	}
	nc := out.NumContent()
	for i := range got {
		if !reflect.DeepEqual(got[i][:nc], want[i][:nc]) {
			t.Fatalf("output row %d: %v, want %v", i, got[i][:nc], want[i][:nc])
		}
		if got[i][out.Index(dataset.ColNode)] != n.Address().Hex() {
			t.Errorf("row %d: node %v, want %s", i, got[i][out.Index(dataset.ColNode)], n.Address().Hex())
		}
	}
}

// TestComputeShardRefusals: a blob that no coordinator serves intact, a
// shard that asks for rows a blob lacks, and a column the input does not
// have fail the task, naming what is wrong.
func TestComputeShardRefusals(t *testing.T) {
	b1, _, _ := crawlBlob(t, 0, 5)
	h := api.Hash(sha256.Sum256(b1))
	var hits atomic.Int64
	mh := &api.MinHashParams{Shingle: "word", Size: 3, Permutations: 128, Bands: 32}
	lease := func(column string, part api.ShardPart) api.Lease {
		return api.Lease{ID: "l-1", Task: api.Task{ID: "j-2.t000000", JobID: "j-2", Kind: api.JobCompute, Compute: &api.ComputeTask{
			Input: "ds-j-1", Column: column, Kernel: api.KernelMinHash, MinHash: mh, Shard: api.Shard{Parts: []api.ShardPart{part}},
		}}}
	}
	tests := []struct {
		name   string
		coord  string
		lease  api.Lease
		expect string
	}{
		{"corrupt everywhere", blobServer(t, map[api.Hash][]byte{h: b1}, true, &hits), lease("text", api.ShardPart{Task: "t", Blob: h, Rows: 5}), "SHA-256"},
		{"rows past the blob", blobServer(t, map[api.Hash][]byte{h: b1}, false, &hits), lease("text", api.ShardPart{Task: "t", Blob: h, Offset: 3, Rows: 5}), "holds 2 of the part's 5 rows"},
		{"no such column", blobServer(t, map[api.Hash][]byte{h: b1}, false, &hits), lease("body", api.ShardPart{Task: "t", Blob: h, Rows: 5}), `compute.column "body"`},
		{"not a string column", blobServer(t, map[api.Hash][]byte{h: b1}, false, &hits), lease("status", api.ShardPart{Task: "t", Blob: h, Rows: 5}), `compute.column "status"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := testNode(t, tc.coord)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, _, err := n.runCompute(ctx, tc.lease)
			if err == nil || !strings.Contains(err.Error(), tc.expect) {
				t.Fatalf("err %v: want one saying %q", err, tc.expect)
			}
		})
	}
}
