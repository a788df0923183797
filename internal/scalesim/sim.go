package scalesim

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"reflect"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/node"
)

// Config sets what the simulated nodes do.
type Config struct {
	// Period is how often each active node pulls a task (one lease per
	// work request), commits and reveals it.
	Period time.Duration
	// Nets is how many loopback /24s (127.10.k.1) the nodes connect from:
	// the scheduler never leases two replicas of a task to one /24.
	Nets int
	// TaskSize is the URLs, and so the rows, of one task (api's default 25).
	TaskSize int
	// Upload makes a node upload its blob when asked (tiny blobs: the data
	// plane is not what is measured).
	Upload bool
	// RegisterWorkers is how many registrations run at once.
	RegisterWorkers int
	// MaxWrites is the members' coord.Config.MaxWrites (admission
	// control); 0 turns it off.
	MaxWrites int
}

// DefaultConfig is one task per node every 30 s, from 64 /24s, with uploads.
func DefaultConfig() Config {
	return Config{Period: 30 * time.Second, Nets: 64, TaskSize: api.DefaultTaskSize, Upload: true, RegisterWorkers: 128,
		MaxWrites: coord.DefaultMaxWrites}
}

// Sim is a cluster and its simulated nodes.
type Sim struct {
	t       testing.TB
	cfg     Config
	Cluster *coordtest.Cluster
	urls    []string
	protos  []*node.Client // one per net: its transport is shared by the net's nodes
	nodes   []*simNode
	schema  dataset.Schema
	buyer   common.Address
	jobs    int
	tasks   int64 // tasks submitted
	granted atomic.Int64
}

type simNode struct {
	key  *ecdsa.PrivateKey
	addr string
	net  int
	cl   *node.Client
	busy atomic.Bool
	held map[string]heldTask // by task id; touched by one cycle at a time (busy)
}

type heldTask struct {
	lease string
	urls  []string
}

// New starts a three-member cluster with production settings (loopback
// addresses, temporary directories) and prepares the simulator.
func New(t testing.TB, cfg Config) *Sim {
	t.Helper()
	def := coord.DefaultConfig()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	c := coordtest.NewTestCluster(t, 3, coordtest.WithLogger(log), coordtest.WithConfig(func(_ int, c *coord.Config) {
		// coordtest's test timings back to the production defaults.
		c.HeartbeatTimeout, c.ElectionTimeout, c.LeaderLeaseTimeout = def.HeartbeatTimeout, def.ElectionTimeout, def.LeaderLeaseTimeout
		c.CommitTimeout, c.ApplyTimeout = def.CommitTimeout, def.ApplyTimeout
		c.WALSegmentSize, c.SnapshotInterval = def.WALSegmentSize, def.SnapshotInterval
		c.LeaseSweepInterval, c.DomainMinInterval = def.LeaseSweepInterval, def.DomainMinInterval
		c.MaxWrites, c.AdmitWait = cfg.MaxWrites, def.AdmitWait
	}))
	s := &Sim{t: t, cfg: cfg, Cluster: c, buyer: common.Address{0x5c}}
	for _, m := range c.Members {
		s.urls = append(s.urls, "http://"+m.Config.HTTPAddr)
	}
	var err error
	if s.schema, err = dataset.CrawlSchema(nil); err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Nets {
		p, err := node.NewClient(node.ClientConfig{Coordinators: s.urls, Key: nodeKey(0), Domain: api.DevDomain(), SourceIP: netIP(i)})
		if err != nil {
			t.Fatal(err)
		}
		keepConns(p)
		s.protos = append(s.protos, p)
	}
	return s
}

