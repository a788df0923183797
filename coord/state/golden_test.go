package state

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/meadow-net/meadow/api"
)

var update = flag.Bool("update", false, "rewrite testdata/state-golden.json from the current code")

// goldenState is a state with tasks and leases in every state a snapshot
// can hold them: pending, leased, committed, verified (waiting for its blob
// and with it), inconclusive, cancelled; crawl tasks of several URLs and of
// a job that follows links, and compute tasks.
func goldenState(t *testing.T) *State {
	t.Helper()
	s := newTestState(t, 6)
	crawl := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{
		URLs: []string{
			"https://a.example/1", "https://a.example/2", "https://b.example/1",
			"https://a.example/3", "https://b.example/2", "https://c.example/x?q=<&>",
		},
		TaskSize: 2,
		Fields:   []api.FieldRule{{Name: "title", Selector: "h1"}},
	}}.WithDefaults()
	crawl.Replication, crawl.MaxReplication = 2, 3
	submit := func(id string, spec api.JobSpec) {
		t.Helper()
		tasks, err := s.SplitJob(id, spec)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitJob(NewJob{ID: id, Spec: spec, Tasks: tasks}, 10); err != nil {
			t.Fatal(err)
		}
	}
	submit("j1", crawl)
	follow := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{
		Seeds: []string{"https://d.example/"}, MaxDepth: 1, AllowedDomains: []string{"d.example"},
	}}.WithDefaults()
	submit("j2", follow)
	submit("j3", crawl)

	// j1.t000000 verified, its blob stored; j1.t000001 verified, waiting
	// for its blob; j1.t000002 committed; j1.t000003 leased, one lease
	// expired; j1.t000004 pending.
	a, b := mustGrant(t, s, "j1.t000000", addr(0), 20), mustGrant(t, s, "j1.t000000", addr(1), 20)
	answer(t, s, a, rows(0, 5), 30)
	r := answer(t, s, b, rows(0, 5), 31)
	if err := s.BlobStored(StoredBlob{TaskID: "j1.t000000", LeaseID: r.Lease.ID, SHA256: api.Hash{1}, Size: 10, Rows: 5}); err != nil {
		t.Fatal(err)
	}
	a, b = mustGrant(t, s, "j1.t000001", addr(2), 40), mustGrant(t, s, "j1.t000001", addr(3), 40)
	answer(t, s, a, rows(0, 3), 50)
	answer(t, s, b, rows(0, 3), 51)
	a = mustGrant(t, s, "j1.t000002", addr(4), 60)
	if _, err := s.Commit(a.Node, api.Commitment{TaskID: a.TaskID, LeaseID: a.ID, Root: contentRoot(rows(0, 2)), Rows: 2}, 61, 2000); err != nil {
		t.Fatal(err)
	}
	mustGrant(t, s, "j1.t000003", addr(5), 62)
	if n := s.ExpireLeases(1100); n != 1 {
		t.Fatalf("expired %d leases, want 1", n)
	}
	mustGrant(t, s, "j1.t000003", addr(0), 1200)
	// j2's seed revealed with links; j3 cancelled with a lease open.
	a = mustGrant(t, s, "j2.t000000", addr(1), 1300)
	if _, err := s.Commit(a.Node, api.Commitment{TaskID: a.TaskID, LeaseID: a.ID, Root: contentRoot(rows(7, 8)), Rows: 1}, 1301, 3000); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reveal(a.Node, api.Reveal{TaskID: a.TaskID, LeaseID: a.ID, RowHashes: rows(7, 8), Links: []string{"https://d.example/next"}}, 1302); err != nil {
		t.Fatal(err)
	}
	mustGrant(t, s, "j3.t000000", addr(2), 1400)
	if _, err := s.SetJobState("j3", s.Jobs["j3"].Buyer.Hex(), api.JobCancelled, 1500); err != nil {
		t.Fatal(err)
	}
	return s
}

// The snapshot's bytes are a format: old snapshots must load, and a state
// must encode as it always has, however the state keeps it in memory. The
// golden file was written by the code before tasks were kept compactly
// (docs/ARCHITECTURE.md, "Snapshots off the apply path").
func TestSnapshotGolden(t *testing.T) {
	var got bytes.Buffer
	if err := goldenState(t).Encode(&got); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "state-golden.json")
	if *update {
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, got.Bytes(), "", " "); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pretty, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := json.Compact(&want, pretty); err != nil {
		t.Fatal(err)
	}
	want.WriteByte('\n')
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("the state encodes to\n%s\nthe golden snapshot is\n%s", got.Bytes(), want.Bytes())
	}
	// An old snapshot decodes to a state that encodes to the same bytes
	// and keeps its indexes.
	back, err := Decode(bytes.NewReader(want.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := back.Encode(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), want.Bytes()) {
		t.Fatalf("decoded and encoded again:\n%s\nwant\n%s", again.Bytes(), want.Bytes())
	}
	orig := goldenState(t)
	if back.OpenCount() != orig.OpenCount() {
		t.Fatalf("decoded: %d open leases, want %d", back.OpenCount(), orig.OpenCount())
	}
	// The cancelled job's tasks, pending in name, stay out of the pending
	// index as they were before the snapshot.
	if back.PendingCount() != orig.PendingCount() {
		t.Fatalf("decoded: %d pending tasks, want %d (a cancelled job's tasks came back)", back.PendingCount(), orig.PendingCount())
	}
}

// The tasks of a job share what they have in common: one shape, their URLs
// as runs of the job's own list where they are, one domain list per host;
// and they still do after a snapshot is decoded.
func TestTasksShareTheirJob(t *testing.T) {
	s := New()
	spec := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{TaskSize: 3}}
	for i := range 30 {
		spec.Crawl.URLs = append(spec.Crawl.URLs, fmt.Sprintf("https://a.example/%d", i))
	}
	spec = spec.WithDefaults()
	tasks, err := s.SplitJob("j2", spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitJob(NewJob{ID: "j2", Spec: spec, Tasks: tasks}, 1); err != nil {
		t.Fatal(err)
	}
	check := func(s *State) {
		t.Helper()
		j := s.Jobs["j2"]
		first := s.Tasks[j.Tasks[0]]
		for i, id := range j.Tasks {
			tk := s.Tasks[id]
			if tk.Spec.sh != first.Spec.sh || &tk.Domains()[0] != &first.Domains()[0] || tk.JobID() != j.ID {
				t.Fatalf("task %s does not share its job's shape, domains or id", id)
			}
			if urls := tk.Spec.URLs(); &urls[0] != &j.Spec.Crawl.URLs[3*i] {
				t.Fatalf("task %s's URLs are not a run of the job's list", id)
			}
		}
	}
	check(s)
	back := roundTrip(t, s)
	check(back)
}
