//go:build !nodeonly

package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/devnet"
	"github.com/meadow-net/meadow/node"
)

// gethConfirmations is the confirmation depth the coordinators wait for in
// the geth test: geth --dev mines a block a second, so a payment counts
// about two seconds after it is mined.
const gethConfirmations = 2

// TestOperatorDeployOnGeth deploys the contracts with `meadow operator
// deploy` to a real go-ethereum node (geth --dev, reached over JSON-RPC
// only) and runs the whole money path through that deployment: three
// `meadow coord` processes started from the network file deploy wrote, two
// nodes crawling a job, the buyer paying with `meadow buyer pay`, the
// coordinators' payment watcher counting it only after gethConfirmations
// blocks, `meadow operator settle` posting the epoch's root, and `meadow
// node claim` paying a node MEADOW and stable tokens whose balances the
// chain then shows. A deployer without ether is refused, by name, before
// anything is sent, and one with too little gets geth's refusal as
// contracts.ErrInsufficientFunds.
//
// It needs geth (scripts/deps.sh builds v1.17.8 into .cache/bin) and takes
// about a minute on 2 loaded cores besides building meadow.
func TestOperatorDeployOnGeth(t *testing.T) {
	gethBin := findGeth(t)
	start := time.Now()
	bin := cpBuild(t)
	t.Logf("go build: %s", time.Since(start).Round(time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute*coordtest.Scale())
	defer cancel()
	dir := t.TempDir()
	g := startGeth(ctx, t, gethBin, filepath.Join(dir, "geth"))
	t.Logf("geth --dev serves %s (chain %d) after %s", g.url, g.chainID, time.Since(start).Round(time.Millisecond))

	// Keys, in files as an operator keeps them, and ether for those that
	// send transactions: the deployer, the operators (whose coordinators
	// post roots), the buyer. "poor" gets 1 wei.
	newKey := func(name string) (*ecdsa.PrivateKey, string) {
		k, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name+".key")
		if err := os.WriteFile(path, []byte(hex.EncodeToString(crypto.FromECDSA(k))+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return k, path
	}
	deployer, deployerFile := newKey("deployer")
	buyerKey, buyerFile := newKey("buyer")
	broke, brokeFile := newKey("broke")
	poor, poorFile := newKey("poor")
	var ops []*ecdsa.PrivateKey
	var opFiles, opAddrs []string
	for i := range 3 {
		k, f := newKey(fmt.Sprintf("operator%d", i+1))
		ops, opFiles = append(ops, k), append(opFiles, f)
		opAddrs = append(opAddrs, crypto.PubkeyToAddress(k.PublicKey).Hex())
	}
	ether := new(big.Int).Mul(big.NewInt(100), big.NewInt(1e18))
	funds := map[common.Address]*big.Int{keyAddr(deployer): ether, keyAddr(buyerKey): ether, keyAddr(poor): big.NewInt(1)}
	for _, k := range ops {
		funds[keyAddr(k)] = ether
	}

	// The site the job crawls and the nodes that crawl it; the nodes'
	// keys get ether for the gas of their claims.
	site := devnet.NewSite(devnet.DefaultSiteConfig())
	siteSrv := &http.Server{Handler: site, ReadHeaderTimeout: 5 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go siteSrv.Serve(ln)
	t.Cleanup(func() { siteSrv.Close() })
	siteURL := "http://" + ln.Addr().String()

	// The coordinators' addresses are chosen first: the network file
	// deploy writes lists them.
	coords := make([]*gethCoord, 3)
	var coordURLs []string
	for i := range coords {
		coords[i] = &gethCoord{id: fmt.Sprintf("c%d", i+1), dir: filepath.Join(dir, fmt.Sprintf("c%d", i+1)),
			raftAddr: coordtest.FreeAddr(t), httpAddr: coordtest.FreeAddr(t), keyFile: opFiles[i]}
		coordURLs = append(coordURLs, "http://"+coords[i].httpAddr)
	}
	nodes := gethNodes(t, coordURLs, g.chainID, dir)
	for _, nd := range nodes {
		funds[nd.Address()] = ether
	}
	g.fund(ctx, t, funds)
	t.Logf("%d accounts funded from geth's dev account (%s in)", len(funds), time.Since(start).Round(time.Millisecond))

	netFile := filepath.Join(dir, "network.json")
	deployArgs := func(key string) []string {
		return []string{"operator", "deploy", "--rpc", g.url, "--key", key, "--operators", strings.Join(opAddrs, ","),
			"--threshold", "2", "--test-stable", "--chain-id", strconv.FormatUint(g.chainID, 10),
			"--network-out", netFile, "--name", "geth-dev", "--coordinators", strings.Join(coordURLs, ","), "--timeout", "1m"}
	}

	// Refusals: no ether at all (before anything is sent), too little
	// (geth's own refusal), another chain than --chain-id says. None
	// writes the network file.
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		wants []string
	}{
		{"no ether", deployArgs(brokeFile), exitFailure, []string{contracts.ErrInsufficientFunds.Error(), keyAddr(broke).Hex() + " holds 0 ether on chain " + strconv.FormatUint(g.chainID, 10)}},
		{"one wei", deployArgs(poorFile), exitFailure, []string{contracts.ErrInsufficientFunds.Error(), keyAddr(poor).Hex() + " holds 0.000000000000000001 ether"}},
		{"another chain", append(deployArgs(deployerFile), "--chain-id", "1"), exitUsage, []string{"the chain there is chain " + strconv.FormatUint(g.chainID, 10) + ", expected chain 1 (--chain-id)"}},
	} {
		out, errOut, code := runMeadow(ctx, bin, tc.args...)
		for _, w := range tc.wants {
			if code != tc.code || !strings.Contains(errOut, w) {
				t.Fatalf("deploy with %s: exit %d, stderr %q, stdout %q; want exit %d and %q", tc.name, code, errOut, out, tc.code, w)
			}
		}
		if _, err := os.Stat(netFile); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("deploy with %s wrote the network file (%v)", tc.name, err)
		}
		t.Logf("deploy with %s refused: %s", tc.name, strings.TrimSpace(errOut))
	}

	// The deployment.
	t0 := time.Now()
	out, errOut, code := runMeadow(ctx, bin, append(deployArgs(deployerFile), "--json")...)
	if code != 0 {
		t.Fatalf("meadow operator deploy: exit %d\n%s", code, errOut)
	}
	var rep deployReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("deploy's --json output %q: %v", out, err)
	}
	t.Logf("deployed in %s (the command's own clock: %.2fs): %d gas in all, fee %s wei", time.Since(t0).Round(time.Millisecond), rep.Seconds, rep.GasUsed, rep.FeeWei)
	for _, c := range rep.Deployment.Creations {
		t.Logf("  %-19s %s block %d gas %d", c.Contract, c.Address.Hex(), c.Block, c.GasUsed)
	}
	nw, err := api.LoadNetwork(netFile)
	if err != nil {
		t.Fatal(err)
	}
	if nw.ChainID != g.chainID || nw.Threshold != 2 || len(nw.Operators) != 3 || !nw.Dev || strings.Join(nw.Coordinators, ",") != strings.Join(coordURLs, ",") ||
		nw.Contracts.Distributor != rep.Deployment.Distributor || nw.Contracts.DeployBlock != rep.Deployment.DeployBlock ||
		nw.Contracts.CommunityFactory == (common.Address{}) || nw.Contracts.CommunityFactory != rep.Deployment.CommunityFactory {
		t.Fatalf("network file %+v does not match the deployment %+v", nw, rep.Deployment)
	}
	// The chain agrees with the file: each creation's receipt, and the
	// distributor's own token, stable and marketplace.
	ch, err := contracts.Dial(ctx, g.url)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	for _, c := range rep.Deployment.Creations {
		r, err := ch.Backend().TransactionReceipt(ctx, c.Tx)
		if err != nil || r.Status != types.ReceiptStatusSuccessful || r.ContractAddress != c.Address || r.GasUsed != c.GasUsed {
			t.Fatalf("%s: geth's receipt %+v (%v) disagrees with deploy's %+v", c.Contract, r, err, c)
		}
	}
	got, err := ch.Attach(ctx, nw.Contracts.Distributor, nw.Contracts.Registry, nw.Contracts.DeployBlock)
	if err != nil {
		t.Fatal(err)
	}
	if got.Token != nw.Contracts.Token || got.Stable != nw.Contracts.Stable || got.Marketplace != nw.Contracts.Marketplace {
		t.Fatalf("the distributor on chain names %+v, the network file %+v", got, nw.Contracts)
	}

	// Three coordinators from the network file, each with its operator key.
	tokenFile := filepath.Join(dir, "cluster.token")
	if err := os.WriteFile(tokenFile, []byte("geth-test-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, c := range coords {
			c.kill()
			if t.Failed() {
				t.Logf("log of %s, last lines:\n%s", c.id, fileTail(c.logPath(), 30))
			}
		}
	})
	for i, c := range coords {
		join := ""
		if i > 0 {
			join = coordURLs[0]
		}
		c.start(ctx, t, bin, nw, join)
	}
	gethWaitCluster(t, coordURLs)
	t.Logf("3 coordinators settle on geth (%s in)", time.Since(start).Round(time.Millisecond))

	// A job, crawled and verified by the nodes.
	nodeCtx, stopNodes := context.WithCancel(ctx)
	var wg sync.WaitGroup
	t.Cleanup(func() { stopNodes(); wg.Wait() })
	for _, nd := range nodes {
		wg.Go(func() { _ = nd.Run(nodeCtx) })
	}
	b, err := buyer.New(buyer.Config{Coordinators: coordURLs, Key: buyerKey, ChainID: g.chainID})
	if err != nil {
		t.Fatal(err)
	}
	static, _ := site.ArticleURLs(siteURL)
	job, err := b.Submit(ctx, api.JobSpec{Kind: api.JobCrawl, Name: "geth", Crawl: &api.CrawlSpec{URLs: static[:6], TextSelector: "article", TaskSize: 2}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := b.Wait(ctx, job.ID, 100*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != api.JobDone || st.Price == "" || st.Price == "0" {
		t.Fatalf("job %+v: want done with a price", st)
	}
	t.Logf("job %s done, price %s (%s in)", st.ID, st.Price, time.Since(start).Round(time.Millisecond))

	// The buyer mints test stable (anyone may, on a dev network) and pays
	// with meadow buyer pay, which returns once the coordinators counted
	// the payment. Meanwhile the job's status and the chain's head are
	// read in that order: when the status first shows it paid, the head
	// read after it bounds the head the watcher used, which must be at
	// least the payment's block plus the confirmations.
	if _, err := ch.MintTestStable(ctx, buyerKey, keyAddr(buyerKey), big.NewInt(1_000_000_000)); err != nil {
		t.Fatal(err)
	}
	type seen struct {
		paid bool
		head uint64
	}
	var (
		obsMu sync.Mutex
		obs   []seen
	)
	watchCtx, stopWatch := context.WithCancel(ctx)
	wg.Go(func() {
		for watchCtx.Err() == nil {
			s, err := b.Status(watchCtx, st.ID)
			h, herr := ch.Head(watchCtx)
			if err == nil && herr == nil {
				obsMu.Lock()
				obs = append(obs, seen{paid: s.Paid == st.Price, head: h})
				obsMu.Unlock()
			}
			select {
			case <-watchCtx.Done():
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
	out, errOut, code = runMeadow(ctx, bin, "buyer", "pay", st.ID, "--coord", strings.Join(coordURLs, ","), "--key", buyerFile,
		"--chain-id", strconv.FormatUint(g.chainID, 10), "--json")
	stopWatch()
	if code != 0 {
		t.Fatalf("meadow buyer pay: exit %d\n%s", code, errOut)
	}
	var pay buyer.Payment
	if err := json.Unmarshal([]byte(out), &pay); err != nil {
		t.Fatalf("pay's output %q: %v", out, err)
	}
	payRcpt, err := ch.Backend().TransactionReceipt(ctx, pay.Tx)
	if err != nil {
		t.Fatal(err)
	}
	paidBlock := payRcpt.BlockNumber.Uint64()
	if paid, err := ch.PaidFor(ctx, contracts.JobKey(st.ID)); err != nil || paid.String() != st.Price {
		t.Fatalf("the marketplace has %v paid for job %s (%v), want its price %s", paid, st.ID, err, st.Price)
	}
	obsMu.Lock()
	unpaidMined := 0
	for _, o := range obs {
		if o.paid {
			if o.head < paidBlock+gethConfirmations {
				t.Fatalf("the job showed paid with the head at block %d, the payment in block %d: counted before %d confirmations", o.head, paidBlock, gethConfirmations)
			}
			break
		}
		if o.head >= paidBlock {
			unpaidMined++
		}
	}
	obsMu.Unlock()
	t.Logf("paid %s in block %d; the coordinators counted it after %s (%d reads saw it mined and not yet counted)",
		pay.Amount, paidBlock, pay.Seen.Round(time.Millisecond), unpaidMined)

	// Settlement, posted on geth.
	out, errOut, code = runMeadow(ctx, bin, "operator", "settle", "--coord", coordURLs[1], "--cluster-token-file", tokenFile, "--json")
	if code != 0 {
		t.Fatalf("meadow operator settle: exit %d\n%s", code, errOut)
	}
	var sr api.SettleResponse
	if err := json.Unmarshal([]byte(out), &sr); err != nil {
		t.Fatalf("settle's output %q: %v", out, err)
	}
	epoch, root, err := ch.LatestRoot(ctx)
	if err != nil || epoch != sr.Epoch || root != sr.Root {
		t.Fatalf("the distributor's latest root is epoch %d %s (%v), settle said epoch %d %s", epoch, root.Hex(), err, sr.Epoch, sr.Root.Hex())
	}
	t.Logf("epoch %d settled: %s MEADOW, %s stable over %d accounts, root posted in %s", sr.Epoch, sr.Emission, sr.RevenueShare, sr.Leaves, sr.Tx.Hex())

	// A node claims; its token balances grow by what the claim paid,
	// which is its cumulative leaf.
	nd := nodes[0]
	before, err := ch.BalanceOf(ctx, contracts.TokenMeadow, nd.Address())
	if err != nil {
		t.Fatal(err)
	}
	beforeStable, err := ch.BalanceOf(ctx, contracts.TokenStable, nd.Address())
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code = runMeadow(ctx, bin, "node", "claim", "--data-dir", nd.dataDir, "--coord", strings.Join(coordURLs, ","),
		"--chain-id", strconv.FormatUint(g.chainID, 10), "--json")
	if code != 0 {
		t.Fatalf("meadow node claim: exit %d\n%s", code, errOut)
	}
	var cl struct {
		PaidMeadow       string `json:"paid_meadow"`
		PaidStable       string `json:"paid_stable"`
		CumulativeMeadow string `json:"cumulative_meadow"`
	}
	if err := json.Unmarshal([]byte(out), &cl); err != nil {
		t.Fatalf("claim's output %q: %v", out, err)
	}
	after, err := ch.BalanceOf(ctx, contracts.TokenMeadow, nd.Address())
	if err != nil {
		t.Fatal(err)
	}
	afterStable, err := ch.BalanceOf(ctx, contracts.TokenStable, nd.Address())
	if err != nil {
		t.Fatal(err)
	}
	gain := new(big.Int).Sub(after, before)
	gainStable := new(big.Int).Sub(afterStable, beforeStable)
	if gain.Sign() <= 0 || gain.String() != cl.PaidMeadow || cl.PaidMeadow != cl.CumulativeMeadow || gainStable.String() != cl.PaidStable {
		t.Fatalf("node %s: MEADOW %s -> %s, stable %s -> %s; the claim said it paid %s MEADOW and %s stable (cumulative %s)",
			nd.Address().Hex(), before, after, beforeStable, afterStable, cl.PaidMeadow, cl.PaidStable, cl.CumulativeMeadow)
	}
	t.Logf("node %s claimed %s MEADOW and %s stable on geth; done in %s", nd.Address().Hex(), gain, gainStable, time.Since(start).Round(time.Millisecond))
	gethRelayedClaims(ctx, t, g, ch, coordURLs[0], nodes[1].dataDir)

	// The operator sees the cluster in the console: the figures it reads
	// (meadow operator console --json, GET /v1/cluster/console) agree with
	// what happened, and the page is served.
	out, errOut, code = runMeadow(ctx, bin, "operator", "console", "--coord", coordURLs[2], "--cluster-token-file", tokenFile, "--json")
	if code != 0 {
		t.Fatalf("meadow operator console: exit %d\n%s", code, errOut)
	}
	var cv coord.ConsoleView
	if err := json.Unmarshal([]byte(out), &cv); err != nil {
		t.Fatalf("console's output %q: %v", out, err)
	}
	reachable := 0
	for _, m := range cv.Members {
		if m.Health != nil && m.Health.Reachable {
			reachable++
		}
	}
	if cv.ID != coords[2].id || cv.Leader == "" || cv.Term == 0 || len(cv.Members) != 3 || reachable != 3 ||
		cv.Jobs[api.JobDone] != 1 || cv.Nodes != len(nodes) {
		t.Fatalf("console of %s: member %s, leader %q, term %d, %d members (%d reachable), jobs %v, %d nodes; want c3, a leader, 3 of 3 reachable, 1 job done, %d nodes",
			coords[2].id, cv.ID, cv.Leader, cv.Term, len(cv.Members), reachable, cv.Jobs, cv.Nodes, len(nodes))
	}
	out, errOut, code = runMeadow(ctx, bin, "operator", "console", "--coord", coordURLs[2], "--cluster-token-file", tokenFile)
	page, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
	if code != 0 || !strings.HasPrefix(page, coordURLs[2]+"/console#token=") {
		t.Fatalf("meadow operator console: exit %d, %q\n%s", code, out, errOut)
	}
	resp, err := http.Get(strings.Split(page, "#")[0])
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") || !bytes.Contains(html, []byte("/v1/cluster/console")) {
		t.Fatalf("GET %s: %d %s, %d bytes; want the console page, which reads /v1/cluster/console", page, resp.StatusCode, resp.Header.Get("Content-Type"), len(html))
	}
	t.Logf("the console of %s: leader %s, term %d, 3 of 3 members reachable, %d nodes; %s", cv.ID, cv.Leader, cv.Term, cv.Nodes, strings.TrimSpace(out))
}

// findGeth finds go-ethereum's geth: in the repository's .cache/bin (where
// scripts/deps.sh builds it), then on PATH. A machine without it fails the
// test, naming what to run.
func findGeth(t *testing.T) string {
	t.Helper()
	if dir, err := os.Getwd(); err == nil {
		for d := dir; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				p := filepath.Join(d, ".cache", "bin", "geth")
				if _, err := os.Stat(p); err == nil {
					return p
				}
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if p, err := exec.LookPath("geth"); err == nil {
		return p
	}
	t.Fatal("geth (go-ethereum's node) is missing: not in .cache/bin nor on PATH; run scripts/deps.sh (make deps), which builds github.com/ethereum/go-ethereum/cmd/geth@v1.17.8 into .cache/bin")
	return ""
}

// gethNode is a geth --dev process.
type gethNode struct {
	url     string
	chainID uint64
	rpc     *rpc.Client
	eth     *ethclient.Client
}

// startGeth starts geth --dev on loopback with a block a second and waits
// until its JSON-RPC answers; it stops when the test ends.
func startGeth(ctx context.Context, t *testing.T, bin, dataDir string) *gethNode {
	t.Helper()
	logPath := dataDir + ".log"
	for attempt := 1; ; attempt++ {
		port := coordtest.FreeAddr(t)[len("127.0.0.1:"):]
		authPort := coordtest.FreeAddr(t)[len("127.0.0.1:"):]
		args := []string{"--dev", "--dev.period", "1", "--datadir", dataDir,
			"--http", "--http.addr", "127.0.0.1", "--http.port", port, "--http.api", "eth,net,web3",
			"--authrpc.addr", "127.0.0.1", "--authrpc.port", authPort,
			"--ipcdisable", "--nodiscover", "--maxpeers", "0", "--port", "0", "--verbosity", "2"}
		logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			logf.Close()
			t.Fatalf("start geth: %v", err)
		}
		logf.Close()
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		t.Cleanup(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				<-exited
			}
			if t.Failed() {
				t.Logf("geth's log, last lines:\n%s", fileTail(logPath, 20))
			}
		})
		g := &gethNode{url: "http://127.0.0.1:" + port}
		up := false
		deadline := time.Now().Add(60 * time.Second * coordtest.Scale())
		for !up && time.Now().Before(deadline) {
			select {
			case <-exited:
				deadline = time.Now()
				continue
			case <-time.After(100 * time.Millisecond):
			}
			c, err := rpc.DialContext(ctx, g.url)
			if err != nil {
				continue
			}
			var id hexutil.Uint64
			if err := c.CallContext(ctx, &id, "eth_chainId"); err != nil {
				c.Close()
				continue
			}
			g.chainID, g.rpc, g.eth, up = uint64(id), c, ethclient.NewClient(c), true
		}
		if up {
			t.Cleanup(g.rpc.Close)
			return g
		}
		if attempt == 3 || !strings.Contains(fileTail(logPath, 20), "address already in use") {
			t.Fatalf("geth did not serve JSON-RPC on %s within 60s:\n%s", g.url, fileTail(logPath, 20))
		}
	}
}

// fund sends each account its amount from geth's prefunded dev account,
// which geth --dev keeps unlocked (eth_sendTransaction), and waits until
// every transfer is mined.
func (g *gethNode) fund(ctx context.Context, t *testing.T, amounts map[common.Address]*big.Int) {
	t.Helper()
	var accounts []common.Address
	if err := g.rpc.CallContext(ctx, &accounts, "eth_accounts"); err != nil || len(accounts) == 0 {
		t.Fatalf("geth's dev account: %v (accounts %v)", err, accounts)
	}
	var hashes []common.Hash
	for to, wei := range amounts {
		var h common.Hash
		tx := map[string]any{"from": accounts[0], "to": to, "value": (*hexutil.Big)(wei)}
		if err := g.rpc.CallContext(ctx, &h, "eth_sendTransaction", tx); err != nil {
			t.Fatalf("fund %s from geth's dev account: %v", to.Hex(), err)
		}
		hashes = append(hashes, h)
	}
	for _, h := range hashes {
		coordtest.WaitFor(t, 30*time.Second*coordtest.Scale(), "funding transfer "+h.Hex()+" to be mined", func() bool {
			r, err := g.eth.TransactionReceipt(ctx, h)
			// geth answers "transaction indexing is in progress" for a
			// while after it starts.
			if err != nil && !errors.Is(err, ethereum.NotFound) && !strings.Contains(err.Error(), "indexing is in progress") {
				t.Fatalf("receipt of %s: %v", h.Hex(), err)
			}
			return err == nil && r.Status == types.ReceiptStatusSuccessful
		})
	}
}

// runMeadow runs the meadow binary and returns its stdout, stderr and exit
// code.
func runMeadow(ctx context.Context, bin string, args ...string) (stdout, stderr string, code int) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = cpEnviron()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		return o.String(), e.String() + err.Error(), -1
	}
	return o.String(), e.String(), code
}

// gethCoord is one `meadow coord` process settling on geth.
type gethCoord struct {
	id, dir, raftAddr, httpAddr, keyFile string

	cmd    *exec.Cmd
	exited chan struct{}
}

func (c *gethCoord) logPath() string { return c.dir + ".log" }

// start runs the coordinator with the chain settings of network file nw
// and waits until it serves HTTP; join empty bootstraps the cluster.
func (c *gethCoord) start(ctx context.Context, t *testing.T, bin string, nw api.Network, join string) {
	t.Helper()
	args := []string{"coord", "--id", c.id, "--data-dir", c.dir, "--raft-addr", c.raftAddr, "--http-addr", c.httpAddr,
		"--chain-id", strconv.FormatUint(nw.ChainID, 10), "--chain-rpc", nw.ChainRPC[0],
		"--distributor", nw.Contracts.Distributor.Hex(), "--registry", nw.Contracts.Registry.Hex(),
		"--deploy-block", strconv.FormatUint(nw.Contracts.DeployBlock, 10), "--operator-key", c.keyFile,
		"--community-factory", nw.Contracts.CommunityFactory.Hex(),
		"--chain-confirmations", strconv.Itoa(gethConfirmations), "--chain-poll", "200ms",
		"--domain-min-interval", "5ms", "--lease-ttl", "1m", "--reveal-ttl", "30s", "--upload-ttl", "20s",
		"--dev-job-url-allow-list", "127.0.0.0/8"} // the test's site is on loopback
	if join == "" {
		args = append(args, "--bootstrap")
	} else {
		args = append(args, "--join", join)
	}
	logf, err := os.OpenFile(c.logPath(), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	c.cmd = exec.Command(bin, args...)
	c.cmd.Env = append(cpEnviron(), "MEADOW_CLUSTER_TOKEN=geth-test-token")
	c.cmd.Stdout, c.cmd.Stderr = logf, logf
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", c.id, err)
	}
	c.exited = make(chan struct{})
	go func() { _ = c.cmd.Wait(); close(c.exited) }()
	coordtest.WaitFor(t, 60*time.Second*coordtest.Scale(), c.id+" to be ready", func() bool {
		select {
		case <-c.exited:
			t.Fatalf("%s exited on start:\n%s", c.id, fileTail(c.logPath(), 20))
		default:
		}
		code, _, err := cpGet("http://"+c.httpAddr, "/readyz")
		return err == nil && code == http.StatusOK
	})
}

func (c *gethCoord) kill() {
	if c.cmd == nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.exited
}

// gethWaitCluster waits until the first coordinator lists every member as
// a voter and each is ready.
func gethWaitCluster(t *testing.T, urls []string) {
	t.Helper()
	coordtest.WaitFor(t, 60*time.Second*coordtest.Scale(), "every coordinator to join", func() bool {
		var ms []coord.Member
		if cpGetJSON(urls[0], "/v1/cluster/members", &ms) != nil {
			return false
		}
		voters := 0
		for _, m := range ms {
			if m.Voter && m.HTTPAddr != "" {
				voters++
			}
		}
		return voters == len(urls)
	})
}

// gethNodeRunner is a node of the geth test and its data dir (which holds
// the key that claims).
type gethNodeRunner struct {
	*node.Node
	dataDir string
}

// gethNodes builds two honest nodes, each reaching the coordinators from
// its own loopback /24 (replicas of a task must not share one), allowed to
// crawl the loopback site.
func gethNodes(t *testing.T, coordURLs []string, chainID uint64, dir string) []*gethNodeRunner {
	t.Helper()
	var out []*gethNodeRunner
	for i := range 2 {
		cfg := node.DefaultConfig()
		cfg.DataDir = filepath.Join(dir, fmt.Sprintf("node%d", i+1))
		cfg.Coordinators = coordURLs
		cfg.Dashboard = "" // none: the test reads the coordinators' answers
		cfg.ChainID = chainID
		cfg.Version = "dev"
		cfg.Development = true
		cfg.SourceIP = fmt.Sprintf("127.0.%d.1", i+1)
		cfg.AllowList = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		lim := node.DefaultLimits()
		lim.PagesPerMinute = 100000
		cfg.Limits = &lim
		cfg.PerDomainDelay = 5 * time.Millisecond
		cfg.Logger = slog.New(slog.DiscardHandler)
		nd, err := node.New(cfg)
		if err != nil {
			t.Fatalf("node %d: %v", i+1, err)
		}
		out = append(out, &gethNodeRunner{Node: nd, dataDir: cfg.DataDir})
	}
	return out
}

func keyAddr(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

// gethRelayedClaims: the other node claims through the first member's
// relayer on geth, whose blocks come a second apart. A second
// authorization of the same totals (another payout) sent while the first
// waits to be mined passed eth_call against the latest block, was sent and
// reverted at the relayer's cost; now it is refused and the relayer sends
// one transaction in all. An authorization that expires within the
// relayer's wait is refused before anything is sent.
func gethRelayedClaims(ctx context.Context, t *testing.T, g *gethNode, ch *contracts.Chain, coordURL, dataDir string) {
	t.Helper()
	var info api.ChainInfo
	if err := cpGetJSON(coordURL, "/v1/chain", &info); err != nil || info.Relay == nil {
		t.Fatalf("%s/v1/chain: %+v %v, want a relayer", coordURL, info.Relay, err)
	}
	relayer := info.Relay.Relayer
	g.fund(ctx, t, map[common.Address]*big.Int{relayer: big.NewInt(1e18)})
	id, err := node.LoadOrCreateIdentity(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	var r api.NodeRewards
	if err := cpGetJSON(coordURL, "/v1/node/"+strings.ToLower(id.Address.Hex())+"/rewards", &r); err != nil || len(r.Proof) == 0 {
		t.Fatalf("node %s's rewards: %+v %v", id.Address.Hex(), r, err)
	}
	domain, err := ch.RewardsDomain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cumM, cumS := amountOf(r.Meadow), amountOf(r.Stable)
	relay := func(payout common.Address, ttl time.Duration) (int, string) {
		t.Helper()
		claim, err := contracts.AuthorizeClaim(id.Key, domain, id.Address, cumM, cumS, new(big.Int), new(big.Int), info.Relay.FeeBps, payout, uint64(time.Now().Add(ttl).Unix()))
		if err != nil {
			t.Fatal(err)
		}
		body, err := json.Marshal(relayRequest(r, claim))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Post(coordURL+"/v1/rewards/relay", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	sent := func() uint64 {
		t.Helper()
		n, err := ch.Backend().PendingNonceAt(ctx, relayer)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	payout := func() common.Address { return crypto.PubkeyToAddress(cpKey(t).PublicKey) }

	if code, raw := relay(payout(), time.Minute); code != http.StatusBadRequest || !strings.Contains(raw, `"field":"deadline"`) {
		t.Fatalf("an authorization good for a minute: %d %s, want 400 naming deadline", code, raw)
	}
	code, raw := relay(payout(), time.Hour)
	var res api.RelayClaimResponse
	if code != http.StatusOK || json.Unmarshal([]byte(raw), &res) != nil {
		t.Fatalf("relayed claim: %d %s", code, raw)
	}
	// Right after: the first is mined within a second, so this one meets
	// it on its way (or, rarely, already mined: nothing to claim).
	if code, raw := relay(payout(), time.Hour); code != http.StatusConflict || !(strings.Contains(raw, "on its way") || strings.Contains(raw, "NothingToClaim")) {
		t.Fatalf("a second authorization of the same totals: %d %s, want 409", code, raw)
	}
	if n := sent(); n != 1 {
		t.Fatalf("the relayer sent %d transactions, want 1", n)
	}
	got, err := ch.WaitRelayedClaim(ctx, res.Tx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Meadow.Cmp(cumM) != 0 || got.Relayer != relayer {
		t.Fatalf("the relayed claim paid %s MEADOW through %s, want %s through %s", got.Meadow, got.Relayer.Hex(), cumM, relayer.Hex())
	}
	if code, raw := relay(payout(), time.Hour); code != http.StatusConflict || !strings.Contains(raw, "NothingToClaim") {
		t.Fatalf("another authorization once the first was mined: %d %s, want 409 NothingToClaim", code, raw)
	}
	if n := sent(); n != 1 {
		t.Fatalf("the relayer sent %d transactions, want 1", n)
	}
	t.Logf("node %s claimed %s MEADOW through relayer %s in %s; a second authorization was refused, nothing else sent", id.Address.Hex(), got.Meadow, relayer.Hex(), res.Tx.Hex())
}
