package contracts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
)

// CursorFile is the name of the watcher's cursor file in its data dir.
const CursorFile = "payments-cursor.json"

// WatcherConfig configures a payment Watcher.
type WatcherConfig struct {
	// DataDir holds the cursor file; required.
	DataDir string
	// Confirmations is how many blocks must follow a payment's block before
	// it is delivered, so that a shallow reorganisation cannot take back a
	// payment already counted. The in-process chain mines a block only per
	// transaction and never reorganises: use 0 there.
	Confirmations uint64
	// PollInterval is how often Run looks for new blocks.
	PollInterval time.Duration
	// MaxBlockRange bounds one eth_getLogs request (many providers refuse
	// large ranges).
	MaxBlockRange uint64
	// MinBackoff and MaxBackoff bound the wait after a failure (chain
	// unreachable, or the callback failed); it doubles on each failure in a
	// row and resets on success.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// Logger receives retries and progress; nil discards them.
	Logger *slog.Logger
}

// DefaultWatcherConfig returns the settings for a public chain: 6
// confirmations, a poll every 2 s, 2,000 blocks per request, back-off from
// 0.5 s to 30 s. DataDir must still be set.
func DefaultWatcherConfig() WatcherConfig {
	return WatcherConfig{
		Confirmations: 6,
		PollInterval:  2 * time.Second,
		MaxBlockRange: 2000,
		MinBackoff:    500 * time.Millisecond,
		MaxBackoff:    30 * time.Second,
	}
}

// Validate reports every field out of range, naming it.
func (cfg WatcherConfig) Validate() error {
	var errs []error
	if cfg.DataDir == "" {
		errs = append(errs, fmt.Errorf("%w: watcher data-dir is empty, want a directory for the payment cursor", ErrInvalidConfig))
	}
	if cfg.PollInterval <= 0 {
		errs = append(errs, fmt.Errorf("%w: watcher poll interval is %s, want more than 0", ErrInvalidConfig, cfg.PollInterval))
	}
	if cfg.MaxBlockRange == 0 {
		errs = append(errs, fmt.Errorf("%w: watcher max block range is 0, want at least 1", ErrInvalidConfig))
	}
	if cfg.MinBackoff <= 0 || cfg.MaxBackoff < cfg.MinBackoff {
		errs = append(errs, fmt.Errorf("%w: watcher back-off is %s to %s, want 0 < min <= max", ErrInvalidConfig, cfg.MinBackoff, cfg.MaxBackoff))
	}
	return errors.Join(errs...)
}

// Cursor is the watcher's persisted progress. Every block below NextBlock has
// been fully delivered; Delivered lists the payments (Payment.ID) at or past
// NextBlock already delivered, so that a restart in the middle of a range
// skips them.
type Cursor struct {
	ChainID     string         `json:"chain_id"`
	Marketplace common.Address `json:"marketplace"`
	NextBlock   uint64         `json:"next_block"`
	Delivered   []string       `json:"delivered,omitempty"`
}

// Watcher delivers the marketplace's Paid events, once they have enough
// confirmations, to a callback, in chain order. Its cursor survives restarts:
// a payment whose callback returned nil is never delivered again, and none is
// skipped. A crash after the callback returns but before the cursor is
// written (a few microseconds) delivers that payment once more with the same
// Payment.ID, so consumers that must never double count dedupe by it.
type Watcher struct {
	chain   *Chain
	cfg     WatcherConfig
	deliver func(context.Context, Payment) error
	log     *slog.Logger

	cur       Cursor // owned by Poll
	delivered map[string]bool
	snapshot  atomic.Pointer[Cursor] // the cursor as last saved, for Cursor()
	progress  atomic.Pointer[WatcherProgress]
}

// WatcherProgress is how far the watcher is behind the chain, for metrics
// and alerts: a watcher that cannot reach the chain stops polling, and one
// that cannot keep up falls behind the confirmed head.
type WatcherProgress struct {
	// Head is the chain's latest block at the last poll that read it.
	Head uint64
	// Behind is how many confirmed blocks (Confirmations under Head) were
	// still unread when the last poll ended: 0 when it caught up.
	Behind uint64
	// PolledAt is when a poll last read every confirmed block without a
	// failure; zero before the first.
	PolledAt time.Time
}

// Progress returns the watcher's progress as of its last poll. It is safe
// to call while Run is running.
func (w *Watcher) Progress() WatcherProgress {
	if p := w.progress.Load(); p != nil {
		return *p
	}
	return WatcherProgress{}
}

// noteProgress records a poll's end: head read, failed or not.
func (w *Watcher) noteProgress(head uint64, ok bool) {
	p := w.Progress()
	p.Head = head
	p.Behind = 0
	if head >= w.cfg.Confirmations {
		if safe := head - w.cfg.Confirmations; w.cur.NextBlock <= safe {
			p.Behind = safe - w.cur.NextBlock + 1
		}
	}
	if ok {
		p.PolledAt = time.Now()
	}
	w.progress.Store(&p)
}

