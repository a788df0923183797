package pipebench

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"fmt"
	"net/http"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/crawl"
	"github.com/meadow-net/meadow/dataset"
)

// shardPages is how many pages a crawl task takes; each later stage's task
// reads one crawl task's rows (after the filters), dedup all of them.
const shardPages = 64

// Stage names of the table and the metrics, in the pipeline's order.
const (
	stExtract  = "extract"
	stLanguage = "language"
	stQuality  = "quality"
	stPII      = "pii"
	stMinHash  = "minhash"
	stDedup    = "dedup"
	stTokens   = "tokens"
)

var stageOrder = []string{stExtract, stLanguage, stQuality, stPII, stMinHash, stDedup, stTokens}

// stageStat is one stage of one chain.
type stageStat struct {
	// rows is how many rows the stage's computation ran over: pages for
	// extraction, then the rows the filters before it kept. out is what
	// the next stage's filter keeps of them (extract_status ok, English
	// with score 0.65 or more, quality_keep, keep; all for the others).
	rows, out int
	// wall is the stage from its first task's start to its last task's
	// end (the next stage starts after it: a pipeline's stages are jobs in
	// turn).
	wall time.Duration
	// work is the time in the stage's computation, summed over tasks; io
	// (the network chain alone) the time in reading the input blob,
	// hashing, signing and writing the output blob.
	work, io time.Duration
}

// chainResult is one run of a chain.
type chainResult struct {
	stages map[string]*stageStat
	total  time.Duration
}

func newChainResult() *chainResult {
	r := &chainResult{stages: map[string]*stageStat{}}
	for _, s := range stageOrder {
		r.stages[s] = &stageStat{}
	}
	return r
}

