package compute

import (
	"context"
	"testing"

	"github.com/meadow-net/meadow/api"
)

// Benchmarks: `go test ./compute/ -run '^$' -bench . -benchtime 3x`.
// MB/s is input text; rows/s is reported beside it. The corpus is English-
// like text of about 2 KB a row (one word shingle per ~6 bytes).

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
			b.SetBytes(totalBytes(texts))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, err := MinHashCPU(context.Background(), &cfg, texts); err != nil {
					b.Fatal(err)
				}
			}
			reportRows(b, len(texts))
		})
	}
}

// BenchmarkMinHashCPUParallel runs one MinHashCPU per core: the node's
// throughput when it gives every core to the job.
func BenchmarkMinHashCPUParallel(b *testing.B) {
	texts := englishCorpus(100, benchRowBytes)
	cfg, _ := NewMinHashConfig(nil)
	b.SetBytes(totalBytes(texts))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := MinHashCPU(context.Background(), &cfg, texts); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportRows(b, len(texts))
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
