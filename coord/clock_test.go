package coord_test

import (
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// A member whose clock is minutes off does not lead: it hands leadership to
// a member with the cluster's time, says so in its status, and signed writes
// sent to it (forwarded to the new leader) succeed, where before every
// signed write in the cluster failed with 401.
func TestSkewedClockDoesNotLead(t *testing.T) {
	for _, tt := range []struct {
		name string
		skew time.Duration
	}{
		{name: "2 minutes fast", skew: 2 * time.Minute},
		{name: "8 minutes slow", skew: -8 * time.Minute},
	} {
		t.Run(tt.name, func(t *testing.T) {
			skewed := func() time.Time { return time.Now().Add(tt.skew) }
			cl := coordtest.NewTestCluster(t, 3,
				coordtest.WithConfig(func(i int, c *coord.Config) { c.ClockCheckInterval = 100 * time.Millisecond }),
				coordtest.WithMemberOptions(func(i int) []coord.Option {
					if i == 0 {
						return []coord.Option{coord.WithClock(skewed)}
					}
					return nil
				}))
			bad := cl.Members[0]
			cl.WaitFor("the skewed member to hand leadership on", func() bool {
				l := cl.Leader()
				return l != nil && l != bad && bad.C.Clock().Skewed
			})
			r := bad.C.Clock()
			if off := time.Duration(r.OffsetMillis) * time.Millisecond; (off - tt.skew).Abs() > 5*time.Second {
				t.Errorf("skewed member's offset %s, want about %s", off, tt.skew)
			}
			for _, m := range cl.Members[1:] {
				cl.WaitFor(m.Config.ID+"'s clock to be compared", func() bool { return m.C.Clock().Known })
				if r := m.C.Clock(); r.Skewed {
					t.Errorf("%s: %+v; want an unskewed clock", m.Config.ID, r)
				}
			}
			// A node with a correct clock registers through the skewed
			// member, once it knows whom to forward to.
			cl.WaitFor("the skewed member to know the leader", func() bool {
				id, addr := bad.C.Leader()
				return id != "" && id != bad.Config.ID && addr != ""
			})
			n := newSigner(t)
			var rr api.RegisterResponse
			body := n.envelope(t, api.MethodRegister, api.RegisterRequest{Address: crypto.PubkeyToAddress(n.key.PublicKey), Capabilities: api.Capabilities{CPUCores: 1, MaxConcurrent: 1}, Version: "dev"})
			if code, eb := call(t, bad.Config.HTTPAddr, "/v1/node/register", body, &rr); code != 200 {
				t.Fatalf("register through the skewed member: %d %+v", code, eb)
			}
			// It stays a follower while its clock is wrong.
			deadline := time.Now().Add(time.Second)
			for time.Now().Before(deadline) {
				if bad.C.IsLeader() && bad.C.Clock().Skewed {
					// Elections may still pick it; it must hand on at once.
					cl.WaitFor("the skewed member to hand leadership on again", func() bool { return !bad.C.IsLeader() })
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}
