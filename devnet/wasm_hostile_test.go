package devnet

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/dataset"
)

// hostileModes are the misbehaviours of the sandbox's hostile test module
// (compute/wasm/testdata/hostile) that the network runs as buyers' jobs:
// the parameters each job sets, the status every row must record on every
// replica, and, for a run that ends, what its result must hold.
var hostileModes = []struct {
	mode   string
	params api.WasmParams
	status string
	result []string // key=value pairs the probe's result must hold
}{
	{mode: "loop", params: api.WasmParams{Fuel: 1_000_000_000}, status: "fuel_exhausted"},
	{mode: "alloc", params: api.WasmParams{MemoryMiB: 32}, status: "memory_exceeded"},
	{mode: "output", params: api.WasmParams{OutputMiB: 1}, status: "output_too_large"},
	{mode: "recurse", status: "trap"},
	{mode: "exit:3", status: "exit_code"}, // proc_exit with an odd code
	// Files, sockets, the environment, the clock and randomness: each
	// attempt fails or sees the sandbox's fixed answer, the same on every
	// replica.
	{mode: "probe", status: api.WasmStatusOK, result: []string{"open=true", "readdir=true", "write=true", "dial=true",
		"env=0", "args=kernel", "slept=1h30m0s", "nanbits=7ff8000000000000"}},
}

// buildHostile builds the hostile module once per mode, the mode fixed at
// link time, returning each module's path by mode.
func buildHostile(ctx context.Context, root, dir string) (map[string]string, error) {
	gt, err := goTool()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for i, h := range hostileModes {
		path := filepath.Join(dir, fmt.Sprintf("hostile-%d.wasm", i))
		cmd := exec.CommandContext(ctx, gt, "build", "-trimpath", "-ldflags=-X=main.forceMode="+h.mode, "-o", path, "./compute/wasm/testdata/hostile")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build the hostile module (%s) for wasip1/wasm: %v: %s", h.mode, err, b)
		}
		out[h.mode] = path
	}
	return out, nil
}

