package blob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/dataset"
)

func TestConfigValidate(t *testing.T) {
	good := func() Config {
		c := DefaultConfig()
		c.Self = "a"
		c.Peers = func() []Peer { return nil }
		return c
	}
	tests := []struct {
		name  string
		edit  func(*Config)
		field string
	}{
		{name: "good", edit: func(*Config) {}},
		{name: "no self", edit: func(c *Config) { c.Self = "" }, field: "self"},
		{name: "no peers", edit: func(c *Config) { c.Peers = nil }, field: "peers"},
		{name: "no max size", edit: func(c *Config) { c.MaxSize = 0 }, field: "max_size"},
		{name: "no push timeout", edit: func(c *Config) { c.PushTimeout = 0 }, field: "push_timeout"},
		{name: "retry inverted", edit: func(c *Config) { c.RetryMax = c.RetryMin / 2 }, field: "retry_min, retry_max"},
		{name: "no workers", edit: func(c *Config) { c.Workers = 0 }, field: "workers"},
		{name: "negative pending", edit: func(c *Config) { c.MaxPending = -1 }, field: "max_pending"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good()
			tt.edit(&c)
			err := c.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tt.field+": expected") {
				t.Fatalf("Validate = %v, want an error naming %s", err, tt.field)
			}
		})
	}
}

