package devnet

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/blob/s3gw"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/node"
)

// Config shapes a dev network.
type Config struct {
	// Dir holds the coordinators' Raft logs and the nodes' data; empty
	// means a temporary directory removed by Close.
	Dir          string
	Coordinators int // 3 or 5
	Nodes        int // honest and faulty together
	Faulty       int // nodes that alter rows (at most Nodes-2)
	// JSNodes of the honest nodes render JavaScript (they run Chromium).
	JSNodes int
	Site    SiteConfig
	Logger  *slog.Logger
	// Release names the release the coordinators in this process report
	// in their status (coord.WithVersion); meadow dev passes its own.
	Release string
	// CoordBinary, when set, is the path of a meadow binary: each
	// coordinator then runs as a real `meadow coord` process of it, on
	// loopback ports picked at start, settling on the chain over its
	// JSON-RPC endpoint with its operator key in a file, its log in
	// DIR/cN/coord.log. Network.KillCoordinator can then SIGKILL one.
	// Empty: the coordinators run in this process.
	CoordBinary string
	// ObjectStore, when set, keeps every coordinator's blobs in this
	// S3-compatible bucket instead of their disks (coord.ObjectStoreConfig;
	// AccessKey and SecretKey set). Nil: each coordinator's own disk.
	ObjectStore *coord.ObjectStoreConfig
	// ObjectStoreBinary, when set, is the path of Versity's S3 gateway
	// (s3gw.Find): Start runs it as a process of its own on a loopback
	// port, over DIR/objectstore/root with random keys in
	// DIR/objectstore/credentials (mode 0600), creates a bucket, and keeps
	// every coordinator's blobs there, as ObjectStore does; Close stops it.
	// It excludes ObjectStore.
	ObjectStoreBinary string
	// Checkers is how many `meadow checker`s to run beside the object
	// store (0 to 4; needs one): the coordinators then only record
	// presigned uploads, which the checkers check (coord/checker.go).
	Checkers int
	// Groups, when 2 or more, runs a network of that many work groups of
	// Coordinators members each (docs/ARCHITECTURE.md, "Work groups"), in
	// this process, with a group map signed by the dev operators
	// (DIR/groups.json); nodes are given keys that spread them over the
	// groups, two honest ones at least in each. 0 or 1: one cluster.
	Groups int
}

// DefaultConfig is the network `meadow dev` runs: three coordinators, four
// nodes of which one is faulty and two render JavaScript.
func DefaultConfig() Config {
	return Config{Coordinators: 3, Nodes: 4, Faulty: 1, JSNodes: 2, Site: DefaultSiteConfig()}
}

// Validate checks the shape of the network.
func (c Config) Validate() error {
	var errs []error
	if c.Coordinators != 3 && c.Coordinators != 5 {
		errs = append(errs, fmt.Errorf("devnet: coordinators %d: expected 3 or 5", c.Coordinators))
	}
	if c.Nodes < 2 || c.Nodes > 200 {
		errs = append(errs, fmt.Errorf("devnet: nodes %d: expected 2 to 200", c.Nodes))
	}
	if c.Faulty < 0 || c.Faulty > c.Nodes-2 {
		errs = append(errs, fmt.Errorf("devnet: faulty %d: expected 0 to nodes-2 (two honest nodes must remain)", c.Faulty))
	}
	if c.JSNodes < 0 || c.JSNodes > c.Nodes-c.Faulty {
		errs = append(errs, fmt.Errorf("devnet: js nodes %d: expected 0 to the number of honest nodes", c.JSNodes))
	}
	if c.Groups < 0 || c.Groups > 4 {
		errs = append(errs, fmt.Errorf("devnet: groups %d: expected 0 to 4", c.Groups))
	}
	if c.Groups > 1 {
		if c.CoordBinary != "" || c.ObjectStore != nil || c.ObjectStoreBinary != "" {
			errs = append(errs, errors.New("devnet: groups: a network of several groups runs its coordinators in this process, on their disks"))
		}
		if c.Nodes-c.Faulty < 2*c.Groups {
			errs = append(errs, fmt.Errorf("devnet: groups %d: expected at least %d honest nodes, two for each group", c.Groups, 2*c.Groups))
		}
	}
	if c.Checkers < 0 || c.Checkers > 4 {
		errs = append(errs, fmt.Errorf("devnet: checkers %d: expected 0 to 4", c.Checkers))
	}
	if c.ObjectStore != nil && c.ObjectStoreBinary != "" {
		errs = append(errs, errors.New("devnet: object store binary: expected either a store to start or ObjectStore, not both"))
	}
	return errors.Join(errs...)
}

