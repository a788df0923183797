// Command pipedigest runs the demo corpus through the pipeline in-process
// and prints a digest of every stage, so that two machines (amd64 here
// and arm64 under qemu-aarch64, in TestPipelineArm64) can be required to
// make the same bits:
//
//	go run ./devnet/internal/pipedigest [-wasm FILE -wasm-outputs COLUMNS]
//
// The demo site (devnet/internal/demosite) makes its pages in-process, no
// network; the crawl's own code (crawl.StaticPage) turns each response into
// a row with the demo job's rules and main-text extraction on; every kernel
// of compute.Kernels() runs with its default parameters (and a few variants)
// through compute.RunShard over the first earlier stage that has its input
// columns: the text kernels over the crawl's text column, dedup over
// minhash's rows; and, given a module, a buyer's wasm kernel. A kernel added
// to compute.Kernels() later is run with no change here.
//
// Each output line is one stage: its name, row count, the SHA-256 of its
// rows' canonical encodings (dataset.Hasher.Canonical, content columns,
// concatenated in row order) and its content root (dataset.ContentRoot over
// the row hashes). Timings go to standard error, apart from what is compared.
package main

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/compute/wasm"
	"github.com/meadow-net/meadow/crawl"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/devnet/internal/demosite"
)

func main() {
	wasmFile := flag.String("wasm", "", "a WASI module to run as a wasm kernel over the crawl's text (optional)")
	wasmOut := flag.String("wasm-outputs", "", "the module's output columns, \"name:type, ...\" (docs/wasm.md)")
	flag.Parse()
	opts := Options{Log: os.Stderr}
	if *wasmFile != "" {
		b, err := os.ReadFile(*wasmFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pipedigest:", err)
			os.Exit(2)
		}
		cols, err := parseOutputs(*wasmOut)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pipedigest: -wasm-outputs:", err)
			os.Exit(2)
		}
		opts.Wasm, opts.WasmOutputs = b, cols
	}
	stages, err := Run(context.Background(), opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pipedigest:", err)
		os.Exit(1)
	}
	for _, s := range stages {
		fmt.Println(s)
	}
}

// Options shape a run.
type Options struct {
	// Wasm is a module to run as a wasm kernel, with its declared outputs;
	// none when nil.
	Wasm        []byte
	WasmOutputs []api.WasmColumn
	// Log, when set, gets each stage's time: not part of the digest.
	Log io.Writer
}

// Stage is one stage's digest.
type Stage struct {
	Name   string
	Rows   int
	SHA256 string // of the rows' canonical encodings, in row order
	Root   string // content root: the Merkle root over the sorted row hashes
	// Statuses counts the values of the stage's status columns
	// (extract_status, wasm_status), "; name: value n ...": not printed.
	Statuses string
}

// String is the stage's output line.
func (s Stage) String() string {
	return fmt.Sprintf("%-22s rows %4d  sha256 %s  root %s", s.Name, s.Rows, s.SHA256, s.Root)
}

// stageData is a stage's rows, for later stages to read.
type stageData struct {
	name   string
	schema dataset.Schema
	rows   []dataset.Row
	hashes [][]byte
}

// SiteBase is the demo site's URL in the rows: never dialled.
const SiteBase = "http://demo.meadow.test"

// Fields are the demo crawl job's selected fields (devnet's crawlJob).
var Fields = []api.FieldRule{{Name: "title", Selector: "h1.title"}, {Name: "author", Selector: ".byline .author"}}

// CrawlSpec is the demo job's rules (devnet's crawlJob: title and author,
// the article's text, the volatile clock and ad excluded) with main-text
// extraction on, every default resolved as a node receives it.
func CrawlSpec(urls []string) (api.CrawlSpec, error) {
	spec := api.JobSpec{Kind: api.JobCrawl, Name: "pipedigest", Crawl: &api.CrawlSpec{
		URLs: urls, Fields: Fields, TextSelector: "article", Exclude: []string{".clock", ".ad"},
		Extract: &api.ExtractSpec{Enabled: true},
	}}
	if err := spec.Validate(); err != nil {
		return api.CrawlSpec{}, err
	}
	return *spec.WithDefaults().Crawl, nil
}

