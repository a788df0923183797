//go:build !nodeonly

package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/node"
)

// TestCoordFlagErrorsNameTheFlag checks that a bad value of a coordinator
// setting, from the command line or the environment, is a usage error that
// names the flag, before anything is opened.
func TestCoordFlagErrorsNameTheFlag(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{name: "lease ttl", args: []string{"--lease-ttl", "10ms"}, want: "--lease-ttl 10ms"},
		{name: "reveal ttl", args: []string{"--reveal-ttl", "0s"}, want: "--reveal-ttl 0s"},
		{name: "work window", args: []string{"--work-window", "2s"}, want: "--work-window 2s"},
		{name: "max writes", args: []string{"--max-writes", "-1"}, want: "--max-writes -1"},
		{name: "admit wait", args: []string{"--admit-wait", "1m"}, want: "--admit-wait 1m0s"},
		{name: "idle retry", args: []string{"--idle-retry", "0s"}, want: "--idle-retry 0s"},
		{name: "domain interval from env", env: []string{"MEADOW_DOMAIN_MIN_INTERVAL=2h"}, want: "--domain-min-interval 2h0m0s"},
		{name: "chain id", args: []string{"--chain-id", "0"}, want: "--chain-id 0"},
		{name: "join with bootstrap", args: []string{"--bootstrap", "--join", "10.0.0.1:8080"}, want: "--join"},
		{name: "no id", args: []string{"--id", ""}, want: "--id"},
		{name: "no token on every interface", args: []string{"--http-addr", ":0"}, want: "--cluster-token"},
		{name: "no token on a public raft address", args: []string{"--raft-addr", "10.0.0.1:0"}, want: "--cluster-token"},
		{name: "no token on a named host", args: []string{"--http-addr", "coord1.example:0"}, want: "--cluster-token"},
		{name: "object store endpoint with a scheme", args: []string{"--object-store-endpoint", "http://s3.example:9000", "--object-store-bucket", "meadow"}, want: "--object-store-endpoint"},
		{name: "object store without a bucket, from env", env: []string{"MEADOW_OBJECT_STORE_ENDPOINT=127.0.0.1:9000"}, want: "--object-store-bucket"},
		{name: "object store verify", args: []string{"--object-store-endpoint", "127.0.0.1:9000", "--object-store-bucket", "meadow", "--object-store-verify", "trust"}, want: "--object-store-verify"},
		{name: "proxy uploads without an object store", args: []string{"--proxy-uploads"}, want: "--proxy-uploads"},
		// The start-up error of a disk too small for a log segment tells
		// the operator to choose a smaller --wal-segment-size.
		{name: "wal segment size", args: []string{"--wal-segment-size", "4096"}, want: "--wal-segment-size 4096"},
		{name: "disk check interval", args: []string{"--disk-check-interval", "1ms"}, want: "--disk-check-interval 1ms"},
		{name: "clock check interval", args: []string{"--clock-check-interval", "0s"}, want: "--clock-check-interval 0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			a := &app{stdout: &out, stderr: &out, environ: tt.env}
			root := newRootCmd(a)
			dir := filepath.Join(t.TempDir(), "c1")
			args := append([]string{"coord", "--id", "c1", "--data-dir", dir, "--raft-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, tt.args...)
			root.SetArgs(args)
			err := root.Execute()
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "config.") {
				t.Fatalf("meadow %s: error %v, want one naming %q", strings.Join(args, " "), err, tt.want)
			}
			if exitCode(err) != exitUsage {
				t.Errorf("exit code %d, want %d", exitCode(err), exitUsage)
			}
			if _, serr := os.Stat(dir); serr == nil {
				t.Errorf("the data dir was created despite the bad setting")
			}
		})
	}

	var out bytes.Buffer
	root := newRootCmd(&app{stdout: &out, stderr: &out})
	root.SetArgs([]string{"coord", "--help"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"--cluster-token", "MEADOW_CLUSTER_TOKEN", "uploads fail", "--chain-id", "--lease-ttl", "--reveal-ttl", "--work-window", "--idle-retry", "--domain-min-interval"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("meadow coord --help does not mention %q", w)
		}
	}
	if strings.Contains(out.String(), "shared-network") {
		t.Error("meadow coord --help offers SharedNetworkOK, which is for the in-process dev network only")
	}
}

// The settings the process test starts its coordinators with, each checked
// through the API where it shows.
const (
	cpChainID      = 4242 // not the dev chain's: requests signed for that one must fail
	cpClusterToken = "process-test-token"
	cpLeaseTTL     = 5 * time.Minute
	cpRevealTTL    = 3 * time.Minute
	cpIdleRetry    = 750 * time.Millisecond
)