// testWasmHostile runs each hostile module as a buyer's job over input on
// the network: every row records the same failure on every replica (the
// tasks verify, nothing is inconclusive), the datasets verify, each
// node's dashboard names the module while it runs and nothing once it
// ends, and the nodes go on working (the jobs after this one).
func testWasmHostile(ctx context.Context, t *testing.T, nw *Network, b *buyer.Client, input string, inRows int, mods map[string]string) {
	dir := t.TempDir()
	hashes := map[string]api.Hash{}
	ids := map[string]string{}
	for _, h := range hostileModes {
		code, err := os.ReadFile(mods[h.mode])
		if err != nil {
			t.Fatal(err)
		}
		m, err := b.UploadModule(ctx, code)
		if err != nil {
			t.Fatalf("upload the hostile module (%s): %v", h.mode, err)
		}
		hashes[h.mode] = m.SHA256
	}
	// Watch the dashboards while the jobs run: the infinite loop runs
	// long enough (10^9 fuel, a second or more) to be seen.
	loopHash := strings.ToLower(hashes["loop"].String())
	var (
		mu   sync.Mutex
		seen = map[string]bool{} // node dashboard → the loop module named in its status and page
	)
	watchCtx, stopWatch := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for watchCtx.Err() == nil {
			for _, nd := range nw.Nodes {
				base := strings.TrimSuffix(nd.DashboardURL(), "/")
				var st struct {
					WasmModules []string `json:"wasm_modules"`
				}
				if _, err := getJSONOnce(watchCtx, base+"/api/status", &st); err != nil || !slices.Contains(st.WasmModules, loopHash) {
					continue
				}
				page, err := getPage(watchCtx, base+"/")
				if err == nil && strings.Contains(page, "WebAssembly module, sandboxed: <code>"+loopHash) {
					mu.Lock()
					seen[base] = true
					mu.Unlock()
				}
			}
			time.Sleep(50 * time.Millisecond) // a loop run lasts seconds; polling faster only loads the machine
		}
	}()

	submitted := time.Now()
	for _, h := range hostileModes {
		p := h.params
		p.Module = hashes[h.mode]
		p.Outputs = []api.WasmColumn{{Name: "result", Type: api.WasmString}}
		j, err := b.Submit(ctx, api.JobSpec{Kind: api.JobCompute, Name: "hostile " + h.mode,
			Compute: &api.ComputeSpec{Input: input, Kernel: api.KernelWasm, ShardRows: inRows, Wasm: &p}})
		if err != nil {
			t.Fatalf("submit hostile %s: %v", h.mode, err)
		}
		ids[h.mode] = j.ID
	}
	for _, h := range hostileModes {
		st := waitJob(ctx, t, b, ids[h.mode])
		// The network's faulty node alters the result of about a third of
		// the rows it runs (a failed run's null result it cannot alter). One
		// task holds every row, so when it altered only one or two of them
		// the honest replica's 90 % agreement verifies the task without a
		// third replica, and the altered rows are left out: accept that,
		// and check below that every row delivered is the honest one.
		if st.Progress.Tasks.Inconclusive != 0 || st.Progress.Tasks.Verified != 1 || st.Progress.RowsAccepted < int64(inRows*9/10) {
			t.Fatalf("hostile %s: %+v; want its task verified and at least 90%% of %d rows accepted", h.mode, st.Progress, inRows)
		}
		m, _, err := b.Manifest(ctx, st.Dataset)
		if err != nil {
			t.Fatal(err)
		}
		payJob(ctx, t, b, nw, ids[h.mode])
		path := filepath.Join(dir, fmt.Sprintf("hostile-%s.arrows", strings.ReplaceAll(h.mode, ":", "")))
		if _, err := b.Download(ctx, st.Dataset, api.FormatArrow, path); err != nil {
			t.Fatalf("download hostile %s: %v", h.mode, err)
		}
		if _, err := dataset.Verify(ctx, path, dataset.VerifyOptions{Manifest: m}); err != nil {
			t.Fatalf("verify hostile %s: %v", h.mode, err)
		}
		schema, rows, _ := readRows(t, path)
		if int64(len(rows)) != st.Progress.RowsAccepted {
			t.Fatalf("hostile %s: %d rows downloaded, %d accepted", h.mode, len(rows), st.Progress.RowsAccepted)
		}
		ri, si := schema.Index("result"), schema.Index(api.ColWasmStatus)
		for i, r := range rows {
			if r[si] != h.status {
				t.Fatalf("hostile %s row %d: status %v, want %s", h.mode, i, r[si], h.status)
			}
			if h.status != api.WasmStatusOK {
				if r[ri] != nil {
					t.Fatalf("hostile %s row %d: result %v of a failed run, want null", h.mode, i, r[ri])
				}
				continue
			}
			res, _ := r[ri].(string)
			for _, kv := range h.result {
				if !slices.Contains(strings.Split(res, ";"), kv) {
					t.Fatalf("hostile %s row %d: result %q lacks %s", h.mode, i, res, kv)
				}
			}
		}
		t.Logf("hostile %s: %d rows, each %s; %d fuel metered, price %s; done %s after the jobs were submitted",
			h.mode, len(rows), h.status, st.Fuel, st.Price, time.Since(submitted).Round(time.Millisecond))
	}
	stopWatch()
	<-watched
	if len(seen) == 0 {
		t.Error("no node's dashboard named the infinite loop's module while it ran")
	}
	// Once the tasks end, no dashboard names a module.
	for _, nd := range nw.Nodes {
		base := strings.TrimSuffix(nd.DashboardURL(), "/")
		deadline := time.Now().Add(10 * time.Second)
		for {
			var st struct {
				WasmModules []string `json:"wasm_modules"`
			}
			if err := getJSON(ctx, base+"/api/status", &st); err != nil {
				t.Fatal(err)
			}
			if len(st.WasmModules) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: dashboard still names %v after every job ended", base, st.WasmModules)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	t.Logf("dashboards of %d nodes named the loop while it ran; none names a module now", len(seen))
}

// getPage returns the body of a GET.
func getPage(ctx context.Context, u string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}
