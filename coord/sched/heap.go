package sched

// The Queue keeps three kinds of binary heap (tasks in a lane, ready lanes
// of a class, waiting domains). Each element records its own position, so
// that removing or re-keying one is O(log n) without a search.

// heapItem is an element of a heap: it orders itself against another and
// records where the heap put it.
type heapItem[T any] interface {
	before(other T) bool
	setIndex(i int)
}

// heap is a binary min-heap by before.
type heap[T heapItem[T]] []T

func (h heap[T]) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].setIndex(i)
	h[j].setIndex(j)
}

func (h heap[T]) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h[i].before(h[p]) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h heap[T]) down(i int) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if r := c + 1; r < len(h) && h[r].before(h[c]) {
			c = r
		}
		if !h[c].before(h[i]) {
			return
		}
		h.swap(i, c)
		i = c
	}
}

func (h *heap[T]) push(x T) {
	x.setIndex(len(*h))
	*h = append(*h, x)
	h.up(len(*h) - 1)
}

// remove takes out the element at i.
func (h *heap[T]) remove(i int) {
	s := *h
	last := len(s) - 1
	if i != last {
		s.swap(i, last)
	}
	s[last].setIndex(-1)
	var zero T
	s[last] = zero
	*h = s[:last]
	if i != last {
		h.fix(i)
	}
}

// fix restores the order after the element at i changed its key.
func (h heap[T]) fix(i int) {
	h.up(i)
	h.down(i)
}
