package coord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"
)

// digestWait bounds how long GET /v1/cluster/digest?at=N waits for this
// member's state to reach N (further capped by the apply timeout): long
// enough for a member that was down to catch up, short enough that a
// caller asking for an index no one will reach gets an answer.
const digestWait = 10 * time.Second

// Digest is a member's state digest at one index: two members whose
// StateIndex is equal hold equal states exactly when their Digest is
// equal, since both applied the same log prefix and the state's encoding
// is canonical (encoding/json writes map keys sorted).
type Digest struct {
	// ID is the member that answered.
	ID string `json:"id"`
	// StateIndex is the last log entry the digested state holds.
	StateIndex uint64 `json:"state_index"`
	// Digest is the hex SHA-256 of the state's encoding at StateIndex.
	Digest string `json:"digest"`
}

// digestAt returns the state's digest and the index it holds, both read
// under one read lock: applies take the write lock, so no entry can land
// between reading the index and encoding the state.
func (f *fsm) digestAt() (uint64, string, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	h := sha256.New()
	if err := f.st.Encode(h); err != nil {
		return 0, "", err
	}
	return f.index.Load(), hex.EncodeToString(h.Sum(nil)), nil
}

// StateDigestAt waits until this member's state holds the command at index
// at (0: no wait), within digestWait and ctx, and returns the digest of
// the state at its index then, which may be past at.
func (c *Coordinator) StateDigestAt(ctx context.Context, at uint64) (Digest, error) {
	if at > 0 {
		wctx, cancel := context.WithTimeout(ctx, digestWait)
		defer cancel()
		if err := c.waitApplied(wctx, at); err != nil {
			return Digest{}, inRequest("at", err)
		}
	}
	idx, d, err := c.fsm.digestAt()
	if err != nil {
		return Digest{}, fmt.Errorf("coord: state digest: %w", err)
	}
	return Digest{ID: c.cfg.ID, StateIndex: idx, Digest: d}, nil
}

// handleDigest serves GET /v1/cluster/digest, an operator route (the
// cluster token), answered by the member asked and never forwarded: its
// purpose is to compare members.
func (c *Coordinator) handleDigest(ctx *fasthttp.RequestCtx) {
	if !c.peerAuthorized(ctx) || !c.readOnly(ctx) {
		return
	}
	var at uint64
	if v := ctx.QueryArgs().Peek("at"); v != nil {
		n, err := strconv.ParseUint(string(v), 10, 64)
		if err != nil {
			c.reply(ctx, nil, inRequest("at", invalidf("at %q: expected a log index, a decimal integer of 0 or more", v)))
			return
		}
		at = n
	}
	d, err := c.StateDigestAt(context.Background(), at)
	c.reply(ctx, d, err)
}
