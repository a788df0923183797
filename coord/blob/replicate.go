package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// Peer is another coordinator, as the cluster's membership names it.
type Peer struct {
	ID  string // its member id
	URL string // the base URL of its HTTP API, such as "http://10.0.0.2:8080"
}

// Config configures a Replicator.
type Config struct {
	// Self is this coordinator's member id. A peer with this id is skipped.
	Self string
	// Peers returns the cluster's members as of now (self may be among
	// them). It is called on every Replicate, Fetch and Repair and by the
	// background loop, so a membership change takes effect at once.
	Peers func() []Peer
	// Quorum returns how many members, self included, must hold a blob
	// before Replicate succeeds, for a cluster of n members. Default: a
	// majority, n/2+1. Results are clamped to [1, n].
	Quorum func(n int) int
	// Client carries peer requests (default: a client with dial and header
	// timeouts, no proxy, no overall timeout, since blobs may be large).
	Client *http.Client
	// Token is the cluster token sent to peers in TokenHeader. Empty
	// disables pushes and fetches: Replicate fails with ErrNoToken whenever
	// the cluster has other members.
	Token string
	// MaxSize caps the size of a blob fetched from a peer (default
	// api.MaxBlobSize).
	MaxSize int64
	// PushTimeout bounds one push or fetch of one blob to or from one peer
	// (default 10 minutes: 1 GiB at 15 Mbit/s).
	PushTimeout time.Duration
	// RetryMin and RetryMax bound the exponential backoff between attempts
	// to reach a peer (defaults 200 ms and 30 s).
	RetryMin, RetryMax time.Duration
	// Workers bounds the background pushes in flight, and the fetches one
	// Repair runs at once (default 4).
	Workers int
	// MaxPending bounds the background queue (default 100,000 pushes, a few
	// MiB of memory). Pushes beyond it are dropped and counted: the lagging
	// peer's own Repair fetches those blobs when it is back.
	MaxPending int
	// Logger receives warnings (default: discard).
	Logger *slog.Logger
	// Metrics are updated by replication and fetches (default: none).
	Metrics *Metrics
}

// DefaultConfig returns a Config with every default filled in; the caller
// sets Self, Peers and Token.
func DefaultConfig() Config {
	return Config{
		MaxSize:     api.MaxBlobSize,
		PushTimeout: 10 * time.Minute,
		RetryMin:    200 * time.Millisecond,
		RetryMax:    30 * time.Second,
		Workers:     4,
		MaxPending:  100_000,
	}
}

// Validate checks the config; the error wraps ErrInvalidConfig and names
// the field.
func (c Config) Validate() error {
	var errs []error
	bad := func(field, expected string) {
		errs = append(errs, fmt.Errorf("%w: %s: expected %s", ErrInvalidConfig, field, expected))
	}
	if c.Self == "" {
		bad("self", "this coordinator's member id")
	}
	if c.Peers == nil {
		bad("peers", "a function returning the cluster's members")
	}
	if c.MaxSize <= 0 {
		bad("max_size", "a positive number of bytes")
	}
	if c.PushTimeout <= 0 {
		bad("push_timeout", "a positive duration")
	}
	if c.RetryMin <= 0 || c.RetryMax < c.RetryMin {
		bad("retry_min, retry_max", "0 < retry_min <= retry_max")
	}
	if c.Workers < 1 {
		bad("workers", "at least 1")
	}
	if c.MaxPending < 0 {
		bad("max_pending", "0 or more")
	}
	return errors.Join(errs...)
}

// Majority is the default Quorum: n/2+1 of n members.
func Majority(n int) int { return n/2 + 1 }

// Replicator copies blobs between the coordinators of a cluster: it pushes
// a newly stored blob to the peers until a quorum holds it (Replicate), keeps
// pushing to the rest in the background (Run), and fetches blobs this
// coordinator lacks (Fetch, Repair).
type Replicator struct {
	store *Store
	cfg   Config
	log   *slog.Logger
	m     *Metrics

	ownClient bool // the client is ours to close

	// life orders Close after every inflight.Add, as WaitGroup requires.
	life     sync.Mutex
	closed   chan struct{}
	inflight sync.WaitGroup // pushes started by Replicate

	mu       sync.Mutex
	queues   map[string]*peerQueue // background pushes, by peer id
	npending int
	running  int // background workers in flight
	wake     chan struct{}

	fmu     sync.Mutex
	flights map[dataset.Hash]*flight // fetches in flight
}