// NewWatcher returns a watcher of the Chain's marketplace that calls deliver
// for each payment. It loads the cursor from cfg.DataDir, or starts at the
// deployment block; a cursor written for another chain or marketplace is an
// ErrCursor error rather than a silent rescan.
func (c *Chain) NewWatcher(ctx context.Context, cfg WatcherConfig, deliver func(context.Context, Payment) error) (*Watcher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deliver == nil {
		return nil, fmt.Errorf("%w: watcher needs a delivery callback", ErrInvalidConfig)
	}
	a, err := c.deployed("watch payments")
	if err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	w := &Watcher{chain: c, cfg: cfg, deliver: deliver, log: logger.With("component", "contracts.watcher")}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCursor, err)
	}
	path := w.path()
	raw, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		id, err := c.ChainID(ctx)
		if err != nil {
			return nil, err
		}
		w.cur = Cursor{ChainID: id.String(), Marketplace: a.Marketplace, NextBlock: a.DeployBlock}
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrCursor, err)
	default:
		if err := json.Unmarshal(raw, &w.cur); err != nil {
			return nil, fmt.Errorf("%w: %s is not a cursor: %v", ErrCursor, path, err)
		}
		if w.cur.Marketplace != a.Marketplace {
			return nil, fmt.Errorf("%w: %s is for marketplace %s, this chain's is %s", ErrCursor, path, w.cur.Marketplace.Hex(), a.Marketplace.Hex())
		}
		id, err := c.ChainID(ctx)
		if err != nil {
			return nil, err
		}
		if w.cur.ChainID != id.String() {
			return nil, fmt.Errorf("%w: %s is for chain %s, %s is chain %s", ErrCursor, path, w.cur.ChainID, c.endpoint, id)
		}
	}
	w.delivered = make(map[string]bool, len(w.cur.Delivered))
	for _, id := range w.cur.Delivered {
		w.delivered[id] = true
	}
	w.publish()
	return w, nil
}

func (w *Watcher) path() string { return filepath.Join(w.cfg.DataDir, CursorFile) }

// Cursor returns the watcher's progress as last saved. It is safe to call
// while Run is running.
func (w *Watcher) Cursor() Cursor {
	return *w.snapshot.Load()
}

func (w *Watcher) publish() {
	c := w.cur
	c.Delivered = append([]string(nil), w.cur.Delivered...)
	w.snapshot.Store(&c)
}

// Run polls until ctx ends, then returns nil. Failures (the chain
// unreachable, the callback failing) are logged and retried with
// exponential back-off; payments are never skipped.
func (w *Watcher) Run(ctx context.Context) error {
	backoff := time.Duration(0)
	for {
		_, err := w.Poll(ctx)
		wait := w.cfg.PollInterval
		if err != nil && ctx.Err() == nil {
			if backoff == 0 {
				backoff = w.cfg.MinBackoff
			} else {
				backoff = min(2*backoff, w.cfg.MaxBackoff)
			}
			wait = backoff
			w.log.Warn("payment watcher: retrying", "endpoint", w.chain.endpoint, "in", wait, "err", err)
		} else {
			backoff = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// Poll delivers every confirmed payment not yet delivered and returns how
// many it delivered. It stops at the first failure, with the cursor saved up
// to the last payment delivered. Poll and Run must not run at the same time.
func (w *Watcher) Poll(ctx context.Context) (int, error) {
	head, err := w.chain.Head(ctx)
	if err != nil {
		return 0, err
	}
	ok := false
	defer func() { w.noteProgress(head, ok) }()
	if head < w.cfg.Confirmations {
		ok = true
		return 0, nil
	}
	safe := head - w.cfg.Confirmations
	n := 0
	for w.cur.NextBlock <= safe {
		from := w.cur.NextBlock
		to := min(from+w.cfg.MaxBlockRange-1, safe)
		logs, err := w.chain.backend.FilterLogs(ctx, ethereum.FilterQuery{
			FromBlock: new(big.Int).SetUint64(from),
			ToBlock:   new(big.Int).SetUint64(to),
			Addresses: []common.Address{w.cur.Marketplace},
			Topics:    [][]common.Hash{{paidTopic}},
		})
		if err != nil {
			return n, w.chain.fail(fmt.Sprintf("read payments in blocks %d-%d", from, to), err)
		}
		sort.SliceStable(logs, func(i, j int) bool {
			if logs[i].BlockNumber != logs[j].BlockNumber {
				return logs[i].BlockNumber < logs[j].BlockNumber
			}
			return logs[i].Index < logs[j].Index
		})
		for i := range logs {
			if logs[i].Removed {
				continue
			}
			p, ok := parsePaid(w.cur.Marketplace, &logs[i])
			if !ok {
				w.log.Warn("payment watcher: undecodable Paid log skipped", "tx", logs[i].TxHash, "index", logs[i].Index)
				continue
			}
			id := p.ID()
			if w.delivered[id] {
				continue
			}
			if err := w.deliver(ctx, p); err != nil {
				return n, fmt.Errorf("%w: payment %s: %w", ErrDeliver, id, err)
			}
			w.delivered[id] = true
			w.cur.Delivered = append(w.cur.Delivered, id)
			if err := w.save(); err != nil {
				return n + 1, err
			}
			n++
		}
		w.cur.NextBlock = to + 1
		w.cur.Delivered = nil
		w.delivered = make(map[string]bool)
		if err := w.save(); err != nil {
			return n, err
		}
	}
	ok = true
	return n, nil
}

// save writes the cursor atomically: a temporary file, synced, renamed over
// the old one.
func (w *Watcher) save() error {
	raw, err := json.MarshalIndent(w.cur, "", "  ")
	if err != nil {
		return fmt.Errorf("%w: %v", ErrCursor, err)
	}
	tmp, err := os.CreateTemp(w.cfg.DataDir, CursorFile+".tmp*")
	if err != nil {
		return fmt.Errorf("%w: %v", ErrCursor, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(raw, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("%w: write %s: %v", ErrCursor, tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("%w: sync %s: %v", ErrCursor, tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%w: %v", ErrCursor, err)
	}
	if err := os.Rename(tmp.Name(), w.path()); err != nil {
		return fmt.Errorf("%w: %v", ErrCursor, err)
	}
	w.publish()
	if d, err := os.Open(w.cfg.DataDir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
