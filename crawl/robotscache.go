package crawl

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// How long robots.txt answers are kept. RFC 9309 asks that a cached copy be
// used no longer than 24 hours; failures are retried sooner.
const (
	robotsTTL      = 24 * time.Hour
	robotsErrorTTL = 5 * time.Minute
	robotsMaxHosts = 10000
)

// robotsCache fetches and keeps robots.txt per origin (scheme, host, port).
// Concurrent fetches of one origin wait for a single download.
type robotsCache struct {
	client  *http.Client
	ua      string
	limiter *hostLimiter
	now     func() time.Time

	mu      sync.Mutex
	entries map[string]*robotsEntry
}

type robotsEntry struct {
	ready   chan struct{} // closed when rb/err are set
	rb      *Robots
	err     error
	expires time.Time
}

func newRobotsCache(client *http.Client, ua string, limiter *hostLimiter) *robotsCache {
	return &robotsCache{client: client, ua: ua, limiter: limiter, now: time.Now, entries: make(map[string]*robotsEntry)}
}

// get returns the robots rules for u's origin, and the bytes downloaded to
// learn them (zero when cached). polite makes the download wait for the
// host's politeness slot; redirect checks pass false, since they run while
// another host's slot is held.
func (rc *robotsCache) get(ctx context.Context, u *url.URL, polite bool) (*Robots, int64, error) {
	origin := strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
	rc.mu.Lock()
	e := rc.entries[origin]
	if e != nil {
		select {
		case <-e.ready:
			if rc.now().After(e.expires) {
				e = nil
			}
		default:
		}
	}
	owner := e == nil
	if owner {
		if len(rc.entries) >= robotsMaxHosts {
			rc.evict()
		}
		e = &robotsEntry{ready: make(chan struct{})}
		rc.entries[origin] = e
	}
	rc.mu.Unlock()

	if !owner {
		select {
		case <-e.ready:
			return e.rb, 0, e.err
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		}
	}
	rb, n, ttl, err := rc.fetch(ctx, u, polite)
	if ctx.Err() != nil && err != nil {
		// Our task ended, which says nothing about the site: let the
		// next caller try again.
		rc.mu.Lock()
		delete(rc.entries, origin)
		rc.mu.Unlock()
		e.err = err
		close(e.ready)
		return nil, n, err
	}
	e.rb, e.err, e.expires = rb, err, rc.now().Add(ttl)
	close(e.ready)
	return rb, n, err
}

func (rc *robotsCache) evict() {
	now := rc.now()
	for k, e := range rc.entries {
		select {
		case <-e.ready:
			if now.After(e.expires) {
				delete(rc.entries, k)
			}
		default:
		}
	}
	if len(rc.entries) >= robotsMaxHosts {
		clear(rc.entries) // still full of fresh entries: start over
	}
}

// fetch downloads and reads one robots.txt (RFC 9309 2.3.1): 2xx is parsed;
// other 4xx means no rules; 429, 5xx or no answer means the whole site is
// off limits for now.
func (rc *robotsCache) fetch(ctx context.Context, u *url.URL, polite bool) (*Robots, int64, time.Duration, error) {
	if polite {
		release, err := rc.limiter.acquire(ctx, u.Hostname())
		if err != nil {
			return nil, 0, 0, err
		}
		defer release()
	}
	sink := &fetchSink{max: MaxRobotsBytes, truncate: true}
	ctx = context.WithValue(ctx, sinkKey{}, sink)
	ru := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ru.String(), nil)
	if err != nil {
		return nil, 0, robotsErrorTTL, err
	}
	req.Header.Set("User-Agent", rc.ua)
	resp, err := rc.client.Do(req)
	if err != nil {
		// No answer at all: the page would fail the same way, so the
		// refusal keeps its own reason (unsafe_address, timeout, …).
		rf := toRefusal(ctx, err)
		return nil, sink.bytes.Load(), robotsErrorTTL, &Refusal{Reason: rf.Reason, Detail: "robots.txt: " + rf.Detail, Err: err}
	}
	resp.Body.Close()
	n := sink.bytes.Load()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return ParseRobots(sink.body, RobotsToken), n, robotsTTL, nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return nil, n, robotsErrorTTL, refuse(ReasonRobots, "robots.txt answered %d, so the site is treated as disallowed", resp.StatusCode)
	case resp.StatusCode >= 400:
		return &Robots{}, n, robotsTTL, nil
	default:
		return nil, n, robotsErrorTTL, refuse(ReasonRobots, "robots.txt answered %d", resp.StatusCode)
	}
}
