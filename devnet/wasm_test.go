package devnet

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/examples/wasm/textfn"
)

// TestWasmJobsEndToEnd is a buyer bringing their own code: the three
// example modules (examples/wasm), built from the source tree for
// wasip1/wasm, are uploaded and run over a crawl's dataset by four nodes, one of them
// altering rows, through three coordinators. Each output dataset is
// downloaded, verified against its manifest and checked row by row against
// the same functions run natively; a job whose fuel cap is too small ends
// with every row recording fuel_exhausted, and a module the sandbox cannot
// load with every row recording invalid_module, the same on every replica; the
// rows' fuel adds up to what the job status metered and the price counts
// it. Bad uploads and specs are refused naming the field, changing nothing.
func TestWasmJobsEndToEnd(t *testing.T) {
	// Two minutes alone on dev-2c; make test runs other packages beside
	// it on the same two cores, and a hostile task whose lease expired
	// there waits a lease TTL before it runs again.
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	root, err := SourceRoot()
	if err != nil {
		t.Fatal(err)
	}
	built := make(chan error, 1)
	var mods, hostile map[string]string
	go func() {
		var err error
		mods, err = BuildWasmExamples(ctx, root, t.TempDir(), "cleaner", "extract", "classify")
		if err == nil {
			hostile, err = buildHostile(ctx, root, t.TempDir())
		}
		built <- err
	}()

	start := time.Now()
	// Four nodes, one of them faulty: the jobs below ask for 3 replicas,
	// and a task whose lease expired on a loaded machine needs a node
	// that has not held it.
	nw, b := startTestNetwork(ctx, t, 4, 1)
	static, _ := nw.Site.ArticleURLs(nw.SiteURL)
	crawlJob, err := b.Submit(ctx, crawlSpec(static[:20]))
	if err != nil {
		t.Fatal(err)
	}
	crawl := waitJob(ctx, t, b, crawlJob.ID)
	payJob(ctx, t, b, nw, crawlJob.ID)
	dir := t.TempDir()
	crawlPath := filepath.Join(dir, "crawl.arrows")
	if _, err := b.Download(ctx, crawl.Dataset, api.FormatArrow, crawlPath); err != nil {
		t.Fatal(err)
	}
	inSchema, inRows, inHashes := readRows(t, crawlPath)
	textOf := map[string]string{}
	for i, r := range inRows {
		textOf[string(inHashes[i][:])] = r[inSchema.Index(dataset.ColText)].(string)
	}
	if err := <-built; err != nil {
		t.Fatal(err)
	}
	t.Logf("network up, crawl of %d rows done and modules built at %s", len(inRows), time.Since(start).Round(time.Millisecond))

	hashes := map[string]api.Hash{}
	for name, path := range mods {
		code, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m, err := b.UploadModule(ctx, code)
		if err != nil {
			t.Fatalf("upload %s: %v", name, err)
		}
		if want := api.Hash(sha256.Sum256(code)); m.SHA256 != want || m.Size != int64(len(code)) {
			t.Fatalf("upload %s: stored %s of %d bytes, want %s of %d", name, m.SHA256, m.Size, want, len(code))
		}
		hashes[name] = m.SHA256
	}
	// A module with a WebAssembly header and nothing sound after it: the
	// coordinators store it; every node's sandbox refuses it the same way.
	broken, err := b.UploadModule(ctx, []byte("\x00asm\x01\x00\x00\x00\x01\xff\xff\xff"))
	if err != nil {
		t.Fatalf("upload a broken module: %v", err)
	}
	hashes["broken"] = broken.SHA256
	// The same bytes again: idempotent.
	if code, _ := os.ReadFile(mods["cleaner"]); true {
		if m, err := b.UploadModule(ctx, code); err != nil || m.SHA256 != hashes["cleaner"] {
			t.Fatalf("upload cleaner again: %v, %v", m, err)
		}
	}

	t.Run("BadInput", func(t *testing.T) { testWasmBadInput(ctx, t, nw, b, crawl.Dataset, crawlJob.ID, hashes["cleaner"]) })
	// Hostile modules first: the jobs after them show the nodes unharmed.
	if !t.Run("Hostile", func(t *testing.T) { testWasmHostile(ctx, t, nw, b, crawl.Dataset, len(inRows), hostile) }) {
		t.FailNow()
	}

	spec := func(name string, fuel uint64) api.ComputeSpec {
		cols, err := WasmColumns(WasmExamples[name])
		if err != nil {
			t.Fatal(err)
		}
		return api.ComputeSpec{Input: crawl.Dataset, Kernel: api.KernelWasm, ShardRows: 6,
			Wasm: &api.WasmParams{Module: hashes[name], Outputs: cols, Fuel: fuel}}
	}
	jobs := map[string]api.ComputeSpec{
		"cleaner": spec("cleaner", 0), "extract": spec("extract", 0), "classify": spec("classify", 0),
		// The Go runtime alone takes about 1.4 million fuel to start.
		"starved": spec("cleaner", 100_000),
		"broken":  spec("cleaner", 0),
	}
	jobs["broken"].Wasm.Module = hashes["broken"]
	ids := map[string]string{}
	for name, s := range jobs {
		// Every row is compared with the native run below, and one of the
		// nodes alters rows. Under the default replication of 2 that
		// node, once it has agreed often enough (the hostile jobs' rows give
		// it nothing to alter), may take a task alone: adaptive
		// replication's documented price. A buyer who wants every row
		// cross-checked asks for 3 replicas, as this test does.
		j, err := b.Submit(ctx, api.JobSpec{Kind: api.JobCompute, Name: name, Replication: 3, Compute: &s})
		if err != nil {
			t.Fatalf("submit %s: %v", name, err)
		}
		ids[name] = j.ID
	}
	for _, name := range []string{"cleaner", "extract", "classify", "starved", "broken"} {
		st := waitJob(ctx, t, b, ids[name])
		if st.Progress.Tasks.Inconclusive != 0 || st.Progress.RowsAccepted != int64(len(inRows)) {
			t.Fatalf("%s: %+v; want every task verified and all %d rows accepted", name, st.Progress, len(inRows))
		}
		m, _, err := b.Manifest(ctx, st.Dataset)
		if err != nil {
			t.Fatal(err)
		}
		payJob(ctx, t, b, nw, ids[name])
		path := filepath.Join(dir, name+".arrows")
		if _, err := b.Download(ctx, st.Dataset, api.FormatArrow, path); err != nil {
			t.Fatalf("download %s: %v", name, err)
		}
		if _, err := dataset.Verify(ctx, path, dataset.VerifyOptions{Manifest: m}); err != nil {
			t.Fatalf("verify %s: %v", name, err)
		}
		schema, rows, _ := readRows(t, path)
		si, fi := schema.Index(api.ColWasmStatus), schema.Index(api.ColWasmFuel)
		var fuel uint64
		for i, r := range rows {
			text, ok := textOf[string(r[0].([]byte))]
			if !ok {
				t.Fatalf("%s row %d: source hash %x is no input row", name, i, r[0])
			}
			fuel += uint64(r[fi].(int64))
			if failed := map[string]string{"starved": "fuel_exhausted", "broken": "invalid_module"}[name]; failed != "" {
				if r[si] != failed || r[1] != nil {
					t.Fatalf("%s row %d: status %v, clean %v; want %s and null", name, i, r[si], r[1], failed)
				}
				continue
			}
			if r[si] != api.WasmStatusOK {
				t.Fatalf("%s row %d: status %v", name, i, r[si])
			}
			var want []any
			switch name {
			case "cleaner":
				want = []any{textfn.Clean(text)}
			case "extract":
				emails, urls := textfn.Extract(text)
				want = []any{emails, urls, int64(len(urls))}
			case "classify":
				topic, score, share := textfn.Classify(text)
				want = []any{topic, score, share}
			}
			if got := []any(r[1 : 1+len(want)]); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s row %d differs from the native run:\n got %#v\nwant %#v", name, i, got, want)
			}
		}
		if (fuel == 0) != (name == "broken") || fuel != st.Fuel {
			t.Fatalf("%s: rows' fuel adds up to %d; the job status metered %d", name, fuel, st.Fuel)
		}
		t.Logf("%s: %d rows, %d fuel, price %s, %d rows rejected", name, len(rows), fuel, st.Price, st.Progress.RowsRejected)
	}

	// The nodes' module caches, as their dashboards answer: every module
	// that loads is compiled once per node and stays (nine modules, a
	// cache of 16), so the modules cached add up to at least the nine
	// that ran; the broken one is refused, and compiled again, each time.
	caches, err := nw.WasmCaches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var entries int
	var hits uint64
	for i, c := range caches {
		loads := c.Hits + c.Misses
		if c.Evictions != 0 || uint64(c.Entries) > c.Misses || (c.Bytes > 0) != (c.Entries > 0) {
			t.Errorf("%s: wasm_cache %+v: want no evictions, and no more modules cached than compiled", nw.Nodes[i].Name, c)
		}
		entries += c.Entries
		hits += c.Hits
		t.Logf("%s: %d wasm tasks loaded a module: %d compiles (misses), %d hits, hit rate %.1f%%; %d modules cached (%d bytes)",
			nw.Nodes[i].Name, loads, c.Misses, c.Hits, 100*float64(c.Hits)/float64(max(loads, 1)), c.Entries, c.Bytes)
	}
	if want := len(mods) + len(hostile); entries < want || hits == 0 {
		t.Errorf("the nodes cache %d modules and found one compiled %d times; want at least the %d modules that ran, and hits", entries, hits, want)
	}
}

