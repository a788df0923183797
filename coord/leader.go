package coord

import (
	"context"
	"sync"
	"time"

	"github.com/meadow-net/meadow/coord/state"
)

// leaderLoop runs the leader's duties while this member leads, and stops them
// when it loses leadership or ctx ends.
func (c *Coordinator) leaderLoop(ctx context.Context) {
	var (
		stop = func() {}
		ch   = c.raft.LeaderCh()
	)
	defer func() { stop() }()
	for {
		select {
		case <-ctx.Done():
			return
		case leader := <-ch:
			stop()
			stop = func() {}
			if !leader {
				c.log.Info("lost leadership")
				continue
			}
			c.log.Info("gained leadership")
			stop = c.startDuties(ctx)
		}
	}
}

// startDuties starts the leader's loops and returns the function that stops
// them and waits for them to return. The duties start only once the state
// has caught up with the log (caughtUp): a member restarted from disk can
// win an election before it has applied the entries committed before its
// term, and a payment watcher, sweep or settlement run on that state would
// act on a past that is not the cluster's (issue 17, item 11).
func (c *Coordinator) startDuties(ctx context.Context) (stop func()) {
	lctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		if !c.caughtUp(lctx) {
			return
		}
		wg.Go(func() { c.reconcileMembers(lctx) })
		for _, duty := range c.leaderDuties() {
			wg.Go(func() { duty(lctx) })
		}
	})
	return func() {
		cancel()
		wg.Wait()
	}
}

// caughtUp waits until this leader's state holds every entry committed when
// it gained leadership: a barrier (which commits this term's first entry and
// so everything before it), then the applied index at least the commit
// index read at the start. It retries a barrier that timed out, and reports
// false when ctx ends first (leadership lost).
func (c *Coordinator) caughtUp(ctx context.Context) bool {
	commit := c.raft.CommitIndex()
	wait := 50 * time.Millisecond
	for {
		err := c.Barrier(ctx)
		if err == nil && c.AppliedIndex() >= commit {
			c.log.Info("leader state caught up", "commit_index", commit, "applied_index", c.AppliedIndex())
			return true
		}
		if err != nil {
			c.log.Warn("leader barrier", "err", err)
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}

// leaderDuties are the loops that run only on the leader.
func (c *Coordinator) leaderDuties() []func(context.Context) {
	return []func(context.Context){c.sweepLeases, c.scheduleLoop, c.watchPayments, c.settleLoop, c.registerDatasets, c.advancePipelines, c.sweepStaged}
}

// reconcileMembers forgets the HTTP addresses of members that are no longer
// in Raft's configuration (a removed leader cannot do it itself). It runs
// once per term, after caughtUp so that the state is current.
func (c *Coordinator) reconcileMembers(ctx context.Context) {
	f := c.raft.GetConfiguration()
	if f.Error() != nil {
		return
	}
	inConfig := map[string]bool{}
	for _, s := range f.Configuration().Servers {
		inConfig[string(s.ID)] = true
	}
	var stale []string
	c.fsm.read(func(st *state.State) {
		for id := range st.Members {
			if !inConfig[id] {
				stale = append(stale, id)
			}
		}
	})
	for _, id := range stale {
		if _, err := c.propose(ctx, MsgMemberRemove, memberRemoveCmd{ID: id}); err != nil {
			c.log.Warn("forget removed member", "member", id, "err", err)
		}
	}
}

// every calls fn every d until ctx ends.
func every(ctx context.Context, d time.Duration, fn func(context.Context)) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn(ctx)
		}
	}
}
