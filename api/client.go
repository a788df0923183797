package api

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrNoCoordinator means no coordinator answered within a call's tries.
var ErrNoCoordinator = errors.New("api: no coordinator answered")

// ErrAnswerLost means a write was applied by an earlier try of the same call
// whose answer never arrived (a timeout, a dropped connection): a later try
// with the same envelope was refused as a replay. The write took effect once;
// what it answered is lost. Reading the state (the job list, a lease) tells
// the caller what it needs.
var ErrAnswerLost = errors.New("api: the write was applied by an earlier try whose answer was lost")

// Defaults of ClientConfig.
const (
	// DefaultAttemptTimeout bounds one try of a request with a small body:
	// from sending it to the end of the answer, with no progress. A write
	// through Raft takes milliseconds; a leader that does not answer within
	// this is stalled or gone, and the next member is tried. It is kept
	// below the election time plus 2 s (issue 17: a client's write resumes
	// within that once a leader stalls), and well above a loaded leader's
	// write latency.
	DefaultAttemptTimeout = 3 * time.Second
	// DefaultStreamTimeout bounds a streamed try (an upload, a download)
	// while no byte moves either way: a 2 GiB download is not cut off, a
	// stalled one is.
	DefaultStreamTimeout = 30 * time.Second
)

// streamedBody is the request body size above which a try counts as
// streamed (StreamTimeout rather than AttemptTimeout), as does every PUT.
const streamedBody = 1 << 20

// Client sends requests to the coordinators: signed envelopes for writes,
// plain GETs for reads. It fails over between coordinators:
//
//   - every try has its own deadline (AttemptTimeout; for streams,
//     StreamTimeout while no byte moves), so a stalled member costs one try,
//     not the call;
//   - a try that cannot reach a member, that times out, or that a member
//     answers 5xx, 429 (after its Retry-After) or 401 "expired" (that
//     member's clock is off: each member is tried once with it) is retried
//     on the next member, with exponential back-off after every round;
//   - any other 4xx is final: the request itself is wrong;
//   - the member that answered last is where the next call starts, and a
//     member that failed is passed over by calls made meanwhile.
//
// Retries never apply a write twice. Post signs one envelope per call and
// sends that same envelope on every try, so the state's nonce window
// (UseNonce) refuses a second application on every member (a job.submit
// sent again is answered with the job it created); if an earlier
// try may have been applied (its answer was lost) and a later one is refused
// as a replay, the call ends with ErrAnswerLost. Only methods whose effect is
// idempotent (a repeated commitment is answered like the first; work,
// uploads and reads check their nonce in the answering member's memory) are
// signed afresh on each try. See docs/ARCHITECTURE.md, "Clients of the
// coordinators".
type Client struct {
	// urls are the coordinators tried; a followed wrong-group answer
	// replaces them with the home group's members (Follow).
	urls    atomic.Pointer[[]string]
	current atomic.Int64 // index of the coordinator that answered last
	trust   *GroupTrust
	groups  atomic.Pointer[GroupMap] // the newest verified group map
	key     *ecdsa.PrivateKey
	domain  Domain
	nonces  *NonceSource // shared with the clients of ForGroups
	hc      *http.Client
	log     *slog.Logger
	now     func() time.Time

	// Attempts is how many tries one call gets in all, over all
	// coordinators; MaxBackoff caps the wait between two rounds.
	Attempts   int
	MaxBackoff time.Duration
	// AttemptTimeout and StreamTimeout are ClientConfig's; they may be
	// changed before the client is used.
	AttemptTimeout time.Duration
	StreamTimeout  time.Duration
}