// keepConns lets a net's shared transport keep as many idle connections as
// its nodes use: api.Client keeps 8 per member, right for one node, while
// here thousands of nodes share one transport, and with 8 they would dial
// afresh for most requests, which a real node, on its own keep-alive
// connection between pulls 30 s apart, does not. The transport is reached
// through api's unexported wrapper by reflection: a simulator's liberty.
func keepConns(c *node.Client) {
	v := reflect.ValueOf(c.HTTP().Transport)
	if v.Kind() != reflect.Struct || v.NumField() == 0 || v.Field(0).Kind() != reflect.Interface {
		panic("scalesim: api.Client's transport changed shape")
	}
	base := v.Field(0).Elem()
	if base.Type() != reflect.TypeFor[*http.Transport]() {
		panic("scalesim: api.Client's transport changed shape")
	}
	tr := (*http.Transport)(unsafe.Pointer(base.Pointer()))
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 0, 1<<16
}

func netIP(i int) net.IP { return net.IPv4(127, 10, byte(i), 1) }

// nodeKey is simulated node i's key: real secp256k1 keys, derived from i so
// that a run can be repeated.
func nodeKey(i int) *ecdsa.PrivateKey {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(i))
	d := sha256.Sum256(append([]byte("meadow scalesim node "), b[:]...))
	k, err := crypto.ToECDSA(d[:])
	if err != nil {
		panic(err) // a SHA-256 outside the curve's order: never for these inputs
	}
	return k
}

// client makes node i's client: its own key, the members in an order of
// its own (nodes spread over the members as behind a load balancer), and
// its net's shared connections.
func (s *Sim) client(n *simNode, i int) *node.Client {
	urls := slices.Clone(s.urls)
	r := i % len(urls)
	urls = append(urls[r:], urls[:r]...)
	cl, err := node.NewClient(node.ClientConfig{Coordinators: urls, Key: n.key, Domain: api.DevDomain(), SourceIP: netIP(n.net)})
	if err != nil {
		s.t.Fatal(err)
	}
	cl.HTTP().Transport = s.protos[n.net].HTTP().Transport
	return cl
}

// Registered is how many nodes have registered.
func (s *Sim) Registered() int { return len(s.nodes) }

// Register registers nodes until n have, through the node API, and returns
// how long the new ones took.
func (s *Sim) Register(ctx context.Context, n int) (time.Duration, error) {
	from := len(s.nodes)
	if n <= from {
		return 0, nil
	}
	news := make([]*simNode, n-from)
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for range s.cfg.RegisterWorkers {
		wg.Go(func() {
			for {
				j := int(next.Add(1)) - 1
				if j >= len(news) || ctx.Err() != nil {
					return
				}
				i := from + j
				k := nodeKey(i)
				sn := &simNode{key: k, addr: crypto.PubkeyToAddress(k.PublicKey).Hex(), net: i % s.cfg.Nets, held: map[string]heldTask{}}
				sn.cl = s.client(sn, i)
				var err error
				// A node whose registration fails tries again, as the
				// daemon does (a busy member may answer 408 or 503).
				for try := 0; try < 5; try++ {
					if _, err = sn.cl.Register(ctx, api.RegisterRequest{Address: crypto.PubkeyToAddress(k.PublicKey), Version: "dev",
						Capabilities: api.Capabilities{CPUCores: 4, MaxConcurrent: 2}}); err == nil || ctx.Err() != nil {
						break
					}
					time.Sleep(time.Second << try)
				}
				if err != nil {
					firstErr.CompareAndSwap(nil, fmt.Errorf("register node %d: %w", i, err))
					return
				}
				news[j] = sn
			}
		})
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, err
	}
	s.nodes = append(s.nodes, news...)
	return time.Since(start), ctx.Err()
}

// Forget drops what the simulator holds of the nodes past the first keep
// (they stay registered), so that the heap after it is the cluster's. Such
// nodes cannot be active again.
func (s *Sim) Forget(keep int) {
	for i := min(keep, len(s.nodes)); i < len(s.nodes); i++ {
		s.nodes[i] = nil
	}
}