// testWasmBadInput sends what the coordinators must refuse, naming the
// field, without changing the state.
func testWasmBadInput(ctx context.Context, t *testing.T, nw *Network, b *buyer.Client, input, inputJob string, module api.Hash) {
	// Another buyer, let read the input, may still not run this buyer's
	// module.
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Grant(ctx, inputJob, crypto.PubkeyToAddress(key.PublicKey)); err != nil {
		t.Fatal(err)
	}
	before := stableDigest(ctx, t, nw)
	raw, err := api.NewClient(api.ClientConfig{Coordinators: nw.CoordURLs, Key: nw.Chain.Buyer, Domain: api.DomainFor(nw.chainID)})
	if err != nil {
		t.Fatal(err)
	}
	// Not a module: the coordinators' header check.
	notWasm := []byte("#!/bin/sh\nrm -rf /\n")
	if _, err := b.UploadModule(ctx, notWasm); !hasField(api.FieldErrors(err), "body") {
		t.Fatalf("upload of a shell script: %v; want a refusal naming body", err)
	}
	up := api.ModuleUpload{SHA256: api.Hash(sha256.Sum256(notWasm)), Size: int64(len(notWasm))}
	err = raw.Do(ctx, func(ctx context.Context, base string) (*http.Response, error) {
		env, err := raw.Sign(api.MethodModuleUpload, up)
		if err != nil {
			return nil, err
		}
		h, _ := env.Header()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+api.RouteModules, strings.NewReader(string(notWasm)))
		if err != nil {
			return nil, err
		}
		req.Header.Set(api.EnvelopeHeader, h)
		req.Header.Set("Content-Type", "application/wasm")
		return raw.HTTP().Do(req)
	}, nil)
	var re *api.RemoteError
	if !errors.As(err, &re) || re.Status != 400 || re.Field != "body" {
		t.Fatalf("coordinators on a shell script: %v; want 400 naming body", err)
	}
	// No envelope: 401 naming the header.
	resp, err := http.Post(nw.CoordURLs[0]+api.RouteModules, "application/wasm", strings.NewReader("\x00asm\x01\x00\x00\x00"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("upload without an envelope: HTTP %d, want 401", resp.StatusCode)
	}

	cols := []api.WasmColumn{{Name: "clean", Type: "string"}}
	for _, tc := range []struct {
		name   string
		wp     *api.WasmParams
		field  string
		status int
	}{
		{"no wasm parameters", nil, "compute.wasm", 400},
		{"reserved column", &api.WasmParams{Module: module, Outputs: []api.WasmColumn{{Name: "wasm_fuel", Type: "int64"}}}, "compute.wasm.outputs[0].name", 400},
		{"unknown type", &api.WasmParams{Module: module, Outputs: []api.WasmColumn{{Name: "x", Type: "float32"}}}, "compute.wasm.outputs[0].type", 400},
		{"no outputs", &api.WasmParams{Module: module}, "compute.wasm.outputs", 400},
		{"memory past the ceiling", &api.WasmParams{Module: module, Outputs: cols, MemoryMiB: 4096}, "compute.wasm.memory_mib", 400},
		{"module never uploaded", &api.WasmParams{Module: api.Hash(sha256.Sum256([]byte("nothing"))), Outputs: cols}, "compute.wasm.module", 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := api.JobSpec{Kind: api.JobCompute, Compute: &api.ComputeSpec{Input: input, Kernel: api.KernelWasm, Wasm: tc.wp}}
			var job api.Job
			err := raw.Post(ctx, api.MethodJobSubmit, "/v1/jobs", spec, &job)
			if err == nil {
				t.Fatalf("the coordinators accepted it: job %s", job.ID)
			}
			checkRemote(t, err, tc.status, tc.field)
		})
	}
	other, err := api.NewClient(api.ClientConfig{Coordinators: nw.CoordURLs, Key: key, Domain: api.DomainFor(nw.chainID)})
	if err != nil {
		t.Fatal(err)
	}
	spec := api.JobSpec{Kind: api.JobCompute, Compute: &api.ComputeSpec{Input: input, Kernel: api.KernelWasm, Wasm: &api.WasmParams{Module: module, Outputs: cols}}}
	var job api.Job
	err = other.Post(ctx, api.MethodJobSubmit, "/v1/jobs", spec, &job)
	checkRemote(t, err, 409, "compute.wasm.module")
	if after := stableDigest(ctx, t, nw); after != before {
		t.Errorf("refused requests changed the state: digest %s → %s", before, after)
	}
}
