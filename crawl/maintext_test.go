package crawl_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute/extract"
	"github.com/meadow-net/meadow/crawl"
	"github.com/meadow-net/meadow/crawl/htmldoc"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/devnet"
)

// demoSite serves devnet's demo site on 127.0.0.1.
func demoSite(t testing.TB) (*devnet.Site, string) {
	t.Helper()
	return demoSiteWith(t, devnet.DefaultSiteConfig())
}

func demoSiteWith(t testing.TB, cfg devnet.SiteConfig) (*devnet.Site, string) {
	t.Helper()
	site := devnet.NewSite(cfg)
	srv := httptest.NewUnstartedServer(site)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return site, srv.URL
}

// demoCrawler is a development crawler that may reach 127.0.0.1 only.
func demoCrawler(t testing.TB) *crawl.Crawler {
	t.Helper()
	cfg := crawl.DefaultConfig()
	cfg.Development = true
	cfg.Policy.AllowList = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	cfg.PerDomainDelay = 0
	cfg.PerDomainConcurrency = 4
	cfg.FetchTimeout = 10 * time.Second
	cfg.RenderIdle = 2 * time.Second
	c, err := crawl.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// demoSpec is the demo job's rules (the volatile clock and ad excluded)
// with main-text extraction on.
func demoSpec(urls []string, e *api.ExtractSpec) api.CrawlSpec {
	return api.CrawlSpec{
		URLs:         urls,
		Fields:       []api.FieldRule{{Name: "title", Selector: "h1.title"}},
		TextSelector: "article",
		Exclude:      []string{".clock", ".ad"},
		Extract:      e,
	}
}

// volatile matches the demo site's clock and ad, as the spec's exclude
// list names them: the reference extraction reads the page without them.
var volatile = regexp.MustCompile(`<div class="clock">[^<]*</div>|<aside class="ad">[^<]*</aside>`)

// served fetches a page as the site serves it: its bytes and Content-Type.
func served(t testing.TB, u string) ([]byte, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b, resp.Header.Get("Content-Type")
}

// reference is the bare extractor on the served bytes less the volatile
// parts, with the options e resolves to, as a crawl row records it.
func reference(t testing.TB, u string, e *api.ExtractSpec) *dataset.MainText {
	t.Helper()
	body, ct := served(t, u)
	o := extract.DefaultOptions()
	o.Focus = extract.Focus(e.Focus)
	o.Fallback = e.FallbackOn()
	o.ExcludeTables = e.ExcludeTables
	o.MaxBytes = e.MaxBytes
	o.LatestDate = e.LatestTime()
	o.ContentType = ct
	res, err := extract.Extract(volatile.ReplaceAll(body, nil), u, o)
	switch {
	case errors.Is(err, extract.ErrEmpty):
		return &dataset.MainText{Status: api.ExtractEmpty}
	case errors.Is(err, extract.ErrNotHTML):
		return &dataset.MainText{Status: api.ExtractNotHTML}
	case errors.Is(err, extract.ErrNoText):
		return &dataset.MainText{Status: api.ExtractNoText}
	case err != nil:
		t.Fatalf("%s: %v", u, err)
	}
	return &dataset.MainText{Status: api.ExtractOK, Text: res.Text, Markdown: res.Markdown, Title: res.Title, Author: res.Author, Date: res.Date, Language: res.Language}
}

func fetchAll(t testing.TB, c *crawl.Crawler, spec api.CrawlSpec) []crawl.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := c.Fetch(ctx, spec.URLs, spec)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	return res
}

