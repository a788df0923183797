package api

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// NonceWindowSize is how many of a signer's most recent nonces a
// NonceWindow remembers: a request is still accepted when up to this many
// requests with higher nonces overtook it, which covers a node's concurrent
// requests (Capabilities.MaxConcurrent is far lower in practice).
const NonceWindowSize = 32

// NonceWindow is the replay state of one signer: every nonce at or below
// Floor is spent, and so is every nonce in Recent. Recent is sorted
// ascending, its members are above Floor, and it holds at most
// NonceWindowSize nonces. The zero value is a signer never seen. It is a
// plain value so that the coordinator can keep it in its replicated state
// (at most 8·(NonceWindowSize+1) bytes a signer).
type NonceWindow struct {
	Floor  uint64   `json:"floor"`
	Recent []uint64 `json:"recent,omitempty"`
}

// CheckNonce is the replay rule, a pure function so that every coordinator
// applies it identically: n is fresh when it is above w.Floor and not in
// w.Recent. A fresh n is added to Recent; when Recent overflows, its
// smallest nonce is dropped and becomes the new Floor. Nonces need not be
// consecutive, only distinct and roughly increasing (NonceSource makes
// them from the clock, so a node needs no stored counter), and they may
// arrive out of order as long as fewer than NonceWindowSize higher ones
// arrived first. It returns the new window, never sharing memory with w, or
// ErrReplayed and w unchanged.
func CheckNonce(w NonceWindow, n uint64) (NonceWindow, error) {
	if n == 0 || n > MaxNonce {
		return w, fmt.Errorf("%w: nonce %d is not from 1 to 2^53-1", ErrReplayed, n)
	}
	if n <= w.Floor {
		return w, fmt.Errorf("%w: nonce %d is at or below the window's floor %d; sign again with a fresh nonce", ErrReplayed, n, w.Floor)
	}
	i, found := slices.BinarySearch(w.Recent, n)
	if found {
		return w, fmt.Errorf("%w: nonce %d", ErrReplayed, n)
	}
	recent := make([]uint64, 0, min(len(w.Recent)+1, NonceWindowSize+1))
	recent = append(recent, w.Recent[:i]...)
	recent = append(recent, n)
	recent = append(recent, w.Recent[i:]...)
	floor := w.Floor
	for len(recent) > NonceWindowSize {
		floor = recent[0]
		recent = recent[1:]
	}
	return NonceWindow{Floor: floor, Recent: slices.Clip(recent)}, nil
}

// NonceChecker applies CheckNonce to many signers in memory, for a server
// whose nonces need not survive a restart (the expiry bounds the replay
// that a restart allows to MaxExpiry). It is safe for concurrent use and
// holds about 300 bytes a signer.
type NonceChecker struct {
	mu      sync.Mutex
	windows map[common.Address]NonceWindow
}

// NewNonceChecker returns an empty NonceChecker.
func NewNonceChecker() *NonceChecker {
	return &NonceChecker{windows: make(map[common.Address]NonceWindow)}
}

// Check records nonce for signer, or returns ErrReplayed.
func (c *NonceChecker) Check(signer common.Address, nonce uint64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	w, err := CheckNonce(c.windows[signer], nonce)
	if err != nil {
		return err
	}
	c.windows[signer] = w
	return nil
}

// Window returns signer's current window.
func (c *NonceChecker) Window(signer common.Address) NonceWindow {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.windows[signer]
}

// NonceSource makes nonces for one signer from the clock: the time in unix
// microseconds, or one more than the last nonce when the clock has not
// moved on. A restarted process needs no stored counter as long as its clock
// does not go back. Microseconds stay below MaxNonce until the year 2255.
// It is safe for concurrent use.
type NonceSource struct {
	mu   sync.Mutex
	last uint64
}

// Next returns a nonce above every nonce it returned before.
func (s *NonceSource) Next(now time.Time) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := uint64(max(now.UnixMicro(), 1))
	if n <= s.last {
		n = s.last + 1
	}
	s.last = n
	return n
}
