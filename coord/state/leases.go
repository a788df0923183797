package state

import (
	"fmt"
	"slices"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/verify"
)

// LeaseState is where a lease is in its life.
type LeaseState string

// The lease states. A lease is open while active or committed.
const (
	LeaseActive    LeaseState = "active"    // granted; the node is working
	LeaseCommitted LeaseState = "committed" // the commitment is in; the reveal is due
	LeaseRevealed  LeaseState = "revealed"  // the row hashes are in
	LeaseExpired   LeaseState = "expired"   // ran past its deadline, or its task was decided without it
)

// Lease is one replica of a task, held by one node.
type Lease struct {
	ID      string     `json:"id"`
	TaskID  string     `json:"task_id"`
	Node    string     `json:"node"`
	Replica int        `json:"replica"`
	State   LeaseState `json:"state"`
	// GrantedAt is when it was granted. Deadline is when the commitment is
	// due while active, and the reveal once committed (unix ms).
	GrantedAt int64 `json:"granted_at"`
	Deadline  int64 `json:"deadline"`

	// The commitment.
	Root        api.Hash `json:"root"`
	Rows        int64    `json:"rows"`
	CommittedAt int64    `json:"committed_at,omitempty"`

	// The reveal, in the order of the rows in the node's blob, and the
	// links the node found (tasks that follow links).
	RowHashes  []api.Hash `json:"row_hashes,omitempty"`
	Links      []string   `json:"links,omitempty"`
	RevealedAt int64      `json:"revealed_at,omitempty"`

	// Agreed is how many of the revealed rows were accepted, once the task
	// is verified.
	Agreed int64 `json:"agreed,omitempty"`

	// Refused are the URLs the node reported it would not fetch.
	Refused []string `json:"refused,omitempty"`
}

// Lease returns a copy of a lease's record.
func (s *State) Lease(id string) (Lease, error) {
	l, ok := s.Leases[id]
	if !ok {
		return Lease{}, notFound("lease", id)
	}
	return *l, nil
}

// Grant asks for one lease: task to node until Deadline. Replicas, on a
// task's first lease, sets how many replicas its verdict waits for (adaptive
// replication: 1 for a trusted node's task that runs alone); 0 keeps the
// job's k. SharedNetworkOK lets replicas share a /24 or /48 (the local
// development network, where every node is on loopback); the leader's
// configuration decides, and the command carries it.
type Grant struct {
	TaskID          string `json:"task_id"`
	Node            string `json:"node"`
	Deadline        int64  `json:"deadline"`
	Replicas        int    `json:"replicas,omitempty"`
	SpotCheck       bool   `json:"spot_check,omitempty"`
	SharedNetworkOK bool   `json:"shared_network_ok,omitempty"`
}

// GrantLeases grants each lease that still fits the state and returns, for
// each grant in order, the granted Lease or the error that refused it. The
// scheduler plans on a view that may be a few milliseconds old; the checks
// here are what make the rules (one lease per node and task, distinct
// operators and networks among live replicas, no more replicas than the
// target) hold whatever it planned.
func (s *State) GrantLeases(grants []Grant, now int64) []any {
	out := make([]any, len(grants))
	for i, g := range grants {
		l, err := s.grant(g, now)
		if err != nil {
			out[i] = err
			continue
		}
		out[i] = *l
	}
	return out
}

