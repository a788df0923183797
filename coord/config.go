package coord

import (
	"math/big"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
)

// Config configures one coordinator. Start from DefaultConfig, set ID,
// DataDir, RaftAddr, HTTPAddr and one of Bootstrap or Join, then Validate.
type Config struct {
	// ID names this member in the Raft configuration; it must stay the same
	// across restarts.
	ID string `json:"id"`

	// DataDir holds the Raft log (raft-wal), the stable store and snapshots.
	DataDir string `json:"data_dir"`

	// RaftAddr is the TCP address Raft binds to and advertises ("host:port";
	// port 0 picks a free port, used by tests). RaftAdvertise, when set, is
	// the address the other members dial instead.
	RaftAddr      string `json:"raft_addr"`
	RaftAdvertise string `json:"raft_advertise,omitempty"`

	// HTTPAddr is the address the node, buyer, operator and cluster APIs
	// listen on. HTTPAdvertise, when set, is the address other members
	// forward requests to.
	HTTPAddr      string `json:"http_addr"`
	HTTPAdvertise string `json:"http_advertise,omitempty"`

	// Bootstrap makes this member the first voter of a new cluster. It is
	// ignored when DataDir already holds Raft state.
	Bootstrap bool `json:"bootstrap,omitempty"`

	// Join lists the HTTP addresses ("host:port" or "http://host:port") of
	// existing members; a new member asks them, in turn, to add it as a
	// voter. A restarted member uses them to refresh its addresses.
	Join []string `json:"join,omitempty"`
	// JoinTimeout bounds how long a member with an empty data dir waits for
	// its join addresses at start before it fails (see joinstart.go).
	JoinTimeout time.Duration `json:"join_timeout"`

	// BatchWindow is how long the first command of a batch waits for others
	// before the batch is proposed as one log entry; 0 turns batching off
	// (one entry per command). BatchMaxOps and BatchMaxBytes end a batch
	// early; BatchMaxInFlight bounds the batches proposed but not yet
	// applied, which is what lets batches pipeline through Raft.
	BatchWindow      time.Duration `json:"batch_window"`
	BatchMaxOps      int           `json:"batch_max_ops"`
	BatchMaxBytes    int           `json:"batch_max_bytes"`
	BatchMaxInFlight int           `json:"batch_max_in_flight"`

	// MaxClockSkew is how far a member's clock may be from the cluster's
	// (the median of the members') before it stops leading; signed
	// requests' expiries are checked with this much slack (clock.go).
	// ClockCheckInterval is how often members compare clocks.
	MaxClockSkew       time.Duration `json:"max_clock_skew"`
	ClockCheckInterval time.Duration `json:"clock_check_interval"`

	// TLSCert and TLSKey are this member's certificate and key, and TLSCA
	// the cluster CA's certificate (PEM files): all three turn on TLS for
	// the HTTP API and mutual TLS between members (tls.go), or none.
	TLSCert string `json:"tls_cert,omitempty"`
	TLSKey  string `json:"tls_key,omitempty"`
	TLSCA   string `json:"tls_ca,omitempty"`

	// DiskReserve is the free space (bytes) under which a member stops
	// leading; DiskCheckInterval is how often it looks (disk.go).
	DiskReserve       int64         `json:"disk_reserve"`
	DiskCheckInterval time.Duration `json:"disk_check_interval"`

	// ApplyTimeout bounds one write through Raft.
	ApplyTimeout time.Duration `json:"apply_timeout"`

	// Raft timing; see hashicorp/raft's Config. Tests shorten them.
	HeartbeatTimeout   time.Duration `json:"heartbeat_timeout"`
	ElectionTimeout    time.Duration `json:"election_timeout"`
	LeaderLeaseTimeout time.Duration `json:"leader_lease_timeout"`
	CommitTimeout      time.Duration `json:"commit_timeout"`

	// SnapshotThreshold is how many log entries since the last snapshot make
	// Raft take another; SnapshotInterval how often it checks; TrailingLogs
	// how many entries it keeps after one; SnapshotRetain how many snapshot
	// files stay on disk.
	SnapshotThreshold uint64        `json:"snapshot_threshold"`
	SnapshotInterval  time.Duration `json:"snapshot_interval"`
	TrailingLogs      uint64        `json:"trailing_logs"`
	SnapshotRetain    int           `json:"snapshot_retain"`
	// NoSnapshotCopy turns off the second copy of the state that snapshots
	// are written from (replica.go): half the memory, and applies stop
	// while a snapshot encodes the state (about 8 s per million tasks on
	// 2 cores). For members short of memory with small states.
	NoSnapshotCopy bool `json:"no_snapshot_copy,omitempty"`

	// WALSegmentSize is the size of one raft-wal segment file, which is
	// preallocated on disk.
	WALSegmentSize int `json:"wal_segment_size"`
	// RaftGroupCommit is how many queued entries the leader may write to
	// its log in one append (one fsync) and send in one AppendEntries:
	// hashicorp/raft's MaxAppendEntries. 1 turns that grouping off (one
	// disk write per entry), which only the benchmarks' fully unbatched
	// baseline does.
	RaftGroupCommit int `json:"raft_group_commit"`

	// LeaseSweepInterval is how often the leader looks for leases past
	// their deadline.
	LeaseSweepInterval time.Duration `json:"lease_sweep_interval"`

	// LeaseTTL is how long a node has from a lease to its commitment;
	// RevealTTL how long from the commitment to the reveal.
	LeaseTTL  time.Duration `json:"lease_ttl"`
	RevealTTL time.Duration `json:"reveal_ttl"`
	// UploadTTL is how long the node asked for a verified task's blob has
	// before the upload is handed to another agreeing node.
	UploadTTL time.Duration `json:"upload_ttl"`
	// DownloadCache bounds, in bytes, the files this member keeps to serve
	// ranged dataset downloads (DATA-DIR/downloads); the least recently
	// served go first.
	DownloadCache int64 `json:"download_cache_bytes"`

	// MaxWrites bounds the node and buyer writes (work requests,
	// commitments, reveals, uploads, jobs…) the leader runs at once; a write
	// that finds no room within AdmitWait is answered 429 with a
	// Retry-After (admission.go). 0: no bound.
	MaxWrites int           `json:"max_writes"`
	AdmitWait time.Duration `json:"admit_wait"`

	// WorkWindow is how long the leader gathers work requests into one
	// scheduling round (one plan, one log entry of grants).
	WorkWindow time.Duration `json:"work_window"`

	// IdleRetry is how long a node that got no lease waits before asking
	// again, when the scheduler has no better estimate.
	IdleRetry time.Duration `json:"idle_retry"`

	// DomainMinInterval is the network-wide least time between two fetches
	// from one host; robots.txt Crawl-delays only lengthen it.
	DomainMinInterval time.Duration `json:"domain_min_interval"`

	// ClusterToken is the secret members send each other to copy blobs
	// (blob.TokenHeader). Empty: blobs are not copied, which only a
	// single-member cluster can live with.
	ClusterToken string `json:"cluster_token,omitempty"`

	// ChainID is the chain whose EIP-712 domain requests are signed in
	// (api.DomainFor); the development chain's by default.
	ChainID uint64 `json:"chain_id"`

	// PricePerRow is what an accepted row costs a buyer on a network with a
	// chain, in stable base units (6 decimals): 1000 is 0.001 a row.
	PricePerRow uint64 `json:"price_per_row"`
	// UnpaidGrace is how long a priced job may stay done and unpaid before
	// its buyer may submit no more jobs or pipelines until it pays (402
	// naming the job); 0 lets a buyer submit whatever it owes. A job is
	// paid after it is done, so without a limit a buyer could go on using
	// the network without ever paying.
	UnpaidGrace time.Duration `json:"unpaid_grace"`
	// RelayFeeBps is what this member's relayer asks for a gasless claim
	// (POST /v1/rewards/relay), in basis points of what the claim pays in
	// each token; at most the distributor's cap (contracts.MaxRelayFeeBps).
	RelayFeeBps uint64 `json:"relay_fee_bps"`
	// RelayMinFeeMeadow and RelayMinFeeStable are the smallest fees, in
	// base units of each token, for which this member's relayer sends a
	// claim: it sends one whose fee reaches the minimum of either token (a
	// minimum of 0 leaves that token out; both 0 or nil: no minimum). A
	// relayed claim costs the relayer its gas in ether whatever it pays,
	// so without a floor claims of dust, one per node and epoch, would
	// cost it more than their fees.
	RelayMinFeeMeadow *big.Int `json:"relay_min_fee_meadow,omitempty"`
	RelayMinFeeStable *big.Int `json:"relay_min_fee_stable,omitempty"`

	// ChainPoll is how often the leader looks for payments and datasets to
	// register; ChainConfirmations how many blocks must follow a payment
	// before it counts (0 on the in-process chain, which never reorganises).
	ChainPoll          time.Duration `json:"chain_poll"`
	ChainConfirmations uint64        `json:"chain_confirmations"`

	// SettleInterval, when set, makes the leader settle an epoch that
	// often; 0 leaves settlement to operators (meadow operator settle).
	SettleInterval time.Duration `json:"settle_interval,omitempty"`

	// ChainPublicRPC is the chain's JSON-RPC URL as the operators publish
	// it to nodes and buyers (GET /v1/chain); optional.
	ChainPublicRPC string `json:"chain_public_rpc,omitempty"`

	// SharedNetworkOK lets replicas of a task share a /24 or /48: for the
	// local development network only, where every node is on loopback.
	SharedNetworkOK bool `json:"shared_network_ok,omitempty"`

	// JobURLAllowList exempts these prefixes from the refusal of crawl
	// URLs whose host is a non-public IP literal or localhost (tests and
	// meadow dev crawl a loopback site). Empty in production: no flag sets
	// it, only meadow coord's hidden --dev-job-url-allow-list.
	JobURLAllowList []netip.Prefix `json:"job_url_allow_list,omitempty"`

	// ReleaseDir, when set, holds the release this member publishes to
	// nodes (GET /v1/release): SHA256SUMS, SHA256SUMS.sig and the archives
	// it lists. Every member is given a copy of the same directory; it is
	// read on each request, never replicated through Raft (coord/release.go).
	ReleaseDir string `json:"release_dir,omitempty"`

	// ObjectStore, when set, keeps every blob in an S3-compatible bucket
	// that all members share, instead of on each member's disk
	// (objectstore.go). Every member of a cluster must name the same one.
	ObjectStore *ObjectStoreConfig `json:"object_store,omitempty"`
	// Checkers are base URLs of `meadow checker` processes, which do the
	// byte work of checking presigned uploads for this member (reading
	// the staged object back, row hashes, row signatures): the member
	// then only records the blob. Empty, or when none answers, the member
	// checks itself (checker.go). They need ObjectStore.
	Checkers []string `json:"checkers,omitempty"`
	// ProxyUploads lets nodes and buyers whose presigned PUT failed send
	// their bytes through a member (PUT /v1/node/upload, POST
	// /v1/modules), as on a cluster without an object store. By default a
	// cluster with an object store refuses those routes with 409, so that
	// no member carries blob bytes: a node keeps a blob the store would
	// not take and tries the presigned PUT again on a later request. Set it
	// where some nodes cannot reach the store at all. It needs ObjectStore.
	ProxyUploads bool `json:"proxy_uploads,omitempty"`
}

