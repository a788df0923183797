package devnet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/compute/wasm"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/node"
)

// The example WebAssembly kernels (examples/wasm) are Go programs: the dev
// network builds them from the source tree with the Go toolchain, as a
// buyer would, for GOOS=wasip1 GOARCH=wasm.

// WasmExamples are the example modules under examples/wasm and the output
// columns each declares ("name:type", comma-separated; docs/wasm.md).
var WasmExamples = map[string]string{
	"cleaner":  "clean:string",
	"extract":  "emails:list<string>, urls:list<string>, links:int64",
	"classify": "topic:string, score:int64, share:float64",
}

// ErrNoSourceTree says the examples' source is not here: `meadow dev` runs
// from a release, not from a checkout.
var ErrNoSourceTree = errors.New("devnet: the source tree (go.mod of github.com/meadow-net/meadow with examples/wasm) is not in this directory or above it")

// SourceRoot finds the checkout the working directory is in: the nearest
// directory upward whose go.mod is Meadow's and which has examples/wasm.
func SourceRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(b, []byte("module github.com/meadow-net/meadow\n")) {
			if fi, err := os.Stat(filepath.Join(dir, "examples", "wasm")); err == nil && fi.IsDir() {
				return dir, nil
			}
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", ErrNoSourceTree
		}
		dir = up
	}
}

// goTool is the go command: GOROOT's, else the one on the PATH.
func goTool() (string, error) {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p, nil
	}
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	return "", errors.New("devnet: building the example WebAssembly modules needs the Go toolchain (go 1.21 or later, with GOOS=wasip1 GOARCH=wasm): no go in GOROOT or on the PATH")
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// BuildWasmExamples builds the named examples of the checkout at root into
// dir, returning each module's path by name.
func BuildWasmExamples(ctx context.Context, root, dir string, names ...string) (map[string]string, error) {
	gt, err := goTool()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	out := map[string]string{}
	for _, name := range names {
		if _, ok := WasmExamples[name]; !ok {
			return nil, fmt.Errorf("devnet: wasm example %q: expected one of cleaner, extract, classify", name)
		}
		path := filepath.Join(dir, name+".wasm")
		cmd := exec.CommandContext(ctx, gt, "build", "-trimpath", "-o", path, "./examples/wasm/"+name)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("devnet: go build ./examples/wasm/%s for wasip1/wasm: %v: %s", name, err, strings.TrimSpace(string(b)))
		}
		out[name] = path
	}
	return out, nil
}

// wasmJourney is the journey's wasm step: build examples/wasm/cleaner,
// upload it, run it over input with run (which pays, downloads and verifies
// the dataset), and check that every row ran to the end and that the rows'
// fuel adds up to what the job status metered.
func (n *Network) wasmJourney(ctx context.Context, b *buyer.Client, root, input, outDir string,
	run func(string, api.JobSpec) (*JobSummary, string, error), step func(string, string, time.Time)) (string, error) {
	const name = "compute: wasm"
	t0 := time.Now()
	mods, err := BuildWasmExamples(ctx, root, outDir, "cleaner")
	if err != nil {
		return name + ": build", err
	}
	code, err := os.ReadFile(mods["cleaner"])
	if err != nil {
		return name + ": build", err
	}
	m, err := b.UploadModule(ctx, code)
	if err != nil {
		return name + ": upload", err
	}
	step(name+": upload", fmt.Sprintf("examples/wasm/cleaner built for wasip1 (%d bytes) and uploaded as module %s", m.Size, short(m.SHA256.String())), t0)
	cols, err := WasmColumns(WasmExamples["cleaner"])
	if err != nil {
		return name, err
	}
	js, failed, err := run(name, api.JobSpec{Kind: api.JobCompute, Name: "cleaner, a buyer's WebAssembly module, over the demo crawl",
		Compute: &api.ComputeSpec{Input: input, Kernel: api.KernelWasm, ShardRows: 50, Wasm: &api.WasmParams{Module: m.SHA256, Outputs: cols}}})
	if err != nil {
		return failed, err
	}
	js.Module = m.SHA256.String()
	t0 = time.Now()
	r, err := dataset.Open(js.Files[api.FormatParquet])
	if err != nil {
		return name + ": check", err
	}
	defer r.Close()
	sch := r.Schema()
	si, fi := sch.Index(api.ColWasmStatus), sch.Index(api.ColWasmFuel)
	if si < 0 || fi < 0 {
		return name + ": check", fmt.Errorf("the dataset lacks the %s and %s columns", api.ColWasmStatus, api.ColWasmFuel)
	}
	var rows int64
	var fuel uint64
	for r.Next() {
		row := r.Row()
		if st := row[si]; st != api.WasmStatusOK {
			return name + ": check", fmt.Errorf("row %d: %s %v: expected ok", rows, api.ColWasmStatus, st)
		}
		fuel += uint64(row[fi].(int64))
		rows++
	}
	if err := r.Err(); err != nil {
		return name + ": check", err
	}
	if fuel != js.Fuel || fuel == 0 {
		return name + ": check", fmt.Errorf("the rows' %s adds up to %d; the job status metered %d", api.ColWasmFuel, fuel, js.Fuel)
	}
	step(name+": check", fmt.Sprintf("%d rows ran to the end in the sandbox; their fuel adds up to the %d the coordinators metered", rows, fuel), t0)
	t0 = time.Now()
	caches, err := n.WasmCaches(ctx)
	if err != nil {
		return name + ": module caches", err
	}
	var sum node.WasmCache
	for _, c := range caches {
		sum.Hits, sum.Misses = sum.Hits+c.Hits, sum.Misses+c.Misses
	}
	step(name+": module caches", fmt.Sprintf("the nodes loaded the module %d times, once per task run (replicas count): %d compiles, %d found it compiled (their dashboards' wasm_cache)", sum.Hits+sum.Misses, sum.Misses, sum.Hits), t0)
	return "", nil
}

// WasmCaches reads each node's compiled-module cache counters as its
// dashboard answers them (/api/status, wasm_cache), in the order of Nodes.
func (n *Network) WasmCaches(ctx context.Context) ([]node.WasmCache, error) {
	out := make([]node.WasmCache, len(n.Nodes))
	for i, nd := range n.Nodes {
		dash := strings.TrimSuffix(nd.DashboardURL(), "/")
		if dash == "" {
			return nil, fmt.Errorf("devnet: %s has no dashboard to read its wasm cache from", nd.Name)
		}
		var st struct {
			WasmCache *node.WasmCache `json:"wasm_cache"`
		}
		if err := getJSON(ctx, dash+"/api/status", &st); err != nil {
			return nil, fmt.Errorf("devnet: %s's /api/status: %w", nd.Name, err)
		}
		if st.WasmCache == nil {
			return nil, fmt.Errorf("devnet: %s's /api/status has no wasm_cache", nd.Name)
		}
		out[i] = *st.WasmCache
	}
	return out, nil
}

// WasmColumns reads output columns written "name:type, name:type"
// (docs/wasm.md) into a job spec's form.
func WasmColumns(s string) ([]api.WasmColumn, error) {
	cols, err := wasm.ParseSchema(s)
	if err != nil {
		return nil, err
	}
	out := make([]api.WasmColumn, len(cols))
	for i, c := range cols {
		out[i] = api.WasmColumn{Name: c.Name, Type: string(c.Type)}
	}
	return out, nil
}