// ClientConfig configures a Client.
type ClientConfig struct {
	Coordinators []string          // base URLs, http://host:port
	Key          *ecdsa.PrivateKey // signs writes; nil for a read-only client
	Domain       Domain
	// SourceIP, when set, is the local address connections come from (the
	// dev network gives each node its own loopback /24).
	SourceIP net.IP
	// RootCAs, when set, verifies https coordinators' certificates instead
	// of the system's roots (a cluster with its own CA: the commands'
	// --coord-ca, which adds the CA to the system's roots so that the
	// other hosts a coordinator's answers name still verify).
	RootCAs *x509.CertPool
	Logger  *slog.Logger
	Now     func() time.Time
	// AttemptTimeout bounds one try with no progress (0:
	// DefaultAttemptTimeout); StreamTimeout the same for uploads and
	// downloads (0: DefaultStreamTimeout).
	AttemptTimeout time.Duration
	StreamTimeout  time.Duration
	// Groups, when set, lets the client follow a coordinator's
	// wrong-group answer (421) to the group it names, once the group
	// map it fetches verifies against these operators. Without it such
	// an answer ends the call.
	Groups *GroupTrust
	// DialOther, when set, dials every host that is not one of the
	// coordinators (an object store's presigned URL, a download's
	// redirect to it): those URLs come from a coordinator's answer, and a
	// home node passes its safety policy here so that no answer can aim
	// it at its own network. Without it they are dialed as coordinators.
	DialOther func(ctx context.Context, network, addr string) (net.Conn, error)
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
	if cfg.AttemptTimeout < 0 {
		return nil, &FieldError{Field: "attempt_timeout", Value: cfg.AttemptTimeout.String(), Expected: "a positive duration, or 0 for the default"}
	}
	if cfg.StreamTimeout < 0 {
		return nil, &FieldError{Field: "stream_timeout", Value: cfg.StreamTimeout.String(), Expected: "a positive duration, or 0 for the default"}
	}
	if cfg.AttemptTimeout == 0 {
		cfg.AttemptTimeout = DefaultAttemptTimeout
	}
	if cfg.StreamTimeout == 0 {
		cfg.StreamTimeout = DefaultStreamTimeout
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if cfg.SourceIP != nil {
		dialer.LocalAddr = &net.TCPAddr{IP: cfg.SourceIP}
	}
	c := &Client{}
	dial := dialer.DialContext
	if cfg.DialOther != nil {
		dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			if c.isCoordinator(addr) {
				return dialer.DialContext(ctx, network, addr)
			}
			return cfg.DialOther(ctx, network, addr)
		}
	}
	tr := &http.Transport{DialContext: dial, MaxIdleConnsPerHost: 8, IdleConnTimeout: 90 * time.Second}
	if cfg.RootCAs != nil {
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: cfg.RootCAs}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	*c = Client{
		trust: cfg.Groups, key: cfg.Key, nonces: new(NonceSource), domain: cfg.Domain, log: log, now: now,
		// No whole-request cap: each try has its own watchdog
		// (AttemptTimeout, StreamTimeout), which a large download does
		// not trip as long as bytes move.
		hc:       &http.Client{Transport: progressTransport{base: tr, stream: cfg.StreamTimeout}, CheckRedirect: checkRedirect},
		Attempts: 6 * len(urls), MaxBackoff: 2 * time.Second,
		AttemptTimeout: cfg.AttemptTimeout, StreamTimeout: cfg.StreamTimeout,
	}
	c.urls.Store(&urls)
	return c, nil
}

// list is the coordinators a call tries.
func (c *Client) list() []string { return *c.urls.Load() }

// isCoordinator says whether addr (host:port, as the transport dials it) is
// one of the coordinators the client calls now, or a member of a group in
// the verified group map it holds (signed by the operators, as trusted as
// the coordinators it was given).
func (c *Client) isCoordinator(addr string) bool {
	urls := c.list()
	if m := c.groups.Load(); m != nil {
		for _, g := range m.Groups {
			urls = append(slices.Clip(urls), g.Members...)
		}
	}
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		port := u.Port()
		if port == "" {
			port = "80"
			if u.Scheme == "https" {
				port = "443"
			}
		}
		if strings.EqualFold(net.JoinHostPort(u.Hostname(), port), addr) {
			return true
		}
	}
	return false
}

// checkRedirect follows a coordinator's redirect (a dataset download sent
// to the object store with a presigned URL) without the request's
// credentials once it leaves the coordinator's host and port: a presigned
// URL is its own authorization (a store refuses a request that carries two),
// and the store has no business with the signer's envelope or token.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return fmt.Errorf("api: %s: stopped after %d redirects", via[0].URL.Redacted(), len(via))
	}
	if req.URL.Host != via[0].URL.Host {
		req.Header.Del(EnvelopeHeader)
		req.Header.Del("Authorization")
	}
	return nil
}

