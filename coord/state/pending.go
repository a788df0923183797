package state

// pendingSet holds the pending tasks in Seq order, the order the scheduler
// offers them. Seqs are dense (each task gets the next), so a task's slot is
// its Seq: 8 bytes a task, where the persistent sorted map it replaces took
// about 43 per pending task (docs/ARCHITECTURE.md, "Snapshots off the apply
// path"); decided tasks keep an empty slot, so it is at most 8 bytes per
// task of the state. Counts per block of slots let a walk skip the empty
// stretches that decided tasks leave.
type pendingSet struct {
	bySeq  []*Task
	counts []uint16 // pending tasks in each block of pendingBlock slots
	n      int
}

const pendingBlock = 256

func (p *pendingSet) add(t *Task) {
	if t.Seq >= uint64(len(p.bySeq)) {
		p.bySeq = append(p.bySeq, make([]*Task, int(t.Seq)+1-len(p.bySeq))...)
		p.bySeq = p.bySeq[:cap(p.bySeq)]
		for len(p.counts)*pendingBlock < len(p.bySeq) {
			p.counts = append(p.counts, 0)
		}
	}
	if p.bySeq[t.Seq] == nil {
		p.n++
		p.counts[t.Seq/pendingBlock]++
	}
	p.bySeq[t.Seq] = t
}

func (p *pendingSet) remove(t *Task) {
	if t.Seq >= uint64(len(p.bySeq)) || p.bySeq[t.Seq] == nil {
		return
	}
	p.bySeq[t.Seq] = nil
	p.n--
	p.counts[t.Seq/pendingBlock]--
}

// each calls fn for each pending task in Seq order until fn returns false.
func (p *pendingSet) each(fn func(*Task) bool) {
	for b, c := range p.counts {
		if c == 0 {
			continue
		}
		for _, t := range p.bySeq[b*pendingBlock : min((b+1)*pendingBlock, len(p.bySeq))] {
			if t != nil && !fn(t) {
				return
			}
		}
	}
}

func (p *pendingSet) len() int { return p.n }
