package coord

import (
	"context"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// MemberHealth is what a member says of itself when asked, so that an
// operator sees a killed or lagging member instead of a list of voters that
// looks healthy.
type MemberHealth struct {
	// Reachable is false when the member did not answer within the probe's
	// time; Error then says why.
	Reachable bool   `json:"reachable"`
	Error     string `json:"error,omitempty"`
	// State is the member's Raft state (Leader, Follower, Candidate).
	State string `json:"state,omitempty"`
	Term  uint64 `json:"term,omitempty"`
	// StateIndex is the last command the member's state holds; Lag is how
	// many entries it is behind the leader's commit index (as the leader,
	// or this member when no leader answered, last saw it).
	StateIndex uint64 `json:"state_index,omitempty"`
	Lag        uint64 `json:"lag"`
	// RTTMillis is how long the member took to answer the probe.
	RTTMillis int64 `json:"rtt_ms"`
	// Version is the release the member reports running (Status.Version),
	// for following an upgrade member by member.
	Version string `json:"version,omitempty"`
}

// memberProbe bounds the status request to each member.
const memberProbe = 2 * time.Second

// MembersHealth is Members with each member's health: every member is asked
// for its status in parallel (this member answers from memory).
func (c *Coordinator) MembersHealth(ctx context.Context) ([]Member, error) {
	ms, err := c.Members()
	if err != nil {
		return nil, err
	}
	statuses := make([]*Status, len(ms))
	var wg sync.WaitGroup
	for i := range ms {
		h := &MemberHealth{}
		ms[i].Health = h
		if ms[i].ID == c.cfg.ID {
			s := c.Status()
			statuses[i] = &s
			h.Reachable = true
			continue
		}
		if ms[i].HTTPAddr == "" {
			h.Error = "no HTTP address recorded"
			continue
		}
		wg.Go(func() {
			start := time.Now()
			var s Status
			if err := c.getMember(ctx, ms[i].HTTPAddr, "/v1/cluster/status", &s); err != nil {
				h.Error = err.Error()
				return
			}
			h.Reachable = true
			h.RTTMillis = time.Since(start).Milliseconds()
			statuses[i] = &s
		})
	}
	wg.Wait()
	// The commit index to measure lag against: the leader's own if it
	// answered, else the highest any member reported.
	var commit uint64
	for i, s := range statuses {
		if s == nil {
			continue
		}
		if ms[i].Leader || s.State == "Leader" {
			commit = s.CommitIndex
			break
		}
		commit = max(commit, s.CommitIndex)
	}
	for i, s := range statuses {
		if s == nil {
			continue
		}
		h := ms[i].Health
		h.State, h.Term, h.StateIndex, h.Version = s.State, s.Term, s.StateIndex, s.Version
		if commit > s.StateIndex {
			h.Lag = commit - s.StateIndex
		}
	}
	return ms, nil
}

// getMember reads a JSON answer from another member's HTTP API within
// memberProbe.
func (c *Coordinator) getMember(ctx context.Context, addr, path string, out any) error {
	return c.memberCall(ctx, memberProbe, addr, fasthttp.MethodGet, path, nil, out)
}