// TestCoordProcessesSurviveLeaderKill is the process-level failure test of
// "nothing acknowledged is lost": three real `meadow coord` processes, a
// stream of signed writes as nodes and buyers send them, SIGKILL of the
// leader while commitments flow, then a restart of the killed member and a
// restart of all three from disk. Every write answered 2xx must be in the
// state read back after each step.
func TestCoordProcessesSurviveLeaderKill(t *testing.T) {
	start := time.Now()
	bin := cpBuild(t)
	t.Logf("go build: %s", time.Since(start).Round(time.Millisecond))
	// The crawl target exists so that the job's URLs are real, but the
	// "nodes" here only drive signed requests: nothing may fetch it.
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the crawl target was fetched: %s", r.URL)
	}))
	t.Cleanup(site.Close)

	cl := cpStartCluster(t, bin, 3)
	t.Logf("3 coordinators up after %s", time.Since(start).Round(time.Millisecond))
	cl.checkSettings(t)
	cl.checkOperator(t, bin)

	acks := newCPAcks()
	var workers []*cpNode
	for i := range 6 {
		workers = append(workers, cpNewNode(t, cl.urls(), fmt.Sprintf("127.0.%d.1", i+1)))
	}
	for _, n := range workers {
		n.register(t, acks)
	}
	buyerKey := cpKey(t)
	buyerC := cpClient(t, cl.urls(), buyerKey, nil)
	var urls []string
	for i := range 200 {
		urls = append(urls, fmt.Sprintf("%s/p/%d", site.URL, i))
	}
	if err := cpSubmit(context.Background(), buyerC, acks, urls); err != nil {
		t.Fatalf("submit the crawl job: %v", err)
	}

	// The load: six nodes lease, commit and reveal; one identity after
	// another registers from its own address; the buyer keeps submitting
	// small jobs. Only what was answered 2xx is recorded.
	var newcomers []*cpNode
	for i := range 400 {
		newcomers = append(newcomers, cpNewNode(t, cl.urls(), fmt.Sprintf("127.0.%d.%d", 10+i%200, 1+i/200)))
	}
	ctx, stopLoad := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, n := range workers {
		wg.Go(func() { n.work(ctx, t, acks) })
	}
	wg.Go(func() {
		tick := time.NewTicker(40 * time.Millisecond)
		defer tick.Stop()
		for _, n := range newcomers {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			_ = n.tryRegister(ctx, acks)
		}
	})
	wg.Go(func() {
		tick := time.NewTicker(60 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ctx.Err() == nil; i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			_ = cpSubmit(ctx, buyerC, acks, []string{fmt.Sprintf("%s/q/%d/a", site.URL, i), fmt.Sprintf("%s/q/%d/b", site.URL, i)})
		}
	})
	t.Cleanup(func() { stopLoad(); wg.Wait() })

	const before, after = 200, 200
	coordtest.WaitFor(t, 30*time.Second*coordtest.Scale(), fmt.Sprintf("%d acknowledged commitments", before), func() bool {
		return acks.commits.Load() >= before
	})
	old := cl.leader(t)
	killedAt := acks.commits.Load()
	old.kill(t)
	t.Logf("SIGKILL leader %s after %d acknowledged commitments (%s in)", old.id, killedAt, time.Since(start).Round(time.Millisecond))
	electStart := time.Now()
	nl := cl.leader(t)
	if nl == old {
		t.Fatalf("the killed member %s is still reported as leader", old.id)
	}
	t.Logf("new leader %s after %s", nl.id, time.Since(electStart).Round(time.Millisecond))
	elected := acks.commits.Load()
	coordtest.WaitFor(t, 30*time.Second*coordtest.Scale(), fmt.Sprintf("%d more acknowledged commitments under leader %s", after, nl.id), func() bool {
		return acks.commits.Load() >= elected+after
	})
	stopLoad()
	wg.Wait()
	acks.mu.Lock()
	t.Logf("load stopped: %d registrations, %d jobs, %d leases, %d commitments acknowledged; %d calls failed (%s in)",
		len(acks.nodes), len(acks.jobs), len(acks.leases), acks.commits.Load(), acks.failed.Load(), time.Since(start).Round(time.Millisecond))
	acks.mu.Unlock()

	survivor := cl.running()[0]
	cpCheckAcked(t, survivor.url(), acks, "after SIGKILL of leader "+old.id)
	t.Logf("acknowledged writes checked on %s (%s in)", survivor.id, time.Since(start).Round(time.Millisecond))

	// The killed member comes back from its data dir and catches up.
	old.start(t)
	cl.waitMembers(t)
	ref := cl.waitConverged(t, acks, nil)
	cpCheckAcked(t, old.url(), acks, "after restarting "+old.id+" from its data dir")
	t.Logf("%s restarted, caught up and checked (%s in)", old.id, time.Since(start).Round(time.Millisecond))

	// All three stop cleanly and come back from disk.
	for _, p := range cl.procs {
		p.stop(t)
	}
	for _, p := range cl.procs {
		p.start(t)
	}
	cl.leader(t)
	cl.waitMembers(t)
	cl.waitConverged(t, acks, ref)
	cpCheckAcked(t, cl.procs[0].url(), acks, "after restarting all three from disk")
	if log, err := os.ReadFile(old.logPath); err == nil && bytes.Contains(log, []byte("clearing log suffix")) {
		// The path of hashicorp/raft-wal#31: the killed leader held an
		// entry it never committed, and dropped it on rejoining.
		t.Logf("%s cleared an uncommitted log suffix when it rejoined, and restarted from that log", old.id)
	}
	t.Logf("done in %s", time.Since(start).Round(time.Millisecond))
}

// cpBuild builds the meadow binary into the test's temporary dir.
func cpBuild(t *testing.T) string {
	t.Helper()
	// One build per test binary: a warm link of meadow takes about 20 s on
	// 2 cores, and eight process tests each paid it.
	cpBin.once.Do(func() {
		dir, err := os.MkdirTemp("", "meadow-bin-")
		if err != nil {
			cpBin.err = err
			return
		}
		cpBin.dir, cpBin.path = dir, filepath.Join(dir, "meadow")
		cpBin.out, cpBin.err = exec.Command("go", "build", "-o", cpBin.path, ".").CombinedOutput()
	})
	if cpBin.err != nil {
		t.Fatalf("go build -o %s ./cmd/meadow: %v\n%s", cpBin.path, cpBin.err, cpBin.out)
	}
	return cpBin.path
}