func (s *State) grant(g Grant, now int64) (*Lease, error) {
	n, ok := s.Nodes[g.Node]
	if !ok {
		return nil, notFound("node", g.Node)
	}
	t, ok := s.Tasks[g.TaskID]
	if !ok {
		return nil, notFound("task", g.TaskID)
	}
	if j := s.Jobs[t.JobID()]; j.State != api.JobRunning {
		return nil, conflictf("job %s is %s", j.ID, j.State)
	}
	if t.State != api.TaskPending {
		return nil, conflictf("task %s is %s", t.ID, t.State)
	}
	if g.Deadline <= now {
		return nil, invalidf("grant.deadline %d: expected after now (%d)", g.Deadline, now)
	}
	if !t.Needs().CoveredBy(n.Caps) {
		return nil, conflictf("node %s lacks what task %s needs", n.Address, t.ID)
	}
	for _, id := range t.Leases {
		other := s.Leases[id]
		if other.Node == n.Address {
			return nil, conflictf("node %s already had lease %s of task %s", n.Address, other.ID, t.ID)
		}
		if other.State == LeaseExpired {
			continue
		}
		on := s.Nodes[other.Node]
		if on.Operator == n.Operator {
			return nil, conflictf("task %s: node %s has the operator of %s", t.ID, n.Address, on.Address)
		}
		if on.Network == n.Network && !g.SharedNetworkOK {
			return nil, conflictf("task %s: node %s is in the network %s of %s", t.ID, n.Address, n.Network, on.Address)
		}
	}
	if g.Replicas > 0 && len(t.Leases) == 0 {
		t.Target = int32(min(g.Replicas, s.Jobs[t.JobID()].Spec.MaxReplication))
		t.Unreplicated = t.Target == 1
		t.SpotCheck = g.SpotCheck
	}
	l := &Lease{
		ID:        fmt.Sprintf("%s.r%d", t.ID, len(t.Leases)),
		TaskID:    t.ID,
		Node:      n.Address,
		Replica:   len(t.Leases),
		State:     LeaseActive,
		GrantedAt: now,
		Deadline:  g.Deadline,
	}
	s.Leases[l.ID] = l
	t.Leases = append(t.Leases, l.ID)
	s.idx.openLease(l)
	s.settle(t)
	return l, nil
}

// ownLease finds a lease and checks that node holds it for task.
func (s *State) ownLease(node, taskID, leaseID string) (*Lease, *Task, error) {
	l, ok := s.Leases[leaseID]
	if !ok {
		return nil, nil, notFound("lease", leaseID)
	}
	if l.Node != node {
		return nil, nil, conflictf("lease %s is not held by %s", leaseID, node)
	}
	if l.TaskID != taskID {
		return nil, nil, invalidf("task_id %q: lease %s is of task %s", taskID, leaseID, l.TaskID)
	}
	return l, s.Tasks[l.TaskID], nil
}

// Commit records a node's commitment: its content root and row count, before
// it can see another replica's answer. revealBy is the new deadline, for the
// reveal. A second commitment on one lease is refused: it is binding.
func (s *State) Commit(node string, c api.Commitment, now, revealBy int64) (*Lease, error) {
	l, t, err := s.ownLease(node, c.TaskID, c.LeaseID)
	if err != nil {
		return nil, err
	}
	switch {
	case l.State == LeaseExpired:
		return nil, fmt.Errorf("%w: lease %s", ErrExpired, l.ID)
	case (l.State == LeaseCommitted || l.State == LeaseRevealed) && l.Root == c.Root && l.Rows == c.Rows:
		// A retry of the same commitment whose answer was lost (the leader
		// died after applying it): answer it again, change nothing.
		return l, nil
	case l.State != LeaseActive:
		return nil, conflictf("lease %s is %s: a commitment is made once", l.ID, l.State)
	case now > l.Deadline:
		return nil, fmt.Errorf("%w: lease %s was due at %d, now %d", ErrExpired, l.ID, l.Deadline, now)
	case c.Rows < 0 || c.Rows > api.MaxTaskRows:
		return nil, invalidf("commitment.rows %d: expected 0 to %d", c.Rows, api.MaxTaskRows)
	case revealBy <= now:
		return nil, invalidf("reveal deadline %d: expected after now (%d)", revealBy, now)
	}
	l.State = LeaseCommitted
	l.Root, l.Rows = c.Root, c.Rows
	l.CommittedAt, l.Deadline = now, revealBy
	s.settle(t)
	return l, nil
}

