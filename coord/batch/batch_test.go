package batch

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// echo flushes by answering each item with its length, and records the
// batch sizes it saw.
type echo struct {
	mu    sync.Mutex
	sizes []int
	fail  error
}

func (e *echo) flush(items [][]byte) ([]any, error) {
	e.mu.Lock()
	e.sizes = append(e.sizes, len(items))
	e.mu.Unlock()
	if e.fail != nil {
		return nil, e.fail
	}
	out := make([]any, len(items))
	for i, it := range items {
		if len(it) == 0 {
			out[i] = errors.New("empty")
			continue
		}
		out[i] = len(it)
	}
	return out, nil
}

func start(t *testing.T, cfg Config, fn FlushFunc) *Batcher {
	t.Helper()
	b, err := New(cfg, fn)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return b
}

func TestBatcherGroupsAndAnswersEach(t *testing.T) {
	for _, window := range []time.Duration{0, 5 * time.Millisecond} {
		e := &echo{}
		b := start(t, Config{Window: window, MaxItems: 64, MaxBytes: 1 << 20, MaxInFlight: 2}, e.flush)
		var wg sync.WaitGroup
		var bad atomic.Int32
		// All submit together: on a loaded machine goroutines started
		// one by one can be more than a window apart.
		ready := make(chan struct{})
		for i := 1; i <= 500; i++ {
			wg.Go(func() {
				<-ready
				v, err := b.Submit(context.Background(), make([]byte, i))
				if err != nil || v.(int) != i {
					bad.Add(1)
				}
			})
		}
		close(ready)
		wg.Wait()
		if bad.Load() != 0 {
			t.Fatalf("window %s: %d wrong answers", window, bad.Load())
		}
		e.mu.Lock()
		total := 0
		for _, s := range e.sizes {
			if s > 64 {
				t.Fatalf("batch of %d, limit 64", s)
			}
			total += s
		}
		// With no window, items group only while flushes are in flight,
		// which depends on the machine's load; with one they must group.
		if total != 500 || (window > 0 && len(e.sizes) >= 500) {
			t.Fatalf("window %s: %d items in %d batches", window, total, len(e.sizes))
		}
		e.mu.Unlock()
	}
}

func TestBatcherErrors(t *testing.T) {
	e := &echo{}
	b := start(t, Config{Window: time.Millisecond, MaxItems: 8, MaxBytes: 1 << 10, MaxInFlight: 1}, e.flush)
	if _, err := b.Submit(context.Background(), nil); err == nil || err.Error() != "empty" {
		t.Fatalf("item error: %v", err)
	}
	boom := errors.New("boom")
	f := &echo{fail: boom}
	b = start(t, Config{Window: time.Millisecond, MaxItems: 8, MaxBytes: 1 << 10, MaxInFlight: 1}, f.flush)
	if _, err := b.Submit(context.Background(), []byte{1}); !errors.Is(err, boom) {
		t.Fatalf("flush error: %v", err)
	}
}

func TestBatcherClosed(t *testing.T) {
	release := make(chan struct{})
	flushed := make(chan struct{}, 1)
	blocking := func(items [][]byte) ([]any, error) {
		flushed <- struct{}{}
		<-release
		return make([]any, len(items)), nil
	}
	b, err := New(Config{Window: time.Hour, MaxItems: 8, MaxBytes: 1 << 10, MaxInFlight: 1}, blocking)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Run(ctx); close(done) }()
	first := make(chan error, 1)
	go func() { _, err := b.Submit(context.Background(), []byte{1}); first <- err }()
	<-flushed // the first item is in flight: the next one waits for the window
	second := make(chan error, 1)
	go func() { _, err := b.Submit(context.Background(), []byte{2}); second <- err }()
	for len(b.in) > 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-second; !errors.Is(err, ErrClosed) {
		t.Fatalf("pending item: %v, want ErrClosed", err)
	}
	close(release)
	<-done
	if err := <-first; err != nil {
		t.Fatalf("item in flight: %v, want it written", err)
	}
	if _, err := b.Submit(context.Background(), []byte{1}); !errors.Is(err, ErrClosed) {
		t.Fatalf("after close: %v, want ErrClosed", err)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{
		{Window: -1, MaxItems: 1, MaxBytes: 1, MaxInFlight: 1},
		{MaxItems: 0, MaxBytes: 1, MaxInFlight: 1},
		{MaxItems: 1, MaxBytes: 0, MaxInFlight: 1},
		{MaxItems: 1, MaxBytes: 1, MaxInFlight: 0},
	} {
		if c.Validate() == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}
