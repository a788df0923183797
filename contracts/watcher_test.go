package contracts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/node"
)

// recorder collects delivered payments, optionally failing some.
type recorder struct {
	mu    sync.Mutex
	got   []Payment
	count map[string]int
	fail  func(Payment) error
}

func newRecorder() *recorder { return &recorder{count: make(map[string]int)} }

func (r *recorder) deliver(_ context.Context, p Payment) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		if err := r.fail(p); err != nil {
			return err
		}
	}
	r.got = append(r.got, p)
	r.count[p.ID()]++
	return nil
}

func (r *recorder) snapshot() ([]Payment, map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	counts := make(map[string]int, len(r.count))
	for k, v := range r.count {
		counts[k] = v
	}
	return append([]Payment(nil), r.got...), counts
}

func watcherConfig(dir string, confirmations uint64) WatcherConfig {
	cfg := DefaultWatcherConfig()
	cfg.DataDir = dir
	cfg.Confirmations = confirmations
	cfg.PollInterval = 10 * time.Millisecond
	cfg.MinBackoff = 5 * time.Millisecond
	cfg.MaxBackoff = 50 * time.Millisecond
	return cfg
}

func mustPoll(tb testing.TB, w *Watcher, want int) {
	tb.Helper()
	n, err := w.Poll(testCtx(tb))
	if err != nil {
		tb.Fatalf("poll: %v", err)
	}
	if n != want {
		tb.Fatalf("poll delivered %d payments, want %d", n, want)
	}
}

// TestWatcherRestartCountsOnce: payments are delivered once across
// restarts of the watcher, including a restart after a failed delivery in
// the middle of a block range, and a cursor set back by hand.
func TestWatcherRestartCountsOnce(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	dir := t.TempDir()
	rec := newRecorder()

	var payments []Payment
	for i := range 3 {
		payments = append(payments, n.fundAndPay(t, fmt.Sprintf("job-%d", i), units(int64(10+i), 6)))
	}

	// First run: the second payment's delivery fails once.
	failed := false
	rec.fail = func(p Payment) error {
		if p.ID() == payments[1].ID() && !failed {
			failed = true
			return errors.New("raft: not leader")
		}
		return nil
	}
	w1, err := n.chain.NewWatcher(ctx, watcherConfig(dir, 0), rec.deliver)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := w1.Poll(ctx); !errors.Is(err, ErrDeliver) || got != 1 {
		t.Fatalf("first poll = %d, %v; want 1 delivered then ErrDeliver", got, err)
	}
	cur := w1.Cursor()
	if len(cur.Delivered) != 1 || cur.Delivered[0] != payments[0].ID() {
		t.Fatalf("cursor after failure = %+v, want payment 0 recorded", cur)
	}

	// Restart: the rest is delivered, the first not again.
	w2, err := n.chain.NewWatcher(ctx, watcherConfig(dir, 0), rec.deliver)
	if err != nil {
		t.Fatal(err)
	}
	mustPoll(t, w2, 2)
	mustPoll(t, w2, 0)

	// Restart again with nothing new: nothing delivered.
	w3, err := n.chain.NewWatcher(ctx, watcherConfig(dir, 0), rec.deliver)
	if err != nil {
		t.Fatal(err)
	}
	mustPoll(t, w3, 0)

	// A new payment after the restart is delivered once.
	payments = append(payments, n.fundAndPay(t, "job-3", units(13, 6)))
	mustPoll(t, w3, 1)

	// The cursor put back to the block of the last payment, with that
	// payment listed as delivered, as a crash mid-range leaves it: the
	// replayed log is skipped.
	last := payments[3]
	cursorPath := filepath.Join(dir, CursorFile)
	cur = w3.Cursor()
	cur.NextBlock = last.BlockNumber
	cur.Delivered = []string{last.ID()}
	writeCursor(t, cursorPath, cur)
	w4, err := n.chain.NewWatcher(ctx, watcherConfig(dir, 0), rec.deliver)
	if err != nil {
		t.Fatal(err)
	}
	mustPoll(t, w4, 0)

	got, counts := rec.snapshot()
	if len(got) != 4 {
		t.Fatalf("delivered %d payments, want 4", len(got))
	}
	for i, p := range payments {
		if counts[p.ID()] != 1 {
			t.Errorf("payment %d (%s) delivered %d times, want once", i, p.ID(), counts[p.ID()])
		}
		if got[i].ID() != p.ID() || got[i].Amount.Cmp(p.Amount) != 0 || got[i].Epoch != 1 {
			t.Errorf("delivery %d = %+v, want %+v (chain order)", i, got[i], p)
		}
	}
}