// TestMainTextDemoSite crawls demo pages with crawl.extract on: each row
// carries the bare extractor's result on the page the site served (less
// the parts the spec excludes), pages the extractor refuses give their
// defined status, the CSS-selected text column is what it was without
// extraction, and the rows hash.
func TestMainTextDemoSite(t *testing.T) {
	_, base := demoSite(t)
	c := demoCrawler(t)
	paths := []string{"/", "/articles/0", "/articles/1", "/articles/2", "/mirror/1"}
	paths = append(paths, devnet.OddPages()...)
	urls := make([]string, len(paths))
	for i, p := range paths {
		urls[i] = base + p
	}
	e := &api.ExtractSpec{Enabled: true, MaxBytes: 32 << 10} // the long page is over it
	spec := demoSpec(urls, e)
	full := api.JobSpec{Kind: api.JobCrawl, Crawl: &spec}
	if err := full.Validate(); err != nil {
		t.Fatal(err)
	}
	resolved := *full.WithDefaults().Crawl.Extract
	spec.Extract = &resolved

	results := fetchAll(t, c, spec)
	plain := fetchAll(t, c, demoSpec(urls, nil))
	schema, err := dataset.CrawlSchemaWith([]string{"title"}, dataset.CrawlOptions{MainText: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		devnet.OddBlank: api.ExtractEmpty, devnet.OddBinary: api.ExtractNotHTML, devnet.OddImage: api.ExtractNotHTML,
		devnet.OddNav: api.ExtractNoText, devnet.OddLong: api.ExtractTooLarge,
	}
	for i, r := range results {
		p := paths[i]
		if r.Page == nil {
			t.Fatalf("%s: refused: %+v", p, r.Refusal)
		}
		m := r.Page.Main
		if m == nil {
			t.Fatalf("%s: no main text", p)
		}
		status := want[p]
		if status == "" {
			status = api.ExtractOK
		}
		if m.Status != status {
			t.Errorf("%s: status %q, want %q", p, m.Status, status)
		}
		if plain[i].Page == nil || plain[i].Page.Main != nil || plain[i].Page.Text != r.Page.Text {
			t.Errorf("%s: the text column changed with extraction on", p)
		}
		if _, err := dataset.HashRow(schema, dataset.CrawlRow(schema, *r.Page, dataset.Provenance{Node: "0x01", FetchedAt: 1})); err != nil {
			t.Errorf("%s: row does not encode: %v", p, err)
		}
		if p == devnet.OddLong || p == devnet.OddImage {
			continue // the extractor is not run: too large, not HTML by type
		}
		if ref := reference(t, r.Page.FinalURL, &resolved); !reflect.DeepEqual(m, ref) {
			t.Errorf("%s: row's main text differs from the bare extractor's\n got %+v\nwant %+v", p, m, ref)
		}
		if m.Status != api.ExtractOK {
			continue
		}
		if m.Date != "" {
			t.Errorf("%s: date %q: the excluded clock reached the extractor", p, m.Date)
		}
		if m.Language != "en" || m.Title == "" || m.Author == "" {
			t.Errorf("%s: metadata %+v", p, m)
		}
		if strings.Contains(m.Text, "Served at") || strings.Contains(m.Text, "widgets") || strings.Contains(m.Text, "Staff only") {
			t.Errorf("%s: main text holds boilerplate: %q", p, m.Text)
		}
		// crawl.MainText on the served bytes is the crawl path.
		body, ct := served(t, r.Page.FinalURL)
		again, err := crawl.MainText(body, r.Page.FinalURL, ct, spec)
		if err != nil || !reflect.DeepEqual(again, m) {
			t.Errorf("%s: MainText = %+v, %v; the row has %+v", p, again, err, m)
		}
	}
	if !strings.HasSuffix(results[1].Page.Main.Text, "Article 0 ends here.") {
		t.Errorf("article 0: main text %q", results[1].Page.Main.Text)
	}

	// Why the exclude list must reach the extractor: on the page as served,
	// the date search takes the clock for a publication date.
	body, ct := served(t, urls[1])
	o := extract.DefaultOptions()
	o.ContentType = ct
	if res, err := extract.Extract(body, urls[1], o); err != nil || res.Date == "" {
		t.Errorf("the bare extractor on the page with its clock: date %q, %v; want the clock's date", res.Date, err)
	}

	// With the default max_bytes the long page is extracted.
	long := demoSpec([]string{base + devnet.OddLong}, &api.ExtractSpec{Enabled: true})
	if r := fetchAll(t, c, long)[0]; r.Page == nil || r.Page.Main.Status != api.ExtractOK || len(r.Page.Main.Text) < 40<<10 {
		t.Errorf("long page with the default max_bytes: %+v", r.Page)
	}
}

// TestStaticPage: crawl.StaticPage on the bytes a page is served with
// makes the page that fetching it does, for every kind of demo page
// (articles, a mirror, a JavaScript shell, the odd pages), with main-text
// extraction on and off.
func TestStaticPage(t *testing.T) {
	_, base := demoSite(t)
	c := demoCrawler(t)
	paths := append([]string{"/", "/articles/0", "/articles/7", "/mirror/3", "/js/2"}, devnet.OddPages()...)
	urls := make([]string, len(paths))
	for i, p := range paths {
		urls[i] = base + p
	}
	for _, e := range []*api.ExtractSpec{nil, {Enabled: true, MaxBytes: 32 << 10}} {
		spec := demoSpec(urls, e)
		full := api.JobSpec{Kind: api.JobCrawl, Crawl: &spec}
		spec = *full.WithDefaults().Crawl
		for i, r := range fetchAll(t, c, spec) {
			resp, err := http.Get(urls[i])
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			p, err := crawl.StaticPage(urls[i], resp.StatusCode, resp.Header, body, spec)
			if err != nil || r.Page == nil {
				t.Fatalf("%s (extract %v): StaticPage: %v; Fetch: %+v", paths[i], e != nil, err, r.Refusal)
			}
			if !reflect.DeepEqual(p, r.Page) {
				t.Errorf("%s (extract %v): StaticPage\n%+v\nFetch\n%+v", paths[i], e != nil, p, r.Page)
			}
		}
	}
	if _, err := crawl.StaticPage("/articles/0", 200, nil, nil, demoSpec(nil, nil)); crawl.AsRefusal(err) == nil {
		t.Errorf("a relative URL: %v, want a refusal", err)
	}
	if _, err := crawl.StaticPage(base+"/", 503, nil, nil, demoSpec(nil, nil)); crawl.AsRefusal(err) == nil {
		t.Errorf("status 503: %v, want a refusal", err)
	}
}

// TestMainTextRules: the extract options are checked with the rest of the
// rules, naming the field; extraction off adds nothing.
func TestMainTextRules(t *testing.T) {
	for _, tt := range []struct {
		name string
		e    *api.ExtractSpec
		want string // "" when valid
	}{
		{name: "off", e: nil},
		{name: "on", e: &api.ExtractSpec{Enabled: true}},
		{name: "focus", e: &api.ExtractSpec{Enabled: true, Focus: "fast"}, want: "extract.focus"},
		{name: "max_bytes", e: &api.ExtractSpec{Enabled: true, MaxBytes: api.ExtractMaxBytesLimit + 1}, want: "extract.max_bytes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := crawl.ValidateRules(demoSpec(nil, tt.e))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("ValidateRules: %v", err)
			case tt.want != "" && (err == nil || !errors.Is(err, crawl.ErrInvalidRule) || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("ValidateRules = %v, want an error naming %s", err, tt.want)
			}
		})
	}
	if _, err := crawl.MainText([]byte("<p>x</p>"), "http://a.example/", "text/html", demoSpec(nil, nil)); !errors.Is(err, crawl.ErrInvalidRule) {
		t.Errorf("MainText with extraction off: %v", err)
	}
}

