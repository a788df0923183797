//go:build !nodeonly

package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/coord/coordtest"
)

const pretrainTutorial = "../../docs/PRETRAIN.md"

// debianManuals are the Debian packages whose HTML the tutorial serves as
// real pages, with one page of each it crawls.
var debianManuals = map[string]string{
	"apache2-doc":       "/usr/share/doc/apache2-doc/manual/en/dso.html",
	"sqlite3-doc":       "/usr/share/doc/sqlite3/whyc.html",
	"python-django-doc": "/usr/share/doc/python-django-doc/html/ref/clickjacking.html",
}

// TestPretrainTutorial runs docs/PRETRAIN.md verbatim, as TestBuyTutorial
// runs BUY.md: a new buyer submits one pretrain pipeline over demo
// articles, their mirrors and Debian's HTML manuals (served from
// /usr/share/doc on loopback, as the page tells the reader to), with
// `meadow buyer`; pays, saves and reads the final dataset with DuckDB.
// Then it checks what the reader was shown against the coordinators: the
// pipeline is done with every stage verified, DuckDB counts the last
// stage's rows and finds FineWeb's columns, the saved card is the
// coordinators' card, and the rows come from both sites.
func TestPretrainTutorial(t *testing.T) {
	for pkg, page := range debianManuals {
		if _, err := os.Stat(page); err != nil {
			t.Fatalf("the tutorial serves Debian's %s (scripts/deps.sh installs it: apt-get install %s): %v", pkg, pkg, err)
		}
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	nodeModules := filepath.Join(repo, "node_modules")
	if _, err := os.Stat(filepath.Join(nodeModules, "@duckdb", "node-api")); err != nil {
		t.Fatalf("the tutorial needs the npm package @duckdb/node-api (make deps installs it): %v", err)
	}
	blocks := shBlocks(t, pretrainTutorial)
	bin := buyMeadowWrapper(t)

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute*coordtest.Scale())
	defer cancel()
	nw, logPath := tutorialNetwork(ctx, t)
	// What `python3 -m http.server --directory /usr/share/doc` serves.
	real := httptest.NewServer(http.FileServer(http.Dir("/usr/share/doc")))
	t.Cleanup(real.Close)

	home, work := t.TempDir(), t.TempDir()
	shown := runTutorial(t, ctx, blocks, "printf '%s' \"$PIPELINE\" > .pipeline\n", []string{
		"HOME=" + home,
		"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"),
		"MEADOW_NETWORK=" + nw.NetworkFilePath(),
		"DEMO_SITE=" + nw.SiteURL,
		"REAL_SITE=" + real.URL,
		"NODE_PATH=" + nodeModules,
	}, work, logPath)

	t.Logf("what the reader was shown:\n%s", shown)
	id := buyReadFile(t, filepath.Join(work, ".pipeline"))
	key, err := api.LoadOrCreateKey(filepath.Join(home, ".meadow", "buyer.key"))
	if err != nil {
		t.Fatal(err)
	}
	bc, err := buyer.New(buyer.Config{Coordinators: nw.CoordURLs, Key: key, ChainID: nw.ChainID()})
	if err != nil {
		t.Fatal(err)
	}
	p, err := bc.Pipeline(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != api.JobDone || len(p.Stages) != 7 {
		t.Fatalf("pipeline %s after the tutorial: %s (%s), %d stages", id, p.State, p.Error, len(p.Stages))
	}
	for _, st := range p.Stages {
		if st.Job.State != api.JobDone || st.Job.Progress.Tasks.Inconclusive != 0 || st.Job.Paid != st.Job.Price {
			t.Errorf("stage %s: %+v", st.Name, st.Job)
		}
		if !strings.Contains(shown, st.Job.ID) {
			t.Errorf("the status shown does not list stage %s's job %s:\n%s", st.Name, st.Job.ID, shown)
		}
	}
	final := p.Stages[len(p.Stages)-1].Job.Progress.RowsAccepted
	m := regexp.MustCompile(`(?m)^rows (\d+)$`).FindStringSubmatch(shown)
	if m == nil {
		t.Fatalf("DuckDB's row count is not in the output:\n%s", shown)
	}
	if n, _ := strconv.ParseInt(m[1], 10, 64); n != final || n == 0 {
		t.Errorf("DuckDB counted %d rows; the last stage accepted %d", n, final)
	}
	cm := regexp.MustCompile(`(?m)^columns (.*)$`).FindStringSubmatch(shown)
	if cm == nil {
		t.Fatalf("DuckDB's columns are not in the output:\n%s", shown)
	}
	cols := strings.Split(cm[1], ",")
	for _, c := range []string{"text", "id", "url", "date", "language", "language_score", "tokens"} {
		if !slices.Contains(cols, c) {
			t.Errorf("DuckDB finds no column %s in %v", c, cols)
		}
	}
	card, err := bc.PipelineCard(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if saved := buyReadFile(t, filepath.Join(work, "pretrain", "README.md")); saved != strings.TrimSpace(card.Markdown) {
		t.Errorf("the saved README.md is not the coordinators' card")
	}
	// Rows from both sites made it through: the crawl's Debian pages had
	// main text, and the language stage kept some of each.
	crawled := p.Stages[0].Job.Progress.RowsAccepted
	if crawled != 15 {
		t.Errorf("the crawl accepted %d rows; the page lists 15 URLs", crawled)
	}
	for _, site := range []string{nw.SiteURL, real.URL} {
		host := strings.TrimPrefix(site, "http://")
		if !regexp.MustCompile(`(?m)^site ` + regexp.QuoteMeta(host) + ` pages [1-9]`).MatchString(shown) {
			t.Errorf("DuckDB counts no page of %s:\n%s", host, shown)
		}
	}
}
