package state

import (
	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/sched"
	"github.com/meadow-net/meadow/coord/verify"
)

// Stranded tasks. The scheduler never gives a task to a node that holds or
// held it, nor to one that shares an operator or (unless SharedNetworkOK) a
// network with a node that did. On a network of few nodes a task can
// therefore want a replica that no registered node may take: typically one
// whose replicas disagreed (verify.NeedReplica asks for one more, up to
// k_max) after every node has run it. Such a task is stranded. Nothing in
// the scheduler is wrong, and a node that registers later may take it, so it
// waits; but it must not wait silently or for ever. StrandedOf says which of
// a job's tasks are stranded and since when (the buyer's status shows it),
// and EndStranded, which the leader proposes (coord's stranded_end command),
// decides those stranded for longer than a wait inconclusive, as a task whose
// k_max replicas disagreed would be. docs/ARCHITECTURE.md, "Stranded tasks".

// StrandedTasks is what StrandedOf reports of a job.
type StrandedTasks struct {
	// Tasks counts the job's stranded tasks, Disagreed those of them whose
	// revealed replicas disagreed (two or more revealed, below the job's
	// threshold).
	Tasks     int
	Disagreed int
	// Since is when the earliest of them began to wait (unix ms):
	// EndStranded decides it once the wait has passed since then.
	Since int64
	// Replica is the replica the earliest waits for (1-based: 3 is a third),
	// and MaxReplicas the job's k_max.
	Replica     int
	MaxReplicas int
}

// StrandedOf reports the job's stranded tasks: pending, wanting a replica
// that no registered node may take. sharedNetworkOK is the leader's
// Config.SharedNetworkOK, as in a grant.
func (s *State) StrandedOf(jobID string, sharedNetworkOK bool) StrandedTasks {
	var out StrandedTasks
	j, ok := s.Jobs[jobID]
	if !ok || j.State != api.JobRunning {
		return out
	}
	out.MaxReplicas = j.Spec.MaxReplication
	var hint string
	for _, id := range j.Tasks {
		if _, held := s.idx.held[id]; !held {
			continue
		}
		t := s.Tasks[id]
		if !s.stranded(t, sharedNetworkOK, &hint) {
			continue
		}
		out.Tasks++
		revealed := 0
		for _, lid := range t.Leases {
			if s.Leases[lid].State == LeaseRevealed {
				revealed++
			}
		}
		if revealed >= 2 {
			out.Disagreed++
		}
		if since := s.strandedSince(t); out.Since == 0 || since < out.Since {
			out.Since, out.Replica = since, len(s.liveLeases(t))+1
		}
	}
	return out
}

// StrandedDue reports whether a task has been stranded for longer than wait
// (ms) at now: whether the leader should propose EndStranded.
func (s *State) StrandedDue(now, wait int64, sharedNetworkOK bool) bool {
	var hint string
	for id := range s.idx.held {
		// Any order: the answer is whether one exists.
		t := s.Tasks[id]
		if s.strandedSince(t)+wait < now && s.stranded(t, sharedNetworkOK, &hint) {
			return true
		}
	}
	return false
}

// EndStranded decides inconclusive every task stranded for longer than wait
// (ms) at now, and returns how many it decided. A task that a registered
// node may take is not stranded, however long it has waited (a backlog, a
// busy domain): only the lack of any node ends a task.
func (s *State) EndStranded(now, wait int64, sharedNetworkOK bool) int {
	if wait <= 0 {
		return 0
	}
	ended := 0
	var hint string
	for _, id := range sortedKeys(s.idx.held) {
		t := s.Tasks[id]
		if s.strandedSince(t)+wait >= now || !s.stranded(t, sharedNetworkOK, &hint) {
			continue
		}
		s.Jobs[t.JobID()].Stranded++
		s.finish(t, api.TaskInconclusive, now)
		ended++
	}
	return ended
}

// stranded reports whether t is pending in a running job, wants a replica,
// has had one, and no registered node may take the one it wants. *hint is a
// node that could take an earlier task, tried first (a node that may take
// one task may usually take the next, while looking for one among many
// nodes that lack a capability would cost a walk each); stranded sets it to
// the node it finds. The answer does not depend on it.
func (s *State) stranded(t *Task, sharedNetworkOK bool, hint *string) bool {
	if t.State != api.TaskPending || len(t.Leases) == 0 || s.Want(t) == 0 {
		return false
	}
	if j := s.Jobs[t.JobID()]; j == nil || j.State != api.JobRunning {
		return false
	}
	tv := sched.TaskView{Holders: make([]sched.Holder, 0, len(t.Leases))}
	for _, id := range t.Leases {
		if n := s.Nodes[s.Leases[id].Node]; n != nil {
			tv.Holders = append(tv.Holders, sched.Holder{Address: n.Address, Operator: n.Operator, Network: n.Network})
		}
	}
	mayTake := func(n *Node) bool {
		if verify.Reputation(n.Reputation) < verify.Floor || !t.Needs().CoveredBy(n.Caps) {
			return false
		}
		nv := sched.NodeView{Address: n.Address, Operator: n.Operator, Network: n.Network}
		return !sched.Barred(&nv, &tv, sharedNetworkOK)
	}
	if n := s.Nodes[*hint]; n != nil && mayTake(n) {
		return false
	}
	// Any order: the answer is whether one node may take it, which on a
	// network of many nodes is usually one of the first looked at.
	for _, n := range s.Nodes {
		if mayTake(n) {
			*hint = n.Address
			return false
		}
	}
	return true
}

// strandedSince is when t began to wait for the replica it wants: the
// latest event of its leases (a grant, a commitment, a reveal, or the
// deadline of one that expired).
func (s *State) strandedSince(t *Task) int64 {
	var at int64
	for _, id := range t.Leases {
		l := s.Leases[id]
		at = max(at, l.GrantedAt, l.CommittedAt, l.RevealedAt)
		if l.State == LeaseExpired {
			at = max(at, l.Deadline)
		}
	}
	return at
}
