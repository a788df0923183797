package sched

import (
	"testing"

	"github.com/meadow-net/meadow/api"
)

// harness is a scheduler test bench in the manner of nomad's: a Queue as
// the leader keeps it, nodes that ask for work, and every plan applied, with
// no Raft behind it.
type harness struct {
	t     testing.TB
	q     *Queue
	plans []Plan
	// leases by task id, in the order granted
	leases map[string][]Assignment
}

func newHarness(t testing.TB, tasks ...TaskView) *harness {
	t.Helper()
	q, err := NewQueue(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, q: q, leases: make(map[string][]Assignment)}
	for _, task := range tasks {
		h.put(task)
	}
	return h
}

func (h *harness) put(task TaskView) {
	h.t.Helper()
	if err := h.q.Put(task); err != nil {
		h.t.Fatal(err)
	}
}

// ask has node n ask for up to max tasks at now, and checks the plan
// against the rules before returning it.
func (h *harness) ask(n NodeView, max int, now int64) Plan {
	h.t.Helper()
	return h.request(Request{Node: n, Max: max, Now: now, LeaseMs: 60_000, MinReputation: 250_000})
}

func (h *harness) request(req Request) Plan {
	h.t.Helper()
	before := make(map[string]TaskView)
	for id := range h.q.tasks {
		before[id], _ = h.q.Task(id)
	}
	rates := make(map[string]DomainRate)
	for host := range h.q.domains {
		rates[host] = h.q.Domain(host)
	}
	p := h.q.Assign(req)
	h.check(req, p, before, rates)
	h.plans = append(h.plans, p)
	for _, a := range p.Leases {
		h.leases[a.TaskID] = append(h.leases[a.TaskID], a)
	}
	return p
}

// check verifies a plan against the rules, independently of how Schedule
// and the Queue reached it.
func (h *harness) check(req Request, p Plan, before map[string]TaskView, rates map[string]DomainRate) {
	h.t.Helper()
	n := req.Node
	if len(p.Leases) > req.Max {
		h.t.Fatalf("%d leases for a request of %d", len(p.Leases), req.Max)
	}
	if len(p.Leases) > 0 && p.Idle != IdleNone {
		h.t.Fatalf("plan with leases says idle %q", p.Idle)
	}
	cs := Classes(&n.Caps, req.Kinds)
	seen := map[string]bool{}
	for _, a := range p.Leases {
		task, ok := before[a.TaskID]
		if !ok {
			h.t.Fatalf("lease of %s, which was not pending", a.TaskID)
		}
		if seen[a.TaskID] {
			h.t.Fatalf("two leases of %s in one plan", a.TaskID)
		}
		seen[a.TaskID] = true
		if a.Node != n.Address || a.Network != n.Network || a.Operator == "" {
			h.t.Fatalf("lease %+v does not name the node %+v", a, n)
		}
		if !Fits(&n.Caps, cs, &task) {
			h.t.Fatalf("%s got %s, which it cannot run", n.Address, a.TaskID)
		}
		for _, holder := range task.Holders {
			op := holder.Operator
			if op == "" {
				op = holder.Address
			}
			if holder.Address == n.Address || op == a.Operator || !req.SharedNetworkOK && holder.Network == n.Network {
				h.t.Fatalf("%s (operator %s, network %s) got %s, held by %+v", n.Address, a.Operator, n.Network, a.TaskID, holder)
			}
		}
		if task.Domain != "" {
			if r := rates[task.Domain]; r.NextFree > req.Now {
				h.t.Fatalf("%s got %s of %s, whose domain is not free until %d (now %d)", n.Address, a.TaskID, task.Domain, r.NextFree, req.Now)
			}
		}
		if a.Replica != len(task.Holders) {
			h.t.Fatalf("lease %s replica %d, want %d", a.TaskID, a.Replica, len(task.Holders))
		}
		if a.Deadline < req.Now+req.LeaseMs {
			h.t.Fatalf("lease %s deadline %d before now + lease", a.TaskID, a.Deadline)
		}
	}
}

// node returns a node on ip, run by operator (itself when empty), that can
// do anything but JS and GPU work.
func node(t testing.TB, addr, operator, ip string) NodeView {
	t.Helper()
	network, err := NetworkOf(ip)
	if err != nil {
		t.Fatal(err)
	}
	return NodeView{
		Address: addr, Operator: operator, Network: network,
		Caps:       api.Capabilities{CPUCores: 4, MaxConcurrent: 64},
		Reputation: 500_000,
	}
}

// crawlTask is a static crawl task of urls URLs on host, created at created.
func crawlTask(id, host string, urls int, created uint64) TaskView {
	return TaskView{ID: id, JobID: "job", Kind: api.JobCrawl, Domain: host, URLs: urls, Want: 2, CreatedIndex: created}
}

// computeTask is a CPU compute task of kernel minhash.
func computeTask(id string, created uint64) TaskView {
	return TaskView{ID: id, JobID: "job", Kind: api.JobCompute, Kernel: api.KernelMinHash, Want: 2, CreatedIndex: created}
}

func ids(p Plan) []string {
	out := make([]string, len(p.Leases))
	for i, a := range p.Leases {
		out[i] = a.TaskID
	}
	return out
}
