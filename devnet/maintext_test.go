package devnet

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute/extract"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/rewards"
)

// volatileParts are the demo pages' clock and ad, the parts the demo
// job's exclude list names.
var volatileParts = regexp.MustCompile(`<div class="clock">[^<]*</div>|<aside class="ad">[^<]*</aside>`)

// TestMainTextCrawlEndToEnd submits a crawl job with crawl.extract on
// through three coordinators and three nodes: demo articles and mirrors,
// and the site's odd pages that the extractor refuses. The job verifies
// (every replica made the same main-text columns), the buyer pays,
// downloads Arrow and Parquet, verifies both against the manifest, and
// finds in each row what the bare extractor gives for the page the site
// serves (less the excluded clock and ad), or the defined refusal status.
func TestMainTextCrawlEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	nw, b := startTestNetwork(ctx, t, 3, 0)
	t.Logf("network up in %s", time.Since(start).Round(time.Millisecond))

	static, _ := nw.Site.ArticleURLs(nw.SiteURL)
	urls := append([]string(nil), static[:8]...)
	urls = append(urls, static[nw.cfg.Site.Articles:nw.cfg.Site.Articles+2]...) // two mirrors
	wantStatus := map[string]string{}
	for _, p := range OddPages() {
		urls = append(urls, nw.SiteURL+p)
	}
	for p, s := range map[string]string{OddBlank: api.ExtractEmpty, OddBinary: api.ExtractNotHTML, OddImage: api.ExtractNotHTML, OddNav: api.ExtractNoText, OddLong: api.ExtractTooLarge} {
		wantStatus[nw.SiteURL+p] = s
	}
	spec := crawlSpec(urls)
	spec.Name = "demo site main text"
	spec.Crawl.Extract = &api.ExtractSpec{Enabled: true, MaxBytes: 32 << 10} // the long page is over it
	job, err := b.Submit(ctx, spec)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	st := waitJob(ctx, t, b, job.ID)
	t.Logf("crawl done at %s: %+v", time.Since(start).Round(time.Millisecond), st.Progress)
	if st.Progress.RowsAccepted != int64(len(urls)) || st.Progress.RowsRejected != 0 {
		t.Fatalf("accepted %d rows, rejected %d; want all %d accepted (replicas must agree on every main-text column)",
			st.Progress.RowsAccepted, st.Progress.RowsRejected, len(urls))
	}

	checkMainTextUnits(ctx, t, nw, st)

	m, _, err := b.Manifest(ctx, st.Dataset)
	if err != nil {
		t.Fatal(err)
	}
	payJob(ctx, t, b, nw, job.ID)
	dir := t.TempDir()
	for _, format := range []string{api.FormatArrow, api.FormatParquet} {
		path := filepath.Join(dir, "crawl."+format)
		if _, err := b.Download(ctx, st.Dataset, format, path); err != nil {
			t.Fatalf("download %s: %v", format, err)
		}
		rep, err := dataset.Verify(ctx, path, dataset.VerifyOptions{Manifest: m})
		if err != nil {
			t.Fatalf("verify the %s download: %v", format, err)
		}
		if rep.Rows != int64(len(urls)) {
			t.Fatalf("%s: %d rows, want %d", format, rep.Rows, len(urls))
		}
	}

	schema, rows, hashes := readRows(t, filepath.Join(dir, "crawl."+api.FormatArrow))
	cols := []string{dataset.ColExtractStatus, dataset.ColMainText, dataset.ColMarkdown, dataset.ColTitle, dataset.ColAuthor, dataset.ColDate, dataset.ColLanguageHint}
	for _, c := range cols {
		if i := schema.Index(c); i < 0 || schema.Columns[i].Role != dataset.RoleContent {
			t.Fatalf("the dataset's schema lacks the content column %s: %+v", c, schema.Columns)
		}
	}
	resolved := spec.WithDefaults().Crawl.Extract
	seen := map[string]bool{}
	for _, r := range rows {
		u := r[schema.Index(dataset.ColURL)].(string)
		seen[u] = true
		got := map[string]any{}
		for _, c := range cols {
			got[c] = r[schema.Index(c)]
		}
		want := expectedMainText(t, u, resolved, wantStatus[u])
		for _, c := range cols {
			if !reflect.DeepEqual(got[c], want[c]) {
				t.Errorf("%s: %s = %#v, want %#v (the bare extractor on the served page)", u, c, got[c], want[c])
			}
		}
	}
	for _, r := range rows {
		if u := r[schema.Index(dataset.ColURL)].(string); strings.Contains(u, "/articles/") {
			if lines, _ := r[schema.Index(dataset.ColMainText)].([]string); len(lines) < 4 {
				t.Errorf("%s: main text of %d lines; the article's paragraphs must stay lines", u, len(lines))
			}
		}
	}
	if len(seen) != len(urls) {
		t.Errorf("rows for %d distinct URLs, want %d", len(seen), len(urls))
	}
	if t.Failed() {
		return
	}
	testStages(ctx, t, nw, b, st.Dataset, schema, rows, hashes)
	t.Logf("stages done at %s", time.Since(start).Round(time.Millisecond))
}