// Stock submits crawl jobs until at least tasks tasks have been submitted
// in all. Each task's URLs are on a host of their own, so the per-domain
// rate never holds a task back. A job is 20,000 URLs (800 tasks of 25):
// one of api.MaxURLs (100,000) is a log entry of several MB, whose fsync
// on a busy shared machine cost the leader its lease in a trial run.
func (s *Sim) Stock(ctx context.Context, tasks int64) error {
	const perJob = 20_000
	for s.tasks < tasks {
		nt := min(int64(perJob/s.cfg.TaskSize), tasks-s.tasks)
		urls := make([]string, 0, nt*int64(s.cfg.TaskSize))
		for t := range nt {
			for p := range s.cfg.TaskSize {
				urls = append(urls, fmt.Sprintf("https://j%d-t%d.scalesim.example/p%d", s.jobs, t, p))
			}
		}
		var err error
		for try := 0; try < 5; try++ {
			// A leader change may have applied it anyway: a duplicate job
			// only adds tasks.
			if _, err = s.Cluster.WaitLeader().C.SubmitJob(ctx, s.buyer, api.JobSpec{Kind: api.JobCrawl,
				Crawl: &api.CrawlSpec{URLs: urls, TaskSize: s.cfg.TaskSize}}); err == nil {
				break
			}
		}
		if err != nil {
			return fmt.Errorf("submit job %d: %w", s.jobs, err)
		}
		s.jobs++
		s.tasks += nt
	}
	return nil
}

// Tasks is how many tasks have been submitted.
func (s *Sim) Tasks() int64 { return s.tasks }

// Op names a node API call.
type Op int

// The calls a simulated node makes.
const (
	OpWork Op = iota
	OpCommit
	OpReveal
	OpUpload
	nOps
)

var opNames = [nOps]string{"work", "commit", "reveal", "upload"}

func (o Op) String() string { return opNames[o] }

// recorder collects latencies and errors of one step.
type recorder struct {
	mu      sync.Mutex
	lat     [nOps][]time.Duration
	errs    [nOps]atomic.Int64
	lastErr atomic.Value
	leases  atomic.Int64
	empty   atomic.Int64
	late    atomic.Int64
}

func (r *recorder) add(op Op, d time.Duration, err error) {
	if err != nil {
		r.errs[op].Add(1)
		r.lastErr.Store(fmt.Errorf("%s: %w", op, err))
		return
	}
	r.mu.Lock()
	r.lat[op] = append(r.lat[op], d)
	r.mu.Unlock()
}

// Latency is an operation's figures in one step.
type Latency struct {
	N        int
	Errors   int64
	P50, P99 time.Duration
	Max      time.Duration
}

func (r *recorder) latency(op Op) Latency {
	r.mu.Lock()
	l := slices.Clone(r.lat[op])
	r.mu.Unlock()
	slices.Sort(l)
	out := Latency{N: len(l), Errors: r.errs[op].Load()}
	if len(l) > 0 {
		out.P50, out.P99, out.Max = l[len(l)/2], l[min(len(l)-1, len(l)*99/100)], l[len(l)-1]
	}
	return out
}

// Step is what one step measured.
type Step struct {
	Active      int
	Registered  int
	Duration    time.Duration
	Tail        time.Duration // how long the last cycles took to finish after Duration
	Leases      int64         // granted
	Empty       int64         // work requests answered with no lease
	Late        int64         // pulls skipped: the node's previous cycle was still running
	Ops         [nOps]Latency
	LastErr     string
	Applied     uint64  // entries the leader applied during the step
	WALBytes    int64   // bytes appended to the leader's log during the step
	CPU         float64 // cores the whole process used (cluster and simulator)
	HeapAlloc   uint64  // after a GC, at the end of the step
	RSS         int64
	SnapshotDur time.Duration
	SnapshotLen int64
	Load        string
}

// LeasesPerSec is the lease rate achieved.
func (st Step) LeasesPerSec() float64 { return float64(st.Leases) / (st.Duration + st.Tail).Seconds() }

