package node

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/blob/s3test"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// storeFaults sits in a node's transport: it counts the node's proxied
// uploads and its PUTs to the object store (store, host:port), and refuses
// the first refuse of those PUTs with 503 SlowDown, as a store under load
// does, without sending them.
type storeFaults struct {
	base     http.RoundTripper
	store    string
	refuse   int64
	puts     atomic.Int64
	refused  atomic.Int64
	proxied  atomic.Int64
	reported atomic.Int64
}

func (f *storeFaults) RoundTrip(req *http.Request) (*http.Response, error) {
	switch {
	case req.URL.Host == f.store && req.Method == http.MethodPut:
		if f.puts.Add(1) <= f.refuse {
			f.refused.Add(1)
			if req.Body != nil {
				req.Body.Close()
			}
			return &http.Response{StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable", Request: req,
				Header: http.Header{}, Body: io.NopCloser(strings.NewReader("<Error><Code>SlowDown</Code></Error>"))}, nil
		}
	case req.URL.Path == routeUpload:
		f.proxied.Add(1)
	case req.URL.Path == api.RouteUploadStaged:
		f.reported.Add(1)
	}
	return f.base.RoundTrip(req)
}

// presignedJob runs a two-page crawl job on two nodes of a one-member
// cluster whose blobs are in a real S3-compatible store, with each node's
// PUTs to the store refused refuse times, and returns the member and the
// nodes' fault counters once the job is done. proxy is the member's
// Config.ProxyUploads.
func presignedJob(t *testing.T, refuse int64, proxy bool) (*coord.Coordinator, []*storeFaults) {
	t.Helper()
	site := pageSite(t)
	srv := s3test.Start(t)
	store := &coord.ObjectStoreConfig{Endpoint: srv.Endpoint, Bucket: srv.NewBucket(t), Prefix: "meadow/", AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey}
	c := coordtest.NewTestCluster(t, 1, coordtest.WithConfig(func(_ int, cfg *coord.Config) { cfg.ObjectStore, cfg.ProxyUploads = store, proxy }))
	m := c.WaitLeader()
	var faults []*storeFaults
	for i := range 2 {
		n := newLoopbackNode(t, m.C.HTTPAddr(), m.Config.ChainID, func(c *Config) { c.SourceIP = fmt.Sprintf("127.0.%d.1", i+1) })
		f := &storeFaults{base: n.client.HTTP().Transport, store: srv.Endpoint, refuse: refuse}
		n.client.HTTP().Transport = f
		faults = append(faults, f)
		runNode(t, n)
	}
	twoPageJob(t, m.C, site, 2)
	return m.C, faults
}

// A node uploads its blob straight to the object store: a store that
// refuses its first PUTs (503) is tried again with a fresh URL, and the
// blob never passes through a coordinator.
func TestPresignedUploadRetriesTheStore(t *testing.T) {
	leader, faults := presignedJob(t, 2, false)
	var refused, proxied, reported int64
	for _, f := range faults {
		refused += f.refused.Load()
		proxied += f.proxied.Load()
		reported += f.reported.Load()
	}
	if refused == 0 || reported == 0 {
		t.Fatalf("refused %d PUTs, %d reports: the test did not exercise a retry", refused, reported)
	}
	if proxied != 0 {
		t.Fatalf("%d uploads went through the coordinator", proxied)
	}
	// The job is done once the blob is recorded, which the member counts
	// a moment after: wait for the count, then check it is exactly one.
	coordtest.WaitFor(t, 10*time.Second*coordtest.Scale(), "the presigned upload counted", func() bool { return leader.PresignedUploads() >= 1 })
	if n := leader.PresignedUploads(); n != 1 {
		t.Fatalf("presigned uploads = %d, want 1", n)
	}
	if n := leader.ProxiedUploads(); n != 0 {
		t.Fatalf("the leader counts %d proxied uploads (meadow_uploads_proxied_total), want 0", n)
	}
}

// A node whose PUTs the store refuses for longer than one upload's tries
// offers the blob to the coordinator, which carries no blob bytes and
// refuses it; the node keeps the blob and, asked again, PUTs it to the
// store once the store takes it. Nothing goes through the coordinator.
func TestPresignedUploadWaitsForTheStore(t *testing.T) {
	leader, faults := presignedJob(t, storeTries+2, false)
	var refused, proxied int64
	for _, f := range faults {
		refused += f.refused.Load()
		proxied += f.proxied.Load()
	}
	if refused <= storeTries || proxied == 0 {
		t.Fatalf("%d PUTs refused and %d uploads offered to the coordinator: the test did not outlast one upload's tries", refused, proxied)
	}
	coordtest.WaitFor(t, 10*time.Second*coordtest.Scale(), "the presigned upload counted", func() bool { return leader.PresignedUploads() >= 1 })
	if n := leader.ProxiedUploads(); n != 0 {
		t.Fatalf("the coordinator took %d uploads itself, want 0", n)
	}
}

// With ProxyUploads (meadow coord --proxy-uploads), a node that cannot PUT
// to the store at all (every try refused) hands the blob to a coordinator,
// which stores it.
func TestPresignedUploadFallsBack(t *testing.T) {
	leader, faults := presignedJob(t, 1<<30, true)
	var proxied int64
	for _, f := range faults {
		proxied += f.proxied.Load()
	}
	if proxied == 0 {
		t.Fatal("no upload went through the coordinator after the store refused every PUT")
	}
	if n := leader.PresignedUploads(); n != 0 {
		t.Fatalf("presigned uploads = %d, want 0", n)
	}
	coordtest.WaitFor(t, 10*time.Second*coordtest.Scale(), "the proxied upload counted", func() bool { return leader.ProxiedUploads() >= 1 })
}