// Network is a running dev network.
type Network struct {
	cfg  Config
	dir  string
	temp bool
	log  *slog.Logger

	Site    *Site
	SiteURL string
	Chain   *Chain

	// Coords are the coordinators when they run in this process; empty
	// when they run as processes (Config.CoordBinary). CoordIDs and
	// CoordURLs hold them in both modes, in the same order.
	Coords    []*coord.Coordinator
	CoordIDs  []string
	CoordURLs []string
	Nodes     []*Node

	chainID uint64
	faucet  *Faucet          // shared by the in-process coordinators
	token   string           // the coordinators' shared secret for copying blobs
	claims  map[string]claim // by node name, once the journey settled
	cancel  context.CancelFunc
	wg      sync.WaitGroup // the coordinators
	srv     *http.Server
	procs   []*coordProc // the coordinators, when they run as processes
	// objectStore is the store the coordinators keep their blobs in (nil:
	// their disks); store reads it for the journey's check, gw is the
	// gateway Start runs (Config.ObjectStoreBinary).
	objectStore *coord.ObjectStoreConfig
	// checkerURLs are the checkers' base URLs (checkers.go), run as
	// checkerProcs or served by checkerSrvs in this process.
	checkerURLs  []string
	checkerProcs []*coordProc
	checkerSrvs  []*http.Server
	store        *blob.S3
	gw           *s3gw.Server

	// stopNodes and nodeWG stop the nodes before the coordinators (Close).
	stopNodes context.CancelFunc
	nodeWG    sync.WaitGroup

	// groups is the group map of a network of several groups (nil: one).
	groups *api.GroupMap
}

// Node is one of the network's nodes.
type Node struct {
	*node.Node
	Name     string
	SourceIP string
	Faulty   bool
	RenderJS bool
	// DataDir holds the node's key, which claims its rewards.
	DataDir string
	// Referrer is the node that referred this one (its address), "" for
	// none.
	Referrer string
	// Group is the node's home group on a network of several ("" on one).
	Group string

	altered atomic.Int64 // rows the faulty node changed
}

// Altered is how many rows the node changed before committing them: 0 for
// an honest node.
func (nd *Node) Altered() int64 { return nd.altered.Load() }

