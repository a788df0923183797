package state

import (
	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
)

// index holds what is derived from the exported state to answer the
// scheduler's and the lease sweeper's questions without walking every task
// or lease. It is never encoded; Decode rebuilds it.
type index struct {
	// pending holds every pending task, in the order tasks are offered:
	// oldest first (pending.go).
	pending pendingSet
	// open holds the leases that are active or committed (not yet revealed
	// or expired), by id.
	open map[string]struct{}
	// nodeOpen counts open leases by node.
	nodeOpen map[string]int
	// changed collects the ids of tasks whose state, target or leases
	// changed, while tracking is on: the leader's scheduling queue reads
	// them to stay in step with the state. Followers never turn it on.
	tracking bool
	changed  map[string]struct{}
	// jobKeys maps a job's id on chain (contracts.JobKey) to its id, so
	// that a payment finds its job without hashing every job's id.
	jobKeys map[common.Hash]string
	// awaiting holds the verified tasks that wait for their blob, and
	// awaitingBy the same tasks by the node asked for the blob (the node of
	// the task's Uploader lease): UploadsFor runs on every work request,
	// and scanning every waiting task there was a third to a half of a
	// leader's CPU when uploads lagged (docs/BENCHMARKS.md, "Raft scale
	// simulation").
	awaiting   map[string]struct{}
	awaitingBy map[string]map[string]struct{}
	// held holds the pending tasks that have had a lease: the only ones
	// that can be stranded (stranded.go), so that the leader's sweep looks
	// at them and not at a backlog of tasks no node has touched.
	held map[string]struct{}
}

func newIndex() index {
	return index{
		open:     map[string]struct{}{},
		nodeOpen: map[string]int{},
		changed:  map[string]struct{}{},
		jobKeys:  map[common.Hash]string{},
		awaiting: map[string]struct{}{},

		awaitingBy: map[string]map[string]struct{}{},
		held:       map[string]struct{}{},
	}
}

// await marks task id as waiting for its blob from node ("" when its
// uploader lease is unknown).
func (x *index) await(id, node string) {
	x.awaiting[id] = struct{}{}
	if node == "" {
		return
	}
	m := x.awaitingBy[node]
	if m == nil {
		m = map[string]struct{}{}
		x.awaitingBy[node] = m
	}
	m[id] = struct{}{}
}

// unawait undoes await.
func (x *index) unawait(id, node string) {
	delete(x.awaiting, id)
	if m := x.awaitingBy[node]; m != nil {
		delete(m, id)
		if len(m) == 0 {
			delete(x.awaitingBy, node)
		}
	}
}

func (x *index) touch(id string) {
	if x.tracking {
		x.changed[id] = struct{}{}
	}
}

// TrackChanges turns on or off the recording of changed tasks (see
// DrainChanged). It changes nothing that is replicated.
func (s *State) TrackChanges(on bool) {
	s.idx.tracking = on
	s.idx.changed = map[string]struct{}{}
}

// DrainChanged returns, sorted, the tasks changed since the last call while
// tracking was on, and forgets them.
func (s *State) DrainChanged() []string {
	ids := sortedKeys(s.idx.changed)
	clear(s.idx.changed)
	return ids
}

// PendingTasks calls fn for each pending task in Seq order until fn returns
// false.
func (s *State) PendingTasks(fn func(*Task) bool) {
	s.idx.pending.each(fn)
}

// OpenLeases returns how many open leases a node holds.
func (s *State) OpenLeases(node string) int { return s.idx.nodeOpen[node] }

func (x *index) addPending(t *Task) {
	x.pending.add(t)
	if len(t.Leases) > 0 {
		x.held[t.ID] = struct{}{}
	}
}

func (x *index) removePending(t *Task) {
	x.pending.remove(t)
	delete(x.held, t.ID)
}

func (x *index) openLease(l *Lease) {
	x.open[l.ID] = struct{}{}
	x.nodeOpen[l.Node]++
}

// closeLease notes that a lease was revealed or expired.
func (x *index) closeLease(l *Lease) {
	delete(x.open, l.ID)
	dec(x.nodeOpen, l.Node)
}

func dec(m map[string]int, k string) {
	if m[k] <= 1 {
		delete(m, k)
		return
	}
	m[k]--
}

// rebuild derives the index from the exported state.
func (s *State) rebuild() {
	tracking := s.idx.tracking
	s.idx = newIndex()
	s.TrackChanges(tracking)
	for _, id := range sortedKeys(s.Tasks) {
		t := s.Tasks[id]
		// A cancelled job's tasks stay pending in name; SetJobState took
		// them out of the index, and a restored state must not put them
		// back (they would sit in every scheduling round).
		if j := s.Jobs[t.JobID()]; t.State == "pending" && (j == nil || !j.State.Final()) {
			s.idx.addPending(t)
		}
		if t.State == api.TaskVerified && t.Blob == nil && t.Uploader() != "" {
			s.idx.await(t.ID, s.uploaderNode(t))
		}
	}
	for _, id := range sortedKeys(s.Leases) {
		l := s.Leases[id]
		if l.State == LeaseActive || l.State == LeaseCommitted {
			s.idx.openLease(l)
		}
	}
	for id := range s.Jobs {
		s.idx.jobKeys[contracts.JobKey(id)] = id
	}
}

// JobByKey returns the id of the job whose id on chain is key.
func (s *State) JobByKey(key common.Hash) (string, bool) {
	id, ok := s.idx.jobKeys[key]
	return id, ok
}

// PendingCount returns how many tasks wait for a lease.
func (s *State) PendingCount() int { return s.idx.pending.len() }

// OpenCount returns how many leases are open.
func (s *State) OpenCount() int { return len(s.idx.open) }