// cpBin is the meadow binary the process tests share; TestMain removes it.
var cpBin struct {
	once      sync.Once
	dir, path string
	out       []byte
	err       error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if cpBin.dir != "" {
		_ = os.RemoveAll(cpBin.dir)
	}
	os.Exit(code)
}

// cpProc is one `meadow coord` process, started again on the same
// addresses and data dir after a kill or a stop.
type cpProc struct {
	bin, id, dir, logPath string
	raftAddr, httpAddr    string
	join                  string   // a member's HTTP address; empty: --bootstrap
	chainID               uint64   // 0: cpChainID
	extra                 []string // more flags (a chain's)

	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
	down    bool // stopped or killed on purpose
}

func (p *cpProc) url() string { return "http://" + p.httpAddr }

// raftIP is the loopback address of the member's Raft traffic, one a
// member (127.0.0.11 for c1, …), so that a test can cut one member's Raft
// traffic by its address and nothing else (the fault suite's partition).
func (p *cpProc) raftIP() string {
	n, _ := strconv.Atoi(strings.TrimPrefix(p.id, "c"))
	return fmt.Sprintf("127.0.0.%d", 10+n)
}

func (p *cpProc) running() bool {
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// start starts the process again on its addresses and data dir and waits
// until it serves HTTP. The addresses are the member's identity, so a start
// that finds a port still held (a socket of the previous run closing) waits
// until the port is free and tries again.
func (p *cpProc) start(t *testing.T) {
	t.Helper()
	for attempt := 1; !p.launch(t); attempt++ {
		if attempt == 5 {
			t.Fatalf("%s could not bind its addresses %s and %s:\n%s", p.id, p.raftAddr, p.httpAddr, p.tail(20))
		}
		coordtest.WaitFor(t, 10*time.Second*coordtest.Scale(), p.id+"'s ports to be free", func() bool {
			return cpCanBind(p.raftAddr) && cpCanBind(p.httpAddr)
		})
	}
}

// launch runs the process and waits until it answers /healthz. It reports
// false when the process exited because a port was taken; any other exit
// fails the test.
func (p *cpProc) launch(t *testing.T) bool {
	t.Helper()
	p.spawn(t)
	coordtest.WaitFor(t, 30*time.Second*coordtest.Scale(), p.id+" to serve HTTP or exit", func() bool {
		if !p.running() {
			return true
		}
		code, _, err := cpGet(p.url(), "/healthz")
		return err == nil && code == http.StatusOK
	})
	if p.running() {
		return true
	}
	if strings.Contains(p.tail(5), "address already in use") {
		return false
	}
	t.Fatalf("%s exited on start: %v\n%s", p.id, p.waitErr, p.tail(20))
	return false
}

// spawn runs the process with the test's settings: most as flags, the
// cluster token from the environment, as an operator should pass it.
func (p *cpProc) spawn(t *testing.T) {
	t.Helper()
	args := []string{"coord", "--id", p.id, "--data-dir", p.dir, "--raft-addr", p.raftAddr, "--http-addr", p.httpAddr,
		"--chain-id", fmt.Sprint(cmp.Or(p.chainID, cpChainID)), "--lease-ttl", cpLeaseTTL.String(), "--reveal-ttl", cpRevealTTL.String(),
		"--idle-retry", cpIdleRetry.String(), "--work-window", "3ms", "--domain-min-interval", "1ms",
		"--dev-job-url-allow-list", "127.0.0.0/8"} // the test's site is on loopback
	args = append(args, p.extra...)
	if p.join == "" {
		args = append(args, "--bootstrap")
	} else {
		args = append(args, "--join", "http://"+p.join)
	}
	logf, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	fmt.Fprintf(logf, "=== %s meadow %s\n", time.Now().Format(time.TimeOnly), strings.Join(args, " "))
	cmd := exec.Command(p.bin, args...)
	cmd.Env = append(cpEnviron(), "MEADOW_CLUSTER_TOKEN="+cpClusterToken)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", p.id, err)
	}
	exited := make(chan struct{})
	go func() {
		p.waitErr = cmd.Wait()
		close(exited)
	}()
	p.cmd, p.exited, p.down = cmd, exited, false
}

// cpEnviron is the test's environment without MEADOW_* variables, which the
// coordinator would refuse as unknown settings (MEADOW_TEST_SCALE…).
func cpEnviron() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, envPrefix) {
			out = append(out, kv)
		}
	}
	return out
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *cpProc) kill(t *testing.T) {
	t.Helper()
	p.down = true
	if !p.running() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// stop sends SIGTERM and expects a clean exit (status 0) soon after.
func (p *cpProc) stop(t *testing.T) {
	t.Helper()
	p.down = true
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(20 * time.Second * coordtest.Scale()):
		p.kill(t)
		t.Fatalf("%s did not exit within 20s of SIGTERM", p.id)
	}
	if p.waitErr != nil {
		t.Fatalf("%s exited with %v after SIGTERM, want status 0\n%s", p.id, p.waitErr, p.tail(20))
	}
}

// tail returns the last n lines of the process's log.
func (p *cpProc) tail(n int) string {
	data, err := os.ReadFile(p.logPath)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}

// cpCluster is a cluster of coordinator processes.
type cpCluster struct{ procs []*cpProc }

func (c *cpCluster) urls() []string {
	var out []string
	for _, p := range c.procs {
		out = append(out, p.url())
	}
	return out
}

