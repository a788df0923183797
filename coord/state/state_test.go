package state

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/api"
)

func addr(i int) string { return fmt.Sprintf("0x%040x", i) }

// newTestState has n nodes, node i in its own /24 with its own operator.
func newTestState(t *testing.T, n int) *State {
	t.Helper()
	s := New()
	for i := 0; i < n; i++ {
		if _, err := s.RegisterNode(Registration{Address: addr(i), IP: fmt.Sprintf("10.0.%d.1", i)}, 1); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func crawlJob(id string, tasks, k, kmax int) NewJob {
	spec := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://example.com/"}}}.WithDefaults()
	spec.Replication, spec.MaxReplication = k, kmax
	nj := NewJob{ID: id, Spec: spec}
	for i := 0; i < tasks; i++ {
		nj.Tasks = append(nj.Tasks, api.Task{
			ID: fmt.Sprintf("%s.t%d", id, i), JobID: id, Kind: api.JobCrawl,
			Crawl: &api.CrawlTask{URLs: []string{fmt.Sprintf("https://example.com/%d", i)}},
		})
	}
	return nj
}

// roundTrip returns s through a snapshot: encoded, then decoded.
func roundTrip(t *testing.T, s *State) *State {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

func rows(from, to int) []api.Hash {
	var out []api.Hash
	for i := from; i < to; i++ {
		out = append(out, api.Hash(sha256.Sum256([]byte{byte(i), byte(i >> 8)})))
	}
	return out
}

func mustGrant(t *testing.T, s *State, task, node string, now int64) Lease {
	t.Helper()
	res := s.GrantLeases([]Grant{{TaskID: task, Node: node, Deadline: now + 1000}}, now)
	l, ok := res[0].(Lease)
	if !ok {
		t.Fatalf("grant %s to %s: %v", task, node, res[0])
	}
	return l
}

// answer commits and reveals hs on lease l.
func answer(t *testing.T, s *State, l Lease, hs []api.Hash, now int64) RevealResult {
	t.Helper()
	if _, err := s.Commit(l.Node, api.Commitment{TaskID: l.TaskID, LeaseID: l.ID, Root: contentRoot(hs), Rows: int64(len(hs))}, now, now+1000); err != nil {
		t.Fatalf("commit %s: %v", l.ID, err)
	}
	r, err := s.Reveal(l.Node, api.Reveal{TaskID: l.TaskID, LeaseID: l.ID, RowHashes: hs}, now)
	if err != nil {
		t.Fatalf("reveal %s: %v", l.ID, err)
	}
	return r
}

func TestTaskVerifiedByMajority(t *testing.T) {
	s := newTestState(t, 3)
	if _, err := s.SubmitJob(crawlJob("j1", 1, 2, 3), 10); err != nil {
		t.Fatal(err)
	}
	a := mustGrant(t, s, "j1.t0", addr(0), 20)
	b := mustGrant(t, s, "j1.t0", addr(1), 20)
	if task, _ := s.Task("j1.t0"); task.State != api.TaskLeased {
		t.Fatalf("task %s after two grants", task.State)
	}
	// A third replica is not wanted yet.
	if res := s.GrantLeases([]Grant{{TaskID: "j1.t0", Node: addr(2), Deadline: 99}}, 20); !errors.Is(res[0].(error), ErrConflict) {
		t.Fatalf("third grant: %v", res[0])
	}
	// 20 rows each, 19 in common: 19/20 = 0.95 >= 0.9.
	answer(t, s, a, rows(0, 20), 30)
	r := answer(t, s, b, append(rows(1, 20), rows(100, 101)...), 31)
	// The deciding node has every accepted row: it uploads.
	if r.Task != api.TaskVerified || !r.Upload {
		t.Fatalf("verdict %+v, want verified with node b uploading", r)
	}
	if task, _ := s.Task("j1.t0"); task.Uploader() != b.ID {
		t.Fatalf("uploader %s, want %s", task.Uploader(), b.ID)
	}
	task, _ := s.Task("j1.t0")
	if len(task.Accepted) != 19 || task.Root() != contentRoot(rows(1, 20)) {
		t.Fatalf("accepted %d rows, root %s", len(task.Accepted), task.Root())
	}
	na, _ := s.Node(addr(0))
	if na.Units != 19*10 || na.Agreeing != 1 || na.Reputation == InitialReputation {
		t.Fatalf("node a: %+v", na)
	}
	j, _ := s.Job("j1")
	if j.Dataset == "" || j.State != api.JobRunning {
		t.Fatalf("job %+v: want a dataset, running until the blob is in", j)
	}
	d, _ := s.Dataset(j.Dataset)
	if d.Rows != 19 || d.Root != task.Root() || d.Complete {
		t.Fatalf("dataset %+v", d)
	}
	if err := s.BlobStored(StoredBlob{TaskID: "j1.t0", LeaseID: b.ID, SHA256: api.Hash{1}, Size: 10, Rows: 19}); err != nil {
		t.Fatal(err)
	}
	if j, _ := s.Job("j1"); j.State != api.JobDone {
		t.Fatalf("job %s after the last blob", j.State)
	}
	if d, _ := s.Dataset(j.Dataset); !d.Complete || d.Tasks[0].Blob == nil {
		t.Fatalf("dataset %+v", d)
	}
}

func TestDisagreementLeasesAnotherReplicaThenInconclusive(t *testing.T) {
	s := newTestState(t, 4)
	if _, err := s.SubmitJob(crawlJob("j", 1, 2, 3), 0); err != nil {
		t.Fatal(err)
	}
	answer(t, s, mustGrant(t, s, "j.t0", addr(0), 1), rows(0, 10), 2)
	r := answer(t, s, mustGrant(t, s, "j.t0", addr(1), 1), rows(10, 20), 3)
	if r.Task != api.TaskPending {
		t.Fatalf("after two disagreeing replicas: %s, want pending (a third replica)", r.Task)
	}
	r = answer(t, s, mustGrant(t, s, "j.t0", addr(2), 4), rows(20, 30), 5)
	if r.Task != api.TaskInconclusive {
		t.Fatalf("after k_max disagreeing replicas: %s, want inconclusive", r.Task)
	}
	if res := s.GrantLeases([]Grant{{TaskID: "j.t0", Node: addr(3), Deadline: 99}}, 6); res[0].(error) == nil {
		t.Fatal("granted a lease of a decided task")
	}
	j, _ := s.Job("j")
	if j.Inconclusive != 1 || j.Dataset == "" || j.State != api.JobDone {
		t.Fatalf("job %+v", j)
	}
	for i := 0; i < 3; i++ {
		if n, _ := s.Node(addr(i)); n.Units != 0 {
			t.Fatalf("node %d paid %d units for an inconclusive task", i, n.Units)
		}
	}
}

func TestThirdReplicaBreaksTie(t *testing.T) {
	s := newTestState(t, 3)
	if _, err := s.SubmitJob(crawlJob("j", 1, 2, 3), 0); err != nil {
		t.Fatal(err)
	}
	honest := rows(0, 10)
	answer(t, s, mustGrant(t, s, "j.t0", addr(0), 1), honest, 2)
	answer(t, s, mustGrant(t, s, "j.t0", addr(1), 1), rows(50, 60), 3)
	r := answer(t, s, mustGrant(t, s, "j.t0", addr(2), 4), honest, 5)
	if r.Task != api.TaskVerified {
		t.Fatalf("%s, want verified by 2 of 3", r.Task)
	}
	bad, _ := s.Node(addr(1))
	good, _ := s.Node(addr(0))
	if bad.Reputation >= InitialReputation || good.Reputation <= InitialReputation || bad.Units != 0 || good.Agreeing != 1 {
		t.Fatalf("bad %+v good %+v", bad, good)
	}
}

func TestDiversityEnforced(t *testing.T) {
	s := New()
	regs := []Registration{
		{Address: addr(1), IP: "10.0.0.1"},
		{Address: addr(2), IP: "10.0.0.2"},                       // same /24 as 1
		{Address: addr(3), IP: "10.0.1.1", Operator: addr(1)},    // operator of 1
		{Address: addr(4), IP: "2001:db8:1:1::1"},                // IPv6
		{Address: addr(5), IP: "2001:db8:1:2::1"},                // same /48 as 4
		{Address: addr(6), IP: "::ffff:10.0.9.1"},                // IPv4-mapped
		{Address: addr(7), IP: "10.0.9.200", Operator: addr(99)}, // same /24 as 6
	}
	for _, r := range regs {
		if _, err := s.RegisterNode(r, 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SubmitJob(crawlJob("j", 2, 2, 3), 0); err != nil {
		t.Fatal(err)
	}
	mustGrant(t, s, "j.t0", addr(1), 1)
	for _, n := range []int{1, 2, 3} {
		if res := s.GrantLeases([]Grant{{TaskID: "j.t0", Node: addr(n), Deadline: 9}}, 1); res[0].(error) == nil {
			t.Errorf("node %d shares a node, network or operator with node 1 but got a replica", n)
		}
	}
	mustGrant(t, s, "j.t1", addr(4), 1)
	if res := s.GrantLeases([]Grant{{TaskID: "j.t1", Node: addr(5), Deadline: 9}}, 1); res[0].(error) == nil {
		t.Error("two replicas in one IPv6 /48")
	}
	if n, _ := s.Node(addr(6)); n.Network != "10.0.9.0/24" {
		t.Errorf("mapped address network %q", n.Network)
	}
}

func TestLeaseExpiry(t *testing.T) {
	s := newTestState(t, 3)
	if _, err := s.SubmitJob(crawlJob("j", 1, 2, 3), 0); err != nil {
		t.Fatal(err)
	}
	a := mustGrant(t, s, "j.t0", addr(0), 0) // due at 1000
	b := mustGrant(t, s, "j.t0", addr(1), 0)
	if _, err := s.Commit(b.Node, api.Commitment{TaskID: "j.t0", LeaseID: b.ID, Root: contentRoot(nil)}, 10, 5000); err != nil {
		t.Fatal(err)
	}
	if d, ok := s.NextDeadline(); !ok || d != 1000 {
		t.Fatalf("next deadline %d %v", d, ok)
	}
	if n := s.ExpireLeases(1000); n != 0 {
		t.Fatalf("expired %d at the deadline itself", n)
	}
	if n := s.ExpireLeases(1001); n != 1 {
		t.Fatalf("expired %d, want the uncommitted lease only", n)
	}
	task, _ := s.Task("j.t0")
	if task.State != api.TaskPending {
		t.Fatalf("task %s after expiry, want pending", task.State)
	}
	if _, err := s.Commit(a.Node, api.Commitment{TaskID: "j.t0", LeaseID: a.ID}, 1002, 3000); !errors.Is(err, ErrExpired) {
		t.Fatalf("late commitment: %v", err)
	}
	if n, _ := s.Node(addr(0)); n.Expired != 1 || n.Reputation >= InitialReputation {
		t.Fatalf("node after expiry %+v", n)
	}
	// The same node never gets the task again; another does.
	if res := s.GrantLeases([]Grant{{TaskID: "j.t0", Node: addr(0), Deadline: 9999}}, 1002); res[0].(error) == nil {
		t.Fatal("re-granted to the node that let it expire")
	}
	mustGrant(t, s, "j.t0", addr(2), 1002)
}

func TestRevealChecks(t *testing.T) {
	s := newTestState(t, 2)
	if _, err := s.SubmitJob(crawlJob("j", 1, 2, 3), 0); err != nil {
		t.Fatal(err)
	}
	l := mustGrant(t, s, "j.t0", addr(0), 0)
	hs := rows(0, 5)
	rev := api.Reveal{TaskID: "j.t0", LeaseID: l.ID, RowHashes: hs}
	if _, err := s.Reveal(l.Node, rev, 1); !errors.Is(err, ErrConflict) {
		t.Fatalf("reveal before commit: %v", err)
	}
	c := api.Commitment{TaskID: "j.t0", LeaseID: l.ID, Root: contentRoot(hs), Rows: 5}
	if _, err := s.Commit(addr(1), c, 1, 100); !errors.Is(err, ErrConflict) {
		t.Fatalf("commit on another's lease: %v", err)
	}
	if _, err := s.Commit(l.Node, c, 1, 100); err != nil {
		t.Fatal(err)
	}
	// The same commitment again (a retry whose answer was lost) is
	// answered again and changes nothing; a different one is refused.
	before := s.Leases[l.ID].CommittedAt
	if _, err := s.Commit(l.Node, c, 2, 100); err != nil || s.Leases[l.ID].CommittedAt != before {
		t.Fatalf("the same commitment again: %v (committed at %d, was %d)", err, s.Leases[l.ID].CommittedAt, before)
	}
	other := c
	other.Rows = 4
	if _, err := s.Commit(l.Node, other, 2, 100); !errors.Is(err, ErrConflict) {
		t.Fatalf("second, different commitment: %v", err)
	}
	bad := rev
	bad.RowHashes = rows(1, 6)
	if _, err := s.Reveal(l.Node, bad, 3); !errors.Is(err, ErrMismatch) {
		t.Fatalf("wrong hashes: %v", err)
	}
	bad.RowHashes = rows(0, 4)
	if _, err := s.Reveal(l.Node, bad, 3); !errors.Is(err, ErrMismatch) {
		t.Fatalf("wrong count: %v", err)
	}
	// Any order of the same rows gives the committed root.
	rev.RowHashes = []api.Hash{hs[4], hs[2], hs[0], hs[1], hs[3]}
	if _, err := s.Reveal(l.Node, rev, 4); err != nil {
		t.Fatal(err)
	}
	// The same reveal again is answered again; another order is refused.
	if _, err := s.Reveal(l.Node, rev, 5); err != nil {
		t.Fatalf("the same reveal again: %v", err)
	}
	rev.RowHashes = hs
	if _, err := s.Reveal(l.Node, rev, 5); !errors.Is(err, ErrConflict) {
		t.Fatalf("a second, different reveal: %v", err)
	}
}

func TestAdaptiveUnreplicatedTask(t *testing.T) {
	s := newTestState(t, 2)
	if _, err := s.SubmitJob(crawlJob("j", 1, 2, 3), 0); err != nil {
		t.Fatal(err)
	}
	res := s.GrantLeases([]Grant{{TaskID: "j.t0", Node: addr(0), Deadline: 100, Replicas: 1}}, 1)
	l := res[0].(Lease)
	if task, _ := s.Task("j.t0"); task.Target != 1 || !task.Unreplicated || task.State != api.TaskLeased {
		t.Fatalf("task %+v", task)
	}
	r := answer(t, s, l, rows(0, 3), 2)
	if r.Task != api.TaskVerified {
		t.Fatalf("%s", r.Task)
	}
	n, _ := s.Node(addr(0))
	if n.Reputation != InitialReputation || n.Agreeing != 0 || n.Units != 30 {
		t.Fatalf("an unreplicated answer moved reputation or the agreeing run: %+v", n)
	}
}

func TestEncodeDecodeKeepsIndexes(t *testing.T) {
	s := newTestState(t, 4)
	if _, err := s.SubmitJob(crawlJob("j", 3, 2, 3), 0); err != nil {
		t.Fatal(err)
	}
	mustGrant(t, s, "j.t0", addr(0), 0)
	l := mustGrant(t, s, "j.t1", addr(1), 0)
	answer(t, s, l, rows(0, 2), 1)
	var a, b bytes.Buffer
	if err := s.Encode(&a); err != nil {
		t.Fatal(err)
	}
	d, err := Decode(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Encode(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("decode and encode changed the state")
	}
	if d.idx.pending.len() != s.idx.pending.len() || len(d.idx.open) != len(s.idx.open) ||
		fmt.Sprint(d.idx.nodeOpen) != fmt.Sprint(s.idx.nodeOpen) {
		t.Fatalf("indexes differ after decode: pending %d/%d open %v/%v", d.idx.pending.len(), s.idx.pending.len(), d.idx.open, s.idx.open)
	}
}

func TestSplitCrawl(t *testing.T) {
	spec := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{
		Seeds:    []string{"https://a.example/", "https://a.example/x"},
		URLs:     []string{"https://b.example/1", "https://b.example/2", "https://b.example/3"},
		TaskSize: 2, MaxDepth: 1, RenderJS: true,
	}}.WithDefaults()
	if err := spec.Validate(); err != nil {
		t.Fatal(err)
	}
	tasks, err := New().SplitJob("j", spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 3 {
		t.Fatalf("%d tasks, want 3: %+v", len(tasks), tasks)
	}
	if !tasks[0].Crawl.FollowLinks || tasks[1].Crawl.FollowLinks || len(tasks[2].Crawl.URLs) != 1 || !tasks[2].Crawl.RenderJS {
		t.Fatalf("tasks %+v %+v %+v", tasks[0].Crawl, tasks[1].Crawl, tasks[2].Crawl)
	}
	for _, task := range tasks {
		if err := task.Validate(); err != nil {
			t.Fatalf("task %s: %v", task.ID, err)
		}
	}
}

func TestSplitCompute(t *testing.T) {
	s := New()
	s.Datasets["in"] = &Dataset{ID: "in", Complete: true, Rows: 25, Tasks: []DatasetTask{
		{TaskID: "a", Rows: 10, Blob: &api.Hash{1}},
		{TaskID: "b", Rows: 15, Blob: &api.Hash{2}},
	}}
	spec := api.JobSpec{Kind: api.JobCompute, Compute: &api.ComputeSpec{Input: "in", Kernel: api.KernelTokens, ShardRows: 12}}.WithDefaults()
	tasks, err := s.SplitJob("c", spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 3 {
		t.Fatalf("%d tasks, want 3", len(tasks))
	}
	sh := tasks[0].Compute.Shard
	if sh.FirstRow != 0 || len(sh.Parts) != 2 || sh.Parts[1].Offset != 0 || sh.Parts[1].Rows != 2 || sh.Rows() != 12 {
		t.Fatalf("shard 0 %+v", sh)
	}
	if sh := tasks[1].Compute.Shard; sh.FirstRow != 12 || sh.Parts[0].Offset != 2 || sh.Rows() != 12 {
		t.Fatalf("shard 1 %+v", sh)
	}
	if sh := tasks[2].Compute.Shard; sh.FirstRow != 24 || sh.Rows() != 1 {
		t.Fatalf("shard 2 %+v", sh)
	}
	for _, task := range tasks {
		if err := task.Validate(); err != nil {
			t.Fatalf("task %s: %v", task.ID, err)
		}
	}
	s.Datasets["in"].Complete = false
	if _, err := s.SplitJob("c", spec); !errors.Is(err, ErrConflict) {
		t.Fatalf("incomplete input: %v", err)
	}
}

func TestJobPauseResumeCancel(t *testing.T) {
	s := newTestState(t, 3)
	nj := crawlJob("j", 2, 2, 3)
	nj.Buyer = [20]byte{7}
	if _, err := s.SubmitJob(nj, 0); err != nil {
		t.Fatal(err)
	}
	buyer := nj.Buyer.Hex()
	l := mustGrant(t, s, "j.t0", addr(0), 0)
	if _, err := s.SetJobState("j", addr(5), api.JobPaused, 1); !errors.Is(err, ErrConflict) {
		t.Fatalf("pause by another buyer: %v", err)
	}
	if _, err := s.SetJobState("j", buyer, api.JobPaused, 1); err != nil {
		t.Fatal(err)
	}
	if res := s.GrantLeases([]Grant{{TaskID: "j.t1", Node: addr(1), Deadline: 99}}, 2); res[0].(error) == nil {
		t.Fatal("granted a lease of a paused job")
	}
	if _, err := s.SetJobState("j", buyer, api.JobRunning, 3); err != nil {
		t.Fatal(err)
	}
	mustGrant(t, s, "j.t1", addr(1), 4)
	if _, err := s.SetJobState("j", buyer, api.JobCancelled, 5); err != nil {
		t.Fatal(err)
	}
	if s.OpenCount() != 0 || s.PendingCount() != 0 {
		t.Fatalf("after cancel: %d open leases, %d pending tasks", s.OpenCount(), s.PendingCount())
	}
	if _, err := s.Commit(l.Node, api.Commitment{TaskID: "j.t0", LeaseID: l.ID}, 6, 100); !errors.Is(err, ErrExpired) {
		t.Fatalf("commit after cancel: %v", err)
	}
	if _, err := s.SetJobState("j", buyer, api.JobRunning, 7); !errors.Is(err, ErrConflict) {
		t.Fatalf("resume a cancelled job: %v", err)
	}
}

func TestSplitDedup(t *testing.T) {
	s := New()
	s.Jobs["mh"] = &Job{Job: api.Job{ID: "mh", Spec: api.JobSpec{Kind: api.JobCompute, Compute: &api.ComputeSpec{Input: "crawl", Kernel: api.KernelMinHash}}}}
	s.Jobs["tk"] = &Job{Job: api.Job{ID: "tk", Spec: api.JobSpec{Kind: api.JobCompute, Compute: &api.ComputeSpec{Input: "crawl", Kernel: api.KernelTokens}}}}
	parts := []DatasetTask{{TaskID: "a", Rows: 10, Blob: &api.Hash{1}}, {TaskID: "b", Rows: 15, Blob: &api.Hash{2}}, {TaskID: "c", Rows: 7, Blob: &api.Hash{3}}}
	s.Datasets["mh"] = &Dataset{ID: "mh", JobID: "mh", Kind: api.JobCompute, Complete: true, Rows: 32, Tasks: parts}
	s.Datasets["tk"] = &Dataset{ID: "tk", JobID: "tk", Kind: api.JobCompute, Complete: true, Rows: 32, Tasks: parts}
	s.Datasets["crawl"] = &Dataset{ID: "crawl", JobID: "cr", Kind: api.JobCrawl, Complete: true, Rows: 32, Tasks: parts}
	s.Datasets["big"] = &Dataset{ID: "big", JobID: "mh", Kind: api.JobCompute, Complete: true, Rows: api.DedupRowsLimit + 1, Tasks: parts}
	dedup := func(input string) api.JobSpec {
		return api.JobSpec{Kind: api.JobCompute, Compute: &api.ComputeSpec{Input: input, Kernel: api.KernelDedup}}.WithDefaults()
	}
	tasks, err := s.SplitJob("d", dedup("mh"))
	if err != nil {
		t.Fatal(err)
	}
	// One task over every row, whatever the input's shards were.
	if len(tasks) != 1 || tasks[0].Compute.Shard.Rows() != 32 || len(tasks[0].Compute.Shard.Parts) != 3 {
		t.Fatalf("%d tasks, first %+v; want one of 32 rows in 3 parts", len(tasks), tasks[0].Compute.Shard)
	}
	if err := tasks[0].Validate(); err != nil {
		t.Fatalf("task: %v", err)
	}
	for _, tt := range []struct{ name, input, want string }{
		{name: "tokens dataset", input: "tk", want: `made by a tokens job: expected a verified minhash dataset`},
		{name: "crawl dataset", input: "crawl", want: `made by a crawl job: expected a verified minhash dataset`},
		{name: "too many rows", input: "big", want: "has 100001 rows: expected at most 100000"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.SplitJob("d", dedup(tt.input))
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != "compute.input" || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want compute.input: %q", err, tt.want)
			}
		})
	}
}
