package node

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// stallingTransport holds a node's reveals back until another node has
// revealed (after) and fails its uploads: a node that decides a task last
// and then loses its connection. Waiting for the other's reveal, not for a
// fixed time, keeps the order on a loaded machine.
type stallingTransport struct {
	base    http.RoundTripper
	after   <-chan struct{}
	uploads atomic.Int64
}

func (s *stallingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	switch req.URL.Path {
	case routeReveal:
		select {
		case <-s.after:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(time.Minute):
		}
	case routeUpload:
		s.uploads.Add(1)
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, errors.New("test: the uploader's connection is gone")
	}
	return s.base.RoundTrip(req)
}

// revealSignal closes revealed once its node's first reveal was answered.
type revealSignal struct {
	base     http.RoundTripper
	once     sync.Once
	revealed chan struct{}
}

func (r *revealSignal) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err == nil && req.URL.Path == routeReveal && resp.StatusCode == http.StatusOK {
		r.once.Do(func() { close(r.revealed) })
	}
	return resp, err
}

// TestUploadHandedToAnotherAgreeingNode: two nodes crawl the same task; the
// one that decides it (reveals last) is asked to upload and cannot. When
// its upload wait passes, the coordinator asks the other agreeing node in
// its work answer, which uploads the blob it held since its reveal, and
// the job completes.
func TestUploadHandedToAnotherAgreeingNode(t *testing.T) {
	site := pageSite(t)

	c := coordtest.NewTestCluster(t, 1, coordtest.WithConfig(func(_ int, cfg *coord.Config) {
		cfg.UploadTTL = time.Second
		cfg.LeaseSweepInterval = 100 * time.Millisecond
	}))
	m := c.WaitLeader()
	leader := m.C

	// Distinct /24s, or the scheduler would not give both the task.
	holder := newLoopbackNode(t, leader.HTTPAddr(), m.Config.ChainID, func(c *Config) { c.SourceIP = "127.0.1.1" })
	decider := newLoopbackNode(t, leader.HTTPAddr(), m.Config.ChainID, func(c *Config) { c.SourceIP = "127.0.2.1" })
	signal := &revealSignal{base: holder.client.HTTP().Transport, revealed: make(chan struct{})}
	holder.client.HTTP().Transport = signal
	stall := &stallingTransport{base: decider.client.HTTP().Transport, after: signal.revealed}
	decider.client.HTTP().Transport = stall
	runNode(t, holder)
	runNode(t, decider)

	jobID := twoPageJob(t, leader, site, 2)
	if stall.uploads.Load() == 0 {
		t.Fatal("the deciding node was never asked to upload: the test did not exercise the hand-over")
	}
	task, err := leader.Task(jobID + ".t000000")
	if err != nil {
		t.Fatal(err)
	}
	l, err := leader.Lease(task.Blob.Lease)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.EqualFold(l.Node, holder.Address().Hex()) || task.UploadReassigned == 0 {
		t.Fatalf("blob from %s's lease after %d hand-overs; want the holder %s's, after at least one", l.Node, task.UploadReassigned, holder.Address())
	}
	if holder.held.len() != 0 {
		t.Fatalf("holder still holds %d blobs after its upload", holder.held.len())
	}
}

// failFirstUploads fails a node's first n uploads, as a link that drops
// while the blob is on its way.
type failFirstUploads struct {
	base    http.RoundTripper
	n       int64
	uploads atomic.Int64
}

func (f *failFirstUploads) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path == routeUpload && f.uploads.Add(1) <= f.n {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, errors.New("test: the link dropped during the upload")
	}
	return f.base.RoundTrip(req)
}

// TestUploadRetriedFromHeld: the node asked to upload at its reveal fails
// to, keeps the blob, and uploads it when the coordinators ask again in a
// later work answer; nothing is handed to another node.
func TestUploadRetriedFromHeld(t *testing.T) {
	site := pageSite(t)
	c := coordtest.NewTestCluster(t, 1)
	m := c.WaitLeader()
	leader := m.C
	n := newLoopbackNode(t, leader.HTTPAddr(), m.Config.ChainID)
	// The client tries each coordinator and again: fail every try of the
	// first upload call.
	fail := &failFirstUploads{base: n.client.HTTP().Transport, n: int64(max(n.client.Attempts, 1))}
	n.client.HTTP().Transport = fail
	runNode(t, n)

	jobID := twoPageJob(t, leader, site, 1)
	if got := fail.uploads.Load(); got <= fail.n {
		t.Fatalf("%d upload tries, want more than the %d that failed", got, fail.n)
	}
	task, err := leader.Task(jobID + ".t000000")
	if err != nil {
		t.Fatal(err)
	}
	if task.Blob == nil || task.UploadReassigned != 0 {
		t.Fatalf("blob %+v after %d hand-overs; want the node's own, none", task.Blob, task.UploadReassigned)
	}
	if n.held.len() != 0 {
		t.Fatalf("the node still holds %d blobs after its upload", n.held.len())
	}
}
