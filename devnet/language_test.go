package devnet

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/dataset"
)

// languagePages are pages in several languages and scripts, and ones the
// detector cannot decide (a tie, digits only), served beside the demo site
// (whose articles are all English).
var languagePages = []string{
	"Der Ausschuss traf sich am Dienstag, um den neuen Haushalt zu besprechen, und die meisten Mitglieder waren sich einig.",
	"Le comité s'est réuni mardi pour discuter du nouveau budget, et la plupart des membres ont convenu que l'argent devait aller aux écoles.",
	"Комитет собрался во вторник, чтобы обсудить новый бюджет, и большинство членов согласились, что деньги следует потратить на школы.",
	"委员会星期二开会讨论新的预算，大多数成员同意这笔钱应该用于学校和道路。",
	"委員会は火曜日に新しい予算について話し合い、ほとんどのメンバーが同意しました。",
	"pr",
	"2026 12 06",
}

// TestLanguageJob crawls three demo articles and pages in other languages,
// runs a language job over the crawl's text (max_bytes overridden) through
// three coordinators and two nodes, downloads the dataset, verifies it
// against its manifest, and checks every row against compute/langid called
// directly on the same text: the code and the score's bits. Specs with a
// bad code or max_bytes are refused naming the field, and the state does
// not change.
func TestLanguageJob(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	nw, b := startTestNetwork(ctx, t, 2, 0)
	t.Logf("network up in %s", time.Since(start).Round(time.Millisecond))

	pages := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscanf(r.URL.Path, "/lang/%d", &n); err != nil || n < 0 || n >= len(languagePages) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html><head><title>Page %d</title></head><body><h1 class=title>Page %d</h1><article>%s</article></body></html>", n, n, languagePages[n])
	}))
	t.Cleanup(pages.Close)

	static, _ := nw.Site.ArticleURLs(nw.SiteURL)
	urls := append([]string(nil), static[:3]...)
	for i := range languagePages {
		urls = append(urls, fmt.Sprintf("%s/lang/%d", pages.URL, i))
	}
	spec := crawlSpec(urls)
	spec.Crawl.TaskSize = 5
	crawlJob, err := b.Submit(ctx, spec)
	if err != nil {
		t.Fatalf("submit crawl: %v", err)
	}
	crawl := waitJob(ctx, t, b, crawlJob.ID)
	dir := t.TempDir()
	crawlPath := filepath.Join(dir, "crawl.arrows")
	payJob(ctx, t, b, nw, crawlJob.ID)
	if _, err := b.Download(ctx, crawl.Dataset, api.FormatArrow, crawlPath); err != nil {
		t.Fatalf("download the crawl: %v", err)
	}
	crawlSchema, crawlRows, crawlHashes := readRows(t, crawlPath)
	if len(crawlRows) != len(urls) {
		t.Fatalf("the crawl kept %d of %d pages", len(crawlRows), len(urls))
	}
	textOf := map[string]string{} // source hash → the crawl's text
	ti := crawlSchema.Index(dataset.ColText)
	for i, r := range crawlRows {
		s, _ := r[ti].(string)
		textOf[string(crawlHashes[i][:])] = s
	}
	t.Logf("crawl of %d pages done at %s", len(crawlRows), time.Since(start).Round(time.Millisecond))

	t.Run("BadInput", func(t *testing.T) { testLanguageBadInput(ctx, t, nw, b, crawl.Dataset) })

	params := &api.LanguageParams{MaxBytes: 4096}
	lSpec := api.ComputeSpec{Input: crawl.Dataset, Kernel: api.KernelLanguage, ShardRows: 4, Language: params}
	job, err := b.Submit(ctx, api.JobSpec{Kind: api.JobCompute, Name: "language of the crawl", Compute: &lSpec})
	if err != nil {
		t.Fatalf("submit language: %v", err)
	}
	d, err := compute.LanguageDetector(params)
	if err != nil {
		t.Fatal(err)
	}
	st := waitJob(ctx, t, b, job.ID)
	if st.Progress.Tasks.Inconclusive != 0 || st.Progress.RowsRejected != 0 {
		t.Errorf("%d inconclusive tasks, %d rows rejected", st.Progress.Tasks.Inconclusive, st.Progress.RowsRejected)
	}
	m, _, err := b.Manifest(ctx, st.Dataset)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "language.arrows")
	payJob(ctx, t, b, nw, job.ID)
	if _, err := b.Download(ctx, st.Dataset, api.FormatArrow, path); err != nil {
		t.Fatalf("download: %v", err)
	}
	rep, err := dataset.Verify(ctx, path, dataset.VerifyOptions{Manifest: m})
	if err != nil {
		t.Fatalf("verify the language dataset: %v", err)
	}
	if rep.Rows != int64(len(crawlRows)) || m.TotalRows != rep.Rows {
		t.Fatalf("verified %d rows, manifest %d, want the crawl's %d", rep.Rows, m.TotalRows, len(crawlRows))
	}
	schema, rows, _ := readRows(t, path)
	if got := schema.Columns[1:schema.NumContent()]; len(got) != 2 || got[0].Name != compute.ColLanguage || got[1].Name != compute.ColLanguageScore || got[1].Type != dataset.TypeFloat64 {
		t.Fatalf("content columns %+v, want language (string), language_score (float64)", got)
	}
	seen := map[string]bool{}
	codes := map[string]int{}
	for i, r := range rows {
		h := string(r[0].([]byte))
		tx, ok := textOf[h]
		if !ok || seen[h] {
			t.Fatalf("row %d: source hash %x is no input row, or repeats", i, r[0])
		}
		seen[h] = true
		want := d.Detect(tx)
		code, _ := r[1].(string)
		score, _ := r[2].(float64)
		if code != want.Code || math.Float64bits(score) != math.Float64bits(want.Score) {
			t.Fatalf("row %d (%.40q): %q %v, langid says %q %v", i, tx, code, score, want.Code, want.Score)
		}
		codes[code]++
	}
	for _, c := range []string{"en", "de", "fr", "ru", "zh", "ja", ""} {
		if codes[c] == 0 {
			t.Errorf("no row with language %q among %v", c, codes)
		}
	}
	t.Logf("language: %d rows verified and equal to langid (%v), done at %s", len(rows), codes, time.Since(start).Round(time.Millisecond))
}