// HTTP is the client's HTTP client, for requests Post and Get do not cover
// (an upload's streamed body); it dials from the configured source address.
func (c *Client) HTTP() *http.Client { return c.hc }

// Current is the coordinator that answered last.
func (c *Client) Current() string {
	urls := c.list()
	return urls[int(c.current.Load())%len(urls)]
}

// Sign makes a fresh envelope of body for method, valid for two minutes.
func (c *Client) Sign(method string, body any) (Envelope, error) {
	if c.key == nil {
		return Envelope{}, errors.New("api: this client has no key to sign with")
	}
	now := c.now()
	return Sign(c.key, method, body, c.nonces.Next(now), now.Add(2*time.Minute), c.domain)
}

// freshEachTry reports whether a call for method may sign a new envelope
// for every try: its effect is idempotent, so a try applied twice changes
// nothing (a repeated commitment or registration is answered like the
// first), or its nonce is checked only in the answering member's memory
// (refusals, uploads, reads), where a try that member already spent would
// otherwise be refused for good. Every other write sends one envelope on all
// its tries, work requests included: the leader answers the same envelope
// with the same leases, so a work request's tries may race.
func freshEachTry(method string) bool {
	switch method {
	case MethodRegister, MethodCommit, MethodUpload, MethodRefuse,
		MethodDatasetGet, MethodBlobGet, MethodRead,
		MethodUploadURL, MethodUploadStaged, MethodModuleUploadURL, MethodModuleUploadStaged:
		return true
	}
	return false
}

// Post sends body in a signed envelope for method to route and decodes the
// JSON answer into out (validated when it has a Validate method). See Client
// for when a retry signs again.
func (c *Client) Post(ctx context.Context, method, route string, body, out any) error {
	var (
		mu   sync.Mutex // tries may run at once (race)
		env  Envelope
		have bool
	)
	fixed := !freshEachTry(method)
	cs := &call{fixed: fixed, race: raceable(method, fixed), resign: func() {
		mu.Lock()
		have = false
		mu.Unlock()
	}}
	return c.do(ctx, func(ctx context.Context, base string) (*http.Response, error) {
		mu.Lock()
		if !have || !cs.fixed {
			e, err := c.Sign(method, body)
			if err != nil {
				mu.Unlock()
				return nil, err
			}
			env, have = e, true
		}
		e := env
		mu.Unlock()
		b, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+route, bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		// The envelope's nonce makes the request safe to send again:
		// net/http then retries it on a fresh connection when a
		// kept-alive one turns out closed (the header is not sent).
		req.Header["Idempotency-Key"] = nil
		return c.hc.Do(req)
	}, out, cs)
}

// Get reads route and decodes the JSON answer into out.
func (c *Client) Get(ctx context.Context, route string, out any) error {
	return c.do(ctx, c.getSend(route), out, &call{race: true})
}

// getSend is a Send of a plain GET of route.
func (c *Client) getSend(route string) Send {
	return func(ctx context.Context, base string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+route, nil)
		if err != nil {
			return nil, err
		}
		return c.hc.Do(req)
	}
}

// Send is one try of a request against the coordinator at base. It must
// make its request with ctx (which carries the try's deadline) through
// HTTP(), and sign afresh if it signs: Do cannot re-sign for it.
type Send func(ctx context.Context, base string) (*http.Response, error)

// Do runs send against the coordinators with failover and decodes the
// answer into out; out may be an io.Writer, which receives the body as is
// (a streamed try: StreamTimeout applies).
func (c *Client) Do(ctx context.Context, send Send, out any) error {
	return c.do(ctx, send, out, nil)
}

// DoIdempotent is Do for a request that changes nothing when applied again
// (a blob upload: the coordinator keeps a task's first blob and answers
// again with it): after a try that timed out, the next goes to every other
// member at once, and the first answer wins, so that a stalled member holds
// the call for one try, not two. send must make a new request body on
// every call.
func (c *Client) DoIdempotent(ctx context.Context, send Send, out any) error {
	return c.do(ctx, send, out, &call{race: true})
}

