package coord

import (
	"context"
	"crypto/ecdsa"
	crand "crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/hashicorp/raft"
	wal "github.com/hashicorp/raft-wal"
	"github.com/hashicorp/raft-wal/metadb"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord/batch"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/forward"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/rewards"
)

// Coordinator is one member of the coordinator cluster: a Raft node with its
// log on disk, the replicated state, the batcher that groups writes into log
// entries, and the HTTP APIs. Make one with New and start it with Run.
type Coordinator struct {
	cfg Config
	log *slog.Logger
	// version is the release this member runs (WithVersion), shown in its
	// status so that an upgrade can be followed member by member.
	version string
	clock   func() time.Time
	// fresh is set when the data dir held no Raft state at start.
	fresh bool
	// clockw is the last comparison of clocks with the other members.
	clockw clockWatch
	// diskw is the last check of the data dir.
	diskw diskWatch
	// tls is nil when TLS is off.
	tls *tlsSetup
	// admit bounds the writes this member runs as leader (admission.go);
	// nil when Config.MaxWrites is 0.
	admit *admission
	// community remembers the buyers that are no community's account
	// (community.go).
	community communityReads
	// provRoots caches complete datasets' provenance roots by dataset id
	// (provenance.go): their blobs never change.
	provRoots sync.Map

	fsm       *fsm
	raft      *raft.Raft
	trans     *raft.NetworkTransport
	wal       *wal.WAL
	meta      *metadb.BoltMetaDB
	httpLn    net.Listener
	raftAddr  string // advertised
	httpAddr  string // advertised
	batcher   *batch.Batcher
	client    *fasthttp.Client
	forwarder *forward.Forwarder
	metrics   *metrics

	blobs blob.Backend // the disk store, or the shared object store
	// repl copies blobs between members' disks; nil with an object store.
	repl        *blob.Replicator
	blobHandler *blob.Handler
	// staged keeps the presigned uploads' checks and metrics
	// (uploadstaged.go).
	staged *stagedUploads
	// checkers is the client of Config.Checkers (nil without).
	checkers *checkers

	randMu sync.Mutex
	rand   *rand.Rand
	checks api.Checks

	workCh chan *workCall
	seenMu sync.Mutex
	seen   map[string]int64
	// workNonces are the replay windows of work requests (seenMu).
	workNonces map[string]api.NonceWindow
	// workGrants is each node's latest work request and its answer
	// (seenMu; workonce.go).
	workGrants map[string]*workGrant

	// chain and operatorKey are set by WithChain; nil without a chain.
	chain       *contracts.Chain
	operatorKey *ecdsa.PrivateKey
	faucet      Faucet  // set by WithDevFaucet, on a dev network only
	groups      *groups // the group map and this group; nil: one group
	// relayerKey sends gasless claims (WithRelayer, relay.go); relayed
	// remembers what was sent and relaying what is not mined yet, under
	// relayMu.
	relayerKey *ecdsa.PrivateKey
	relayMu    sync.Mutex
	relayed    map[string]api.RelayClaimResponse
	relaying   map[common.Address]inFlight
	relayerWei atomic.Pointer[big.Int]           // the relayer's ether at the last read; nil before
	claimed    claimedCache                      // what the distributor paid each node, read recently
	settleMu   sync.Mutex                        // one settlement at a time
	watcher    atomic.Pointer[contracts.Watcher] // the payment watcher while this member leads
	dlMu       sync.Mutex                        // one dataset written to the download cache at a time
	treeMu     sync.Mutex
	tree       *rewards.Tree // the reward tree of treeEpoch, for proofs
	treeEpoch  uint64

	// errs and rates feed the operator console (console.go).
	errs  *errorRing
	rates rateSampler

	closeOnce sync.Once
	// stopping quiets Raft's reports of unreachable peers (Stopping).
	stopping atomic.Bool
}

// Option sets one of the coordinator's dependencies.
type Option func(*options)

type options struct {
	log      *slog.Logger
	clock    func() time.Time
	rand     *rand.Rand
	client   *fasthttp.Client
	checks   api.Checks
	registry *prometheus.Registry

	chain       *contracts.Chain
	operatorKey *ecdsa.PrivateKey
	relayerKey  *ecdsa.PrivateKey
	faucet      Faucet
	groups      *api.GroupMap
	groupSelf   string
	version     string
}

// WithLogger sets the logger; records carry component=coord and the member id.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithClock sets the clock the leader reads when it stamps commands.
func WithClock(now func() time.Time) Option { return func(o *options) { o.clock = now } }