// testLanguageBadInput: language specs the buyer's client refuses naming
// the field, and the coordinators too when sent past the client; the
// replicated state does not change.
func testLanguageBadInput(ctx context.Context, t *testing.T, nw *Network, b *buyer.Client, input string) {
	raw, err := api.NewClient(api.ClientConfig{Coordinators: nw.CoordURLs, Key: nw.Chain.Buyer, Domain: api.DomainFor(nw.chainID)})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		spec  api.ComputeSpec
		field string
	}{
		{"unknown code", api.ComputeSpec{Input: input, Kernel: api.KernelLanguage, Language: &api.LanguageParams{Languages: []string{"en", "klingon"}}}, "compute.language.languages[1]"},
		{"max_bytes past the limit", api.ComputeSpec{Input: input, Kernel: api.KernelLanguage, Language: &api.LanguageParams{MaxBytes: api.LanguageMaxBytesLimit + 1}}, "compute.language.max_bytes"},
		{"quality parameters on language", api.ComputeSpec{Input: input, Kernel: api.KernelLanguage, Quality: &api.QualityParams{}}, "compute.quality"},
	}
	before := stableDigest(ctx, t, nw)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := api.JobSpec{Kind: api.JobCompute, Compute: &tc.spec}
			if _, err := b.Submit(ctx, spec); !hasField(api.FieldErrors(err), tc.field) {
				t.Fatalf("client error %v does not name %s", err, tc.field)
			}
			var job api.Job
			err := raw.Post(ctx, api.MethodJobSubmit, "/v1/jobs", spec, &job)
			if err == nil {
				t.Fatalf("the coordinators accepted it: job %s", job.ID)
			}
			checkRemote(t, err, 400, tc.field)
		})
	}
	if after := stableDigest(ctx, t, nw); after != before {
		t.Errorf("refused submissions changed the state: digest %s → %s", before, after)
	}
}