// call is what do knows of a Post: whether its tries share one envelope,
// and how to make the next try sign a new one.
type call struct {
	fixed  bool
	resign func()
	// race lets a try that timed out be followed by one try on every
	// other member at once (see race): the call is a read, or a write
	// whose tries cannot apply twice (one envelope for all, or an
	// idempotent method).
	race bool
}

// raceable reports whether a Post for method may send tries to several
// members at once after one timed out: its tries share one envelope (the
// state applies it once), or its effect is idempotent (a registration, a
// commitment, a refusal). Work requests share one envelope, and the leader
// grants an envelope once (coord's workonce.go).
func raceable(method string, fixed bool) bool {
	if fixed {
		return true
	}
	switch method {
	case MethodRegister, MethodCommit, MethodRefuse,
		// An upload URL changes nothing; a staged upload's report is
		// checked once per task (or module) at a time and a task keeps
		// its first blob, so a second copy is answered like the first.
		MethodUploadURL, MethodUploadStaged, MethodModuleUploadURL, MethodModuleUploadStaged:
		return true
	}
	return false
}

// maxRetryAfter caps how long a 429's Retry-After holds a call.
const maxRetryAfter = 30 * time.Second

func (c *Client) do(ctx context.Context, send Send, out any, cs *call) error {
	// A wrong-group answer comes before anything of the request is
	// opened, so the same request (the same envelope) may go to the group
	// it names. Twice at most: a map that moves again meanwhile is a
	// network in the middle of a change, and the caller's retry will do.
	for follows := 0; ; follows++ {
		err := c.doOnce(ctx, send, out, cs)
		var re *RemoteError
		if c.trust == nil || follows == 2 || !errors.As(err, &re) || re.Code != CodeWrongGroup {
			return err
		}
		if ferr := c.Follow(ctx, re.Group, re.GroupsEpoch); ferr != nil {
			return fmt.Errorf("%w; following it: %w", err, ferr)
		}
	}
}

func (c *Client) doOnce(ctx context.Context, send Send, out any, cs *call) error {
	urls := c.list()
	n := len(urls)
	var (
		last         error
		backoff      = 100 * time.Millisecond
		expired      = make([]bool, n)
		untrusted    = make([]bool, n)
		maybeApplied bool // an earlier try may have been applied
	)
	start := int(c.current.Load()) % n
	raced := false
	for attempt := 0; attempt < c.Attempts; attempt++ {
		i := (start + attempt) % n
		err := c.once(ctx, send, urls[i], out)
		if err == nil {
			c.current.Store(int64(i))
			return nil
		}
		var f *tryFailure
		if !errors.As(err, &f) {
			return err
		}
		if f.timedOut && !raced && cs != nil && cs.race && n > 1 && attempt+n-1 < c.Attempts && racesInto(out) {
			// A member that does not answer at all is most often a
			// stalled leader, or a follower still forwarding to it:
			// the next try goes to every other member at once, and the
			// first answer wins (see race).
			raced = true
			maybeApplied = true
			j, rerr := c.race(ctx, urls, send, out, i)
			if rerr == nil {
				c.current.Store(int64(j))
				return nil
			}
			if !errors.As(rerr, &f) {
				return rerr
			}
			attempt += n - 2 // the race used n-1 tries; the loop adds one
			i = j
		}
		last = f
		// Calls made meanwhile start past the member that failed.
		c.current.CompareAndSwap(int64(i), int64((i+1)%n))
		c.log.Debug("coordinator request failed; trying the next", "coordinator", urls[i], "err", f)
		fixed := cs != nil && cs.fixed
		switch f.kind {
		case failReplayed:
			if fixed && maybeApplied {
				return fmt.Errorf("%w: %w", ErrAnswerLost, f)
			}
			// Nothing of this call was applied: a new nonce is safe.
			if fixed {
				cs.resign()
			}
		case failExpired:
			// That member's clock (or ours) is off. Each member is
			// tried once; when all of them refuse the time, it is
			// this client's clock, or the cluster's, and retrying
			// changes nothing.
			expired[i] = true
			if !slices.Contains(expired, false) {
				return fmt.Errorf("every coordinator refused the envelope's time; check this machine's clock: %w", f)
			}
			if fixed && !maybeApplied {
				cs.resign()
			}
		}
		// A certificate this client does not trust fails the same way
		// every time: each member is tried once, and when none of them
		// verifies, retrying changes nothing.
		var cve *tls.CertificateVerificationError
		if errors.As(f, &cve) {
			untrusted[i] = true
			if !slices.Contains(untrusted, false) {
				return fmt.Errorf("%w: no coordinator's certificate verifies (%s); a cluster with its own CA needs it given to this client (meadow's --coord-ca, or coordinator_ca in the network file): %w",
					ErrNoCoordinator, strings.Join(urls, ", "), f)
			}
		}
		maybeApplied = maybeApplied || f.maybeApplied
		if attempt+1 >= c.Attempts {
			break
		}
		var wait time.Duration
		switch {
		case f.kind == failRateLimited:
			wait = min(max(f.retryAfter, backoff), maxRetryAfter)
		case (attempt+1)%n == 0:
			// Every coordinator failed once: wait before the next round.
			wait = backoff + time.Duration(rand.Int64N(int64(backoff)/2+1))
			backoff = min(2*backoff, c.MaxBackoff)
		}
		if wait > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
		}
	}
	return fmt.Errorf("%w (%d tries over %s): %w", ErrNoCoordinator, c.Attempts, strings.Join(urls, ", "), last)
}

