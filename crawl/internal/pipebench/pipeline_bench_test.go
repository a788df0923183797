package pipebench

import (
	"context"
	"fmt"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

// benchPages is the benchmark's corpus: about 11 MB of HTML, a run of both
// chains in well under two minutes on two cores.
const benchPages = 400

// warmPages is the untimed run's pages.
const warmPages = 16

// workers is how many goroutines run each stage's tasks: the two cores the
// comparison is made on.
const workers = 2

// runChains runs the network chain, then the bare chain, on pages, each
// after a garbage collection so that neither pays for the other's garbage.
func runChains(tb testing.TB, pages []page) (netRes, bareRes *chainResult) {
	tb.Helper()
	ctx := context.Background()
	n, err := newNetwork(pages, workers)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := newBare(pages, workers)
	if err != nil {
		tb.Fatal(err)
	}
	runtime.GC()
	pprof.Do(ctx, pprof.Labels("chain", "network"), func(ctx context.Context) {
		netRes, err = n.run(ctx)
	})
	if err != nil {
		tb.Fatalf("network chain: %v", err)
	}
	runtime.GC()
	pprof.Do(ctx, pprof.Labels("chain", "bare"), func(ctx context.Context) {
		bareRes, err = b.run(ctx)
	})
	if err != nil {
		tb.Fatalf("bare chain: %v", err)
	}
	return netRes, bareRes
}

// BenchmarkPretrainPipeline times the pretrain pipeline's data path
// (network) against the bare library calls (bare) on the same real pages,
// each stage's tasks on two goroutines:
//
//	go test ./crawl/internal/pipebench/ -run '^$' -bench PretrainPipeline -benchtime 1x -count 2 -v
//
// bare/net is the bare chain's time over the network chain's: the share of
// the network's time the libraries themselves take (1 would be no
// overhead). The CPU profile's samples carry the labels chain (network,
// bare) and stage: go tool pprof -tagfocus chain=network,stage=tokens.
func BenchmarkPretrainPipeline(b *testing.B) {
	pages := loadPages(b, benchPages)
	mb := float64(corpusBytes(pages)) / 1e6
	b.Logf("%d pages, %.2f MB of HTML, shards of %d pages, %d goroutines, GOMAXPROCS %d",
		len(pages), mb, shardPages, workers, runtime.GOMAXPROCS(0))
	// One untimed run over a few pages first: the libraries' lazy set-up
	// (compiled patterns, tables) would otherwise fall on whichever chain
	// runs first.
	runChains(b, pages[:warmPages])
	var netSum, bareSum time.Duration
	stageNet := map[string]time.Duration{}
	stageBare := map[string]time.Duration{}
	for b.Loop() {
		netRes, bareRes := runChains(b, pages)
		netSum += netRes.total
		bareSum += bareRes.total
		for _, s := range stageOrder {
			stageNet[s] += netRes.stages[s].wall
			stageBare[s] += bareRes.stages[s].wall
		}
		b.Log("\n" + table(netRes, bareRes))
	}
	runs := float64(b.N)
	netS, bareS := netSum.Seconds()/runs, bareSum.Seconds()/runs
	b.ReportMetric(mb/netS, "net-MB/s")
	b.ReportMetric(mb/bareS, "bare-MB/s")
	b.ReportMetric(float64(len(pages))/netS, "net-pages/s")
	b.ReportMetric(float64(len(pages))/bareS, "bare-pages/s")
	b.ReportMetric(bareS/netS, "bare/net")
	for _, s := range stageOrder {
		b.ReportMetric(stageNet[s].Seconds()/runs, "net-"+s+"-s")
		b.ReportMetric(stageBare[s].Seconds()/runs, "bare-"+s+"-s")
	}
}

// table lays out a run of both chains: per stage the rows computed and
// passed on, the wall time of each chain, the network's I/O share (blob
// reads, hashes, signatures, blob writes, summed over tasks) and bare/net.
func table(n, b *chainResult) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-8s %13s %13s %8s %8s %8s %8s\n", "stage", "net rows→out", "bare rows→out", "net s", "net io Σs", "bare s", "bare/net")
	for _, s := range stageOrder {
		ns, bs := n.stages[s], b.stages[s]
		fmt.Fprintf(&sb, "%-8s %13s %13s %8.3f %8.3f %8.3f %8.2f\n", s,
			fmt.Sprintf("%d→%d", ns.rows, ns.out), fmt.Sprintf("%d→%d", bs.rows, bs.out),
			ns.wall.Seconds(), ns.io.Seconds(), bs.wall.Seconds(), ratio(bs.wall, ns.wall))
	}
	fmt.Fprintf(&sb, "%-8s %13s %13s %8.3f %8s %8.3f %8.2f", "total", "", "", n.total.Seconds(), "", b.total.Seconds(), ratio(b.total, n.total))
	return sb.String()
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return a.Seconds() / b.Seconds()
}

// TestPipelineChainsAgree runs both chains over a few pages and checks
// that they hand the same number of rows from stage to stage where the
// two chains' definitions agree (see the checks), so that the benchmark
// compares the same work.
func TestPipelineChainsAgree(t *testing.T) {
	pages := loadPages(t, 21)
	n, b := runChains(t, pages)
	t.Log("\n" + table(n, b))
	for _, s := range []string{stExtract, stLanguage} {
		if got, want := n.stages[s].out, b.stages[s].out; got != want {
			t.Errorf("%s: the network chain passes on %d rows, the bare chain %d", s, got, want)
		}
	}
}
