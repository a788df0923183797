//go:build !nodeonly

package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/andybalholm/cascadia"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/blob"
)

func newCoordCmd(a *app) *cobra.Command {
	cfg := coord.DefaultConfig()
	var (
		join []string
		cf   coordChainFlags
		obj  coord.ObjectStoreConfig
		// snapshotCopy is --snapshot-copy (Config.NoSnapshotCopy negated).
		snapshotCopy bool
		// groupMap and group place the coordinator in one group of a
		// network of several (docs/ARCHITECTURE.md, "Work groups").
		groupMap, group string
		// relayMinMeadow and relayMinStable are the relayer's smallest
		// fees, in tokens (Config.RelayMinFeeMeadow, RelayMinFeeStable).
		relayMinMeadow, relayMinStable string
	)
	cmd := &cobra.Command{
		Use:   "coord",
		Short: "Run one coordinator of the Raft-replicated control plane",
		Long: `Run one coordinator. Operators run 3 or 5 of them: the first with --bootstrap,
the others with --join naming the HTTP address of any member. The Raft log,
stable store and snapshots live in --data-dir; a restarted coordinator resumes
from them.

Every coordinator of a cluster needs the same --cluster-token, the secret with
which they copy blobs to each other and the credential of the operator routes
(membership, signing, settlement), which fail closed without it. A coordinator
refuses to start without one unless --http-addr and --raft-addr are both
loopback; even then operator routes are refused, blobs are not copied, and node
uploads fail once the cluster has more than one member. Prefer the environment
(MEADOW_CLUSTER_TOKEN) or the config file to the flag, which other users of the
machine can read in the process list.`,
		Example: `  meadow coord --id c1 --data-dir /var/lib/meadow/c1 --raft-addr 10.0.0.1:7000 --http-addr 10.0.0.1:8080 --bootstrap
  meadow coord --id c2 --data-dir /var/lib/meadow/c2 --raft-addr 10.0.0.2:7000 --http-addr 10.0.0.2:8080 --join http://10.0.0.1:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.Join = join
			cfg.NoSnapshotCopy = !snapshotCopy
			if obj.Endpoint != "" || obj.Bucket != "" {
				cfg.ObjectStore = &obj
			}
			var err error
			if cfg.RelayMinFeeMeadow, err = parseMinFee("--relay-min-fee-meadow", relayMinMeadow, 18); err != nil {
				return usageError(err)
			}
			if cfg.RelayMinFeeStable, err = parseMinFee("--relay-min-fee-stable", relayMinStable, stableDecimals); err != nil {
				return usageError(err)
			}
			if err := cfg.Validate(); err != nil {
				return usageError(flagNamed(cmd, err))
			}
			if err := needToken(cfg); err != nil {
				return usageError(err)
			}
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			opts := []coord.Option{coord.WithLogger(a.logger.With("coord", cfg.ID)), coord.WithJobChecks(api.Checks{Selector: crawlSelector, KernelOutputs: compute.OutputNames}),
				coord.WithVersion(releaseString())}
			chainOpts, err := cf.open(ctx, a, &cfg)
			if err != nil {
				return err
			}
			opts = append(opts, chainOpts...)
			if groupMap != "" || group != "" {
				gopt, err := groupOption(ctx, cf.chain, cf.registry, groupMap, group)
				if err != nil {
					return err
				}
				opts = append(opts, gopt)
			}
			c, err := coord.New(cfg, opts...)
			if err != nil {
				if errors.Is(err, coord.ErrInvalid) {
					return usageError(flagNamed(cmd, err))
				}
				return err
			}
			if cfg.ClusterToken == "" {
				a.logger.Warn("no --cluster-token: operator routes (membership, signing, settlement) are refused and blobs are not copied between coordinators, so node uploads fail once the cluster has more than one member")
			}
			a.logger.Info("coordinator starting", "id", cfg.ID, "raft", cfg.RaftAddr, "http", cfg.HTTPAddr)
			return c.Run(ctx)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.ID, "id", "", "this coordinator's id, the same across restarts")
	f.StringVar(&cfg.DataDir, "data-dir", "", "directory for the Raft log, stable store and snapshots")
	f.StringVar(&cfg.RaftAddr, "raft-addr", "", "host:port Raft listens on")
	f.StringVar(&cfg.RaftAdvertise, "raft-advertise", "", "host:port other members dial for Raft, when not --raft-addr")
	f.StringVar(&cfg.HTTPAddr, "http-addr", "", "host:port of the node, buyer and operator APIs")
	f.StringVar(&cfg.HTTPAdvertise, "http-advertise", "", "host:port other members forward requests to, when not --http-addr")
	f.BoolVar(&cfg.Bootstrap, "bootstrap", false, "start a new cluster with this coordinator as its first voter")
	f.StringSliceVar(&join, "join", nil, "HTTP address of an existing member to join through (repeatable)")
	f.DurationVar(&cfg.BatchWindow, "batch-window", cfg.BatchWindow, "how long a write waits to share a Raft entry with others (0: no batching)")
	f.DurationVar(&cfg.ApplyTimeout, "apply-timeout", cfg.ApplyTimeout, "longest wait for one write through Raft")
	f.StringVar(&cfg.TLSCert, "tls-cert", "", "this member's certificate (PEM), for its HTTP API and mutual TLS with the other members; with --tls-key and --tls-ca")
	f.StringVar(&cfg.TLSKey, "tls-key", "", "the key of --tls-cert (PEM)")
	f.StringVar(&cfg.TLSCA, "tls-ca", "", "the cluster CA's certificate (PEM): members' certificates must chain to it")
	f.StringVar(&cfg.ReleaseDir, "release-dir", "", "directory of the release this member publishes to nodes (GET /v1/release): SHA256SUMS, SHA256SUMS.sig and the archives; give every member a copy of the same one")
	f.Int64Var(&cfg.DiskReserve, "disk-reserve", cfg.DiskReserve, "bytes that must stay free in --data-dir; below it this member stops leading")
	f.DurationVar(&cfg.DiskCheckInterval, "disk-check-interval", cfg.DiskCheckInterval, "how often this member reads the free space of --data-dir")
	f.IntVar(&cfg.WALSegmentSize, "wal-segment-size", cfg.WALSegmentSize, "bytes of one Raft log segment file, preallocated whole (at least 1 MiB): smaller on a small disk, which needs this much free to start a new log")
	f.DurationVar(&cfg.MaxClockSkew, "max-clock-skew", cfg.MaxClockSkew, "how far this member's clock may be from the cluster's before it stops leading; signed requests' expiries get this much slack")
	f.DurationVar(&cfg.ClockCheckInterval, "clock-check-interval", cfg.ClockCheckInterval, "how often this member compares its clock with the other members'")
	f.DurationVar(&cfg.JoinTimeout, "join-timeout", cfg.JoinTimeout, "how long a member with an empty data dir waits for its --join addresses at start before it fails")
	f.Uint64Var(&cfg.SnapshotThreshold, "snapshot-threshold", cfg.SnapshotThreshold, "log entries between snapshots")
	f.DurationVar(&cfg.SnapshotInterval, "snapshot-interval", cfg.SnapshotInterval, "how often Raft checks whether to snapshot")
	f.BoolVar(&snapshotCopy, "snapshot-copy", true, "write snapshots from a second copy of the state, so that applies never stop for one; false halves the state's memory, and applies then stop while a snapshot encodes the state (seconds per million tasks)")
	f.StringVar(&cfg.ClusterToken, "cluster-token", "", "secret shared by all coordinators, the credential of operator routes and blob copies (also MEADOW_CLUSTER_TOKEN, which keeps it out of the process list); required unless --http-addr and --raft-addr are loopback, and without it operator routes are refused")
	f.Uint64Var(&cfg.ChainID, "chain-id", cfg.ChainID, "chain id of the network's contracts; nodes and buyers sign requests for it")
	f.DurationVar(&cfg.LeaseTTL, "lease-ttl", cfg.LeaseTTL, "how long a node has from a lease to its commitment before the task goes back to the pool")
	f.DurationVar(&cfg.RevealTTL, "reveal-ttl", cfg.RevealTTL, "how long a node has from its commitment to its reveal")
	f.DurationVar(&cfg.UploadTTL, "upload-ttl", cfg.UploadTTL, "how long the node asked for a verified task's blob has before another agreeing node is asked")
	f.Int64Var(&cfg.DownloadCache, "download-cache", cfg.DownloadCache, "bytes of ranged-download files to keep in DATA-DIR/downloads (least recently served go first)")
	f.IntVar(&cfg.MaxWrites, "max-writes", cfg.MaxWrites, "most node and buyer writes the leader runs at once; past it a write waits --admit-wait, then is answered 429 with a Retry-After (0: no bound)")
	f.DurationVar(&cfg.AdmitWait, "admit-wait", cfg.AdmitWait, "how long a write waits for room under --max-writes before the 429")
	f.DurationVar(&cfg.WorkWindow, "work-window", cfg.WorkWindow, "how long the leader gathers work requests into one scheduling round (one log entry of leases)")
	f.DurationVar(&cfg.IdleRetry, "idle-retry", cfg.IdleRetry, "how long a node that got no lease waits before asking again")
	f.DurationVar(&cfg.DomainMinInterval, "domain-min-interval", cfg.DomainMinInterval, "least time between two fetches from one host across the whole network (robots.txt Crawl-delay only lengthens it)")
	f.StringVar(&cf.rpc, "chain-rpc", "", "JSON-RPC URL of the chain the network settles on (empty: no chain; jobs are free and nothing is settled)")
	f.StringVar(&cf.distributor, "distributor", "", "address of the RewardsDistributor contract (with --chain-rpc)")
	f.StringVar(&cf.registry, "registry", "", "address of the DatasetRegistry contract (with --chain-rpc)")
	f.Uint64Var(&cf.deployBlock, "deploy-block", 0, "block the distributor was deployed in: where the payment watcher starts")
	f.StringVar(&cf.communityFactory, "community-factory", "", "address of the CommunityFactory contract (with --chain-rpc; optional): published to buyers in GET /v1/chain, for meadow community create")
	f.StringVar(&cf.relayerKey, "relayer-key", "", "key file of this member's relayer, which sends nodes' gasless claims (POST /v1/rewards/relay), pays their gas from its ether and receives their fees (default: DATA-DIR/relayer.key, created with mode 0600; fund its address)")
	f.Uint64Var(&cfg.RelayFeeBps, "relay-fee-bps", cfg.RelayFeeBps, "the relayer's fee, in basis points of what a relayed claim pays in each token (at most the distributor's cap, 500)")
	f.StringVar(&relayMinMeadow, "relay-min-fee-meadow", formatTokenAmount(coord.DefaultRelayMinFeeMeadow, 18), "the smallest fee in MEADOW for which the relayer sends a claim (it sends one whose fee reaches this or --relay-min-fee-stable); set both from what a claim costs you in gas; 0 leaves MEADOW out, both 0: no minimum")
	f.StringVar(&relayMinStable, "relay-min-fee-stable", formatTokenAmount(coord.DefaultRelayMinFeeStable, stableDecimals), "the smallest fee in stable tokens for which the relayer sends a claim (see --relay-min-fee-meadow); 0 leaves stable out")
	f.StringVar(&cf.operatorKey, "operator-key", "", "this operator's key file, one of the keys the contracts were deployed with (default: DATA-DIR/operator.key, created with mode 0600)")
	f.StringVar(&cfg.ChainPublicRPC, "chain-public-rpc", "", "the chain's JSON-RPC URL as published to nodes and buyers (default: --chain-rpc)")
	f.Uint64Var(&cfg.PricePerRow, "price-per-row", cfg.PricePerRow, "what an accepted row costs a buyer, in stable base units (6 decimals)")
	f.DurationVar(&cfg.UnpaidGrace, "unpaid-grace", cfg.UnpaidGrace, "how long a buyer's priced job may stay done and unpaid before that buyer may submit no more jobs until it pays (0: no limit)")
	f.DurationVar(&cfg.ChainPoll, "chain-poll", cfg.ChainPoll, "how often the leader looks for payments and datasets to register")
	f.Uint64Var(&cfg.ChainConfirmations, "chain-confirmations", cfg.ChainConfirmations, "blocks that must follow a payment before it counts")
	f.DurationVar(&cfg.SettleInterval, "settle-interval", 0, "settle an epoch this often (0: only when an operator runs meadow operator settle)")
	objectStoreFlags(f, &obj)
	f.StringSliceVar(&cfg.Checkers, "checker", nil, "base URL of a meadow checker (repeatable), which checks presigned uploads for this member so that it only records them; with --object-store-endpoint. Without one, or when none answers, the member checks itself")
	f.BoolVar(&cfg.ProxyUploads, "proxy-uploads", false, "with --object-store-endpoint: let nodes and buyers whose PUT to the store failed upload through this member, which then carries their bytes (by default such uploads are refused with 409 and retried as presigned PUTs later)")
	f.StringVar(&groupMap, "group-map", "", "the network's group map (meadow operator groups init and sign), on a network of several Raft groups: this coordinator then serves only its group's nodes and jobs; with --group")
	f.StringVar(&group, "group", "", "the id of this coordinator's group in --group-map")
	f.Var(prefixList{&cfg.JobURLAllowList}, "dev-job-url-allow-list", "development only: CIDR prefixes whose addresses crawl jobs may name (meadow dev's loopback site); production leaves it empty")
	_ = f.MarkHidden("dev-job-url-allow-list")
	// coord.Config.SharedNetworkOK is deliberately not a flag: letting
	// replicas of a task share a /24 is for the in-process dev network only.
	return cmd
}

// needToken refuses to start a coordinator without a cluster token unless
// every address it listens on is loopback: the token is the only credential
// of the operator routes (which fail closed without it) and of the members'
// blob copies, so a member reachable from other machines must have one.
func needToken(cfg coord.Config) error {
	if cfg.ClusterToken != "" {
		return nil
	}
	for _, l := range []struct{ flag, addr string }{{"http-addr", cfg.HTTPAddr}, {"raft-addr", cfg.RaftAddr}} {
		if !loopbackAddr(l.addr) {
			return fmt.Errorf("--cluster-token: expected the cluster's shared secret (or MEADOW_CLUSTER_TOKEN, or cluster-token in the config file): --%s %q is not a loopback address, and a coordinator other machines can reach needs the token", l.flag, l.addr)
		}
	}
	return nil
}

// loopbackAddr reports whether a host:port listens on loopback only: a
// loopback IP or the name localhost. An empty host (every interface) and
// other names are not.
func loopbackAddr(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// prefixList is a flag of comma-separated CIDR prefixes.
type prefixList struct{ p *[]netip.Prefix }

func (l prefixList) String() string {
	if l.p == nil {
		return ""
	}
	var out []string
	for _, p := range *l.p {
		out = append(out, p.String())
	}
	return strings.Join(out, ",")
}

func (l prefixList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		p, err := netip.ParsePrefix(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("%q: expected CIDR prefixes such as 127.0.0.0/8, comma-separated", s)
		}
		*l.p = append(*l.p, p.Masked())
	}
	return nil
}

func (l prefixList) Type() string { return "prefixes" }

// coordChainFlags connect a coordinator to the chain.
type coordChainFlags struct {
	rpc, distributor, registry, operatorKey string
	relayerKey                              string
	deployBlock                             uint64
	communityFactory                        string
	// chain is what open dialed (nil without --chain-rpc).
	chain *contracts.Chain
}

// open dials the chain, checks it is the one --chain-id names, attaches to
// the contracts and loads the operator and relayer keys; nil without
// --chain-rpc.
func (f *coordChainFlags) open(ctx context.Context, a *app, cfg *coord.Config) ([]coord.Option, error) {
	if f.rpc == "" {
		if f.distributor != "" || f.registry != "" || f.relayerKey != "" || f.communityFactory != "" {
			return nil, usageError(errors.New("--chain-rpc: expected the chain's JSON-RPC URL with --distributor, --registry, --community-factory and --relayer-key"))
		}
		return nil, nil
	}
	for _, fl := range []struct{ name, v string }{{"distributor", f.distributor}, {"registry", f.registry}} {
		if !common.IsHexAddress(fl.v) {
			return nil, usageError(fmt.Errorf("--%s %q: expected the contract's address, 0x and 40 hex digits", fl.name, fl.v))
		}
	}
	if f.communityFactory != "" && !common.IsHexAddress(f.communityFactory) {
		return nil, usageError(fmt.Errorf("--community-factory %q: expected the contract's address, 0x and 40 hex digits", f.communityFactory))
	}
	ch, err := dialNetworkChain(ctx, api.ChainInfo{
		ChainID: cfg.ChainID, Distributor: common.HexToAddress(f.distributor),
		Registry: common.HexToAddress(f.registry), DeployBlock: f.deployBlock,
	}, f.rpc)
	if err != nil {
		return nil, err
	}
	if f.communityFactory != "" {
		if _, err := ch.AttachCommunities(ctx, common.HexToAddress(f.communityFactory)); err != nil {
			ch.Close()
			return nil, usageError(fmt.Errorf("--community-factory %s: %w", f.communityFactory, err))
		}
	}
	keyFile := f.operatorKey
	if keyFile == "" {
		keyFile = filepath.Join(cfg.DataDir, "operator.key")
	}
	key, err := api.LoadOrCreateKey(keyFile)
	if err != nil {
		return nil, fmt.Errorf("--operator-key: %w", err)
	}
	if err := checkOperator(ctx, ch, crypto.PubkeyToAddress(key.PublicKey), keyFile); err != nil {
		ch.Close()
		return nil, err
	}
	if cfg.ChainPublicRPC == "" {
		cfg.ChainPublicRPC = f.rpc
	}
	a.logger.Info("settling on chain", "chain", cfg.ChainID, "rpc", f.rpc, "operator", crypto.PubkeyToAddress(key.PublicKey))
	relayer, err := openRelayerKey(ctx, a, ch, f.relayerKey, cfg.DataDir)
	if err != nil {
		ch.Close()
		return nil, err
	}
	f.chain = ch
	return []coord.Option{coord.WithChain(ch, key), coord.WithRelayer(relayer)}, nil
}

// groupOption loads the group map at path for group id. With a chain, the
// map must carry the signatures of the registry's operators' threshold —
// what every node and buyer checks before following it — so that a member
// never serves a map its clients would refuse.
func groupOption(ctx context.Context, ch *contracts.Chain, registry, path, id string) (coord.Option, error) {
	if path == "" || id == "" {
		return nil, usageError(errors.New("--group-map and --group: expected both (the network's group map and this coordinator's group in it), or neither"))
	}
	m, err := api.LoadGroupMap(path)
	if err != nil {
		return nil, usageError(fmt.Errorf("--group-map: %w", err))
	}
	if ch != nil {
		e, err := ch.ReadRegistry(ctx, common.HexToAddress(registry), "")
		if err != nil {
			return nil, fmt.Errorf("--group-map: reading the operators to check its signatures with: %w", err)
		}
		trust := api.GroupTrust{ChainID: m.ChainID, Operators: e.Operators, Threshold: int(e.Threshold)}
		if err := trust.Verify(m); err != nil {
			return nil, usageError(fmt.Errorf("--group-map %s: %w (sign it with the operators' keys: meadow operator groups sign)", path, err))
		}
	}
	return coord.WithGroups(m, id), nil
}

// postMembership posts a membership change with the cluster token, which
// the coordinators ask of membership changes when they have one.
func postMembership(ctx context.Context, base, path, token string, body any) error {
	return postToken(ctx, base, path, token, body, nil)
}

// postToken posts body as JSON with the cluster token (when given) and
// decodes the answer into out (when not nil).
func postToken(ctx context.Context, base, path, token string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL(base)+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set(blob.TokenHeader, token)
	}
	return doJSON(req, out)
}

// crawlSelector parses a CSS selector with the engine the crawler extracts
// with (crawl.CompileRules uses cascadia.ParseGroup), so that the
// coordinators refuse a job whose selectors every node would refuse. api's
// own check, which may not import cascadia, is syntax only.
func crawlSelector(s string) error {
	_, err := cascadia.ParseGroup(s)
	return err
}

// configField finds the config fields that coord.Config.Validate names
// ("config.lease_ttl").
var configField = regexp.MustCompile(`config\.([a-z_]+(?:\.[a-z_]+)*)`)

// flagNamed rewrites the config fields an error names into the flags that
// set them ("config.lease_ttl" becomes "--lease-ttl"), so that the operator
// reads the name they typed. Fields without a flag keep their config name.
func flagNamed(cmd *cobra.Command, err error) error {
	msg := configField.ReplaceAllStringFunc(err.Error(), func(m string) string {
		name := strings.NewReplacer("_", "-", ".", "-").Replace(strings.TrimPrefix(m, "config."))
		if cmd.Flags().Lookup(name) == nil {
			return m
		}
		return "--" + name
	})
	if msg == err.Error() {
		return err
	}
	return &renamedError{msg: msg, err: err}
}

// renamedError is an error whose text names flags; it unwraps to the
// original, so errors.Is(err, coord.ErrInvalid) still holds.
type renamedError struct {
	msg string
	err error
}

func (e *renamedError) Error() string { return e.msg }
func (e *renamedError) Unwrap() error { return e.err }

func newOperatorCmd(a *app) *cobra.Command {
	op := &cobra.Command{
		Use:   "operator",
		Short: "The operator's side: cluster members, status, settlement",
	}
	var coordURL, token string
	op.PersistentFlags().StringVar(&coordURL, "coord", "http://127.0.0.1:8080", "HTTP address of any coordinator")
	var tokenFile string
	op.PersistentFlags().StringVar(&token, "cluster-token", "", "the coordinators' --cluster-token, which membership changes and settlement need (also MEADOW_CLUSTER_TOKEN)")
	op.PersistentFlags().StringVar(&tokenFile, "cluster-token-file", "", "a file holding the cluster token, such as the one meadow dev writes (also MEADOW_CLUSTER_TOKEN_FILE)")

	members := &cobra.Command{
		Use:   "members",
		Short: "List the coordinators of the cluster",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var ms []coord.Member
			if err := getJSON(cmd.Context(), coordURL, "/v1/cluster/members", &ms); err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(ms)
			}
			type row struct{ state, lag, ver, reach string }
			rows := make([]row, len(ms))
			width := len("VERSION")
			for i, m := range ms {
				r := row{"?", "?", "?", "?"}
				if h := m.Health; h != nil {
					r.reach = "yes"
					if !h.Reachable {
						r.reach = "NO: " + h.Error
					} else {
						r.state, r.lag, r.ver = h.State, strconv.FormatUint(h.Lag, 10), cmp.Or(h.Version, "?")
					}
				}
				rows[i], width = r, max(width, len(r.ver))
			}
			fmt.Fprintf(a.stdout, "%-12s %-22s %-22s %-6s %-6s %-10s %-6s %-*s %s\n", "ID", "RAFT", "HTTP", "VOTER", "LEADER", "STATE", "LAG", width, "VERSION", "REACHABLE")
			for i, m := range ms {
				r := rows[i]
				fmt.Fprintf(a.stdout, "%-12s %-22s %-22s %-6v %-6v %-10s %-6s %-*s %s\n", m.ID, m.RaftAddr, m.HTTPAddr, m.Voter, m.Leader, r.state, r.lag, width, r.ver, r.reach)
			}
			return nil
		},
	}
	var add coord.JoinRequest
	addCmd := &cobra.Command{
		Use:   "add",
		Short: "Add a coordinator as a voter (the new member usually joins by itself with --join)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return postMembership(cmd.Context(), coordURL, "/v1/cluster/join", token, add)
		},
	}
	addCmd.Flags().StringVar(&add.ID, "id", "", "the member's id")
	addCmd.Flags().StringVar(&add.RaftAddr, "raft-addr", "", "the member's Raft address")
	addCmd.Flags().StringVar(&add.HTTPAddr, "http-addr", "", "the member's HTTP address")
	var removeID string
	removeCmd := &cobra.Command{
		Use:   "remove",
		Short: "Remove a coordinator from the cluster",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if removeID == "" {
				return usageError(fmt.Errorf("--id: expected the id of the member to remove"))
			}
			return postMembership(cmd.Context(), coordURL, "/v1/cluster/remove", token, map[string]string{"id": removeID})
		},
	}
	removeCmd.Flags().StringVar(&removeID, "id", "", "the member's id")
	members.AddCommand(addCmd, removeCmd)

	status := &cobra.Command{
		Use:   "status",
		Short: "Show this coordinator's view of the cluster",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var s coord.Status
			if err := getJSON(cmd.Context(), coordURL, "/v1/cluster/status", &s); err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(s)
			}
			fmt.Fprintf(a.stdout, "%s: %s, leader %s, term %d, commit %d, applied %d, release %s\n", s.ID, s.State, s.Leader, s.Term, s.CommitIndex, s.AppliedIndex, cmp.Or(s.Version, "unknown"))
			return nil
		},
	}
	op.AddCommand(members, status, newSettleCmd(a, &coordURL, &token))
	op.AddCommand(newOperatorDeployCmd(a), newOperatorGroupsCmd(a))
	op.AddCommand(newConsoleCmd(a, &coordURL, &token))
	readTokenFirst(op, &token, &tokenFile)
	return op
}

// readTokenFirst makes every subcommand of op read the token from the
// --cluster-token-file before it runs (the root's PersistentPreRunE, which
// applies the config, must stay the only one).
func readTokenFirst(op *cobra.Command, token, file *string) {
	for _, sub := range op.Commands() {
		readTokenFirst(sub, token, file)
		if sub.RunE == nil {
			continue
		}
		run := sub.RunE
		sub.RunE = func(cmd *cobra.Command, args []string) error {
			if *file != "" {
				if *token != "" {
					return usageError(errors.New("--cluster-token-file: expected either it or --cluster-token, not both"))
				}
				b, err := os.ReadFile(*file)
				if err != nil {
					return usageError(fmt.Errorf("--cluster-token-file: %w", err))
				}
				if *token = strings.TrimSpace(string(b)); *token == "" {
					return usageError(fmt.Errorf("--cluster-token-file %s: expected the cluster token, found an empty file", *file))
				}
			}
			return run(cmd, args)
		}
	}
}

// checkOperator refuses an operator key that the contracts do not know: its
// signatures would count for nothing, and settlement and dataset posts would
// fail later with a less useful message.
func checkOperator(ctx context.Context, ch *contracts.Chain, op common.Address, keyFile string) error {
	dist, reg, err := ch.Operators(ctx)
	if err != nil {
		return err
	}
	for _, c := range []struct {
		name string
		ops  []common.Address
	}{{"distributor", dist}, {"registry", reg}} {
		if !slices.Contains(c.ops, op) {
			known := make([]string, len(c.ops))
			for i, o := range c.ops {
				known[i] = o.Hex()
			}
			return usageError(fmt.Errorf("--operator-key %s: its address %s is not one of the %s's operators (%s); use a key the contracts were deployed with",
				keyFile, op.Hex(), c.name, strings.Join(known, ", ")))
		}
	}
	return nil
}

// objectStoreFlags defines the object store's flags (meadow coord, meadow
// checker) into obj.
func objectStoreFlags(f *pflag.FlagSet, obj *coord.ObjectStoreConfig) {
	f.StringVar(&obj.Endpoint, "object-store-endpoint", "", "host:port of an S3-compatible object store that keeps every blob instead of the members' disks; every member names the same store and bucket, whose durability replaces copying blobs between members")
	f.StringVar(&obj.Bucket, "object-store-bucket", "", "the bucket of --object-store-endpoint (it must exist)")
	f.StringVar(&obj.Region, "object-store-region", "", "the bucket's region (default: asked of the store)")
	f.StringVar(&obj.Prefix, "object-store-prefix", "", "key prefix of the blobs in the bucket, ending in / (\"meadow/\")")
	f.BoolVar(&obj.UseTLS, "object-store-tls", false, "reach the object store over https")
	f.StringVar(&obj.AccessKeyEnv, "object-store-access-key-env", "", "environment variable holding the store's access key (default AWS_ACCESS_KEY_ID)")
	f.StringVar(&obj.SecretKeyEnv, "object-store-secret-key-env", "", "environment variable holding the store's secret key (default AWS_SECRET_ACCESS_KEY)")
	f.StringVar(&obj.CredentialsFile, "object-store-credentials-file", "", "file of access_key=… and secret_key=… lines (mode 0600), instead of the environment")
	f.DurationVar(&obj.CountEvery, "object-store-count-every", 0, "how often each member lists the bucket to refresh its meadow_blob_local_* metrics (default every minute; a listing that takes long waits ten times its own time before the next)")
	f.StringVar(&obj.Verify, "object-store-verify", "", "how an upload is checked before it is acknowledged: checksum (default: the store verifies the SHA-256 sent with it and reports it back) or readback (also read it all back)")
}

// parseMinFee parses a relayer's smallest fee in tokens ("1", "0.01"), or
// "0" for none, into base units.
func parseMinFee(flag, s string, decimals int) (*big.Int, error) {
	if strings.Trim(s, "0.") == "" && strings.Trim(s, ".") != "" {
		return new(big.Int), nil
	}
	return parseTokenAmount(flag, s, decimals)
}