// Run runs active nodes (the first `active` registered ones) for d: each
// pulls a task once every Period, at a phase of its own, so the pulls are
// spread evenly. When profile is not nil, a CPU profile of the step goes to
// it.
func (s *Sim) Run(ctx context.Context, active int, d time.Duration, profile io.Writer) (Step, error) {
	if active > len(s.nodes) {
		return Step{}, fmt.Errorf("scalesim: %d active nodes, %d registered", active, len(s.nodes))
	}
	for i, n := range s.nodes[:active] {
		if n == nil {
			return Step{}, fmt.Errorf("scalesim: node %d was forgotten", i)
		}
		if n.cl == nil {
			n.cl, n.held = s.client(n, i), map[string]heldTask{}
		}
	}
	leader := s.Cluster.WaitLeader()
	wal := newWALMeter(leader.Config.DataDir)
	applied0 := leader.C.AppliedIndex()
	cpu0 := cpuTime()
	if profile != nil {
		if err := pprof.StartCPUProfile(profile); err != nil {
			return Step{}, err
		}
	}
	rec := &recorder{}
	// Dispatching stops after d; the cycles under way finish (within a
	// minute more), so that no request is cut off and counted.
	runCtx, cancel := context.WithTimeout(ctx, d)
	cycleCtx, cancelCycles := context.WithTimeout(ctx, d+time.Minute)
	defer cancelCycles()
	var wg sync.WaitGroup
	start := time.Now()
	stopWAL := wal.sample(runCtx)
	tick := time.NewTicker(5 * time.Millisecond)
	last := int64(0)
loop:
	for {
		select {
		case <-runCtx.Done():
			break loop
		case <-tick.C:
		}
		// Node i is due at i/active of each period.
		pos := int64(float64(time.Since(start)) / float64(s.cfg.Period) * float64(active))
		for ; last < pos; last++ {
			n := s.nodes[last%int64(active)]
			if !n.busy.CompareAndSwap(false, true) {
				rec.late.Add(1)
				continue
			}
			wg.Go(func() {
				defer n.busy.Store(false)
				s.cycle(cycleCtx, n, rec)
			})
		}
	}
	tick.Stop()
	elapsed := time.Since(start)
	cancel()
	wg.Wait()
	tail := time.Since(start) - elapsed
	if profile != nil {
		pprof.StopCPUProfile()
	}
	walBytes := stopWAL()
	st := Step{Active: active, Registered: len(s.nodes), Duration: elapsed, Tail: tail,
		Leases: rec.leases.Load(), Empty: rec.empty.Load(), Late: rec.late.Load(),
		Applied: s.Cluster.WaitLeader().C.AppliedIndex() - applied0, WALBytes: walBytes,
		CPU: (cpuTime() - cpu0).Seconds() / (elapsed + tail).Seconds()}
	for op := range nOps {
		st.Ops[op] = rec.latency(op)
	}
	if err, _ := rec.lastErr.Load().(error); err != nil {
		st.LastErr = err.Error()
	}
	st.HeapAlloc, st.RSS = heap()
	st.SnapshotDur, st.SnapshotLen = s.Snapshot()
	st.Load = loadavg()
	return st, nil
}

// cycle is one pull of a node: work, then commit and reveal of the lease
// granted, then any upload asked for.
func (s *Sim) cycle(ctx context.Context, n *simNode, rec *recorder) {
	t0 := time.Now()
	resp, err := n.cl.Work(ctx, api.WorkRequest{MaxTasks: 1})
	if ctx.Err() != nil {
		return // the step ended: neither a figure nor an error
	}
	rec.add(OpWork, time.Since(t0), err)
	if err != nil {
		return
	}
	if len(resp.Leases) == 0 {
		rec.empty.Add(1)
	}
	rec.leases.Add(int64(len(resp.Leases)))
	s.granted.Add(int64(len(resp.Leases)))
	for _, u := range resp.Uploads {
		if h, ok := n.held[u.TaskID]; ok && h.lease == u.LeaseID {
			s.upload(ctx, n, u.TaskID, h, rec)
		}
	}
	for _, l := range resp.Leases {
		if l.Task.Crawl == nil {
			continue
		}
		urls := l.Task.Crawl.URLs
		hs, err := s.rowHashes(n, urls)
		if err != nil {
			rec.add(OpCommit, 0, err)
			continue
		}
		t0 = time.Now()
		_, err = n.cl.Commit(ctx, api.Commitment{TaskID: l.Task.ID, LeaseID: l.ID, Root: rootOf(hs), Rows: int64(len(hs))})
		if ctx.Err() != nil {
			return
		}
		rec.add(OpCommit, time.Since(t0), err)
		if err != nil {
			continue
		}
		t0 = time.Now()
		rr, err := n.cl.Reveal(ctx, api.Reveal{TaskID: l.Task.ID, LeaseID: l.ID, RowHashes: hs})
		if ctx.Err() != nil {
			return
		}
		rec.add(OpReveal, time.Since(t0), err)
		if err != nil {
			continue
		}
		h := heldTask{lease: l.ID, urls: urls}
		if rr.UploadRequested {
			s.upload(ctx, n, l.Task.ID, h, rec)
		} else if s.cfg.Upload {
			n.held[l.Task.ID] = h
		}
	}
}