// Corpus is the demo site's pages the digest crawls: the index, every
// static article and mirror, the JavaScript pages' shells (their content
// needs a browser), and the odd pages extraction refuses.
func Corpus(site *demosite.Site) []string {
	static, js := site.ArticleURLs(SiteBase)
	urls := append([]string{SiteBase + "/"}, static...)
	urls = append(urls, js...)
	for _, p := range demosite.OddPages() {
		urls = append(urls, SiteBase+p)
	}
	return urls
}

// variants are kernel specs run besides each kernel's defaults, named
// kernel/variant: the other shingle kind and the other encoding.
var variants = []struct {
	name string
	spec api.ComputeSpec
}{
	{"minhash/char", api.ComputeSpec{Kernel: api.KernelMinHash, MinHash: &api.MinHashParams{Shingle: "char"}}},
	{"tokens/o200k_base", api.ComputeSpec{Kernel: api.KernelTokens, Tokens: &api.TokenParams{Encoding: "o200k_base"}}},
}

// prov is every row's provenance: not hashed, fixed so that rows validate.
var prov = dataset.Provenance{Node: "0x0000000000000000000000000000000000000000", FetchedAt: 0}

// Run makes the corpus, runs every stage and returns their digests in
// order: crawl first, then the kernels.
func Run(ctx context.Context, o Options) ([]Stage, error) {
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format+"\n", args...)
		}
	}
	start := time.Now()
	site := demosite.New(demosite.DefaultConfig())
	urls := Corpus(site)
	spec, err := CrawlSpec(urls)
	if err != nil {
		return nil, err
	}
	crawled, err := crawlStage(site, urls, spec)
	if err != nil {
		return nil, err
	}
	var out []Stage
	add := func(d *stageData, t0 time.Time) error {
		s, err := digest(d)
		if err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		s.Statuses = statuses(d)
		out = append(out, s)
		logf("pipedigest: %-22s %4d rows in %s%s", d.name, s.Rows, time.Since(t0).Round(time.Millisecond), s.Statuses)
		return nil
	}
	if err := add(crawled, start); err != nil {
		return nil, err
	}
	stages := []*stageData{crawled}
	type job struct {
		name string
		k    func() (compute.Kernel, error)
	}
	var jobs []job
	for _, name := range compute.Kernels() {
		spec := api.ComputeSpec{Kernel: name}
		jobs = append(jobs, job{name, func() (compute.Kernel, error) { return compute.New(spec) }})
		for _, v := range variants {
			if v.spec.Kernel == name {
				jobs = append(jobs, job{v.name, func() (compute.Kernel, error) { return compute.New(v.spec) }})
			}
		}
	}
	if o.Wasm != nil {
		rt, err := wasm.New(ctx)
		if err != nil {
			return nil, err
		}
		defer rt.Close(ctx)
		// The defaults a job's spec resolves to; the whole corpus is one task.
		p := api.WasmParams{Module: api.Hash(sha256.Sum256(o.Wasm)), Outputs: o.WasmOutputs,
			Fuel: api.DefaultWasmFuel, MemoryMiB: api.DefaultWasmMemoryMiB, OutputMiB: api.DefaultWasmOutputMiB}
		jobs = append(jobs, job{api.KernelWasm, func() (compute.Kernel, error) {
			return compute.NewWasm(ctx, rt, o.Wasm, p, compute.DefaultColumn)
		}})
	}
	for _, j := range jobs {
		t0 := time.Now()
		k, err := j.k()
		if err != nil {
			return nil, fmt.Errorf("kernel %s: %w", j.name, err)
		}
		in := inputFor(stages, k)
		if in == nil {
			return nil, fmt.Errorf("kernel %s: no earlier stage has its input columns %v", j.name, compute.InputColumns(k))
		}
		schema, err := dataset.ComputeSchema(k.OutputColumns())
		if err != nil {
			return nil, err
		}
		rows, err := compute.RunShard(ctx, k, in.rows, in.schema, in.hashes, prov)
		if err != nil {
			return nil, fmt.Errorf("kernel %s over %s: %w", j.name, in.name, err)
		}
		d := &stageData{name: j.name, schema: schema, rows: rows}
		if err := add(d, t0); err != nil {
			return nil, err
		}
		stages = append(stages, d)
	}
	logf("pipedigest: %d stages in %s", len(out), time.Since(start).Round(time.Millisecond))
	return out, nil
}

