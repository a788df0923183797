package wasm

import (
	"sync"
	"weak"

	"github.com/tetratelabs/wazero/experimental"
)

// Buffers a run leaves behind (the module's linear memory, stdin, stdout)
// are kept for the next run of the same Runtime: allocating and zeroing
// them afresh, and faulting in fresh pages, was a quarter to a half of a
// whole Run of a cheap module (docs/BENCHMARKS.md, "WASM sandbox"). They
// are held by weak pointers only, so the garbage collector still frees
// them whenever it runs between two runs: an idle node's memory is what
// it was without the pool (node calls debug.FreeOSMemory when its last
// wasm task ends), while back-to-back runs, with little garbage in
// between, mostly find them.

// poolSize is how many free buffers of each kind a Runtime keeps: enough
// for the runs one machine does at once.
const poolSize = 4

// weakPool is a small LIFO of weakly held free values.
type weakPool[T any] struct {
	mu   sync.Mutex
	free []weak.Pointer[T]
}

// get returns a free value, or nil if none survived.
func (p *weakPool[T]) get() *T {
	p.mu.Lock()
	defer p.mu.Unlock()
	for n := len(p.free); n > 0; n = len(p.free) {
		w := p.free[n-1]
		p.free = p.free[:n-1]
		if v := w.Value(); v != nil {
			return v
		}
	}
	return nil
}

// put offers v to later runs; the oldest free value goes if the pool is
// full. The caller must not use v after.
func (p *weakPool[T]) put(v *T) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) >= poolSize {
		copy(p.free, p.free[1:])
		p.free = p.free[:len(p.free)-1]
	}
	p.free = append(p.free, weak.Make(v))
}

// drop forgets every free value.
func (p *weakPool[T]) drop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.free = nil
}

// byteBuf is a reusable byte slice (stdin, stdout).
type byteBuf struct{ b []byte }

// memBuf backs one run's linear memory. Between runs it keeps its capacity
// and what the last run left in it: bytes [0, dirty) of the capacity may
// be non-zero, the rest is zero. A run sees only bytes below its memory's
// size, and every byte the memory grows over is cleared before the module
// can read it, so reused memory is indistinguishable from fresh memory.
type memBuf struct {
	buf   []byte
	dirty int
}

// memAllocator backs the module's linear memory and enforces
// Limits.MemoryPages: a grow past it fails (memory.grow returns -1) and is
// remembered, so the run's failure is recorded as memory_exceeded.
type memAllocator struct {
	limit   uint64
	pool    *weakPool[memBuf]
	hint    uint64 // the size the module's memory reached in its last run
	refused bool
	freed   []*memBuf // back to pool once the run is over (release)
	size    uint64    // the size the memory reached in this run
}

// release hands the memories of the run's closed instance to later runs.
// Run calls it when it returns: wazero frees the memory when the instance
// is closed, which proc_exit does in the middle of the run, and a buffer
// left only in the pool (weakly) while the run parses its output, which
// allocates most of a run's garbage, was lost to the collector in half
// of the benchmark's collections.
func (a *memAllocator) release() {
	for _, m := range a.freed {
		a.pool.put(m)
	}
	a.freed = nil
}

// Allocate implements experimental.MemoryAllocator. It reserves nothing
// up front: wazero suggests the memory's declared maximum (or the runtime's
// ceiling) as the capacity, and a Go slice of that size costs its whole
// size in resident memory once Go zeroes it. It starts from a previous
// run's buffer where there is one, and grows by doubling as the module
// asks (Reallocate).
func (a *memAllocator) Allocate(_, _ uint64) experimental.LinearMemory {
	m := a.pool.get()
	if m == nil {
		m = &memBuf{}
	}
	return &linearMemory{a: a, m: m}
}

type linearMemory struct {
	a *memAllocator
	m *memBuf
}

// Reallocate grows the memory to size bytes, or returns nil past the limit.
// Memory never shrinks (wazero asks only to grow).
func (l *linearMemory) Reallocate(size uint64) []byte {
	if size > l.a.limit {
		l.a.refused = true
		return nil
	}
	m := l.m
	if size <= uint64(cap(m.buf)) {
		// Bytes past the current size are zero except those a previous
		// run left below dirty: clear those the memory grows over.
		if old, end := len(m.buf), min(int(size), m.dirty); end > old {
			clear(m.buf[old:end])
		}
		m.buf = m.buf[:size]
		return m.buf
	}
	// A memory that must move is given at once the size the module's last
	// run reached, if larger than doubling: growing a fresh memory by
	// doubling, zeroing and copying each time cost a run of the
	// benchmark's module more than its own work.
	nb := make([]byte, size, min(max(size, 2*uint64(cap(m.buf)), l.a.hint), l.a.limit))
	copy(nb, m.buf)
	m.buf, m.dirty = nb, 0
	return nb
}

// Free keeps the buffer for the next run (memAllocator.release); wazero
// calls it when the instance is closed, after which nothing reads or
// writes the memory.
func (l *linearMemory) Free() {
	m := l.m
	if m == nil {
		return
	}
	l.m = nil
	m.dirty = max(m.dirty, len(m.buf))
	l.a.size = max(l.a.size, uint64(len(m.buf)))
	m.buf = m.buf[:0]
	l.a.freed = append(l.a.freed, m)
}