// Start starts the chain, the site, the coordinators and the nodes. Close
// stops them all.
func Start(ctx context.Context, cfg Config) (_ *Network, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := &Network{cfg: cfg, dir: cfg.Dir, log: log.With("component", "devnet")}
	if n.dir == "" {
		if n.dir, err = os.MkdirTemp("", "meadow-dev-"); err != nil {
			return nil, err
		}
		n.temp = true
	}
	var tok [16]byte
	if _, err := rand.Read(tok[:]); err != nil {
		return nil, err
	}
	n.token = hex.EncodeToString(tok[:])
	// The token in a file only its owner reads, so that an operator can
	// drive the dev network by hand (meadow operator --cluster-token-file).
	if err := os.MkdirAll(n.dir, 0o700); err != nil {
		return nil, fmt.Errorf("devnet: %w", err)
	}
	if err := os.WriteFile(n.ClusterTokenFile(), []byte(n.token+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("devnet: cluster token file: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	n.cancel = cancel
	defer func() {
		if err != nil {
			n.Close()
		}
	}()

	// One operator key (and relayer) for each coordinator of every group.
	if n.Chain, err = StartChain(ctx, cfg.Coordinators*max(cfg.Groups, 1), 2); err != nil {
		return nil, err
	}
	id, err := n.Chain.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("devnet: chain id: %w", err)
	}
	n.chainID = id.Uint64()
	// The funded buyer's key in a file, so that a person can buy beside
	// the journey (meadow buyer --key), as the journey's buyer.
	if err := os.WriteFile(n.BuyerKeyFile(), []byte(hex.EncodeToString(crypto.FromECDSA(n.Chain.Buyer))+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("devnet: buyer key file: %w", err)
	}
	n.faucet = NewFaucet(n.Chain)

	n.Site = NewSite(cfg.Site)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("devnet: site: %w", err)
	}
	n.srv = &http.Server{Handler: n.Site, ReadHeaderTimeout: 5 * time.Second}
	go n.srv.Serve(ln)
	n.SiteURL = "http://" + ln.Addr().String()

	if err := n.openObjectStore(ctx); err != nil {
		return nil, err
	}
	if err := n.startCheckers(runCtx); err != nil {
		return nil, err
	}
	if err := n.startCoordinators(runCtx); err != nil {
		return nil, err
	}
	nodeCtx, stopNodes := context.WithCancel(runCtx)
	n.stopNodes = stopNodes
	if err := n.startNodes(nodeCtx); err != nil {
		return nil, err
	}
	if err := n.writeUserFiles(); err != nil {
		return nil, err
	}
	return n, nil
}

// The settings the dev network's coordinators share, in process or not.
const (
	// The demo site is ours and asks for a 10 ms Crawl-delay; the
	// production floor of one second a fetch would make the demo crawl take
	// minutes.
	devDomainMinInterval = 5 * time.Millisecond
	// The in-process chain mines a block a transaction and never
	// reorganises: payments count at once, and the leader looks often.
	devChainConfirmations = 0
	devChainPoll          = 50 * time.Millisecond
	// A dev task takes a second or two; a lease lost to a crash comes back
	// to the pool in a minute rather than the production ten, so the demo
	// never stalls for long.
	devLeaseTTL  = time.Minute
	devRevealTTL = 30 * time.Second
	devUploadTTL = 20 * time.Second
	// devSnapshotCopy: the dev network's coordinators keep no second copy
	// of the state for snapshots (--snapshot-copy=false). A dev state is a
	// few thousand tasks, whose snapshot takes milliseconds under the lock,
	// while the copy applies every entry again on the same two cores that
	// run all three members, the nodes and Chromium
	// (docs/ARCHITECTURE.md, "Snapshots off the apply path"). coord's own
	// tests run with it.
	devSnapshotCopy = false
)

func (n *Network) startCoordinators(ctx context.Context) error {
	if n.cfg.CoordBinary != "" {
		return n.startCoordProcesses(ctx)
	}
	if n.cfg.Groups > 1 {
		return n.startGroups(ctx)
	}
	for i := 0; i < n.cfg.Coordinators; i++ {
		join := ""
		if i > 0 {
			join = n.Coords[0].HTTPAddr()
		}
		if err := n.startMember(ctx, i, fmt.Sprintf("c%d", i+1), "127.0.0.1:0", join); err != nil {
			return err
		}
	}
	return n.waitVoters(ctx, n.Coords[0], n.cfg.Coordinators)
}

// startMember starts coordinator id in this process, the network's k-th
// (its operator and relayer keys), bootstrapping a cluster when join is
// empty, and waits for it to lead when it does.
func (n *Network) startMember(ctx context.Context, k int, id, httpAddr, join string, opts ...coord.Option) error {
	cfg := coord.DefaultConfig()
	cfg.ID = id
	cfg.DataDir = filepath.Join(n.dir, id)
	cfg.RaftAddr = "127.0.0.1:0"
	cfg.HTTPAddr = httpAddr
	cfg.ChainID = n.chainID
	cfg.ClusterToken = n.token
	cfg.JobURLAllowList = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} // the demo site
	cfg.DomainMinInterval = devDomainMinInterval
	cfg.LeaseTTL, cfg.RevealTTL, cfg.UploadTTL = devLeaseTTL, devRevealTTL, devUploadTTL
	if join == "" {
		cfg.Bootstrap = true
	} else {
		cfg.Join = []string{join}
	}
	cfg.ChainConfirmations = devChainConfirmations
	// A dev chain's ether is free: relay every claim, dust included, so
	// that the journey can claim all that was settled.
	cfg.RelayMinFeeMeadow, cfg.RelayMinFeeStable = nil, nil
	cfg.ChainPublicRPC = n.Chain.RPC
	cfg.ChainPoll = devChainPoll
	cfg.ObjectStore = n.objectStore
	cfg.Checkers = n.checkerURLs
	cfg.NoSnapshotCopy = !devSnapshotCopy
	opts = append([]coord.Option{coord.WithLogger(n.log.With("coord", id)), coord.WithChain(n.Chain.Chain, n.Chain.Operators[k]), coord.WithRelayer(n.Chain.Relayers[k]), coord.WithDevFaucet(n.faucet),
		coord.WithJobChecks(api.Checks{KernelOutputs: compute.OutputNames}), coord.WithVersion(n.cfg.Release)}, opts...)
	c, err := coord.New(cfg, opts...)
	if err != nil {
		return fmt.Errorf("devnet: coordinator %s: %w", id, err)
	}
	n.Coords = append(n.Coords, c)
	n.CoordIDs = append(n.CoordIDs, id)
	n.CoordURLs = append(n.CoordURLs, "http://"+c.HTTPAddr())
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		if err := c.Run(ctx); err != nil && ctx.Err() == nil {
			n.log.Error("coordinator stopped", "id", id, "err", err)
		}
	}()
	if join == "" {
		return waitFor(ctx, 30*time.Second, "a leader", func() bool { return c.IsLeader() })
	}
	return nil
}

