package node

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// TestFollowLinks runs a crawl from one seed with max_depth 2 through a
// real coordinator and a node: the node reports each page's links within
// the allowed domains, the coordinator turns them into tasks one level
// deeper, and the dataset holds the seed, its links and theirs, but not
// the links of the last level nor the page on another host.
func TestFollowLinks(t *testing.T) {
	links := map[string][]string{
		"/p/0": {"/p/1", "/p/2", "http://elsewhere.invalid/x"},
		"/p/1": {"/p/3", "/p/0"},
		"/p/2": {"/p/3"},
		"/p/3": {"/p/4"}, // depth 2: not followed
		"/p/4": {},
	}
	var (
		mu      sync.Mutex
		fetched []string
	)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nAllow: /\n")
			return
		}
		ls, ok := links[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		fetched = append(fetched, r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><head><title>Page %s</title></head><body><p>The meadow page %s.</p>", r.URL.Path, r.URL.Path)
		for _, l := range ls {
			fmt.Fprintf(w, `<a href="%s">next</a>`, l)
		}
		fmt.Fprint(w, "</body></html>")
	}))
	t.Cleanup(site.Close)

	c := coordtest.NewTestCluster(t, 1)
	m := c.WaitLeader()
	leader := m.C
	runNode(t, newLoopbackNode(t, leader.HTTPAddr(), m.Config.ChainID))

	job, err := leader.SubmitJob(context.Background(), common.Address{1}, api.JobSpec{Kind: api.JobCrawl, Replication: 1, Crawl: &api.CrawlSpec{
		Seeds: []string{site.URL + "/p/0"}, MaxDepth: 2, TaskSize: 10,
		Fields: []api.FieldRule{{Name: "title", Selector: "title"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	st := waitJobEnd(t, leader, job.ID)
	if st.State != api.JobDone || st.Progress.RowsAccepted != 4 || st.Progress.Tasks.Total() != 3 {
		t.Fatalf("job %s: %s, %d rows accepted over %d tasks; want done with 4 rows (depths 0, 1, 1, 2) over 3 tasks",
			job.ID, st.State, st.Progress.RowsAccepted, st.Progress.Tasks.Total())
	}
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(fetched)
	if want := []string{"/p/0", "/p/1", "/p/2", "/p/3"}; !slices.Equal(fetched, want) {
		t.Fatalf("fetched %v, want %v: each page once, the last level's links not followed", fetched, want)
	}
}
