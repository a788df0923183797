package sched

// The Queue keeps three kinds of binary heap (tasks in a lane, ready lanes
// of a class, waiting domains). Each slot carries its element's sort key
// inline, so that sifting compares neighbouring memory instead of chasing a
// pointer per comparison (on a million tasks that halved the cost of a
// lease), and each element records its own position, so that removing or
// re-keying one is O(log n) without a search.

// ord is a sort key: a, then b, ascending. A task's is (-priority,
// created); a lane's is its best task's; a domain's is (NextFree, 0).
type ord struct {
	a int64
	b uint64
}

func (o ord) less(p ord) bool { return o.a < p.a || o.a == p.a && o.b < p.b }

// heapItem is an element of a heap: it breaks ties between equal keys and
// records where the heap put it.
type heapItem[T any] interface {
	tie(other T) bool
	setIndex(i int)
}

type slot[T heapItem[T]] struct {
	o ord
	x T
}

// heap is a binary min-heap of slots.
type heap[T heapItem[T]] []slot[T]

func (s *slot[T]) before(t *slot[T]) bool {
	if s.o != t.o {
		return s.o.less(t.o)
	}
	return s.x.tie(t.x)
}

func (h heap[T]) less(i, j int) bool { return h[i].before(&h[j]) }

// up and down move a hole rather than swapping, so that each level costs
// one slot copy and one setIndex (a store to the element, often a cache
// miss on a big heap) instead of two of each.
func (h heap[T]) up(i int) {
	x := h[i]
	for i > 0 {
		p := (i - 1) / 2
		if !x.before(&h[p]) {
			break
		}
		h[i] = h[p]
		h[i].x.setIndex(i)
		i = p
	}
	h[i] = x
	x.x.setIndex(i)
}

func (h heap[T]) down(i int) {
	x := h[i]
	for {
		c := 2*i + 1
		if c >= len(h) {
			break
		}
		if r := c + 1; r < len(h) && h[r].before(&h[c]) {
			c = r
		}
		if !h[c].before(&x) {
			break
		}
		h[i] = h[c]
		h[i].x.setIndex(i)
		i = c
	}
	h[i] = x
	x.x.setIndex(i)
}

func (h *heap[T]) push(x T, o ord) {
	x.setIndex(len(*h))
	*h = append(*h, slot[T]{o: o, x: x})
	h.up(len(*h) - 1)
}

// remove takes out the element at i.
func (h *heap[T]) remove(i int) {
	s := *h
	last := len(s) - 1
	s[i].x.setIndex(-1)
	if i != last {
		s[i] = s[last]
	}
	s[last] = slot[T]{}
	*h = s[:last]
	if i != last {
		h.fix(i, (*h)[i].o)
	}
}

// fix gives the element at i the key o and restores the order.
func (h heap[T]) fix(i int, o ord) {
	h[i].o = o
	if i > 0 && h[i].before(&h[(i-1)/2]) {
		h.up(i)
	} else {
		h.down(i)
	}
}