// waitVoters waits until first's cluster has want voters with their HTTP
// addresses recorded.
func (n *Network) waitVoters(ctx context.Context, first *coord.Coordinator, want int) error {
	return waitFor(ctx, 30*time.Second, "every coordinator to join", func() bool {
		ms, err := first.Members()
		if err != nil {
			return false
		}
		voters := 0
		for _, m := range ms {
			if m.Voter && m.HTTPAddr != "" {
				voters++
			}
		}
		return voters == want
	})
}

// Tamper is what the faulty node does: it changes the text of the pages
// whose number ends in 0, 3, 6 or 9 (about 40 % of the rows), the kind of lie
// cross-checking must catch row by row.
func Tamper(s dataset.Schema, r dataset.Row) dataset.Row {
	if s.Kind == dataset.KindCompute {
		return tamperCompute(s, r)
	}
	i := s.Index(dataset.ColText)
	url, _ := r[s.Index(dataset.ColURL)].(string)
	if i < 0 || url == "" {
		return r
	}
	if last := url[len(url)-1]; last < '0' || last > '9' || (last-'0')%3 != 0 {
		return r
	}
	out := append(dataset.Row(nil), r...)
	text, _ := out[i].(string)
	out[i] = text + " (sponsored content inserted by a faulty node)"
	return out
}

