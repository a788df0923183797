package devnet

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/compute/text"
	"github.com/meadow-net/meadow/dataset"
)

// contactPages are pages with personal data of every kind the pii kernel
// masks, served beside the demo site (whose articles have none).
var contactPages = []string{
	"Write to the editors at editors@meadow.example or to jane.doe+news@mail.example.org.\n" +
		"Our mirror runs at 93.184.216.34 and 2606:2800:220:1:248:1893:25c8:1946; the office router is 192.168.0.1.\n" +
		"Call us on +1 (415) 555-0132 between nine and five, every day of the week.",
	"Reach the night desk on (212) 555-0199 or desk@news.example.com.\n" +
		"Readers reported the outage from 8.8.8.8 and from 10.0.0.7 inside the building.",
}

// TestQualityAndPIIJobs crawls a few demo articles and two pages with
// personal data, runs a quality job (with one threshold overridden) and a
// pii job over the crawl's text through three coordinators and two nodes,
// downloads both datasets, verifies them against their manifests, and
// checks every row against compute/text called directly on the same text:
// the signals, keep and failed rules of text.Params, and text.MaskPII's
// output and counts. A quality spec with a bad threshold is refused naming
// the field, and the state does not change.
func TestQualityAndPIIJobs(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	nw, b := startTestNetwork(ctx, t, 2, 0)
	t.Logf("network up in %s", time.Since(start).Round(time.Millisecond))

	contact := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscanf(r.URL.Path, "/contact/%d", &n); err != nil || n < 0 || n >= len(contactPages) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html><head><title>Contact %d</title></head><body><h1 class=title>Contact %d</h1><article>%s</article></body></html>", n, n, contactPages[n])
	}))
	t.Cleanup(contact.Close)

	static, _ := nw.Site.ArticleURLs(nw.SiteURL)
	urls := append([]string(nil), static[:6]...)
	for i := range contactPages {
		urls = append(urls, fmt.Sprintf("%s/contact/%d", contact.URL, i))
	}
	spec := crawlSpec(urls)
	spec.Crawl.TaskSize = 4
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

	t.Run("BadInput", func(t *testing.T) { testQualityBadInput(ctx, t, nw, b, crawl.Dataset) })

	minWords := int64(20)
	qSpec := api.ComputeSpec{Input: crawl.Dataset, Kernel: api.KernelQuality, ShardRows: 3,
		Quality: &api.QualityParams{Gopher: &api.GopherQualityParams{MinDocWords: &minWords}}}
	pSpec := api.ComputeSpec{Input: crawl.Dataset, Kernel: api.KernelPII, ShardRows: 3}
	ids := map[string]string{}
	for _, s := range []api.ComputeSpec{qSpec, pSpec} {
		job, err := b.Submit(ctx, api.JobSpec{Kind: api.JobCompute, Name: s.Kernel + " of the crawl", Compute: &s})
		if err != nil {
			t.Fatalf("submit %s: %v", s.Kernel, err)
		}
		ids[s.Kernel] = job.ID
	}
	params, err := compute.QualityParams(qSpec.Quality)
	if err != nil {
		t.Fatal(err)
	}
	if params.Gopher.MinDocWords != 20 || params.Gopher.MaxDocWords != text.DefaultParams().Gopher.MaxDocWords {
		t.Fatalf("quality params %+v: want min_doc_words 20 and the other defaults", params.Gopher)
	}
	kept, masked := 0, int64(0)
	for _, k := range []string{api.KernelQuality, api.KernelPII} {
		st := waitJob(ctx, t, b, ids[k])
		if st.Progress.Tasks.Inconclusive != 0 || st.Progress.RowsRejected != 0 {
			t.Errorf("%s: %d inconclusive tasks, %d rows rejected", k, st.Progress.Tasks.Inconclusive, st.Progress.RowsRejected)
		}
		m, _, err := b.Manifest(ctx, st.Dataset)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, k+".arrows")
		payJob(ctx, t, b, nw, ids[k])
		if _, err := b.Download(ctx, st.Dataset, api.FormatArrow, path); err != nil {
			t.Fatalf("download %s: %v", k, err)
		}
		rep, err := dataset.Verify(ctx, path, dataset.VerifyOptions{Manifest: m})
		if err != nil {
			t.Fatalf("verify the %s dataset: %v", k, err)
		}
		if rep.Rows != int64(len(crawlRows)) || m.TotalRows != rep.Rows {
			t.Fatalf("%s: verified %d rows, manifest %d, want the crawl's %d", k, rep.Rows, m.TotalRows, len(crawlRows))
		}
		schema, rows, _ := readRows(t, path)
		seen := map[string]bool{}
		for i, r := range rows {
			h := string(r[0].([]byte))
			tx, ok := textOf[h]
			if !ok || seen[h] {
				t.Fatalf("%s row %d: source hash %x is no input row, or repeats", k, i, r[0])
			}
			seen[h] = true
			var want dataset.Row
			switch k {
			case api.KernelQuality:
				s, out := params.Signals(tx)
				keep, failed := params.Keep(s)
				for _, c := range s.Columns() {
					want = append(want, c.Value)
				}
				want = append(want, keep, append([]string{}, failed...), out)
				if keep {
					kept++
				}
			case api.KernelPII:
				out, c := text.MaskPII(tx, text.DefaultPIIParams())
				want = dataset.Row{out}
				for _, col := range c.Columns() {
					want = append(want, col.Value)
					masked += col.Value
				}
			}
			got := r[1:schema.NumContent()]
			if k == api.KernelQuality {
				// An empty list reads back from Arrow as nil or empty alike.
				if f, _ := got[len(got)-2].([]string); len(f) == 0 {
					got = slices.Clone(got)
					got[len(got)-2] = []string{}
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s row %d differs from compute/text on the same text:\n got %v\nwant %v", k, i, got, want)
			}
		}
		t.Logf("%s: %d rows verified and equal to compute/text, done at %s", k, len(rows), time.Since(start).Round(time.Millisecond))
	}
	if kept == 0 || kept == len(crawlRows) {
		t.Errorf("%d of %d rows kept: want both kinds in the crawl", kept, len(crawlRows))
	}
	if masked < 8 {
		t.Errorf("%d items masked on the contact pages, want at least 8", masked)
	}
}

// testQualityBadInput: quality and pii specs the buyer's client refuses
// naming the field, and the coordinators too when sent past the client;
// the replicated state does not change.
func testQualityBadInput(ctx context.Context, t *testing.T, nw *Network, b *buyer.Client, input string) {
	raw, err := api.NewClient(api.ClientConfig{Coordinators: nw.CoordURLs, Key: nw.Chain.Buyer, Domain: api.DomainFor(nw.chainID)})
	if err != nil {
		t.Fatal(err)
	}
	neg, big := int64(-5), int64(2_000_000)
	cases := []struct {
		name  string
		spec  api.ComputeSpec
		field string
	}{
		{"negative min_doc_words", api.ComputeSpec{Input: input, Kernel: api.KernelQuality, Quality: &api.QualityParams{Gopher: &api.GopherQualityParams{MinDocWords: &neg}}}, "compute.quality.gopher.min_doc_words"},
		{"fraction above one", api.ComputeSpec{Input: input, Kernel: api.KernelQuality, Quality: &api.QualityParams{FineWeb: &api.FineWebQualityParams{ShortLineThrPPM: &big}}}, "compute.quality.fineweb.short_line_thr_ppm"},
		{"pii parameters on quality", api.ComputeSpec{Input: input, Kernel: api.KernelQuality, PII: &api.PIIParams{}}, "compute.pii"},
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