// WithRand sets the random source the leader draws seeds and spot checks
// from; tests pass a seeded one.
func WithRand(r *rand.Rand) Option { return func(o *options) { o.rand = r } }

// WithHTTPClient sets the client used to forward requests and to join.
func WithHTTPClient(c *fasthttp.Client) Option { return func(o *options) { o.client = c } }

// WithVersion names the release this member runs ("v1.2.0 (commit abc…)"),
// which its status reports (Status.Version; `meadow operator members`).
func WithVersion(v string) Option { return func(o *options) { o.version = v } }

// WithJobChecks adds validations of job specs that api cannot do alone (a
// full CSS selector parser, from crawl, passed in by cmd/meadow).
func WithJobChecks(ch api.Checks) Option { return func(o *options) { o.checks = ch } }

// New validates cfg, opens the Raft log and snapshots under cfg.DataDir, binds
// the Raft and HTTP addresses and starts Raft. Run must follow (or Close, to
// give everything back without running).
func New(cfg Config, opts ...Option) (*Coordinator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	o := options{log: slog.New(slog.DiscardHandler), clock: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if o.rand == nil {
		var seed [16]byte
		_, _ = crand.Read(seed[:])
		o.rand = rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])))
	}
	setup, err := loadTLS(cfg)
	if err != nil {
		return nil, err
	}
	if o.client == nil {
		o.client = &fasthttp.Client{Name: "meadow-coord", MaxIdleConnDuration: time.Minute}
	}
	if setup != nil && o.client.TLSConfig == nil {
		o.client.TLSConfig = setup.client
	}
	errs := &errorRing{}
	c := &Coordinator{
		cfg:         cfg,
		log:         slog.New(newRingHandler(o.log.Handler(), errs)).With("component", "coord", "id", cfg.ID),
		errs:        errs,
		clock:       o.clock,
		rand:        o.rand,
		client:      o.client,
		checks:      o.checks,
		version:     o.version,
		workCh:      make(chan *workCall, maxRound),
		seen:        map[string]int64{},
		workNonces:  map[string]api.NonceWindow{},
		workGrants:  map[string]*workGrant{},
		chain:       o.chain,
		operatorKey: o.operatorKey,
		relayerKey:  o.relayerKey,
		tls:         setup,
	}
	// Every coordinator refuses crawl URLs no node would fetch; only an
	// explicit allow-list (tests, meadow dev) exempts loopback sites.
	c.checks.PublicURLs, c.checks.AllowAddrs = true, cfg.JobURLAllowList
	if (c.chain == nil) != (c.operatorKey == nil) {
		return nil, invalidf("chain: expected both a chain and an operator key, or neither")
	}
	if c.relayerKey != nil && c.chain == nil {
		return nil, invalidf("relayer key: expected a chain to relay claims on")
	}
	if err := c.setFaucet(o.faucet); err != nil {
		return nil, err
	}
	if c.groups, err = newGroups(o.groups, o.groupSelf, cfg.ChainID); err != nil {
		return nil, err
	}
	if cfg.NoSnapshotCopy {
		c.fsm = newBareFSM(c.log.With("sub", "fsm"))
	} else {
		c.fsm = newFSM(c.log.With("sub", "fsm"))
	}
	c.metrics = newMetrics(c, o.registry)
	c.fsm.applied = c.metrics.applied
	c.admit = newAdmission(cfg, c.metrics.reg)
	if err := c.open(); err != nil {
		c.closeStores()
		return nil, err
	}
	if err := c.openBlobs(); err != nil {
		c.closeStores()
		return nil, err
	}
	c.forwarder = forward.New(c.client, cfg.ID, cfg.ApplyTimeout)
	c.forwarder.Scheme = c.scheme()
	b, err := batch.New(batch.Config{
		Window:      cfg.BatchWindow,
		MaxItems:    cfg.BatchMaxOps,
		MaxBytes:    cfg.BatchMaxBytes,
		MaxInFlight: cfg.BatchMaxInFlight,
	}, c.flushBatch)
	if err != nil {
		c.closeStores()
		return nil, invalidf("batch config: %v", err)
	}
	c.batcher = b
	return c, nil
}

