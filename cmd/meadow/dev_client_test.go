//go:build !nodeonly

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/rewards"
)

// TestDevBuyerClient is `meadow dev` as a new buyer meets it, run with its
// own TMPDIR and then stopped as Ctrl-C stops it (its context ends; the
// signal only ends that context):
//
//   - the summary prints the funded buyer's key file, which exists (0600)
//     while the network runs and holds the printed address, with the
//     balances the chain reports; the command it suggests lists the
//     buyer's datasets;
//   - a client generated from docs/api.yaml by standard tools
//     (test/openapi/client.mjs: openapi-typescript, tsc --strict,
//     openapi-fetch) reads the cluster's status, the chain, the buyer's
//     datasets, a job, a manifest and a proof, and finds what the summary
//     says; every answer conforms to the description's schema for it;
//   - progress lines count tasks and say so;
//   - Raft logs no WARN or ERROR line, starting or stopping;
//   - after the stop the command returns no error and its temporary
//     directory is gone.
//
// It runs in this process, as TestDevOnce does: a build of the binary
// would cost more than the journey.
func TestDevBuyerClient(t *testing.T) {
	nodeBin := requireOpenAPITools(t)
	// The client is generated and compiled while the journey runs.
	clientDir := t.TempDir()
	prep := exec.Command(nodeBin, "test/openapi/client.mjs", "--out", clientDir, "--prepare")
	prep.Dir = "../.."
	var prepOut bytes.Buffer
	prep.Stdout, prep.Stderr = &prepOut, &prepOut
	t0 := time.Now()
	if err := prep.Start(); err != nil {
		t.Fatal(err)
	}
	prepared := make(chan struct{})
	var prepErr error
	go func() { prepErr = prep.Wait(); close(prepared) }()
	t.Cleanup(func() {
		_ = prep.Process.Kill() // an error once it has exited
		<-prepared
	})

	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var stdout, stderr lockedBuffer
	a := &app{stdout: &stdout, stderr: &stderr}
	root := newRootCmd(a)
	root.SetArgs([]string{"dev", "--js-nodes", "0"}) // no Chromium: the buyer's reads need none
	exited := make(chan struct{})
	var runErr error
	go func() { runErr = root.ExecuteContext(ctx); close(exited) }()
	t.Cleanup(func() {
		stop()
		<-exited
	})
	start := time.Now()
	coordtest.WaitFor(t, 4*time.Minute*coordtest.Scale(), "meadow dev's journey", func() bool {
		select {
		case <-exited:
			t.Fatalf("meadow dev returned before the end of its journey: %v\nstdout:\n%s\nstderr:\n%s", runErr, stdout.String(), stderr.String())
		default:
		}
		return strings.Contains(stderr.String(), "the network keeps running")
	})
	t.Logf("journey done in %s", time.Since(start).Round(time.Millisecond))
	sum := parseDevText(t, stdout.String())
	dir := regexp.MustCompile(`starting the network in (\S+) …`).FindStringSubmatch(stderr.String())
	if dir == nil || filepath.Dir(dir[1]) != tmp {
		t.Fatalf("the run's directory %q is not a new one in TMPDIR %s", dir, tmp)
	}

	// The key file, while the network runs.
	st, err := os.Stat(sum.keyFile)
	if err != nil || st.Mode().Perm() != 0o600 || filepath.Dir(sum.keyFile) != dir[1] {
		t.Fatalf("buyer key %s: %v; want a file of mode 0600 in %s", sum.keyFile, err, dir[1])
	}
	key, err := api.LoadOrCreateKey(sum.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	addr := crypto.PubkeyToAddress(key.PublicKey)
	if !strings.EqualFold(addr.Hex(), sum.buyer) {
		t.Errorf("the key in %s is %s's, the summary says %s", sum.keyFile, addr.Hex(), sum.buyer)
	}
	checkBuyerBalances(t, sum, addr)

	// The command the summary suggests, as printed.
	out, err := meadow(t, strings.Fields(sum.command)[1:]...)
	if err != nil || !strings.Contains(out, sum.jobs[0].dataset) {
		t.Errorf("%s: %v; want the dataset %s listed:\n%s", sum.command, err, sum.jobs[0].dataset, out)
	}

	// The generated client's reads, compared with the summary.
	select {
	case <-prepared:
		if prepErr != nil {
			t.Fatalf("test/openapi/client.mjs --prepare: %v\n%s", prepErr, prepOut.String())
		}
	case <-time.After(3 * time.Minute * coordtest.Scale()):
		t.Fatalf("test/openapi/client.mjs --prepare still running after %s", time.Since(t0).Round(time.Second))
	}
	crawl := sum.jobs[0]
	gen := exec.Command(nodeBin, "test/openapi/client.mjs", "--out", clientDir, "--coord", sum.coord, "--key", sum.keyFile,
		"--chain-id", strconv.FormatUint(sum.chainID, 10), "--job", crawl.id, "--dataset", crawl.dataset)
	gen.Dir = "../.."
	var genErr bytes.Buffer
	gen.Stderr = &genErr
	js, err := gen.Output()
	if err != nil {
		t.Fatalf("test/openapi/client.mjs: %v\n%s", err, genErr.String())
	}
	var reads struct {
		GeneratedPaths int   `json:"generated_paths"`
		GenerateMS     int64 `json:"generate_ms"`
		TscMS          int64 `json:"tsc_ms"`
		ReadsMS        int64 `json:"reads_ms"`
		AnswersChecked int   `json:"answers_checked"`
		Status         struct{ ID, State, Leader string }
		Datasets       []struct {
			ID, JobID, Root string
			Rows            int64
		}
		Job struct {
			ID, State, Dataset string
			RowsAccepted       int64 `json:"rows_accepted"`
			TasksDone          int64 `json:"tasks_done"`
			TasksTotal         int64 `json:"tasks_total"`
		}
		Proof struct {
			Root    string
			RowHash string `json:"row_hash"`
		}
		Manifest struct {
			DatasetID  string `json:"dataset_id"`
			Root       string
			TotalRows  int64 `json:"total_rows"`
			Signatures int
		}
		Chain struct {
			ChainID uint64 `json:"chain_id"`
		}
	}
	if err := json.Unmarshal(js, &reads); err != nil {
		t.Fatalf("client.mjs printed %q: %v", js, err)
	}
	t.Logf("generated client: %d paths typed in %d ms, tsc %d ms (during the journey), reads %d ms, %d answers checked against the description's schemas",
		reads.GeneratedPaths, reads.GenerateMS, reads.TscMS, reads.ReadsMS, reads.AnswersChecked)
	if reads.AnswersChecked != 6 {
		t.Errorf("%d answers checked against docs/api.yaml's schemas; want the 6 reads'", reads.AnswersChecked)
	}
	if reads.Status.ID != sum.coordID || reads.Status.Leader == "" {
		t.Errorf("cluster status through the client: %+v; want member %s, with a leader", reads.Status, sum.coordID)
	}
	got := map[string]string{}
	for _, d := range reads.Datasets {
		got[d.ID] = d.Root + " " + strconv.FormatInt(d.Rows, 10)
	}
	want := map[string]string{}
	for _, j := range sum.jobs {
		want[j.dataset] = j.root + " " + strconv.FormatInt(j.rows, 10)
	}
	for _, st := range sum.stages { // the pretrain pipeline's stages
		want[st.dataset] = st.root + " " + strconv.FormatInt(st.rows, 10)
	}
	if c := sum.community; c != nil { // the dev buyer holds the community's key: a member
		want[c.dataset] = c.root + " " + strconv.FormatInt(c.rows, 10)
	} else {
		t.Errorf("no community dataset in the summary")
	}
	if len(got) != len(want) {
		t.Errorf("datasets through the client: %v; the summary: %v", got, want)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("dataset %s through the client: root and rows %q, the summary %q", id, got[id], w)
		}
	}
	if j := reads.Job; j.ID != crawl.id || j.State != "done" || j.RowsAccepted != crawl.accepted || j.Dataset != crawl.dataset ||
		j.TasksDone != crawl.tasks || j.TasksTotal != crawl.tasks {
		t.Errorf("job through the client: %+v; the summary: %+v", j, crawl)
	}
	if reads.Proof.Root != crawl.root || len(reads.Proof.RowHash) != 64 {
		t.Errorf("proof of row 0 through the client: %+v; want root %s", reads.Proof, crawl.root)
	}
	if m := reads.Manifest; m.DatasetID != crawl.dataset || m.Root != crawl.root || m.TotalRows != crawl.rows || m.Signatures < 2 {
		t.Errorf("manifest through the client: %+v; want %s with root %s, %d rows, 2 signatures or more", m, crawl.dataset, crawl.root, crawl.rows)
	}
	if reads.Chain.ChainID != sum.chainID {
		t.Errorf("chain through the client: %d; the summary says chain %d", reads.Chain.ChainID, sum.chainID)
	}

	// Ctrl-C: a quiet stop, the directory removed.
	t1 := time.Now()
	stop()
	select {
	case <-exited:
		if runErr != nil {
			t.Errorf("meadow dev after Ctrl-C: %v; want no error (exit status 0)\n%s", runErr, tail(stderr.String(), 20))
		}
	case <-time.After(90 * time.Second * coordtest.Scale()):
		t.Fatalf("meadow dev still running 90 s after Ctrl-C\n%s", tail(stderr.String(), 20))
	}
	t.Logf("stopped in %s", time.Since(t1).Round(time.Millisecond))
	logs := stderr.String()
	checkDevLogs(t, logs)
	if !strings.Contains(logs, "removed "+dir[1]) {
		t.Errorf("no word of removing %s:\n%s", dir[1], tail(logs, 10))
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Errorf("TMPDIR holds %v after meadow dev exited; want nothing left", names)
	}
	progressUnits(t, logs, crawl)
}