// DefaultConfig returns the defaults: batches of up to 2 ms, 1024 commands or
// 1 MiB; hashicorp/raft's production timing; a snapshot every 8192 entries.
func DefaultConfig() Config {
	return Config{
		// 2 ms: on a disk whose fsync takes 1-2 ms, a window of about one
		// fsync fills each entry without adding a visible delay to a lease
		// request (see DESIGN.md for the measured curve).
		BatchWindow:      2 * time.Millisecond,
		BatchMaxOps:      1024,
		BatchMaxBytes:    1 << 20,
		BatchMaxInFlight: 8,
		ApplyTimeout:     10 * time.Second,
		JoinTimeout:      30 * time.Second,
		// Ordinary NTP keeps machines within milliseconds; 30 s admits a
		// machine without it for a while, and is small against the 2
		// minutes a client's envelope lives.
		MaxClockSkew:       30 * time.Second,
		ClockCheckInterval: 5 * time.Second,
		// Two log segments and a snapshot of a small state.
		DiskReserve:        256 << 20,
		DiskCheckInterval:  5 * time.Second,
		HeartbeatTimeout:   1000 * time.Millisecond,
		ElectionTimeout:    1000 * time.Millisecond,
		LeaderLeaseTimeout: 500 * time.Millisecond,
		CommitTimeout:      50 * time.Millisecond,
		SnapshotThreshold:  8192,
		SnapshotInterval:   30 * time.Second,
		TrailingLogs:       10240,
		SnapshotRetain:     2,
		WALSegmentSize:     64 << 20,
		RaftGroupCommit:    256,
		LeaseSweepInterval: time.Second,
		LeaseTTL:           10 * time.Minute,
		RevealTTL:          2 * time.Minute,
		UploadTTL:          2 * time.Minute,
		DownloadCache:      4 << 30,
		WorkWindow:         2 * time.Millisecond,
		MaxWrites:          DefaultMaxWrites,
		AdmitWait:          500 * time.Millisecond,
		IdleRetry:          5 * time.Second,
		DomainMinInterval:  time.Second,
		ChainID:            api.DevChainID,
		PricePerRow:        1000,
		UnpaidGrace:        DefaultUnpaidGrace,
		RelayFeeBps:        DefaultRelayFeeBps,
		RelayMinFeeMeadow:  new(big.Int).Set(DefaultRelayMinFeeMeadow),
		RelayMinFeeStable:  new(big.Int).Set(DefaultRelayMinFeeStable),
		ChainPoll:          2 * time.Second,
		ChainConfirmations: 6,
	}
}

