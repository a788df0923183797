package coord

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/raft"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/meadow-net/meadow/coord/state"
)

// replica is a second copy of the replicated state that snapshots are
// encoded from, so that the FSM never stops applying to write one.
//
// The FSM hands it every entry it applied, in order, and a snapshot point
// where Raft asked for a snapshot. A goroutine of its own applies the
// entries to its copy, a few microseconds behind; at a snapshot point it
// stops, waits for Raft to call Persist, and streams its copy into the
// snapshot while the entries after that point queue up; then it catches up.
// Applying is deterministic (every member's state is the same function of
// the log), so the copy at a snapshot point is the FSM's state at that
// index, without a lock held across the encoding and without any rule that
// transitions must follow: a state of 10,000,000 tasks takes tens of
// seconds to encode, and those seconds are no longer the FSM's.
//
// The price is a second copy of the state in memory and a second apply of
// each entry, on another core (docs/ARCHITECTURE.md, "Snapshots off the
// apply path"). If the copy ever fails to apply an entry the FSM applied
// (a bug), it is dropped and snapshots go back to encoding the FSM's state
// under its lock, as before.
type replica struct {
	log *slog.Logger
	// copy is the second state, with an FSM of its own; only run touches it.
	copy *fsm

	mu     sync.Mutex
	queue  []replicaItem
	closed bool
	// broken is why the copy was dropped; nil while it is in step.
	broken error
	// pending counts the items pushed and not yet applied or failed.
	pending atomic.Int64
	wake    chan struct{}
	// stop is closed by close, done by run when it returns.
	stop chan struct{}
	done chan struct{}
}

// replicaItem is one step for the copy: an entry to apply, a snapshot
// point, a restored state that replaces the copy's, or an error that drops
// the copy.
type replicaItem struct {
	entry  *raft.Log
	point  *replicaSnapshot
	reset  *state.State
	index  uint64
	broken error
}

func newReplica(log *slog.Logger) *replica {
	r := &replica{
		log:  log,
		copy: newBareFSM(slog.New(slog.DiscardHandler)),
		wake: make(chan struct{}, 1),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	go r.run()
	return r
}

// push queues items for the copy. It is called on the FSM's goroutine, after
// the FSM applied the entries, so a queued entry is one the FSM accepted.
func (r *replica) push(items ...replicaItem) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || r.broken != nil {
		return false
	}
	r.queue = append(r.queue, items...)
	r.pending.Add(int64(len(items)))
	select {
	case r.wake <- struct{}{}:
	default:
	}
	return true
}

// pushEntries queues applied entries. The data is copied: the FSM does not
// own the buffers Raft hands it once Apply returns.
func (r *replica) pushEntries(logs []*raft.Log) {
	items := make([]replicaItem, len(logs))
	for i, l := range logs {
		c := *l
		c.Data = append([]byte(nil), l.Data...)
		c.Extensions = nil
		items[i] = replicaItem{entry: &c}
	}
	r.push(items...)
}

// behind is how many items the copy has not yet applied
// (meadow_snapshot_copy_behind).
func (r *replica) behind() int { return int(r.pending.Load()) }

// inStep reports whether the copy can serve snapshots.
func (r *replica) inStep() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.broken == nil && !r.closed
}

// close stops the goroutine; snapshot points still queued fail.
func (r *replica) close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	r.mu.Unlock()
	close(r.stop)
	select {
	case r.wake <- struct{}{}:
	default:
	}
	<-r.done
}

var errReplicaClosed = errors.New("coord: snapshot: the state's copy is closed")

func (r *replica) run() {
	defer close(r.done)
	for {
		r.mu.Lock()
		items := r.queue
		r.queue = nil
		closed, broken := r.closed, r.broken
		r.mu.Unlock()
		for i, it := range items {
			if closed || broken != nil {
				it.fail(errors.Join(errReplicaClosed, broken))
				r.pending.Add(-1)
				continue
			}
			err := r.step(it)
			r.pending.Add(-1)
			if err != nil {
				broken = err
				r.drop(err)
				for _, rest := range items[i+1:] {
					rest.fail(err)
					r.pending.Add(-1)
				}
				break
			}
		}
		if closed {
			r.mu.Lock()
			rest := r.queue
			r.queue = nil
			r.mu.Unlock()
			for _, it := range rest {
				it.fail(errReplicaClosed)
				r.pending.Add(-1)
			}
			return
		}
		<-r.wake
	}
}

