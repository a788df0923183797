package coord

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/dataset"
)

// Blob repair. An upload is acknowledged once a majority of members holds
// its blob, and the others get it from background pushes. A member misses
// pushes while it is down past the pushers' retries, when their queues
// overflow, and every one of them when it lost its data dir and rejoined
// empty; then fewer members hold a blob than the state promises, and one
// more lost disk could lose it. So each member checks that it holds every
// blob its state names, and fetches what it lacks from its peers
// (blob.Replicator.Repair): once its state has caught up after it starts,
// again every blobRepairInterval, and after it installs a snapshot (how a
// member that lost its data dir, or fell far behind, gets its state).
//
// A pass lists the state's blobs under the read lock (a walk of the tasks:
// about 30 ms per million) and asks the store for each (a stat). That is
// cheap at today's scale; at tens of millions of tasks it wants an index of
// blobs not yet confirmed, noted in ARCHITECTURE.md.

// blobRepairInterval is how often a member checks it holds its state's
// blobs, besides at start and after a snapshot is installed.
const blobRepairInterval = 10 * time.Minute

// repairLoop runs blob repair passes until ctx ends.
func (c *Coordinator) repairLoop(ctx context.Context) {
	if c.repl == nil {
		return // an object store: nothing is kept per member
	}
	if !c.waitCaughtUp(ctx) {
		return
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-c.fsm.restored:
			// A snapshot was installed: wait until the entries after
			// it are applied too.
			if !c.waitCaughtUp(ctx) {
				return
			}
		}
		c.repairBlobs(ctx)
		t.Reset(blobRepairInterval)
	}
}

// waitCaughtUp waits until this member knows a leader and has applied every
// entry it knows committed, and reports false if ctx ended first.
func (c *Coordinator) waitCaughtUp(ctx context.Context) bool {
	for {
		if id, _ := c.Leader(); id != "" && c.raft.CommitIndex() > 0 && c.AppliedIndex() >= c.raft.CommitIndex() {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// repairBlobs is one pass: it fetches every blob of the state this member
// lacks.
func (c *Coordinator) repairBlobs(ctx context.Context) {
	var want []dataset.Hash
	c.fsm.read(func(st *state.State) {
		for _, t := range st.Tasks {
			if t.Blob != nil {
				want = append(want, dataset.Hash(t.Blob.SHA256))
			}
		}
		for _, h := range st.ModuleHashes() {
			want = append(want, dataset.Hash(h))
		}
	})
	start := time.Now()
	fetched, err := c.repl.Repair(ctx, want)
	c.metrics.repaired.Add(float64(fetched))
	switch {
	case err != nil && ctx.Err() == nil:
		c.metrics.repairFailed.Inc()
		c.log.Warn("blob repair: some blobs of the state could not be fetched from any peer; next pass in "+blobRepairInterval.String(),
			"blobs", len(want), "fetched", fetched, "err", err)
	case fetched > 0:
		c.log.Info("blob repair: fetched blobs this member lacked", "blobs", len(want), "fetched", fetched, "took", time.Since(start).Round(time.Millisecond))
	}
}

// repairMetrics are the blob repair's counters.
func repairMetrics(reg prometheus.Registerer) (repaired, failed prometheus.Counter) {
	repaired = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "meadow_blob_repaired_total",
		Help: "Blobs this member fetched from its peers because its state names them and its store lacked them (blob repair).",
	})
	failed = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "meadow_blob_repair_failed_total",
		Help: "Blob repair passes that left some of the state's blobs missing on this member.",
	})
	reg.MustRegister(repaired, failed)
	return repaired, failed
}
