package state

import (
	"testing"

	"github.com/meadow-net/meadow/api"
)

// A task verified by three agreeing replicas where the deciding node's rows
// lack one accepted row: an earlier revealer is the uploader, learns it from
// its work answers, and the upload moves round the agreeing leases when it
// is not made in time.
func TestUploadHandedOnToAgreeingLeases(t *testing.T) {
	s := newTestState(t, 3)
	if _, err := s.SubmitJob(crawlJob("j", 1, 3, 3), 0); err != nil {
		t.Fatal(err)
	}
	a := mustGrant(t, s, "j.t0", addr(0), 1)
	b := mustGrant(t, s, "j.t0", addr(1), 1)
	c := mustGrant(t, s, "j.t0", addr(2), 1)
	answer(t, s, a, rows(0, 20), 2)
	answer(t, s, b, rows(0, 20), 3)
	// c lacks row 0: rows 0–19 are accepted (2 of 3), c's rows do not hold
	// them all, so it is not asked.
	r := answer(t, s, c, rows(1, 20), 4)
	if r.Task != api.TaskVerified || r.Upload {
		t.Fatalf("deciding reveal: %+v, want verified without an upload request", r)
	}
	task, _ := s.Task("j.t0")
	if task.Uploader() != a.ID {
		t.Fatalf("uploader %s, want the first agreeing lease %s", task.Uploader(), a.ID)
	}
	if got := s.UploadsFor(addr(0), 64); len(got) != 1 || got[0] != (api.UploadRequest{TaskID: "j.t0", LeaseID: a.ID}) {
		t.Fatalf("uploads for a: %+v", got)
	}
	if got := s.UploadsFor(addr(1), 64); len(got) != 0 {
		t.Fatalf("uploads for b before a's wait passed: %+v", got)
	}
	const ttl = 100
	if d, ok := s.NextUploadDeadline(ttl); !ok || d != 4+ttl {
		t.Fatalf("next upload deadline %d %v, want %d", d, ok, 4+ttl)
	}
	if n := s.ReassignUploads(4+ttl, ttl); n != 0 {
		t.Fatalf("reassigned %d at the deadline itself", n)
	}

	// a's wait passes: b is asked; then b's: back to a (c never, it
	// does not hold every accepted row).
	steps := []struct {
		now  int64
		want Lease
		node string
	}{
		{4 + ttl + 1, b, addr(1)},
		{4 + 2*ttl + 2, a, addr(0)},
		{4 + 3*ttl + 3, b, addr(1)},
	}
	for i, st := range steps {
		if n := s.ReassignUploads(st.now, ttl); n != 1 {
			t.Fatalf("step %d: reassigned %d, want 1", i, n)
		}
		task, _ := s.Task("j.t0")
		if task.Uploader() != st.want.ID || task.UploadSince() != st.now || int(task.UploadReassigned) != i+1 {
			t.Fatalf("step %d: uploader %s since %d (%d handed on), want %s since %d", i, task.Uploader(), task.UploadSince(), task.UploadReassigned, st.want.ID, st.now)
		}
		if got := s.UploadsFor(st.node, 64); len(got) != 1 || got[0].LeaseID != st.want.ID {
			t.Fatalf("step %d: uploads for %s: %+v", i, st.node, got)
		}
		for _, other := range []string{addr(0), addr(1), addr(2)} {
			if got := s.UploadsFor(other, 64); other != st.node && len(got) != 0 {
				t.Fatalf("step %d: uploads for %s, no longer asked: %+v", i, other, got)
			}
		}
	}

	// The index survives a snapshot.
	s2 := roundTrip(t, s)
	if got := s2.UploadsFor(addr(1), 64); len(got) != 1 {
		t.Fatalf("uploads for b after decode: %+v", got)
	}

	// Any agreeing lease's blob completes the task, the one asked or not;
	// nothing is waited for after it.
	if err := s.BlobStored(StoredBlob{TaskID: "j.t0", LeaseID: a.ID, SHA256: api.Hash{1}, Size: 10, Rows: 20}); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.NextUploadDeadline(ttl); ok {
		t.Fatal("an upload deadline after the blob was stored")
	}
	if got := s.UploadsFor(addr(1), 64); len(got) != 0 {
		t.Fatalf("uploads for b after the blob: %+v", got)
	}
	if n := s.ReassignUploads(1e9, ttl); n != 0 {
		t.Fatalf("reassigned %d after the blob", n)
	}
	if len(s.idx.awaiting) != 0 || len(s.idx.awaitingBy) != 0 {
		t.Fatalf("the upload index still holds %v and %v", s.idx.awaiting, s.idx.awaitingBy)
	}
}

// A task with one agreeing lease keeps it, with a fresh wait.
func TestUploadWithOneAgreeingLeaseWaitsAgain(t *testing.T) {
	s := newTestState(t, 3)
	if _, err := s.SubmitJob(crawlJob("j", 1, 3, 3), 0); err != nil {
		t.Fatal(err)
	}
	a := mustGrant(t, s, "j.t0", addr(0), 1)
	b := mustGrant(t, s, "j.t0", addr(1), 1)
	c := mustGrant(t, s, "j.t0", addr(2), 1)
	// Every row 0–19 has two of three votes, but only a holds them all.
	answer(t, s, a, rows(0, 20), 2)
	answer(t, s, b, append(rows(0, 10), rows(100, 110)...), 3)
	answer(t, s, c, append(rows(10, 20), rows(200, 210)...), 4)
	task, _ := s.Task("j.t0")
	if task.State != api.TaskVerified || task.Uploader() != a.ID || len(task.Accepted) != 20 {
		t.Fatalf("task %s uploader %s with %d accepted rows, want verified with %s and 20", task.State, task.Uploader(), len(task.Accepted), a.ID)
	}
	if n := s.ReassignUploads(1000, 10); n != 0 {
		t.Fatalf("handed on %d with one agreeing lease", n)
	}
	if task, _ := s.Task("j.t0"); task.Uploader() != a.ID || task.UploadSince() != 1000 {
		t.Fatalf("uploader %s since %d, want %s since 1000", task.Uploader(), task.UploadSince(), a.ID)
	}
}
