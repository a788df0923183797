package blob

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"

	"github.com/meadow-net/meadow/dataset"
)

// flight is a fetch in progress, which concurrent Fetches of the same blob
// wait for instead of downloading it again.
type flight struct {
	done chan struct{}
	err  error
}

// Fetch returns the blob h from the local store, first fetching it from a
// peer if this coordinator lacks it. Peers are tried in the order Peers
// returns them; a peer's bytes are hashed while they are stored, so a peer
// that serves wrong bytes (or a truncated body) is rejected, counted, and the
// next one tried. The caller closes the file. The error wraps ErrNotFound
// when every peer answered that it lacks the blob, ErrUnavailable when some
// could not be asked or sent bad bytes.
func (r *Replicator) Fetch(ctx context.Context, h dataset.Hash) (*os.File, int64, error) {
	f, size, err := r.store.openFile(h)
	if err == nil || !errors.Is(err, ErrNotFound) {
		return f, size, err
	}
	if err := r.fetch(ctx, h, r.peers()); err != nil {
		return nil, 0, err
	}
	return r.store.openFile(h)
}

// fetch stores h from the first of peers that supplies it, sharing the work
// with concurrent calls for the same blob.
func (r *Replicator) fetch(ctx context.Context, h dataset.Hash, peers []Peer) error {
	for {
		if r.isClosed() {
			return ErrClosed
		}
		r.fmu.Lock()
		if fl, ok := r.flights[h]; ok {
			r.fmu.Unlock()
			select {
			case <-fl.done:
			case <-ctx.Done():
				return fmt.Errorf("blob: fetch %s: %w", h, ctx.Err())
			}
			if fl.err == nil || r.store.Has(h) {
				return nil
			}
			if !errors.Is(fl.err, context.Canceled) && !errors.Is(fl.err, context.DeadlineExceeded) {
				return fl.err
			}
			continue // the other caller gave up; try with this ctx
		}
		fl := &flight{done: make(chan struct{})}
		r.flights[h] = fl
		r.fmu.Unlock()

		fl.err = r.fetchFrom(ctx, h, peers)
		r.fmu.Lock()
		delete(r.flights, h)
		r.fmu.Unlock()
		close(fl.done)
		return fl.err
	}
}

// fetchFrom tries peers in order.
func (r *Replicator) fetchFrom(ctx context.Context, h dataset.Hash, peers []Peer) error {
	if len(peers) == 0 {
		return fmt.Errorf("%w: blob %s: this coordinator has no peers", ErrNotFound, h)
	}
	if r.cfg.Token == "" {
		return fmt.Errorf("blob: fetch %s: %w", h, ErrNoToken)
	}
	var errs []error
	notFound := 0
	for _, p := range peers {
		if ctx.Err() != nil {
			break
		}
		err := r.fetchOne(ctx, p, h)
		switch {
		case err == nil:
			r.m.fetched("ok")
			return nil
		case errors.Is(err, ErrDigestMismatch):
			r.m.fetched("digest_mismatch")
			r.log.Warn("peer served a blob with the wrong digest", "peer", p.ID, "err", err)
		case errors.Is(err, ErrNotFound):
			r.m.fetched("not_found")
			notFound++
		default:
			r.m.fetched("error")
		}
		errs = append(errs, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: blob %s: %w; %w", ErrUnavailable, h, err, errors.Join(errs...))
	}
	if notFound == len(peers) {
		return fmt.Errorf("%w: blob %s: none of %d peers holds it", ErrNotFound, h, len(peers))
	}
	return fmt.Errorf("%w: blob %s: %w", ErrUnavailable, h, errors.Join(errs...))
}

// fetchOne stores h from p with one GET.
func (r *Replicator) fetchOne(ctx context.Context, p Peer, h dataset.Hash) error {
	u, err := blobURL(p, h)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.PushTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set(TokenHeader, r.cfg.Token)
	resp, err := r.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("blob: fetch %s from peer %s: %w", h, p.ID, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("blob: fetch %s: %w", h, readError(p.ID, resp.StatusCode, resp.Body))
	}
	if resp.ContentLength > r.cfg.MaxSize {
		return fmt.Errorf("blob: fetch from peer %s: %w", p.ID, &SizeError{Hash: h, Max: r.cfg.MaxSize, Size: resp.ContentLength})
	}
	if _, err := r.store.Put(ctx, resp.Body, h, r.cfg.MaxSize); err != nil {
		return fmt.Errorf("blob: fetch from peer %s: %w", p.ID, err)
	}
	return nil
}

// Repair fetches every blob of want that the local store lacks, Workers at a
// time, and returns how many it fetched. The coordinator calls it with the
// blobs its state says it should hold: after a restart, after joining the
// cluster, and periodically, so that a member that was down catches up even
// if its peers' background queues overflowed. Each blob's peers are tried
// starting at a different one, so that a repair spreads its load over the
// cluster. The error, when some blobs could not be fetched, wraps the first
// failure and says how many failed.
func (r *Replicator) Repair(ctx context.Context, want []dataset.Hash) (fetched int, err error) {
	var missing []dataset.Hash
	for _, h := range want {
		if !r.store.Has(h) {
			missing = append(missing, h)
		}
	}
	if len(missing) == 0 {
		return 0, nil
	}
	peers := r.peers()
	var (
		mu     sync.Mutex
		failed int
		first  error
		wg     sync.WaitGroup
	)
	next := make(chan int)
	for range min(r.cfg.Workers, len(missing)) {
		wg.Go(func() {
			for i := range next {
				order := make([]Peer, 0, len(peers))
				if len(peers) > 0 {
					k := i % len(peers)
					order = append(append(order, peers[k:]...), peers[:k]...)
				}
				err := r.fetch(ctx, missing[i], order)
				mu.Lock()
				if err == nil {
					fetched++
				} else {
					failed++
					if first == nil {
						first = err
					}
				}
				mu.Unlock()
			}
		})
	}
feed:
	for i := range missing {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if skipped := len(missing) - fetched - failed; skipped > 0 {
		failed += skipped
		if first == nil {
			first = ctx.Err()
		}
	}
	if failed > 0 {
		return fetched, fmt.Errorf("blob: repair: %d of %d missing blobs not fetched; first: %w", failed, len(missing), first)
	}
	return fetched, nil
}