// devText is what TestDevBuyerClient reads in meadow dev's summary.
type devText struct {
	keyFile, buyer, stable, eth string
	command, coord, coordID     string
	chainID                     uint64
	jobs                        []devJobText
	stages                      []devJobText // the pretrain pipeline's
	community                   *devJobText  // the community's job, which the dev buyer (its key holder) reads too
}

type devJobText struct {
	name, id, dataset, root string
	rows, accepted, tasks   int64
}

var (
	devKeyLine   = regexp.MustCompile(`(?m)^buyer key \(funded with ([0-9.]+) stable and ([0-9.]+) ETH\): (\S+)\n\s+(0x[0-9a-fA-F]{40}) \((meadow buyer --key (\S+) --coord (\S+) --chain-id (\d+) dataset list)\)$`)
	devJobLine   = regexp.MustCompile(`(?m)^(\S.*) \(job (\S+)\)\n  tasks +(\d+) verified, (\d+) inconclusive\n  rows +\d+ seen: (\d+) accepted.*\n(?:  refused .*\n)?  dataset +(\S+): (\d+) rows, root ([0-9a-f]{64})$`)
	devStageLine = regexp.MustCompile(`(?m)^  (\S+) +job (\S+): dataset (\S+): (\d+) rows, root ([0-9a-f]{64})$`)
	devCommunity = regexp.MustCompile(`(?m)^  dataset +(\S+): (\d+) rows, root ([0-9a-f]{64}) \(job (\S+)\)$`)
	devCoordID   = regexp.MustCompile(`(?m)^  (c\d+)\b.*  status (\S+)/v1/cluster/status`)
)