// tamperCompute is Tamper for compute rows: it alters the first kernel
// output (the column after source_hash) of the rows whose source hash's
// first byte is a multiple of 3, whatever its type (a null it leaves).
// Every type matters: a kind of task whose rows the faulty node could not
// alter would let it agree task after task, until adaptive replication
// trusted it with tasks alone (verify.TrustAfter) and its altered rows of
// later jobs reached datasets unchecked, which the journey refuses.
func tamperCompute(s dataset.Schema, r dataset.Row) dataset.Row {
	hi := s.Index(dataset.ColSourceHash)
	if hi < 0 || hi+1 >= len(r) {
		return r
	}
	if h, _ := r[hi].([]byte); len(h) == 0 || h[0]%3 != 0 {
		return r
	}
	out := append(dataset.Row(nil), r...)
	switch v := out[hi+1].(type) {
	case []uint32:
		out[hi+1] = flipFirst(v)
	case []int32:
		out[hi+1] = flipFirst(v)
	case []uint64:
		out[hi+1] = flipFirst(v)
	case []int64:
		out[hi+1] = flipFirst(v)
	case []byte:
		out[hi+1] = flipFirst(v)
	case int64:
		out[hi+1] = v + 1
	case float64:
		out[hi+1] = v + 1
	case bool:
		out[hi+1] = !v
	case string: // a wasm kernel's text output
		out[hi+1] = v + " (altered)"
	case []string:
		out[hi+1] = append(append([]string(nil), v...), "altered")
	}
	return out
}

// flipFirst returns a copy of v with the low bit of its first element
// flipped (v itself when empty: nothing to alter).
func flipFirst[T ~uint8 | ~int32 | ~uint32 | ~int64 | ~uint64](v []T) []T {
	if len(v) == 0 {
		return v
	}
	w := append([]T(nil), v...)
	w[0] ^= 1
	return w
}

func (n *Network) startNodes(ctx context.Context) error {
	honestJS := n.cfg.JSNodes
	for i := 0; i < n.cfg.Nodes; i++ {
		faulty := i >= n.cfg.Nodes-n.cfg.Faulty
		js := !faulty && honestJS > 0
		if js {
			honestJS--
		}
		name := fmt.Sprintf("node%d", i+1)
		// Each node reaches the coordinators from its own loopback /24,
		// so the scheduler's network-diversity rule applies for real.
		src := fmt.Sprintf("127.0.%d.1", i+1)
		cfg := node.DefaultConfig()
		cfg.DataDir = filepath.Join(n.dir, name)
		cfg.Coordinators = n.CoordURLs
		cfg.Dashboard = "127.0.0.1:0"
		cfg.Version = "dev"
		cfg.ChainID = n.chainID
		cfg.RenderJS = js
		cfg.Development = true
		cfg.SourceIP = src
		cfg.AllowList = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		lim := node.DefaultLimits()
		lim.PagesPerMinute = 100000
		// Two tasks at a time spreads the work over every node, the faulty one
		// included, instead of letting the first to ask take every replica.
		lim.MaxConcurrent = 2
		cfg.Limits = &lim
		cfg.PerDomainDelay = 5 * time.Millisecond
		cfg.Logger = n.log.With("node", name)
		dn := &Node{Name: name, SourceIP: src, Faulty: faulty, RenderJS: js, DataDir: cfg.DataDir}
		// On a network of several groups the nodes take turns among them,
		// and follow the coordinators there with the operators' map.
		home := i % max(n.cfg.Groups, 1)
		var err error
		if dn.Group, err = n.homeNode(cfg.DataDir, home); err != nil {
			return fmt.Errorf("devnet: %s: %w", name, err)
		}
		if n.groups != nil {
			cfg.Groups = api.TrustOf(n.NetworkFile())
		}
		if faulty {
			cfg.Tamper = func(s dataset.Schema, r dataset.Row) dataset.Row {
				out := Tamper(s, r)
				if len(r) > 0 && &out[0] != &r[0] {
					dn.altered.Add(1)
				}
				return out
			}
		}
		// Referrals (issue 15): each honest node after the first was
		// brought by the one before it, so settlement pays node1 a first-
		// and a second-tier share and node2 a first-tier one. A referrer
		// must be registered before it is named.
		// On a network of several groups, the one before it in its own
		// group (a referrer is registered where its referee is).
		if ref := n.referrerFor(i, dn.Group); ref != nil && !faulty {
			cfg.Referrer = ref.Address().Hex()
			url := n.liveURL(0)
			if n.groups != nil {
				url = n.GroupURLs(home)[0]
			}
			if err := waitFor(ctx, 30*time.Second, ref.Name+"'s registration", func() bool {
				return getJSON(ctx, url+"/v1/node/"+strings.ToLower(cfg.Referrer), &struct{}{}) == nil
			}); err != nil {
				return err
			}
		}
		nd, err := node.New(cfg)
		if err != nil {
			return fmt.Errorf("devnet: %s: %w", name, err)
		}
		dn.Node, dn.Referrer = nd, cfg.Referrer
		// Like a home user's, the node's key holds no ether: it claims
		// through the coordinators' relayers (settle.go).
		n.Nodes = append(n.Nodes, dn)
		n.nodeWG.Add(1)
		go func() {
			defer n.nodeWG.Done()
			if err := nd.Run(ctx); err != nil {
				n.log.Error("node stopped", "node", name, "err", err)
			}
		}()
	}
	return waitFor(ctx, 30*time.Second, "the nodes' dashboards", func() bool {
		for _, nd := range n.Nodes {
			if nd.DashboardURL() == "" {
				return false
			}
		}
		return true
	})
}

