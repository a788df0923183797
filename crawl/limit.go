package crawl

import (
	"context"
	"strings"
	"sync"
	"time"
)

// hostLimiter spaces and bounds the requests to each host, across every
// task the crawler runs at once.
//
// colly's LimitRule does this per collector, with rules fixed up front and
// matched by a linear scan; Meadow needs the limit shared by all tasks of a
// node, a delay that changes per host when robots.txt asks for a
// Crawl-delay, back-off when a server answers 429 or 503, and forgetting
// hosts that have gone quiet, so it keeps its own small limiter.
type hostLimiter struct {
	conc  int           // concurrent requests per host
	delay time.Duration // minimum time between two request starts on a host
	now   func() time.Time

	mu    sync.Mutex
	hosts map[string]*hostState
}

type hostState struct {
	inflight   int
	waiters    int
	lastStart  time.Time     // when the last request started
	backOff    time.Time     // no request starts before this (Retry-After)
	crawlDelay time.Duration // from robots.txt; forces one request at a time
	wake       chan struct{} // closed and replaced whenever a slot frees
}

// sweepAt is the map size past which idle hosts are forgotten.
const sweepAt = 4096

func newHostLimiter(conc int, delay time.Duration) *hostLimiter {
	if conc < 1 {
		conc = 1
	}
	return &hostLimiter{conc: conc, delay: delay, now: time.Now, hosts: make(map[string]*hostState)}
}

func (l *hostLimiter) state(host string) *hostState {
	host = strings.ToLower(host)
	st := l.hosts[host]
	if st == nil {
		if len(l.hosts) >= sweepAt {
			l.sweep()
		}
		st = &hostState{wake: make(chan struct{})}
		l.hosts[host] = st
	}
	return st
}

func (l *hostLimiter) sweep() {
	now := l.now()
	for h, st := range l.hosts {
		if st.inflight == 0 && st.waiters == 0 && !st.backOff.After(now) && now.Sub(st.lastStart) > max(l.delay, st.crawlDelay) {
			delete(l.hosts, h)
		}
	}
}

// setCrawlDelay records host's Crawl-delay from robots.txt.
func (l *hostLimiter) setCrawlDelay(host string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.state(host).crawlDelay = d
}

// backOff keeps every request to host from starting before until
// (a Retry-After).
func (l *hostLimiter) backOff(host string, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.state(host)
	if until.After(st.backOff) {
		st.backOff = until
	}
}

// acquire waits for a slot on host and returns the func that frees it.
func (l *hostLimiter) acquire(ctx context.Context, host string) (func(), error) {
	host = strings.ToLower(host)
	l.mu.Lock()
	st := l.state(host)
	st.waiters++
	for {
		conc, delay := l.conc, l.delay
		if st.crawlDelay > 0 {
			conc = 1
			delay = max(delay, st.crawlDelay)
		}
		now := l.now()
		next := st.lastStart.Add(delay)
		if st.backOff.After(next) {
			next = st.backOff
		}
		if st.inflight < conc && !now.Before(next) {
			st.waiters--
			st.inflight++
			st.lastStart = now
			l.mu.Unlock()
			var once sync.Once
			return func() { once.Do(func() { l.release(host) }) }, nil
		}
		wake := st.wake
		var t *time.Timer
		var timer <-chan time.Time
		if st.inflight < conc {
			t = time.NewTimer(next.Sub(now))
			timer = t.C
		}
		l.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-wake:
		case <-timer:
		}
		if t != nil {
			t.Stop()
		}
		if ctx.Err() != nil {
			l.mu.Lock()
			st.waiters--
			l.mu.Unlock()
			return nil, ctx.Err()
		}
		l.mu.Lock()
		// The state may have been swept and replaced while we waited
		// only if nobody was waiting; we were, so st is still current.
	}
}

func (l *hostLimiter) release(host string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.hosts[host]
	if st == nil {
		return
	}
	st.inflight--
	close(st.wake)
	st.wake = make(chan struct{})
}
