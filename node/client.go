package node

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
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/meadow-net/meadow/api"
)

// The node API's routes (docs/ARCHITECTURE.md, docs/api.yaml).
const (
	routeRegister = "/v1/node/register"
	routeWork     = "/v1/node/work"
	routeCommit   = "/v1/node/commit"
	routeReveal   = "/v1/node/reveal"
	routeUpload   = "/v1/node/upload"
	routeRefuse   = "/v1/node/refuse"
	routeRecord   = "/v1/node/" // + address
)

// ErrNoCoordinator means no coordinator answered within the retries.
var ErrNoCoordinator = errors.New("node: no coordinator answered")

// Client talks to the coordinators' node API. Every request is an api.Envelope
// signed with the node's key. It fails over between coordinators: a request
// that cannot reach one, or that one answers 5xx, is retried on the next,
// with exponential back-off; a 4xx answer is final (the request itself is
// wrong, and retrying would not change that).
type Client struct {
	urls    []string
	current atomic.Int64 // index of the coordinator that answered last
	key     *ecdsa.PrivateKey
	domain  api.Domain
	nonces  api.NonceSource
	hc      *http.Client
	log     *slog.Logger
	now     func() time.Time

	// Attempts is how many tries one call gets in all, over all
	// coordinators; MaxBackoff caps the wait between two.
	Attempts   int
	MaxBackoff time.Duration
}

// ClientConfig configures a Client.
type ClientConfig struct {
	Coordinators []string // base URLs, http://host:port
	Key          *ecdsa.PrivateKey
	Domain       api.Domain
	// SourceIP, when set, is the local address connections come from. The
	// dev network gives each node its own loopback /24 (127.0.N.1) so that
	// the scheduler's network-diversity rule applies for real.
	SourceIP net.IP
	Logger   *slog.Logger
	Now      func() time.Time
}

// NewClient returns a client of the coordinators.
func NewClient(cfg ClientConfig) (*Client, error) {
	if len(cfg.Coordinators) == 0 {
		return nil, errors.New("node: coord: expected at least one coordinator URL")
	}
	urls := make([]string, len(cfg.Coordinators))
	for i, u := range cfg.Coordinators {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return nil, fmt.Errorf("node: coord[%d] %q: expected an http:// or https:// URL", i, u)
		}
		urls[i] = strings.TrimRight(u, "/")
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if cfg.SourceIP != nil {
		dialer.LocalAddr = &net.TCPAddr{IP: cfg.SourceIP}
	}
	tr := &http.Transport{
		DialContext:         dialer.DialContext,
		MaxIdleConnsPerHost: 8,
		IdleConnTimeout:     90 * time.Second,
	}
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
		hc:       &http.Client{Transport: tr, Timeout: 60 * time.Second},
		Attempts: 3 * len(urls), MaxBackoff: 5 * time.Second,
	}, nil
}

// Current is the coordinator that answered last.
func (c *Client) Current() string { return c.urls[int(c.current.Load())%len(c.urls)] }

// Register introduces the node.
func (c *Client) Register(ctx context.Context, r api.RegisterRequest) (api.RegisterResponse, error) {
	var out api.RegisterResponse
	return out, c.post(ctx, api.MethodRegister, routeRegister, r, &out)
}

// Work asks for leases.
func (c *Client) Work(ctx context.Context, r api.WorkRequest) (api.WorkResponse, error) {
	var out api.WorkResponse
	return out, c.post(ctx, api.MethodWork, routeWork, r, &out)
}

// Commit sends a task's commitment.
func (c *Client) Commit(ctx context.Context, r api.Commitment) (api.CommitResponse, error) {
	var out api.CommitResponse
	return out, c.post(ctx, api.MethodCommit, routeCommit, r, &out)
}

// Reveal sends a task's row hashes.
func (c *Client) Reveal(ctx context.Context, r api.Reveal) (api.RevealResponse, error) {
	var out api.RevealResponse
	return out, c.post(ctx, api.MethodReveal, routeReveal, r, &out)
}

// Refuse reports a URL the node would not fetch.
func (c *Client) Refuse(ctx context.Context, r api.Refusal) error {
	var out struct{}
	return c.post(ctx, api.MethodRefuse, routeRefuse, r, &out)
}

// Upload sends a task's Arrow IPC stream; blob is read once per attempt, so
// it must be re-openable (a file).
func (c *Client) Upload(ctx context.Context, u api.Upload, open func() (io.ReadCloser, error)) (api.UploadResponse, error) {
	var out api.UploadResponse
	err := c.do(ctx, func(ctx context.Context, base string) (*http.Response, error) {
		env, err := c.sign(api.MethodUpload, u)
		if err != nil {
			return nil, err
		}
		h, err := env.Header()
		if err != nil {
			return nil, err
		}
		body, err := open()
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, base+routeUpload, body)
		if err != nil {
			body.Close()
			return nil, err
		}
		req.ContentLength = u.Size
		req.Header.Set(api.EnvelopeHeader, h)
		req.Header.Set("Content-Type", "application/vnd.apache.arrow.stream")
		return c.hc.Do(req)
	}, &out)
	return out, err
}

// Record fetches what the coordinators know of this node (accepted rows,
// work units, reputation), for the dashboard. The answer is free-form JSON.
func (c *Client) Record(ctx context.Context, addr string) (map[string]any, error) {
	var out map[string]any
	err := c.do(ctx, func(ctx context.Context, base string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+routeRecord+addr, nil)
		if err != nil {
			return nil, err
		}
		return c.hc.Do(req)
	}, &out)
	return out, err
}

func (c *Client) sign(method string, body any) (api.Envelope, error) {
	now := c.now()
	return api.Sign(c.key, method, body, c.nonces.Next(now), now.Add(2*time.Minute), c.domain)
}

func (c *Client) post(ctx context.Context, method, route string, body, out any) error {
	return c.do(ctx, func(ctx context.Context, base string) (*http.Response, error) {
		// A fresh envelope per attempt: a retried request must not be
		// refused as a replay of the first.
		env, err := c.sign(method, body)
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

// retryable tells a failure worth another try (on another coordinator) from
// a final answer.
type retryable struct{ err error }

func (r retryable) Error() string { return r.err.Error() }
func (r retryable) Unwrap() error { return r.err }

func (c *Client) do(ctx context.Context, send func(context.Context, string) (*http.Response, error), out any) error {
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

func (c *Client) once(ctx context.Context, send func(context.Context, string) (*http.Response, error), base string, out any) error {
	resp, err := send(ctx, base)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return retryable{fmt.Errorf("%s: %w", base, err)}
	}
	defer resp.Body.Close()
	data, err := api.ReadLimited(resp.Body, api.MaxResponseSize)
	if err != nil {
		return retryable{fmt.Errorf("%s: reading the answer: %w", base, err)}
	}
	if resp.StatusCode/100 != 2 {
		var eb api.ErrorBody
		if json.Unmarshal(data, &eb) != nil || eb.Error.Message == "" {
			eb.Error.Message = strings.TrimSpace(string(data))
		}
		rerr := eb.Err(resp.StatusCode)
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || errors.Is(rerr, api.ErrReplayed) {
			return retryable{fmt.Errorf("%s: %w", base, rerr)}
		}
		return fmt.Errorf("%s: %w", base, rerr)
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

func hostOf(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	return u.Hostname(), nil
}