func TestMajority(t *testing.T) {
	for n, want := range map[int]int{1: 1, 2: 2, 3: 2, 4: 3, 5: 3} {
		if got := Majority(n); got != want {
			t.Errorf("Majority(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestReplicateAllUp(t *testing.T) {
	nodes := newCluster(t, 3, nil)
	a := nodes[0]
	b, h := randomBlob(t, 1<<20)
	a.put(t, b, h)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.rep.Replicate(ctx, h); err != nil {
		t.Fatal(err)
	}
	held := 0
	for _, nd := range nodes[1:] {
		if nd.store.Has(h) {
			held++
		}
	}
	if held < 1 {
		t.Fatal("Replicate returned before a peer held the blob")
	}
	// The push to the third member goes on after Replicate returns.
	waitFor(t, 10*time.Second, "every member to hold the blob", func() bool {
		return nodes[1].store.Has(h) && nodes[2].store.Has(h)
	})
	for _, nd := range nodes {
		if err := nd.store.Check(context.Background(), h); err != nil {
			t.Fatalf("member %s: %v", nd.id, err)
		}
	}
	if v := metricValue(t, a.reg, "meadow_blob_replication_seconds"); v != 1 {
		t.Fatalf("replication_seconds count = %v, want 1", v)
	}
	waitFor(t, 5*time.Second, "two successful pushes", func() bool {
		return metricValue(t, a.reg, "meadow_blob_peer_pushes_total") == 2
	})
}

func TestReplicateOnePeerDownCatchesUp(t *testing.T) {
	nodes := newCluster(t, 3, nil)
	a, c := nodes[0], nodes[2]
	runBackground(t, a)
	c.srv.stop()

	b, h := randomBlob(t, 256<<10)
	a.put(t, b, h)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.rep.Replicate(ctx, h); err != nil {
		t.Fatal(err)
	}
	if !nodes[1].store.Has(h) {
		t.Fatal("Replicate succeeded without the one peer that is up")
	}
	waitFor(t, 5*time.Second, "the push to the down peer to be queued", func() bool { return a.rep.Pending() == 1 })
	waitFor(t, 5*time.Second, "a failed background push", func() bool {
		return metricValue(t, a.reg, "meadow_blob_peer_push_failures_total", "peer", c.id) >= 2
	})
	if c.store.Has(h) {
		t.Fatal("the down peer holds the blob")
	}

	c.srv.start(t)
	waitFor(t, 10*time.Second, "the background push to reach the restarted peer", func() bool { return c.store.Has(h) })
	waitFor(t, 5*time.Second, "the queue to drain", func() bool { return a.rep.Pending() == 0 })
	if err := c.store.Check(context.Background(), h); err != nil {
		t.Fatal(err)
	}
}

func TestReplicateTwoPeersDownFails(t *testing.T) {
	nodes := newCluster(t, 3, nil)
	a := nodes[0]
	nodes[1].srv.stop()
	nodes[2].srv.stop()
	b, h := randomBlob(t, 1000)
	a.put(t, b, h)

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := a.rep.Replicate(ctx, h)
	if !errors.Is(err, ErrNoQuorum) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Replicate = %v, want ErrNoQuorum and DeadlineExceeded", err)
	}
	if time.Since(start) < 250*time.Millisecond {
		t.Fatalf("Replicate gave up after %v, before its context ended", time.Since(start))
	}
	for _, want := range []string{"1 of 3 members", "2 needed", "b:", "c:"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q does not say %q", err, want)
		}
	}
	// Once a peer is back, the queued push completes.
	runBackground(t, a)
	nodes[1].srv.start(t)
	waitFor(t, 10*time.Second, "the queued push", func() bool { return nodes[1].store.Has(h) })
}

func TestReplicateToken(t *testing.T) {
	t.Run("none configured", func(t *testing.T) {
		nodes := newCluster(t, 3, func(c *Config) { c.Token = "" })
		b, h := randomBlob(t, 1000)
		nodes[0].put(t, b, h)
		if err := nodes[0].rep.Replicate(context.Background(), h); !errors.Is(err, ErrNoToken) {
			t.Fatalf("Replicate without a token = %v, want ErrNoToken", err)
		}
		if _, _, err := nodes[1].rep.Fetch(context.Background(), h); !errors.Is(err, ErrNoToken) {
			t.Fatalf("Fetch without a token = %v, want ErrNoToken", err)
		}
	})
	t.Run("single member needs none", func(t *testing.T) {
		nodes := newCluster(t, 1, func(c *Config) { c.Token = "" })
		b, h := randomBlob(t, 1000)
		nodes[0].put(t, b, h)
		if err := nodes[0].rep.Replicate(context.Background(), h); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("wrong", func(t *testing.T) {
		nodes := newCluster(t, 3, func(c *Config) { c.Token = "not the cluster's" })
		b, h := randomBlob(t, 1<<20)
		nodes[0].put(t, b, h)
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		err := nodes[0].rep.Replicate(ctx, h)
		if !errors.Is(err, ErrNoQuorum) || !strings.Contains(err.Error(), "403") {
			t.Fatalf("Replicate with a wrong token = %v, want ErrNoQuorum naming the 403", err)
		}
		if nodes[1].store.Has(h) || nodes[2].store.Has(h) {
			t.Fatal("a peer stored a blob pushed with a wrong token")
		}
	})
}

func TestReplicateMissingLocally(t *testing.T) {
	nodes := newCluster(t, 3, nil)
	_, h := randomBlob(t, 10)
	if err := nodes[0].rep.Replicate(context.Background(), h); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Replicate of a blob not stored = %v, want ErrNotFound", err)
	}
}

func TestReplicateAgainIsCheap(t *testing.T) {
	nodes := newCluster(t, 3, func(c *Config) { c.Quorum = func(n int) int { return n } })
	a := nodes[0]
	b, h := randomBlob(t, 4<<20)
	a.put(t, b, h)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := range 2 {
		if err := a.rep.Replicate(ctx, h); err != nil {
			t.Fatalf("Replicate %d: %v", i, err)
		}
	}
	if got := metricValue(t, a.reg, "meadow_blob_peer_push_failures_total"); got != 0 {
		t.Fatalf("%v push failures replicating a blob the peers hold", got)
	}
	for _, nd := range nodes[1:] {
		if v := metricValue(t, nd.reg, "meadow_blob_stored_total"); v != 1 {
			t.Fatalf("member %s stored the blob %v times", nd.id, v)
		}
	}
}

// badPeer serves wrong bytes for every blob, with status 200.
func badPeer(t *testing.T, body []byte) *testServer {
	return startServer(t, func(ctx *fasthttp.RequestCtx) {
		ctx.SetStatusCode(200)
		ctx.SetBody(body)
	}, false)
}

func TestFetch(t *testing.T) {
	nodes := newCluster(t, 3, nil)
	a, b := nodes[0], nodes[1]
	body, h := randomBlob(t, 700_000)
	b.put(t, body, h)
	ctx := context.Background()

	f, size, err := a.rep.Fetch(ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if size != int64(len(body)) || !bytes.Equal(got, body) || !a.store.Has(h) {
		t.Fatalf("Fetch: size %d, equal %v", size, bytes.Equal(got, body))
	}
	if v := metricValue(t, a.reg, "meadow_blob_fetches_total", "result", "ok"); v != 1 {
		t.Fatalf("fetches_total{ok} = %v", v)
	}
	// Held now: no peer is asked.
	if f, _, err := a.rep.Fetch(ctx, h); err != nil {
		t.Fatal(err)
	} else {
		f.Close()
	}
	if v := metricValue(t, a.reg, "meadow_blob_fetches_total"); v != 1 {
		t.Fatalf("fetches_total = %v after fetching a held blob", v)
	}

	_, absent := randomBlob(t, 10)
	if _, _, err := a.rep.Fetch(ctx, absent); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Fetch of a blob nobody holds = %v, want ErrNotFound", err)
	}
}

func TestFetchRejectsWrongBytes(t *testing.T) {
	body, h := randomBlob(t, 100_000)
	wrong := bytes.Clone(body)
	wrong[0] ^= 1
	good, _ := newTestStore(t)
	if _, err := good.Put(context.Background(), bytes.NewReader(body), h, 0); err != nil {
		t.Fatal(err)
	}
	goodSrv := startServer(t, NewHandler(good, HandlerConfig{Token: testToken}).Serve, true)
	liar := badPeer(t, wrong)
	short := badPeer(t, body[:len(body)-10])

	s, reg := newTestStore(t)
	cfg := DefaultConfig()
	cfg.Self = "a"
	cfg.Token = testToken
	cfg.Metrics = s.m
	var peers []Peer
	cfg.Peers = func() []Peer { return peers }
	rep, err := NewReplicator(s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rep.Close() })

	peers = []Peer{{ID: "liar", URL: liar.url()}, {ID: "short", URL: short.url()}}
	_, _, err = rep.Fetch(context.Background(), h)
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, ErrDigestMismatch) || s.Has(h) {
		t.Fatalf("Fetch from lying peers = %v (stored %v), want ErrUnavailable wrapping ErrDigestMismatch", err, s.Has(h))
	}
	if len(files(t, s.Dir())) != 0 {
		t.Fatal("a rejected fetch left files behind")
	}

	peers = []Peer{{ID: "liar", URL: liar.url()}, {ID: "good", URL: goodSrv.url()}}
	f, _, err := rep.Fetch(context.Background(), h)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := s.Check(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if v := metricValue(t, reg, "meadow_blob_fetches_total", "result", "digest_mismatch"); v != 3 {
		t.Fatalf("fetches_total{digest_mismatch} = %v, want 3", v)
	}
}

func TestRepair(t *testing.T) {
	nodes := newCluster(t, 3, func(c *Config) { c.Workers = 3 })
	a := nodes[0]
	var want []dataset.Hash
	for i := range 9 {
		body, h := randomBlob(t, 10_000+i)
		nodes[1+i%2].put(t, body, h) // each blob on one peer only
		want = append(want, h)
	}
	have, h0 := randomBlob(t, 5)
	a.put(t, have, h0)
	want = append(want, h0)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n, err := a.rep.Repair(ctx, want)
	if err != nil || n != 9 {
		t.Fatalf("Repair = %d, %v; want 9, nil", n, err)
	}
	for _, h := range want {
		if err := a.store.Check(context.Background(), h); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := a.rep.Repair(ctx, want); n != 0 || err != nil {
		t.Fatalf("second Repair = %d, %v", n, err)
	}

	_, lost := randomBlob(t, 5)
	n, err = a.rep.Repair(ctx, append(want, lost))
	if n != 0 || !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "1 of 1") {
		t.Fatalf("Repair of a lost blob = %d, %v", n, err)
	}
}

func TestFetchConcurrentSharesOneDownload(t *testing.T) {
	nodes := newCluster(t, 2, nil)
	body, h := randomBlob(t, 2<<20)
	nodes[1].put(t, body, h)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			f, _, err := nodes[0].rep.Fetch(context.Background(), h)
			if f != nil {
				f.Close()
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if v := metricValue(t, nodes[0].reg, "meadow_blob_fetches_total"); v < 1 || v > 8 {
		t.Fatalf("fetches_total = %v", v)
	}
	if v := metricValue(t, nodes[0].reg, "meadow_blob_stored_total"); v != 1 {
		t.Fatalf("stored_total = %v, want 1", v)
	}
}

func TestBackgroundQueueBounds(t *testing.T) {
	var mu sync.Mutex
	var members []string // ids in the cluster; c leaves during the test
	setMembers := func(ids ...string) {
		mu.Lock()
		members = ids
		mu.Unlock()
	}
	nodes := newCluster(t, 3, func(c *Config) {
		c.MaxPending = 1
		inner := c.Peers
		c.Peers = func() []Peer {
			mu.Lock()
			defer mu.Unlock()
			var out []Peer
			for _, p := range inner() {
				for _, id := range members {
					if p.ID == id {
						out = append(out, p)
					}
				}
			}
			return out
		}
	})
	setMembers("a", "b", "c")
	a, c := nodes[0], nodes[2]
	c.srv.stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for range 2 {
		body, h := randomBlob(t, 1000)
		a.put(t, body, h)
		if err := a.rep.Replicate(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 5*time.Second, "one push queued and one dropped", func() bool {
		return a.rep.Pending() == 1 && metricValue(t, a.reg, "meadow_blob_pending_dropped_total") == 1
	})
	// c leaves the cluster: what was owed to it is dropped.
	setMembers("a", "b")
	runBackground(t, a)
	waitFor(t, 5*time.Second, "the departed member's queue to be dropped", func() bool { return a.rep.Pending() == 0 })
	if v := metricValue(t, a.reg, "meadow_blob_pending_pushes"); v != 0 {
		t.Fatalf("pending_pushes = %v, want 0", v)
	}
}
