package devnet

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
)

// TestURLsOnlyCrawlSaysWhyItWaits: the simplest job there is, URLs and
// nothing else, on the demo site and two honest nodes. Its pages carry a
// clock and a random ad and the spec excludes neither, so the two replicas
// disagree and the task wants a third that neither node may take. The job
// used to stay running with {Pending:1 Leased:0} and nothing saying why;
// its status must now say so within seconds (and the task ends inconclusive
// after the lease time, which coord's TestStrandedTaskEndsInconclusive
// checks with a short one).
func TestURLsOnlyCrawlSaysWhyItWaits(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	nw, b := startTestNetwork(ctx, t, 2, 0)
	static, _ := nw.Site.ArticleURLs(nw.SiteURL)
	job, err := b.Submit(ctx, api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: static[:6]}})
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	var (
		st    api.JobStatus
		stErr error
	)
	if err := waitFor(ctx, 45*time.Second, "the job's status to say why it waits", func() bool {
		st, stErr = b.Status(ctx, job.ID)
		return stErr == nil && st.Progress.Stranded > 0
	}); err != nil {
		t.Fatalf("%v; last status %+v (%v)", err, st, stErr)
	}
	if st.State != api.JobRunning || st.Progress.Stranded != 1 ||
		!strings.Contains(st.Waiting, "replicas disagreed") || !strings.Contains(st.Waiting, "crawl.exclude") {
		t.Fatalf("status: %+v", st)
	}
	t.Logf("waiting: %s", st.Waiting)
}