// TestHTMLDocPage: htmldoc.Page, what the extension runs as WebAssembly
// (ext/wasm), records the crawl path's main text (crawl.MainText) for the
// demo site's pages, under each focus and with tables out, and refuses the
// specs the crawl path refuses, naming the field. ext/test/maintext.test.mjs
// compares the WebAssembly build itself with the Go node on more pages.
func TestHTMLDocPage(t *testing.T) {
	_, base := demoSite(t)
	paths := []string{"/", "/articles/0", "/articles/5", "/articles/12", "/mirror/3"}
	no := false
	for _, e := range []*api.ExtractSpec{
		{Enabled: true},
		{Enabled: true, Focus: "recall", ExcludeTables: true},
		{Enabled: true, Focus: "balanced", Fallback: &no, MaxBytes: 4000},
	} {
		spec := demoSpec(nil, e)
		ok := 0
		for _, p := range paths {
			body, ct := served(t, base+p)
			want, err := crawl.MainText(body, base+p, ct, spec)
			if err != nil {
				t.Fatal(err)
			}
			got, err := htmldoc.Page(body, base+p, ct, spec)
			if err != nil {
				t.Fatalf("%s: htmldoc.Page: %v", p, err)
			}
			if dataset.MainText(got) != *want {
				t.Errorf("%s %+v: htmldoc.Page = %+v, the crawl path records %+v", p, *e, got, *want)
			}
			if got.Status == api.ExtractOK {
				ok++
			}
		}
		if e.MaxBytes == 0 && ok < 3 {
			t.Errorf("%+v: %d pages with main text, expected at least 3", *e, ok)
		}
	}
	for _, tt := range []struct {
		spec api.CrawlSpec
		want string
	}{
		{api.CrawlSpec{Exclude: []string{"[["}, Extract: &api.ExtractSpec{Enabled: true}}, "exclude[0]"},
		{api.CrawlSpec{Exclude: []string{" "}, Extract: &api.ExtractSpec{Enabled: true}}, "exclude[0]"},
		{api.CrawlSpec{Extract: &api.ExtractSpec{Enabled: true, Focus: "fast"}}, "extract.focus"},
		{api.CrawlSpec{Extract: &api.ExtractSpec{Enabled: true, MaxBytes: api.ExtractMaxBytesLimit + 1}}, "extract.max_bytes"},
		{api.CrawlSpec{}, "extract.enabled"},
	} {
		if _, err := htmldoc.Page([]byte("<p>x</p>"), "http://a.example/", "text/html", tt.spec); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("htmldoc.Page(%+v) = %v, want an error naming %s", tt.spec, err, tt.want)
		}
		tt.spec.TextSelector = "main"
		if _, err := crawl.MainText([]byte("<p>x</p>"), "http://a.example/", "text/html", tt.spec); err == nil {
			t.Errorf("crawl.MainText(%+v) accepted a spec htmldoc.Page refuses", tt.spec)
		}
	}
}