func (c *Coordinator) open() error {
	cfg := c.cfg
	for _, d := range []string{cfg.DataDir, filepath.Join(cfg.DataDir, "wal")} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return fmt.Errorf("coord: data dir: %w", err)
		}
	}
	// Leftovers of snapshots that a crash or a full disk cut short.
	c.cleanSnapshotTemps()
	if err := checkStartSpace(cfg.DataDir, cfg.WALSegmentSize); err != nil {
		return err
	}
	// raft-wal's Close leaves its meta store (a BoltDB file with a lock)
	// open; holding it here lets closeStores release it, so that a member
	// can restart in the same process.
	c.meta = &metadb.BoltMetaDB{}
	w, err := wal.Open(filepath.Join(cfg.DataDir, "wal"),
		wal.WithMetaStore(c.meta),
		wal.WithSegmentSize(cfg.WALSegmentSize),
		wal.WithLogger(c.raftLog("wal")))
	if err != nil {
		return fmt.Errorf("coord: open raft log in %s: %w", cfg.DataDir, explainNoSpace(err, cfg.DataDir))
	}
	c.wal = w
	files, err := raft.NewFileSnapshotStoreWithLogger(cfg.DataDir, cfg.SnapshotRetain, c.raftLog("snapshots"))
	if err != nil {
		return fmt.Errorf("coord: open snapshots in %s: %w", cfg.DataDir, explainNoSpace(err, cfg.DataDir))
	}
	snaps := &watchedSnapshots{SnapshotStore: files, w: &c.diskw, report: c.snapshotPersisted}

	var advertise net.Addr
	if cfg.RaftAdvertise != "" {
		a, err := net.ResolveTCPAddr("tcp", cfg.RaftAdvertise)
		if err != nil {
			return invalidf("config.raft_advertise %q: %v", cfg.RaftAdvertise, err)
		}
		advertise = a
	}
	stream, err := newRaftStream(cfg.RaftAddr, advertise, c.tls, c.log.With("sub", "raft-stream"))
	if err != nil {
		return fmt.Errorf("coord: raft transport on %s: %w", cfg.RaftAddr, err)
	}
	trans := raft.NewNetworkTransportWithLogger(stream, 3, 10*time.Second, c.raftLog("transport"))
	c.trans = trans
	c.raftAddr = string(trans.LocalAddr())

	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("coord: http listener on %s: %w", cfg.HTTPAddr, err)
	}
	c.httpLn = ln
	c.httpAddr = ln.Addr().String()
	if cfg.HTTPAdvertise != "" {
		c.httpAddr = cfg.HTTPAdvertise
	}

	rc := raft.DefaultConfig()
	rc.LocalID = raft.ServerID(cfg.ID)
	rc.Logger = c.raftLog("raft")
	rc.HeartbeatTimeout = cfg.HeartbeatTimeout
	rc.ElectionTimeout = cfg.ElectionTimeout
	rc.LeaderLeaseTimeout = cfg.LeaderLeaseTimeout
	rc.CommitTimeout = cfg.CommitTimeout
	rc.SnapshotThreshold = cfg.SnapshotThreshold
	rc.SnapshotInterval = cfg.SnapshotInterval
	rc.TrailingLogs = cfg.TrailingLogs
	// Let the leader take every queued entry into one append (one fsync).
	rc.BatchApplyCh = true
	rc.MaxAppendEntries = cfg.RaftGroupCommit
	rc.NoLegacyTelemetry = true
	if err := raft.ValidateConfig(rc); err != nil {
		return invalidf("raft config: %v", err)
	}
	// The cache keeps the newest entries in memory, so that the leader
	// replicates them without reading them back from the WAL (that read
	// cost 17% of the leader's CPU at 40k commands/s).
	logs, err := raft.NewLogCache(4096, w)
	if err != nil {
		return fmt.Errorf("coord: log cache: %w", err)
	}
	has, err := raft.HasExistingState(logs, w, snaps)
	if err != nil {
		return fmt.Errorf("coord: read raft state in %s: %w", cfg.DataDir, err)
	}
	c.fresh = !has
	if c.freshJoin() {
		// Before Raft starts, so that a member that lost its data dir
		// never answers a vote request (joinstart.go).
		if err := c.checkNotStale(context.Background()); err != nil {
			return err
		}
	}
	r, err := raft.NewRaft(rc, c.fsm, logs, w, snaps, trans)
	if err != nil {
		return fmt.Errorf("coord: start raft: %w", err)
	}
	c.raft = r
	return nil
}