// step applies one item to the copy. A panic while applying an entry the
// FSM applied means the copy is no longer the FSM's state: it is reported
// as an error, never as a crash of the member.
func (r *replica) step(it replicaItem) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("coord: snapshot: the state's copy panicked at index %d: %v", r.copy.index.Load(), p)
		}
	}()
	switch {
	case it.broken != nil:
		return it.broken
	case it.entry != nil:
		r.copy.applyLog(it.entry)
	case it.reset != nil:
		r.copy.st = it.reset
		r.copy.index.Store(it.index)
	case it.point != nil:
		return it.point.serve(r.copy, r.stop)
	}
	return nil
}

// drop gives up the copy after an error, freeing its memory.
func (r *replica) drop(err error) {
	r.log.Error("snapshots fall back to encoding under the FSM's lock", "err", err)
	r.mu.Lock()
	r.broken = err
	rest := r.queue
	r.queue = nil
	r.mu.Unlock()
	for _, it := range rest {
		it.fail(err)
		r.pending.Add(-1)
	}
	r.copy.st = state.New()
}

func (it replicaItem) fail(err error) {
	if it.point != nil {
		it.point.abandon(err)
	}
}

// replicaSnapshot is a snapshot point: the copy stops there until Persist
// hands it the sink (or Release says no Persist is coming).
type replicaSnapshot struct {
	index    uint64
	sinks    chan raft.SnapshotSink
	result   chan error
	released chan struct{}
	once     sync.Once
	// failed is set, before result is closed, when the point was abandoned.
	failed error
}

func newReplicaSnapshot(index uint64) *replicaSnapshot {
	return &replicaSnapshot{
		index:    index,
		sinks:    make(chan raft.SnapshotSink),
		result:   make(chan error, 1),
		released: make(chan struct{}),
	}
}

// serve runs on the copy's goroutine when it reaches the point: the copy is
// now the FSM's state at the point's index.
func (s *replicaSnapshot) serve(copy *fsm, stop <-chan struct{}) error {
	if got := copy.index.Load(); got != s.index {
		err := fmt.Errorf("coord: snapshot: the state's copy is at index %d, the snapshot at %d", got, s.index)
		s.abandon(err)
		return err
	}
	select {
	case sink := <-s.sinks:
		s.result <- writeSnapshot(sink, copy)
	case <-s.released:
	case <-stop:
		s.abandon(errReplicaClosed)
	}
	return nil
}

// abandon answers a Persist that will not be served.
func (s *replicaSnapshot) abandon(err error) {
	s.once.Do(func() {
		s.failed = err
		close(s.result)
	})
}

// Persist hands the sink to the copy's goroutine and waits for the state to
// be written: Raft calls it on a goroutine of its own, while the FSM applies.
func (s *replicaSnapshot) Persist(sink raft.SnapshotSink) error {
	select {
	case s.sinks <- sink:
		return <-s.result
	case _, ok := <-s.result:
		if !ok {
			sink.Cancel()
			return fmt.Errorf("coord: persist snapshot: %w", s.failed)
		}
		return nil
	}
}

// Release lets the copy go on if Persist was never called.
func (s *replicaSnapshot) Release() {
	select {
	case <-s.released:
	default:
		close(s.released)
	}
}

// writeSnapshot streams the header and the state into a sink.
func writeSnapshot(sink raft.SnapshotSink, f *fsm) error {
	w := bufio.NewWriterSize(sink, 1<<20)
	err := json.NewEncoder(w).Encode(snapshotHeader{AppliedIndex: f.index.Load()})
	if err == nil {
		err = f.st.Encode(w)
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		sink.Cancel()
		return fmt.Errorf("coord: persist snapshot: %w", err)
	}
	return sink.Close()
}

// replicaMetrics are the copy's gauges, read when scraped.
func replicaMetrics(f *fsm) []prometheus.Collector {
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "meadow_snapshot_copy_in_step",
			Help: "1 while snapshots are written from the copy of the state without stopping applies; 0 once the copy was dropped after an error (snapshots then encode under the state's lock).",
		}, func() float64 {
			if f.rep != nil && f.rep.inStep() {
				return 1
			}
			return 0
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "meadow_snapshot_copy_behind",
			Help: "Entries and snapshot points queued for the copy of the state and not yet applied (it falls behind while it writes a snapshot, then catches up).",
		}, func() float64 {
			if f.rep == nil {
				return 0
			}
			return float64(f.rep.behind())
		}),
	}
}
