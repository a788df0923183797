package node

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/crawl"
	"github.com/meadow-net/meadow/dataset"
)

// Config configures a home node.
type Config struct {
	DataDir      string
	Coordinators []string
	// Operator groups the nodes of one person: the scheduler never gives
	// two replicas of a task to nodes of one operator. Empty means the node
	// is its own operator.
	Operator string
	// Referrer is the registered node that brought this one (meadow node
	// register --referrer): it goes in every registration, and the
	// coordinators take it from the first only. Empty: none.
	Referrer string
	// Dashboard is the local dashboard's listen address (loopback only);
	// empty turns it off.
	Dashboard string
	Version   string
	ChainID   uint64
	// RootCAs, when set, verifies https coordinators instead of the
	// system's roots (--coord-ca); the crawler keeps the system's.
	RootCAs *x509.CertPool
	// Groups is the network file's operators, against which the node
	// checks the group map before it follows the coordinators to its home
	// group (a network of several groups); nil on a network of one.
	Groups *api.GroupTrust
	// Command is how the user types this node's commands, for the hints
	// the dashboard shows: "meadow node" when empty, "meadow-node node"
	// for the node-only build that releases install.
	Command string

	RenderJS     bool
	ChromiumPath string
	// NoGPU keeps compute work on the CPU even where a GPU is found.
	NoGPU bool

	// Limits overrides the persisted caps when set (the user changed them
	// on the command line); they are then persisted.
	Limits *Limits

	// The settings below exist for tests and `meadow dev` only: the
	// command line never exposes them, and Validate refuses them unless
	// Development is set.
	Development bool
	// SourceIP is the local address the node's connections come from.
	SourceIP string
	// AllowList lets the crawler reach these non-public prefixes (the dev
	// network's loopback sites).
	AllowList []netip.Prefix
	// Tamper, when set, alters rows before they are committed: the dev
	// network's faulty node, which cross-checking must catch.
	Tamper func(dataset.Schema, dataset.Row) dataset.Row
	// PerDomainDelay, when set, replaces the crawler's one-second pause
	// between two requests to a host (the dev network's own site asks for
	// 10 ms in its robots.txt).
	PerDomainDelay time.Duration

	Logger *slog.Logger
}

// DefaultConfig is a node with the dashboard on its usual port.
func DefaultConfig() Config {
	return Config{Dashboard: "127.0.0.1:7070", Version: "dev", ChainID: api.DevChainID}
}

// Validate checks the configuration, naming the setting at fault.
func (c Config) Validate() error {
	var errs []error
	if c.DataDir == "" {
		errs = append(errs, errors.New("node: data-dir: expected a directory for the node's key and state"))
	}
	if len(c.Coordinators) == 0 {
		errs = append(errs, errors.New("node: coord: expected at least one coordinator URL"))
	}
	if c.Operator != "" {
		if _, err := api.ParseAddress(c.Operator); err != nil {
			errs = append(errs, fmt.Errorf("node: operator %q: expected an Ethereum address: %w", c.Operator, err))
		}
	}
	if c.Referrer != "" {
		if _, err := api.ParseAddress(c.Referrer); err != nil {
			errs = append(errs, fmt.Errorf("node: referrer %q: expected an Ethereum address: %w", c.Referrer, err))
		}
	}
	if c.Dashboard != "" {
		host, _, err := net.SplitHostPort(c.Dashboard)
		if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
			errs = append(errs, fmt.Errorf("node: dashboard %q: expected a loopback address such as 127.0.0.1:7070 (the dashboard is for this machine only)", c.Dashboard))
		}
	}
	if !c.Development && (c.SourceIP != "" || len(c.AllowList) > 0 || c.Tamper != nil || c.PerDomainDelay != 0) {
		errs = append(errs, errors.New("node: source address, allow-list, tampering and politeness overrides are for the development network only"))
	}
	if c.SourceIP != "" && net.ParseIP(c.SourceIP) == nil {
		errs = append(errs, fmt.Errorf("node: source-ip %q: expected an IP address", c.SourceIP))
	}
	if c.Limits != nil {
		errs = append(errs, c.Limits.Validate())
	}
	return errors.Join(errs...)
}

// command is Command, or "meadow node".
func (c Config) command() string {
	if c.Command == "" {
		return "meadow node"
	}
	return c.Command
}