func (c *cpCluster) running() []*cpProc {
	var out []*cpProc
	for _, p := range c.procs {
		if p.running() {
			out = append(out, p)
		}
	}
	return out
}

// cpStartCluster starts n coordinator processes, the first bootstrapping,
// the others joining through it, and waits until each is a voter. The
// processes are killed when the test ends; their logs are shown if it failed.
func cpStartCluster(t *testing.T, bin string, n int) *cpCluster {
	t.Helper()
	return cpStartClusterWith(t, bin, n, nil)
}

// cpStartClusterWith is cpStartCluster with setup called on each member
// before it first starts (member i, from 0).
func cpStartClusterWith(t *testing.T, bin string, n int, setup func(i int, p *cpProc)) *cpCluster {
	t.Helper()
	c := &cpCluster{}
	root := t.TempDir()
	t.Cleanup(func() {
		for _, p := range c.procs {
			p.kill(t)
			if t.Failed() {
				t.Logf("log of %s (%s), last lines:\n%s", p.id, p.logPath, p.tail(30))
			}
		}
	})
	for i := range n {
		id := fmt.Sprintf("c%d", i+1)
		p := &cpProc{bin: bin, id: id, dir: filepath.Join(root, id), logPath: filepath.Join(root, id+".log")}
		if i > 0 {
			p.join = c.procs[0].httpAddr
		}
		if setup != nil {
			setup(i, p)
		}
		c.procs = append(c.procs, p)
		c.startNew(t, p)
	}
	c.waitMembers(t)
	return c
}

// startNew starts a member for the first time, on free ports, and waits
// until it is ready (it leads, or has joined).
func (c *cpCluster) startNew(t *testing.T, p *cpProc) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		p.raftAddr, p.httpAddr = coordtest.FreeAddrOn(t, p.raftIP()), coordtest.FreeAddr(t)
		if p.launch(t) {
			break
		}
		if attempt == 3 {
			t.Fatalf("%s found its ports taken three times:\n%s", p.id, p.tail(20))
		}
	}
	coordtest.WaitFor(t, 30*time.Second*coordtest.Scale(), p.id+" to be ready", func() bool {
		c.mustRun(t)
		code, _, err := cpGet(p.url(), "/readyz")
		return err == nil && code == http.StatusOK
	})
}

// mustRun fails the test when a member that should run has exited.
func (c *cpCluster) mustRun(t *testing.T) {
	t.Helper()
	for _, p := range c.procs {
		if p.cmd != nil && !p.down && !p.running() {
			t.Fatalf("%s exited: %v\n%s", p.id, p.waitErr, p.tail(20))
		}
	}
}

// cpCanBind reports whether addr is free to listen on.
func cpCanBind(addr string) bool {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	l.Close()
	return true
}

var cpHTTP = &http.Client{Timeout: 5 * time.Second}

// cpGet reads path from base; the body is returned whatever the status.
func cpGet(base, path string) (int, []byte, error) {
	resp, err := cpHTTP.Get(base + path)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes(), err
}

func cpGetJSON(base, path string, out any) error {
	code, body, err := cpGet(base, path)
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		return fmt.Errorf("GET %s%s: %d %s", base, path, code, bytes.TrimSpace(body))
	}
	return json.Unmarshal(body, out)
}

// leader waits until every running member names the same leader, which says
// it leads, and returns it.
func (c *cpCluster) leader(t *testing.T) *cpProc {
	t.Helper()
	var leader *cpProc
	coordtest.WaitFor(t, 30*time.Second*coordtest.Scale(), "every running coordinator to agree on a leader", func() bool {
		c.mustRun(t)
		leader = nil
		id := ""
		for _, p := range c.running() {
			var st coord.Status
			if err := cpGetJSON(p.url(), "/v1/cluster/status", &st); err != nil || st.Leader == "" || (id != "" && st.Leader != id) {
				return false
			}
			id = st.Leader
			if st.ID == id {
				if st.State != "Leader" {
					return false
				}
				leader = p
			}
		}
		return leader != nil
	})
	return leader
}

// waitMembers waits until every running member lists all members as voters
// with their HTTP addresses, and answers /readyz.
func (c *cpCluster) waitMembers(t *testing.T) {
	t.Helper()
	coordtest.WaitFor(t, 30*time.Second*coordtest.Scale(), fmt.Sprintf("%d voters on every coordinator", len(c.procs)), func() bool {
		c.mustRun(t)
		for _, p := range c.running() {
			var ms []coord.Member
			if err := cpGetJSON(p.url(), "/v1/cluster/members", &ms); err != nil || len(ms) != len(c.procs) {
				return false
			}
			for _, m := range ms {
				if !m.Voter || m.HTTPAddr == "" {
					return false
				}
			}
			if code, _, err := cpGet(p.url(), "/readyz"); err != nil || code != http.StatusOK {
				return false
			}
		}
		return true
	})
}