// RevealResult is what a reveal led to.
type RevealResult struct {
	Lease Lease `json:"lease"`
	// Task is the task's state after the reveal.
	Task api.TaskState `json:"task"`
	// Upload asks the revealing node to upload its blob.
	Upload bool `json:"upload"`
}

// Reveal records the row hashes a commitment committed to, refusing them
// unless they give its root and row count. When the last replica the task's
// verdict waits for reveals, the verdict is reached here.
func (s *State) Reveal(node string, r api.Reveal, now int64) (RevealResult, error) {
	l, t, err := s.ownLease(node, r.TaskID, r.LeaseID)
	if err != nil {
		return RevealResult{}, err
	}
	switch {
	case l.State == LeaseActive:
		return RevealResult{}, conflictf("lease %s: commit before revealing", l.ID)
	case l.State == LeaseRevealed && slices.Equal(l.RowHashes, r.RowHashes):
		// A retry of the same reveal whose answer was lost: answer it again.
		return RevealResult{Lease: *l, Task: t.State, Upload: t.Uploader() == l.ID}, nil
	case l.State == LeaseRevealed:
		return RevealResult{}, conflictf("lease %s is already revealed", l.ID)
	case l.State == LeaseExpired:
		return RevealResult{}, fmt.Errorf("%w: lease %s", ErrExpired, l.ID)
	case now > l.Deadline:
		return RevealResult{}, fmt.Errorf("%w: lease %s's reveal was due at %d, now %d", ErrExpired, l.ID, l.Deadline, now)
	case int64(len(r.RowHashes)) != l.Rows:
		return RevealResult{}, fmt.Errorf("%w: %d row hashes, committed %d rows", ErrMismatch, len(r.RowHashes), l.Rows)
	}
	if err := verify.CheckReveal(api.Commitment{TaskID: t.ID, LeaseID: l.ID, Root: l.Root, Rows: l.Rows}, r); err != nil {
		return RevealResult{}, fmt.Errorf("%w: %w", ErrMismatch, err)
	}
	l.State = LeaseRevealed
	l.RowHashes = slices.Clone(r.RowHashes)
	if c := t.Spec.rules(); c != nil && c.FollowLinks {
		l.Links = slices.Clone(r.Links)
	}
	l.RevealedAt = now
	s.idx.closeLease(l)

	revealed := 0
	for _, ll := range s.liveLeases(t) {
		if ll.State == LeaseRevealed {
			revealed++
		}
	}
	if revealed >= int(t.Target) {
		s.decide(t, l, now)
	} else {
		s.settle(t)
	}
	return RevealResult{Lease: *l, Task: t.State, Upload: t.Uploader() == l.ID}, nil
}

// ExpireLeases expires every open lease whose deadline is before now (the
// leader's time in the command) and returns how many it expired. The task of
// each goes back to the pool, unless it has seen too many expiries.
func (s *State) ExpireLeases(now int64) int {
	var due []string
	for id := range s.idx.open {
		if s.Leases[id].Deadline < now {
			due = append(due, id)
		}
	}
	slices.Sort(due)
	for _, id := range due {
		l := s.Leases[id]
		t := s.Tasks[l.TaskID]
		l.State = LeaseExpired
		s.idx.closeLease(l)
		t.Expired++
		if n := s.Nodes[l.Node]; n != nil {
			n.Expired++
			n.Reputation -= n.Reputation / ExpiryPenaltyDiv
		}
		if int(t.Expired) > MaxExpiriesPerKMax*s.Jobs[t.JobID()].Spec.MaxReplication {
			s.finish(t, api.TaskInconclusive, now)
			continue
		}
		s.settle(t)
	}
	return len(due)
}

// NextDeadline returns the earliest deadline of an open lease, and false when
// no lease is open: the leader sweeps only when one has passed.
func (s *State) NextDeadline() (int64, bool) {
	var min int64
	found := false
	for id := range s.idx.open {
		if d := s.Leases[id].Deadline; !found || d < min {
			min, found = d, true
		}
	}
	return min, found
}