// racesInto reports whether answers can be decoded into copies of out, as
// race needs: out is nil or a pointer, not a stream.
func racesInto(out any) bool {
	if out == nil {
		return true
	}
	if _, ok := out.(io.Writer); ok {
		return false
	}
	return reflect.TypeOf(out).Kind() == reflect.Pointer
}

// race sends one try to every member but skip at once, each answer decoded
// into a value of its own; the first success is copied into out, the other
// tries are cancelled, and its member is returned. Sending a write's tries at
// once is safe because do races only calls whose tries share one envelope
// (the state applies it once) or are idempotent (call.race). When no try
// succeeds, a final answer (a 4xx that is not retried) is returned as is;
// otherwise the failure that says most of how the call goes on: a replay
// (an earlier try was applied), then a rate limit, else any.
func (c *Client) race(ctx context.Context, urls []string, send Send, out any, skip int) (int, error) {
	n := len(urls)
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		j   int
		v   any
		err error
	}
	results := make(chan result, n-1)
	for k := 1; k < n; k++ {
		j := (skip + k) % n
		go func() {
			var v any
			if out != nil {
				v = reflect.New(reflect.TypeOf(out).Elem()).Interface()
			}
			results <- result{j: j, v: v, err: c.once(rctx, send, urls[j], v)}
		}()
	}
	rank := func(f *tryFailure) int {
		switch f.kind {
		case failReplayed:
			return 2
		case failRateLimited:
			return 1
		}
		return 0
	}
	var (
		best  *tryFailure
		bestJ = skip
		final error
	)
	for range n - 1 {
		r := <-results
		if r.err == nil {
			cancel()
			if out != nil {
				reflect.ValueOf(out).Elem().Set(reflect.ValueOf(r.v).Elem())
			}
			return r.j, nil
		}
		var f *tryFailure
		switch {
		case errors.As(r.err, &f) && f.kind == failReplayed:
			// The race follows a try that timed out, which may have
			// been applied: a member refusing the envelope as a replay
			// settles it (the earlier try took effect), and the members
			// still silent — a stalled leader, a follower forwarding to
			// it — have nothing to add. Waiting for them would hold the
			// call until the stall ends.
			cancel()
			return r.j, f
		case errors.As(r.err, &f):
			if best == nil || rank(f) > rank(best) {
				best, bestJ = f, r.j
			}
		case ctx.Err() != nil:
			return skip, ctx.Err()
		default:
			final = r.err
		}
	}
	if final != nil {
		return skip, final
	}
	return bestJ, best
}

// failKind is why a try failed, which says how the call goes on.
type failKind int

const (
	failUnreachable failKind = iota // no connection: nothing was sent
	failBroken                      // sent, then the connection broke or the try timed out
	failNotLeader                   // 5xx not_leader: the member applied nothing
	failServer                      // other 5xx: it may have been applied
	failRateLimited                 // 429: wait Retry-After
	failExpired                     // 401 expired: the answering member's clock disagrees
	failReplayed                    // 409 replayed
)

