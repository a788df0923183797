package api

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// ErrNoCoordinator means no coordinator answered within a call's tries.
var ErrNoCoordinator = errors.New("api: no coordinator answered")

// Client sends requests to the coordinators: signed envelopes for writes,
// plain GETs for reads. It fails over between coordinators: a request that
// cannot reach one, or that one answers 5xx or 429, is retried on the next
// with exponential back-off; a 4xx answer is final, because the request
// itself is wrong and retrying would not change that. Each try signs a fresh
// envelope, so a retry is never refused as a replay of the first.
type Client struct {
	urls    []string
	current atomic.Int64 // index of the coordinator that answered last
	key     *ecdsa.PrivateKey
	domain  Domain
	nonces  NonceSource
	hc      *http.Client
	log     *slog.Logger
	now     func() time.Time

	// Attempts is how many tries one call gets in all, over all
	// coordinators; MaxBackoff caps the wait between two rounds.
	Attempts   int
	MaxBackoff time.Duration
}

// ClientConfig configures a Client.
type ClientConfig struct {
	Coordinators []string          // base URLs, http://host:port
	Key          *ecdsa.PrivateKey // signs writes; nil for a read-only client
	Domain       Domain
	// SourceIP, when set, is the local address connections come from (the
	// dev network gives each node its own loopback /24).
	SourceIP net.IP
	Logger   *slog.Logger
	Now      func() time.Time
}

// NewClient returns a client of the coordinators.
func NewClient(cfg ClientConfig) (*Client, error) {
	if len(cfg.Coordinators) == 0 {
		return nil, &FieldError{Field: "coord", Expected: "at least one coordinator URL"}
	}
	urls := make([]string, len(cfg.Coordinators))
	for i, u := range cfg.Coordinators {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return nil, &FieldError{Field: fmt.Sprintf("coord[%d]", i), Value: u, Expected: "an http:// or https:// URL"}
		}
		urls[i] = strings.TrimRight(u, "/")
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if cfg.SourceIP != nil {
		dialer.LocalAddr = &net.TCPAddr{IP: cfg.SourceIP}
	}
	tr := &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 8, IdleConnTimeout: 90 * time.Second}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Client{
		urls: urls, key: cfg.Key, domain: cfg.Domain, log: log, now: now,
		hc:       &http.Client{Transport: tr, Timeout: 10 * time.Minute},
		Attempts: 3 * len(urls), MaxBackoff: 5 * time.Second,
	}, nil
}

// HTTP is the client's HTTP client, for requests Post and Get do not cover
// (an upload's streamed body); it dials from the configured source address.
func (c *Client) HTTP() *http.Client { return c.hc }

// Current is the coordinator that answered last.
func (c *Client) Current() string { return c.urls[int(c.current.Load())%len(c.urls)] }

// Sign makes a fresh envelope of body for method, valid for two minutes.
func (c *Client) Sign(method string, body any) (Envelope, error) {
	if c.key == nil {
		return Envelope{}, errors.New("api: this client has no key to sign with")
	}
	now := c.now()
	return Sign(c.key, method, body, c.nonces.Next(now), now.Add(2*time.Minute), c.domain)
}

// Post sends body in a signed envelope for method to route and decodes the
// JSON answer into out (validated when it has a Validate method).
func (c *Client) Post(ctx context.Context, method, route string, body, out any) error {
	return c.Do(ctx, func(ctx context.Context, base string) (*http.Response, error) {
		env, err := c.Sign(method, body)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(env)
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+route, bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		return c.hc.Do(req)
	}, out)
}

// Get reads route and decodes the JSON answer into out.
func (c *Client) Get(ctx context.Context, route string, out any) error {
	return c.Do(ctx, func(ctx context.Context, base string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+route, nil)
		if err != nil {
			return nil, err
		}
		return c.hc.Do(req)
	}, out)
}

// Send is one try of a request against the coordinator at base.
type Send func(ctx context.Context, base string) (*http.Response, error)

// Do runs send against the coordinators with failover and decodes the
// answer into out; out may be an io.Writer, which receives the body as is.
func (c *Client) Do(ctx context.Context, send Send, out any) error {
	var last error
	backoff := 100 * time.Millisecond
	start := int(c.current.Load())
	for attempt := 0; attempt < c.Attempts; attempt++ {
		i := (start + attempt) % len(c.urls)
		err := c.once(ctx, send, c.urls[i], out)
		if err == nil {
			c.current.Store(int64(i))
			return nil
		}
		var r retryable
		if !errors.As(err, &r) {
			return err
		}
		last = err
		c.log.Debug("coordinator request failed; trying the next", "coordinator", c.urls[i], "err", err)
		if attempt+1 < c.Attempts && (attempt+1)%len(c.urls) == 0 {
			// Every coordinator failed once: wait before the next round.
			wait := backoff + time.Duration(rand.Int64N(int64(backoff)/2+1))
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
			backoff = min(2*backoff, c.MaxBackoff)
		}
	}
	return fmt.Errorf("%w (%d tries over %s): %w", ErrNoCoordinator, c.Attempts, strings.Join(c.urls, ", "), last)
}

// retryable marks a failure worth another try on another coordinator.
type retryable struct{ err error }

func (r retryable) Error() string { return r.err.Error() }
func (r retryable) Unwrap() error { return r.err }

func (c *Client) once(ctx context.Context, send Send, base string, out any) error {
	resp, err := send(ctx, base)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return retryable{fmt.Errorf("%s: %w", base, err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 2 {
		if w, ok := out.(io.Writer); ok {
			if _, err := io.Copy(w, resp.Body); err != nil {
				return retryable{fmt.Errorf("%s: reading the answer: %w", base, err)}
			}
			return nil
		}
	}
	data, err := ReadLimited(resp.Body, MaxResponseSize)
	if err != nil {
		return retryable{fmt.Errorf("%s: reading the answer: %w", base, err)}
	}
	if resp.StatusCode/100 != 2 {
		var eb ErrorBody
		if json.Unmarshal(data, &eb) != nil || eb.Error.Message == "" {
			eb.Error.Message = strings.TrimSpace(string(data))
		}
		rerr := eb.Err(resp.StatusCode)
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || errors.Is(rerr, ErrReplayed) {
			return retryable{fmt.Errorf("%s: %w", base, rerr)}
		}
		return fmt.Errorf("%s: %w", base, rerr)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s: answer is not the expected JSON: %w", base, err)
	}
	if v, ok := out.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return fmt.Errorf("%s: invalid answer: %w", base, err)
		}
	}
	return nil
}
