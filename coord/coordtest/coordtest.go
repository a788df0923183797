// Package coordtest runs a real coordinator cluster inside a test: Raft over
// TCP on 127.0.0.1, logs on disk in t.TempDir(), with helpers that wait for
// conditions and that stop and restart members.
package coordtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/meadow-net/meadow/coord"
)

// Member is one coordinator of a test cluster.
type Member struct {
	// Config is the member's config, with the addresses it bound on its
	// first start, so that a restart comes back on the same ones.
	Config coord.Config
	// C is the running coordinator; nil while the member is stopped.
	C *coord.Coordinator

	cancel context.CancelFunc
	done   chan error
}

// Running reports whether the member is running.
func (m *Member) Running() bool { return m.C != nil }

// Cluster is a coordinator cluster of a test.
type Cluster struct {
	t       testing.TB
	opts    options
	Members []*Member
	mu      sync.Mutex
}

// Option changes how a cluster is made.
type Option func(*options)

type options struct {
	config  func(i int, c *coord.Config)
	coord   []coord.Option
	member  func(i int) []coord.Option
	logger  *slog.Logger
	noJoin  bool
	timeout time.Duration
}

// WithConfig lets a test change each member's config (i is its position).
func WithConfig(fn func(i int, c *coord.Config)) Option {
	return func(o *options) { o.config = fn }
}

// WithCoordOptions passes options to every coord.New.
func WithCoordOptions(opts ...coord.Option) Option {
	return func(o *options) { o.coord = append(o.coord, opts...) }
}

// WithMemberOptions passes options of its own to each member's coord.New
// (i is its position), such as its operator key.
func WithMemberOptions(fn func(i int) []coord.Option) Option {
	return func(o *options) { o.member = fn }
}

// WithLogger sets the members' logger (by default, warnings and errors go to
// the test's log; MEADOW_TEST_LOG=debug shows everything).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// Scale is the factor that wait helpers multiply their timeouts by: the
// MEADOW_TEST_SCALE environment variable (default 1), for slow CI machines.
func Scale() time.Duration {
	if v, err := strconv.Atoi(os.Getenv("MEADOW_TEST_SCALE")); err == nil && v > 0 {
		return time.Duration(v)
	}
	return 1
}

// TestConfig is a member config with timings short enough for tests and a
// small WAL segment.
func TestConfig(id, dir string) coord.Config {
	c := coord.DefaultConfig()
	c.ID = id
	c.DataDir = dir
	c.RaftAddr = "127.0.0.1:0"
	c.HTTPAddr = "127.0.0.1:0"
	// The production defaults: a lost leader is replaced in a second or
	// two, and two busy shared cores and real fsyncs do not make a leader
	// step down on its own (at 500/400 ms they sometimes did, under the
	// parallel packages of make test).
	c.HeartbeatTimeout = 1000 * time.Millisecond * Scale()
	c.ElectionTimeout = 1000 * time.Millisecond * Scale()
	c.LeaderLeaseTimeout = 800 * time.Millisecond * Scale()
	c.CommitTimeout = 5 * time.Millisecond
	c.ApplyTimeout = 5 * time.Second * Scale()
	c.WALSegmentSize = 1 << 20
	c.SnapshotInterval = time.Second
	c.LeaseSweepInterval = 50 * time.Millisecond
	c.DomainMinInterval = time.Millisecond
	c.ClusterToken = "test-cluster-token"
	// Tests crawl sites on loopback; a production coordinator refuses
	// jobs that name loopback addresses.
	c.JobURLAllowList = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	return c
}

// NewTestCluster starts an n-member cluster: the first member bootstraps,
// the others join through it. It returns once every member is a voter with
// its HTTP address recorded, and stops them all when the test ends.
func NewTestCluster(t testing.TB, n int, opts ...Option) *Cluster {
	t.Helper()
	o := options{timeout: 20 * time.Second * Scale()}
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = testLogger(t)
	}
	c := &Cluster{t: t, opts: o}
	// Cleanups run last-registered first: the members must stop before
	// their directory is removed, so the directory comes first.
	root := t.TempDir()
	t.Cleanup(c.StopAll)
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("c%d", i+1)
		cfg := TestConfig(id, filepath.Join(root, id))
		if i == 0 {
			cfg.Bootstrap = true
		} else {
			cfg.Join = []string{c.Members[0].Config.HTTPAddr}
		}
		if o.config != nil {
			o.config(i, &cfg)
		}
		m := &Member{Config: cfg}
		c.Members = append(c.Members, m)
		c.Start(m)
		if i == 0 {
			c.WaitLeader()
		}
	}
	c.WaitMembers(n)
	return c
}

