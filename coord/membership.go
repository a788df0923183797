package coord

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/raft"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/state"
)

// Member is one coordinator as the cluster sees it: Raft's configuration
// (id, address, vote) joined with the HTTP address kept in the state.
type Member struct {
	ID       string `json:"id"`
	RaftAddr string `json:"raft_addr"`
	HTTPAddr string `json:"http_addr,omitempty"`
	Voter    bool   `json:"voter"`
	Leader   bool   `json:"leader"`
	// Health, filled by MembersHealth from each member's own status.
	Health *MemberHealth `json:"health,omitempty"`
}

// JoinRequest asks the leader to add a member as a voter.
type JoinRequest struct {
	ID       string `json:"id"`
	RaftAddr string `json:"raft_addr"`
	HTTPAddr string `json:"http_addr"`
}

// Validate checks that every field is set.
func (r JoinRequest) Validate() error {
	switch {
	case r.ID == "":
		return invalidf("join.id: expected a member id")
	case r.RaftAddr == "":
		return invalidf("join.raft_addr: expected host:port")
	case r.HTTPAddr == "":
		return invalidf("join.http_addr: expected host:port")
	}
	if err := checkHostPort("join.raft_addr", r.RaftAddr, false); err != nil {
		return err
	}
	return checkHostPort("join.http_addr", r.HTTPAddr, false)
}

// Members lists the cluster's members, sorted by id, from this member's view.
func (c *Coordinator) Members() ([]Member, error) {
	f := c.raft.GetConfiguration()
	if err := f.Error(); err != nil {
		return nil, raftErr(err)
	}
	_, leader := c.raft.LeaderWithID()
	var out []Member
	c.fsm.read(func(st *state.State) {
		for _, s := range f.Configuration().Servers {
			m := Member{
				ID:       string(s.ID),
				RaftAddr: string(s.Address),
				Voter:    s.Suffrage == raft.Voter,
				Leader:   s.ID == leader,
			}
			if sm, ok := st.Member(m.ID); ok {
				m.HTTPAddr = sm.HTTPAddr
			}
			out = append(out, m)
		}
	})
	slices.SortFunc(out, func(a, b Member) int { return cmpString(a.ID, b.ID) })
	return out, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Join adds a member as a voter and records its HTTP address. Only the
// leader can; a follower returns ErrNotLeader (the HTTP API forwards). It is
// idempotent: joining again with the same addresses changes nothing, and
// with new addresses replaces the old ones.
func (c *Coordinator) Join(ctx context.Context, r JoinRequest) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if !c.IsLeader() {
		return ErrNotLeader
	}
	f := c.raft.GetConfiguration()
	if err := f.Error(); err != nil {
		return raftErr(err)
	}
	present := false
	for _, s := range f.Configuration().Servers {
		sameID, sameAddr := s.ID == raft.ServerID(r.ID), s.Address == raft.ServerAddress(r.RaftAddr)
		switch {
		case sameID && sameAddr && s.Suffrage == raft.Voter:
			present = true
		case sameID || sameAddr:
			// A member that came back with a new address, or an address
			// reused by another id: drop the stale entry first, as Raft
			// would otherwise keep dialling it.
			if err := c.raft.RemoveServer(s.ID, 0, c.timeout(ctx)).Error(); err != nil {
				return raftErr(err)
			}
		}
	}
	if !present {
		if err := c.raft.AddVoter(raft.ServerID(r.ID), raft.ServerAddress(r.RaftAddr), 0, c.timeout(ctx)).Error(); err != nil {
			return raftErr(err)
		}
		c.log.Info("member joined", "member", r.ID, "raft_addr", r.RaftAddr, "http_addr", r.HTTPAddr)
	}
	_, err := c.propose(ctx, MsgMemberSet, state.Member{ID: r.ID, RaftAddr: r.RaftAddr, HTTPAddr: r.HTTPAddr})
	return err
}

