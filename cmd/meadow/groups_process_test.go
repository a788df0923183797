//go:build !nodeonly

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/node"
)

// TestGroupsProcesses runs a network of two groups as an operator would:
// the map written, signed by both operators and checked with `meadow
// operator groups`, one `meadow coord` process per group started with
// --group-map and --group. A node whose network file names only the
// other group registers with `meadow node register` and lands in its home
// group; a buyer submits a job to one group and reads it through the
// other.
func TestGroupsProcesses(t *testing.T) {
	bin := cpBuild(t)
	ctx := t.Context()
	dir := t.TempDir()
	// stdout runs meadow and returns its standard output; run, both
	// outputs.
	stdout := func(want int, args ...string) (string, string) {
		t.Helper()
		out, errOut, code := runMeadow(ctx, bin, args...)
		if code != want {
			t.Fatalf("meadow %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, want, out, errOut)
		}
		return out, errOut
	}
	run := func(want int, args ...string) string {
		t.Helper()
		out, errOut := stdout(want, args...)
		return out + errOut
	}

	// Two operators' keys, and the network file that names them.
	var ops []common.Address
	var keyFiles []string
	for i := range 2 {
		f := filepath.Join(dir, fmt.Sprintf("op%d.key", i+1))
		k, err := api.LoadOrCreateKey(f)
		if err != nil {
			t.Fatal(err)
		}
		ops, keyFiles = append(ops, crypto.PubkeyToAddress(k.PublicKey)), append(keyFiles, f)
	}
	procs := []*cpProc{
		{bin: bin, id: "g1-c1", dir: filepath.Join(dir, "g1"), logPath: filepath.Join(dir, "g1.log"), raftAddr: coordtest.FreeAddr(t), httpAddr: coordtest.FreeAddr(t)},
		{bin: bin, id: "g2-c1", dir: filepath.Join(dir, "g2"), logPath: filepath.Join(dir, "g2.log"), raftAddr: coordtest.FreeAddr(t), httpAddr: coordtest.FreeAddr(t)},
	}
	network := func(name string, coord *cpProc) string {
		n := api.Network{Format: api.NetworkFormat, Name: "groups", ChainID: cpChainID, Coordinators: []string{coord.url()},
			Operators: ops, Threshold: 2, Contracts: api.NetworkContracts{
				Distributor: common.HexToAddress("0x01"), Registry: common.HexToAddress("0x02"), Token: common.HexToAddress("0x03"),
				Stable: common.HexToAddress("0x04"), Marketplace: common.HexToAddress("0x05")}}
		p := filepath.Join(dir, name)
		if err := api.WriteNetwork(p, n); err != nil {
			t.Fatal(err)
		}
		return p
	}
	viaG1, viaG2 := network("via-g1.json", procs[0]), network("via-g2.json", procs[1])

	// The map: written, signed by one operator (not enough), then both.
	mapFile := filepath.Join(dir, "groups.json")
	run(0, "operator", "groups", "init", "--out", mapFile, "--chain-id", fmt.Sprint(cpChainID), "--epoch", "1",
		"--group", "g1="+procs[0].url(), "--group", "g2="+procs[1].url())
	run(0, "operator", "groups", "sign", mapFile, "--operator-key", keyFiles[0])
	if out := run(1, "operator", "groups", "show", mapFile, "--network", viaG1); !strings.Contains(out, "1 signatures by the network's 2 operators: expected at least 2") {
		t.Fatalf("show with one signature of two: %s", out)
	}
	run(0, "operator", "groups", "sign", mapFile, "--operator-key", keyFiles[1])
	if out := run(0, "operator", "groups", "show", mapFile, "--network", viaG1); !strings.Contains(out, "signed by 2 of the network's 2 operators") {
		t.Fatalf("show: %s", out)
	}
	// Bad input names the flag and writes nothing.
	if out := run(2, "operator", "groups", "init", "--out", filepath.Join(dir, "bad.json"), "--chain-id", "7", "--group", "g1"); !strings.Contains(out, `--group "g1": expected ID=URL`) {
		t.Fatalf("init with a group without members: %s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.json")); err == nil {
		t.Fatal("a refused init wrote its file")
	}
	if out := run(2, "coord", "--id", "x", "--data-dir", filepath.Join(dir, "x"), "--raft-addr", "127.0.0.1:1", "--http-addr", "127.0.0.1:2",
		"--bootstrap", "--chain-id", fmt.Sprint(cpChainID), "--group", "g1"); !strings.Contains(out, "--group-map and --group") {
		t.Fatalf("coord --group without --group-map: %s", out)
	}

	for i, p := range procs {
		p.extra = []string{"--group-map", mapFile, "--group", fmt.Sprintf("g%d", i+1)}
		p.start(t)
		t.Cleanup(func() {
			p.kill(t)
			if t.Failed() {
				t.Logf("log of %s:\n%s", p.id, p.tail(30))
			}
		})
	}
	for _, p := range procs {
		coordtest.WaitFor(t, 30*time.Second*coordtest.Scale(), p.id+" to be ready", func() bool {
			code, _, err := cpGet(p.url(), "/readyz")
			return err == nil && code == http.StatusOK
		})
	}
	m, err := api.LoadGroupMap(mapFile)
	if err != nil {
		t.Fatal(err)
	}

	// A node at home in g2 whose network file names only g1.
	var nodeDir, addr string
	for i := 0; ; i++ {
		nodeDir = filepath.Join(dir, fmt.Sprintf("node%d", i))
		id, err := node.LoadOrCreateIdentity(nodeDir)
		if err != nil {
			t.Fatal(err)
		}
		if m.Home(api.NodeKey(id.Address)) == 1 {
			addr = api.NodeKey(id.Address)
			break
		}
	}
	run(0, "node", "register", "--network", viaG1, "--data-dir", nodeDir)
	if code, body, err := cpGet(procs[1].url(), "/v1/node/"+addr); err != nil || code != 200 {
		t.Fatalf("g2's record of its node: %d %s %v", code, body, err)
	}
	code, body, err := cpGet(procs[0].url(), "/v1/node/"+addr)
	var eb api.ErrorBody
	if err != nil || code != http.StatusMisdirectedRequest || json.Unmarshal(body, &eb) != nil || eb.Error.Group != "g2" {
		t.Fatalf("g1 asked for g2's node: %d %s %v", code, body, err)
	}

	// A buyer submits through g2 and reads the job through g1.
	spec := filepath.Join(dir, "job.json")
	if err := os.WriteFile(spec, []byte(`{"kind":"crawl","crawl":{"urls":["https://a.example/x"]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "buyer.key")
	var job api.Job
	out, _ := stdout(0, "--json", "buyer", "--network", viaG2, "--key", key, "job", "submit", spec)
	if err := json.Unmarshal([]byte(out), &job); err != nil {
		t.Fatalf("submit's JSON: %v", err)
	}
	if m.Groups[m.Home(api.JobKey(job.ID))].ID != "g2" {
		t.Fatalf("g2 minted %s, which is not its own", job.ID)
	}
	var st api.JobStatus
	out, _ = stdout(0, "--json", "buyer", "--network", viaG1, "--key", key, "job", "status", job.ID)
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.ID != job.ID {
		t.Fatalf("status through g1: %v %+v", err, st)
	}
}