// checkVersions checks that every member reports the release it runs, as
// an operator following an upgrade reads it: in the members' health and in
// meadow operator members' VERSION column (the binary's own version line).
func (c *cpCluster) checkVersions(t *testing.T) {
	t.Helper()
	p := c.running()[0]
	out, err := exec.Command(p.bin, "version").Output()
	if err != nil {
		t.Fatalf("meadow version: %v", err)
	}
	// "meadow dev (commit C, go…)": the release string is "dev (commit C)".
	f := strings.Fields(string(out))
	if len(f) < 4 {
		t.Fatalf("meadow version printed %q", out)
	}
	c12 := strings.TrimSuffix(f[3], ",")
	if len(c12) > 12 && !strings.HasSuffix(c12, "-dirty") {
		c12 = c12[:12]
	}
	want := f[1] + " (commit " + c12 + ")"
	var ms []coord.Member
	if err := cpGetJSON(p.url(), "/v1/cluster/members", &ms); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Health == nil || m.Health.Version != want {
			t.Errorf("member %s's health %+v: want version %q", m.ID, m.Health, want)
		}
	}
	table, err := exec.Command(p.bin, "operator", "members", "--coord", p.url()).Output()
	if err != nil {
		t.Fatalf("meadow operator members: %v", err)
	}
	if lines := strings.Split(strings.TrimSpace(string(table)), "\n"); !strings.Contains(lines[0], "VERSION") || strings.Count(string(table), want) != len(ms) {
		t.Errorf("meadow operator members printed\n%s\nwant a VERSION column with %q for each of %d members", table, want, len(ms))
	}
}

// checkSettings checks, through the API, the settings the processes were
// started with: the chain id, the idle retry and the cluster token.
func (c *cpCluster) checkSettings(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	c.checkVersions(t)
	// Signed for the dev chain: refused by coordinators of another chain.
	devKey := cpKey(t)
	dev, err := node.NewClient(node.ClientConfig{Coordinators: c.urls(), Key: devKey, Domain: api.DevDomain()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = dev.Register(ctx, api.RegisterRequest{Address: crypto.PubkeyToAddress(devKey.PublicKey), Capabilities: cpCaps, Version: "dev"})
	if re := (*api.RemoteError)(nil); !errors.As(err, &re) || re.Status/100 != 4 {
		t.Errorf("a registration signed for chain %d, sent to coordinators of chain %d: %v, want a refusal", api.DevChainID, cpChainID, err)
	}
	n := cpNewNode(t, c.urls(), "127.0.250.1")
	rr, err := n.c.Register(ctx, api.RegisterRequest{Address: n.address, Capabilities: cpCaps, Version: "dev"})
	if err != nil {
		t.Fatalf("register for chain %d: %v", cpChainID, err)
	}
	if rr.PollInterval != cpIdleRetry.Milliseconds() {
		t.Errorf("poll interval %d ms, want --idle-retry %s", rr.PollInterval, cpIdleRetry)
	}
	// A selector api's syntax check lets through but the crawler's parser
	// refuses: the coordinator uses the crawler's.
	buyer := cpClient(t, c.urls(), cpKey(t), nil)
	spec := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/"}, Fields: []api.FieldRule{{Name: "t", Selector: "a:frobnicate"}}}}
	err = buyer.Post(ctx, api.MethodJobSubmit, "/v1/jobs", spec, nil)
	if re := (*api.RemoteError)(nil); !errors.As(err, &re) || re.Status != http.StatusBadRequest || !strings.Contains(re.Error(), "crawl.fields[0].selector") {
		t.Errorf("a job with the selector a:frobnicate: %v, want a 400 naming crawl.fields[0].selector", err)
	}
	// A peer's blob request with the token set through MEADOW_CLUSTER_TOKEN
	// passes (to "not stored"); one with another token does not.
	for _, tc := range []struct {
		token string
		want  int
	}{{cpClusterToken, http.StatusNotFound}, {"wrong", http.StatusForbidden}} {
		req, _ := http.NewRequest(http.MethodGet, c.procs[1].url()+blob.PathPrefix+strings.Repeat("0", 64), nil)
		req.Header.Set(blob.TokenHeader, tc.token)
		resp, err := cpHTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("blob request with token %q: status %d, want %d", tc.token, resp.StatusCode, tc.want)
		}
	}
}

// checkOperator runs `meadow operator` against the cluster: members lists
// the three, and a removal of a member that does not exist reaches the
// leader (with the token from the environment) and is refused by name.
func (c *cpCluster) checkOperator(t *testing.T, bin string) {
	t.Helper()
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, append([]string{"operator", "--coord", c.procs[1].url()}, args...)...)
		cmd.Env = append(cpEnviron(), "MEADOW_CLUSTER_TOKEN="+cpClusterToken)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("members", "--json")
	var ms []coord.Member
	if err != nil || json.Unmarshal([]byte(out), &ms) != nil || len(ms) != len(c.procs) {
		t.Errorf("meadow operator members --json: %v\n%s", err, out)
	}
	out, err = run("members", "remove", "--id", "c9")
	if err == nil || !strings.Contains(out, "unknown member") {
		t.Errorf("meadow operator members remove --id c9: %v\n%s", err, out)
	}
}

var cpCaps = api.Capabilities{CPUCores: 1, MaxConcurrent: 2}

func cpKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func cpClient(t *testing.T, urls []string, key *ecdsa.PrivateKey, src net.IP) *node.Client {
	t.Helper()
	return cpClientOn(t, urls, key, src, cpChainID)
}