// Node is the home daemon.
type Node struct {
	cfg     Config
	log     *slog.Logger
	id      *Identity
	meter   *Meter
	client  *Client
	crawler *crawl.Crawler
	devices compute.Devices
	started time.Time

	mu           sync.Mutex
	paused       bool
	state        string
	reason       string
	refusals     []Refuse
	view         coordView // dashboard_status.go
	uptime       uptime    // dashboard_status.go
	resume       chan struct{}
	dashboardURL string

	gpus gpuState  // compute.go
	held heldBlobs // held.go
	wasm wasmState // wasm.go

	update      atomic.Pointer[UpdateStatus] // update.go
	tasksDone   atomic.Int64
	inflight    atomic.Int64
	crawlDelays sync.Map // host → ms
}

// New prepares a node: its identity, caps and crawler. Run starts it.
func New(cfg Config) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "node")
	id, err := LoadOrCreateIdentity(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	limits, err := LoadLimits(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if cfg.Limits != nil {
		limits = *cfg.Limits
		if err := SaveLimits(cfg.DataDir, limits); err != nil {
			return nil, err
		}
	}
	meter, err := NewMeter(cfg.DataDir, limits, time.Now)
	if err != nil {
		return nil, err
	}
	var sourceIP net.IP
	if cfg.SourceIP != "" {
		sourceIP = net.ParseIP(cfg.SourceIP)
	}
	client, err := NewClient(ClientConfig{
		Coordinators: cfg.Coordinators, Key: id.Key, Domain: api.DomainFor(cfg.ChainID),
		SourceIP: sourceIP, Logger: log, Groups: cfg.Groups, AllowList: cfg.AllowList, RootCAs: cfg.RootCAs,
	})
	if err != nil {
		return nil, err
	}
	ccfg := crawl.DefaultConfig()
	ccfg.UserAgent = crawl.DefaultUserAgent(cfg.Version)
	ccfg.Policy.AllowList = cfg.AllowList
	ccfg.Development = cfg.Development
	ccfg.MaxBodyBytes = limits.MaxResponseBytes
	ccfg.FetchTimeout = time.Duration(limits.FetchTimeout)
	ccfg.MaxConcurrent = limits.MaxConcurrent
	ccfg.RenderJS = cfg.RenderJS
	ccfg.ChromiumPath = cfg.ChromiumPath
	ccfg.Budget = meterBudget{meter}
	if cfg.PerDomainDelay > 0 {
		ccfg.PerDomainDelay = cfg.PerDomainDelay
		ccfg.PerDomainConcurrency = 4
	}
	ccfg.Logger = log
	crawler, err := crawl.New(ccfg)
	if err != nil {
		return nil, err
	}
	n := &Node{
		cfg: cfg, log: log, id: id, meter: meter, client: client, crawler: crawler,
		devices: compute.Discover(), started: time.Now(), state: "starting", resume: make(chan struct{}),
	}
	if cfg.NoGPU {
		n.devices.GPUs, n.devices.CPUOnly, n.devices.Reason = nil, true, "GPU use turned off by the user"
	}
	return n, nil
}

// DashboardURL is where the running node's dashboard answers ("" before
// Run has opened it, or when it is off).
func (n *Node) DashboardURL() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.dashboardURL
}

// Address is the node's identity.
func (n *Node) Address() common.Address { return n.id.Address }

// meterBudget lets the crawler charge the day's byte cap.
type meterBudget struct{ m *Meter }

func (b meterBudget) Allow() bool {
	ok, _ := b.m.Allow()
	return ok
}
func (b meterBudget) Spend(n int64) { _ = b.m.Record(n) }

