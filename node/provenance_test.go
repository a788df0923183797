package node

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/dataset"
)

// sentCommit is a node.commit envelope a coordinator accepted, and when it
// was sent (the time its expiry is checked against).
type sentCommit struct {
	env api.Envelope
	cm  api.Commitment
	at  time.Time
}

// commitRecorder is the node's HTTP transport with a tap: it keeps, by task
// id, the last node.commit envelope a coordinator answered with success.
type commitRecorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	sent map[string]sentCommit
}

func (r *commitRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost || req.URL.Path != routeCommit || req.Body == nil {
		return r.base.RoundTrip(req)
	}
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(body))
	at := time.Now()
	resp, err := r.base.RoundTrip(out)
	if err != nil || resp.StatusCode/100 != 2 {
		return resp, err
	}
	var s sentCommit
	if json.Unmarshal(body, &s.env) == nil && json.Unmarshal(s.env.Body, &s.cm) == nil {
		s.at = at
		r.mu.Lock()
		r.sent[s.cm.TaskID] = s
		r.mu.Unlock()
	}
	return resp, nil
}

func (r *commitRecorder) commit(taskID string) (sentCommit, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.sent[taskID]
	return s, ok
}

// TestProvenanceSignature runs a crawl job and then a compute job over its
// dataset through a real coordinator and one node, and checks every stored
// row's signature column: the node's signature of the row (content hash,
// fetched_at, node), which recovers from the row alone to the row's node
// column; and the commitment the coordinator accepted is the task's
// content root and row count.
func TestProvenanceSignature(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nAllow: /\n")
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><head><title>Page %[1]s</title></head><body><p>The meadow page %[1]s lists the flowers of the %[1]s hill in spring.</p></body></html>", r.URL.Path)
	}))
	t.Cleanup(site.Close)

	c := coordtest.NewTestCluster(t, 1)
	m := c.WaitLeader()
	leader, chainID := m.C, m.Config.ChainID
	domain := api.DomainFor(chainID)

	n := newLoopbackNode(t, leader.HTTPAddr(), chainID)
	rec := &commitRecorder{base: n.client.HTTP().Transport, sent: map[string]sentCommit{}}
	n.client.HTTP().Transport = rec
	runNode(t, n)

	urls := make([]string, 6)
	for i := range urls {
		urls[i] = fmt.Sprintf("%s/p/%d", site.URL, i)
	}
	specs := []struct {
		name string
		spec func(input string) api.JobSpec
	}{
		{name: "crawl", spec: func(string) api.JobSpec {
			return api.JobSpec{Kind: api.JobCrawl, Replication: 1, Crawl: &api.CrawlSpec{
				URLs: urls, TaskSize: 4, Fields: []api.FieldRule{{Name: "title", Selector: "title"}},
			}}
		}},
		// Shards of 4 rows over the crawl's blobs of 4 and 2.
		{name: "compute", spec: func(input string) api.JobSpec {
			return api.JobSpec{Kind: api.JobCompute, Replication: 1, Compute: &api.ComputeSpec{
				Input: input, Kernel: api.KernelMinHash, ShardRows: 4,
			}}
		}},
	}
	input := ""
	for _, s := range specs {
		job, err := leader.SubmitJob(context.Background(), common.Address{1}, s.spec(input))
		if err != nil {
			t.Fatalf("%s job: %v", s.name, err)
		}
		var st api.JobStatus
		coordtest.WaitFor(t, 60*time.Second*coordtest.Scale(), s.name+" job "+job.ID+" done", func() bool {
			st, _ = leader.JobStatus(job.ID)
			return st.State == api.JobDone || st.State == api.JobFailed
		})
		if st.State != api.JobDone {
			t.Fatalf("%s job %s: %s (%s)", s.name, job.ID, st.State, st.Error)
		}
		ds, err := leader.Dataset(st.Dataset)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, task := range ds.Tasks {
			total += checkSignedBlob(t, leader.BlobBytes, rec, domain, n.Address(), task.TaskID, task.Root, task.Rows, *task.Blob)
		}
		if total != len(urls) {
			t.Errorf("%s: %d rows checked, want %d", s.name, total, len(urls))
		}
		input = st.Dataset
	}
}

// checkSignedBlob reads a stored task blob and checks each row's
// provenance: the node column is the node and the signature column is the
// node's signature of the row itself, which verifies from the row alone
// (no envelope, nonce or expiry needed). It returns the number of rows.
func checkSignedBlob(t *testing.T, blobBytes func(api.Hash) ([]byte, bool), rec *commitRecorder, domain api.Domain,
	node common.Address, taskID string, root api.Hash, rows int64, blob api.Hash) int {
	t.Helper()
	sent, ok := rec.commit(taskID)
	if !ok {
		t.Fatalf("task %s: no accepted commitment was seen", taskID)
	}
	if sent.cm.Root != root || sent.cm.Rows != rows {
		t.Errorf("task %s: commitment of %d rows with root %s; the dataset has %d with root %s", taskID, sent.cm.Rows, sent.cm.Root, rows, root)
	}
	b, ok := blobBytes(blob)
	if !ok {
		t.Fatalf("task %s: blob %s is not stored", taskID, blob)
	}
	r, err := dataset.NewStreamReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s := r.Schema()
	ni, si := s.Index(dataset.ColNode), s.Index(dataset.ColSignature)
	i := 0
	for ; r.Next(); i++ {
		row := r.Row()
		if got := row[ni]; got != node.Hex() {
			t.Errorf("task %s row %d: node %v, want %s", taskID, i, got, node.Hex())
		}
		sig, _ := row[si].([]byte)
		if len(sig) != len(api.Signature{}) {
			t.Fatalf("task %s row %d: signature %x (%T): want %d bytes", taskID, i, sig, row[si], len(api.Signature{}))
		}
		h, err := dataset.HashRow(s, row)
		if err != nil {
			t.Fatal(err)
		}
		at := row[s.Index(dataset.ColFetchedAt)].(int64)
		if err := dataset.CheckRowSignature(h, row[ni].(string), at, sig); err != nil {
			t.Errorf("task %s row %d: the row's own signature: %v", taskID, i, err)
		}
		if got, err := dataset.RecoverRowSigner(h, at, node, sig); err != nil || got != node {
			t.Errorf("task %s row %d: signed by %s (%v), want the node %s", taskID, i, got.Hex(), err, node.Hex())
		}
		if sig[64] != 27 && sig[64] != 28 {
			t.Errorf("task %s row %d: v is %d, want 27 or 28", taskID, i, sig[64])
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return i
}

// newLoopbackNode makes a CPU-only development node of the coordinator at
// coordAddr, allowed to fetch from loopback sites, without caps that would
// slow a test down.
func newLoopbackNode(t *testing.T, coordAddr string, chainID uint64, opts ...func(*Config)) *Node {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir, cfg.Coordinators, cfg.Dashboard, cfg.NoGPU = t.TempDir(), []string{"http://" + coordAddr}, "", true
	cfg.ChainID = chainID
	cfg.Development = true
	cfg.AllowList = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	cfg.PerDomainDelay = 5 * time.Millisecond
	lim := DefaultLimits()
	lim.PagesPerMinute = 100000
	cfg.Limits = &lim
	cfg.Logger = slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	for _, o := range opts {
		o(&cfg)
	}
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// runNode runs n until the test ends, and fails the test if Run fails.
func runNode(t *testing.T, n *Node) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("node: %v", err)
		}
	})
}

// testLog sends the node's warnings to the test log.
type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimSpace(p)))
	return len(p), nil
}
