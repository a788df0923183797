package state

import (
	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/verify"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/rewards"
)

// The rules of expiry. These numbers are part of the replicated state
// machine: every member must use the same ones for the same log, so changing
// one is a change of the log's meaning (a new message type), not a setting.
// The verdict, reputation and adaptive replication rules are package
// verify's, under the same constraint.
const (
	// ExpiryPenaltyDiv: a lease that expires costs 1/32 of the node's
	// reputation (a node that goes offline is not a cheat, but it wastes a
	// replica and delays the task).
	ExpiryPenaltyDiv = 32
	// MaxExpiriesPerKMax: a task whose leases expired more than twice k_max
	// times is inconclusive (it seems to break the nodes that take it).
	MaxExpiriesPerKMax = 2
)

// contentRoot is the RFC 6962 root over the hashes sorted; hs is not changed.
func contentRoot(hs []api.Hash) api.Hash {
	ds := make([]dataset.Hash, len(hs))
	for i, h := range hs {
		ds[i] = dataset.Hash(h)
	}
	return api.Hash(dataset.ContentRoot(ds))
}

// decide tallies a task once Target replicas have revealed (verify.Tally):
// verified when the accepted share reaches the job's threshold; otherwise
// one more replica while fewer than k_max have revealed, else inconclusive.
//
// The uploader is the deciding node (whose reveal completed the tally) when
// its rows hold every accepted row: it is online now and learns it in the
// reveal's answer, where an earlier revealer would have to be told later.
// Otherwise it is verify's choice.
func (s *State) decide(t *Task, deciding *Lease, now int64) {
	j := s.Jobs[t.JobID()]
	var (
		revealed []*Lease
		replicas []verify.Replica
	)
	for _, l := range s.liveLeases(t) {
		if l.State != LeaseRevealed {
			continue
		}
		revealed = append(revealed, l)
		n := s.Nodes[l.Node]
		replicas = append(replicas, verify.Replica{
			Node: l.Node, Operator: n.Operator, Rows: l.RowHashes, Root: l.Root,
			Committed: true, Revealed: true,
		})
	}
	v := verify.Tally(replicas, j.ThresholdPPM, int(t.Target), j.Spec.MaxReplication)
	switch v.State {
	case verify.Pending:
		s.settle(t)
		return
	case verify.NeedReplica:
		t.Target = int32(v.Revealed + 1)
		s.settle(t)
		return
	case verify.Inconclusive:
		s.finish(t, api.TaskInconclusive, now)
		return
	}

	t.Accepted = v.Accepted
	t.decided().Root = v.AcceptedRoot
	j.RowsAccepted += int64(len(v.Accepted))
	var agreeing []*Lease
	for i, l := range revealed {
		r := v.PerReplica[i]
		l.Agreed = int64(r.AcceptedRows)
		if l.Node == v.Uploader && t.Uploader() == "" {
			t.decided().Uploader = l.ID
		}
		if l == deciding && r.AcceptedRows == len(v.Accepted) {
			t.decided().Uploader = l.ID
		}
		j.RowsRejected += int64(r.RejectedRows)
		if r.AcceptedRows == len(v.Accepted) {
			agreeing = append(agreeing, l)
		}
		n := s.Nodes[l.Node]
		n.Tasks++
		n.RowsAccepted += uint64(r.AcceptedRows)
		n.RowsRejected += uint64(r.RejectedRows)
		if units, err := j.workUnits(t, r.AcceptedRows); err == nil {
			n.Units += units
			n.PendingUnits += units
		}
		if len(revealed) > 1 {
			// Only a compared answer says anything about the node.
			n.Reputation = uint32(verify.Update(verify.Reputation(n.Reputation), r.AcceptedRows, r.Wrong()))
			n.Agreeing = verify.Record{ConsecutiveAgreements: n.Agreeing}.Observe(r.Agreed).ConsecutiveAgreements
		}
	}
	// New tasks from the task's links come before the verdict is counted,
	// so that the job is not decided while they are pending.
	s.followLinks(j, t, agreeing)
	s.finish(t, api.TaskVerified, now)
	s.awaitUpload(t, now)
}

// finish decides a task: it closes the task's open leases (without blame),
// counts the task in its job, and assembles the job's dataset when the job's
// last task is decided.
func (s *State) finish(t *Task, verdict api.TaskState, now int64) {
	t.State = verdict
	t.decided().DecidedAt = now
	s.idx.removePending(t)
	s.idx.touch(t.ID)
	for _, id := range t.Leases {
		l := s.Leases[id]
		if l.State == LeaseActive || l.State == LeaseCommitted {
			l.State = LeaseExpired
			s.idx.closeLease(l)
		}
	}
	j := s.Jobs[t.JobID()]
	if verdict == api.TaskVerified {
		j.Verified++
	} else {
		j.Inconclusive++
	}
	if j.Decided() {
		s.assemble(j, now)
	}
}

// workUnits returns what rows accepted rows of the job's task t earn: at the
// rate fixed when the job was submitted, or for a job from before rates were
// fixed, by the rule of that time.
func (j *Job) workUnits(t *Task, rows int) (uint64, error) {
	if j.UnitsPerRow == 0 {
		return verify.WorkUnits(t.Spec.Kind(), t.Needs().RenderJS, t.Needs().Kernel, rows)
	}
	return rewards.Units(uint64(max(rows, 0)), j.UnitsPerRow)
}
