package state

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The pending set walks its tasks in Seq order, whatever order they were
// added and removed in, across blocks, and stops when asked to.
func TestPendingSetOrder(t *testing.T) {
	var p pendingSet
	want := map[uint64]bool{}
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		seq := uint64(r.IntN(3 * pendingBlock * 4))
		tk := &Task{Seq: seq}
		if r.IntN(3) == 0 {
			p.remove(tk)
			delete(want, seq)
		} else {
			p.add(tk)
			want[seq] = true
		}
	}
	var got []uint64
	p.each(func(tk *Task) bool { got = append(got, tk.Seq); return true })
	if !slices.IsSorted(got) || len(got) != len(want) || p.len() != len(want) {
		t.Fatalf("walked %d tasks (sorted: %v), len %d; want %d", len(got), slices.IsSorted(got), p.len(), len(want))
	}
	for _, s := range got {
		if !want[s] {
			t.Fatalf("walked %d, which is not pending", s)
		}
	}
	n := 0
	p.each(func(*Task) bool { n++; return n < 3 })
	if n != 3 {
		t.Fatalf("the walk went on after fn returned false: %d calls", n)
	}
}