// rows makes up a task's rows: the same content on every replica (so that
// the task verifies), the node's own provenance.
func (s *Sim) rows(n *simNode, urls []string) []dataset.Row {
	now := time.Now().UnixMilli()
	rows := make([]dataset.Row, len(urls))
	for i, u := range urls {
		rows[i] = dataset.CrawlRow(s.schema, dataset.Page{URL: u, FinalURL: u, Status: 200, ContentType: "text/html",
			Text: "simulated page " + u}, dataset.Provenance{Node: n.addr, FetchedAt: now})
	}
	return rows
}

func (s *Sim) rowHashes(n *simNode, urls []string) ([]api.Hash, error) {
	h, err := dataset.NewHasher(s.schema)
	if err != nil {
		return nil, err
	}
	out := make([]api.Hash, len(urls))
	for i, r := range s.rows(n, urls) {
		hh, err := h.Hash(r)
		if err != nil {
			return nil, err
		}
		out[i] = api.Hash(hh)
	}
	return out, nil
}

func rootOf(hs []api.Hash) api.Hash {
	ds := make([]dataset.Hash, len(hs))
	for i, h := range hs {
		ds[i] = dataset.Hash(h)
	}
	return api.Hash(dataset.ContentRoot(ds))
}

// upload writes the task's blob, signed row by row as a node's is, and
// sends it.
func (s *Sim) upload(ctx context.Context, n *simNode, task string, h heldTask, rec *recorder) {
	delete(n.held, task)
	if !s.cfg.Upload {
		return
	}
	blob, err := s.blob(n, h.urls)
	if err != nil {
		rec.add(OpUpload, 0, err)
		return
	}
	sum := sha256.Sum256(blob)
	t0 := time.Now()
	_, err = n.cl.Upload(ctx, api.Upload{TaskID: task, LeaseID: h.lease, SHA256: api.Hash(sum), Size: int64(len(blob))},
		func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(blob)), nil })
	if ctx.Err() != nil {
		return
	}
	rec.add(OpUpload, time.Since(t0), err)
}

func (s *Sim) blob(n *simNode, urls []string) ([]byte, error) {
	rows := s.rows(n, urls)
	if err := dataset.SignRows(s.schema, rows, n.key); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w, err := dataset.NewWriter(&buf, dataset.FormatArrowStream, s.schema)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Snapshot has the leader take a snapshot now and returns how long that
// took and the size of the newest snapshot on the leader's disk (0, 0 when
// Raft had nothing new to snapshot).
func (s *Sim) Snapshot() (time.Duration, int64) {
	m := s.Cluster.WaitLeader()
	t0 := time.Now()
	if err := m.C.Snapshot(); err != nil {
		if !errors.Is(err, coord.ErrNotLeader) {
			s.t.Logf("scalesim: snapshot: %v", err)
		}
		return 0, 0
	}
	return time.Since(t0), newestSnapshot(m.Config.DataDir)
}

// Leader returns the member that leads now.
func (s *Sim) Leader() *coordtest.Member { return s.Cluster.WaitLeader() }

// heap returns the live heap after a collection and the process's RSS.
func heap() (uint64, int64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc, rss()
}

// HeapAfterGC is heap's live heap, for the state-size figures.
func HeapAfterGC() uint64 { h, _ := heap(); return h }