// Start starts a stopped member (on the addresses of its first start).
func (c *Cluster) Start(m *Member) {
	c.t.Helper()
	opts := append([]coord.Option{coord.WithLogger(c.opts.logger)}, c.opts.coord...)
	if c.opts.member != nil {
		opts = append(opts, c.opts.member(slices.Index(c.Members, m))...)
	}
	first := (hasPortZero(m.Config.RaftAddr) || hasPortZero(m.Config.HTTPAddr))
	var co *coord.Coordinator
	var err error
	for try := 0; ; try++ {
		cfg := m.Config
		if first {
			// Ports below the ephemeral range, so that a restart gets them
			// back: see FreeAddr.
			cfg.RaftAddr = pickPort(c.t, cfg.RaftAddr)
			cfg.HTTPAddr = pickPort(c.t, cfg.HTTPAddr)
		}
		co, err = coord.New(cfg, opts...)
		// Another package of make test may bind the port just picked
		// between the pick and coord.New: pick again.
		if err == nil || !first || try == 4 || !errors.Is(err, syscall.EADDRINUSE) {
			break
		}
	}
	if err != nil {
		c.t.Fatalf("coordtest: start %s: %v", m.Config.ID, err)
	}
	m.Config.RaftAddr = co.RaftAddr()
	m.Config.HTTPAddr = co.HTTPAddr()
	ctx, cancel := context.WithCancel(context.Background())
	m.C, m.cancel, m.done = co, cancel, make(chan error, 1)
	go func() { m.done <- co.Run(ctx) }()
}

// Stop stops a member and waits until its Run has returned (its log is
// closed and its ports free).
func (c *Cluster) Stop(m *Member) {
	c.t.Helper()
	if m.C == nil {
		return
	}
	m.cancel()
	select {
	case err := <-m.done:
		if err != nil {
			c.t.Errorf("coordtest: %s stopped with %v", m.Config.ID, err)
		}
	case <-time.After(c.opts.timeout):
		// What it waits on is in the goroutines' stacks: without them a
		// stop that hangs once under load cannot be told apart.
		var stacks bytes.Buffer
		_ = pprof.Lookup("goroutine").WriteTo(&stacks, 1)
		c.t.Fatalf("coordtest: %s did not stop within %s; goroutines:\n%s", m.Config.ID, c.opts.timeout, stacks.Bytes())
	}
	m.C = nil
}

// Restart stops a member and starts it again from its data dir.
func (c *Cluster) Restart(m *Member) {
	c.t.Helper()
	c.Stop(m)
	c.Start(m)
}

// StopAll stops every running member.
func (c *Cluster) StopAll() {
	for _, m := range c.Members {
		c.Stop(m)
	}
}

// Running returns the running members.
func (c *Cluster) Running() []*Member {
	var out []*Member
	for _, m := range c.Members {
		if m.Running() {
			out = append(out, m)
		}
	}
	return out
}

// Leader returns the running member that is leader, or nil.
func (c *Cluster) Leader() *Member {
	for _, m := range c.Running() {
		if m.C.IsLeader() {
			return m
		}
	}
	return nil
}

// Followers returns the running members that are not leader.
func (c *Cluster) Followers() []*Member {
	var out []*Member
	for _, m := range c.Running() {
		if !m.C.IsLeader() {
			out = append(out, m)
		}
	}
	return out
}

// WaitFor polls cond until it holds, failing the test after the cluster's
// timeout (20s times Scale()). what says what was awaited.
func (c *Cluster) WaitFor(what string, cond func() bool) {
	c.t.Helper()
	WaitFor(c.t, c.opts.timeout, what, cond)
}

// WaitFor polls cond every few milliseconds until it holds, failing t after
// timeout. It never sleeps longer than needed.
func WaitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	wait := time.Millisecond
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("coordtest: timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(wait)
		wait = min(wait*2, 20*time.Millisecond)
	}
}