func parseDevText(t *testing.T, out string) devText {
	t.Helper()
	m := devKeyLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no funded buyer key in the summary:\n%s", out)
	}
	if m[3] != m[6] {
		t.Errorf("the key is %s, the suggested command uses %s", m[3], m[6])
	}
	s := devText{stable: m[1], eth: m[2], keyFile: m[3], buyer: m[4], command: m[5], coord: m[7]}
	s.chainID, _ = strconv.ParseUint(m[8], 10, 64)
	for _, c := range devCoordID.FindAllStringSubmatch(out, -1) {
		if c[2] == s.coord {
			s.coordID = c[1]
		}
	}
	for _, j := range devJobLine.FindAllStringSubmatch(out, -1) {
		verified, _ := strconv.ParseInt(j[3], 10, 64)
		inconclusive, _ := strconv.ParseInt(j[4], 10, 64)
		accepted, _ := strconv.ParseInt(j[5], 10, 64)
		rows, _ := strconv.ParseInt(j[7], 10, 64)
		s.jobs = append(s.jobs, devJobText{name: j[1], id: j[2], accepted: accepted, tasks: verified + inconclusive, dataset: j[6], rows: rows, root: j[8]})
	}
	if c := devCommunity.FindStringSubmatch(out); c != nil {
		rows, _ := strconv.ParseInt(c[2], 10, 64)
		s.community = &devJobText{name: "community", id: c[4], dataset: c[1], rows: rows, root: c[3]}
	}
	for _, st := range devStageLine.FindAllStringSubmatch(out, -1) {
		rows, _ := strconv.ParseInt(st[4], 10, 64)
		s.stages = append(s.stages, devJobText{name: st[1], id: st[2], dataset: st[3], rows: rows, root: st[5]})
	}
	if s.coordID == "" || len(s.jobs) == 0 || s.jobs[0].name != "crawl: static pages" {
		t.Fatalf("summary: coordinator %q, jobs %+v; want the suggested coordinator listed and the static crawl first:\n%s", s.coordID, s.jobs, out)
	}
	return s
}

