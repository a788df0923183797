package devnet

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/dataset"
)

// TestDedupJobEndToEnd runs dataset-wide dedup as a job (issue 13): a crawl
// of demo articles, their near-duplicate mirrors and three articles under a
// second URL (exact duplicates), a minhash job in shards of 7 rows, then a
// dedup job over the minhash dataset, which the coordinators plan as one
// task over every row and two nodes (a third when the faulty one answers)
// compute and cross-check. The buyer downloads the dedup dataset, verifies
// it against its manifest, and checks every row against compute.Cluster run
// on the downloaded minhash dataset; dedup over anything but a minhash
// dataset is refused naming compute.input.
func TestDedupJobEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	nw, b := startTestNetwork(ctx, t, 3, 1)
	const articles, mirrors, copies = 40, 12, 3
	static, _ := nw.Site.ArticleURLs(nw.SiteURL)
	urls := append([]string(nil), static[:articles]...)
	urls = append(urls, static[nw.cfg.Site.Articles:nw.cfg.Site.Articles+mirrors]...)
	for i := 0; i < copies; i++ {
		urls = append(urls, static[20+i]+"?copy=1") // the same page: the same text
	}
	crawlJob, err := b.Submit(ctx, crawlSpec(urls))
	if err != nil {
		t.Fatalf("submit crawl: %v", err)
	}
	crawl := waitJob(ctx, t, b, crawlJob.ID)
	mhJob, err := b.Submit(ctx, api.JobSpec{Kind: api.JobCompute, Name: "minhash", Compute: &api.ComputeSpec{Input: crawl.Dataset, Kernel: api.KernelMinHash, ShardRows: 7}})
	if err != nil {
		t.Fatalf("submit minhash: %v", err)
	}
	mh := waitJob(ctx, t, b, mhJob.ID)
	t.Logf("crawl and minhash done at %s: %d minhash rows", time.Since(start).Round(time.Millisecond), mh.Progress.RowsAccepted)

	// Dedup over the crawl dataset is refused: it is no minhash dataset.
	_, err = b.Submit(ctx, api.JobSpec{Kind: api.JobCompute, Compute: &api.ComputeSpec{Input: crawl.Dataset, Kernel: api.KernelDedup}})
	checkRemote(t, err, 400, "compute.input")

	ddJob, err := b.Submit(ctx, api.JobSpec{Kind: api.JobCompute, Name: "dedup", Compute: &api.ComputeSpec{Input: mh.Dataset, Kernel: api.KernelDedup}})
	if err != nil {
		t.Fatalf("submit dedup: %v", err)
	}
	dd := waitJob(ctx, t, b, ddJob.ID)
	t.Logf("dedup done at %s: %+v", time.Since(start).Round(time.Millisecond), dd.Progress)
	if dd.Progress.Tasks.Total() != 1 || dd.Progress.Tasks.Verified != 1 {
		t.Fatalf("dedup tasks %+v: want one, verified", dd.Progress.Tasks)
	}

	dir := t.TempDir()
	download := func(jobID, ds, name string) (dataset.Schema, []dataset.Row, []dataset.Hash) {
		t.Helper()
		m, _, err := b.Manifest(ctx, ds)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name+".arrows")
		payJob(ctx, t, b, nw, jobID)
		if _, err := b.Download(ctx, ds, api.FormatArrow, path); err != nil {
			t.Fatalf("download %s: %v", name, err)
		}
		rep, err := dataset.Verify(ctx, path, dataset.VerifyOptions{Manifest: m})
		if err != nil {
			t.Fatalf("verify the %s dataset: %v", name, err)
		}
		if rep.Rows != m.TotalRows {
			t.Fatalf("%s: verified %d rows, want %d", name, rep.Rows, m.TotalRows)
		}
		return readRows(t, path)
	}
	mhSchema, mhRows, mhHashes := download(mhJob.ID, mh.Dataset, "minhash")
	ddSchema, ddRows, _ := download(ddJob.ID, dd.Dataset, "dedup")
	if len(ddRows) != len(mhRows) {
		t.Fatalf("dedup has %d rows for %d minhash rows", len(ddRows), len(mhRows))
	}

	// The verified rows equal compute.Cluster over the downloaded minhash
	// rows, joined by source hash (a dedup row's source hash is its minhash
	// row's hash).
	ms, err := compute.Cluster(mhSchema, mhRows)
	if err != nil {
		t.Fatal(err)
	}
	byHash := map[dataset.Hash]int{}
	for i, h := range mhHashes {
		byHash[h] = i
	}
	col := func(name string) int {
		i := ddSchema.Index(name)
		if i < 0 {
			t.Fatalf("the dedup dataset has no %s column", name)
		}
		return i
	}
	si, ci, ki, zi := col(dataset.ColSourceHash), col(compute.ColCluster), col(compute.ColKeep), col(compute.ColClusterSize)
	ei, ezi := col(compute.ColExactCluster), col(compute.ColExactSize)
	textOf := mhSchema.Index(compute.ColTextHash)
	srcOf := mhSchema.Index(dataset.ColSourceHash)
	clusters, drop, exact := 0, 0, 0
	for _, r := range ddRows {
		i, ok := byHash[dataset.Hash(r[si].([]byte))]
		if !ok {
			t.Fatalf("dedup row with source hash %x: no minhash row has that hash", r[si])
		}
		m := ms[i]
		if !bytes.Equal(r[ci].([]byte), m.Cluster) || r[ki].(bool) != m.Keep || r[zi].(int64) != int64(m.Size) {
			t.Errorf("minhash row %d: dedup says cluster %x keep %v size %d; Cluster says %x %v %d", i, r[ci], r[ki], r[zi], m.Cluster, m.Keep, m.Size)
		}
		if r[ki].(bool) && m.Size > 1 {
			clusters++
		}
		if !r[ki].(bool) {
			drop++
		}
		if r[ezi].(int64) > 1 && !bytes.Equal(r[ei].([]byte), mhRows[i][srcOf].([]byte)) {
			exact++
		}
		// Rows with the same exact cluster have the same text hash.
		if n := r[ezi].(int64); n > 1 {
			for _, o := range ddRows {
				if bytes.Equal(o[ei].([]byte), r[ei].([]byte)) {
					j := byHash[dataset.Hash(o[si].([]byte))]
					if !bytes.Equal(mhRows[j][textOf].([]byte), mhRows[i][textOf].([]byte)) {
						t.Errorf("minhash rows %d and %d: one exact cluster, different text hashes", i, j)
					}
				}
			}
		}
	}
	// Every mirror and every second URL joins its article; three second
	// URLs are exact duplicates of theirs.
	if clusters != mirrors+copies || drop != mirrors+copies || exact != copies {
		t.Errorf("%d clusters, %d rows to drop, %d exact duplicates; want %d, %d, %d", clusters, drop, exact, mirrors+copies, mirrors+copies, copies)
	}
	t.Logf("%d clusters, %d rows to drop, %d exact duplicates; done at %s", clusters, drop, exact, time.Since(start).Round(time.Millisecond))
}