// tryFailure is a failed try worth another one.
type tryFailure struct {
	kind         failKind
	maybeApplied bool
	// timedOut: the member sent no answer within the try's limit.
	timedOut   bool
	retryAfter time.Duration
	err        error
}

func (f *tryFailure) Error() string { return f.err.Error() }
func (f *tryFailure) Unwrap() error { return f.err }

func (c *Client) once(ctx context.Context, send Send, base string, out any) error {
	_, streamOut := out.(io.Writer)
	wd := newWatchdog(ctx, c.AttemptTimeout, c.StreamTimeout, streamOut)
	defer wd.stop()
	resp, err := send(wd.ctx, base)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var ue *url.Error
		if !errors.As(err, &ue) {
			// Not the network's: signing, opening the body.
			return err
		}
		if wd.fired.Load() {
			return &tryFailure{kind: failBroken, maybeApplied: true, timedOut: true, err: fmt.Errorf("%s: no answer within %s", base, wd.limit())}
		}
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return &tryFailure{kind: failUnreachable, err: fmt.Errorf("%s: %w", base, err)}
		}
		return &tryFailure{kind: failBroken, maybeApplied: true, err: fmt.Errorf("%s: %w", base, err)}
	}
	defer resp.Body.Close()
	body := io.Reader(&progressReader{r: resp.Body, w: wd})
	readFailed := func(err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if wd.fired.Load() {
			err = fmt.Errorf("no progress within %s", wd.limit())
		}
		return &tryFailure{kind: failBroken, maybeApplied: true, err: fmt.Errorf("%s: reading the answer: %w", base, err)}
	}
	if resp.StatusCode/100 == 2 {
		if w, ok := out.(io.Writer); ok {
			if _, err := io.Copy(w, body); err != nil {
				return readFailed(err)
			}
			return nil
		}
	}
	data, err := ReadLimited(body, MaxResponseSize)
	if err != nil {
		return readFailed(err)
	}
	if resp.StatusCode/100 != 2 {
		var eb ErrorBody
		if json.Unmarshal(data, &eb) != nil || eb.Error.Message == "" {
			eb.Error.Message = strings.TrimSpace(string(data))
		}
		rerr := fmt.Errorf("%s: %w", base, eb.Err(resp.StatusCode))
		switch {
		case resp.StatusCode >= 500 && eb.Error.Code == CodeNotLeader:
			return &tryFailure{kind: failNotLeader, err: rerr}
		case resp.StatusCode >= 500:
			return &tryFailure{kind: failServer, maybeApplied: true, err: rerr}
		case resp.StatusCode == http.StatusTooManyRequests:
			return &tryFailure{kind: failRateLimited, retryAfter: retryAfter(resp.Header.Get("Retry-After"), c.now()), err: rerr}
		case resp.StatusCode == http.StatusUnauthorized && eb.Error.Code == CodeExpired:
			return &tryFailure{kind: failExpired, err: rerr}
		case eb.Error.Code == CodeReplayed:
			return &tryFailure{kind: failReplayed, err: rerr}
		}
		return rerr
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

// retryAfter reads a Retry-After header: seconds, or an HTTP date; 1 s when
// it is missing or unreadable.
func retryAfter(h string, now time.Time) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0)
	}
	return time.Second
}

// watchdog ends one try when it makes no progress for its limit: limit
// from the start to the first byte of the answer for a small request; the
// stream limit between any two bytes moved, either way, for an upload or a
// download. Its context carries it, so that progressTransport finds it.
type watchdog struct {
	ctx    context.Context
	cancel context.CancelFunc
	fired  atomic.Bool
	base   time.Duration // the limit for a small request's answer
	stream time.Duration
	work   int64 // bytes the member works through before it answers (WithAnswerWork)

	mu    sync.Mutex
	d     time.Duration
	timer *time.Timer
}

type watchdogKey struct{}

// answerWorkKey carries WithAnswerWork's byte count.
type answerWorkKey struct{}

