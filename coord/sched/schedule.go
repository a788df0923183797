package sched

import "github.com/meadow-net/meadow/api"

// ScanLimit is the most tasks one Schedule call looks at. A node normally
// finds its tasks among the first few it is offered; only one that is barred
// from many tasks in a row (an operator with many nodes, while the tasks at
// the head of the line wait for a replica from elsewhere) reads further, and
// this bounds its cost to 0.1 to 0.2 ms (BenchmarkScheduleBarred). Such a
// node gets nothing this time; the line moves as other nodes take the
// replicas it may not.
const ScanLimit = 1024

// Request is one node asking for work.
type Request struct {
	Node NodeView
	// Max is how many leases the node asks for (api.WorkRequest.MaxTasks);
	// the node's free slots (MaxConcurrent - Active) cap it.
	Max int
	// Kinds limits the kinds of task (api.WorkRequest.Kinds); empty: any.
	Kinds []api.JobKind
	// Now is the leader's time (unix ms), LeaseMs how long a lease lasts. A
	// crawl lease lasts LeaseMs plus the domain's IntervalMs per URL, the
	// time the node needs to fetch them politely.
	Now     int64
	LeaseMs int64
	// MinReputation is the floor (verify.Floor): a node below it gets
	// nothing.
	MinReputation uint32
	// SharedNetworkOK lets replicas share a network: for the local devnet,
	// where every node is on loopback. Production never sets it.
	SharedNetworkOK bool
	// Adapt, when set, decides how many replicas a task gets when its
	// first lease goes to this node (adaptive replication): the leader
	// passes verify.Replication with the node's record, unless the job
	// checks every task. It gets the task's job, its Want (the job's k) and
	// Seed plus the lease's position in the plan.
	Adapt func(job string, k int, seed uint64) (replicas int, spotCheck bool)
	Seed  uint64
}

// Assignment is one lease in a Plan.
type Assignment struct {
	TaskID string
	JobID  string
	// Node, Operator (never empty: the node's address when it runs itself)
	// and Network of the node that gets the lease.
	Node     string
	Operator string
	Network  string
	Deadline int64 // unix ms
	// Replica numbers the task's leases from 0 (its holders before this
	// one), as api.Lease.Replica.
	Replica int
	// Want is how many more replicas the task wants after this lease; the
	// task leaves the pool at 0. For a task's first lease it comes from
	// Request.Adapt when set.
	Want int
	// SpotCheck says adaptive replication chose to check this task, which
	// could have run alone, with a second replica.
	SpotCheck bool
}

// Idle says why a Plan has no lease.
type Idle string

// The reasons a node gets nothing.
const (
	IdleNone         Idle = ""              // the plan has leases
	IdleNothingAsked Idle = "nothing_asked" // Max was 0
	IdleReputation   Idle = "reputation"    // reputation below the floor
	IdleFull         Idle = "full"          // at its limit of concurrent leases
	IdleNoTask       Idle = "no_task"       // no pending task fits the node
	IdleRateLimited  Idle = "rate_limited"  // the tasks that fit wait for their domains' rates
)

// Plan is the scheduler's answer: the leases to grant, the domain rates they
// move, and, when there is no lease, when to ask again. The leader puts it
// through Raft; nothing changes until it is applied.
type Plan struct {
	Leases        []Assignment
	DomainUpdates []DomainRate
	// RetryAfterMs, when there is no lease, is how long the node should
	// wait before asking again (api.WorkResponse.RetryAfter): until the
	// first domain that holds tasks it fits is free. 0: no estimate.
	RetryAfterMs int64
	Idle         Idle
}

// Schedule decides which pending tasks of v the node of req gets. It is a
// pure function of its arguments and reads v only.
//
// Every rule is checked here, on every task, whatever order v offers them
// in: the node's reputation is at least MinReputation and it has a free
// slot; it Fits the task; it is not Barred from it (held it, or shares an
// operator or network with a holder); a crawl task's domain is free at Now
// and not already taken by this plan. Among the tasks that pass, the node
// gets them in v's order (priority, then FIFO), up to Max, except that a
// node with Chromium or a GPU first takes the tasks that need them (JS
// crawls, GPU compute), so that scarce nodes are not spent on work any node
// can do. Taking a crawl task moves its domain's NextFree to
// Now + IntervalMs × URLs.
func Schedule(v View, req Request) Plan {
	n := &req.Node
	if n.Reputation < req.MinReputation {
		return Plan{Idle: IdleReputation}
	}
	limit := n.MaxConcurrent
	if limit <= 0 {
		limit = n.Caps.MaxConcurrent
	}
	room := min(limit-n.Active, req.Max)
	switch {
	case req.Max <= 0:
		return Plan{Idle: IdleNothingAsked}
	case room <= 0:
		return Plan{Idle: IdleFull}
	}
	cs := Classes(&n.Caps, req.Kinds)
	op := n.operator()

	var (
		p       Plan
		visited int
		waitLow int64 // earliest NextFree of a domain found busy
		taken   []string
	)
	visit := func(t *TaskView, rate DomainRate) Step {
		visited++
		if visited > ScanLimit {
			return Stop
		}
		if t.Domain != "" {
			if rate.NextFree > req.Now {
				if waitLow == 0 || rate.NextFree < waitLow {
					waitLow = rate.NextFree
				}
				return SkipLane
			}
			for _, d := range taken {
				if d == t.Domain {
					return SkipLane
				}
			}
		}
		if t.Want <= 0 {
			return Next
		}
		if !Fits(&n.Caps, cs, t) {
			return SkipLane
		}
		if Barred(n, t, req.SharedNetworkOK) {
			return Next
		}
		a := Assignment{
			TaskID: t.ID, JobID: t.JobID,
			Node: n.Address, Operator: op, Network: n.Network,
			Deadline: req.Now + req.LeaseMs,
			Replica:  len(t.Holders),
			Want:     t.Want - 1,
		}
		if len(t.Holders) == 0 && req.Adapt != nil {
			replicas, spot := req.Adapt(t.JobID, t.Want, req.Seed+uint64(len(p.Leases)))
			a.Want, a.SpotCheck = max(replicas, 1)-1, spot
		}
		step := Next
		if t.Domain != "" && rate.IntervalMs > 0 {
			hold := rate.IntervalMs * int64(max(t.URLs, 1))
			a.Deadline += hold
			p.DomainUpdates = append(p.DomainUpdates, DomainRate{
				Host: t.Domain, IntervalMs: rate.IntervalMs, NextFree: max(req.Now, rate.NextFree) + hold,
			})
			taken = append(taken, t.Domain)
			step = SkipLane
		}
		p.Leases = append(p.Leases, a)
		if len(p.Leases) == room {
			return Stop
		}
		return step
	}
	// Scarce capabilities first: a node with Chromium or a GPU serves the
	// tasks that only such nodes can run before the ones any node can.
	if special := cs & (ClassSet(0).With(ClassCrawlJS).With(ClassComputeGPU)); special != 0 {
		v.Scan(special, visit)
		if len(p.Leases) < room && visited < ScanLimit {
			v.Scan(cs&^special, visit)
		}
	} else {
		v.Scan(cs, visit)
	}
	if len(p.Leases) > 0 {
		return p
	}
	p.Leases = nil
	p.Idle = IdleNoTask
	if w := v.Wake(cs); w > 0 && (waitLow == 0 || w < waitLow) {
		waitLow = w
	}
	if waitLow > 0 {
		p.Idle = IdleRateLimited
		p.RetryAfterMs = min(max(waitLow-req.Now, 1), api.MaxRetryAfter)
	}
	return p
}