// TestMainTextRendered: through Chromium, the extractor reads the rendered
// DOM, so a page whose article only JavaScript builds gets its main text
// (the static path finds none); a page that needs no script gives the
// same main text on both paths.
func TestMainTextRendered(t *testing.T) {
	if _, err := crawl.FindChromium(""); err != nil {
		t.Fatalf("%v\nthis test needs Chromium: run `make deps`, or `apt-get install -y chromium`", err)
	}
	_, base := demoSite(t)
	c := demoCrawler(t)
	urls := []string{base + "/js/0", base + "/js/1", base + "/articles/3"}
	e := &api.ExtractSpec{Enabled: true}
	static := fetchAll(t, c, demoSpec(urls, e))
	rs := demoSpec(urls, e)
	rs.RenderJS = true
	rendered := fetchAll(t, c, rs)
	for i, u := range urls {
		s, r := static[i], rendered[i]
		if s.Page == nil || r.Page == nil || !r.Rendered {
			t.Fatalf("%s: static %+v, rendered %+v", u, s.Refusal, r.Refusal)
		}
		if !strings.Contains(u, "/js/") {
			if !reflect.DeepEqual(s.Page.Main, r.Page.Main) {
				t.Errorf("%s: static and rendered main text differ\nstatic:   %+v\nrendered: %+v", u, s.Page.Main, r.Page.Main)
			}
			continue
		}
		if s.Page.Main.Status != api.ExtractNoText {
			t.Errorf("%s static: status %q text %q, want no_text (the article is built by script)", u, s.Page.Main.Status, s.Page.Main.Text)
		}
		var data struct {
			Title      string   `json:"title"`
			Paragraphs []string `json:"paragraphs"`
		}
		body, _ := served(t, u+"/data.json")
		if err := json.Unmarshal(body, &data); err != nil {
			t.Fatal(err)
		}
		m := r.Page.Main
		if m.Status != api.ExtractOK {
			t.Fatalf("%s rendered: status %q", u, m.Status)
		}
		last := data.Paragraphs[len(data.Paragraphs)-1]
		if !strings.Contains(m.Text, last) || strings.Contains(m.Text, "Served at") {
			t.Errorf("%s rendered: main text %q lacks %q or holds the clock", u, m.Text, last)
		}
	}
}

