package state

import (
	"github.com/benbjohnson/immutable"
)

// index holds what is derived from the exported state to answer the
// scheduler's and the lease sweeper's questions without walking every task
// or lease. It is never encoded; Decode rebuilds it.
type index struct {
	// pending maps a task's Seq to its id for every pending task, in the
	// order tasks are offered: oldest first. It is a persistent map, so a
	// copy of the pointer is an immutable snapshot.
	pending *immutable.SortedMap[uint64, string]
	// open holds the leases that are active or committed (not yet revealed
	// or expired), by id.
	open map[string]struct{}
	// nodeOpen counts open leases by node; domainActive counts active
	// (not yet committed, so still fetching) crawl leases by domain.
	nodeOpen     map[string]int
	domainActive map[string]int
}

func newIndex() index {
	return index{
		pending:      immutable.NewSortedMap[uint64, string](nil),
		open:         map[string]struct{}{},
		nodeOpen:     map[string]int{},
		domainActive: map[string]int{},
	}
}

func (x *index) addPending(t *Task)    { x.pending = x.pending.Set(t.Seq, t.ID) }
func (x *index) removePending(t *Task) { x.pending = x.pending.Delete(t.Seq) }

func (x *index) openLease(l *Lease, t *Task) {
	x.open[l.ID] = struct{}{}
	x.nodeOpen[l.Node]++
	if l.State == LeaseActive {
		for _, d := range t.Domains {
			x.domainActive[d]++
		}
	}
}

// leaseCommitted notes that a lease stopped fetching.
func (x *index) leaseCommitted(t *Task) {
	for _, d := range t.Domains {
		dec(x.domainActive, d)
	}
}

// closeLease notes that a lease was revealed or expired; wasActive says it
// was still fetching.
func (x *index) closeLease(l *Lease, t *Task, wasActive bool) {
	delete(x.open, l.ID)
	dec(x.nodeOpen, l.Node)
	if wasActive {
		x.leaseCommitted(t)
	}
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
	s.idx = newIndex()
	for _, id := range sortedKeys(s.Tasks) {
		t := s.Tasks[id]
		if t.State == "pending" {
			s.idx.addPending(t)
		}
	}
	for _, id := range sortedKeys(s.Leases) {
		l := s.Leases[id]
		if l.State == LeaseActive || l.State == LeaseCommitted {
			s.idx.openLease(l, s.Tasks[l.TaskID])
		}
	}
}