// Run registers the node and works until ctx ends; in-flight tasks then get
// a grace period to finish (an unfinished lease simply expires on the
// coordinator and goes back to the pool).
func (n *Node) Run(ctx context.Context) error {
	defer n.crawler.Close()
	defer n.closeGPU()
	defer n.wasm.close(context.Background())
	// Blobs of a previous run (held for uploads, inputs being read) are
	// no one's now: this run holds nothing for the coordinators yet.
	if err := os.RemoveAll(filepath.Join(n.cfg.DataDir, "tasks")); err != nil {
		n.log.Warn("clearing the previous run's task files", "err", err)
	}
	if n.cfg.Dashboard != "" {
		ln, err := net.Listen("tcp", n.cfg.Dashboard)
		if err != nil {
			return fmt.Errorf("node: dashboard %s: %w", n.cfg.Dashboard, err)
		}
		srv := &http.Server{Handler: NewDashboard(n), ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()
		n.mu.Lock()
		n.dashboardURL = "http://" + ln.Addr().String() + "/"
		n.mu.Unlock()
		n.log.Info("dashboard", "url", n.DashboardURL())
	}
	n.log.Info("starting", "address", n.id.Address, "coordinators", n.cfg.Coordinators, "devices", n.devices.String())

	poll := time.Second
	for {
		resp, err := n.client.Register(ctx, n.registration())
		if err == nil {
			poll = time.Duration(resp.PollInterval) * time.Millisecond
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		n.setState("offline", err.Error())
		n.log.Warn("register failed; retrying", "err", err)
		if !sleep(ctx, 2*time.Second) {
			return nil
		}
	}
	n.setState("running", "")

	var wg sync.WaitGroup
	taskCtx, cancelTasks := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelTasks()
	defer func() {
		n.setState("stopping", "finishing in-flight tasks")
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			n.log.Warn("in-flight tasks did not finish in time; their leases will expire")
			cancelTasks()
			<-done
		}
	}()

	go n.refreshRecord(ctx)
	for ctx.Err() == nil {
		if n.isPaused() {
			n.waitResume(ctx)
			continue
		}
		if ok, why := n.meter.Allow(); !ok {
			n.setState("capped", why)
			sleep(ctx, 5*time.Second)
			continue
		}
		free := n.meter.Limits().MaxConcurrent - int(n.inflight.Load())
		if free <= 0 {
			sleep(ctx, 100*time.Millisecond)
			continue
		}
		resp, err := n.client.Work(ctx, api.WorkRequest{MaxTasks: min(free, api.MaxTasksPerRequest)})
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			n.setState("offline", err.Error())
			sleep(ctx, 2*time.Second)
			continue
		}
		n.setState("running", "")
		n.uploadHeld(taskCtx, resp.Uploads)
		if len(resp.Leases) == 0 {
			wait := poll
			if resp.RetryAfter > 0 {
				wait = time.Duration(resp.RetryAfter) * time.Millisecond
			}
			sleep(ctx, wait)
			continue
		}
		for _, l := range resp.Leases {
			n.inflight.Add(1)
			wg.Add(1)
			go func(l api.Lease) {
				defer wg.Done()
				defer n.inflight.Add(-1)
				if err := n.runLease(taskCtx, l); err != nil {
					n.log.Warn("task failed", "task", l.Task.ID, "lease", l.ID, "err", err)
				}
			}(l)
		}
	}
	return nil
}

func (n *Node) registration() api.RegisterRequest {
	caps := api.Capabilities{
		RenderJS:      n.cfg.RenderJS,
		CPUCores:      runtime.NumCPU(),
		MaxConcurrent: n.meter.Limits().MaxConcurrent,
		Kernels:       n.kernels(),
		// Every Go node links the main-text extractor (crawl imports
		// compute/extract), so it takes crawl.extract tasks.
		MainText: true,
	}
	for _, g := range n.devices.GPUs {
		caps.GPUs = append(caps.GPUs, api.GPU{Model: g.Model, MemoryMiB: int64(g.MemoryMiB), ComputeCapability: g.ComputeCapability})
	}
	r := api.RegisterRequest{Address: n.id.Address, Capabilities: caps, Version: n.cfg.Version}
	if n.cfg.Operator != "" {
		r.Operator = common.HexToAddress(n.cfg.Operator)
	}
	if n.cfg.Referrer != "" {
		r.Referrer = common.HexToAddress(n.cfg.Referrer)
	}
	n.crawlDelays.Range(func(k, v any) bool {
		if r.CrawlDelays == nil {
			r.CrawlDelays = map[string]int64{}
		}
		r.CrawlDelays[k.(string)] = v.(int64)
		return true
	})
	return r
}

