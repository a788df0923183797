package coord

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/sched"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/coord/verify"
)

// How work requests become leases. A node's request waits in workCh for the
// leader's scheduling loop, which gathers requests for WorkWindow, asks the
// scheduler (sched.Queue, the leader's in-memory index of pending tasks) for
// each, and commits every lease of the round in one MsgLeaseGrant entry.
// Rounds are sequential, so no two plans are made on the same picture of
// the state; the FSM re-checks every rule when it applies the grants.

type workCall struct {
	node string
	req  api.WorkRequest
	ip   string
	done chan workResult
}

type workResult struct {
	resp api.WorkResponse
	err  error
}

// maxRound is the most work requests one scheduling round serves.
const maxRound = 1024

// Work asks for leases for a registered node. Only the leader can.
func (c *Coordinator) Work(ctx context.Context, node string, req api.WorkRequest) (api.WorkResponse, error) {
	if err := req.Validate(); err != nil {
		return api.WorkResponse{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if !c.IsLeader() {
		return api.WorkResponse{}, ErrNotLeader
	}
	c.Seen(node)
	w := &workCall{node: node, req: req, done: make(chan workResult, 1)}
	select {
	case c.workCh <- w:
	case <-ctx.Done():
		return api.WorkResponse{}, ctx.Err()
	}
	select {
	case r := <-w.done:
		if r.err == nil {
			c.fsm.read(func(st *state.State) { r.resp.Uploads = st.UploadsFor(node, api.MaxTasksPerRequest) })
		}
		return r.resp, r.err
	case <-ctx.Done():
		return api.WorkResponse{}, ctx.Err()
	}
}

// Seen records that a node was heard from now. Liveness is the leader's
// memory only: it never enters the log, since a heartbeat a second from
// every node would be most of the log's traffic and none of its value.
func (c *Coordinator) Seen(node string) {
	c.seenMu.Lock()
	c.seen[node] = c.now()
	c.seenMu.Unlock()
}

// LastSeen returns when this member last heard from a node (unix ms), 0 if
// never (it may have talked to another member, or before a restart).
func (c *Coordinator) LastSeen(node string) int64 {
	c.seenMu.Lock()
	defer c.seenMu.Unlock()
	return c.seen[node]
}

// scheduleLoop is a leader duty: it keeps a sched.Queue in step with the
// state and serves work requests in rounds.
func (c *Coordinator) scheduleLoop(ctx context.Context) {
	if err := c.Barrier(ctx); err != nil {
		c.failWork(ctx, err)
		return
	}
	q, err := c.buildQueue()
	if err != nil {
		c.log.Error("build scheduling queue", "err", err)
		c.failWork(ctx, err)
		return
	}
	defer c.fsm.write(func(st *state.State) { st.TrackChanges(false) })
	for {
		var round []*workCall
		select {
		case <-ctx.Done():
			c.failWork(ctx, ErrNotLeader)
			return
		case w := <-c.workCh:
			round = append(round, w)
		}
		if c.cfg.WorkWindow > 0 {
			t := time.NewTimer(c.cfg.WorkWindow)
		gather:
			for len(round) < maxRound {
				select {
				case w := <-c.workCh:
					round = append(round, w)
				case <-t.C:
					break gather
				}
			}
			t.Stop()
		}
		c.serveRound(ctx, q, round)
	}
}

// failWork answers the requests waiting when the loop stops.
func (c *Coordinator) failWork(_ context.Context, err error) {
	for {
		select {
		case w := <-c.workCh:
			w.done <- workResult{err: err}
		default:
			return
		}
	}
}

// buildQueue turns on change tracking and fills a queue with every pending
// task and every known domain rate, under one lock, so that no change falls
// between the picture and the tracking.
func (c *Coordinator) buildQueue() (*sched.Queue, error) {
	q, err := sched.NewQueue(sched.Config{MinIntervalMs: c.cfg.DomainMinInterval.Milliseconds()})
	if err != nil {
		return nil, invalidf("scheduler: %v", err)
	}
	c.fsm.write(func(st *state.State) {
		st.TrackChanges(true)
		for _, host := range sortedHosts(st.Domains) {
			d := st.Domains[host]
			if err = q.SetDomain(sched.DomainRate{Host: host, IntervalMs: d.DelayMs, NextFree: d.NextFree}); err != nil {
				return
			}
		}
		st.PendingTasks(func(t *state.Task) bool {
			err = q.Put(taskView(st, t))
			return err == nil
		})
	})
	return q, err
}

// syncQueue brings the queue in step with the tasks changed since the last
// round, and with the tasks named in extra.
func (c *Coordinator) syncQueue(q *sched.Queue, extra []string) {
	c.fsm.write(func(st *state.State) {
		ids := append(st.DrainChanged(), extra...)
		for _, id := range ids {
			t, err := st.Task(id)
			if err != nil {
				q.Remove(id)
				continue
			}
			if err := q.Put(taskView(st, &t)); err != nil {
				c.log.Error("scheduling queue", "task", id, "err", err)
				q.Remove(id)
			}
		}
	})
}

// adapt is the scheduler's Adapt for a node with record rec: adaptive
// replication (verify.Replication), except for the jobs for which every
// reports true (they check every task), whose tasks get their k replicas.
func adapt(rec verify.Record, every func(job string) bool) func(job string, k int, seed uint64) (int, bool) {
	return func(job string, k int, seed uint64) (int, bool) {
		if every(job) {
			return k, false
		}
		return verify.Replication(rec, k, seed)
	}
}

// checksEveryTask reports whether job turned adaptive replication off
// (api.JobSpec.CheckEveryTask): each of its tasks gets its k replicas.
func (c *Coordinator) checksEveryTask(job string) (every bool) {
	c.fsm.read(func(st *state.State) {
		if j, ok := st.Jobs[job]; ok {
			every = j.Spec.CheckEveryTask
		}
	})
	return every
}

// taskView is what the scheduler needs of a task.
func taskView(st *state.State, t *state.Task) sched.TaskView {
	needs := t.Needs()
	tv := sched.TaskView{
		ID:           t.ID,
		JobID:        t.JobID(),
		Kind:         t.Spec.Kind(),
		NeedJS:       needs.RenderJS,
		NeedMainText: needs.MainText,
		NeedGPU:      needs.GPU,
		Kernel:       needs.Kernel,
		Want:         st.Want(t),
		CreatedIndex: t.Seq,
	}
	if j, err := st.Job(t.JobID()); err != nil || j.State != api.JobRunning {
		tv.Want = 0
	}
	if d := t.Domains(); t.Spec.Kind() == api.JobCrawl && len(d) > 0 {
		tv.Domain, tv.URLs = d[0], len(t.Spec.URLs())
	}
	for _, id := range t.Leases {
		l, _ := st.Lease(id)
		n, _ := st.Node(l.Node)
		tv.Holders = append(tv.Holders, sched.Holder{Address: n.Address, Operator: n.Operator, Network: n.Network})
	}
	return tv
}

// serveRound plans every request of a round on the queue, commits all the
// leases in one entry, and answers each request.
func (c *Coordinator) serveRound(ctx context.Context, q *sched.Queue, round []*workCall) {
	c.syncQueue(q, nil)
	now := c.now()
	type ask struct {
		w    *workCall
		plan sched.Plan
		err  error
	}
	asks := make([]ask, len(round))
	var (
		grants  []state.Grant
		domains []sched.DomainRate
	)
	for i, w := range round {
		asks[i].w = w
		var (
			n    state.Node
			open int
			err  error
		)
		c.fsm.read(func(st *state.State) {
			n, err = st.Node(w.node)
			open = st.OpenLeases(w.node)
		})
		if err != nil {
			asks[i].err = err
			continue
		}
		rec := verify.Record{ConsecutiveAgreements: n.Agreeing}
		req := sched.Request{
			Node: sched.NodeView{
				Address: n.Address, Operator: n.Operator, Network: n.Network,
				Caps: n.Caps, Reputation: n.Reputation, Active: open,
				MaxConcurrent: max(n.Caps.MaxConcurrent, 1), LastSeen: c.LastSeen(n.Address),
			},
			Max:             w.req.MaxTasks,
			Kinds:           w.req.Kinds,
			Now:             now,
			LeaseMs:         c.cfg.LeaseTTL.Milliseconds(),
			MinReputation:   uint32(verify.Floor),
			SharedNetworkOK: c.cfg.SharedNetworkOK,
			Adapt:           adapt(rec, c.checksEveryTask),
			Seed:            c.seed(),
		}
		p := q.Assign(req)
		asks[i].plan = p
		for _, a := range p.Leases {
			g := state.Grant{TaskID: a.TaskID, Node: a.Node, Deadline: a.Deadline, SharedNetworkOK: c.cfg.SharedNetworkOK}
			if a.Replica == 0 {
				g.Replicas, g.SpotCheck = a.Want+1, a.SpotCheck
			}
			grants = append(grants, g)
		}
		domains = append(domains, p.DomainUpdates...)
	}

	var results []any
	if len(grants) > 0 {
		v, err := c.propose(ctx, MsgLeaseGrant, leaseGrantCmd{Grants: grants, Domains: domains, Now: now})
		if err != nil {
			// Nothing was granted (or, after a lost leadership, nobody
			// will answer for it): the queue must be rebuilt from the
			// state, which the next leader term does.
			for _, a := range asks {
				if a.err == nil {
					a.err = err
				}
				a.w.done <- workResult{err: a.err}
			}
			c.resyncAll(q, grants)
			return
		}
		results = v.([]any)
	}

	var refused []string
	k := 0
	for _, a := range asks {
		if a.err != nil {
			a.w.done <- workResult{err: a.err}
			continue
		}
		resp := api.WorkResponse{Leases: []api.Lease{}}
		for range a.plan.Leases {
			switch r := results[k].(type) {
			case state.Lease:
				var spec api.Task
				c.fsm.read(func(st *state.State) {
					if t, err := st.Task(r.TaskID); err == nil {
						spec = t.APITask()
					}
				})
				resp.Leases = append(resp.Leases, api.Lease{ID: r.ID, Task: spec, Deadline: r.Deadline, Replica: r.Replica})
			case error:
				c.log.Debug("grant refused", "task", grants[k].TaskID, "node", grants[k].Node, "err", r)
				refused = append(refused, grants[k].TaskID)
			}
			k++
		}
		if len(resp.Leases) == 0 {
			resp.RetryAfter = a.plan.RetryAfterMs
			if resp.RetryAfter == 0 {
				resp.RetryAfter = c.cfg.IdleRetry.Milliseconds()
			}
		}
		a.w.done <- workResult{resp: resp}
	}
	if len(refused) > 0 {
		// A refused grant changed nothing in the state, so no change
		// tracking will correct the queue's optimistic update.
		c.syncQueue(q, refused)
	}
}

// resyncAll puts the tasks of failed grants back as the state has them.
func (c *Coordinator) resyncAll(q *sched.Queue, grants []state.Grant) {
	ids := make([]string, len(grants))
	for i, g := range grants {
		ids[i] = g.TaskID
	}
	c.syncQueue(q, ids)
}

// seed draws a seed for adaptive replication from the leader's source.
func (c *Coordinator) seed() uint64 {
	c.randMu.Lock()
	defer c.randMu.Unlock()
	return c.rand.Uint64()
}

func sortedHosts(m map[string]state.Domain) []string {
	out := make([]string, 0, len(m))
	for h := range m {
		out = append(out, h)
	}
	slices.Sort(out)
	return out
}