// peerQueue is the background pushes owed to one peer, oldest first; one is
// in flight at a time, and failures back off.
type peerQueue struct {
	items   []dataset.Hash
	set     map[dataset.Hash]struct{}
	busy    bool
	next    time.Time
	backoff time.Duration
}

// NewReplicator returns a Replicator for store. Call Run to drive the
// background pushes and Close when done.
func NewReplicator(store *Store, cfg Config) (*Replicator, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: store: expected a *Store", ErrInvalidConfig)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Quorum == nil {
		cfg.Quorum = Majority
	}
	own := cfg.Client == nil
	if own {
		cfg.Client = DefaultClient()
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Replicator{
		store:     store,
		cfg:       cfg,
		ownClient: own,
		log:       log.With("component", "blob"),
		m:         cfg.Metrics,
		closed:    make(chan struct{}),
		queues:    make(map[string]*peerQueue),
		wake:      make(chan struct{}, 1),
		flights:   make(map[dataset.Hash]*flight),
	}, nil
}

// DefaultClient returns the HTTP client a Replicator uses when none is
// configured: no proxy (peers are reached directly), 5 s to connect, 60 s
// for a peer to answer once it has the whole request (it syncs the blob to
// disk first), and no overall timeout, which PushTimeout provides per blob.
func DefaultClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		DisableCompression:    true,
	}}
}

// Close stops the pushes Replicate left running and waits for them; queued
// background pushes are abandoned (peers repair themselves). Afterwards
// Replicate fails with ErrClosed, and so do Fetch and Repair of a blob that
// is not held locally.
func (r *Replicator) Close() error {
	r.life.Lock()
	if !r.isClosed() {
		close(r.closed)
	}
	r.life.Unlock()
	r.inflight.Wait()
	if r.ownClient {
		r.cfg.Client.CloseIdleConnections()
	}
	return nil
}

func (r *Replicator) isClosed() bool {
	select {
	case <-r.closed:
		return true
	default:
		return false
	}
}

// peers returns the other members, without self and without duplicates.
func (r *Replicator) peers() []Peer {
	seen := map[string]bool{r.cfg.Self: true}
	var out []Peer
	for _, p := range r.cfg.Peers() {
		if !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	return out
}

// quorum returns the members, self included, that must hold a blob in a
// cluster of n.
func (r *Replicator) quorum(n int) int {
	return min(max(r.cfg.Quorum(n), 1), n)
}

// Replicate makes sure a quorum of the cluster (by default a majority, self
// included) holds the blob h, which must be in the local store: it pushes the
// blob to every peer in parallel and returns nil as soon as enough have
// stored it durably. Pushes to the other peers go on after it returns, and
// failed ones are queued for Run, which retries them with backoff.
//
// A peer that fails is retried until ctx ends. If ctx ends before a quorum
// holds the blob, the error wraps ErrNoQuorum and names each peer's last
// error; the caller must then not acknowledge the upload (the blob stays
// stored here, and a later upload of the same bytes costs nothing). ctx
// should carry a deadline.
func (r *Replicator) Replicate(ctx context.Context, h dataset.Hash) error {
	start := time.Now()
	if r.isClosed() {
		return ErrClosed
	}
	if !r.store.Has(h) {
		return fmt.Errorf("blob: replicate %s: %w", h, ErrNotFound)
	}
	peers := r.peers()
	n := len(peers) + 1
	q := r.quorum(n)
	need := q - 1
	if len(peers) > 0 && r.cfg.Token == "" {
		return fmt.Errorf("blob: replicate %s to %d peers: %w", h, len(peers), ErrNoToken)
	}
	if need == 0 {
		for _, p := range peers {
			r.enqueue(p.ID, h)
		}
		r.m.replicated(time.Since(start))
		return nil
	}

	// waiting ends when this call returns; a peer's loop then stops
	// retrying and leaves the rest to the background queue.
	waiting, stopWaiting := context.WithCancel(ctx)
	defer stopWaiting()
	r.life.Lock()
	if r.isClosed() {
		r.life.Unlock()
		return ErrClosed
	}
	r.inflight.Add(len(peers))
	r.life.Unlock()
	var mu sync.Mutex
	last := make(map[string]error, len(peers))
	done := make(chan struct{}, len(peers))
	for _, p := range peers {
		go func() {
			defer r.inflight.Done()
			err := r.pushUntil(waiting, p, h, func(err error) {
				mu.Lock()
				last[p.ID] = err
				mu.Unlock()
			})
			if err == nil {
				done <- struct{}{}
			}
		}()
	}
	for acks := 0; acks < need; {
		select {
		case <-done:
			acks++
		case <-r.closed:
			return fmt.Errorf("blob: replicate %s: %w", h, ErrClosed)
		case <-ctx.Done():
			mu.Lock()
			var b strings.Builder
			for _, p := range peers {
				if err := last[p.ID]; err != nil {
					fmt.Fprintf(&b, "; %s: %v", p.ID, err)
				}
			}
			mu.Unlock()
			return fmt.Errorf("%w: blob %s: %d of %d members hold it, %d needed (%w)%s",
				ErrNoQuorum, h, acks+1, n, q, ctx.Err(), b.String())
		}
	}
	r.m.replicated(time.Since(start))
	return nil
}

// pushUntil pushes h to p, retrying with backoff while waiting lasts. Each
// attempt runs on its own context, detached from waiting, so that an attempt
// in flight when the quorum is reached still completes. When waiting ends
// with p not holding the blob, the push is queued for the background loop.
func (r *Replicator) pushUntil(waiting context.Context, p Peer, h dataset.Hash, failed func(error)) error {
	backoff := time.Duration(0)
	for attempt := 0; ; attempt++ {
		actx, cancel := r.detached(waiting)
		err := r.push(actx, p, h, attempt > 0)
		cancel()
		r.m.pushed(p.ID, err)
		if err == nil {
			return nil
		}
		failed(err)
		if errors.Is(err, errLocalMissing) {
			return err
		}
		r.log.Debug("push failed", "peer", p.ID, "hash", h, "attempt", attempt, "err", err)
		backoff = r.nextBackoff(backoff)
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-waiting.Done():
		case <-r.closed:
		}
		t.Stop()
		if waiting.Err() != nil || r.isClosed() {
			r.enqueue(p.ID, h)
			return err
		}
	}
}

