package node

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// pageSite serves a page titled "Page PATH" at every path, and a
// robots.txt that allows them all.
func pageSite(t *testing.T) *httptest.Server {
	t.Helper()
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nAllow: /\n")
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><head><title>Page %[1]s</title></head><body><p>The meadow page %[1]s.</p></body></html>", r.URL.Path)
	}))
	t.Cleanup(site.Close)
	return site
}

// twoPageJob submits a crawl of site's /p/1 and /p/2 as one task with
// the given replication, waits for it to end and requires it done with
// both rows accepted. It returns the job's id.
func twoPageJob(t *testing.T, leader *coord.Coordinator, site *httptest.Server, replication int) string {
	t.Helper()
	job, err := leader.SubmitJob(context.Background(), common.Address{1}, api.JobSpec{Kind: api.JobCrawl, Replication: replication, Crawl: &api.CrawlSpec{
		URLs: []string{site.URL + "/p/1", site.URL + "/p/2"}, TaskSize: 2,
		Fields: []api.FieldRule{{Name: "title", Selector: "title"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	st := waitJobEnd(t, leader, job.ID)
	if st.State != api.JobDone || st.Progress.RowsAccepted != 2 {
		t.Fatalf("job %s: %s with %d rows accepted, want done with 2", job.ID, st.State, st.Progress.RowsAccepted)
	}
	return job.ID
}

// waitJobEnd waits up to a minute (scaled) for job id to end, done or
// failed, and returns its status.
func waitJobEnd(t *testing.T, leader *coord.Coordinator, id string) api.JobStatus {
	t.Helper()
	var st api.JobStatus
	coordtest.WaitFor(t, 60*time.Second*coordtest.Scale(), "job "+id+" done", func() bool {
		st, _ = leader.JobStatus(id)
		return st.State == api.JobDone || st.State == api.JobFailed
	})
	return st
}
