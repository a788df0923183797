//go:build !nodeonly

package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// stallFor is how long the test keeps the leader stopped (issue 17, item
// 12: "SIGSTOP the leader for 15 s").
const stallFor = 15 * time.Second

// TestCoordProcessesStalledLeaderDoesNotHangClients stops the leader of three
// real `meadow coord` processes with SIGSTOP for 15 s while clients write
// continuously (node registrations, signed afresh on each try, and job
// submits, which keep one envelope), and measures the election: no write may
// be blocked longer than the election time plus 2 s, and none may fail. On
// the old client (a 10-minute timeout, no per-try deadline) every write
// hung for the whole stall.
func TestCoordProcessesStalledLeaderDoesNotHangClients(t *testing.T) {
	bin := cpBuild(t)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the crawl target was fetched: %s", r.URL)
	}))
	t.Cleanup(site.Close)
	cl := cpStartCluster(t, bin, 3)
	old := cl.leader(t)
	t.Cleanup(func() {
		if old.running() {
			_ = old.cmd.Process.Signal(syscall.SIGCONT)
		}
	})

	type write struct {
		kind       string
		start, end time.Time
		err        error
	}
	var (
		mu     sync.Mutex
		writes []write
	)
	record := func(kind string, start time.Time, err error) {
		mu.Lock()
		writes = append(writes, write{kind: kind, start: start, end: time.Now(), err: err})
		mu.Unlock()
	}
	acks := newCPAcks()
	buyer := cpClient(t, cl.urls(), cpKey(t), nil)
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	// Two registering writers (40 identities each, registering again in
	// turn), one submitting: each writes as soon as its previous write
	// ended.
	for w := range 2 {
		var nodes []*cpNode
		for i := range 40 {
			nodes = append(nodes, cpNewNode(t, cl.urls(), fmt.Sprintf("127.0.%d.1", 10+w*50+i)))
		}
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				n := nodes[i%len(nodes)]
				start := time.Now()
				err := n.tryRegister(ctx, acks)
				if ctx.Err() == nil {
					record("register", start, err)
				}
			}
		})
	}
	wg.Go(func() {
		for i := 0; ctx.Err() == nil; i++ {
			start := time.Now()
			err := cpSubmit(ctx, buyer, acks, []string{fmt.Sprintf("%s/s/%d", site.URL, i)})
			if ctx.Err() == nil {
				record("job submit", start, err)
			}
		}
	})
	t.Cleanup(func() { stop(); wg.Wait() })

	coordtest.WaitFor(t, 30*time.Second*coordtest.Scale(), "20 acknowledged writes before the stall", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(writes) >= 20
	})

	// The stall: SIGSTOP, then the election as the other members see it.
	stalledAt := time.Now()
	if err := old.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	var others []*cpProc
	for _, p := range cl.procs {
		if p != old {
			others = append(others, p)
		}
	}
	var election time.Duration
	coordtest.WaitFor(t, stallFor, "another member to lead", func() bool {
		for _, p := range others {
			var st coord.Status
			if cpGetJSON(p.url(), "/v1/cluster/status", &st) == nil && st.State == "Leader" && st.ID != old.id {
				election = time.Since(stalledAt)
				return true
			}
		}
		return false
	})
	t.Logf("SIGSTOP %s: %s elected after %s", old.id, "a new leader", election.Round(time.Millisecond))
	time.Sleep(time.Until(stalledAt.Add(stallFor))) // the stall itself is the scenario, not a wait for a condition
	if err := old.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	contAt := time.Now()
	coordtest.WaitFor(t, 30*time.Second*coordtest.Scale(), "writes after SIGCONT", func() bool {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, w := range writes {
			if w.start.After(contAt) && w.err == nil {
				n++
			}
		}
		return n >= 10
	})
	stop()
	wg.Wait()

	bound := election + 2*time.Second
	var (
		during, failed int
		longest        write
	)
	mu.Lock()
	defer mu.Unlock()
	for _, w := range writes {
		if w.end.Before(stalledAt) {
			continue
		}
		during++
		if w.err != nil {
			failed++
			t.Errorf("%s started %s after SIGSTOP failed: %v", w.kind, w.start.Sub(stalledAt).Round(time.Millisecond), w.err)
		}
		if w.end.Sub(w.start) > longest.end.Sub(longest.start) {
			longest = w
		}
	}
	blocked := longest.end.Sub(longest.start)
	t.Logf("%d writes from SIGSTOP on, %d failed; longest blocked %s (a %s started %s after SIGSTOP); bound: election %s + 2s",
		during, failed, blocked.Round(time.Millisecond), longest.kind, longest.start.Sub(stalledAt).Round(time.Millisecond), election.Round(time.Millisecond))
	if blocked > bound {
		t.Errorf("a %s was blocked %s, want at most the election time plus 2 s (%s)", longest.kind, blocked.Round(time.Millisecond), bound.Round(time.Millisecond))
	}
	// Writes went on during the stall, not only after it.
	if !slices.ContainsFunc(writes, func(w write) bool {
		return w.err == nil && w.start.After(stalledAt) && w.end.Before(stalledAt.Add(stallFor))
	}) {
		t.Error("no write succeeded while the leader was stopped")
	}
}