// BenchmarkMainTextDemo crawls 40 demo articles (one Fetch, static path)
// with crawl.extract off and on, and runs the bare extractor on the same
// pages' bytes (fetched once beforehand) with the same options: the crawl
// path's cost of extraction against the library call alone. The site's
// robots.txt Crawl-delay is 0 here: with the demo's 10 ms, one host's 40
// pages take 0.4 s either way and extraction hides in the waits.
func BenchmarkMainTextDemo(b *testing.B) {
	cfg := devnet.DefaultSiteConfig()
	cfg.CrawlDelay = 0
	site, base := demoSiteWith(b, cfg)
	c := demoCrawler(b)
	static, _ := site.ArticleURLs(base)
	urls := static[:40]
	var pages [][]byte
	var size int64
	for _, u := range urls {
		body, _ := served(b, u)
		pages = append(pages, body)
		size += int64(len(body))
	}
	on := demoSpec(urls, &api.ExtractSpec{Enabled: true})
	for _, bc := range []struct {
		name string
		spec api.CrawlSpec
	}{{"crawl/extract=off", demoSpec(urls, nil)}, {"crawl/extract=on", on}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				for _, r := range fetchAll(b, c, bc.spec) {
					if r.Page == nil {
						b.Fatalf("%s refused: %+v", r.URL, r.Refusal)
					}
				}
			}
			b.ReportMetric(float64(b.N*len(urls))/b.Elapsed().Seconds(), "pages/s")
		})
	}
	b.Run("bare extract.Extract", func(b *testing.B) {
		b.SetBytes(size)
		o := extract.DefaultOptions()
		o.ContentType = "text/html; charset=utf-8"
		for b.Loop() {
			for i, p := range pages {
				if _, err := extract.Extract(p, urls[i], o); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.N*len(urls))/b.Elapsed().Seconds(), "pages/s")
	})
}

// FuzzHTMLDocPage: for any body and Content-Type, what the extension runs
// (htmldoc.Page) is what the crawl path records (crawl.MainText), twice
// alike, and never a panic.
func FuzzHTMLDocPage(f *testing.F) {
	f.Add([]byte(`<html lang="de"><head><title>T</title><meta charset="windows-1252"></head><body><nav>n</nav><article><p>Ein l\xe4ngerer Absatz, der als Haupttext z\xe4hlt, mit genug W\xf6rtern darin.</p></article><div class="ad">x</div></body></html>`), "text/html")
	f.Add([]byte("\xef\xbb\xbf<p>bom</p>"), "text/html; charset=iso-8859-1")
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00"), "")
	f.Add([]byte("  \n "), "text/html")
	f.Add([]byte("<table><td>a<td>b</table><p>unclosed<div>x<time datetime=2020-01-02>"), "text/html; charset=utf-8")
	spec := api.CrawlSpec{TextSelector: "body", Exclude: []string{".ad", "nav"}, Extract: &api.ExtractSpec{Enabled: true, MaxBytes: 64 << 10}}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		want, err := crawl.MainText(body, "https://example.com/a", contentType, spec)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			got, err := htmldoc.Page(body, "https://example.com/a", contentType, spec)
			if err != nil {
				t.Fatal(err)
			}
			if dataset.MainText(got) != *want {
				t.Fatalf("htmldoc.Page = %+v, the crawl path records %+v", got, *want)
			}
		}
	})
}
