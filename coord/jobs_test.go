package coord_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/dataset"
)

func rowHashes(from, to int) []api.Hash {
	var out []api.Hash
	for i := from; i < to; i++ {
		out = append(out, api.Hash(sha256.Sum256(fmt.Appendf(nil, "row %d", i))))
	}
	return out
}

func root(hs []api.Hash) api.Hash {
	ds := make([]dataset.Hash, len(hs))
	for i, h := range hs {
		ds[i] = dataset.Hash(h)
	}
	return api.Hash(dataset.ContentRoot(ds))
}

func TestJobThroughRaft(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	register(t, c, 0, 3)
	leader := c.WaitLeader().C

	spec := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{
		URLs:     []string{"https://a.example/1", "https://a.example/2", "https://a.example/3"},
		TaskSize: 2,
	}}
	if _, err := leader.SubmitJob(ctx, common.Address{1}, api.JobSpec{Kind: "nope"}); !errors.Is(err, coord.ErrInvalid) {
		t.Fatalf("bad spec: %v", err)
	}
	job, err := leader.SubmitJob(ctx, common.Address{1}, spec)
	if err != nil {
		t.Fatal(err)
	}
	j, err := leader.Job(job.ID)
	if err != nil || len(j.Tasks) != 2 || j.Spec.Replication != 2 || j.ThresholdPPM != 900_000 {
		t.Fatalf("job %+v, %v", j, err)
	}

	// Both tasks to nodes 0 and 1; node 2 later for nothing.
	deadline := leader.Now() + time.Minute.Milliseconds()
	var grants []state.Grant
	for _, task := range j.Tasks {
		for n := 0; n < 2; n++ {
			grants = append(grants, state.Grant{TaskID: task, Node: addr(n), Deadline: deadline})
		}
	}
	leases, errs, err := leader.GrantLeases(ctx, grants)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range errs {
		if e != nil {
			t.Fatalf("grant %d: %v", i, e)
		}
	}
	for i, l := range leases {
		hs := rowHashes(i/2*10, i/2*10+2) // both replicas of a task agree
		if _, err := leader.Commit(ctx, l.Node, api.Commitment{TaskID: l.TaskID, LeaseID: l.ID, Root: root(hs), Rows: int64(len(hs))}); err != nil {
			t.Fatalf("commit %s: %v", l.ID, err)
		}
		res, err := leader.Reveal(ctx, l.Node, api.Reveal{TaskID: l.TaskID, LeaseID: l.ID, RowHashes: hs})
		if err != nil {
			t.Fatalf("reveal %s: %v", l.ID, err)
		}
		if want := i%2 == 1; res.UploadRequested != want {
			t.Fatalf("reveal %s: upload %v, want %v", l.ID, res.UploadRequested, want)
		}
	}
	st, _ := leader.JobStatus(job.ID)
	if st.Progress.Tasks.Verified != 2 || st.Dataset == "" || st.State != api.JobRunning {
		t.Fatalf("status %+v", st)
	}
	for i, task := range j.Tasks {
		if err := leader.BlobStored(ctx, state.StoredBlob{TaskID: task, LeaseID: leases[2*i+1].ID, SHA256: api.Hash{byte(i + 1)}, Size: 100, Rows: 2}); err != nil {
			t.Fatal(err)
		}
	}
	want := c.WaitConverged()
	for _, m := range c.Members {
		d, err := m.C.Dataset(st.Dataset)
		if err != nil || !d.Complete || d.Rows != 4 || d.Root != root(append(rowHashes(0, 2), rowHashes(10, 12)...)) {
			t.Fatalf("%s: dataset %+v, %v", m.Config.ID, d, err)
		}
		if s, _ := m.C.JobStatus(job.ID); s.State != api.JobDone {
			t.Fatalf("%s: job %s", m.Config.ID, s.State)
		}
	}
	c.StopAll()
	for _, m := range c.Members {
		c.Start(m)
	}
	if got := c.WaitConverged(); got != want {
		t.Fatalf("state after restart %s, want %s", got, want)
	}
}

func TestLeaderExpiresLeases(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	register(t, c, 0, 2)
	leader := c.WaitLeader().C
	job, err := leader.SubmitJob(ctx, common.Address{1}, api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/"}}})
	if err != nil {
		t.Fatal(err)
	}
	task := job.ID + ".t000000"
	leases, errs, err := leader.GrantLeases(ctx, []state.Grant{{TaskID: task, Node: addr(0), Deadline: leader.Now() + 100}})
	if err != nil || errs[0] != nil {
		t.Fatalf("grant: %v %v", err, errs)
	}
	c.WaitFor("the leader to expire the lease", func() bool {
		l, err := leader.Lease(leases[0].ID)
		return err == nil && l.State == state.LeaseExpired
	})
	if tk, _ := leader.Task(task); tk.State != api.TaskPending || tk.Expired != 1 {
		t.Fatalf("task after expiry: %+v", tk)
	}
	_, err = leader.Commit(ctx, addr(0), api.Commitment{TaskID: task, LeaseID: leases[0].ID, Root: root(nil)})
	if !errors.Is(err, state.ErrExpired) {
		t.Fatalf("late commit: %v", err)
	}
}
