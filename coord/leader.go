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
// them and waits for them to return.
func (c *Coordinator) startDuties(ctx context.Context) (stop func()) {
	lctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { c.reconcileMembers(lctx) })
	for _, duty := range c.leaderDuties() {
		wg.Go(func() { duty(lctx) })
	}
	return func() {
		cancel()
		wg.Wait()
	}
}

// leaderDuties are the loops that run only on the leader.
func (c *Coordinator) leaderDuties() []func(context.Context) {
	return []func(context.Context){c.sweepLeases, c.scheduleLoop, c.watchPayments, c.settleLoop, c.registerDatasets}
}

// reconcileMembers forgets the HTTP addresses of members that are no longer
// in Raft's configuration (a removed leader cannot do it itself). It runs
// once per term, after a barrier so that the state is current.
func (c *Coordinator) reconcileMembers(ctx context.Context) {
	if err := c.Barrier(ctx); err != nil {
		return
	}
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
