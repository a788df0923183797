//go:build !nodeonly

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/node"
)

// TestNodeDoctor runs doctor against a real cluster with one member
// stopped, and with a PATH that has no Chromium: the stopped coordinator is
// FAIL (the other OK, with the clock compared against it), Chromium is WARN
// saying what the node then cannot do, the exit code is 1; a key others can
// read is FAIL with the chmod to run.
func TestNodeDoctor(t *testing.T) {
	c := coordtest.NewTestCluster(t, 2)
	up, down := "http://"+c.Members[0].Config.HTTPAddr, "http://"+c.Members[1].Config.HTTPAddr
	netFile := testNetworkFile(t, []string{up, down}, common.Address{})
	dir := filepath.Join(t.TempDir(), "node")
	if out, errOut, err := runInProcess(t, "", nil, "node", "init", "--network", netFile, "--data-dir", dir, "--bytes-per-day", "3GiB"); err != nil {
		t.Fatalf("init: %v\n%s%s", err, out, errOut)
	}
	cfg := filepath.Join(dir, NodeConfigName)
	c.Stop(c.Members[1])
	t.Setenv("PATH", t.TempDir()) // no chromium on it

	doctor := func(args ...string) (map[string]doctorCheck, error) {
		t.Helper()
		out, errOut, err := runInProcess(t, "", nil, append([]string{"node", "doctor", "--config", cfg, "--chromium", "chromium", "--json"}, args...)...)
		var rep struct {
			OK     bool          `json:"ok"`
			Checks []doctorCheck `json:"checks"`
		}
		if jerr := json.Unmarshal([]byte(out), &rep); jerr != nil {
			t.Fatalf("doctor --json: %v (%v)\n%s%s", jerr, err, out, errOut)
		}
		m := map[string]doctorCheck{}
		for _, ch := range rep.Checks {
			m[ch.Check] = ch
		}
		if rep.OK != (err == nil) {
			t.Errorf("doctor says ok=%v with error %v", rep.OK, err)
		}
		return m, err
	}
	checks, err := doctor()
	if err == nil || exitCode(err) != exitFailure {
		t.Fatalf("doctor with a coordinator down: %v, want exit code 1", err)
	}
	for name, want := range map[string]string{
		"network": checkOK, "key": checkOK, "coordinator " + up: checkOK, "coordinator " + down: checkFail,
		"clock": checkOK, "chromium": checkWarn, "disk": checkOK, "caps": checkOK, "updates": checkWarn,
	} {
		if got := checks[name]; got.Status != want {
			t.Errorf("%s: %s %q, want %s", name, got.Status, got.Message, want)
		}
	}
	if ch := checks["coordinator "+down]; ch.Fix == "" || !strings.Contains(ch.Message, "unreachable") {
		t.Errorf("the stopped coordinator's line: %+v", ch)
	}
	if ch := checks["chromium"]; !strings.Contains(ch.Message, "JavaScript") || !strings.Contains(ch.Fix, "install Chromium") {
		t.Errorf("the chromium line does not say what the node cannot do and how to fix it: %+v", ch)
	}
	if ch := checks["caps"]; !strings.Contains(ch.Message, "3.0 GiB a day") {
		t.Errorf("caps in force: %+v", ch)
	}
	if _, ok := checks["gpu"]; !ok {
		t.Errorf("no gpu line: %v", checks)
	}
	// The config's caps count over the saved ones, as meadow node applies them.
	os.WriteFile(cfg, append(must(os.ReadFile(cfg)), []byte("pages-per-minute = 7\n")...), 0o644)
	if checks, _ = doctor(); !strings.Contains(checks["caps"].Message, "7 pages a minute") {
		t.Errorf("caps with the config's pages-per-minute: %+v", checks["caps"])
	}

	// Render-js on without Chromium is FAIL; a readable key is FAIL.
	os.Chmod(filepath.Join(dir, node.KeyFile), 0o644)
	checks, _ = doctor("--data-dir", dir)
	if ch := checks["key"]; ch.Status != checkFail || !strings.Contains(ch.Fix, "chmod 600") {
		t.Errorf("a key others can read: %+v", ch)
	}
	os.Chmod(filepath.Join(dir, node.KeyFile), 0o600)
	os.WriteFile(cfg, []byte(strings.Replace(string(must(os.ReadFile(cfg))), "render-js = false", "render-js = true", 1)), 0o644)
	checks, _ = doctor()
	if ch := checks["chromium"]; ch.Status != checkFail {
		t.Errorf("render-js without Chromium: %+v", ch)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