// Validate checks the config without touching the disk or the network. The
// error names the field, the value and what was expected.
func (c Config) Validate() error {
	switch {
	case c.ID == "":
		return invalidf("config.id: expected a non-empty member id")
	case strings.ContainsAny(c.ID, " \t\r\n/"):
		return invalidf("config.id %q: expected no white space or '/'", c.ID)
	case c.DataDir == "":
		return invalidf("config.data_dir: expected a directory")
	}
	if err := checkHostPort("config.raft_addr", c.RaftAddr, true); err != nil {
		return err
	}
	if c.RaftAdvertise != "" {
		if err := checkHostPort("config.raft_advertise", c.RaftAdvertise, false); err != nil {
			return err
		}
	}
	if err := checkHostPort("config.http_addr", c.HTTPAddr, true); err != nil {
		return err
	}
	if c.HTTPAdvertise != "" {
		if err := checkHostPort("config.http_advertise", c.HTTPAdvertise, false); err != nil {
			return err
		}
	}
	if c.Bootstrap && len(c.Join) > 0 {
		return invalidf("config.join %q: expected no join addresses with bootstrap", c.Join)
	}
	for i, j := range c.Join {
		if err := checkHostPort("config.join["+strconv.Itoa(i)+"]", trimScheme(j), false); err != nil {
			return err
		}
	}
	switch {
	case c.BatchWindow < 0 || c.BatchWindow > time.Second:
		return invalidf("config.batch_window %s: expected 0 (off) to 1s", c.BatchWindow)
	case c.BatchMaxOps < 1:
		return invalidf("config.batch_max_ops %d: expected at least 1", c.BatchMaxOps)
	case c.BatchMaxBytes < 1024:
		return invalidf("config.batch_max_bytes %d: expected at least 1024", c.BatchMaxBytes)
	case c.BatchMaxInFlight < 1:
		return invalidf("config.batch_max_in_flight %d: expected at least 1", c.BatchMaxInFlight)
	case c.JoinTimeout < time.Second && len(c.Join) > 0:
		return invalidf("config.join_timeout %s: expected at least 1s", c.JoinTimeout)
	case c.MaxClockSkew < time.Second || c.MaxClockSkew > api.MaxExpiry/2:
		return invalidf("config.max_clock_skew %s: expected 1s to %s", c.MaxClockSkew, api.MaxExpiry/2)
	case c.ClockCheckInterval < 10*time.Millisecond:
		return invalidf("config.clock_check_interval %s: expected at least 10ms", c.ClockCheckInterval)
	case (c.TLSCert == "") != (c.TLSKey == "") || (c.TLSCert == "") != (c.TLSCA == ""):
		return invalidf("config.tls_cert %q, tls_key %q, tls_ca %q: expected all three (TLS, mutual between members) or none", c.TLSCert, c.TLSKey, c.TLSCA)
	case c.DiskReserve < 0:
		return invalidf("config.disk_reserve %d: expected 0 or more bytes", c.DiskReserve)
	case c.DiskCheckInterval < 10*time.Millisecond:
		return invalidf("config.disk_check_interval %s: expected at least 10ms", c.DiskCheckInterval)
	case c.ApplyTimeout <= 0:
		return invalidf("config.apply_timeout %s: expected a positive duration", c.ApplyTimeout)
	case c.HeartbeatTimeout < 5*time.Millisecond:
		return invalidf("config.heartbeat_timeout %s: expected at least 5ms", c.HeartbeatTimeout)
	case c.ElectionTimeout < c.HeartbeatTimeout:
		return invalidf("config.election_timeout %s: expected at least heartbeat_timeout (%s)", c.ElectionTimeout, c.HeartbeatTimeout)
	case c.LeaderLeaseTimeout < 5*time.Millisecond || c.LeaderLeaseTimeout > c.HeartbeatTimeout:
		return invalidf("config.leader_lease_timeout %s: expected 5ms to heartbeat_timeout (%s)", c.LeaderLeaseTimeout, c.HeartbeatTimeout)
	case c.CommitTimeout < time.Millisecond:
		return invalidf("config.commit_timeout %s: expected at least 1ms", c.CommitTimeout)
	case c.RaftGroupCommit < 1 || c.RaftGroupCommit > 1024:
		return invalidf("config.raft_group_commit %d: expected 1 to 1024 entries", c.RaftGroupCommit)
	case c.SnapshotThreshold < 1:
		return invalidf("config.snapshot_threshold %d: expected at least 1", c.SnapshotThreshold)
	case c.SnapshotInterval < 5*time.Millisecond:
		return invalidf("config.snapshot_interval %s: expected at least 5ms", c.SnapshotInterval)
	case c.SnapshotRetain < 1:
		return invalidf("config.snapshot_retain %d: expected at least 1", c.SnapshotRetain)
	case c.WALSegmentSize < 1<<20:
		return invalidf("config.wal_segment_size %d: expected at least 1 MiB", c.WALSegmentSize)
	case c.LeaseSweepInterval < time.Millisecond:
		return invalidf("config.lease_sweep_interval %s: expected at least 1ms", c.LeaseSweepInterval)
	case c.LeaseTTL < time.Second:
		return invalidf("config.lease_ttl %s: expected at least 1s", c.LeaseTTL)
	case c.RevealTTL < time.Second:
		return invalidf("config.reveal_ttl %s: expected at least 1s", c.RevealTTL)
	case c.DownloadCache < 0:
		return invalidf("config.download_cache_bytes %d: expected 0 or more", c.DownloadCache)
	case c.UploadTTL < time.Second:
		return invalidf("config.upload_ttl %s: expected at least 1s", c.UploadTTL)
	case c.MaxWrites < 0 || c.MaxWrites > 1<<20:
		return invalidf("config.max_writes %d: expected 0 (no bound) to 1048576", c.MaxWrites)
	case c.AdmitWait < 0 || c.AdmitWait > 10*time.Second:
		return invalidf("config.admit_wait %s: expected 0 to 10s", c.AdmitWait)
	case c.WorkWindow < 0 || c.WorkWindow > time.Second:
		return invalidf("config.work_window %s: expected 0 to 1s", c.WorkWindow)
	case c.IdleRetry < time.Millisecond || c.IdleRetry > time.Hour:
		return invalidf("config.idle_retry %s: expected 1ms to 1h", c.IdleRetry)
	case c.DomainMinInterval < 0 || c.DomainMinInterval > time.Hour:
		return invalidf("config.domain_min_interval %s: expected 0 to 1h", c.DomainMinInterval)
	case c.ChainID == 0:
		return invalidf("config.chain_id 0: expected the id of the chain requests are signed for")
	case c.ChainPoll < time.Millisecond || c.ChainPoll > time.Hour:
		return invalidf("config.chain_poll %s: expected 1ms to 1h", c.ChainPoll)
	case c.ChainConfirmations > 1000:
		return invalidf("config.chain_confirmations %d: expected 0 to 1000", c.ChainConfirmations)
	case c.SettleInterval < 0 || (c.SettleInterval > 0 && c.SettleInterval < time.Second):
		return invalidf("config.settle_interval %s: expected 0 (operators settle) or at least 1s", c.SettleInterval)
	case c.RelayFeeBps > contracts.MaxRelayFeeBps:
		return invalidf("config.relay_fee_bps %d: expected 0 to %d (the distributor's cap, %d%%)", c.RelayFeeBps, contracts.MaxRelayFeeBps, contracts.MaxRelayFeeBps/100)
	case c.RelayMinFeeMeadow != nil && c.RelayMinFeeMeadow.Sign() < 0:
		return invalidf("config.relay_min_fee_meadow %s: expected 0 or more MEADOW base units", c.RelayMinFeeMeadow)
	case c.RelayMinFeeStable != nil && c.RelayMinFeeStable.Sign() < 0:
		return invalidf("config.relay_min_fee_stable %s: expected 0 or more stable base units", c.RelayMinFeeStable)
	case c.UnpaidGrace < 0 || c.UnpaidGrace > 365*24*time.Hour:
		return invalidf("config.unpaid_grace %s: expected 0 (no limit) to 8760h (a year)", c.UnpaidGrace)
	case c.PricePerRow > 1e12:
		return invalidf("config.price_per_row %d: expected at most 1000000000000 (a million stable a row)", c.PricePerRow)
	}
	if c.ObjectStore != nil {
		if err := c.ObjectStore.validate(); err != nil {
			return err
		}
	}
	if err := validateCheckers(c.Checkers, c.ObjectStore); err != nil {
		return err
	}
	if c.ProxyUploads && c.ObjectStore == nil {
		return invalidf("config.proxy_uploads: expected an object_store as well (without one every upload goes through the members)")
	}
	if c.ChainPublicRPC != "" {
		if u, err := url.Parse(c.ChainPublicRPC); err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
			return invalidf("config.chain_public_rpc %q: expected an http(s) or ws(s) URL", c.ChainPublicRPC)
		}
	}
	return nil
}

// checkHostPort checks a "host:port" address; bind addresses may leave the
// host empty (all interfaces) and use port 0, advertised ones may not.
func checkHostPort(field, addr string, bind bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return invalidf("%s %q: expected host:port", field, addr)
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 0 || p > 65535 || (!bind && p == 0) {
		return invalidf("%s %q: expected a port from 1 to 65535", field, addr)
	}
	if !bind && host == "" {
		return invalidf("%s %q: expected a host", field, addr)
	}
	return nil
}

func trimScheme(addr string) string {
	addr = strings.TrimPrefix(addr, "http://")
	addr = strings.TrimPrefix(addr, "https://")
	return strings.TrimSuffix(addr, "/")
}
