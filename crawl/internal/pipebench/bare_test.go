package pipebench

import (
	"bytes"
	"context"
	"encoding/binary"
	"runtime/pprof"
	"sync/atomic"
	"time"

	"github.com/abadojack/whatlanggo"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"github.com/pkoukk/tiktoken-go"
	tiktokenloader "github.com/pkoukk/tiktoken-go-loader"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/compute/extract"
	"github.com/meadow-net/meadow/compute/langid"
	"github.com/meadow-net/meadow/compute/text"
)

// doc is one page's text through the bare chain.
type doc struct {
	id    int // the page's index: its source hash for clustering
	text  string
	bands []uint64
	keep  bool
}

// bare runs the pages through the bare library calls, with the shards and
// goroutines of the network chain and the same filters between stages.
type bare struct {
	pages   []page
	workers int
	// encoders are the workers' tiktoken encoders, made before the run as
	// the tokens kernel's pool has its encoder made before a task.
	encoders chan *tiktoken.Tiktoken
}

func newBare(pages []page, workers int) (*bare, error) {
	tiktoken.SetBpeLoader(tiktokenloader.NewOfflineLoader())
	b := &bare{pages: pages, workers: workers, encoders: make(chan *tiktoken.Tiktoken, workers)}
	for range workers {
		e, err := tiktoken.GetEncoding(compute.DefaultEncoding)
		if err != nil {
			return nil, err
		}
		b.encoders <- e
	}
	return b, nil
}

// trafilaturaOptions are compute/extract's settings as the library takes
// them (BenchmarkExtractTrafilatura's).
var trafilaturaOptions = trafilatura.Options{
	Focus: trafilatura.FavorPrecision, EnableFallback: true, ExcludeComments: true, Deduplicate: true,
	HtmlDateMode: trafilatura.Fast,
}

func (b *bare) run(ctx context.Context) (*chainResult, error) {
	res := newChainResult()
	start := time.Now()
	nShards := (len(b.pages) + shardPages - 1) / shardPages
	shards := make([][]doc, nShards)
	var err error
	// perShard runs f over each shard's docs on the workers, f returning
	// the docs the next stage reads.
	perShard := func(name string, f func(docs []doc) ([]doc, error)) {
		if err != nil {
			return
		}
		pprof.Do(ctx, pprof.Labels("stage", name), func(context.Context) {
			var nrows, nout, work atomic.Int64
			t0 := time.Now()
			err = each(b.workers, nShards, func(i int) error {
				t := time.Now()
				nrows.Add(int64(len(shards[i])))
				out, err := f(shards[i])
				shards[i] = out
				nout.Add(int64(len(out)))
				work.Add(int64(time.Since(t)))
				return err
			})
			s := res.stages[name]
			s.wall, s.work = time.Since(t0), time.Duration(work.Load())
			s.rows, s.out = int(nrows.Load()), int(nout.Load())
		})
	}

	for i := range shards {
		for j := i * shardPages; j < min((i+1)*shardPages, len(b.pages)); j++ {
			shards[i] = append(shards[i], doc{id: j})
		}
	}
	perShard(stExtract, func(docs []doc) ([]doc, error) {
		var out []doc
		for _, d := range docs {
			r, err := trafilatura.Extract(bytes.NewReader(b.pages[d.id].html), trafilaturaOptions)
			if err != nil || r == nil || r.ContentNode == nil {
				continue
			}
			if d.text = extract.Lines(r.ContentNode); d.text == "" {
				continue
			}
			out = append(out, d)
		}
		return out, nil
	})
	perShard(stLanguage, func(docs []doc) ([]doc, error) {
		var out []doc
		for _, d := range docs {
			info := whatlanggo.DetectWithOptions(prefix(d.text, langid.DefaultMaxBytes), whatlanggo.Options{})
			if info.Lang == whatlanggo.Eng && info.Confidence >= api.DefaultMinLanguageScore {
				out = append(out, d)
			}
		}
		return out, nil
	})
	p := text.DefaultParams()
	perShard(stQuality, func(docs []doc) ([]doc, error) {
		var out []doc
		for _, d := range docs {
			s, t := p.Signals(d.text)
			if keep, _ := p.Keep(s); keep {
				d.text = t
				out = append(out, d)
			}
		}
		return out, nil
	})
	pii := text.DefaultPIIParams()
	perShard(stPII, func(docs []doc) ([]doc, error) {
		for i := range docs {
			docs[i].text, _ = text.MaskPII(docs[i].text, pii)
		}
		return docs, nil
	})
	cfg, cerr := compute.NewMinHashConfig(nil)
	if cerr != nil && err == nil {
		err = cerr
	}
	perShard(stMinHash, func(docs []doc) ([]doc, error) {
		texts := make([]string, len(docs))
		for i, d := range docs {
			texts[i] = d.text
		}
		_, bands, err := compute.MinHashCPU(ctx, &cfg, texts)
		for i := range docs {
			docs[i].bands = bands[i]
		}
		return docs, err
	})

	// Dedup: the band clustering over every row, one task.
	var all []doc
	if err == nil {
		pprof.Do(ctx, pprof.Labels("stage", stDedup), func(context.Context) {
			t0 := time.Now()
			for _, s := range shards {
				all = append(all, s...)
			}
			src := make([][]byte, len(all))
			bands := make([][]uint64, len(all))
			buf := make([]byte, 32*len(all))
			for i, d := range all {
				src[i] = buf[32*i : 32*(i+1)]
				binary.BigEndian.PutUint64(src[i][24:], uint64(d.id))
				bands[i] = d.bands
			}
			var ms []compute.Membership
			ms, err = compute.ClusterBands(src, bands)
			kept := 0
			for i := range ms {
				all[i].keep = ms[i].Keep
				if ms[i].Keep {
					kept++
				}
			}
			s := res.stages[stDedup]
			s.wall = time.Since(t0)
			s.work, s.rows, s.out = s.wall, len(all), kept
		})
	}

	// Tokens: the dedup output cut into shards again, as the network chain
	// does; each shard counts its kept rows' tokens.
	if err == nil {
		nt := (len(all) + shardPages - 1) / shardPages
		shards = make([][]doc, nt)
		for i := range shards {
			for _, d := range all[i*shardPages : min((i+1)*shardPages, len(all))] {
				if d.keep {
					shards[i] = append(shards[i], d)
				}
			}
		}
		nShards = nt
		var tokens atomic.Int64
		perShard(stTokens, func(docs []doc) ([]doc, error) {
			enc := <-b.encoders
			defer func() { b.encoders <- enc }()
			n := 0
			for _, d := range docs {
				n += len(enc.EncodeOrdinary(d.text))
			}
			tokens.Add(int64(n))
			return docs, nil
		})
	}
	res.total = time.Since(start)
	return res, err
}

// prefix is the first max bytes of s, cut between characters.
func prefix(s string, max int) string {
	if len(s) <= max {
		return s
	}
	n := max
	for i := 0; i < 3 && n > 0 && s[n]&0xC0 == 0x80; i++ {
		n--
	}
	return s[:n]
}
