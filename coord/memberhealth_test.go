package coord_test

import (
	"context"
	"testing"

	"github.com/meadow-net/meadow/coord/coordtest"
)

// The members list says which member is unreachable and how far each lags,
// instead of listing a killed member as a healthy voter.
func TestMembersHealthShowsUnreachableMember(t *testing.T) {
	cl := coordtest.NewTestCluster(t, 3)
	leader := cl.WaitLeader()
	var down string
	for _, m := range cl.Members {
		if m != leader {
			down = m.Config.ID
			cl.Stop(m)
			break
		}
	}
	ms, err := leader.C.MembersHealth(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 3 {
		t.Fatalf("%d members, want 3", len(ms))
	}
	for _, m := range ms {
		h := m.Health
		if h == nil {
			t.Fatalf("%s: no health", m.ID)
		}
		if m.ID == down {
			if h.Reachable || h.Error == "" {
				t.Errorf("stopped member %s: reachable=%v error=%q; want unreachable with the reason", m.ID, h.Reachable, h.Error)
			}
			continue
		}
		if !h.Reachable || h.State == "" {
			t.Errorf("running member %s: %+v; want reachable with its state", m.ID, *h)
		}
		if h.Lag > 1000 {
			t.Errorf("running member %s lags %d entries", m.ID, h.Lag)
		}
	}
}
