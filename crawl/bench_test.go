package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gocolly/colly/v2"

	"github.com/meadow-net/meadow/api"
)

// benchSite serves pages of about 5 KB: a title, a heading, navigation,
// paragraphs and links, like an article page.
func benchSite(b *testing.B) (*site, *fakeResolver) {
	b.Helper()
	var para strings.Builder
	for i := range 40 {
		fmt.Fprintf(&para, "<p>Paragraph %d of the article, with <a href=\"/p/%d\">a link</a> and some <b>bold</b> words to extract.</p>\n", i, i)
	}
	body := para.String()
	s := newSite(b, allowedIP, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nDisallow: /private\n")
			return
		}
		htmlPage(w, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Page `+r.URL.Path+`</title></head><body>
<nav><a href="/">home</a><a href="/about">about</a></nav><article><h1 class="t">Heading `+r.URL.Path+`</h1>`+body+`</article>
<div class="ad">ad</div><script>var x = 1;</script></body></html>`)
	}))
	res := newFakeResolver()
	res.set("bench.site-e.com", []netip.Addr{allowedIP})
	return s, res
}

var benchSpec = api.CrawlSpec{
	Fields: []api.FieldRule{
		{Name: "title", Selector: "title"},
		{Name: "heading", Selector: "h1.t"},
		{Name: "first_link", Selector: "article a", Attr: "href"},
	},
	TextSelector: "article",
	Exclude:      []string{".ad", "nav"},
}

const benchTask = 25 // URLs per Fetch, a task's default size

// BenchmarkStaticPages compares Meadow's static path (policy dial, robots,
// politeness, metered transport, extraction) with plain colly doing the same
// extraction through OnHTML callbacks, on the same local site in the same
// run. Report: pages/s.
func BenchmarkStaticPages(b *testing.B) {
	s, res := benchSite(b)
	for _, par := range []int{1, 4} {
		b.Run(fmt.Sprintf("meadow/p%d", par), func(b *testing.B) {
			cfg := testConfig(res, nil)
			cfg.MaxConcurrent, cfg.PerDomainConcurrency, cfg.RenderJS = par, par, false
			c := newTestCrawler(b, cfg)
			urls := make([]string, benchTask)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for j := range urls {
					urls[j] = s.url("bench.site-e.com", fmt.Sprintf("/a/%d/%d", i, j))
				}
				out, err := c.Fetch(context.Background(), urls, benchSpec)
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range out {
					if r.Page == nil || r.Page.Fields["heading"] == nil {
						b.Fatalf("%s", describe(r))
					}
				}
			}
			b.ReportMetric(float64(b.N*benchTask)/b.Elapsed().Seconds(), "pages/s")
		})
		b.Run(fmt.Sprintf("colly/p%d", par), func(b *testing.B) {
			col := colly.NewCollector(colly.Async(par > 1), colly.AllowURLRevisit())
			if par > 1 {
				col.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: par})
			}
			var got atomic.Int64
			var title, heading, link, text string
			col.OnHTML("title", func(e *colly.HTMLElement) { title = e.Text })
			col.OnHTML("h1.t", func(e *colly.HTMLElement) { heading = e.Text })
			col.OnHTML("article a[href]", func(e *colly.HTMLElement) { link = e.Request.AbsoluteURL(e.Attr("href")) })
			col.OnHTML("article", func(e *colly.HTMLElement) { text = e.Text; got.Add(1) })
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for j := range benchTask {
					col.Visit(s.url("127.0.0.1", fmt.Sprintf("/b/%d/%d", i, j)))
				}
				col.Wait()
			}
			b.ReportMetric(float64(b.N*benchTask)/b.Elapsed().Seconds(), "pages/s")
			if got.Load() != int64(b.N*benchTask) {
				b.Fatalf("colly extracted %d pages of %d", got.Load(), b.N*benchTask)
			}
			_, _, _, _ = title, heading, link, text
		})
	}
}

// BenchmarkRenderedPages measures the Chromium path: pages/s with two and
// four tabs, and the memory (PSS) of all of Chromium's processes.
func BenchmarkRenderedPages(b *testing.B) {
	requireChromium(b)
	s, res := benchSite(b)
	for _, tabs := range []int{2, 4} {
		b.Run(fmt.Sprintf("tabs%d", tabs), func(b *testing.B) { benchRendered(b, s, res, tabs) })
	}
}

func benchRendered(b *testing.B, s *site, res *fakeResolver, tabs int) {
	cfg := testConfig(res, nil)
	cfg.MaxConcurrent, cfg.MaxTabs = tabs, tabs
	c := newTestCrawler(b, cfg)
	spec := benchSpec
	spec.RenderJS = true
	const batch = 10
	urls := make([]string, batch)
	var peak int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range urls {
			urls[j] = s.url("bench.site-e.com", fmt.Sprintf("/r/%d/%d/%d", tabs, i, j))
		}
		out, err := c.Fetch(context.Background(), urls, spec)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range out {
			if r.Page == nil {
				b.Fatalf("%s", describe(r))
			}
		}
		peak = max(peak, c.BrowserMemory())
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(peak)/(1<<20), "chromium-MiB")
}
