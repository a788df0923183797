package state

import (
	"fmt"
	"testing"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/verify"
)

// disagreeingTask is a state with two nodes whose replicas of the one task
// of job "j" (k 2, k_max 4) disagreed, revealed at 30: the task wants a
// third replica, and neither node may take it.
func disagreeingTask(t *testing.T, renderJS bool) *State {
	t.Helper()
	s := New()
	for i := 0; i < 2; i++ {
		r := Registration{Address: addr(i), IP: fmt.Sprintf("10.0.%d.1", i), Caps: api.Capabilities{RenderJS: true, MaxConcurrent: 2}}
		if _, err := s.RegisterNode(r, 1); err != nil {
			t.Fatal(err)
		}
	}
	nj := crawlJob("j", 1, 2, 4)
	nj.Tasks[0].Crawl.RenderJS = renderJS
	if _, err := s.SubmitJob(nj, 5); err != nil {
		t.Fatal(err)
	}
	a := mustGrant(t, s, "j.t0", addr(0), 10)
	b := mustGrant(t, s, "j.t0", addr(1), 10)
	answer(t, s, a, rows(0, 6), 20)
	if r := answer(t, s, b, rows(100, 106), 30); r.Task != api.TaskPending {
		t.Fatalf("after two disagreeing reveals the task is %s, want pending for a third replica", r.Task)
	}
	return s
}

// TestStrandedTask: a task whose two replicas disagreed on a network of two
// nodes wants a third replica that neither may take. It is reported as
// stranded, with since when, unless a registered node may take it; and once
// the wait has passed, EndStranded decides it inconclusive, which ends the
// job. The regression it guards: a crawl job of URLs only, on the dev
// network's demo site (a clock and an ad on every page, so honest replicas
// differ), stayed running with one pending task for ever.
func TestStrandedTask(t *testing.T) {
	const wait = 1000
	tests := []struct {
		name     string
		renderJS bool
		third    *Registration // registered after the disagreement
		setup    func(s *State)
		shared   bool // sharedNetworkOK
		stranded bool
	}{
		{name: "two nodes, both held it", stranded: true},
		{name: "a third node", third: &Registration{Address: addr(2), IP: "10.0.2.1"}, stranded: false},
		{name: "a third node of node 0's operator", third: &Registration{Address: addr(2), Operator: addr(0), IP: "10.0.2.1"}, stranded: true},
		{name: "a third node in node 1's network", third: &Registration{Address: addr(2), IP: "10.0.1.7"}, stranded: true},
		{name: "a third node in node 1's network, shared networks allowed", third: &Registration{Address: addr(2), IP: "10.0.1.7"}, shared: true, stranded: false},
		{name: "a third node without Chromium for a JS task", renderJS: true, third: &Registration{Address: addr(2), IP: "10.0.2.1"}, stranded: true},
		{name: "a third node with Chromium for a JS task", renderJS: true, third: &Registration{Address: addr(2), IP: "10.0.2.1", Caps: api.Capabilities{RenderJS: true}}, stranded: false},
		{
			name: "a third node below the reputation floor", third: &Registration{Address: addr(2), IP: "10.0.2.1"},
			setup:    func(s *State) { s.Nodes[addr(2)].Reputation = uint32(verify.Floor) - 1 },
			stranded: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := disagreeingTask(t, tt.renderJS)
			if tt.third != nil {
				if _, err := s.RegisterNode(*tt.third, 35); err != nil {
					t.Fatal(err)
				}
			}
			if tt.setup != nil {
				tt.setup(s)
			}
			got := s.StrandedOf("j", tt.shared)
			if !tt.stranded {
				if got.Tasks != 0 || s.StrandedDue(1e9, wait, tt.shared) || s.EndStranded(1e9, wait, tt.shared) != 0 {
					t.Fatalf("a task a registered node may take is stranded: %+v", got)
				}
				if task, _ := s.Task("j.t0"); task.State != api.TaskPending {
					t.Fatalf("task %s, want pending", task.State)
				}
				return
			}
			want := StrandedTasks{Tasks: 1, Disagreed: 1, Since: 30, Replica: 3, MaxReplicas: 4}
			if got != want {
				t.Fatalf("StrandedOf = %+v, want %+v", got, want)
			}
			if s.StrandedDue(30+wait, wait, tt.shared) || s.EndStranded(30+wait, wait, tt.shared) != 0 {
				t.Fatal("ended at the end of the wait itself")
			}
			if !s.StrandedDue(31+wait, wait, tt.shared) {
				t.Fatal("not due after the wait")
			}
			// The index that finds it survives a snapshot.
			s2 := roundTrip(t, s)
			if got := s2.StrandedOf("j", tt.shared); got != want {
				t.Fatalf("after decode: StrandedOf = %+v, want %+v", got, want)
			}
			if n := s.EndStranded(31+wait, wait, tt.shared); n != 1 {
				t.Fatalf("EndStranded = %d, want 1", n)
			}
			if task, _ := s.Task("j.t0"); task.State != api.TaskInconclusive {
				t.Fatalf("task %s, want inconclusive", task.State)
			}
			st, err := s.JobStatus("j")
			if err != nil {
				t.Fatal(err)
			}
			if st.State != api.JobDone || st.Progress.Tasks.Inconclusive != 1 || st.Progress.StrandedInconclusive != 1 {
				t.Fatalf("job after the wait: %+v", st)
			}
			if s.StrandedDue(1e9, wait, tt.shared) || len(s.idx.held) != 0 {
				t.Fatalf("still due, or still indexed: %v", s.idx.held)
			}
		})
	}
}

// TestStrandedIsOnlyTheLackOfANode: tasks that wait for a lease from nodes
// that may take them (never leased, or partly replicated) are never
// stranded however long they wait, nor are those of a paused job.
func TestStrandedIsOnlyTheLackOfANode(t *testing.T) {
	s := newTestState(t, 3)
	if _, err := s.SubmitJob(crawlJob("j", 2, 2, 4), 5); err != nil {
		t.Fatal(err)
	}
	mustGrant(t, s, "j.t0", addr(0), 10)
	if got := s.StrandedOf("j", false); got.Tasks != 0 || s.StrandedDue(1e9, 1, false) || s.EndStranded(1e9, 1, false) != 0 {
		t.Fatalf("stranded: %+v", got)
	}
	// A paused job's task gets no lease, so it waits for its buyer, not
	// for a node.
	s2 := disagreeingTask(t, false)
	if _, err := s2.SetJobState("j", s2.Jobs["j"].Buyer.Hex(), api.JobPaused, 40); err != nil {
		t.Fatal(err)
	}
	if got := s2.StrandedOf("j", false); got.Tasks != 0 || s2.EndStranded(1e9, 1, false) != 0 {
		t.Fatalf("a paused job's task is stranded: %+v", got)
	}
}