// closeStores gives back what open took, in reverse order.
func (c *Coordinator) closeStores() {
	if c.raft != nil {
		if err := c.raft.Shutdown().Error(); err != nil {
			c.log.Warn("raft shutdown", "err", err)
		}
	}
	if c.fsm != nil {
		c.fsm.close()
	}
	if c.trans != nil {
		_ = c.trans.Close()
	}
	if c.httpLn != nil {
		_ = c.httpLn.Close()
	}
	if c.wal != nil {
		_ = c.wal.Close()
	}
	if c.meta != nil {
		_ = c.meta.Close()
	}
	if c.repl != nil {
		_ = c.repl.Close()
	}
}

// Close gives back everything New took, for a coordinator whose Run was never
// called. Run closes on its own.
func (c *Coordinator) Close() {
	c.closeOnce.Do(c.closeStores)
}

// ID returns the member id.
func (c *Coordinator) ID() string { return c.cfg.ID }

// RaftAddr returns the advertised Raft address (the bound one when port 0
// was asked for).
func (c *Coordinator) RaftAddr() string { return c.raftAddr }

// HTTPAddr returns the advertised HTTP address.
func (c *Coordinator) HTTPAddr() string { return c.httpAddr }

// Run bootstraps or joins the cluster as configured, serves HTTP, batches
// writes and, while leader, runs the leader's loops. It returns when ctx ends,
// after Raft has shut down and the log is closed.
func (c *Coordinator) Run(ctx context.Context) error {
	defer c.Close()
	if c.cfg.Bootstrap {
		if err := c.bootstrap(); err != nil {
			return err
		}
	}
	srv := &fasthttp.Server{
		Handler:      c.handle,
		Name:         "meadow-coord",
		ReadTimeout:  30 * time.Second,
		WriteTimeout: 30 * time.Second,
		// Bodies up to the largest JSON request are read before the
		// handler runs; larger ones (blob uploads and peer pushes) are
		// streamed to the handler, which reads them to disk
		// (requestBody) or refuses them (limitBody).
		MaxRequestBodySize: maxBufferedBody,
		StreamRequestBody:  true,
		Logger:             slog.NewLogLogger(c.log.Handler(), slog.LevelWarn),

		// Headers past the buffer are answered 431 with a JSON body
		// (serverError), after reading what the client still sends.
		ReadBufferSize: readBufferSize,
		ErrorHandler:   c.serverError,
	}
	if c.freshJoin() {
		if err := c.joinAtStart(ctx); err != nil {
			return err
		}
	}
	var wg sync.WaitGroup
	loopCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	wg.Go(func() {
		ln := c.httpLn
		if c.tls != nil {
			ln = tls.NewListener(ln, c.tls.httpServer)
		}
		if err := srv.Serve(ln); err != nil {
			c.log.Error("http server", "err", err)
		}
	})
	wg.Go(func() { c.batcher.Run(loopCtx) })
	wg.Go(func() { c.leaderLoop(loopCtx) })
	wg.Go(func() { c.registerSelf(loopCtx) })
	wg.Go(func() { c.clockLoop(loopCtx) })
	wg.Go(func() { c.relayerLoop(loopCtx) })
	wg.Go(func() { c.diskLoop(loopCtx) })
	wg.Go(func() { c.sampleRates(loopCtx) })
	if s3, ok := c.blobs.(*blob.S3); ok {
		wg.Go(func() { c.countBlobs(loopCtx, s3) })
	}
	wg.Go(func() { c.repairLoop(loopCtx) })
	if c.repl != nil {
		wg.Go(func() {
			if err := c.repl.Run(loopCtx); err != nil && loopCtx.Err() == nil {
				c.log.Error("blob replication", "err", err)
			}
		})
	}
	c.log.Info("coordinator running", "raft_addr", c.raftAddr, "http_addr", c.httpAddr)

	<-ctx.Done()
	c.Stopping()
	cancel()
	_ = srv.Shutdown()
	wg.Wait()
	c.log.Info("coordinator stopped")
	return nil
}

// freshJoin reports whether this member started with no Raft state and
// join addresses: a new member, or one that lost its data dir.
func (c *Coordinator) freshJoin() bool {
	return c.fresh && !c.cfg.Bootstrap && len(c.cfg.Join) > 0
}

// bootstrap makes this member the single voter of a new cluster, unless the
// data dir already holds Raft state.
func (c *Coordinator) bootstrap() error {
	f := c.raft.BootstrapCluster(raft.Configuration{Servers: []raft.Server{{
		ID: raft.ServerID(c.cfg.ID), Address: raft.ServerAddress(c.raftAddr), Suffrage: raft.Voter,
	}}})
	if err := f.Error(); err != nil && !errors.Is(err, raft.ErrCantBootstrap) {
		return fmt.Errorf("coord: bootstrap: %w", err)
	}
	return nil
}