// cpClientOn is cpClient signing for chain chainID.
func cpClientOn(t *testing.T, urls []string, key *ecdsa.PrivateKey, src net.IP, chainID uint64) *node.Client {
	t.Helper()
	c, err := node.NewClient(node.ClientConfig{Coordinators: urls, Key: key, Domain: api.DomainFor(chainID), SourceIP: src})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// cpNode is a node identity that sends its requests from its own loopback
// address, as the dev network's nodes do.
type cpNode struct {
	key     *ecdsa.PrivateKey
	address common.Address
	addr    string // lowercase 0x-hex, as the coordinator keys nodes
	ip      string
	c       *node.Client
	blobs   sync.Map // lease id → the Arrow IPC stream it committed to (the fault suite's uploads)
}

func cpNewNode(t *testing.T, urls []string, ip string) *cpNode {
	t.Helper()
	return cpNewNodeOn(t, urls, ip, cpChainID)
}

// cpNewNodeOn is cpNewNode signing for chain chainID.
func cpNewNodeOn(t *testing.T, urls []string, ip string, chainID uint64) *cpNode {
	t.Helper()
	k := cpKey(t)
	a := crypto.PubkeyToAddress(k.PublicKey)
	return &cpNode{key: k, address: a, addr: strings.ToLower(a.Hex()), ip: ip, c: cpClientOn(t, urls, k, net.ParseIP(ip), chainID)}
}

func (n *cpNode) tryRegister(ctx context.Context, acks *cpAcks) error {
	_, err := n.c.Register(ctx, api.RegisterRequest{Address: n.address, Capabilities: cpCaps, Version: "dev"})
	if err != nil {
		acks.failed.Add(1)
		return err
	}
	acks.mu.Lock()
	acks.nodes[n.addr] = n.ip
	acks.mu.Unlock()
	return nil
}

func (n *cpNode) register(t *testing.T, acks *cpAcks) {
	t.Helper()
	if err := n.tryRegister(context.Background(), acks); err != nil {
		t.Fatalf("register %s from %s: %v", n.addr, n.ip, err)
	}
}

// cpRows are the row hashes every replica of a task reports, so that
// replicas agree.
func cpRows(task string) []api.Hash {
	var out []api.Hash
	for i := range 3 {
		out = append(out, api.Hash(sha256.Sum256(fmt.Appendf(nil, "%s row %d", task, i))))
	}
	return out
}

func cpRoot(hs []api.Hash) api.Hash {
	ds := make([]dataset.Hash, len(hs))
	for i, h := range hs {
		ds[i] = dataset.Hash(h)
	}
	return api.Hash(dataset.ContentRoot(ds))
}

// work asks for leases, commits and reveals until ctx ends, recording each
// answer that was a success. Failures (a coordinator killed, an election
// under way) are counted, not fatal: the client has already failed over and
// backed off, and the next call tries again.
func (n *cpNode) work(ctx context.Context, t *testing.T, acks *cpAcks) {
	for ctx.Err() == nil {
		wr, err := n.c.Work(ctx, api.WorkRequest{MaxTasks: 2})
		if err != nil {
			// The client has failed over and backed off already; a short
			// pause keeps a refusal (4xx) from spinning.
			acks.failed.Add(1)
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
			continue
		}
		if len(wr.Leases) == 0 {
			select {
			case <-ctx.Done():
			case <-time.After(min(time.Duration(wr.RetryAfter)*time.Millisecond, 100*time.Millisecond)):
			}
			continue
		}
		now := time.Now()
		for _, l := range wr.Leases {
			if ttl := time.UnixMilli(l.Deadline).Sub(now); ttl > cpLeaseTTL+5*time.Second || ttl < cpLeaseTTL-time.Minute {
				t.Errorf("lease %s is due %s after it was granted, want --lease-ttl %s", l.ID, ttl, cpLeaseTTL)
			}
			acks.granted(n, l)
		}
		for _, l := range wr.Leases {
			hs := cpRows(l.Task.ID)
			cm := api.Commitment{TaskID: l.Task.ID, LeaseID: l.ID, Root: cpRoot(hs), Rows: int64(len(hs))}
			sent := time.Now()
			cr, err := n.c.Commit(ctx, cm)
			if err != nil {
				acks.failed.Add(1)
				continue
			}
			if ttl := time.UnixMilli(cr.RevealDeadline).Sub(sent); ttl > cpRevealTTL+5*time.Second || ttl < cpRevealTTL-time.Minute {
				t.Errorf("commitment of %s: reveal due %s after it, want --reveal-ttl %s", l.ID, ttl, cpRevealTTL)
			}
			acks.committed(l.ID, cm)
			rr, err := n.c.Reveal(ctx, api.Reveal{TaskID: l.Task.ID, LeaseID: l.ID, RowHashes: hs})
			if err != nil {
				acks.failed.Add(1)
				continue
			}
			acks.revealed(l.ID, rr.UploadRequested)
		}
	}
}

// cpSubmit submits a crawl job of urls, one task per URL.
func cpSubmit(ctx context.Context, c *node.Client, acks *cpAcks, urls []string) error {
	spec := api.JobSpec{Kind: api.JobCrawl, Name: "process test", Crawl: &api.CrawlSpec{URLs: urls, TaskSize: 1}}
	var job api.Job
	if err := c.Post(ctx, api.MethodJobSubmit, "/v1/jobs", spec, &job); err != nil {
		acks.failed.Add(1)
		return err
	}
	acks.mu.Lock()
	acks.jobs[job.ID] = len(urls)
	acks.buyer = c
	acks.mu.Unlock()
	return nil
}

// cpSignedGet reads path from base as signer, with a buyer.read envelope
// in the Meadow-Envelope header (reads of jobs and datasets are the
// buyer's); the body is returned whatever the status.
func cpSignedGet(base, path string, signer *node.Client) (int, []byte, error) {
	p, _, _ := strings.Cut(path, "?")
	env, err := signer.Sign(api.MethodRead, api.ReadRequest{Path: p})
	if err != nil {
		return 0, nil, err
	}
	h, err := env.Header()
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set(api.EnvelopeHeader, h)
	resp, err := cpHTTP.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes(), err
}

// cpAcks records every write a coordinator answered with success.
type cpAcks struct {
	mu     sync.Mutex
	nodes  map[string]string   // registered address → the IP it registered from
	jobs   map[string]int      // job id → its tasks
	leases map[string]*cpLease // granted lease id → what else was acknowledged of it
	// uploads are the acknowledged uploads, by task (the fault suite's).
	uploads map[string]faultUpload
	by      map[string]*cpNode // node address → the node, to probe its leases
	// buyer submitted the jobs: only it may read them (signed reads).
	buyer *node.Client

	commits atomic.Int64
	failed  atomic.Int64
}

type cpLease struct {
	id, task, job, node string
	commitment          api.Commitment
	committed, revealed bool
	upload              bool // the reveal's answer asked for the blob: the task is verified
}

func newCPAcks() *cpAcks {
	return &cpAcks{nodes: map[string]string{}, jobs: map[string]int{}, leases: map[string]*cpLease{}, by: map[string]*cpNode{}, uploads: map[string]faultUpload{}}
}

func (a *cpAcks) granted(n *cpNode, l api.Lease) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.leases[l.ID] = &cpLease{id: l.ID, task: l.Task.ID, job: l.Task.JobID, node: n.addr}
	a.by[n.addr] = n
}

