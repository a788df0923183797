package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/dataset"
)

const testToken = "0123456789abcdef0123456789abcdef"

// randomBlob returns size random bytes and their hash.
func randomBlob(tb testing.TB, size int) ([]byte, dataset.Hash) {
	tb.Helper()
	b := make([]byte, size)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return b, dataset.Hash(sha256.Sum256(b))
}

// newTestStore opens a store in a fresh directory, with its own metrics.
func newTestStore(tb testing.TB) (*Store, *prometheus.Registry) {
	tb.Helper()
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := NewStore(tb.TempDir(), WithMetrics(m))
	if err != nil {
		tb.Fatal(err)
	}
	return s, reg
}

// metricValue returns the value of a counter or gauge, summed over the
// series whose labels include labels (name=value pairs).
func metricValue(tb testing.TB, reg *prometheus.Registry, name string, labels ...string) float64 {
	tb.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	var v float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, lp := range m.GetLabel() {
					if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
						found = true
					}
				}
				if !found {
					continue series
				}
			}
			switch {
			case m.Counter != nil:
				v += m.Counter.GetValue()
			case m.Gauge != nil:
				v += m.Gauge.GetValue()
			case m.Histogram != nil:
				v += float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return v
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// testServer is a fasthttp server on loopback that can be stopped and
// started again on the same address, as a coordinator restarts.
type testServer struct {
	handler fasthttp.RequestHandler
	stream  bool
	addr    string

	mu  sync.Mutex
	srv *fasthttp.Server
	ln  net.Listener
	wg  sync.WaitGroup
}

// startServer serves handler on 127.0.0.1:0 until the test ends.
func startServer(tb testing.TB, handler fasthttp.RequestHandler, stream bool) *testServer {
	tb.Helper()
	ts := &testServer{handler: handler, stream: stream, addr: "127.0.0.1:0"}
	ts.start(tb)
	tb.Cleanup(ts.stop)
	return ts
}

func (ts *testServer) url() string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return "http://" + ts.addr
}

func (ts *testServer) start(tb testing.TB) {
	tb.Helper()
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.srv != nil {
		return
	}
	var ln net.Listener
	var err error
	// The port of a stopped server may take a moment to be free again.
	for range 100 {
		if ln, err = net.Listen("tcp", ts.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		tb.Fatal(err)
	}
	ts.addr = ln.Addr().String()
	// A streaming server streams bodies beyond this; a buffered one refuses them.
	maxBody := 8 << 20
	if ts.stream {
		maxBody = 1 << 20
	}
	ts.srv = &fasthttp.Server{
		Handler:               ts.handler,
		StreamRequestBody:     ts.stream,
		MaxRequestBodySize:    maxBody,
		CloseOnShutdown:       true,
		NoDefaultServerHeader: true,
	}
	srv := ts.srv
	ts.ln = ln
	ts.wg.Go(func() { _ = srv.Serve(ln) })
}

func (ts *testServer) stop() {
	ts.mu.Lock()
	srv, ln := ts.srv, ts.ln
	ts.srv, ts.ln = nil, nil
	ts.mu.Unlock()
	if srv != nil {
		// Closing the listener first stops a Serve that has not yet
		// registered it, which Shutdown alone would miss.
		_ = ln.Close()
		http.DefaultClient.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = srv.ShutdownWithContext(ctx)
		cancel()
		ts.wg.Wait()
	}
}

// testNode is one coordinator's blob side: a store, its handler served over
// HTTP, and a replicator.
type testNode struct {
	id    string
	store *Store
	reg   *prometheus.Registry
	srv   *testServer
	rep   *Replicator
}

// newCluster starts n nodes that know each other as peers. edit, if set,
// adjusts each node's replicator config.
func newCluster(tb testing.TB, n int, edit func(*Config)) []*testNode {
	tb.Helper()
	nodes := make([]*testNode, n)
	peers := func() []Peer {
		out := make([]Peer, len(nodes))
		for i, nd := range nodes {
			out[i] = Peer{ID: nd.id, URL: nd.srv.url()}
		}
		return out
	}
	for i := range nodes {
		store, reg := newTestStore(tb)
		nd := &testNode{id: string(rune('a' + i)), store: store, reg: reg}
		h := NewHandler(store, HandlerConfig{Token: testToken})
		nd.srv = startServer(tb, h.Serve, true)
		nodes[i] = nd
	}
	for _, nd := range nodes {
		cfg := DefaultConfig()
		cfg.Self = nd.id
		cfg.Peers = peers
		cfg.Token = testToken
		cfg.RetryMin = 10 * time.Millisecond
		cfg.RetryMax = 50 * time.Millisecond
		cfg.PushTimeout = 10 * time.Second
		cfg.Metrics = nd.store.m
		if edit != nil {
			edit(&cfg)
		}
		rep, err := NewReplicator(nd.store, cfg)
		if err != nil {
			tb.Fatal(err)
		}
		nd.rep = rep
		tb.Cleanup(func() { _ = rep.Close() })
	}
	return nodes
}

// runBackground runs nd's background loop until the test ends.
func runBackground(tb testing.TB, nd *testNode) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = nd.rep.Run(ctx)
	}()
	tb.Cleanup(func() { cancel(); <-done })
}

// put stores b in nd's store.
func (nd *testNode) put(tb testing.TB, b []byte, h dataset.Hash) {
	tb.Helper()
	if _, err := nd.store.Put(context.Background(), bytes.NewReader(b), h, 0); err != nil {
		tb.Fatal(err)
	}
}

// do sends a request with net/http and returns the response with its body read.
func do(tb testing.TB, method, url string, body []byte, header map[string]string) (*http.Response, []byte) {
	tb.Helper()
	var req *http.Request
	var err error
	if body != nil {
		req, err = http.NewRequest(method, url, bytes.NewReader(body))
	} else {
		req, err = http.NewRequest(method, url, nil)
	}
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, b
}

func newRegistry(tb testing.TB) *prometheus.Registry {
	tb.Helper()
	return prometheus.NewRegistry()
}
