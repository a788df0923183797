package devnet

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
)

func testLogger(t testing.TB) *slog.Logger {
	level := slog.LevelWarn
	if os.Getenv("MEADOW_TEST_LOG") == "debug" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: level}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}

// crawlSpec is the demo crawl job: the site's static pages, with the
// volatile clock and ad excluded so that replicas agree.
func crawlSpec(urls []string) api.JobSpec {
	return api.JobSpec{
		Kind: api.JobCrawl,
		Name: "demo site articles",
		Crawl: &api.CrawlSpec{
			URLs: urls,
			Fields: []api.FieldRule{
				{Name: "title", Selector: "h1.title"},
				{Name: "author", Selector: "meta[name=author]", Attr: "content"},
			},
			TextSelector: "article",
			Exclude:      []string{".clock", ".ad"},
			TaskSize:     10,
		},
	}
}

// TestCrawlJobEndToEnd runs a crawl job through three coordinators and three
// nodes, one of which alters rows: the job completes, the honest rows are
// accepted, and the altered ones are rejected.
func TestCrawlJobEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	cfg := DefaultConfig()
	cfg.Nodes, cfg.Faulty, cfg.JSNodes = 3, 1, 0
	cfg.Dir = t.TempDir()
	cfg.Logger = testLogger(t)
	nw, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nw.Close)

	b, err := buyer.New(buyer.Config{Coordinators: nw.CoordURLs, Key: nw.Chain.Buyer, ChainID: nw.chainID})
	if err != nil {
		t.Fatal(err)
	}
	static, _ := nw.Site.ArticleURLs(nw.SiteURL)
	job, err := b.Submit(ctx, crawlSpec(static[:60]))
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	defer func() {
		for _, nd := range nw.Nodes {
			var rec map[string]any
			err := getJSONForTest(nw.CoordURLs[0]+"/v1/node/"+nd.Address().Hex(), &rec)
			t.Logf("%s faulty=%v record=%v err=%v status=%+v", nd.Name, nd.Faulty, rec, err, nd.Status().TasksDone)
		}
	}()
	st, err := b.Wait(ctx, job.ID, 500*time.Millisecond, func(s api.JobStatus) {
		t.Logf("job %s: %s, %.0f%%, tasks %+v, rows accepted %d rejected %d", s.ID, s.State, s.Progress.Percent, s.Progress.Tasks, s.Progress.RowsAccepted, s.Progress.RowsRejected)
	})
	if err != nil {
		t.Fatalf("job: %v", err)
	}
	if st.Progress.Tasks.Verified == 0 || st.Progress.RowsAccepted == 0 {
		t.Fatalf("nothing verified: %+v", st.Progress)
	}
	if nw.Site.PrivateHits() != 0 {
		t.Errorf("the disallowed path was fetched %d times", nw.Site.PrivateHits())
	}
	t.Logf("final: %+v dataset %s", st.Progress, st.Dataset)
}

func getJSONForTest(u string, out any) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}