// detached returns a context for one push attempt that outlives ctx's
// cancellation but not PushTimeout or Close.
func (r *Replicator) detached(ctx context.Context) (context.Context, context.CancelFunc) {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.PushTimeout)
	go func() {
		select {
		case <-r.closed:
			cancel()
		case <-actx.Done():
		}
	}()
	return actx, cancel
}

func (r *Replicator) nextBackoff(d time.Duration) time.Duration {
	if d <= 0 {
		return r.cfg.RetryMin
	}
	return min(2*d, r.cfg.RetryMax)
}

// errLocalMissing means the blob to push is no longer in the local store
// (collected meanwhile), so the push is moot.
var errLocalMissing = errors.New("blob: not in the local store")

// blobURL returns the peer's URL of blob h.
func blobURL(p Peer, h dataset.Hash) (string, error) {
	u, err := url.Parse(p.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%w: peer %s url %q: expected http(s)://host:port", ErrInvalidConfig, p.ID, p.URL)
	}
	return strings.TrimRight(p.URL, "/") + PathPrefix + h.String(), nil
}

// push sends h to p with one PUT. With probe set it first asks with HEAD
// whether p already holds it (a retry may find that p fetched it itself), to
// avoid sending the bytes again.
func (r *Replicator) push(ctx context.Context, p Peer, h dataset.Hash, probe bool) error {
	u, err := blobURL(p, h)
	if err != nil {
		return err
	}
	if probe {
		has, err := r.peerHas(ctx, p, u)
		var pe *PeerError
		switch {
		case err == nil && has:
			return nil
		case errors.As(err, &pe) && (pe.Status == http.StatusUnauthorized || pe.Status == http.StatusForbidden):
			// A peer that refuses our token refuses the PUT too, but a
			// streaming server may reset the connection before the PUT
			// reads that answer; the HEAD carries the clear error.
			return fmt.Errorf("blob: push %s: %w", h, err)
		}
	}
	f, size, err := r.store.openFile(h)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("%w: %s", errLocalMissing, h)
		}
		return err
	}
	var body io.Reader = f
	if size == 0 {
		_ = f.Close()
		body = http.NoBody
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, body)
	if err != nil {
		_ = f.Close()
		return fmt.Errorf("blob: push %s to peer %s: %w", h, p.ID, err)
	}
	req.ContentLength = size
	// A retried request on a stale keep-alive connection needs the body
	// again from the start.
	req.GetBody = func() (io.ReadCloser, error) {
		if size == 0 {
			return http.NoBody, nil
		}
		f, _, err := r.store.openFile(h)
		return f, err
	}
	req.Header.Set(TokenHeader, r.cfg.Token)
	req.Header.Set("Content-Type", ContentType)
	resp, err := r.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("blob: push %s to peer %s: %w", h, p.ID, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusCreated {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil
	}
	return fmt.Errorf("blob: push %s: %w", h, readError(p.ID, resp.StatusCode, resp.Body))
}

