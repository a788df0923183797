//go:build !nodeonly

package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/devnet"
)

// buyTutorial is the buyer's tutorial that TestBuyTutorial runs.
const buyTutorial = "../../docs/BUY.md"

// shBlocks returns the fenced ```sh blocks of a Markdown file, in order.
func shBlocks(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []string
	var cur *strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case cur == nil && strings.TrimSpace(line) == "```sh":
			cur = &strings.Builder{}
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("%s: a ```sh block is not closed", path)
	}
	return blocks
}

// TestBuyTutorial runs docs/BUY.md verbatim: its ```sh blocks, in order, in
// one bash (so that variables carry from block to block), with a fresh
// HOME (so a new key), the meadow binary on PATH and the environment the
// page tells the reader to set (MEADOW_NETWORK, DEMO_SITE), against a dev
// network this test starts. Then it checks what the reader was shown
// against the coordinators' own answers, and what the page does not run:
// the faucet's second grant is refused (429) and a non-dev network's file
// is refused; pause and resume; the revoked token is refused by every
// coordinator.
func TestBuyTutorial(t *testing.T) {
	for _, tool := range []string{"bash", "node", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the tutorial needs %s on PATH (scripts/deps.sh installs it): %v", tool, err)
		}
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	nodeModules := filepath.Join(repo, "node_modules")
	if _, err := os.Stat(filepath.Join(nodeModules, "@duckdb", "node-api")); err != nil {
		t.Fatalf("the tutorial needs the npm package @duckdb/node-api (make deps installs it): %v", err)
	}
	blocks := shBlocks(t, buyTutorial)
	if len(blocks) < 8 {
		t.Fatalf("%s: only %d sh blocks", buyTutorial, len(blocks))
	}
	t0 := time.Now()
	bin := buyMeadowWrapper(t)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute*coordtest.Scale())
	defer cancel()
	nw, logPath := tutorialNetwork(ctx, t)
	// What meadow dev leaves for a buyer: the network file, marked dev,
	// with the network's chain id and coordinators, and the funded key.
	if n, err := api.LoadNetwork(nw.NetworkFilePath()); err != nil || !n.Dev || n.ChainID != nw.ChainID() || n.ChainID != api.DevChainID || len(n.Coordinators) != len(nw.CoordURLs) {
		t.Fatalf("network file %s: %+v, %v", nw.NetworkFilePath(), n, err)
	}
	if st, err := os.Stat(nw.BuyerKeyFile()); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("buyer key file %s: %v, %v (want mode 0600)", nw.BuyerKeyFile(), st, err)
	}
	var sum strings.Builder
	printBuyerFiles(&sum, devnet.Summary{NetworkFile: nw.NetworkFilePath(), BuyerKeyFile: nw.BuyerKeyFile()})
	if !strings.Contains(sum.String(), nw.NetworkFilePath()) || !strings.Contains(sum.String(), nw.BuyerKeyFile()) {
		t.Errorf("the dev summary's buyer lines: %q", sum.String())
	}

	home, work := t.TempDir(), t.TempDir()
	shown := runTutorial(t, ctx, blocks,
		// Not on the page: the values the checks below need.
		"printf '%s' \"$JOB\" > .job\nprintf '%s' \"$TOKEN\" > .token\n",
		[]string{
			"HOME=" + home,
			"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"),
			"MEADOW_NETWORK=" + nw.NetworkFilePath(),
			"DEMO_SITE=" + nw.SiteURL,
			"NODE_PATH=" + nodeModules, // where `npm install @duckdb/node-api` would have put it
		}, work, logPath)

	// What the reader was shown, against the coordinators' answers.
	job := buyReadFile(t, filepath.Join(work, ".job"))
	keyFile := filepath.Join(home, ".meadow", "buyer.key")
	key, err := api.LoadOrCreateKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	bc, err := buyer.New(buyer.Config{Coordinators: nw.CoordURLs, Key: key, ChainID: nw.ChainID()})
	if err != nil {
		t.Fatal(err)
	}
	st, err := bc.Status(ctx, job)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != api.JobDone || st.Dataset == "" || st.Paid != st.Price {
		t.Errorf("job %s after the tutorial: %s, dataset %q, paid %s of %s", job, st.State, st.Dataset, st.Paid, st.Price)
	}
	m := regexp.MustCompile(`(?m)^rows (\d+)$`).FindStringSubmatch(shown)
	if m == nil {
		t.Fatalf("DuckDB's row count is not in the output:\n%s", shown)
	}
	if n, _ := strconv.ParseInt(m[1], 10, 64); n != st.Progress.RowsAccepted || n == 0 {
		t.Errorf("DuckDB counted %d rows; the coordinators accepted %d", n, st.Progress.RowsAccepted)
	}
	if !strings.Contains(shown, "every row checked against the manifest root") || !strings.Contains(shown, "root matches the chain's registry") {
		t.Errorf("dataset get did not say it verified the rows and the registry:\n%s", shown)
	}
	if c := strings.Count(shown, "sent 1.0000 ETH (gas) and 1000.0000 stable"); c != 1 {
		t.Errorf("the faucet's grant was shown %d times:\n%s", c, shown)
	}

	// Not on the page. The faucet again, at once: 429 naming the wait. (On
	// a machine slow enough that the page took over a minute, the first
	// ask is granted and the one after it is refused.)
	common := []string{"--key", keyFile, "--network", nw.NetworkFilePath()}
	o, err := meadow(t, append([]string{"buyer", "faucet"}, common...)...)
	if err == nil {
		o, err = meadow(t, append([]string{"buyer", "faucet"}, common...)...)
	}
	if err == nil || !strings.Contains(err.Error(), "429 rate_limited") || !strings.Contains(err.Error(), "ask again in") {
		t.Errorf("a second faucet grant at once: %v\n%s", err, o)
	}
	// A network file without dev: true: refused before any request.
	n := nw.NetworkFile()
	n.Dev, n.Name = false, "production"
	prod := filepath.Join(t.TempDir(), "network.json")
	if err := api.WriteNetwork(prod, n); err != nil {
		t.Fatal(err)
	}
	if _, err := meadow(t, "buyer", "faucet", "--key", keyFile, "--network", prod); err == nil || !strings.Contains(err.Error(), "not a dev network") {
		t.Errorf("the faucet on a network file without dev: true: %v", err)
	}
	// Pause and resume a job of 100 pages, at once after its submission.
	var urls []string
	for i := 100; i < 200; i++ {
		urls = append(urls, fmt.Sprintf("%q", fmt.Sprintf("%s/articles/%d", nw.SiteURL, i)))
	}
	spec := filepath.Join(work, "big.json")
	if err := os.WriteFile(spec, []byte(`{"kind":"crawl","crawl":{"urls":[`+strings.Join(urls, ",")+`],"task_size":5}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	j, err := bc.Submit(ctx, buySpec(t, spec))
	if err != nil {
		t.Fatal(err)
	}
	if o, err := meadow(t, append([]string{"buyer", "job", "pause", j.ID}, common...)...); err != nil || !strings.Contains(o, "paused") {
		t.Errorf("pause: %v\n%s", err, o)
	}
	if st, err := bc.Status(ctx, j.ID); err != nil || st.State != api.JobPaused {
		t.Errorf("after pause: %s, %v", st.State, err)
	}
	if o, err := meadow(t, append([]string{"buyer", "job", "resume", j.ID}, common...)...); err != nil || !strings.Contains(o, "running") {
		t.Errorf("resume: %v\n%s", err, o)
	}
	if o, err := meadow(t, append([]string{"buyer", "job", "resume", j.ID}, common...)...); err == nil || !strings.Contains(err.Error(), "409") {
		t.Errorf("resuming a running job: %v\n%s, want 409", err, o)
	}
	if _, err := bc.Cancel(ctx, j.ID); err != nil {
		t.Errorf("cancel: %v", err)
	}
	// The token the page revoked is refused by every coordinator.
	token := buyReadFile(t, filepath.Join(work, ".token"))
	for _, u := range nw.CoordURLs {
		url := u + "/v1/datasets/ds-" + job + "/manifest"
		coordtest.WaitFor(t, 20*time.Second*coordtest.Scale(), "the revoked token refused by "+u, func() bool {
			return buyBearerStatus(t, url, token) == http.StatusUnauthorized
		})
	}
	t.Logf("done in %s", time.Since(t0).Round(time.Millisecond))
}

// buyMeadowEnv marks the test binary run as the meadow command (by
// TestBuyHelperMeadow) rather than as tests.
const buyMeadowEnv = "BUYTEST_AS_MEADOW"

// buyMeadowWrapper writes an executable "meadow" that runs this test
// binary as the meadow command: the same code as a go build of
// ./cmd/meadow, without the ~40 s a link of the full binary takes on two
// busy cores.
func buyMeadowWrapper(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "meadow")
	script := fmt.Sprintf("#!/bin/sh\n%s=1 exec %q -test.run='^TestBuyHelperMeadow$' -- \"$@\"\n", buyMeadowEnv, self)
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

// TestBuyHelperMeadow is not a test: run by buyMeadowWrapper's script, it
// is the meadow command (main's code), and exits with its status. In a
// normal test run it returns at once.
func TestBuyHelperMeadow(t *testing.T) {
	if os.Getenv(buyMeadowEnv) != "1" {
		return
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	a := newApp()
	root := newRootCmd(a)
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "meadow:", err)
		os.Exit(exitCode(err))
	}
	os.Exit(0)
}

func buyBearerStatus(t *testing.T, url, token string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func buyReadFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || len(b) == 0 {
		t.Fatalf("%s: %v (empty?)", path, err)
	}
	return strings.TrimSpace(string(b))
}

func buySpec(t *testing.T, path string) api.JobSpec {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s api.JobSpec
	if err := api.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func buyTail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// runTutorial runs a tutorial's sh blocks, in order, in one bash (so that
// variables carry from block to block), each announced on stderr, then
// tail; in work, with env and the rest of this process's environment but
// its MEADOW_ variables, HOME, PATH and NODE_PATH. It fails naming the
// block that failed, with both outputs and the tail of the dev network's
// log at logPath, and returns what the blocks printed.
func runTutorial(t *testing.T, ctx context.Context, blocks []string, tail string, env []string, work, logPath string) string {
	t.Helper()
	var script strings.Builder
	script.WriteString("set -euo pipefail\n")
	for i, b := range blocks {
		fmt.Fprintf(&script, "echo '### block %d' >&2\n%s", i+1, b)
	}
	script.WriteString(tail)
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "MEADOW_"), k == "HOME", k == "PATH", k == "NODE_PATH", k == buyMeadowEnv:
		default:
			env = append(env, kv)
		}
	}
	cmd := exec.CommandContext(ctx, "bash", "-c", script.String())
	cmd.Dir, cmd.Env = work, env
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		block := "?"
		if m := regexp.MustCompile(`### block (\d+)`).FindAllStringSubmatch(errOut.String(), -1); len(m) > 0 {
			block = m[len(m)-1][1]
		}
		devlog, _ := os.ReadFile(logPath)
		t.Fatalf("sh block %s failed: %v\nstdout:\n%s\nstderr:\n%s\ndev network log (tail):\n%s", block, err, out.String(), errOut.String(), buyTail(string(devlog), 4000))
	}
	t.Logf("the tutorial's %d blocks ran in %s", len(blocks), time.Since(t0).Round(time.Millisecond))
	return out.String()
}

// tutorialNetwork starts the dev network a tutorial runs against: three
// coordinators and two honest nodes, logging to a file whose path it
// returns (runTutorial shows its tail when a block fails), closed when the
// test ends.
func tutorialNetwork(ctx context.Context, t *testing.T) (*devnet.Network, string) {
	t.Helper()
	cfg := devnet.DefaultConfig()
	cfg.Nodes, cfg.Faulty, cfg.JSNodes = 2, 0, 0
	cfg.Dir = t.TempDir()
	logPath := filepath.Join(cfg.Dir, "devnet.log")
	lf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lf.Close() })
	cfg.Logger = slog.New(slog.NewTextHandler(lf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	t1 := time.Now()
	nw, err := devnet.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nw.Close)
	t.Logf("dev network up: %s", time.Since(t1).Round(time.Millisecond))
	return nw, logPath
}