// runLease runs one leased task to its end: rows, commitment, reveal and,
// when the coordinator asks, the upload. The blob is written only for the
// upload, after the commitment; each row carries the node's signature of
// the row (provenance.go); the content root it commits to covers content
// columns only.
func (n *Node) runLease(ctx context.Context, l api.Lease) error {
	ctx, cancel := context.WithDeadline(ctx, time.UnixMilli(l.Deadline))
	defer cancel()
	var (
		schema dataset.Schema
		rows   []dataset.Row
		links  []string
		err    error
	)
	switch l.Task.Kind {
	case api.JobCrawl:
		schema, rows, links, err = n.runCrawl(ctx, l)
	case api.JobCompute:
		schema, rows, err = n.runCompute(ctx, l)
	default:
		return fmt.Errorf("node: task %s: kind %q is not supported by this node yet", l.Task.ID, l.Task.Kind)
	}
	if err != nil {
		return err
	}
	hashes, root, err := hashRows(schema, rows)
	if err != nil {
		return fmt.Errorf("node: task %s: %w", l.Task.ID, err)
	}
	cm := api.Commitment{TaskID: l.Task.ID, LeaseID: l.ID, Root: root, Rows: int64(len(rows))}
	_, _, err = n.commitSigned(ctx, cm)
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	rr, err := n.client.Reveal(ctx, api.Reveal{TaskID: l.Task.ID, LeaseID: l.ID, RowHashes: hashes, Links: links})
	if err != nil {
		return fmt.Errorf("reveal: %w", err)
	}
	n.tasksDone.Add(1)
	// The blob is written whether or not it is asked for now: a node not
	// asked in the reveal's answer keeps it for a later request (held.go).
	if err := signRows(schema, rows, n.id.Key); err != nil {
		return fmt.Errorf("node: task %s: %w", l.Task.ID, err)
	}
	blob, sum, err := n.writeBlob(l, schema, rows)
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	if api.Hash(sum.Root) != root || sum.Rows != cm.Rows {
		// The writer hashes what it stores; a difference would mean the
		// blob is not what was committed to, which the coordinator refuses.
		os.Remove(blob)
		return fmt.Errorf("node: task %s: the blob's %d rows have root %s, not the committed %s", l.Task.ID, sum.Rows, api.Hash(sum.Root), root)
	}
	up := api.Upload{TaskID: l.Task.ID, LeaseID: l.ID, SHA256: api.Hash(sum.SHA256), Size: sum.Bytes}
	if !rr.UploadRequested {
		n.held.add(heldBlob{path: blob, up: up, at: time.Now()}, time.Now())
		return nil
	}
	if _, err = n.client.Upload(ctx, up, func() (io.ReadCloser, error) { return os.Open(blob) }); err != nil {
		// Kept for the coordinators' next request (held.go): the store
		// may take it then, or the coordinators ask another replica.
		n.held.add(heldBlob{path: blob, up: up, at: time.Now()}, time.Now())
		return fmt.Errorf("upload: %w", err)
	}
	os.Remove(blob)
	return nil
}

// hashRows returns the rows' hashes in row order, as the reveal lists them,
// and the content root over them.
func hashRows(s dataset.Schema, rows []dataset.Row) ([]api.Hash, api.Hash, error) {
	h, err := dataset.NewHasher(s)
	if err != nil {
		return nil, api.Hash{}, err
	}
	sums := make([]dataset.Hash, len(rows))
	if err := h.HashRows(rows, sums); err != nil {
		return nil, api.Hash{}, err
	}
	hashes := make([]api.Hash, len(sums))
	for i, x := range sums {
		hashes[i] = api.Hash(x)
	}
	return hashes, api.Hash(dataset.ContentRoot(sums)), nil
}