// checkMainTextUnits: the job's rate, fixed at submission, is a static
// crawl row's plus extraction's (rewards.Rate), and the nodes' records on
// the coordinators credit it: only this job has run, so each node's units
// are whole rows at that rate, and every accepted row was credited to at
// least the two replicas that agreed on it.
func checkMainTextUnits(ctx context.Context, t *testing.T, nw *Network, st api.JobStatus) {
	t.Helper()
	rate := uint64(10 + rewards.MainTextUnits)
	if st.UnitsPerRow != rate {
		t.Fatalf("job status units_per_row %d, want %d (static crawl 10 + main text %d)", st.UnitsPerRow, rate, rewards.MainTextUnits)
	}
	var total uint64
	for i, nd := range nw.Nodes {
		var rec api.NodeRecord
		coordJSON(ctx, t, nw.CoordURLs[i%len(nw.CoordURLs)]+"/v1/node/"+strings.ToLower(nd.Address().Hex())+"?consistent=1", &rec)
		if rec.Units%rate != 0 {
			t.Errorf("node %s: %d units, not whole rows at %d a row", rec.Address, rec.Units, rate)
		}
		total += rec.Units
	}
	if want := 2 * rate * uint64(st.Progress.RowsAccepted); total < want {
		t.Errorf("the nodes earned %d units in all; want at least %d (%d rows, two agreeing replicas, %d a row)", total, want, st.Progress.RowsAccepted, rate)
	}
}

// expectedMainText is what a row's main-text columns must hold for u: the
// bare extractor on the bytes the site serves now, less the clock and ad
// the job excludes, with the job's resolved options; or, for a page the
// crawl path refuses before the extractor runs (too_large, not HTML by
// type), that status with null columns.
func expectedMainText(t *testing.T, u string, e *api.ExtractSpec, status string) map[string]any {
	t.Helper()
	out := map[string]any{dataset.ColExtractStatus: status}
	for _, c := range []string{dataset.ColMainText, dataset.ColMarkdown, dataset.ColTitle, dataset.ColAuthor, dataset.ColDate, dataset.ColLanguageHint} {
		out[c] = nil
	}
	if status == api.ExtractTooLarge || strings.HasSuffix(u, OddImage) {
		return out
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	o := extract.Options{
		MaxBytes: e.MaxBytes, Focus: extract.Focus(e.Focus), Fallback: e.FallbackOn(), ExcludeTables: e.ExcludeTables,
		LatestDate: e.LatestTime(), ContentType: resp.Header.Get("Content-Type"),
	}
	res, err := extract.Extract(volatileParts.ReplaceAll(body, nil), u, o)
	switch {
	case errors.Is(err, extract.ErrEmpty):
		out[dataset.ColExtractStatus] = api.ExtractEmpty
	case errors.Is(err, extract.ErrNotHTML):
		out[dataset.ColExtractStatus] = api.ExtractNotHTML
	case errors.Is(err, extract.ErrNoText):
		out[dataset.ColExtractStatus] = api.ExtractNoText
	case err != nil:
		t.Fatalf("%s: %v", u, err)
	default:
		out[dataset.ColExtractStatus] = api.ExtractOK
		out[dataset.ColMainText], out[dataset.ColMarkdown] = dataset.Lines(res.Text), dataset.Lines(res.Markdown)
		for c, v := range map[string]string{dataset.ColTitle: res.Title, dataset.ColAuthor: res.Author, dataset.ColDate: res.Date, dataset.ColLanguageHint: res.Language} {
			if v != "" {
				out[c] = v
			}
		}
	}
	if status != "" && out[dataset.ColExtractStatus] != status {
		t.Fatalf("%s: the bare extractor says %v, the test expects %s", u, out[dataset.ColExtractStatus], status)
	}
	return out
}
