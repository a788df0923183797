//go:build !nodeonly

package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/node"
	"github.com/meadow-net/meadow/release"
	"github.com/meadow-net/meadow/release/releasetest"
)

// buildNodeBinary builds the node-only meadow with version stamped in.
func buildNodeBinary(t *testing.T, version string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "meadow-node-"+version)
	start := time.Now()
	out, err := exec.Command("go", "build", "-tags", "nodeonly", "-ldflags", "-X main.version="+version, "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build -tags nodeonly -o %s ./cmd/meadow: %v\n%s", bin, err, out)
	}
	t.Logf("built meadow-node %s in %s", version, time.Since(start).Round(time.Millisecond))
	return bin
}

// cleanEnv is the test's environment without MEADOW_* settings.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MEADOW_") {
			env = append(env, kv)
		}
	}
	return env
}

// dirState is each file of dir with its SHA-256, to tell "no change".
func dirState(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][32]byte{}
	for _, e := range ents {
		out[e.Name()] = sha256.Sum256(must(os.ReadFile(filepath.Join(dir, e.Name()))))
	}
	return out
}

// TestNodeUpdateSelf is the update path end to end with real parts: a
// node-only binary built as v0.0.1, a real coordinator publishing a
// release dir holding a v0.0.2 build's archive signed by a test release
// key. A forged signature and a tampered archive are refused with nothing
// changed beside the binary; `node update --apply` installs v0.0.2, which
// then reports its version; --rollback restores v0.0.1; and a running node
// with auto-update on installs the release and restarts into it, in the
// same process, its dashboard then reporting v0.0.2.
func TestNodeUpdateSelf(t *testing.T) {
	v1, v2 := buildNodeBinary(t, "v0.0.1"), buildNodeBinary(t, "v0.0.2")
	key, _ := crypto.GenerateKey()
	relDir := t.TempDir()
	name, archive := releasetest.NodeArchive(t, "v0.0.2", runtime.GOOS, runtime.GOARCH, must(os.ReadFile(v2)))
	releasetest.WriteDir(t, relDir, key, map[string][]byte{name: archive})
	c := coordtest.NewTestCluster(t, 1, coordtest.WithConfig(func(_ int, cfg *coord.Config) { cfg.ReleaseDir = relDir }))
	netFile := testNetworkFile(t, []string{"http://" + c.Members[0].Config.HTTPAddr}, crypto.PubkeyToAddress(key.PublicKey))

	install := t.TempDir()
	exe := filepath.Join(install, "meadow-node")
	if err := os.WriteFile(exe, must(os.ReadFile(v1)), 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		t.Helper()
		cmd := exec.Command(exe, args...)
		cmd.Env = cleanEnv()
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	wantVersion := func(v string) {
		t.Helper()
		if out, err := run("version"); err != nil || !strings.Contains(out, " "+v+" ") {
			t.Fatalf("meadow-node version: %v %q, want %s", err, out, v)
		}
	}
	wantVersion("v0.0.1")
	if out, err := run("node", "update", "--network", netFile); err != nil || !strings.Contains(out, "v0.0.2 is available") {
		t.Fatalf("update (check): %v\n%s", err, out)
	}

	// Refusals change nothing beside the binary.
	before := dirState(t, install)
	refused := func(what, want string) {
		t.Helper()
		out, err := run("node", "update", "--network", netFile, "--apply")
		if err == nil || !strings.Contains(out, want) {
			t.Fatalf("%s: %v, want a refusal saying %q\n%s", what, err, want, out)
		}
		if after := dirState(t, install); !equalState(before, after) {
			t.Fatalf("%s changed %s: %v", what, install, slices.Sorted(mapsKeys(after)))
		}
		wantVersion("v0.0.1")
	}
	sigPath := filepath.Join(relDir, release.SigFile)
	goodSig := must(os.ReadFile(sigPath))
	forger, _ := crypto.GenerateKey()
	os.WriteFile(sigPath, must(release.Sign(forger, must(os.ReadFile(filepath.Join(relDir, release.SumsFile))))), 0o644)
	refused("a forged signature", "not signed by the release key")
	os.WriteFile(sigPath, goodSig, 0o644)
	tampered := bytes.Clone(archive)
	tampered[len(tampered)/2] ^= 1
	os.WriteFile(filepath.Join(relDir, name), tampered, 0o644)
	refused("a tampered archive", "refused")
	os.WriteFile(filepath.Join(relDir, name), archive, 0o644)

	// Apply, then roll back.
	if out, err := run("node", "update", "--network", netFile, "--apply"); err != nil || !strings.Contains(out, "installed v0.0.2") {
		t.Fatalf("update --apply: %v\n%s", err, out)
	}
	wantVersion("v0.0.2")
	if _, err := os.Stat(exe + node.OldSuffix); err != nil {
		t.Fatalf("the old binary was not kept: %v", err)
	}
	if out, err := run("node", "update", "--network", netFile); err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("update after applying: %v\n%s", err, out)
	}
	if out, err := run("node", "update", "--rollback"); err != nil {
		t.Fatalf("update --rollback: %v\n%s", err, out)
	}
	wantVersion("v0.0.1")

	// Doctor says an update is there.
	out, err := run("node", "doctor", "--network", netFile, "--data-dir", t.TempDir(), "--json")
	var rep struct{ Checks []doctorCheck }
	if jerr := json.Unmarshal([]byte(out), &rep); jerr != nil {
		t.Fatalf("doctor: %v %v\n%s", err, jerr, out)
	}
	if i := slices.IndexFunc(rep.Checks, func(c doctorCheck) bool { return c.Check == "updates" }); i < 0 ||
		rep.Checks[i].Status != checkWarn || !strings.Contains(rep.Checks[i].Message, "v0.0.2 is available (this is v0.0.1)") {
		t.Errorf("doctor's updates line: %+v", rep.Checks)
	}

	// A running node with auto-update on: it installs v0.0.2 and restarts
	// into it in the same process.
	dataDir := filepath.Join(t.TempDir(), "node")
	if out, err := run("node", "init", "--yes", "--network", netFile, "--data-dir", dataDir, "--auto-update"); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	dash := coordtest.FreeAddr(t)
	var logs bytes.Buffer
	cmd := exec.Command(exe, "node", "--config", filepath.Join(dataDir, NodeConfigName), "--dashboard", dash)
	cmd.Env = cleanEnv()
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("the node's output:\n%s", logs.String())
		}
	})
	var st node.Status
	coordtest.WaitFor(t, 60*time.Second*coordtest.Scale(), "the running node to restart as v0.0.2", func() bool {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("the node exited (%v) instead of restarting into the new release", err)
		default:
		}
		resp, err := http.Get("http://" + dash + "/api/status")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		st = node.Status{}
		return json.NewDecoder(resp.Body).Decode(&st) == nil && st.Version == "v0.0.2" && st.Update != nil
	})
	if st.Update.Available || st.Update.Latest != "v0.0.2" || st.Update.Current != "v0.0.2" {
		t.Errorf("after the restart the dashboard says %+v, want v0.0.2 current and nothing newer", *st.Update)
	}
	wantVersion("v0.0.2")
	if !strings.Contains(logs.String(), "restarting into it") {
		t.Errorf("the node did not say it restarted into the release:\n%s", logs.String())
	}
	t.Logf("the running node went from v0.0.1 to v0.0.2 in process %d", cmd.Process.Pid)
}

func equalState(a, b map[string][32]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
