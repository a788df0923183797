package devnet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/blob/s3test"
	"github.com/meadow-net/meadow/dataset"
)

// TestObjectStoreEndToEnd runs a crawl job and a compute job over its
// dataset on a network whose coordinators keep every blob in a real
// S3-compatible store (Versity's gateway, a separate process): the task
// outputs are stored in the bucket, the compute nodes read their inputs from
// it through the coordinators, the buyer downloads and verifies both
// datasets, and no coordinator writes a blob to its own disk.
func TestObjectStoreEndToEnd(t *testing.T) {
	for _, checkers := range []int{0, 1} {
		t.Run(fmt.Sprintf("checkers=%d", checkers), func(t *testing.T) { objectStoreEndToEnd(t, checkers) })
	}
}

// objectStoreEndToEnd is TestObjectStoreEndToEnd with that many checkers
// (coord/checker.go) checking the presigned uploads for the members.
func objectStoreEndToEnd(t *testing.T, checkers int) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := DefaultConfig()
	cfg.Nodes, cfg.Faulty, cfg.JSNodes = 2, 0, 0
	cfg.Checkers = checkers
	cfg.Dir = t.TempDir()
	cfg.Logger = testLogger(t)
	cfg.ObjectStore = &coord.ObjectStoreConfig{Endpoint: srv.Endpoint, Bucket: bucket, Prefix: "devnet/", AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey}
	nw, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nw.Close)

	b, err := buyer.New(buyer.Config{Coordinators: nw.CoordURLs, Key: nw.Chain.Buyer, ChainID: nw.chainID})
	if err != nil {
		t.Fatal(err)
	}
	static, _ := nw.Site.ArticleURLs(nw.SiteURL)
	crawlJob, err := b.Submit(ctx, crawlSpec(static[:20]))
	if err != nil {
		t.Fatalf("submit crawl: %v", err)
	}
	crawl := waitJob(ctx, t, b, crawlJob.ID)
	comp, err := b.Submit(ctx, api.JobSpec{Kind: api.JobCompute, Name: "minhash", Compute: &api.ComputeSpec{Input: crawl.Dataset, Kernel: api.KernelMinHash, ShardRows: 7}})
	if err != nil {
		t.Fatalf("submit compute: %v", err)
	}
	done := waitJob(ctx, t, b, comp.ID)

	dir := t.TempDir()
	for _, st := range []api.JobStatus{crawl, done} {
		m, _, err := b.Manifest(ctx, st.Dataset)
		if err != nil {
			t.Fatal(err)
		}
		payJob(ctx, t, b, nw, st.ID)
		path := filepath.Join(dir, st.ID+".arrows")
		if _, err := b.Download(ctx, st.Dataset, api.FormatArrow, path); err != nil {
			t.Fatalf("download %s: %v", st.ID, err)
		}
		rep, err := dataset.Verify(ctx, path, dataset.VerifyOptions{Manifest: m})
		if err != nil || rep.Rows == 0 || rep.Rows != m.TotalRows {
			t.Fatalf("verify %s: %d rows of %d, %v", st.ID, rep.Rows, m.TotalRows, err)
		}
	}

	objects := 0
	for oi := range srv.Client().ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: "devnet/", Recursive: true}) {
		if oi.Err != nil {
			t.Fatal(oi.Err)
		}
		objects++
	}
	if want := int(crawl.Progress.Tasks.Verified + done.Progress.Tasks.Verified); objects < want || want == 0 {
		t.Fatalf("the bucket holds %d blobs, want one per verified task (%d)", objects, want)
	}
	// The compute nodes read their inputs from the bucket: the members
	// answered their reads with presigned URLs.
	// The nodes uploaded their blobs straight to the bucket (presigned
	// PUTs), and the members checked and recorded them.
	// A member counts an upload just after it is recorded, which the job's
	// state may show first: read until every verified task is counted (or
	// the deadline, and the check below says what was found).
	verified := crawl.Progress.Tasks.Verified + done.Progress.Tasks.Verified
	var (
		counts  map[string]float64
		members int
	)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		counts, members, err = nw.memberCounters(ctx, "meadow_blob_reads_redirected_total", "meadow_uploads_presigned_total", "meadow_uploads_proxied_total",
			"meadow_uploads_checked_by_checker_total", "meadow_uploads_checked_without_checker_total")
		if err != nil || members != len(nw.CoordURLs) {
			t.Fatalf("metrics of %d members of %d: %v", members, len(nw.CoordURLs), err)
		}
		if int64(counts["meadow_uploads_presigned_total"]) >= verified || time.Now().After(deadline) {
			break
		}
	}
	if counts["meadow_blob_reads_redirected_total"] == 0 {
		t.Fatal("no member redirected a node's read of an input blob to the bucket")
	}
	if got := int64(counts["meadow_uploads_presigned_total"]); got != verified {
		t.Fatalf("meadow_uploads_presigned_total sums to %d over the members, want one per verified task (%d)", got, verified)
	}
	if got := counts["meadow_uploads_proxied_total"]; got != 0 {
		t.Fatalf("%v task blobs went through a coordinator (meadow_uploads_proxied_total), want none", got)
	}
	// With a checker, it checked every upload and no member did.
	byChecker, without := int64(counts["meadow_uploads_checked_by_checker_total"]), counts["meadow_uploads_checked_without_checker_total"]
	if checkers > 0 && (byChecker != verified || without != 0) || checkers == 0 && byChecker != 0 {
		t.Fatalf("with %d checkers: %d uploads checked by a checker, %v by a member without one; want %d and 0", checkers, byChecker, without, verified*int64(min(checkers, 1)))
	}
	// Staging objects are removed once checked.
	for oi := range srv.Client().ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: "devnet/uploads/", Recursive: true}) {
		t.Fatalf("a staging object was left in the bucket: %s (%v)", oi.Key, oi.Err)
	}
	for _, id := range nw.CoordIDs {
		if es, err := os.ReadDir(filepath.Join(cfg.Dir, id, "blobs")); err == nil && len(es) > 0 {
			t.Fatalf("coordinator %s wrote blobs to its disk: %d entries", id, len(es))
		}
	}
}
