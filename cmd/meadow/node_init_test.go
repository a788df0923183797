package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/node"
)

// runMeadow runs a command in-process with stdin, and the environment env.
func runInProcess(t *testing.T, stdin string, env []string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := &app{stdout: &out, stderr: &errOut, environ: env}
	root := newRootCmd(a)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err = root.Execute()
	return out.String(), errOut.String(), err
}

// testNetworkFile writes a valid network file naming coords and returns
// its path.
func testNetworkFile(t *testing.T, coords []string, signer common.Address) string {
	t.Helper()
	n := api.Network{
		Format: api.NetworkFormat, Name: "testnet", ChainID: api.DevChainID, Coordinators: coords,
		Contracts: api.NetworkContracts{
			Distributor: common.HexToAddress("0x01"), Registry: common.HexToAddress("0x02"), Token: common.HexToAddress("0x03"),
			Stable: common.HexToAddress("0x04"), Marketplace: common.HexToAddress("0x05"),
		},
		ReleaseSigner: signer,
	}
	path := filepath.Join(t.TempDir(), "network.json")
	if err := api.WriteNetwork(path, n); err != nil {
		t.Fatal(err)
	}
	return path
}

// keyAddress reads the node key in dir and checks it is 0600.
func keyAddress(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, node.KeyFile)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("%s has mode %04o, want 0600", path, st.Mode().Perm())
	}
	key, err := loadNodeKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	return crypto.PubkeyToAddress(key.PublicKey).Hex()
}

