package state

import (
	"slices"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/rewards"
)

// The reputation rule. These numbers are part of the replicated state
// machine: every member must use the same ones for the same log, so changing
// one is a change of the log's meaning (a new message type), not a setting.
const (
	// ReputationStepDiv: after each replicated task is verified, a node's
	// reputation moves 1/8 of the way to the share (ppm) of its rows that
	// were accepted. From the initial 500,000, six tasks whose rows all lost
	// bring a node to about 200,000; a few good ones bring it back.
	ReputationStepDiv = 8
	// ExpiryPenaltyDiv: a lease that expires costs 1/32 of the reputation
	// (a node that goes offline is not a cheat, but it wastes a replica).
	ExpiryPenaltyDiv = 32
	// MaxExpiriesPerKMax: a task whose leases expired more than twice k_max
	// times is inconclusive (it seems to break the nodes that take it).
	MaxExpiriesPerKMax = 2
	// PPM is one, in parts per million.
	PPM = 1_000_000
)

// Verdict is the row-by-row comparison of a task's revealed replicas.
type Verdict struct {
	// Accepted are the row hashes that a strict majority of the replicas
	// revealed, sorted.
	Accepted []api.Hash
	// Rejected counts the distinct row hashes revealed but not accepted.
	Rejected int64
	// Agreed counts, for each replica, its distinct rows that were accepted;
	// Distinct its distinct rows.
	Agreed, Distinct []int64
	// SharePPM is the accepted rows over the rows a typical replica found
	// (the upper median of the replicas' distinct row counts), in ppm.
	SharePPM uint32
}

// Judge compares replicas row by row. A row is accepted when more than half
// of the replicas revealed it, so agreement is judged per row, not per page:
// a page that drifted between two fetches costs one row, not the task. The
// share is measured against the upper median of the replicas' row counts so
// that one replica that reports nothing, or reports junk, moves it little.
func Judge(replicas [][]api.Hash) Verdict {
	n := len(replicas)
	v := Verdict{Agreed: make([]int64, n), Distinct: make([]int64, n)}
	counts := map[api.Hash]int{}
	sets := make([][]api.Hash, n)
	for i, r := range replicas {
		set := slices.Clone(r)
		slices.SortFunc(set, cmpHash)
		set = slices.Compact(set)
		sets[i] = set
		v.Distinct[i] = int64(len(set))
		for _, h := range set {
			counts[h]++
		}
	}
	for h, c := range counts {
		if 2*c > n {
			v.Accepted = append(v.Accepted, h)
		} else {
			v.Rejected++
		}
	}
	slices.SortFunc(v.Accepted, cmpHash)
	for i, set := range sets {
		for _, h := range set {
			if 2*counts[h] > n {
				v.Agreed[i]++
			}
		}
	}
	sizes := slices.Clone(v.Distinct)
	slices.Sort(sizes)
	typical := int64(0)
	if n > 0 {
		typical = sizes[n/2]
	}
	switch {
	case typical == 0:
		// Most replicas found no rows, so no row can have a majority:
		// the replicas agree that the task has none.
		v.SharePPM = PPM
	default:
		share := int64(len(v.Accepted)) * PPM / typical
		v.SharePPM = uint32(min(share, PPM))
	}
	return v
}

func cmpHash(a, b api.Hash) int { return dataset.CompareHash(dataset.Hash(a), dataset.Hash(b)) }

// contentRoot is the RFC 6962 root over the hashes sorted; hs is not changed.
func contentRoot(hs []api.Hash) api.Hash {
	ds := make([]dataset.Hash, len(hs))
	for i, h := range hs {
		ds[i] = dataset.Hash(h)
	}
	return api.Hash(dataset.ContentRoot(ds))
}

