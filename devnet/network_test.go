package devnet

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/dataset"
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
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	nw, b := startTestNetwork(ctx, t, 3, 1)

	static, _ := nw.Site.ArticleURLs(nw.SiteURL)
	job, err := b.Submit(ctx, crawlSpec(static[:60]))
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
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
	if st.Progress.RowsRejected == 0 {
		t.Errorf("the faulty node's altered rows were not rejected: %+v", st.Progress)
	}

	// The buyer's side: the dataset in both formats, verified row by row
	// against the manifest, and one row's proof from a coordinator.
	info, err := b.Dataset(ctx, st.Dataset)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := b.Manifest(ctx, st.Dataset)
	if err != nil {
		t.Fatal(err)
	}
	if m.Root != dataset.Hash(info.Root) || m.TotalRows != info.Rows || info.Rows != st.Progress.RowsAccepted {
		t.Fatalf("manifest root %s rows %d; dataset info root %s rows %d; accepted %d", m.Root, m.TotalRows, info.Root, info.Rows, st.Progress.RowsAccepted)
	}
	dir := t.TempDir()
	// The data is sold: unpaid, it is refused with what is owed and how to
	// pay; paid on chain, it downloads.
	if _, err := b.Download(ctx, st.Dataset, api.FormatArrow, filepath.Join(dir, "unpaid.arrows")); err == nil || !strings.Contains(err.Error(), "meadow buyer pay "+job.ID) {
		t.Fatalf("download before paying: %v, want a payment_required error naming the command", err)
	}
	payJob(ctx, t, b, nw, job.ID)
	for _, format := range []string{api.FormatArrow, api.FormatParquet} {
		path := filepath.Join(dir, "crawl."+format)
		if _, err := b.Download(ctx, st.Dataset, format, path); err != nil {
			t.Fatalf("download %s: %v", format, err)
		}
		rep, err := dataset.Verify(ctx, path, dataset.VerifyOptions{Manifest: m})
		if err != nil {
			t.Fatalf("verify the %s download: %v", format, err)
		}
		if rep.Rows != info.Rows {
			t.Fatalf("%s: %d rows, want %d", format, rep.Rows, info.Rows)
		}
		row := rep.Rows / 2
		p, err := b.Proof(ctx, st.Dataset, row)
		if err != nil {
			t.Fatalf("proof: %v", err)
		}
		if _, err := dataset.CheckRowProof(ctx, path, row, p, m.Root); err != nil {
			t.Fatalf("%s row %d: the coordinator's proof does not check: %v", format, row, err)
		}
	}

	// Cross-checking's verdict on the nodes: the faulty one lost reputation.
	rep := map[bool][]float64{}
	for _, nd := range nw.Nodes {
		var rec struct {
			Reputation float64 `json:"reputation"`
		}
		if err := getJSONForTest(nw.CoordURLs[0]+"/v1/node/"+strings.ToLower(nd.Address().Hex()), &rec); err != nil {
			t.Fatal(err)
		}
		rep[nd.Faulty] = append(rep[nd.Faulty], rec.Reputation)
	}
	for _, honest := range rep[false] {
		for _, faulty := range rep[true] {
			if faulty >= honest {
				t.Errorf("faulty node's reputation %v is not below an honest node's %v", faulty, honest)
			}
		}
	}
	t.Logf("final: %+v dataset %s, reputations %v", st.Progress, st.Dataset, rep)
}

func getJSONForTest(u string, out any) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

// payJob pays a done job's price on the dev chain as the buyer.
func payJob(ctx context.Context, t *testing.T, b *buyer.Client, nw *Network, id string) {
	t.Helper()
	p, err := b.Pay(ctx, nw.Chain.Chain, id, 25*time.Millisecond)
	if err != nil {
		t.Fatalf("pay for %s: %v", id, err)
	}
	if p.Amount.Sign() <= 0 || p.Amount.Cmp(p.Price) != 0 {
		t.Fatalf("paid %s of price %s", p.Amount, p.Price)
	}
}

// startTestNetwork starts a dev network of three coordinators and nodes
// home nodes, faulty of them altering rows and none rendering JavaScript,
// logging to t and closed when the test ends, and a buyer client for its
// funded buyer.
func startTestNetwork(ctx context.Context, t *testing.T, nodes, faulty int) (*Network, *buyer.Client) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Nodes, cfg.Faulty, cfg.JSNodes = nodes, faulty, 0
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
	return nw, b
}