// WaitLeader waits until exactly one running member leads and every running
// member agrees on it, and returns it.
func (c *Cluster) WaitLeader() *Member {
	c.t.Helper()
	var leader *Member
	c.WaitFor("a leader", func() bool {
		leader = c.Leader()
		if leader == nil {
			return false
		}
		for _, m := range c.Running() {
			if id, _ := m.C.Leader(); id != leader.Config.ID {
				return false
			}
		}
		return true
	})
	return leader
}

// WaitMembers waits until every running member lists n voters, each with its
// HTTP address.
func (c *Cluster) WaitMembers(n int) {
	c.t.Helper()
	c.WaitFor(fmt.Sprintf("%d members with addresses", n), func() bool {
		for _, m := range c.Running() {
			ms, err := m.C.Members()
			if err != nil || len(ms) != n {
				return false
			}
			for _, mm := range ms {
				if !mm.Voter || mm.HTTPAddr == "" {
					return false
				}
			}
		}
		return true
	})
}

// WaitConverged waits until every running member has applied the leader's
// last entry and holds the same state, and returns that state's digest.
func (c *Cluster) WaitConverged() string {
	c.t.Helper()
	leader := c.WaitLeader()
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.timeout)
	defer cancel()
	if err := leader.C.Barrier(ctx); err != nil {
		c.t.Fatalf("coordtest: barrier on %s: %v", leader.Config.ID, err)
	}
	target := leader.C.StateIndex()
	var digest string
	c.WaitFor("every member to apply the leader's log and agree", func() bool {
		digest = ""
		for _, m := range c.Running() {
			if m.C.StateIndex() < target {
				return false
			}
			d, err := m.C.StateDigest()
			if err != nil {
				return false
			}
			if digest != "" && d != digest {
				return false
			}
			digest = d
		}
		return true
	})
	return digest
}

// testLogger sends warnings (or, with MEADOW_TEST_LOG=debug, everything) to
// the test's log, and nothing once the test has ended.
func testLogger(t testing.TB) *slog.Logger {
	level := slog.LevelWarn
	if os.Getenv("MEADOW_TEST_LOG") == "debug" {
		level = slog.LevelDebug
	}
	w := &testWriter{t: t}
	t.Cleanup(func() { w.done.Store(true) })
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

type testWriter struct {
	t    testing.TB
	done atomic.Bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	if !w.done.Load() {
		w.t.Log(string(p))
	}
	return len(p), nil
}

// FreeAddr returns a loopback address whose port is free now, for a
// process the test starts that must be told its address beforehand.
//
// The port lies below the range the kernel hands out as source ports of
// outgoing connections (32768 and up on Linux): a member stopped and started
// again needs its port back, and a port from that range can meanwhile become
// the source port of a client connection, or of a peer's dial to the stopped
// member itself, and the restart then fails with "address already in use".
func FreeAddr(t testing.TB) string {
	t.Helper()
	return FreeAddrOn(t, "127.0.0.1")
}

// handedOut are the addresses FreeAddrOn returned in this test binary: a
// test that picks several before binding any (a group map names every
// member's address up front) would otherwise be handed, for a later
// member's Raft port, a port it picked for another and has not bound yet.
var handedOut = struct {
	sync.Mutex
	addrs map[string]bool
}{addrs: map[string]bool{}}

// FreeAddrOn is FreeAddr on the loopback address ip, never the same address
// twice in one test binary.
func FreeAddrOn(t testing.TB, ip string) string {
	t.Helper()
	low := ephemeralLow()
	handedOut.Lock()
	defer handedOut.Unlock()
	for range 200 {
		addr := net.JoinHostPort(ip, strconv.Itoa(low-12000+rand.IntN(12000)))
		if handedOut.addrs[addr] {
			continue
		}
		if l, err := net.Listen("tcp", addr); err == nil {
			l.Close()
			handedOut.addrs[addr] = true
			return addr
		}
	}
	t.Fatalf("coordtest: no free port on %s between %d and %d", ip, low-12000, low)
	return ""
}

// ephemeralLow is the first port of the kernel's ephemeral range (Linux's
// ip_local_port_range; 32768 where it cannot be read), at least 13000.
func ephemeralLow() int {
	low := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if v, err := strconv.Atoi(f[0]); err == nil {
				low = v
			}
		}
	}
	return max(low, 13000)
}

func hasPortZero(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	return err == nil && port == "0"
}

// pickPort replaces a port 0 in addr with a FreeAddrOn port of its host.
func pickPort(t testing.TB, addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port != "0" {
		return addr
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return FreeAddrOn(t, host)
}
