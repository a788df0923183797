package text

import (
	"sync/atomic"
	"testing"
)

// The benchmark corpus: 2,000 web-like documents of 2–6 KB (about 8 MB),
// built from a fixed seed (helpers_test.go), so every machine measures the
// same bytes. b.SetBytes makes `go test -bench` report MB/s; every
// benchmark but the *Parallel ones runs on one goroutine, so that figure
// is per core.
var benchDocs = webCorpus(2000, 4000)

func benchBytes() int64 {
	var n int64
	for _, d := range benchDocs {
		n += int64(len(d))
	}
	return n
}

func BenchmarkSignals(b *testing.B) {
	p := DefaultParams()
	b.SetBytes(benchBytes())
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range benchDocs {
			p.Signals(d)
		}
	}
	b.ReportMetric(float64(len(benchDocs))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkKeep(b *testing.B) {
	p := DefaultParams()
	sigs := make([]Signals, len(benchDocs))
	for i, d := range benchDocs {
		sigs[i], _ = p.Signals(d)
	}
	b.SetBytes(benchBytes())
	for b.Loop() {
		for _, s := range sigs {
			p.Keep(s)
		}
	}
	b.ReportMetric(float64(len(benchDocs))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkC4Lines(b *testing.B) {
	p := DefaultParams().C4
	b.SetBytes(benchBytes())
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range benchDocs {
			C4Lines(d, p)
		}
	}
	b.ReportMetric(float64(len(benchDocs))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkMaskPII(b *testing.B) {
	p := DefaultPIIParams()
	b.SetBytes(benchBytes())
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range benchDocs {
			MaskPII(d, p)
		}
	}
	b.ReportMetric(float64(len(benchDocs))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkSignalsParallel runs Signals on GOMAXPROCS goroutines (-cpu 1,2)
// to show how the kernel scales across a node's cores.
func BenchmarkSignalsParallel(b *testing.B) {
	p := DefaultParams()
	b.SetBytes(benchBytes() / int64(len(benchDocs)))
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			p.Signals(benchDocs[int(next.Add(1))%len(benchDocs)])
		}
	})
}