// each runs f(0..n-1) on workers goroutines, each taking the next index
// when done with one, and returns the first error by index.
func each(workers, n int, f func(i int) error) error {
	errs := make([]error, n)
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				errs[i] = f(i)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// durations sums the time of concurrent tasks.
type durations struct {
	mu       sync.Mutex
	work, io time.Duration
}

func (d *durations) add(work, io time.Duration) {
	d.mu.Lock()
	d.work += work
	d.io += io
	d.mu.Unlock()
}

// blobRun is a run of rows of one task's blob: a shard part
// (api.ShardPart).
type blobRun struct {
	blob         []byte
	offset, rows int
}

// nodeKey signs the network chain's rows: a fixed key, so that runs make
// the same bytes.
func nodeKey() (*ecdsa.PrivateKey, error) {
	seed := bytes.Repeat([]byte{0x42}, 32)
	return crypto.ToECDSA(seed)
}

// network runs the pages through the pretrain pipeline as its nodes do,
// each stage's tasks on workers goroutines.
type network struct {
	pages   []page
	workers int
	key     *ecdsa.PrivateKey
	prov    dataset.Provenance
	p       api.PipelineSpec
	crawl   api.CrawlSpec
	header  http.Header
}

func newNetwork(pages []page, workers int) (*network, error) {
	key, err := nodeKey()
	if err != nil {
		return nil, err
	}
	urls := make([]string, len(pages))
	for i, pg := range pages {
		urls[i] = pg.url
	}
	p := api.PipelineSpec{Template: api.TemplatePretrain, Name: "pipebench", Crawl: &api.CrawlSpec{URLs: urls}}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if got, want := p.StageNames(), []string{api.StageCrawl, api.StageLanguage, api.StageQuality, api.StagePII, api.StageMinHash, api.StageDedup, api.StageTokens}; !slices.Equal(got, want) {
		return nil, fmt.Errorf("pipebench: the pretrain template's stages are %v; this benchmark knows %v", got, want)
	}
	// The tokens kernel's encoder pool, warmed as on a node that has
	// counted tokens before: the bare chain's encoders are made before its
	// run too.
	if _, err := compute.New(*p.StageSpec(6, "ds-input").WithDefaults().Compute); err != nil {
		return nil, err
	}
	job := p.StageSpec(0, "").WithDefaults()
	return &network{
		pages: pages, workers: workers, key: key, p: p, crawl: *job.Crawl,
		prov: dataset.Provenance{Node: crypto.PubkeyToAddress(key.PublicKey).Hex(), FetchedAt: 1_700_000_000_000},
		// What Apache httpd sends for these pages (AddDefaultCharset off):
		// the charset is the page's <meta>, as for most of the web. The
		// translations of Apache's manual are in EUC-JP, EUC-KR, KOI8-R...
		header: http.Header{"Content-Type": {"text/html"}},
	}, nil
}

// run runs every stage and returns their statistics.
func (n *network) run(ctx context.Context) (*chainResult, error) {
	res := newChainResult()
	start := time.Now()
	nShards := (len(n.pages) + shardPages - 1) / shardPages
	blobs := make([][]byte, nShards)
	rows := make([]int, nShards)
	var err error
	stage := func(name string, f func() error) {
		if err != nil {
			return
		}
		pprof.Do(ctx, pprof.Labels("stage", name), func(context.Context) {
			t0 := time.Now()
			err = f()
			res.stages[name].wall = time.Since(t0)
		})
	}

	// The crawl: each task's pages made into rows by the crawl's own code,
	// as a node's static fetch does once the body is in.
	stage(stExtract, func() error {
		var d durations
		var ok atomic.Int64
		err := each(n.workers, nShards, func(i int) error {
			pages := n.pages[i*shardPages : min((i+1)*shardPages, len(n.pages))]
			t0 := time.Now()
			schema, rs, err := n.crawlTask(pages)
			if err != nil {
				return err
			}
			ei := schema.Index(dataset.ColExtractStatus)
			for _, r := range rs {
				if r[ei] == api.ExtractOK {
					ok.Add(1)
				}
			}
			t1 := time.Now()
			blobs[i], err = n.commit(schema, rs)
			d.add(t1.Sub(t0), time.Since(t1))
			rows[i] = len(rs)
			return err
		})
		s := res.stages[stExtract]
		s.rows, s.out, s.work, s.io = len(n.pages), int(ok.Load()), d.work, d.io
		return err
	})

	// The compute stages before dedup: one task per crawl task's rows.
	for i, name := range []string{stLanguage, stQuality, stPII, stMinHash} {
		spec := *n.p.StageSpec(i+1, "ds-input").WithDefaults().Compute
		stage(name, func() error {
			var d durations
			var nrows, nout atomic.Int64
			err := each(n.workers, nShards, func(j int) error {
				blob, r, kept, work, io, err := n.computeTask(ctx, spec, []blobRun{{blob: blobs[j], rows: rows[j]}})
				blobs[j], rows[j] = blob, r
				nrows.Add(int64(r))
				nout.Add(int64(kept))
				d.add(work, io)
				return err
			})
			s := res.stages[name]
			s.rows, s.out, s.work, s.io = int(nrows.Load()), int(nout.Load()), d.work, d.io
			return err
		})
	}

	// Dedup: one task over the whole minhash dataset.
	var dedupBlob []byte
	var dedupRows int
	stage(stDedup, func() error {
		spec := *n.p.StageSpec(5, "ds-input").WithDefaults().Compute
		parts := make([]blobRun, 0, nShards)
		for j := range blobs {
			if rows[j] > 0 {
				parts = append(parts, blobRun{blob: blobs[j], rows: rows[j]})
			}
		}
		blob, r, kept, work, io, err := n.computeTask(ctx, spec, parts)
		dedupBlob, dedupRows = blob, r
		s := res.stages[stDedup]
		s.rows, s.out, s.work, s.io = r, kept, work, io
		return err
	})

	// Tokens: the dedup dataset cut into shards again.
	stage(stTokens, func() error {
		spec := *n.p.StageSpec(6, "ds-input").WithDefaults().Compute
		var d durations
		var nrows atomic.Int64
		nt := (dedupRows + shardPages - 1) / shardPages
		err := each(n.workers, nt, func(j int) error {
			part := blobRun{blob: dedupBlob, offset: j * shardPages, rows: min(shardPages, dedupRows-j*shardPages)}
			_, r, _, work, io, err := n.computeTask(ctx, spec, []blobRun{part})
			nrows.Add(int64(r))
			d.add(work, io)
			return err
		})
		s := res.stages[stTokens]
		s.rows, s.out, s.work, s.io = int(nrows.Load()), int(nrows.Load()), d.work, d.io
		return err
	})
	res.total = time.Since(start)
	return res, err
}

// crawlTask makes the rows of one crawl task as crawl.StaticPage and the
// node do: the page's rules (fields, text, main text with the pipeline's
// extraction settings), a row per page, a page whose row cannot be
// encoded refused.
func (n *network) crawlTask(pages []page) (dataset.Schema, []dataset.Row, error) {
	names := make([]string, len(n.crawl.Fields))
	for i, f := range n.crawl.Fields {
		names[i] = f.Name
	}
	schema, err := dataset.CrawlSchemaWith(names, dataset.CrawlOptions{MainText: n.crawl.Extract.On()})
	if err != nil {
		return dataset.Schema{}, nil, err
	}
	rows := make([]dataset.Row, 0, len(pages))
	for _, pg := range pages {
		p, err := crawl.StaticPage(pg.url, http.StatusOK, n.header, pg.html, n.crawl)
		if err != nil {
			if crawl.AsRefusal(err) != nil {
				continue
			}
			return dataset.Schema{}, nil, fmt.Errorf("crawl %s: %w", pg.url, err)
		}
		row := dataset.CrawlRow(schema, *p, n.prov)
		if _, err := dataset.HashRow(schema, row); err != nil {
			continue // the node refuses the URL
		}
		rows = append(rows, row)
	}
	return schema, rows, nil
}

// commit is what a node does with a task's rows: their hashes and content
// root (the commitment and the reveal), their signatures, and the blob it
// uploads, an Arrow stream.
func (n *network) commit(schema dataset.Schema, rows []dataset.Row) ([]byte, error) {
	h, err := dataset.NewHasher(schema)
	if err != nil {
		return nil, err
	}
	sums := make([]dataset.Hash, len(rows))
	if err := h.HashRows(rows, sums); err != nil {
		return nil, err
	}
	root := dataset.ContentRoot(slices.Clone(sums))
	if err := dataset.SignRows(schema, rows, n.key); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w, err := dataset.NewWriter(&buf, dataset.FormatArrowStream, schema)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	if got := w.Summary().Root; got != root {
		return nil, fmt.Errorf("pipebench: the blob's root %s is not the committed %s", got, root)
	}
	return buf.Bytes(), nil
}

// computeTask runs one compute task as node.runCompute does: the kernel,
// the shard's rows read from its blobs (the kernel's columns and the
// stage's), compute.where and compute.carry, then commit. It returns the
// output blob, its row count, how many of its rows the next stage's filter
// keeps, and the time in the kernel and in the rest.
func (n *network) computeTask(ctx context.Context, spec api.ComputeSpec, parts []blobRun) (blob []byte, rows, kept int, work, io time.Duration, err error) {
	t0 := time.Now()
	k, err := compute.New(api.ComputeSpec{
		Input: spec.Input, Column: spec.Column, Kernel: spec.Kernel,
		MinHash: spec.MinHash, Embed: spec.Embed, Tokens: spec.Tokens,
		Quality: spec.Quality, PII: spec.PII, Language: spec.Language,
	})
	if err != nil {
		return nil, 0, 0, 0, 0, err
	}
	t1 := time.Now()
	extra, all := api.StageColumns(spec.Where, spec.Carry)
	in, err := readShard(parts, compute.InputColumns(k), extra, all)
	if err != nil {
		return nil, 0, 0, 0, 0, err
	}
	t2 := time.Now()
	st, err := dataset.NewStage(in.Schema, k.OutputColumns(), spec.Where, spec.Carry)
	if err != nil {
		return nil, 0, 0, 0, 0, err
	}
	schema, out, err := compute.RunStage(ctx, k, st, in.Rows, in.Schema, in.Hashes, n.prov)
	if err != nil {
		return nil, 0, 0, 0, 0, fmt.Errorf("%s: %w", spec.Kernel, err)
	}
	t3 := time.Now()
	kept = keptByNext(schema, out, n.p, spec.Kernel)
	t4 := time.Now()
	blob, err = n.commit(schema, out)
	work = t1.Sub(t0) + t3.Sub(t2)
	io = t2.Sub(t1) + time.Since(t4)
	return blob, len(out), kept, work, io, err
}

// keptByNext counts the rows the next stage's compute.where keeps, for the
// table (not timed).
func keptByNext(schema dataset.Schema, rows []dataset.Row, p api.PipelineSpec, kernel string) int {
	var where []api.Condition
	switch kernel {
	case api.KernelLanguage:
		where = p.StageSpec(2, "ds-input").Compute.Where
	case api.KernelQuality:
		where = p.StageSpec(3, "ds-input").Compute.Where
	case api.KernelDedup:
		where = p.StageSpec(6, "ds-input").Compute.Where
	default:
		return len(rows)
	}
	st, err := dataset.NewStage(schema, nil, where, nil)
	if err != nil {
		return -1
	}
	n := 0
	for _, r := range rows {
		if st.Keep(r) {
			n++
		}
	}
	return n
}

// readShard is node.readShard over blobs in memory.
func readShard(parts []blobRun, cols []dataset.Column, extra []string, all bool) (*compute.ShardInput, error) {
	in := compute.NewShardInput(cols, extra, all, 0)
	for pi, part := range parts {
		if err := in.AddPart(bytes.NewReader(part.blob), int64(part.offset), int64(part.rows)); err != nil {
			return nil, fmt.Errorf("part %d: %w", pi, err)
		}
	}
	return in, nil
}