// Remove takes a member out of the cluster and forgets its addresses. Only
// the leader can. Removing the leader itself makes it step down once the
// change commits; the new leader forgets the addresses (see reconcile).
func (c *Coordinator) Remove(ctx context.Context, id string) error {
	if id == "" {
		return invalidf("remove.id: expected a member id")
	}
	if !c.IsLeader() {
		return ErrNotLeader
	}
	f := c.raft.GetConfiguration()
	if err := f.Error(); err != nil {
		return raftErr(err)
	}
	if !slices.ContainsFunc(f.Configuration().Servers, func(s raft.Server) bool { return s.ID == raft.ServerID(id) }) {
		return fmt.Errorf("%w: %q", ErrUnknownMember, id)
	}
	if err := c.raft.RemoveServer(raft.ServerID(id), 0, c.timeout(ctx)).Error(); err != nil {
		return raftErr(err)
	}
	c.log.Info("member removed", "member", id)
	if id == c.cfg.ID {
		return nil
	}
	_, err := c.propose(ctx, MsgMemberRemove, memberRemoveCmd{ID: id})
	return err
}

// selfRecorded reports whether Raft's configuration and the state both hold
// this member with its current addresses.
func (c *Coordinator) selfRecorded() bool {
	f := c.raft.GetConfiguration()
	if f.Error() != nil {
		return false
	}
	inConfig := slices.ContainsFunc(f.Configuration().Servers, func(s raft.Server) bool {
		return s.ID == raft.ServerID(c.cfg.ID) && s.Address == raft.ServerAddress(c.raftAddr)
	})
	var recorded bool
	c.fsm.read(func(st *state.State) {
		m, ok := st.Member(c.cfg.ID)
		recorded = ok && m.RaftAddr == c.raftAddr && m.HTTPAddr == c.httpAddr
	})
	return inConfig && recorded
}

// registerSelf makes sure the cluster knows this member's addresses: the
// leader records its own; any other member asks the leader (or, while none
// is known, the configured join addresses) to join it. It retries until it
// succeeds or ctx ends.
func (c *Coordinator) registerSelf(ctx context.Context) {
	req := JoinRequest{ID: c.cfg.ID, RaftAddr: c.raftAddr, HTTPAddr: c.httpAddr}
	body, _ := json.Marshal(req)
	wait := 50 * time.Millisecond
	for {
		if c.selfRecorded() {
			return
		}
		if c.IsLeader() {
			if _, err := c.propose(ctx, MsgMemberSet, state.Member(req)); err != nil {
				c.log.Debug("record own addresses", "err", err)
			}
		} else {
			targets := slices.Clone(c.cfg.Join)
			if _, addr := c.Leader(); addr != "" && addr != c.httpAddr {
				targets = append([]string{addr}, targets...)
			}
			for _, t := range targets {
				if err := c.postJSON(ctx, t, "/v1/cluster/join", body, nil); err != nil {
					c.log.Debug("join", "via", t, "err", err)
					continue
				}
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(wait*2, 2*time.Second)
	}
}

// postJSON posts body to another member and fails unless it answers 2xx;
// out, when not nil, receives the JSON answer.
func (c *Coordinator) postJSON(ctx context.Context, addr, path string, body []byte, out any) error {
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(c.memberURL(addr, path))
	req.Header.SetMethod(fasthttp.MethodPost)
	req.Header.SetContentType("application/json")
	if c.cfg.ClusterToken != "" {
		req.Header.Set(blob.TokenHeader, c.cfg.ClusterToken)
	}
	req.SetBody(body)
	// A kept-alive connection the peer closed is retried on a fresh one:
	// joins and signing requests are idempotent.
	if err := c.forwarder.Do(req, resp, c.timeout(ctx)); err != nil {
		return err
	}
	if sc := resp.StatusCode(); sc/100 != 2 {
		return fmt.Errorf("%s%s: %d %s", addr, path, sc, bytes.TrimSpace(resp.Body()))
	}
	if out != nil {
		if err := json.Unmarshal(resp.Body(), out); err != nil {
			return fmt.Errorf("%s%s: answer: %w", addr, path, err)
		}
	}
	return nil
}
