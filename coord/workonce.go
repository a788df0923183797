package coord

import (
	"context"

	"github.com/meadow-net/meadow/api"
)

// A work request is safe to send to several members at once (a client does,
// after a try that timed out: see api.Client) because its envelope is served
// once. The leader remembers, per node, the nonce of the last work request
// it took and what that request was answered: the same envelope again,
// while the first is in flight or after, gets the same leases rather than
// new ones or a replay refusal. A request that failed without a grant (this
// member stopped leading, the round gave up) is forgotten, so the same
// envelope may be served again here or by the next leader. The memory is the
// leader's alone and one entry a node: a new leader has none, and serves an
// envelope the old one took again; both grants are valid, the first is left
// to expire, which is what a lost answer has always cost.

// workGrant is one node's latest work request on this member.
type workGrant struct {
	nonce uint64
	done  chan struct{} // closed once resp and err are set
	resp  api.WorkResponse
	err   error
}

// workOnce serves node's work request with envelope nonce once; see above.
func (c *Coordinator) workOnce(ctx context.Context, node string, nonce uint64, req api.WorkRequest) (api.WorkResponse, error) {
	c.seenMu.Lock()
	g := c.workGrants[node]
	if g != nil && g.nonce == nonce {
		select {
		case <-g.done:
			if g.err != nil {
				// Failed without a grant: serve it afresh.
				g = nil
			}
		default:
		}
		if g != nil {
			c.seenMu.Unlock()
			select {
			case <-g.done:
				return g.resp, g.err
			case <-ctx.Done():
				return api.WorkResponse{}, ctx.Err()
			}
		}
	} else {
		w, err := api.CheckNonce(c.workNonces[node], nonce)
		if err != nil {
			c.seenMu.Unlock()
			return api.WorkResponse{}, err
		}
		c.workNonces[node] = w
	}
	g = &workGrant{nonce: nonce, done: make(chan struct{})}
	c.workGrants[node] = g
	c.seenMu.Unlock()

	// The grant is made whether or not this request is still waiting: a
	// copy of the envelope sent to another member may be, and must be
	// answered with these leases, not new ones.
	gctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.ApplyTimeout)
	go func() {
		defer cancel()
		g.resp, g.err = c.Work(gctx, node, req)
		close(g.done)
	}()
	select {
	case <-g.done:
		return g.resp, g.err
	case <-ctx.Done():
		return api.WorkResponse{}, ctx.Err()
	}
}