// TestNodeInitFlags: init without a terminal takes its flags, creates the
// key (0600), saves the caps, copies the network file and writes a config
// that meadow node's settings read; run again it keeps the key; a bad cap
// or network file is refused naming it, with nothing written.
func TestNodeInitFlags(t *testing.T) {
	netFile := testNetworkFile(t, []string{"http://127.0.0.1:7001", "http://127.0.0.1:7002"}, common.Address{})
	dir := filepath.Join(t.TempDir(), "node")
	args := []string{"node", "init", "--network", netFile, "--data-dir", dir, "--bytes-per-day", "3GiB",
		"--max-concurrent", "2", "--gpu-max-util", "5", "--gpu-hours", "22-07", "--auto-update", "--json"}
	out, errOut, err := runInProcess(t, "", nil, args...)
	if err != nil {
		t.Fatalf("init: %v\n%s%s", err, out, errOut)
	}
	var res initResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("init --json: %v\n%s", err, out)
	}
	if addr := keyAddress(t, dir); res.Address != addr || !res.KeyCreated {
		t.Fatalf("init says address %s (created %v); the key file holds %s", res.Address, res.KeyCreated, addr)
	}
	if res.Config != filepath.Join(dir, NodeConfigName) || res.Start != progName+" node --config "+res.Config {
		t.Fatalf("config at %q, start %q", res.Config, res.Start)
	}
	lim, err := node.LoadLimits(dir)
	if err != nil || lim.BytesPerDay != 3<<30 || lim.MaxConcurrent != 2 || lim.GPUMaxUtil != 5 || lim.GPUHours != "22-07" {
		t.Fatalf("saved caps %+v, %v", lim, err)
	}
	if _, err := api.LoadNetwork(filepath.Join(dir, NetworkFileName)); err != nil {
		t.Fatalf("the network file's copy: %v", err)
	}
	// The config's keys are meadow node's flags: applied to it, they give
	// the settings init chose.
	root := newRootCmd(&app{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}})
	nodeCmd, _, _ := root.Find([]string{"node"})
	src, err := applyConfig(nodeCmd, res.Config, nil)
	if err != nil {
		t.Fatalf("meadow node reading the config: %v", err)
	}
	for k, want := range map[string]string{"network": filepath.Join(dir, NetworkFileName), "data-dir": dir,
		"bytes-per-day": "3221225472", "max-concurrent": "2", "gpu-hours": "22-07", "auto-update": "true"} {
		if got := nodeCmd.Flags().Lookup(k).Value.String(); got != want || src[k] == "" {
			t.Errorf("meadow node's %s from the config: %q, want %q", k, got, want)
		}
	}

	// Again, with other caps: the key is kept.
	out, errOut, err = runInProcess(t, "", nil, "node", "init", "--network", netFile, "--data-dir", dir, "--bytes-per-day", "1GiB")
	if err != nil || !strings.Contains(out, "kept the one in") || !strings.Contains(out, res.Address) {
		t.Fatalf("init again: %v\n%s%s", err, out, errOut)
	}
	if lim, _ := node.LoadLimits(dir); lim.BytesPerDay != 1<<30 {
		t.Fatalf("caps after init again: %+v", lim)
	}

	// Bad input: an error naming the setting, and nothing written.
	fresh := filepath.Join(t.TempDir(), "fresh")
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"format":"meadow-network/1","name":"x","chain_id":0,"coordinators":[]}`), 0o644)
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{name: "concurrency", args: []string{"--network", netFile, "--max-concurrent", "0"}, want: "max_concurrent 0"},
		{name: "bytes", args: []string{"--network", netFile, "--bytes-per-day", "lots"}, want: "--bytes-per-day"},
		{name: "hours", args: []string{"--network", netFile, "--gpu-hours", "25-3"}, want: "gpu_hours"},
		{name: "network", args: []string{"--network", bad}, want: "chain_id"},
		{name: "no network", args: []string{"--network", ""}, want: "--network"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runInProcess(t, "", nil, append([]string{"node", "init", "--data-dir", fresh}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || exitCode(err) != exitUsage {
				t.Fatalf("err %v (exit %d), want a usage error naming %q", err, exitCode(err), tt.want)
			}
			if _, err := os.Stat(fresh); !os.IsNotExist(err) {
				t.Fatalf("a refused init left %s behind", fresh)
			}
		})
	}
}

// TestNodeInitPrompts feeds answers one a line, as a user at a terminal
// would type them (--interactive forces the questions without one),
// including a wrong answer that is asked again. The JavaScript question,
// asked only where Chromium is installed, is answered by a flag.
func TestNodeInitPrompts(t *testing.T) {
	netFile := testNetworkFile(t, []string{"http://127.0.0.1:7001"}, common.Address{})
	dir := filepath.Join(t.TempDir(), "node")
	cfgPath := filepath.Join(t.TempDir(), "etc", "node.toml")
	answers := strings.Join([]string{
		netFile, // network file
		dir,     // data dir
		"500MB", // bytes a day
		"0",     // fetches at once: refused, asked again
		"3",     // fetches at once
		"21-6",  // hours the node works
		"y",     // use the GPU
		"",      // idle below: default 10
		"01-06", // GPU hours
		"n",     // automatic updates
		cfgPath, // config path
	}, "\n") + "\n"
	out, errOut, err := runInProcess(t, answers, nil, "node", "init", "--interactive", "--render-js=false") // a flag given is not asked
	if err != nil {
		t.Fatalf("init: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	if !strings.Contains(errOut, "0: expected 1 to 64") {
		t.Errorf("a refused answer was not explained:\n%s", errOut)
	}
	text, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatalf("config: %v\n%s", err, out)
	}
	for _, want := range []string{"bytes-per-day = 500000000\n", "max-concurrent = 3\n", "gpu-max-util = 10\n", `gpu-hours = "01-06"` + "\n", "auto-update = false\n", "no-gpu = false\n", `hours = "21-6"` + "\n"} {
		if !bytes.Contains(text, []byte(want)) {
			t.Errorf("config lacks %q:\n%s", want, text)
		}
	}
	if addr := keyAddress(t, dir); !strings.Contains(out, addr) || !strings.Contains(out, "config    "+cfgPath) {
		t.Errorf("init's summary does not name the address %s and config %s:\n%s", addr, cfgPath, out)
	}
	// Standard input that ends before the questions do is an error, not a
	// config of defaults.
	if _, _, err := runInProcess(t, netFile+"\n", nil, "node", "init", "--interactive"); err == nil || !strings.Contains(err.Error(), "standard input ended") {
		t.Fatalf("short answers: %v", err)
	}
}

// TestNodeKeyExportImport: export writes the key 0600 only where asked,
// never over a file; import restores it into another data dir and refuses
// to replace a different key unless told.
func TestNodeKeyExportImport(t *testing.T) {
	dir := t.TempDir()
	if _, err := node.LoadOrCreateIdentity(dir); err != nil {
		t.Fatal(err)
	}
	addr := keyAddress(t, dir)
	if _, _, err := runInProcess(t, "", nil, "node", "key", "export", "--data-dir", dir); err == nil || !strings.Contains(err.Error(), "--stdout") {
		t.Fatalf("export with neither --out nor --stdout: %v", err)
	}
	backup := filepath.Join(t.TempDir(), "backup.key")
	if out, _, err := runInProcess(t, "", nil, "node", "key", "export", "--data-dir", dir, "--out", backup); err != nil || !strings.Contains(out, addr) {
		t.Fatalf("export: %v\n%s", err, out)
	}
	if st, err := os.Stat(backup); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup: %v %v, want mode 0600", st, err)
	}
	if _, _, err := runInProcess(t, "", nil, "node", "key", "export", "--data-dir", dir, "--out", backup); err == nil {
		t.Fatal("export over an existing file succeeded")
	}
	out, _, err := runInProcess(t, "", nil, "node", "key", "export", "--data-dir", dir, "--stdout")
	if saved, _ := os.ReadFile(backup); err != nil || out != string(saved) || len(strings.TrimSpace(out)) != 64 {
		t.Fatalf("export --stdout: %v %q", err, out)
	}

	other := t.TempDir()
	if out, _, err := runInProcess(t, "", nil, "node", "key", "import", backup, "--data-dir", other); err != nil || !strings.Contains(out, addr) {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if got := keyAddress(t, other); got != addr {
		t.Fatalf("imported key is %s, want %s", got, addr)
	}
	third := t.TempDir()
	if _, err := node.LoadOrCreateIdentity(third); err != nil {
		t.Fatal(err)
	}
	before := keyAddress(t, third)
	if _, _, err := runInProcess(t, "", nil, "node", "key", "import", backup, "--data-dir", third); err == nil || !strings.Contains(err.Error(), "--replace") {
		t.Fatalf("import over another key: %v", err)
	}
	if keyAddress(t, third) != before {
		t.Fatal("a refused import changed the key")
	}
	if _, _, err := runInProcess(t, "", nil, "node", "key", "import", backup, "--data-dir", third, "--replace"); err != nil || keyAddress(t, third) != addr {
		t.Fatalf("import --replace: %v", err)
	}
	junk := filepath.Join(t.TempDir(), "junk")
	os.WriteFile(junk, []byte("not a key"), 0o600)
	if _, _, err := runInProcess(t, "", nil, "node", "key", "import", junk, "--data-dir", t.TempDir()); err == nil || !strings.Contains(err.Error(), "64 hex digits") {
		t.Fatalf("import of junk: %v", err)
	}
}

func TestParseBytes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		err  bool
	}{
		{in: "1048576", want: 1 << 20}, {in: "2GiB", want: 2 << 30}, {in: "2.0 GiB", want: 2 << 30}, {in: "500MB", want: 500e6},
		{in: "1.5 KiB", want: 1536}, {in: "7B", want: 7}, {in: "", err: true}, {in: "GiB", err: true}, {in: "-1GiB", err: true},
		{in: "lots", err: true}, {in: "1e30", err: true}, {in: "NaN", err: true},
	} {
		got, err := parseBytes("--bytes-per-day", tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d (error %v)", tt.in, got, err, tt.want, tt.err)
		}
		if err != nil && !strings.Contains(err.Error(), "--bytes-per-day") {
			t.Errorf("parseBytes(%q): %v does not name the setting", tt.in, err)
		}
	}
}

func FuzzParseBytes(f *testing.F) {
	f.Add("2GiB")
	f.Add("1.5 KiB")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseBytes("x", s)
		if err == nil && v < 0 {
			t.Fatalf("parseBytes(%q) = %d", s, v)
		}
	})
}

// TestNodeNetworkChainID: meadow node refuses a --chain-id that differs
// from its network file's, before it starts, naming both.
func TestNodeNetworkChainID(t *testing.T) {
	netFile := testNetworkFile(t, []string{"http://127.0.0.1:7001"}, common.Address{})
	_, _, err := runInProcess(t, "", nil, "node", "--network", netFile, "--chain-id", "5", "--data-dir", t.TempDir(), "--dashboard", "")
	if err == nil || exitCode(err) != exitUsage || !strings.Contains(err.Error(), "--chain-id 5") || !strings.Contains(err.Error(), fmt.Sprintf("chain %d", api.DevChainID)) {
		t.Fatalf("meadow node with a chain id other than the network's: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "n.json")
	os.WriteFile(bad, []byte(`{"format":"meadow-network/1","surprise":1}`), 0o644)
	if _, _, err := runInProcess(t, "", nil, "node", "--network", bad, "--data-dir", t.TempDir()); err == nil || !strings.Contains(err.Error(), "--network") {
		t.Fatalf("meadow node with a bad network file: %v", err)
	}
}
