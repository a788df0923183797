package wasm

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

// numbered returns distinct small modules: each exits with its number.
func numbered(n int) []byte {
	return commandModule(nil, cat(i32c(int32(n)), exitWith)).bytes()
}

func TestCache(t *testing.T) {
	ctx := context.Background()
	r, err := New(ctx, WithCache(2, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)
	m1 := mustLoad(t, r, numbered(1))
	mustLoad(t, r, numbered(1))
	if s := r.CacheStats(); s.Hits != 1 || s.Misses != 1 || s.Entries != 1 {
		t.Fatalf("after loading one module twice: %+v", s)
	}
	mustLoad(t, r, numbered(2))
	mustLoad(t, r, numbered(3)) // evicts module 1, the least recently used
	s := r.CacheStats()
	if s.Misses != 3 || s.Evictions != 1 || s.Entries != 2 || s.Bytes <= 0 {
		t.Fatalf("after three modules in a cache of two: %+v", s)
	}
	// The evicted module still runs: compiled again, and back in the cache.
	_, err = m1.Run(ctx, "text", nil, resultCol, testLimits())
	if f := failureOf(t, err); f.Kind != KindExitCode || f.ExitCode != 1 {
		t.Fatalf("evicted module: %v", f)
	}
	if s := r.CacheStats(); s.Misses != 4 || s.Evictions != 2 {
		t.Fatalf("after running the evicted module: %+v", s)
	}
	if m1.Hash() != mustLoad(t, r, numbered(1)).Hash() {
		t.Error("the same bytes have two hashes")
	}
	// A refusal is not cached.
	if _, err := r.Load(ctx, []byte("junk")); err == nil {
		t.Fatal("junk loaded")
	}
	if s := r.CacheStats(); s.Entries != 2 {
		t.Fatalf("a refused module is in the cache: %+v", s)
	}

	// Byte bound: a cache smaller than any one module keeps only the newest.
	r2, err := New(ctx, WithCache(10, 1))
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close(ctx)
	mustLoad(t, r2, numbered(1))
	mustLoad(t, r2, numbered(2))
	if s := r2.CacheStats(); s.Entries != 1 || s.Evictions != 1 {
		t.Fatalf("byte-bounded cache: %+v", s)
	}
}

// TestConcurrent loads and runs from many goroutines at once (run it with
// -race), with a cache too small for all modules so eviction races runs.
func TestConcurrent(t *testing.T) {
	before := runtime.NumGoroutine()
	ctx := context.Background()
	r, err := New(ctx, WithCache(2, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				n := (g + i) % 5
				m, err := r.Load(ctx, numbered(n))
				if err != nil {
					errs <- err
					return
				}
				_, err = m.Run(ctx, "text", nil, resultCol, testLimits())
				var f *Failure
				switch {
				case n == 0 && err == nil:
				case errors.As(err, &f) && f.Kind == KindExitCode && f.ExitCode == uint32(n):
				default:
					errs <- fmt.Errorf("module %d: %v", n, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s := r.CacheStats()
	t.Logf("cache after 160 loads: %+v", s)
	if s.Hits+s.Misses < 160 {
		t.Errorf("cache counted %d loads", s.Hits+s.Misses)
	}
	r.Close(ctx)
	waitGoroutines(t, before)
}

func TestMisuse(t *testing.T) {
	ctx := context.Background()
	r, err := New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m := mustLoad(t, r, numbered(0))
	lim := testLimits()
	if _, err := m.Run(ctx, "text", nil, nil, lim); !errors.Is(err, ErrBadSchema) {
		t.Errorf("no columns: %v", err)
	}
	if _, err := m.Run(ctx, "", nil, resultCol, lim); !errors.Is(err, ErrBadInput) {
		t.Errorf("no input column: %v", err)
	}
	lim.Fuel = 0
	if _, err := m.Run(ctx, "text", nil, resultCol, lim); !errors.Is(err, ErrBadLimits) {
		t.Errorf("no fuel: %v", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := m.Run(canceled, "text", nil, resultCol, testLimits()); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: %v", err)
	}
	if _, err := New(ctx, WithMemoryCeiling(65537)); !errors.Is(err, ErrBadLimits) {
		t.Errorf("memory ceiling 65537: %v", err)
	}
	r2, err := New(ctx, WithMaxModuleBytes(100))
	if err != nil {
		t.Fatal(err)
	}
	_, err = r2.Load(ctx, make([]byte, 101))
	if f := failureOf(t, err); f.Kind != KindInvalidModule {
		t.Errorf("oversized module: %v", f)
	}
	r2.Close(ctx)
	r.Close(ctx)
	if _, err := r.Load(ctx, numbered(0)); !errors.Is(err, ErrClosed) {
		t.Errorf("Load after Close: %v", err)
	}
	if _, err := m.Run(ctx, "text", nil, resultCol, testLimits()); !errors.Is(err, ErrClosed) {
		t.Errorf("Run after Close: %v", err)
	}
}

func TestLEB(t *testing.T) {
	tests := []struct {
		in   []byte
		bits uint
		sign bool
		want int64
		ok   bool
	}{
		{[]byte{0x00}, 32, false, 0, true},
		{[]byte{0xe5, 0x8e, 0x26}, 32, false, 624485, true},
		{[]byte{0x80, 0x00}, 32, false, 0, true}, // padded zero
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x0f}, 32, false, 0xffffffff, true},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x1f}, 32, false, 0, false}, // bit 32 set
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 32, false, 0, false},
		{[]byte{0x80}, 32, false, 0, false}, // truncated
		{[]byte{0x7f}, 32, true, -1, true},
		{[]byte{0xc0, 0xbb, 0x78}, 32, true, -123456, true},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x7f}, 32, true, -1, true},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x4f}, 32, true, 0, false}, // unused bits not the sign
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x08}, 32, true, 0, false},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x78}, 32, true, math32Min, true},
		{[]byte{0x40}, 33, true, -64, true},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}, 64, true, -1 << 63, true},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 64, true, 0, false},
	}
	for _, tt := range tests {
		r := &reader{b: tt.in}
		var got int64
		var err error
		if tt.sign {
			got, err = r.sleb(tt.bits)
		} else {
			var u uint64
			u, err = r.uleb(tt.bits)
			got = int64(u)
		}
		if (err == nil) != tt.ok || tt.ok && (got != tt.want || !r.done()) {
			t.Errorf("% x (%d bits, signed %v): %d, %v; want %d, ok %v", tt.in, tt.bits, tt.sign, got, err, tt.want, tt.ok)
		}
	}
}

