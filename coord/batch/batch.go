// Package batch groups many small writes into few large ones: callers submit
// items and wait for their own result, while a single loop flushes the items
// gathered in a short window (or up to a size limit) in one call. The
// coordinator uses it to put lease grants, commitments and reveals from many
// nodes into one Raft log entry, paying one fsync and one replication round
// for hundreds of commands.
package batch

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrClosed is returned for items submitted to, or pending in, a batcher
// whose Run has returned.
var ErrClosed = errors.New("batch: closed")

// FlushFunc writes one batch. It returns one result per item, in order; a
// result that is an error is that item's error. An error from FlushFunc
// itself fails every item of the batch.
type FlushFunc func(items [][]byte) ([]any, error)

// Config sets when a batch is flushed.
type Config struct {
	// Window is how long the first item of a batch waits for others while
	// an earlier batch is still being flushed. 0, or no flush in flight,
	// flushes as soon as the items already queued are taken.
	Window time.Duration
	// MaxItems and MaxBytes flush a batch early when it reaches either.
	MaxItems int
	MaxBytes int
	// MaxInFlight is how many flushes may run at once. While all are busy,
	// items keep gathering into the next batch.
	MaxInFlight int
}

// Validate checks the config.
func (c Config) Validate() error {
	switch {
	case c.Window < 0:
		return fmt.Errorf("batch: window %s: expected 0 or more", c.Window)
	case c.MaxItems < 1:
		return fmt.Errorf("batch: max items %d: expected at least 1", c.MaxItems)
	case c.MaxBytes < 1:
		return fmt.Errorf("batch: max bytes %d: expected at least 1", c.MaxBytes)
	case c.MaxInFlight < 1:
		return fmt.Errorf("batch: max in flight %d: expected at least 1", c.MaxInFlight)
	}
	return nil
}

type result struct {
	v   any
	err error
}

type item struct {
	data []byte
	done chan result
}

// Batcher gathers items into batches. Submit may be called from any number of
// goroutines; Run must be running for items to be flushed.
type Batcher struct {
	cfg     Config
	flush   FlushFunc
	in      chan *item
	stopped chan struct{} // closed when Run starts to stop
	drained chan struct{} // closed when Run has answered every item it took
}

// New returns a batcher; start it with Run.
func New(cfg Config, flush FlushFunc) (*Batcher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Batcher{
		cfg:     cfg,
		flush:   flush,
		in:      make(chan *item, cfg.MaxItems),
		stopped: make(chan struct{}),
		drained: make(chan struct{}),
	}, nil
}

// Submit adds data to the next batch and waits for its result. If ctx ends
// first, Submit returns ctx's error, and the item may still be written.
func (b *Batcher) Submit(ctx context.Context, data []byte) (any, error) {
	it := &item{data: data, done: make(chan result, 1)}
	select {
	case b.in <- it:
	case <-b.stopped:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case r := <-it.done:
		return r.v, r.err
	case <-b.drained:
		select {
		case r := <-it.done:
			return r.v, r.err
		default:
			return nil, ErrClosed
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Run flushes batches until ctx ends, then fails what is still queued with
// ErrClosed and waits for the flushes in flight.
func (b *Batcher) Run(ctx context.Context) {
	var (
		pending []*item
		size    int
		timer   = time.NewTimer(time.Hour)
		timerC  <-chan time.Time // non-nil while a window is open
		due     bool             // the window ended, or a limit was hit
		free    = make(chan struct{}, b.cfg.MaxInFlight)
		busy    int
	)
	timer.Stop()
	defer func() {
		timer.Stop()
		close(b.stopped)
		for _, it := range pending {
			it.done <- result{err: ErrClosed}
		}
		// Answer late arrivals while the flushes in flight finish; their
		// items are answered by the flushes themselves.
		for busy > 0 {
			select {
			case it := <-b.in:
				it.done <- result{err: ErrClosed}
			case <-free:
				busy--
			}
		}
		for {
			select {
			case it := <-b.in:
				it.done <- result{err: ErrClosed}
			default:
				// An item sent after this point is answered by
				// Submit itself, through drained.
				close(b.drained)
				return
			}
		}
	}()
	add := func(it *item) {
		pending = append(pending, it)
		size += len(it.data)
		if len(pending) >= b.cfg.MaxItems || size >= b.cfg.MaxBytes {
			due = true
		}
	}
	for {
		if (b.cfg.Window == 0 || busy == 0) && len(pending) > 0 {
			// No window, or nothing in flight to wait behind: take what
			// is already queued, then flush. An idle batcher adds no
			// delay; under load, batches form while earlier ones are
			// being written.
		drain:
			for !due {
				select {
				case it := <-b.in:
					add(it)
				default:
					break drain
				}
			}
			due = true
		}
		if due && busy < b.cfg.MaxInFlight {
			batch := pending
			pending, size, due = nil, 0, false
			if timerC != nil {
				timer.Stop()
				timerC = nil
			}
			busy++
			go b.run(batch, free)
		}
		in := b.in
		if due {
			// Full and waiting for a free flush: stop taking items so
			// that callers feel the back pressure.
			in = nil
		}
		select {
		case it := <-in:
			add(it)
			if len(pending) == 1 && b.cfg.Window > 0 && !due {
				timer.Reset(b.cfg.Window)
				timerC = timer.C
			}
		case <-timerC:
			timerC = nil
			due = true
		case <-free:
			busy--
		case <-ctx.Done():
			return
		}
	}
}

func (b *Batcher) run(batch []*item, free chan<- struct{}) {
	defer func() { free <- struct{}{} }()
	data := make([][]byte, len(batch))
	for i, it := range batch {
		data[i] = it.data
	}
	res, err := b.flush(data)
	if err == nil && len(res) != len(batch) {
		err = fmt.Errorf("batch: flush returned %d results for %d items", len(res), len(batch))
	}
	for i, it := range batch {
		if err != nil {
			it.done <- result{err: err}
			continue
		}
		if e, ok := res[i].(error); ok {
			it.done <- result{err: e}
			continue
		}
		it.done <- result{v: res[i]}
	}
}
