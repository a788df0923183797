package crawl_test

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/crawl"
	"github.com/meadow-net/meadow/crawl/internal/realpages"
)

// realPagesLabels is the hand-made labelling of the real-page corpus:
// pages of HTML documentation that Debian packages install, which no one
// in this project wrote (testdata/realpages/README.md).
const realPagesLabels = "testdata/realpages/labels.json"

// Floors of TestRealPages, set from the measurement with crawl.extract's
// defaults (docs/BENCHMARKS.md, "Main text on real pages"): overall
// precision 0.976 and recall 0.714; per package precision 0.970–0.992 and
// recall 0.649–0.777. The floors sit a few points under, so that a library
// upgrade or a change of the crawl path that makes extraction worse fails
// here, while the figures are free to improve.
const (
	minRealPrecision    = 0.95
	minRealRecall       = 0.68
	minRealPkgPrecision = 0.94
	minRealPkgRecall    = 0.60
)

// realCorpus is the label file with every page read from the installed
// packages and checked against its labels.
type realCorpus struct {
	file  *realpages.File
	lines map[string][]string // by "package/path"
	tags  map[string][]string
}

// loadRealCorpus reads the labels and the installed pages. It fails, naming
// the package, when a package is not installed, and, naming the page and how
// to relabel it, when a page's text is not the text that was labelled (a
// package upgrade that changed it).
func loadRealCorpus(t testing.TB) *realCorpus {
	t.Helper()
	f, err := realpages.Load(realPagesLabels)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Pages) < 30 {
		t.Fatalf("%s: %d pages, expected at least 30", realPagesLabels, len(f.Pages))
	}
	c := &realCorpus{file: f, lines: map[string][]string{}, tags: map[string][]string{}}
	for _, pkg := range f.Packages {
		v, err := realpages.InstalledVersion(pkg.Name)
		if err != nil {
			t.Fatal(err)
		}
		if v != pkg.Version {
			t.Logf("%s %s is installed, the pages were labelled from %s: checking that they did not change", pkg.Name, v, pkg.Version)
		}
	}
	changed := 0
	for _, p := range f.Pages {
		b, err := f.ReadPage(p)
		if err != nil {
			t.Fatal(err)
		}
		lines := realpages.Lines(b, "text/html")
		if err := p.Check(lines); err != nil {
			t.Error(err)
			changed++
			continue
		}
		key := p.Package + "/" + p.Path
		c.lines[key] = lines
		c.tags[key] = realpages.Tags(b, "text/html")
	}
	if changed > 0 {
		t.Fatalf("%d labelled pages changed in the installed packages (%s): the labels hold for the versions in %s only; relabel the changed pages with go run ./crawl/internal/cmd/realpages (testdata/realpages/README.md, \"After a package upgrade\")",
			changed, installedVersions(f), realPagesLabels)
	}
	return c
}

func installedVersions(f *realpages.File) string {
	var out []string
	for _, pkg := range f.Packages {
		v, _ := realpages.InstalledVersion(pkg.Name)
		out = append(out, fmt.Sprintf("%s %s installed, %s labelled", pkg.Name, v, pkg.Version))
	}
	return strings.Join(out, "; ")
}