// peerHas asks p with HEAD whether it holds the blob at u.
func (r *Replicator) peerHas(ctx context.Context, p Peer, u string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set(TokenHeader, r.cfg.Token)
	resp, err := r.cfg.Client.Do(req)
	if err != nil {
		return false, err
	}
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		return true, nil
	case http.StatusNotFound:
		return false, nil
	}
	e := &PeerError{Peer: p.ID, Status: resp.StatusCode}
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		e.Detail = api.ErrorDetail{Code: CodeUnauthorized, Message: ErrUnauthorized.Error()}
	case http.StatusForbidden:
		e.Detail = api.ErrorDetail{Code: CodeForbidden, Message: "the peer refused our cluster token (or has none): set the same --cluster-token on every coordinator"}
	}
	return false, e
}

// enqueue owes peer a background push of h.
func (r *Replicator) enqueue(peer string, h dataset.Hash) {
	r.mu.Lock()
	q := r.queues[peer]
	if q == nil {
		q = &peerQueue{set: make(map[dataset.Hash]struct{})}
		r.queues[peer] = q
	}
	if _, dup := q.set[h]; dup {
		r.mu.Unlock()
		return
	}
	if r.npending >= r.cfg.MaxPending {
		r.mu.Unlock()
		r.m.droppedPush()
		r.log.Warn("background push queue full; the peer must repair itself", "peer", peer, "hash", h, "max_pending", r.cfg.MaxPending)
		return
	}
	q.items = append(q.items, h)
	q.set[h] = struct{}{}
	r.npending++
	r.m.setPending(r.npending)
	r.mu.Unlock()
	r.signal()
}

func (r *Replicator) signal() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Pending returns the number of background pushes queued or in flight.
func (r *Replicator) Pending() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.npending
}

// Run drives the background pushes until ctx ends or Close is called: for
// each peer, one push at a time, oldest first, at most Workers in flight in
// all, with exponential backoff (RetryMin to RetryMax) while a peer fails.
// Pushes owed to a peer that left the cluster are dropped. It returns nil
// once its pushes in flight have stopped.
func (r *Replicator) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		wait := r.dispatch(ctx, &wg)
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return nil
		case <-r.closed:
			return nil
		case <-r.wake:
		case <-timer.C:
		}
	}
}

// dispatch starts a push for every peer whose queue is ready, as workers
// allow, and returns how long until the next one will be.
func (r *Replicator) dispatch(ctx context.Context, wg *sync.WaitGroup) time.Duration {
	members := make(map[string]Peer)
	for _, p := range r.peers() {
		members[p.ID] = p
	}
	now := time.Now()
	wait := time.Hour
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, q := range r.queues {
		p, ok := members[id]
		if !ok && !q.busy {
			r.npending -= len(q.items)
			delete(r.queues, id)
			continue
		}
		if q.busy || len(q.items) == 0 {
			continue
		}
		if q.next.After(now) {
			wait = min(wait, q.next.Sub(now))
			continue
		}
		if r.running >= r.cfg.Workers {
			continue // a finishing worker signals
		}
		q.busy = true
		r.running++
		h := q.items[0]
		wg.Go(func() { r.work(ctx, p, h) })
	}
	r.m.setPending(r.npending)
	return wait
}

// work makes one background push and records its outcome.
func (r *Replicator) work(ctx context.Context, p Peer, h dataset.Hash) {
	actx, cancel := context.WithTimeout(ctx, r.cfg.PushTimeout)
	err := r.push(actx, p, h, true)
	cancel()
	r.m.pushed(p.ID, err)

	r.mu.Lock()
	r.running--
	if q := r.queues[p.ID]; q != nil {
		q.busy = false
		switch {
		case err == nil || errors.Is(err, errLocalMissing):
			if len(q.items) > 0 && q.items[0] == h {
				q.items = q.items[1:]
				delete(q.set, h)
				r.npending--
			}
			q.backoff, q.next = 0, time.Time{}
		case ctx.Err() == nil:
			if q.backoff == 0 {
				r.log.Warn("background push failed; retrying with backoff", "peer", p.ID, "hash", h, "err", err)
			}
			q.backoff = r.nextBackoff(q.backoff)
			q.next = time.Now().Add(q.backoff)
		}
		if len(q.items) == 0 {
			delete(r.queues, p.ID)
		}
	}
	r.m.setPending(r.npending)
	r.mu.Unlock()
	r.signal()
}