const math32Min = -1 << 31

// TestCloseStopsRuns closes a Runtime while a module loops: the run ends
// with ErrClosed, and Close returns once it has.
func TestCloseStopsRuns(t *testing.T) {
	before := runtime.NumGoroutine()
	ctx := context.Background()
	r, err := New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m := mustLoad(t, r, commandModule(nil, cat([]byte{opLoop, 0x40}, br(0), []byte{opEnd})).bytes())
	lim := testLimits()
	lim.Fuel = 1 << 62
	errc := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		close(started)
		_, err := m.Run(ctx, "text", nil, resultCol, lim)
		errc <- err
	}()
	<-started
	for r.running.Load() == 0 { // wait until the module is executing
		runtime.Gosched()
	}
	if err := r.Close(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("run ended with %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the run did not end after Close")
	}
	waitGoroutines(t, before)
}

// TestGCDuringLongRun collects garbage while a module spins: Go cannot
// preempt machine code that never calls out, so without the meter's tick a
// collection waited for the whole run (and, on 2 cores, the watchdog that
// would end it could not run either: the process hung).
func TestGCDuringLongRun(t *testing.T) {
	r := sharedRuntime(t, false)
	m := mustLoad(t, r, commandModule(nil, cat([]byte{opLoop, 0x40}, br(0), []byte{opEnd})).bytes())
	lim := testLimits()
	lim.Fuel = 1 << 62
	lim.WallTime = 500 * time.Millisecond
	done := make(chan time.Time, 1)
	go func() {
		_, err := m.Run(context.Background(), "text", nil, resultCol, lim)
		if f, ok := err.(*Failure); !ok || f.Kind != KindWallTime {
			t.Errorf("run: %v, want a wall_time failure", err)
		}
		done <- time.Now()
	}()
	for r.running.Load() == 0 {
		runtime.Gosched()
	}
	runtime.GC()
	gcDone := time.Now()
	if end := <-done; !gcDone.Before(end) {
		t.Fatalf("the collection waited for the run to end")
	}
}
