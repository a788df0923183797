package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
)

// stallServer never answers until the test ends, like a stopped leader, or a
// follower still forwarding to one.
func stallServer(t *testing.T) *httptest.Server {
	t.Helper()
	done := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(done); s.Close() })
	return s
}

// A member that does not answer costs one try: the next goes to every other
// member at once and the first answer wins, so a call is not held by a
// second silent member in a row (a stalled leader after a follower still
// forwarding to it). A write's tries carry one envelope, so at most one is
// applied.
func TestClientRacesAfterATimeout(t *testing.T) {
	const limit = 400 * time.Millisecond
	var (
		mu     sync.Mutex
		nonces = map[uint64]int{}
	)
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			var env api.Envelope
			if err := json.NewDecoder(r.Body).Decode(&env); err != nil {
				t.Errorf("decode envelope: %v", err)
			}
			mu.Lock()
			nonces[env.Nonce]++
			mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"j-0000000000000001","state":"running"}`))
	}))
	t.Cleanup(ok.Close)
	a, b := stallServer(t), stallServer(t)
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	c, err := api.NewClient(api.ClientConfig{Coordinators: []string{a.URL, b.URL, ok.URL}, Key: key, Domain: api.DevDomain(), AttemptTimeout: limit})
	if err != nil {
		t.Fatal(err)
	}

	var job map[string]any
	start := time.Now()
	if err := c.Get(context.Background(), "/v1/jobs/j-0000000000000001", &job); err != nil {
		t.Fatalf("read: %v", err)
	}
	if d := time.Since(start); d >= 2*limit {
		t.Errorf("read took %s: two silent members cost two tries of %s", d, limit)
	}
	if job["id"] != "j-0000000000000001" {
		t.Errorf("read decoded %v", job)
	}

	// Writes: a job's cancel, and a work request, which takes leases once
	// for its envelope however many members see it.
	for _, w := range []struct{ method, route string }{
		{api.MethodJobCancel, "/v1/jobs/j-0000000000000001/cancel"},
		{api.MethodWork, "/v1/node/work"},
	} {
		// The next call starts at the member that answered; make it
		// start at a silent one again with a fresh client.
		c, err = api.NewClient(api.ClientConfig{Coordinators: []string{a.URL, b.URL, ok.URL}, Key: key, Domain: api.DevDomain(), AttemptTimeout: limit})
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		clear(nonces)
		mu.Unlock()
		var out map[string]any
		start = time.Now()
		if err := c.Post(context.Background(), w.method, w.route, map[string]string{"job_id": "j-0000000000000001"}, &out); err != nil {
			t.Fatalf("%s: %v", w.method, err)
		}
		if d := time.Since(start); d >= 2*limit {
			t.Errorf("%s took %s: two silent members cost two tries of %s", w.method, d, limit)
		}
		mu.Lock()
		if len(nonces) != 1 {
			t.Errorf("%s: the answering member saw envelopes with %d nonces, want the call's one envelope: %v", w.method, len(nonces), nonces)
		}
		mu.Unlock()
	}

	// An upload (a PUT whose body the member stores and copies before it
	// answers): a small one waits for its answer no longer than a write,
	// and its tries race like a write's.
	c, err = api.NewClient(api.ClientConfig{Coordinators: []string{a.URL, b.URL, ok.URL}, Key: key, Domain: api.DevDomain(), AttemptTimeout: limit})
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	start = time.Now()
	err = c.DoIdempotent(context.Background(), func(ctx context.Context, base string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, base+"/v1/node/upload", strings.NewReader(strings.Repeat("x", 4096)))
		if err != nil {
			return nil, err
		}
		return c.HTTP().Do(req)
	}, &out)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	if d := time.Since(start); d >= 2*limit {
		t.Errorf("a 4 KiB upload took %s: two silent members cost two tries of %s", d, limit)
	}
}

// After a try times out, a member refusing the envelope as a replay settles
// the race at once: the earlier try was applied (its answer lost), and a
// member still silent — the stalled leader the first try went to — has
// nothing to add. The call ends with ErrAnswerLost within about one try,
// not when the stall ends.
func TestClientRaceEndsOnReplay(t *testing.T) {
	const limit = 400 * time.Millisecond
	replayed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		_, _ = w.Write([]byte(`{"error":{"code":"replayed","message":"api: nonce already used"}}`))
	}))
	t.Cleanup(replayed.Close)
	a, b := stallServer(t), stallServer(t)
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	c, err := api.NewClient(api.ClientConfig{Coordinators: []string{a.URL, b.URL, replayed.URL}, Key: key, Domain: api.DevDomain(), AttemptTimeout: limit})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var out map[string]any
	err = c.Post(context.Background(), api.MethodWork, "/v1/node/work", map[string]int{"max_tasks": 1}, &out)
	if !errors.Is(err, api.ErrAnswerLost) {
		t.Fatalf("a replay after a timed-out try: %v, want ErrAnswerLost", err)
	}
	if d := time.Since(start); d >= 2*limit {
		t.Errorf("the call took %s: the race waited for a silent member after a replay settled it (one try is %s)", d, limit)
	}
}