// crawlStage serves each URL from the site in-process and makes its row as
// the static crawl path does. A refusal fails the run: no demo page is
// refused with these rules.
func crawlStage(site *demosite.Site, urls []string, spec api.CrawlSpec) (*stageData, error) {
	names := make([]string, len(spec.Fields))
	for i, f := range spec.Fields {
		names[i] = f.Name
	}
	schema, err := dataset.CrawlSchemaWith(names, dataset.CrawlOptions{MainText: spec.Extract.On()})
	if err != nil {
		return nil, err
	}
	d := &stageData{name: "crawl+extract", schema: schema}
	for _, u := range urls {
		rec := httptest.NewRecorder()
		site.ServeHTTP(rec, httptest.NewRequest("GET", u, nil))
		p, err := crawl.StaticPage(u, rec.Code, rec.Header(), rec.Body.Bytes(), spec)
		if err != nil {
			return nil, fmt.Errorf("crawl %s: %w", u, err)
		}
		d.rows = append(d.rows, dataset.CrawlRow(schema, *p, prov))
	}
	return d, nil
}

// inputFor is the first stage whose schema has every column k reads, with
// its type.
func inputFor(stages []*stageData, k compute.Kernel) *stageData {
	cols := compute.InputColumns(k)
	for _, s := range stages {
		ok := true
		for _, c := range cols {
			i := s.schema.Index(c.Name)
			if i < 0 || s.schema.Columns[i].Type != c.Type {
				ok = false
				break
			}
		}
		if ok {
			return s
		}
	}
	return nil
}

// digest hashes d's rows and fills in d.hashes, the source hashes of the
// stages that read d.
func digest(d *stageData) (Stage, error) {
	h, err := dataset.NewHasher(d.schema)
	if err != nil {
		return Stage{}, err
	}
	all := sha256.New()
	for i, r := range d.rows {
		b, err := h.Canonical(r)
		if err != nil {
			return Stage{}, fmt.Errorf("row %d: %w", i, err)
		}
		all.Write(b)
	}
	hashes := make([]dataset.Hash, len(d.rows))
	if err := h.HashRows(d.rows, hashes); err != nil {
		return Stage{}, err
	}
	d.hashes = make([][]byte, len(hashes))
	for i := range hashes {
		d.hashes[i] = hashes[i][:]
	}
	root := dataset.ContentRoot(append([]dataset.Hash(nil), hashes...))
	return Stage{Name: d.name, Rows: len(d.rows), SHA256: fmt.Sprintf("%x", all.Sum(nil)), Root: root.String()}, nil
}

// statuses counts the values of d's status columns (extract_status,
// wasm_status), for the log: a stage whose rows all failed alike would
// agree on every machine and prove little.
func statuses(d *stageData) string {
	var b strings.Builder
	for ci, c := range d.schema.Columns {
		if c.Type != dataset.TypeString || !strings.HasSuffix(c.Name, "_status") {
			continue
		}
		n := map[string]int{}
		for _, r := range d.rows {
			v, _ := r[ci].(string)
			n[v]++
		}
		keys := make([]string, 0, len(n))
		for k := range n {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(&b, "; %s:", c.Name)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s %d", k, n[k])
		}
	}
	return b.String()
}

// parseOutputs reads "name:type, name:type" into declared columns.
func parseOutputs(s string) ([]api.WasmColumn, error) {
	var cols []api.WasmColumn
	for _, f := range strings.Split(s, ",") {
		name, typ, ok := strings.Cut(strings.TrimSpace(f), ":")
		if !ok || name == "" || typ == "" {
			return nil, fmt.Errorf("%q: expected name:type", strings.TrimSpace(f))
		}
		cols = append(cols, api.WasmColumn{Name: name, Type: typ})
	}
	return cols, nil
}