// WithAnswerWork returns a context for a call whose answer comes after the
// member has worked through n bytes it did not receive in the request (a
// staged upload's report: the member reads the blob back from the object
// store and checks it). Each try waits for the answer as if its request
// body had been n bytes long, the time a member takes to check and store
// that much (uploadCopyRate), instead of a small write's AttemptTimeout.
func WithAnswerWork(ctx context.Context, n int64) context.Context {
	return context.WithValue(ctx, answerWorkKey{}, n)
}

func newWatchdog(parent context.Context, limit, stream time.Duration, streaming bool) *watchdog {
	w := &watchdog{d: limit, base: limit, stream: stream}
	if n, ok := parent.Value(answerWorkKey{}).(int64); ok && n > 0 {
		w.work = n
	}
	if streaming {
		w.d = stream
	}
	ctx, cancel := context.WithCancel(parent)
	w.ctx, w.cancel = context.WithValue(ctx, watchdogKey{}, w), cancel
	w.timer = time.AfterFunc(w.d, func() {
		w.fired.Store(true)
		cancel()
	})
	return w
}

// kick restarts the limit: something moved.
func (w *watchdog) kick() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.fired.Load() {
		w.timer.Reset(w.d)
	}
}

// streaming switches the try to the stream limit.
func (w *watchdog) streaming() {
	w.mu.Lock()
	w.d = w.stream
	w.mu.Unlock()
	w.kick()
}

// uploadCopyRate is the slowest rate, in bytes a second, at which a member
// is expected to check an upload and copy it to a majority of members after
// its last byte arrived.
const uploadCopyRate = 4 << 20

// awaitAnswer starts the wait for the answer to a request whose body of
// size bytes has been sent: the attempt limit, plus the time the member
// takes to store and copy that much at uploadCopyRate. A stalled member
// holds a small upload no longer than any other write, a large one for as
// long as its copy may take.
func (w *watchdog) awaitAnswer(size int64) {
	w.mu.Lock()
	w.d = w.base + time.Duration(max(size, w.work))*time.Second/uploadCopyRate
	w.mu.Unlock()
	w.kick()
}

func (w *watchdog) limit() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.d
}

func (w *watchdog) stop() {
	w.timer.Stop()
	w.cancel()
}

// progressReader kicks its watchdog on every read that moves bytes, and at
// the end of a request body (the wait for the answer starts then: for a
// request body, request is set, and the wait is the watchdog's awaitAnswer).
type progressReader struct {
	r       io.Reader
	w       *watchdog
	request bool
	sent    int64
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.sent += int64(n)
	switch {
	case err == io.EOF && p.request:
		p.w.awaitAnswer(p.sent)
	case n > 0 || err == io.EOF:
		p.w.kick()
	}
	return n, err
}

// progressBody is a request body that kicks the try's watchdog.
type progressBody struct {
	progressReader
	c io.Closer
}

func (p *progressBody) Close() error { return p.c.Close() }

// progressTransport lets a try's watchdog see its request body move: a
// large or unsized body makes the try a stream. A request made through
// HTTP() outside Do (a node fetching an input blob) gets a watchdog of its
// own, at the stream limit, that lives until its answer's body is closed.
// Tests wrap it to delay or record requests.
type progressTransport struct {
	base   http.RoundTripper
	stream time.Duration
}

func (t progressTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	w, _ := req.Context().Value(watchdogKey{}).(*watchdog)
	own := w == nil
	if own {
		w = newWatchdog(req.Context(), t.stream, t.stream, true)
		req = req.WithContext(w.ctx)
	}
	if req.Body != nil && req.Body != http.NoBody {
		if req.Method == http.MethodPut || req.ContentLength < 0 || req.ContentLength > streamedBody {
			// An upload: after its last byte the member stores and
			// copies the blob before it answers.
			w.streaming()
		}
		r := *req
		r.Body = &progressBody{progressReader: progressReader{r: req.Body, w: w, request: true}, c: req.Body}
		req = &r
	}
	resp, err := t.base.RoundTrip(req)
	if !own {
		return resp, err
	}
	if err != nil {
		w.stop()
		return nil, err
	}
	orig := resp.Body
	resp.Body = &progressBody{progressReader: progressReader{r: orig, w: w}, c: closerFunc(func() error {
		defer w.stop()
		return orig.Close()
	})}
	return resp, nil
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }
