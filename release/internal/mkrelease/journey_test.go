package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/devnet"
	"github.com/meadow-net/meadow/rewards"
)

// TestReleaseNodeEarnsAndClaimsWithoutGas is the home user's first hour,
// from a release archive to tokens in their wallet, with no ether at any
// point:
//
//   - the release is built as `make release` builds it (linux/amd64, signed,
//     shipping the network file of a running dev network);
//   - the user checks the archive with sha256sum -c, unpacks it with tar,
//     and runs `meadow-node node init --yes`, which finds the network.json
//     beside the binary;
//   - the node started with the config init wrote registers and takes part
//     in a buyer's compute job beside the dev network's own nodes; its
//     answers agree with theirs, so it earns work units;
//   - the operators settle the epoch; `meadow-node node claim` sees a key
//     with no ether, signs a claim authorization, and a coordinator's
//     relayer sends it: the node's address receives what it earned less the
//     relay fee, and still holds 0 ether.
//
// The numbers the claim prints are checked against the chain's.
func TestReleaseNodeEarnsAndClaimsWithoutGas(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("the go command is not on PATH: mkrelease builds with it")
	}
	for _, tool := range []string{"tar", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing (Debian's coreutils and tar): the user's steps use it", tool)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute*coordtest.Scale())
	defer cancel()

	// The network: three coordinators on a chain, two honest nodes of its
	// own (on their own /24s, so each may be a replica beside ours).
	start := time.Now()
	cfg := devnet.DefaultConfig()
	cfg.Nodes, cfg.Faulty, cfg.JSNodes = 2, 0, 0
	cfg.Dir = t.TempDir()
	cfg.Logger = slog.New(slog.NewTextHandler(&testWriter{t: t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	nw, err := devnet.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nw.Close)
	t.Logf("dev network up in %s", time.Since(start).Round(time.Millisecond))

	// The release, shipping that network's file, signed by a release key
	// the network names.
	dir := t.TempDir()
	keyPath, key := writeKey(t, dir)
	netFile := nw.NetworkFile()
	netFile.ReleaseSigner = crypto.PubkeyToAddress(key.PublicKey)
	netPath := filepath.Join(dir, "network.json")
	if err := api.WriteNetwork(netPath, netFile); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "release")
	var stdout, log bytes.Buffer
	start = time.Now()
	if err := run(ctx, []string{"-src", moduleRoot(t), "-out", out, "-version", "v0.0.1-journey", "-commit", testCommit,
		"-date", "1764806400", "-key", keyPath, "-network", netPath, "-targets", "meadow-node:linux/amd64", "-go", goCmd, "-json"}, &stdout, &log); err != nil {
		t.Fatalf("mkrelease: %v\n%s", err, log.Bytes())
	}
	var s Summary
	if err := json.Unmarshal(stdout.Bytes(), &s); err != nil || len(s.Files) != 1 {
		t.Fatalf("summary: %v\n%s", err, stdout.Bytes())
	}
	archive := s.Files[0].Name
	t.Logf("release built in %s: %s", time.Since(start).Round(time.Millisecond), archive)

	// The user's steps: check, unpack, init.
	sh(t, out, "sha256sum", "-c", "--ignore-missing", "SHA256SUMS")
	home := t.TempDir()
	sh(t, home, "tar", "-xzf", filepath.Join(out, archive))
	bin := filepath.Join(home, strings.TrimSuffix(archive, ".tar.gz"), "meadow-node")
	dataDir := filepath.Join(home, "meadow-data")
	var in struct {
		Network, Config, Address string
		KeyFile                  string `json:"key_file"`
		Start                    string
		ChainID                  uint64 `json:"chain_id"`
	}
	if err := json.Unmarshal([]byte(sh(t, home, bin, "node", "init", "--yes", "--data-dir", dataDir, "--json")), &in); err != nil {
		t.Fatalf("node init --json: %v", err)
	}
	if in.ChainID != nw.ChainID() || !strings.HasPrefix(in.Start, "meadow-node node --config ") {
		t.Fatalf("node init: %+v; want the shipped network's chain %d and a start command of meadow-node", in, nw.ChainID())
	}
	if st, err := os.Stat(in.KeyFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the node's key %s: %v, %v; want mode 0600", in.KeyFile, st, err)
	}
	addr := common.HexToAddress(in.Address)
	chain := nw.Chain.Chain
	if eth, err := chain.EtherBalance(ctx, addr); err != nil || eth.Sign() != 0 {
		t.Fatalf("the new node's ether: %v %v; want 0", eth, err)
	}

	// A buyer's crawl, by the network's own nodes before the release node
	// starts: the demo site is on loopback, which a home node never
	// fetches, so a replica of a crawl task would only cost it reputation
	// (every row missing), and two such replicas put it below the floor,
	// with no lease after (a CI failure when it drew both tasks).
	b, err := buyer.New(buyer.Config{Coordinators: nw.CoordURLs, Key: nw.Chain.Buyer, ChainID: nw.ChainID()})
	if err != nil {
		t.Fatal(err)
	}
	urls, _ := nw.Site.ArticleURLs(nw.SiteURL)
	crawl := submitAndWait(ctx, t, b, api.JobSpec{Kind: api.JobCrawl, Name: "articles",
		Crawl: &api.CrawlSpec{URLs: urls[:20], TextSelector: "article", Exclude: []string{".clock", ".ad"}, TaskSize: 10}})

	// The node, as init said to start it.
	dash := coordtest.FreeAddr(t)
	var logs syncBuffer
	node := exec.Command(bin, "node", "--config", in.Config, "--dashboard", dash, "--no-gpu")
	node.Dir, node.Stdout, node.Stderr = home, &logs, &logs
	if err := node.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- node.Wait() }()
	stopNode := func() {
		if node.ProcessState != nil {
			return
		}
		_ = node.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = node.Process.Kill()
			<-exited
		}
	}
	t.Cleanup(stopNode)
	alive := func() {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("the release node exited: %v\n%s", err, logs.String())
		default:
		}
	}
	record := func() (api.NodeRecord, error) {
		var r api.NodeRecord
		err := getJSON(ctx, nw.CoordURLs[0]+"/v1/node/"+strings.ToLower(addr.Hex()), &r)
		return r, err
	}
	wait(t, ctx, 60*time.Second, "the release node to register", func() (bool, string) {
		alive()
		_, err := record()
		return err == nil, fmt.Sprint(err)
	})

	// Then a tokens job over the crawl, in shards small enough that every
	// node asks for some.
	compute := submitAndWait(ctx, t, b, api.JobSpec{Kind: api.JobCompute, Name: "token counts",
		Compute: &api.ComputeSpec{Input: crawl.Dataset, Kernel: api.KernelTokens, ShardRows: 1}})
	alive()
	rec, err := record()
	if err != nil {
		t.Fatal(err)
	}
	if rec.Units == 0 || rec.Tasks == 0 {
		t.Fatalf("after a compute job of %d tasks the release node has %+v; want accepted tasks and units\n%s", compute.Progress.Tasks.Total(), rec, logs.String())
	}
	t.Logf("the release node took part: %d verified tasks, %d units", rec.Tasks, rec.Units)

	// The operators settle the epoch.
	var sr api.SettleResponse
	if err := postToken(ctx, nw.CoordURLs[len(nw.CoordURLs)-1]+"/v1/cluster/settle", nw.ClusterToken(), &sr); err != nil {
		t.Fatalf("settle: %v", err)
	}
	stopNode()

	// The claim, relayed because the key holds no ether.
	var rep struct {
		Relayed                  bool
		Account, Payout, Relayer common.Address
		PaidMeadow               string `json:"paid_meadow"`
		FeeMeadow                string `json:"fee_meadow"`
		NetMeadow                string `json:"net_meadow"`
		CumulativeMeadow         string `json:"cumulative_meadow"`
	}
	start = time.Now()
	raw := sh(t, home, bin, "node", "claim", "--config", in.Config, "--json")
	if err := json.Unmarshal([]byte(raw), &rep); err != nil {
		t.Fatalf("node claim --json: %v\n%s", err, raw)
	}
	paid, fee, net := amount(t, rep.PaidMeadow), amount(t, rep.FeeMeadow), amount(t, rep.NetMeadow)
	if !rep.Relayed || rep.Account != addr || rep.Payout != addr || paid.Sign() <= 0 || new(big.Int).Add(fee, net).Cmp(paid) != 0 {
		t.Fatalf("node claim: %+v; want a relayed claim paying the node's own address", rep)
	}
	// The chain agrees with what the claim printed.
	claimed, _, err := chain.Claimed(ctx, addr)
	if err != nil || claimed.Cmp(paid) != 0 {
		t.Fatalf("the distributor says %v (%v) claimed; the claim printed %s", claimed, err, paid)
	}
	if bal, err := chain.BalanceOf(ctx, contracts.TokenMeadow, addr); err != nil || bal.Cmp(net) != 0 {
		t.Fatalf("the node holds %v MEADOW (%v); the claim printed %s net", bal, err, net)
	}
	if bal, err := chain.BalanceOf(ctx, contracts.TokenMeadow, rep.Relayer); err != nil || bal.Cmp(fee) != 0 {
		t.Fatalf("the relayer holds %v MEADOW (%v); the claim printed a fee of %s", bal, err, fee)
	}
	if eth, err := chain.EtherBalance(ctx, addr); err != nil || eth.Sign() != 0 {
		t.Fatalf("the node's ether after claiming: %v %v; want 0", eth, err)
	}
	t.Logf("claimed without gas in %s: %s MEADOW, relay fee %s, epoch %d of %d units",
		time.Since(start).Round(time.Millisecond), rewards.FormatAmount(net.String(), 18), rewards.FormatAmount(fee.String(), 18), sr.Epoch, sr.Units)
}

// submitAndWait submits a job as the buyer and waits for it to be done.
func submitAndWait(ctx context.Context, t *testing.T, b *buyer.Client, spec api.JobSpec) api.JobStatus {
	t.Helper()
	job, err := b.Submit(ctx, spec)
	if err != nil {
		t.Fatalf("submit %s: %v", spec.Name, err)
	}
	st, err := b.Wait(ctx, job.ID, 200*time.Millisecond, nil)
	if err != nil {
		t.Fatalf("job %s (%s): %v", job.ID, spec.Name, err)
	}
	if st.State != api.JobDone {
		t.Fatalf("job %s (%s) ended %s: %+v", job.ID, spec.Name, st.State, st.Progress)
	}
	t.Logf("%s: %d tasks, %d rows accepted", spec.Name, st.Progress.Tasks.Total(), st.Progress.RowsAccepted)
	return st
}

// sh runs a command in dir, as the user would, and returns its standard
// output; it fails the test with both outputs if the command fails.
func sh(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", filepath.Base(name), strings.Join(args, " "), err, stdout.Bytes(), stderr.Bytes())
	}
	return stdout.String()
}

func amount(t *testing.T, s string) *big.Int {
	t.Helper()
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		t.Fatalf("amount %q: expected a decimal integer", s)
	}
	return v
}

// wait polls cond every 200 ms until it holds, or fails the test after
// limit (scaled by MEADOW_TEST_SCALE) with what cond last saw.
func wait(t *testing.T, ctx context.Context, limit time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(limit * coordtest.Scale())
	for {
		ok, seen := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatalf("waited for %s; last: %s", what, seen)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func getJSON(ctx context.Context, u string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return call(ctx, http.MethodGet, u, "", out)
}

// postToken sends an operator's request (the cluster token) once; a
// settlement is not retried blindly.
func postToken(ctx context.Context, u, token string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	return call(ctx, http.MethodPost, u, token, out)
}

// call sends one request (a POST with an empty JSON object and, when token
// is set, the cluster token) and decodes a 200 answer into out.
func call(ctx context.Context, method, u, token string, out any) error {
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader("{}")
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set(blob.TokenHeader, token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", method, u, resp.StatusCode, b)
	}
	return json.Unmarshal(b, out)
}

// syncBuffer collects a process's output written from two pipes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testWriter sends the dev network's warnings to the test log.
type testWriter struct{ t *testing.T }

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