// checkBuyerBalances compares the balances the summary printed with the
// chain's, read through the chain the coordinators name (GET /v1/chain).
func checkBuyerBalances(t *testing.T, s devText, addr common.Address) {
	t.Helper()
	var info api.ChainInfo
	if err := cpGetJSON(s.coord, "/v1/chain", &info); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ch, err := contracts.Dial(ctx, info.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	if _, err := ch.Attach(ctx, info.Distributor, info.Registry, info.DeployBlock); err != nil {
		t.Fatal(err)
	}
	stable, err := ch.BalanceOf(ctx, contracts.TokenStable, addr)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ethclient.DialContext(ctx, info.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	wei, err := ec.BalanceAt(ctx, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := rewards.FormatAmount(stable.String(), 6); got != s.stable || stable.Sign() == 0 {
		t.Errorf("the summary says the buyer holds %s stable, the chain %s", s.stable, got)
	}
	if got := rewards.FormatAmount(wei.String(), 18); got != s.eth || wei.Sign() == 0 {
		t.Errorf("the summary says the buyer holds %s ETH, the chain %s", s.eth, got)
	}
}

// raftNoise is a WARN or ERROR line of Raft's (its parts log with sub=).
var raftNoise = regexp.MustCompile(`level=(WARN|ERROR) .*\bsub=(raft|transport|snapshots|wal)\b`)

// checkDevLogs fails on Raft's WARN and ERROR lines and shows the others.
func checkDevLogs(t *testing.T, logs string) {
	t.Helper()
	for _, l := range strings.Split(logs, "\n") {
		switch {
		case raftNoise.MatchString(l):
			t.Errorf("Raft logged on a clean run: %s", l)
		case strings.Contains(l, "level=WARN") || strings.Contains(l, "level=ERROR"):
			t.Logf("logged (not Raft): %s", l)
		}
	}
}

// progressUnits checks that the job's progress lines count tasks, up to
// the job's tasks.
func progressUnits(t *testing.T, logs string, j devJobText) {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(j.name) + `: (\w+) \d+%, (\d+)/(\d+) tasks, \d+ rows accepted, \d+ rejected$`)
	lines := re.FindAllStringSubmatch(logs, -1)
	if len(lines) == 0 {
		t.Fatalf("no progress line of %q in tasks:\n%s", j.name, tail(logs, 30))
	}
	last := lines[len(lines)-1]
	if last[1] != "done" || last[2] != strconv.FormatInt(j.tasks, 10) || last[3] != last[2] {
		t.Errorf("last progress line of %q: %q; want done at %d/%d tasks", j.name, last[0], j.tasks, j.tasks)
	}
}

// requireOpenAPITools returns node's path, failing with what to install
// when node or the npm packages the generated client needs are missing.
func requireOpenAPITools(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("this test needs Node.js (the node command) for the client generated from docs/api.yaml")
	}
	for _, p := range []string{"openapi-typescript", "openapi-fetch", "typescript", "@readme/openapi-parser", "@noble/curves"} {
		if _, err := os.Stat(filepath.Join("../../node_modules", p, "package.json")); err != nil {
			t.Fatalf("npm package %s is missing: run 'make deps' (npm install from package.json)", p)
		}
	}
	return node
}

// lockedBuffer is a bytes.Buffer a process writes to while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}

// TestDevTempDir: the temporary directory of a run goes when the run ends
// (here interrupted at once, before the network is up, exit status 130),
// stays with --keep, and a directory given with --dir is never removed.
func TestDevTempDir(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	interrupted, cancel := context.WithCancel(context.Background())
	cancel()
	run := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		a := &app{stdout: &out, stderr: &errOut}
		root := newRootCmd(a)
		root.SetArgs(append([]string{"dev", "--once", "--js-nodes", "0"}, args...))
		err := root.ExecuteContext(interrupted)
		return errOut.String(), err
	}
	runs := func() []string {
		es, _ := os.ReadDir(tmp)
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		return names
	}

	logs, err := run()
	if exitCode(err) != 130 {
		t.Fatalf("interrupted: %v (exit %d); want exit status 130\n%s", err, exitCode(err), logs)
	}
	if left := runs(); len(left) != 0 || !strings.Contains(logs, "removed "+tmp) {
		t.Errorf("TMPDIR holds %v after the run; want nothing\n%s", left, logs)
	}

	logs, _ = run("--keep")
	left := runs()
	if len(left) != 1 || !strings.HasPrefix(left[0], "meadow-dev-") || !strings.Contains(logs, "stays in "+filepath.Join(tmp, left[0])) {
		t.Errorf("--keep: TMPDIR holds %v; want the run's directory, named\n%s", left, logs)
	}

	given := filepath.Join(t.TempDir(), "mine")
	logs, _ = run("--dir", given)
	if _, err := os.Stat(filepath.Join(given, "cluster-token")); err != nil || strings.Contains(logs, "removed") {
		t.Errorf("--dir %s: %v; want it kept\n%s", given, err, logs)
	}
}