// now is the leader's time, in unix ms, for a command.
func (c *Coordinator) now() int64 { return c.clock().UnixMilli() }

// IsLeader reports whether this member is the leader.
func (c *Coordinator) IsLeader() bool { return c.raft.State() == raft.Leader }

// Leader returns the leader's id and its HTTP address, empty when no leader is
// known (or its address is not yet in the state).
func (c *Coordinator) Leader() (id, httpAddr string) {
	_, lid := c.raft.LeaderWithID()
	if lid == "" {
		return "", ""
	}
	id = string(lid)
	c.fsm.read(func(st *state.State) {
		if m, ok := st.Member(id); ok {
			httpAddr = m.HTTPAddr
		}
	})
	return id, httpAddr
}

// AppliedIndex returns Raft's index of the last log entry applied on this
// member, of any kind (barriers and no-ops included): compare it with the
// commit index to see how far behind a member is. Raft moves it when it
// hands entries to the state machine, a moment before they are in the
// state; to wait for a command's effect, use StateIndex.
func (c *Coordinator) AppliedIndex() uint64 { return c.raft.AppliedIndex() }

// StateIndex returns the index of the last command this member's state
// holds. A command applied at index i on one member is in another member's
// state once that member's StateIndex is at least i.
func (c *Coordinator) StateIndex() uint64 { return c.fsm.appliedIndex() }

// Barrier waits until every entry committed before the call is applied
// here. Only the leader can; a follower returns ErrNotLeader.
func (c *Coordinator) Barrier(ctx context.Context) error {
	return raftErr(c.raft.Barrier(c.timeout(ctx)).Error())
}

// timeout is ctx's time left, capped by the apply timeout.
func (c *Coordinator) timeout(ctx context.Context) time.Duration {
	t := c.cfg.ApplyTimeout
	if d, ok := ctx.Deadline(); ok {
		if left := time.Until(d); left < t {
			t = max(left, time.Millisecond)
		}
	}
	return t
}

// propose writes one command through Raft and returns its apply result; a
// domain error from the state comes back as the error. Commands go through
// the batcher unless batching is off.
func (c *Coordinator) propose(ctx context.Context, t MsgType, body any) (any, error) {
	entry, err := encodeEntry(t, body)
	if err != nil {
		return nil, err
	}
	return c.proposeEntry(ctx, entry)
}

func (c *Coordinator) proposeEntry(ctx context.Context, entry []byte) (any, error) {
	if c.raft.State() != raft.Leader {
		return nil, ErrNotLeader
	}
	start := time.Now()
	defer func() { c.metrics.proposeMs.Observe(time.Since(start).Seconds()) }()
	if c.cfg.BatchWindow > 0 {
		v, err := c.batcher.Submit(ctx, entry)
		if errors.Is(err, batch.ErrClosed) {
			err = ErrClosed
		}
		return v, err
	}
	return c.applyEntry(ctx, entry)
}

// applyEntry writes one entry as its own log entry.
func (c *Coordinator) applyEntry(ctx context.Context, entry []byte) (any, error) {
	f := c.raft.Apply(entry, c.timeout(ctx))
	if err := f.Error(); err != nil {
		return nil, raftErr(err)
	}
	resp := f.Response()
	if err, ok := resp.(error); ok {
		return nil, err
	}
	return resp, nil
}

// flushBatch writes one batch of entries as one MsgBatch log entry.
func (c *Coordinator) flushBatch(entries [][]byte) ([]any, error) {
	c.metrics.batchOps.Observe(float64(len(entries)))
	var data []byte
	if len(entries) == 1 {
		data = entries[0]
	} else {
		data = encodeBatch(entries)
	}
	f := c.raft.Apply(data, c.cfg.ApplyTimeout)
	if err := f.Error(); err != nil {
		return nil, raftErr(err)
	}
	if len(entries) == 1 {
		return []any{f.Response()}, nil
	}
	res, ok := f.Response().([]any)
	if !ok {
		return nil, fmt.Errorf("coord: batch apply returned %T", f.Response())
	}
	return res, nil
}

// Snapshot makes Raft take a snapshot now and compact its log.
func (c *Coordinator) Snapshot() error {
	return raftErr(c.raft.Snapshot().Error())
}