// decide reaches a task's verdict once Target replicas have revealed:
// verified when the accepted share reaches the job's threshold; otherwise one
// more replica if fewer than k_max have been leased live, else inconclusive.
// deciding is the lease whose reveal completed the set.
func (s *State) decide(t *Task, deciding *Lease, now int64) {
	j := s.Jobs[t.JobID]
	var revealed []*Lease
	for _, l := range s.liveLeases(t) {
		if l.State == LeaseRevealed {
			revealed = append(revealed, l)
		}
	}
	replicas := make([][]api.Hash, len(revealed))
	for i, l := range revealed {
		replicas[i] = l.RowHashes
	}
	v := Judge(replicas)
	if v.SharePPM < j.ThresholdPPM {
		if len(revealed) < j.Spec.MaxReplication {
			t.Target = len(revealed) + 1
			s.settle(t)
			return
		}
		s.finish(t, api.TaskInconclusive, now)
		return
	}

	t.Accepted = v.Accepted
	t.Root = contentRoot(v.Accepted)
	j.RowsAccepted += int64(len(v.Accepted))
	j.RowsRejected += v.Rejected
	// The uploader: the deciding node if it agreed with the verdict (it is
	// online and learns it in the reveal's answer), else the replica with
	// the most accepted rows, the earliest on ties.
	best := -1
	for i, l := range revealed {
		l.Agreed = v.Agreed[i]
		if l == deciding && v.Agreed[i] == int64(len(v.Accepted)) {
			best = i
			break
		}
		if best < 0 || v.Agreed[i] > v.Agreed[best] {
			best = i
		}
	}
	t.Uploader = revealed[best].ID
	for i, l := range revealed {
		n := s.Nodes[l.Node]
		if n == nil {
			continue
		}
		n.Tasks++
		n.Units += workUnits(t, j, v.Agreed[i])
		if len(revealed) > 1 {
			// Only a compared answer says anything about the node.
			n.judged(v.Agreed[i], v.Distinct[i], int64(len(v.Accepted)))
		}
	}
	s.finish(t, api.TaskVerified, now)
}

// judged moves a node's reputation toward the share of its rows that were
// accepted, and counts its run of fully agreeing answers (what adaptive
// replication trusts); any disagreement ends the run.
func (n *Node) judged(agreed, distinct, accepted int64) {
	share := int64(PPM)
	if distinct > 0 {
		share = agreed * PPM / distinct
	} else if accepted > 0 {
		share = 0
	}
	rep := int64(n.Reputation)
	rep += (share - rep) / ReputationStepDiv
	n.Reputation = uint32(min(max(rep, 0), PPM))
	if agreed == distinct && distinct == accepted {
		n.Agreeing++
	} else {
		n.Agreeing = 0
	}
}

// workUnits prices accepted rows with rewards' table; a kind or kernel the
// table does not know earns nothing rather than stopping the state machine.
func workUnits(t *Task, j *Job, rows int64) uint64 {
	kind, kernel := string(t.Spec.Kind), ""
	switch {
	case t.Spec.Crawl != nil && t.Spec.Crawl.RenderJS:
		kernel = "js"
	case t.Spec.Compute != nil:
		kernel = t.Spec.Compute.Kernel
	}
	u, err := rewards.WorkUnits(kind, kernel, uint64(max(rows, 0)))
	if err != nil {
		return 0
	}
	return u
}

// finish decides a task: it closes the task's open leases (without blame),
// counts the task in its job, and assembles the job's dataset when the job's
// last task is decided.
func (s *State) finish(t *Task, verdict api.TaskState, now int64) {
	t.State = verdict
	t.DecidedAt = now
	s.idx.removePending(t)
	for _, id := range t.Leases {
		l := s.Leases[id]
		if l.State == LeaseActive || l.State == LeaseCommitted {
			wasActive := l.State == LeaseActive
			l.State = LeaseExpired
			s.idx.closeLease(l, t, wasActive)
		}
	}
	j := s.Jobs[t.JobID]
	if verdict == api.TaskVerified {
		j.Verified++
	} else {
		j.Inconclusive++
	}
	if j.Decided() {
		s.assemble(j, now)
	}
}
