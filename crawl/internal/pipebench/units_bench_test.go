package pipebench

import (
	"context"
	"math"
	"net/http"
	"runtime"
	"time"

	"testing"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/crawl"
	"github.com/meadow-net/meadow/rewards"
)

// BenchmarkMainTextUnits measures what rewards.MainTextUnits stands for: the
// CPU a crawl row's main text adds, in token counts of a row (the unit the
// rates are relative to, rewards/units.go). On one goroutine, over the same
// real pages and interleaved so that the machine's drift hits each pass
// alike, it times three passes and keeps each one's fastest:
//
//   - plain: crawl.StaticPage with the pretrain template's crawl spec,
//     extract off (the page's fields and text);
//   - main: the same with extract on, as a pretrain crawl runs;
//   - tokens: the tokens kernel (cl100k_base) over the main text of the
//     pages that had one, as the pipeline's last stage counts it.
//
// extract-token-counts is (main − plain) a page over tokens a row:
//
//	go test ./crawl/internal/pipebench/ -run '^$' -bench MainTextUnits -benchtime 5x
func BenchmarkMainTextUnits(b *testing.B) {
	pages := loadPages(b, 400)
	n, err := newNetwork(pages, 1)
	if err != nil {
		b.Fatal(err)
	}
	withText := n.crawl
	plain := n.crawl
	plain.Extract = nil
	header := http.Header{"Content-Type": {"text/html"}}
	var texts []string
	for _, pg := range pages {
		p, err := crawl.StaticPage(pg.url, http.StatusOK, header, pg.html, withText)
		if err == nil && p.Main != nil && p.Main.Status == api.ExtractOK {
			texts = append(texts, p.Main.Text)
		}
	}
	k, err := compute.New(api.ComputeSpec{Kernel: api.KernelTokens}.WithDefaults())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	crawlPass := func(spec api.CrawlSpec) func() {
		return func() {
			for _, pg := range pages {
				if _, err := crawl.StaticPage(pg.url, http.StatusOK, header, pg.html, spec); err != nil && crawl.AsRefusal(err) == nil {
					b.Fatal(err)
				}
			}
		}
	}
	passes := []func(){
		crawlPass(plain),
		crawlPass(withText),
		func() {
			if _, err := k.Run(ctx, texts); err != nil {
				b.Fatal(err)
			}
		},
	}
	best := []time.Duration{math.MaxInt64, math.MaxInt64, math.MaxInt64}
	for b.Loop() {
		for i, pass := range passes {
			runtime.GC()
			start := time.Now()
			pass()
			best[i] = min(best[i], time.Since(start))
		}
	}
	perPage := func(d time.Duration, n int) float64 { return d.Seconds() * 1e3 / float64(n) }
	plainMS, mainMS, tokenMS := perPage(best[0], len(pages)), perPage(best[1], len(pages)), perPage(best[2], len(texts))
	b.ReportMetric(plainMS, "plain-ms/page")
	b.ReportMetric(mainMS, "maintext-ms/page")
	b.ReportMetric(tokenMS, "tokens-ms/row")
	b.ReportMetric((mainMS-plainMS)/tokenMS, "extract-token-counts")
	b.Logf("%d pages, %d with main text; rewards.MainTextUnits is %d", len(pages), len(texts), rewards.MainTextUnits)
}