// runCrawl fetches the task's URLs and returns their rows, the signature
// column still null, and the schema; for a task that follows links, also
// the links found on its pages within its allowed domains, sorted, each
// once (api.Reveal.Links).
func (n *Node) runCrawl(ctx context.Context, l api.Lease) (dataset.Schema, []dataset.Row, []string, error) {
	t := l.Task.Crawl
	if t == nil {
		return dataset.Schema{}, nil, nil, fmt.Errorf("node: task %s: crawl task without its crawl part", l.Task.ID)
	}
	spec := api.CrawlSpec{
		AllowedDomains: t.AllowedDomains, Fields: t.Fields, TextSelector: t.TextSelector,
		Exclude: t.Exclude, RenderJS: t.RenderJS, Extract: t.Extract,
	}
	if t.FollowLinks {
		// The crawler reports links for pages it treats as seeds.
		spec.Seeds = t.URLs
	}
	results, err := n.crawler.Fetch(ctx, t.URLs, spec)
	if err != nil {
		return dataset.Schema{}, nil, nil, err
	}
	names := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		names[i] = f.Name
	}
	schema, err := dataset.CrawlSchemaWith(names, dataset.CrawlOptions{MainText: t.Extract.On()})
	if err != nil {
		return dataset.Schema{}, nil, nil, err
	}
	var (
		rows  []dataset.Row
		links []string
	)
	prov := dataset.Provenance{Node: n.id.Address.Hex(), FetchedAt: time.Now().UnixMilli()}
	for _, r := range results {
		if r.CrawlDelay > 0 {
			if u, err := hostOf(r.URL); err == nil {
				n.crawlDelays.Store(u, r.CrawlDelay.Milliseconds())
			}
		}
		if r.Refusal != nil {
			n.noteRefusal(ctx, l, r)
			continue
		}
		row := dataset.CrawlRow(schema, *r.Page, prov)
		if _, err := dataset.HashRow(schema, row); err != nil {
			// A page the canonical encoding refuses (text that is not
			// UTF-8 despite its charset) costs that URL, not the task; the
			// extension refuses it the same way, so replicas agree.
			r.Refusal = &crawl.Refusal{Reason: api.RefusedHTTPError, Detail: "page cannot be encoded: " + err.Error()}
			n.noteRefusal(ctx, l, r)
			continue
		}
		if n.cfg.Tamper != nil {
			row = n.cfg.Tamper(schema, row)
		}
		rows = append(rows, row)
		if t.FollowLinks {
			for _, u := range r.Links {
				if api.CheckURL(u) == "" {
					links = append(links, u)
				}
			}
		}
	}
	slices.Sort(links)
	links = slices.Compact(links)
	if len(links) > api.MaxRevealLinks {
		links = links[:api.MaxRevealLinks]
	}
	return schema, rows, links, nil
}

// writeBlob writes the rows as an Arrow IPC stream to a file under the data
// dir, returning the file and the writer's summary (digest, size, root).
func (n *Node) writeBlob(l api.Lease, schema dataset.Schema, rows []dataset.Row) (string, dataset.WriteSummary, error) {
	dir := filepath.Join(n.cfg.DataDir, "tasks")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", dataset.WriteSummary{}, err
	}
	f, err := os.CreateTemp(dir, l.ID+"-*.arrows")
	if err != nil {
		return "", dataset.WriteSummary{}, err
	}
	fail := func(err error) (string, dataset.WriteSummary, error) {
		f.Close()
		os.Remove(f.Name())
		return "", dataset.WriteSummary{}, err
	}
	w, err := dataset.NewWriter(f, dataset.FormatArrowStream, schema)
	if err != nil {
		return fail(err)
	}
	for _, row := range rows {
		if err := w.Write(row); err != nil {
			return fail(fmt.Errorf("node: task %s: %w", l.Task.ID, err))
		}
	}
	if err := w.Close(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	return f.Name(), w.Summary(), nil
}

func (n *Node) noteRefusal(ctx context.Context, l api.Lease, r crawl.Result) {
	ref := Refuse{Time: time.Now(), URL: r.URL, Reason: string(r.Refusal.Reason), Detail: r.Refusal.Detail}
	n.mu.Lock()
	n.refusals = append(n.refusals, ref)
	n.view.countRefusal(ref.Reason)
	if len(n.refusals) > 50 {
		n.refusals = n.refusals[len(n.refusals)-50:]
	}
	n.mu.Unlock()
	n.log.Info("refused", "url", r.URL, "reason", ref.Reason, "detail", ref.Detail)
	detail := ref.Detail
	if len(detail) > 500 {
		detail = detail[:500]
	}
	if err := n.client.Refuse(ctx, api.Refusal{TaskID: l.Task.ID, LeaseID: l.ID, URL: r.URL, Reason: r.Refusal.Reason, Detail: detail}); err != nil {
		n.log.Warn("reporting a refusal failed", "url", r.URL, "err", err)
	}
}

// Pause stops taking new work; tasks in flight finish.
func (n *Node) Pause() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.paused {
		n.paused = true
		n.log.Info("paused by the user")
	}
}

// Resume takes work again.
func (n *Node) Resume() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.paused {
		n.paused = false
		close(n.resume)
		n.resume = make(chan struct{})
		n.log.Info("resumed by the user")
	}
}

func (n *Node) isPaused() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.paused
}

func (n *Node) waitResume(ctx context.Context) {
	n.mu.Lock()
	ch := n.resume
	n.mu.Unlock()
	select {
	case <-ctx.Done():
	case <-ch:
	}
}

func (n *Node) setState(state, reason string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.state != state || n.reason != reason {
		if state == "capped" {
			n.log.Warn("a cap is reached; not taking work", "reason", reason)
		}
		n.state, n.reason = state, reason
		n.uptime.note(state, time.Now())
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