// serve serves each package's installed HTML at /PACKAGE/ on a loopback
// port picked at run time, and returns the base URL.
func (c *realCorpus) serve(t testing.TB) string {
	t.Helper()
	mux := http.NewServeMux()
	for _, pkg := range c.file.Packages {
		prefix := "/" + pkg.Name + "/"
		mux.Handle(prefix, http.StripPrefix(prefix[:len(prefix)-1], http.FileServer(http.Dir(pkg.Root))))
	}
	srv := httptest.NewUnstartedServer(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

// realScores is one extraction setting's figures: per page, per package
// and overall, and what kind of block the main lines it dropped were.
type realScores struct {
	page    map[string]realpages.Score
	pkg     map[string]realpages.Score
	all     realpages.Score
	dropped map[string]int // main lines dropped, by block element
}

// crawlRealPages fetches every labelled page through the crawl path
// (static fetch, crawl.extract with e) from base and scores the main text
// of each row against the labels.
func (c *realCorpus) crawlRealPages(t testing.TB, cr *crawl.Crawler, base string, e api.ExtractSpec) realScores {
	t.Helper()
	spec := api.CrawlSpec{Extract: &e}
	for _, p := range c.file.Pages {
		spec.URLs = append(spec.URLs, base+"/"+p.Package+"/"+p.Path)
	}
	full := api.JobSpec{Kind: api.JobCrawl, Crawl: &spec}
	if err := full.Validate(); err != nil {
		t.Fatal(err)
	}
	resolved := *full.WithDefaults().Crawl
	results := fetchAll(t, cr, resolved)
	s := realScores{page: map[string]realpages.Score{}, pkg: map[string]realpages.Score{}, dropped: map[string]int{}}
	for i, p := range c.file.Pages {
		key := p.Package + "/" + p.Path
		r := results[i]
		if r.Page == nil {
			t.Fatalf("%s: refused: %+v", key, r.Refusal)
		}
		m := r.Page.Main
		if m == nil || m.Status != api.ExtractOK {
			t.Fatalf("%s: main text %+v, expected status ok", key, m)
		}
		labels := p.LabelBytes()
		kept := realpages.Match(c.lines[key], labels, m.Text)
		var ps realpages.Score
		ps.Add(labels, kept)
		for j, k := range kept {
			if labels[j] == realpages.Main && k == realpages.Dropped {
				s.dropped[c.tags[key][j]]++
			}
		}
		s.page[key] = ps
		s.pkg[p.Package] = s.pkg[p.Package].Plus(ps)
		s.all = s.all.Plus(ps)
	}
	return s
}

// log prints the figures: every page when pages is true, always the
// packages, the whole corpus, the worst pages and the kinds of main line
// dropped.
func (s realScores) log(t testing.TB, name string, pages bool) {
	t.Helper()
	keys := make([]string, 0, len(s.page))
	for k := range s.page {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if pages {
			t.Logf("%s: %-50s %s", name, k, s.page[k])
		}
	}
	pkgs := make([]string, 0, len(s.pkg))
	for k := range s.pkg {
		pkgs = append(pkgs, k)
	}
	sort.Strings(pkgs)
	for _, k := range pkgs {
		t.Logf("%s: %-50s %s", name, k, s.pkg[k])
	}
	t.Logf("%s: %-50s %s", name, fmt.Sprintf("all (%d pages)", len(s.page)), s.all)
	sort.Slice(keys, func(i, j int) bool {
		a, b := s.page[keys[i]], s.page[keys[j]]
		if a.Recall() != b.Recall() {
			return a.Recall() < b.Recall()
		}
		return keys[i] < keys[j]
	})
	t.Logf("%s: lowest recall: %s %.3f, %s %.3f, %s %.3f", name, keys[0], s.page[keys[0]].Recall(),
		keys[1], s.page[keys[1]].Recall(), keys[2], s.page[keys[2]].Recall())
	tags := make([]string, 0, len(s.dropped))
	for k := range s.dropped {
		tags = append(tags, k)
	}
	sort.Slice(tags, func(i, j int) bool {
		if s.dropped[tags[i]] != s.dropped[tags[j]] {
			return s.dropped[tags[i]] > s.dropped[tags[j]]
		}
		return tags[i] < tags[j]
	})
	var parts []string
	for _, k := range tags {
		parts = append(parts, fmt.Sprintf("%s %d", k, s.dropped[k]))
	}
	t.Logf("%s: main lines dropped, by block element: %s", name, strings.Join(parts, ", "))
}

// TestRealPages serves the hand-labelled pages of Debian's HTML manuals
// (apache2-doc, sqlite3-doc, python-django-doc) from loopback, crawls them
// through the static path with crawl.extract at its defaults, and measures
// the precision and recall of the lines the main text kept against the
// labels (testdata/realpages/README.md says what a line is and what counts
// as main text). It fails below the floors above, and when a page changed
// since it was labelled. go test -v prints every page's figures.
func TestRealPages(t *testing.T) {
	c := loadRealCorpus(t)
	base := c.serve(t)
	s := c.crawlRealPages(t, demoCrawler(t), base, api.ExtractSpec{Enabled: true})
	s.log(t, "default", testing.Verbose())
	if p, r := s.all.Precision(), s.all.Recall(); p < minRealPrecision || r < minRealRecall {
		t.Errorf("all pages: precision %.3f (floor %.2f), recall %.3f (floor %.2f)", p, minRealPrecision, r, minRealRecall)
	}
	for pkg, ps := range s.pkg {
		if p, r := ps.Precision(), ps.Recall(); p < minRealPkgPrecision || r < minRealPkgRecall {
			t.Errorf("%s: precision %.3f (floor %.2f), recall %.3f (floor %.2f)", pkg, p, minRealPkgPrecision, r, minRealPkgRecall)
		}
	}
}

// BenchmarkRealPages crawls the labelled corpus through the static path
// with each extraction setting a buyer can choose that bears on what is
// kept (focus, fallback, exclude_tables) and reports precision and recall
// of kept lines beside the time: the figures of docs/BENCHMARKS.md, "Main
// text on real pages".
func BenchmarkRealPages(b *testing.B) {
	c := loadRealCorpus(b)
	base := c.serve(b)
	cr := demoCrawler(b)
	off := false
	for _, tt := range []struct {
		name string
		e    api.ExtractSpec
	}{
		{name: "default", e: api.ExtractSpec{Enabled: true}},
		{name: "no-fallback", e: api.ExtractSpec{Enabled: true, Fallback: &off}},
		{name: "balanced", e: api.ExtractSpec{Enabled: true, Focus: api.ExtractBalanced}},
		{name: "recall", e: api.ExtractSpec{Enabled: true, Focus: api.ExtractRecall}},
		{name: "recall-no-fallback", e: api.ExtractSpec{Enabled: true, Focus: api.ExtractRecall, Fallback: &off}},
		{name: "exclude-tables", e: api.ExtractSpec{Enabled: true, ExcludeTables: true}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			var s realScores
			for range b.N {
				s = c.crawlRealPages(b, cr, base, tt.e)
			}
			s.log(b, tt.name, false)
			b.ReportMetric(s.all.Precision(), "precision")
			b.ReportMetric(s.all.Recall(), "recall")
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/float64(len(s.page)), "ms/page")
		})
	}
}
