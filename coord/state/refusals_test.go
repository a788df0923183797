package state

import (
	"errors"
	"testing"

	"github.com/meadow-net/meadow/api"
)

func TestRecordRefusal(t *testing.T) {
	s := newTestState(t, 2)
	if _, err := s.SubmitJob(crawlJob("j", 1, 2, 2), 0); err != nil {
		t.Fatal(err)
	}
	a := mustGrant(t, s, "j.t0", addr(0), 1)
	b := mustGrant(t, s, "j.t0", addr(1), 1)
	ref := func(l Lease, url string, reason api.RefusalReason) api.Refusal {
		return api.Refusal{TaskID: l.TaskID, LeaseID: l.ID, URL: url, Reason: reason}
	}
	cases := []struct {
		name    string
		node    string
		r       api.Refusal
		added   bool
		wantErr error
	}{
		{"a refuses a private redirect", addr(0), ref(a, "http://10.0.0.1/", api.RefusedUnsafeAddress), true, nil},
		{"the same report again counts once", addr(0), ref(a, "http://10.0.0.1/", api.RefusedUnsafeAddress), false, nil},
		{"b's report of the same URL counts", addr(1), ref(b, "http://10.0.0.1/", api.RefusedUnsafeAddress), true, nil},
		{"a robots.txt refusal", addr(0), ref(a, "https://example.com/0", api.RefusedRobots), true, nil},
		{"another node's lease", addr(1), ref(a, "https://example.com/x", api.RefusedRobots), false, ErrConflict},
		{"a lease of another task", addr(0), api.Refusal{TaskID: "j.t9", LeaseID: a.ID, URL: "https://example.com/0", Reason: api.RefusedRobots}, false, ErrInvalid},
		{"an unknown lease", addr(0), api.Refusal{TaskID: "j.t0", LeaseID: "nope", URL: "https://example.com/0", Reason: api.RefusedRobots}, false, ErrNotFound},
		// One URL in the task: four refusals at most, two recorded.
		{"third", addr(0), ref(a, "http://10.0.0.3/", api.RefusedUnsafeAddress), true, nil},
		{"fourth", addr(0), ref(a, "http://10.0.0.4/", api.RefusedUnsafeAddress), true, nil},
		{"fifth is over the bound", addr(0), ref(a, "http://10.0.0.5/", api.RefusedUnsafeAddress), false, ErrConflict},
	}
	for _, c := range cases {
		added, err := s.RecordRefusal(c.node, c.r)
		if added != c.added || !errors.Is(err, c.wantErr) || (c.wantErr == nil && err != nil) {
			t.Errorf("%s: added %v, err %v; want %v, %v", c.name, added, err, c.added, c.wantErr)
		}
	}
	st, err := s.JobStatus("j")
	if err != nil {
		t.Fatal(err)
	}
	want := map[api.RefusalReason]int64{api.RefusedUnsafeAddress: 4, api.RefusedRobots: 1}
	if len(st.Progress.Refusals) != len(want) {
		t.Fatalf("refusals %v, want %v", st.Progress.Refusals, want)
	}
	for k, v := range want {
		if st.Progress.Refusals[k] != v {
			t.Fatalf("refusals %v, want %v", st.Progress.Refusals, want)
		}
	}
}
