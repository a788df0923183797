package coord_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// askWork asks for one lease for node i on the current leader, retrying
// while leadership moves.
func askWork(t *testing.T, c *coordtest.Cluster, i int) api.WorkResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		resp, err := c.WaitLeader().C.Work(ctx, addr(i), api.WorkRequest{MaxTasks: 1})
		if err == nil {
			return resp
		}
		if !errors.Is(err, coord.ErrNotLeader) && !errors.Is(err, coord.ErrLeadershipLost) {
			t.Fatalf("work for node %d: %v", i, err)
		}
	}
}

func TestWorkLeasesReplicasThenVerifies(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	register(t, c, 0, 3)
	leader := c.WaitLeader().C
	job, err := leader.SubmitJob(ctx, common.Address{1}, api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{
		URLs: []string{"https://a.example/1", "https://a.example/2"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var got []api.Lease
	c.WaitFor("two replicas leased", func() bool {
		for i := 0; i < 3 && len(got) < 2; i++ {
			already := false
			for _, l := range got {
				already = already || l.ID != "" && leaseNode(t, c, l.ID) == addr(i)
			}
			if already {
				continue
			}
			got = append(got, askWork(t, c, i).Leases...)
		}
		return len(got) == 2
	})
	if got[0].Task.ID != got[1].Task.ID || got[0].Task.JobID != job.ID || got[0].Replica == got[1].Replica {
		t.Fatalf("leases %+v", got)
	}
	// The task wants no third replica.
	for i := 0; i < 3; i++ {
		if r := askWork(t, c, i); len(r.Leases) != 0 || r.RetryAfter <= 0 {
			t.Fatalf("node %d: %+v, want no lease and a retry time", i, r)
		}
	}
	hs := rowHashes(0, 2)
	for _, l := range got {
		node := leaseNode(t, c, l.ID)
		if _, err := leader.Commit(ctx, node, api.Commitment{TaskID: l.Task.ID, LeaseID: l.ID, Root: root(hs), Rows: 2}); err != nil {
			t.Fatal(err)
		}
		if _, err := leader.Reveal(ctx, node, api.Reveal{TaskID: l.Task.ID, LeaseID: l.ID, RowHashes: hs}); err != nil {
			t.Fatal(err)
		}
	}
	if st, _ := leader.JobStatus(job.ID); st.Progress.Tasks.Verified != 1 {
		t.Fatalf("status %+v", st)
	}
}

func leaseNode(t *testing.T, c *coordtest.Cluster, id string) string {
	t.Helper()
	l, err := c.WaitLeader().C.Lease(id)
	if err != nil {
		t.Fatalf("lease %s: %v", id, err)
	}
	return l.Node
}

func TestNewLeaderSchedules(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	register(t, c, 0, 3)
	old := c.WaitLeader()
	job, err := old.C.SubmitJob(ctx, common.Address{1}, api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/1"}}})
	if err != nil {
		t.Fatal(err)
	}
	first := askWork(t, c, 0)
	if len(first.Leases) != 1 {
		t.Fatalf("first lease: %+v", first)
	}
	c.Stop(old)
	// The new leader rebuilds its queue from the state: the task still
	// wants one replica, which must not go to node 0 again.
	if r := askWork(t, c, 0); len(r.Leases) != 0 {
		t.Fatalf("node 0 got a second replica: %+v", r)
	}
	r := askWork(t, c, 1)
	if len(r.Leases) != 1 || r.Leases[0].Task.JobID != job.ID || r.Leases[0].Replica != 1 {
		t.Fatalf("second replica: %+v", r)
	}
}