// Close stops everything and removes a temporary directory.
func (n *Network) Close() {
	// The nodes first, while the coordinators answer: a node finishes the
	// tasks it holds instead of retrying its commits against stopped
	// coordinators (and warning that they failed). Then the coordinators,
	// each told first that the whole cluster stops, so that none reports
	// the others' going as a fault.
	if n.stopNodes != nil {
		n.stopNodes()
	}
	n.waitStopped(&n.nodeWG, "nodes")
	for _, c := range n.Coords {
		c.Stopping()
	}
	if n.cancel != nil {
		n.cancel()
	}
	n.waitStopped(&n.wg, "coordinators")
	// After the nodes, which may still be talking to them.
	n.stopProcesses()
	// After the coordinators, which ask them.
	n.stopCheckers()
	// After the coordinators, which write to it until they stop.
	if n.gw != nil {
		n.gw.Kill()
	}
	if n.srv != nil {
		n.srv.Close()
	}
	if n.Chain != nil {
		n.Chain.Close()
	}
	if n.temp {
		os.RemoveAll(n.dir)
	}
}

// waitStopped waits for wg, at most 45 s (a node's in-flight tasks get 30).
func (n *Network) waitStopped(wg *sync.WaitGroup, what string) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(45 * time.Second):
		n.log.Warn("some parts did not stop in time", "parts", what)
	}
}

// Leader returns the coordinator that leads now, or nil; always nil when
// the coordinators run as processes (LeaderIndex answers in both modes).
func (n *Network) Leader() *coord.Coordinator {
	for _, c := range n.Coords {
		if c.IsLeader() {
			return c
		}
	}
	return nil
}

func waitFor(ctx context.Context, timeout time.Duration, what string, cond func() bool) error {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("devnet: waited %s for %s", timeout, what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// hostOf returns the host:port of a URL.
func hostOf(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "http://"), "https://")
	if i := strings.IndexByte(u, '/'); i >= 0 {
		u = u[:i]
	}
	return u
}

// ClusterToken is the coordinators' shared secret, which operator commands
// (meadow operator settle, members add and remove) send.
func (n *Network) ClusterToken() string { return n.token }

// ClusterTokenFile is where the cluster token is written (mode 0600), for
// meadow operator --cluster-token-file.
func (n *Network) ClusterTokenFile() string { return filepath.Join(n.dir, ClusterTokenFileName) }

// ClusterTokenFileName is the name of the token file in the network's
// directory.
const ClusterTokenFileName = "cluster-token"

// BuyerKeyFile is where the funded dev buyer's key is written (mode 0600,
// 64 hex digits as api.LoadOrCreateKey reads them), for meadow buyer --key.
func (n *Network) BuyerKeyFile() string { return filepath.Join(n.dir, BuyerKeyFileName) }

// BuyerKeyFileName is the name of the buyer's key file in the network's
// directory.
const BuyerKeyFileName = "buyer.key"

// ChainID is the chain id requests are signed for.
func (n *Network) ChainID() uint64 { return n.chainID }
