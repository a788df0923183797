package coord_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// TestStrandedTaskEndsInconclusive: on a network of two nodes, a crawl task
// whose two replicas disagree wants a third replica that neither node may
// take (each held it). The job must not sit silently running for ever: its
// status, on every member, says that the task is stranded and until when it
// waits; then the leader's sweep ends it inconclusive and the job is done.
//
// The regression: a crawl job of URLs only on the dev network's demo site,
// whose pages carry a clock and a random ad, so that honest replicas differ,
// stayed running with {Pending:1 Leased:0} on two nodes, with nothing
// saying why.
func TestStrandedTaskEndsInconclusive(t *testing.T) {
	const leaseTTL = 2 * time.Second // the wait of a stranded task
	c := coordtest.NewTestCluster(t, 3, coordtest.WithConfig(func(_ int, cfg *coord.Config) {
		cfg.LeaseTTL = leaseTTL
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	register(t, c, 0, 2)
	leader := c.WaitLeader().C
	job, err := leader.SubmitJob(ctx, common.Address{1}, api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{
		URLs: []string{"https://a.example/1", "https://a.example/2"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var leases []api.Lease
	for i := 0; i < 2; i++ {
		c.WaitFor("a lease for node "+addr(i), func() bool {
			r := askWork(t, c, i)
			leases = append(leases, r.Leases...)
			return len(r.Leases) == 1
		})
	}
	// Each node reveals rows of its own: nothing agrees.
	for i, l := range leases {
		node := leaseNode(t, c, l.ID)
		hs := rowHashes(100*i, 100*i+2)
		if _, err := leader.Commit(ctx, node, api.Commitment{TaskID: l.Task.ID, LeaseID: l.ID, Root: root(hs), Rows: 2}); err != nil {
			t.Fatal(err)
		}
		if _, err := leader.Reveal(ctx, node, api.Reveal{TaskID: l.Task.ID, LeaseID: l.ID, RowHashes: hs}); err != nil {
			t.Fatal(err)
		}
	}
	revealed := time.Now()
	// The task wants a third replica, and neither node gets it.
	for i := 0; i < 2; i++ {
		if r := askWork(t, c, i); len(r.Leases) != 0 {
			t.Fatalf("node %d got %+v of a task it held", i, r.Leases)
		}
	}
	for _, m := range c.Running() {
		var st api.JobStatus
		c.WaitFor(m.Config.ID+" to report the stranded task", func() bool {
			st, err = m.C.JobStatus(job.ID)
			return err == nil && st.Progress.Stranded == 1
		})
		if st.State != api.JobRunning || st.Progress.Tasks.Pending != 1 ||
			!strings.Contains(st.Waiting, "wants replica 3 (of at most 4) that no registered node may take") ||
			!strings.Contains(st.Waiting, "replicas disagreed") || !strings.Contains(st.Waiting, "crawl.exclude") {
			t.Fatalf("%s: status of the stranded job: %+v", m.Config.ID, st)
		}
	}

	var st api.JobStatus
	c.WaitFor("the stranded task to end inconclusive", func() bool {
		st, err = c.WaitLeader().C.JobStatus(job.ID)
		return err == nil && st.State == api.JobDone
	})
	if waited := time.Since(revealed); waited < leaseTTL-200*time.Millisecond {
		t.Errorf("the task ended %s after the reveals, before its wait of %s", waited, leaseTTL)
	}
	if st.Progress.Tasks.Inconclusive != 1 || st.Progress.StrandedInconclusive != 1 || st.Progress.Stranded != 0 || st.Waiting != "" {
		t.Fatalf("status once the wait passed: %+v", st)
	}
	c.WaitConverged()
}
