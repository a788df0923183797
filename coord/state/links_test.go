package state

import (
	"testing"

	"github.com/meadow-net/meadow/api"
)

// revealLinks commits and reveals hs with links on lease l.
func revealLinks(t *testing.T, s *State, l Lease, hs []api.Hash, links []string, now int64) {
	t.Helper()
	if _, err := s.Commit(l.Node, api.Commitment{TaskID: l.TaskID, LeaseID: l.ID, Root: contentRoot(hs), Rows: int64(len(hs))}, now, now+1000); err != nil {
		t.Fatalf("commit %s: %v", l.ID, err)
	}
	if _, err := s.Reveal(l.Node, api.Reveal{TaskID: l.TaskID, LeaseID: l.ID, RowHashes: hs, Links: links}, now); err != nil {
		t.Fatalf("reveal %s: %v", l.ID, err)
	}
}

// TestFollowLinks: a seed task's links that both agreeing replicas report,
// within the allowed domains, become tasks one level deeper; links at the
// last level are not followed; the job is done only when they are decided.
func TestFollowLinks(t *testing.T) {
	s := newTestState(t, 3)
	spec := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{
		Seeds: []string{"https://a.example/"}, MaxDepth: 1, MaxPages: 3, TaskSize: 10,
	}}.WithDefaults()
	if err := spec.Validate(); err != nil {
		t.Fatal(err)
	}
	tasks, err := s.SplitJob("j1", spec)
	if err != nil || len(tasks) != 1 || !tasks[0].Crawl.FollowLinks {
		t.Fatalf("split: %+v %v", tasks, err)
	}
	if _, err := s.SubmitJob(NewJob{ID: "j1", Spec: spec, Tasks: tasks}, 10); err != nil {
		t.Fatal(err)
	}
	a := mustGrant(t, s, "j1.t000000", addr(0), 20)
	b := mustGrant(t, s, "j1.t000000", addr(1), 20)
	both := []string{"https://a.example/1", "https://a.example/2", "https://a.example/3"}
	revealLinks(t, s, a, rows(0, 1), append([]string{"https://a.example/0-only-a", "https://b.example/x"}, both...), 30)
	revealLinks(t, s, b, rows(0, 1), both, 30)

	j, _ := s.Job("j1")
	if j.Decided() || len(j.Tasks) != 2 {
		t.Fatalf("job after the seed task: %d tasks, decided %v", len(j.Tasks), j.Decided())
	}
	next, _ := s.Task(j.Tasks[1])
	// MaxPages 3: the seed and two of the three links agreed on.
	if got := next.Spec.Crawl().URLs; len(got) != 2 || got[0] != both[0] || got[1] != both[1] {
		t.Fatalf("followed %v, want %v (one link cut by max_pages; one-replica and foreign links never)", got, both[:2])
	}
	if next.Spec.Crawl().Depth != 1 || next.Spec.Crawl().FollowLinks {
		t.Fatalf("depth-1 task %+v: want depth 1, no further following at max_depth 1", next.Spec.Crawl())
	}
	c := mustGrant(t, s, next.ID, addr(0), 40)
	d := mustGrant(t, s, next.ID, addr(2), 40)
	answer(t, s, c, rows(1, 3), 50)
	answer(t, s, d, rows(1, 3), 50)
	if j, _ := s.Job("j1"); !j.Decided() || j.State != api.JobDone && j.Dataset == "" {
		t.Fatalf("job after every task: %+v", j.Job)
	}
}
