package compute

import (
	"context"
	"testing"

	"github.com/meadow-net/meadow/api"
)

// Benchmarks: `go test ./compute/ -run '^$' -bench . -benchtime 5x`
// (MinHashCPUParallel: -benchtime 20000x -cpu 1,2). MB/s is input text;
// rows/s is reported beside it. The corpus is rows of about 2 KB drawn from
// a small vocabulary, 4.9 bytes per word: shorter words than running English
// prose (~5.9), so more word shingles per byte and a lower MB/s; the
// shingles/s figure does not depend on that.

const benchRowBytes = 2048

func reportRows(b *testing.B, rows int) {
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkMinHashCPU(b *testing.B) {
	for _, p := range []struct {
		name string
		p    api.MinHashParams
	}{
		{name: "word3-128", p: api.MinHashParams{}},
		{name: "char5-128", p: api.MinHashParams{Shingle: "char"}},
	} {
		b.Run(p.name, func(b *testing.B) {
			texts := englishCorpus(1000, benchRowBytes)
			cfg, err := NewMinHashConfig(&p.p)
			if err != nil {
				b.Fatal(err)
			}
			shingles := 0
			m := newMinhasher(&cfg)
			for _, t := range texts {
				shingles += len(m.shingles(t))
			}
			b.SetBytes(totalBytes(texts))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, err := MinHashCPU(context.Background(), &cfg, texts); err != nil {
					b.Fatal(err)
				}
			}
			reportRows(b, len(texts))
			b.ReportMetric(float64(shingles)*float64(b.N)/b.Elapsed().Seconds(), "shingles/s")
		})
	}
}

// BenchmarkMinHashCPUParallel computes rows on every core at once (one
// minhasher per goroutine): the node's throughput when it gives every core
// to the job. One iteration is one row.
func BenchmarkMinHashCPUParallel(b *testing.B) {
	texts := englishCorpus(256, benchRowBytes)
	cfg, _ := NewMinHashConfig(nil)
	b.SetBytes(totalBytes(texts) / int64(len(texts)))
	b.RunParallel(func(pb *testing.PB) {
		m := newMinhasher(&cfg)
		sig, bands := make([]uint32, cfg.Permutations), make([]uint64, cfg.Bands)
		i := 0
		for pb.Next() {
			m.sign(texts[i%len(texts)], sig, bands)
			i++
		}
	})
	reportRows(b, 1)
}

func BenchmarkMinHashGPU(b *testing.B) {
	g := testGPU(b)
	for _, p := range []struct {
		name string
		p    api.MinHashParams
	}{
		{name: "word3-128", p: api.MinHashParams{}},
		{name: "char5-128", p: api.MinHashParams{Shingle: "char"}},
	} {
		b.Run(p.name, func(b *testing.B) {
			texts := englishCorpus(50_000, benchRowBytes)
			cfg, _ := NewMinHashConfig(&p.p)
			if _, _, err := g.MinHash(context.Background(), &cfg, texts[:100]); err != nil { // warm up
				b.Fatal(err)
			}
			b.SetBytes(totalBytes(texts))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, err := g.MinHash(context.Background(), &cfg, texts); err != nil {
					b.Fatal(err)
				}
			}
			reportRows(b, len(texts))
		})
	}
}

func BenchmarkEmbedCPU(b *testing.B) {
	m, err := BuiltinModel(DefaultModel)
	if err != nil {
		b.Fatal(err)
	}
	texts := englishCorpus(1000, benchRowBytes)
	b.SetBytes(totalBytes(texts))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := EmbedCPU(context.Background(), m, texts); err != nil {
			b.Fatal(err)
		}
	}
	reportRows(b, len(texts))
}

func BenchmarkEmbedGPU(b *testing.B) {
	g := testGPU(b)
	m, _ := BuiltinModel(DefaultModel)
	texts := englishCorpus(50_000, benchRowBytes)
	if _, err := g.Embed(context.Background(), m, texts[:100]); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(totalBytes(texts))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := g.Embed(context.Background(), m, texts); err != nil {
			b.Fatal(err)
		}
	}
	reportRows(b, len(texts))
}

func BenchmarkTokens(b *testing.B) {
	for _, enc := range Encodings() {
		b.Run(enc, func(b *testing.B) {
			k, err := New(api.ComputeSpec{Kernel: api.KernelTokens, Tokens: &api.TokenParams{Encoding: enc}})
			if err != nil {
				b.Fatal(err)
			}
			texts := englishCorpus(200, benchRowBytes)
			b.SetBytes(totalBytes(texts))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := k.Run(context.Background(), texts); err != nil {
					b.Fatal(err)
				}
			}
			reportRows(b, len(texts))
		})
	}
}

// BenchmarkTokensTasks runs one tokens task per core at once, as a node
// with max-concurrent tasks does: rows/s over all of them. Tasks share one
// encoder (compute/tokens.go), so on a 2-core node two tasks take twice
// the rows of one.
func BenchmarkTokensTasks(b *testing.B) {
	k, err := New(api.ComputeSpec{Kernel: api.KernelTokens, Tokens: &api.TokenParams{Encoding: EncodingCL100K}})
	if err != nil {
		b.Fatal(err)
	}
	texts := englishCorpus(200, benchRowBytes)
	b.SetBytes(totalBytes(texts))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := k.Run(context.Background(), texts); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportRows(b, len(texts))
}

// BenchmarkMinPerm times the inner loop alone: ns per shingle and
// permutation, four lanes at a time (assembly on amd64) against minPermGo,
// and against the plain exact loop the filter replaced.
func BenchmarkMinPerm(b *testing.B) {
	cfg, _ := NewMinHashConfig(nil)
	m := newMinhasher(&cfg)
	xs := append([]uint64(nil), m.shingles(englishCorpus(1, benchRowBytes)[0])...)
	exact := func(xs []uint64, a, b uint64) uint64 {
		m := ^uint64(0)
		for _, x := range xs {
			m = min(m, mulAddMod61(a, x, b))
		}
		return m
	}
	for _, v := range []struct {
		name string
		f    func([]uint64, uint64, uint64) uint64
	}{{"go", minPermGo}, {"exact", exact}} {
		b.Run(v.name, func(b *testing.B) {
			sink := uint64(0)
			for i := 0; i < b.N; i++ {
				for j := range cfg.A {
					sink += v.f(xs, cfg.A[j], cfg.B[j])
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs)*len(cfg.A)), "ns/eval")
			if sink == 1 {
				b.Log(sink)
			}
		})
	}
	b.Run("lanes4", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for j := range m.lanes {
				g := &m.lanes[j]
				g.min = [4]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
				minPerm4(xs, g)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs)*4*len(m.lanes)), "ns/eval")
	})
}