func writeCursor(tb testing.TB, path string, cur Cursor) {
	tb.Helper()
	raw := fmt.Sprintf(`{"chain_id": %q, "marketplace": %q, "next_block": %d, "delivered": ["%s"]}`,
		cur.ChainID, cur.Marketplace.Hex(), cur.NextBlock, strings.Join(cur.Delivered, `","`))
	if err := os.WriteFile(path, []byte(raw), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// TestWatcherConfirmations: a payment is delivered only once enough blocks
// follow it.
func TestWatcherConfirmations(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	rec := newRecorder()
	w, err := n.chain.NewWatcher(ctx, watcherConfig(t.TempDir(), 2), rec.deliver)
	if err != nil {
		t.Fatal(err)
	}
	n.fundAndPay(t, "job", units(5, 6))
	mustPoll(t, w, 0)
	n.chain.Mine()
	mustPoll(t, w, 0)
	n.chain.Mine()
	mustPoll(t, w, 1)
}

// TestWatcherRefusesForeignCursor: a cursor for another deployment is an
// error, not a silent rescan.
func TestWatcherRefusesForeignCursor(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	dir := t.TempDir()
	writeCursor(t, filepath.Join(dir, CursorFile), Cursor{ChainID: "1337", Marketplace: common.HexToAddress("0x1234"), NextBlock: 5})
	_, err := n.chain.NewWatcher(ctx, watcherConfig(dir, 0), newRecorder().deliver)
	if !errors.Is(err, ErrCursor) || !strings.Contains(err.Error(), n.addrs.Marketplace.Hex()) {
		t.Fatalf("NewWatcher with a foreign cursor: %v, want ErrCursor naming the marketplace", err)
	}
	if err := os.WriteFile(filepath.Join(dir, CursorFile), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := n.chain.NewWatcher(ctx, watcherConfig(dir, 0), newRecorder().deliver); !errors.Is(err, ErrCursor) {
		t.Fatalf("NewWatcher with a corrupt cursor: %v, want ErrCursor", err)
	}
	bad := watcherConfig("", 0)
	bad.MaxBlockRange = 0
	if _, err := n.chain.NewWatcher(ctx, bad, newRecorder().deliver); !errors.Is(err, ErrInvalidConfig) ||
		!strings.Contains(err.Error(), "data-dir") || !strings.Contains(err.Error(), "max block range") {
		t.Fatalf("NewWatcher with a bad config: %v, want ErrInvalidConfig naming data-dir and max block range", err)
	}
}

// httpNet is a testNet whose chain is also served over JSON-RPC on
// loopback, behind a proxy that can play dead.
type httpNet struct {
	*testNet
	url   string
	down  atomic.Bool
	stop  chan struct{}
	mined sync.WaitGroup
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func newHTTPNet(tb testing.TB) *httpNet {
	tb.Helper()
	port := freePort(tb)
	base := newTestNetWith(tb, func(nc *node.Config, _ *ethconfig.Config) {
		nc.HTTPHost = "127.0.0.1"
		nc.HTTPPort = port
		nc.HTTPModules = []string{"eth", "net", "web3"}
		nc.HTTPVirtualHosts = []string{"*"}
	})
	h := &httpNet{testNet: base, stop: make(chan struct{})}
	target, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", port))
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.down.Load() {
			// Drop the connection as a node that went away would.
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	tb.Cleanup(srv.Close)
	h.url = srv.URL
	// A block every 20 ms, as a dev node with a block period would mine.
	h.mined.Add(1)
	go func() {
		defer h.mined.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
				h.chain.Mine()
			}
		}
	}()
	tb.Cleanup(func() { close(h.stop); h.mined.Wait() })
	return h
}

func (h *httpNet) dial(tb testing.TB) *Chain {
	tb.Helper()
	c, err := Dial(testCtx(tb), h.url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Close)
	c.receiptPoll = 20 * time.Millisecond
	if _, err := c.Attach(testCtx(tb), h.addrs.Distributor, h.addrs.Registry, h.addrs.DeployBlock); err != nil {
		tb.Fatalf("attach over JSON-RPC: %v", err)
	}
	return c
}

// TestJSONRPCEndpoint: the client works over a real JSON-RPC endpoint:
// attach, pay, read, and the emission schedule over one batch request.
func TestJSONRPCEndpoint(t *testing.T) {
	h := newHTTPNet(t)
	ctx := testCtx(t)
	c := h.dial(t)
	// Attach reads what the distributor knows; the community factory is
	// attached on its own (AttachCommunities).
	want := h.addrs
	want.CommunityFactory = common.Address{}
	if got := c.Addresses(); got != want {
		t.Fatalf("Attach found %+v, want %+v", got, want)
	}
	if _, err := c.AttachCommunities(ctx, h.addrs.CommunityFactory); err != nil {
		t.Fatalf("attach the community factory over JSON-RPC: %v", err)
	}
	if got := c.Addresses(); got != h.addrs {
		t.Fatalf("after AttachCommunities: %+v, want %+v", got, h.addrs)
	}
	if _, err := c.MintTestStable(ctx, h.buyer, addr(h.buyer), units(50, 6)); err != nil {
		t.Fatal(err)
	}
	p, err := c.Pay(ctx, h.buyer, jobID("rpc-job"), units(50, 6))
	if err != nil {
		t.Fatalf("pay over JSON-RPC: %v", err)
	}
	rev, err := c.RevenueOf(ctx, p.Epoch)
	if err != nil || rev.Cmp(units(50, 6)) != 0 {
		t.Fatalf("RevenueOf = %v, %v", rev, err)
	}
	// Reverts are decoded over JSON-RPC too.
	if _, err := c.Pay(ctx, h.buyer, jobID("rpc-job"), units(1, 6)); !errors.Is(err, ErrInsufficientBalance) {
		t.Fatalf("pay without funds: %v, want ErrInsufficientBalance", err)
	}
	cases := emissionCases(1000, 7)
	got, errs := scheduleBatch(ctx, t, c, cases)
	local, localErrs := scheduleBatch(ctx, t, h.chain, cases)
	for i := range cases {
		if (errs[i] == nil) != (localErrs[i] == nil) || errs[i] == nil && got[i].Cmp(local[i]) != 0 {
			t.Fatalf("case %d: over JSON-RPC (%v, %v), in process (%v, %v)", i, got[i], errs[i], local[i], localErrs[i])
		}
	}
}

// TestWatcherSurvivesChainOutage: while the endpoint is down the watcher
// retries with back-off, naming the endpoint; when it comes back every
// payment is delivered once.
func TestWatcherSurvivesChainOutage(t *testing.T) {
	h := newHTTPNet(t)
	ctx := testCtx(t)
	c := h.dial(t)

	var retries atomic.Int32
	var lastErr atomic.Value
	logger := slog.New(handlerFunc(func(r slog.Record) {
		if strings.Contains(r.Message, "retrying") {
			retries.Add(1)
			r.Attrs(func(a slog.Attr) bool {
				if a.Key == "err" {
					lastErr.Store(a.Value.String())
				}
				return true
			})
		}
	}))
	cfg := watcherConfig(t.TempDir(), 1)
	cfg.Logger = logger
	rec := newRecorder()
	w, err := c.NewWatcher(ctx, cfg, rec.deliver)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()

	first := h.fundAndPay(t, "before", units(1, 6))
	waitFor(t, "first payment delivered", func() bool { _, c := rec.snapshot(); return c[first.ID()] == 1 })

	h.down.Store(true)
	second := h.fundAndPay(t, "during", units(2, 6)) // paid in process, invisible over RPC
	waitFor(t, "three retries", func() bool { return retries.Load() >= 3 })
	msg, _ := lastErr.Load().(string)
	if !strings.Contains(msg, h.url) || !strings.Contains(msg, ErrChainUnavailable.Error()) {
		t.Fatalf("retry error %q does not name the endpoint %s as unavailable", msg, h.url)
	}
	h.down.Store(false)
	third := h.fundAndPay(t, "after", units(3, 6))
	waitFor(t, "all payments delivered", func() bool {
		_, c := rec.snapshot()
		return c[second.ID()] == 1 && c[third.ID()] == 1
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run returned %v, want nil after cancel", err)
	}
	_, counts := rec.snapshot()
	for id, n := range counts {
		if n != 1 {
			t.Errorf("payment %s delivered %d times", id, n)
		}
	}
	if len(counts) != 3 {
		t.Errorf("delivered %d payments, want 3", len(counts))
	}
}

// TestUnreachableEndpoint: a node that is not there gives ErrChainUnavailable
// naming the URL; a malformed URL is refused up front.
func TestUnreachableEndpoint(t *testing.T) {
	ctx := testCtx(t)
	dead := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
	c, err := Dial(ctx, dead)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Head(ctx)
	if !errors.Is(err, ErrChainUnavailable) || !strings.Contains(err.Error(), dead) {
		t.Fatalf("Head on a dead endpoint: %v, want ErrChainUnavailable naming %s", err, dead)
	}
	for _, bad := range []string{"", "ftp://host", "http://", "localhost:8545"} {
		if _, err := Dial(ctx, bad); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("Dial(%q) = %v, want ErrInvalidConfig", bad, err)
		}
	}
}

func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// handlerFunc is a slog.Handler calling f for each record.
type handlerFunc func(slog.Record)

func (f handlerFunc) Enabled(context.Context, slog.Level) bool      { return true }
func (f handlerFunc) Handle(_ context.Context, r slog.Record) error { f(r); return nil }
func (f handlerFunc) WithAttrs([]slog.Attr) slog.Handler            { return f }
func (f handlerFunc) WithGroup(string) slog.Handler                 { return f }

// TestWatcherProgress: the figures the coordinators' metrics report (how far
// the watcher is behind the chain, when it last caught up) follow the polls,
// and a poll that fails leaves the blocks it did not read counted behind.
func TestWatcherProgress(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	rec := newRecorder()
	w, err := n.chain.NewWatcher(ctx, watcherConfig(t.TempDir(), 1), rec.deliver)
	if err != nil {
		t.Fatal(err)
	}
	if p := w.Progress(); p != (WatcherProgress{}) {
		t.Fatalf("progress before any poll: %+v, want zero", p)
	}
	n.fundAndPay(t, "job", units(5, 6))
	n.chain.Mine()
	rec.fail = func(Payment) error { return errors.New("refused") }
	if _, err := w.Poll(ctx); !errors.Is(err, ErrDeliver) {
		t.Fatalf("poll with a failing delivery: %v, want ErrDeliver", err)
	}
	head, err := n.chain.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := w.Progress()
	if p.Head != head || p.Behind == 0 || !p.PolledAt.IsZero() {
		t.Fatalf("progress after a failed poll: %+v, want head %d, blocks behind, no successful poll", p, head)
	}
	rec.fail = nil
	mustPoll(t, w, 1)
	p = w.Progress()
	if p.Head != head || p.Behind != 0 || p.PolledAt.IsZero() {
		t.Fatalf("progress after catching up: %+v, want head %d, 0 behind, a poll time", p, head)
	}
}