func (a *cpAcks) committed(id string, cm api.Commitment) {
	a.mu.Lock()
	a.leases[id].committed, a.leases[id].commitment = true, cm
	a.mu.Unlock()
	a.commits.Add(1)
}

func (a *cpAcks) revealed(id string, upload bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.leases[id].revealed, a.leases[id].upload = true, upload
}

// cpNodeRecord is the part of GET /v1/node/{address} the checks read.
type cpNodeRecord struct {
	Address string `json:"address"`
	IP      string `json:"ip"`
	Tasks   uint64 `json:"tasks"`
}

// cpCheckAcked reads the state back from base with ?consistent=1 (so that
// it sees every write acknowledged before) and reports every acknowledged
// write it does not reflect, by name. Per lease, where no read shows a
// single lease, it sends the acknowledged commitment again: a coordinator
// that still holds it refuses it as made once; one that lost it would take
// it (or not know the lease).
func cpCheckAcked(t *testing.T, base string, acks *cpAcks, phase string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second*coordtest.Scale())
	defer cancel()
	reader, err := api.NewClient(api.ClientConfig{Coordinators: []string{base}})
	if err != nil {
		t.Fatal(err)
	}
	acks.mu.Lock()
	defer acks.mu.Unlock()
	var lost []string
	loss := func(format string, args ...any) { lost = append(lost, fmt.Sprintf(format, args...)) }

	// Per task, what the acknowledged answers prove about its state.
	type taskAcks struct{ grants, commits, reveals int }
	tasks := map[string]*taskAcks{}
	verified := map[string]bool{}
	decidedBy := map[string]int{} // node → acknowledged reveals of tasks known decided
	for _, l := range acks.leases {
		ta := tasks[l.task]
		if ta == nil {
			ta = &taskAcks{}
			tasks[l.task] = ta
		}
		ta.grants++
		if l.committed {
			ta.commits++
		}
		if l.revealed {
			ta.reveals++
		}
		if l.upload {
			verified[l.task] = true
		}
	}
	for id, ta := range tasks {
		if ta.reveals >= 2 {
			verified[id] = true
		}
	}
	for _, l := range acks.leases {
		if l.revealed && verified[l.task] {
			decidedBy[l.node]++
		}
	}

	for _, addr := range slices.Sorted(maps.Keys(acks.nodes)) {
		var rec cpNodeRecord
		// A node's address is shown to operators only (issue 17, item 3).
		err := reader.Do(ctx, func(ctx context.Context, base string) (*http.Response, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/node/"+addr+"?consistent=1", nil)
			if err != nil {
				return nil, err
			}
			req.Header.Set(blob.TokenHeader, cpClusterToken)
			return reader.HTTP().Do(req)
		}, &rec)
		if err != nil {
			loss("registration of node %s from %s: %v", addr, acks.nodes[addr], err)
			continue
		}
		if rec.IP != acks.nodes[addr] {
			loss("registration of node %s from %s: the record says %s", addr, acks.nodes[addr], rec.IP)
		}
		if rec.Tasks < uint64(decidedBy[addr]) {
			loss("reveals of node %s: %d acknowledged on tasks that are decided, its record counts %d decided tasks", addr, decidedBy[addr], rec.Tasks)
		}
	}

	for _, id := range slices.Sorted(maps.Keys(acks.jobs)) {
		var st api.JobStatus
		code, body, err := cpSignedGet(base, "/v1/jobs/"+id+"?consistent=1", acks.buyer)
		if err == nil && code != http.StatusOK {
			err = fmt.Errorf("%d %s", code, bytes.TrimSpace(body))
		}
		if err == nil {
			err = json.Unmarshal(body, &st)
		}
		if err != nil {
			loss("job %s (%d tasks): %v", id, acks.jobs[id], err)
			continue
		}
		tc := st.Progress.Tasks
		if tc.Total() != int64(acks.jobs[id]) {
			loss("job %s: %d tasks acknowledged, the status counts %d", id, acks.jobs[id], tc.Total())
		}
		var leased, committed, decided []string
		for tid, ta := range tasks {
			if !strings.HasPrefix(tid, id+".") {
				continue
			}
			if ta.grants >= 2 {
				leased = append(leased, tid)
			}
			if ta.commits >= 2 {
				committed = append(committed, tid)
			}
			if verified[tid] {
				decided = append(decided, tid)
			}
		}
		if got := tc.Verified; got < int64(len(decided)) {
			loss("job %s: %d tasks verified, but acknowledged reveals decided %d: %s", id, got, len(decided), cpList(decided))
		}
		if got := tc.Committed + tc.Verified + tc.Inconclusive; got < int64(len(committed)) {
			loss("job %s: %d tasks committed or decided, but both replicas' commitments were acknowledged for %d: %s", id, got, len(committed), cpList(committed))
		}
		if got := tc.Total() - tc.Pending; got < int64(len(leased)) {
			loss("job %s: %d tasks leased or later, but both replicas' leases were acknowledged for %d: %s", id, got, len(leased), cpList(leased))
		}
	}

	for _, id := range slices.Sorted(maps.Keys(acks.leases)) {
		l := acks.leases[id]
		if !l.committed {
			continue
		}
		// Probe with a different commitment for the lease: the same one
		// again is answered as a retry, but a recorded commitment refuses
		// any other ("a commitment is made once"), while a lost one would
		// take it as new.
		probe := l.commitment
		probe.Root[0] ^= 0xff
		_, err := acks.by[l.node].c.Commit(ctx, probe)
		var re *api.RemoteError
		switch {
		case err == nil:
			loss("commitment of lease %s (node %s): acknowledged, yet the coordinator took it again as new", id, l.node)
		case !errors.As(err, &re):
			t.Fatalf("%s: probe commitment of lease %s: %v", phase, id, err)
		case re.Status == http.StatusNotFound:
			loss("lease %s (node %s): acknowledged grant and commitment, the coordinator does not know the lease: %s", id, l.node, re.Message)
		case l.revealed && !strings.Contains(re.Message, "is revealed: a commitment is made once"):
			loss("reveal of lease %s (node %s): acknowledged, the coordinator answers: %s", id, l.node, re.Message)
		case !strings.Contains(re.Message, "a commitment is made once"):
			loss("commitment of lease %s (node %s): acknowledged, the coordinator answers: %s", id, l.node, re.Message)
		}
	}
	if len(lost) > 0 {
		t.Errorf("%s: %d acknowledged writes lost:\n  %s", phase, len(lost), strings.Join(lost[:min(len(lost), 40)], "\n  "))
	}
}

