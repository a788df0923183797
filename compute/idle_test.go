package compute

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a Clock that moves only when told to.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []fakeWaiter
	changed chan struct{} // closed and replaced when a waiter is added
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(now time.Time) *fakeClock {
	return &fakeClock{now: now, changed: make(chan struct{})}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waiters = append(c.waiters, fakeWaiter{at: c.now.Add(d), ch: ch})
	close(c.changed)
	c.changed = make(chan struct{})
	return ch
}

// Advance moves the clock and fires the timers that are due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
}

// waitForWaiter blocks until some goroutine is blocked in After.
func (c *fakeClock) waitForWaiter(t *testing.T) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		n, ch := len(c.waiters), c.changed
		c.mu.Unlock()
		if n > 0 {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatal("nothing waited on the clock within 10s")
		}
	}
}

type fakeUtil struct {
	mu  sync.Mutex
	pct int
	err error
}

func (f *fakeUtil) set(pct int, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pct, f.err = pct, err
}

func (f *fakeUtil) Utilization() (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pct, f.err
}

func TestIdleGate(t *testing.T) {
	clock := newFakeClock(time.Date(2026, 11, 23, 23, 0, 0, 0, time.UTC))
	util := &fakeUtil{}
	cfg := IdleConfig{MaxUtilization: 10, FromHour: 22, ToHour: 7, PollInterval: time.Second, Cooldown: 30 * time.Second, Location: time.UTC}
	g, err := NewIdleGate(cfg, util, clock)
	if err != nil {
		t.Fatal(err)
	}
	if !g.Allowed() {
		t.Fatalf("idle GPU at 23:00 in a 22-7 window: not allowed: %s", g.Last().Reason)
	}
	util.set(55, nil)
	if st := g.Check(); st.Allowed || !strings.Contains(st.Reason, "GPU in use") || st.Utilization != 55 {
		t.Fatalf("busy GPU: %+v", st)
	}
	// Wait blocks while the user is on the GPU and through the cooldown.
	done := make(chan error, 1)
	go func() { done <- g.Wait(context.Background()) }()
	clock.waitForWaiter(t)
	util.set(3, nil)
	for i := 0; i < 29; i++ {
		clock.Advance(time.Second)
		clock.waitForWaiter(t)
		select {
		case err := <-done:
			t.Fatalf("Wait returned %v after %ds, inside the 30s cooldown", err, i+1)
		default:
		}
	}
	if st := g.Last(); st.Allowed || !strings.Contains(st.Reason, "resuming after") {
		t.Fatalf("during cooldown: %+v", st)
	}
	clock.Advance(time.Second)
	if err := <-done; err != nil {
		t.Fatalf("Wait: %v", err)
	}
	// Outside the hours nothing runs, however idle.
	clock.Advance(8 * time.Hour) // 07:00
	if st := g.Check(); st.Allowed || !strings.Contains(st.Reason, "outside the allowed hours") {
		t.Fatalf("07:00 in a 22-7 window: %+v", st)
	}
	// A utilization that cannot be read keeps the GPU off.
	clock.Advance(15 * time.Hour) // 22:00
	util.set(0, errors.New("nvml gone"))
	if st := g.Check(); st.Allowed || !strings.Contains(st.Reason, "nvml gone") {
		t.Fatalf("unreadable utilization: %+v", st)
	}
	// Wait honours its context.
	ctx, cancel := context.WithCancel(context.Background())
	go func() { done <- g.Wait(ctx) }()
	clock.waitForWaiter(t)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait after cancel: %v", err)
	}
}

func TestIdleGateSingleSpike(t *testing.T) {
	clock := newFakeClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	util := &fakeUtil{}
	g, err := NewIdleGate(IdleConfig{MaxUtilization: 10, PollInterval: time.Second, Cooldown: time.Minute}, util, clock)
	if err != nil {
		t.Fatal(err)
	}
	util.set(65, nil) // one lagging reading of our own kernels
	if g.Allowed() {
		t.Fatal("allowed at 65% utilization")
	}
	util.set(1, nil)
	clock.Advance(time.Second)
	if st := g.Check(); !st.Allowed {
		t.Fatalf("one high reading started a cooldown: %+v", st)
	}
	util.set(65, nil) // two in a row: the user is there
	g.Check()
	clock.Advance(time.Second)
	g.Check()
	util.set(1, nil)
	clock.Advance(time.Second)
	if st := g.Check(); st.Allowed {
		t.Fatalf("two high readings did not start the cooldown: %+v", st)
	}
}

func TestIdleConfigValidate(t *testing.T) {
	if err := DefaultIdleConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		edit  func(*IdleConfig)
		field string
	}{
		{name: "zero utilization", edit: func(c *IdleConfig) { c.MaxUtilization = 0 }, field: "max_utilization"},
		{name: "over 100", edit: func(c *IdleConfig) { c.MaxUtilization = 101 }, field: "max_utilization"},
		{name: "hour 24", edit: func(c *IdleConfig) { c.FromHour = 24 }, field: "from_hour"},
		{name: "negative hour", edit: func(c *IdleConfig) { c.ToHour = -1 }, field: "to_hour"},
		{name: "fast poll", edit: func(c *IdleConfig) { c.PollInterval = time.Millisecond }, field: "poll_interval"},
		{name: "negative cooldown", edit: func(c *IdleConfig) { c.Cooldown = -time.Second }, field: "cooldown"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultIdleConfig()
			tt.edit(&c)
			_, err := NewIdleGate(c, &fakeUtil{}, nil)
			if !errors.Is(err, ErrGateConfig) || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("error %v: want ErrGateConfig naming %s", err, tt.field)
			}
		})
	}
}

// countingGate records how often a kernel asked before GPU work.
type countingGate struct{ n int }

func (g *countingGate) Wait(ctx context.Context) error { g.n++; return ctx.Err() }