func cpList(ids []string) string {
	slices.Sort(ids)
	if len(ids) > 10 {
		return strings.Join(ids[:10], ", ") + fmt.Sprintf(" and %d more", len(ids)-10)
	}
	return strings.Join(ids, ", ")
}

// cpObserve reads, from one member's own state (no ?consistent), every
// record the acknowledged writes touched and the state's totals from
// /metrics: a digest of what can be observed over HTTP.
func cpObserve(base string, acks *cpAcks) (map[string]string, error) {
	acks.mu.Lock()
	var paths, owned []string
	for addr := range acks.nodes {
		paths = append(paths, "/v1/node/"+addr)
	}
	for id := range acks.jobs {
		owned = append(owned, "/v1/jobs/"+id)
	}
	buyer := acks.buyer
	acks.mu.Unlock()
	if buyer != nil {
		owned = append(owned, "/v1/datasets")
	}
	out := map[string]string{}
	for _, p := range append(paths, owned...) {
		code, body, err := cpGet(base, p)
		if slices.Contains(owned, p) {
			code, body, err = cpSignedGet(base, p, buyer)
		}
		if err != nil {
			return nil, err
		}
		out[p] = fmt.Sprintf("%d %s", code, bytes.TrimSpace(body))
	}
	code, body, err := cpGet(base, "/metrics")
	if err != nil || code != http.StatusOK {
		return nil, fmt.Errorf("GET %s/metrics: %d %v", base, code, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		for _, m := range []string{"meadow_nodes_registered", "meadow_jobs{", "meadow_tasks_pending", "meadow_leases_open", "meadow_datasets", "meadow_raft_voters"} {
			if strings.HasPrefix(line, m) {
				name, val, _ := strings.Cut(line, " ")
				out["metric "+name] = val
			}
		}
	}
	return out, nil
}

// waitConverged waits until every running member's own state shows the
// same records (equal to want, when given) and returns them; on timeout it
// names the member and the records that differ.
func (c *cpCluster) waitConverged(t *testing.T, acks *cpAcks, want map[string]string) map[string]string {
	t.Helper()
	var got map[string]string
	var diff string
	deadline := time.Now().Add(30 * time.Second * coordtest.Scale())
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		c.mustRun(t)
		got, diff = c.converged(acks, want)
		if diff == "" {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("the coordinators' states do not converge: %s", diff)
		}
		time.Sleep(wait)
	}
}

func (c *cpCluster) converged(acks *cpAcks, want map[string]string) (map[string]string, string) {
	ref, refName := want, "the state before the restart"
	for _, p := range c.running() {
		got, err := cpObserve(p.url(), acks)
		if err != nil {
			return nil, fmt.Sprintf("%s: %v", p.id, err)
		}
		if ref == nil {
			ref, refName = got, p.id
			continue
		}
		var diffs []string
		for _, k := range slices.Sorted(maps.Keys(ref)) {
			if got[k] != ref[k] {
				diffs = append(diffs, fmt.Sprintf("%s: %s has %.200q, %s has %.200q", k, p.id, got[k], refName, ref[k]))
			}
		}
		for k := range got {
			if _, ok := ref[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s: %s has %.200q, %s has none", k, p.id, got[k], refName))
			}
		}
		if len(diffs) > 0 {
			return nil, strings.Join(diffs[:min(len(diffs), 10)], "; ")
		}
	}
	return ref, ""
}
