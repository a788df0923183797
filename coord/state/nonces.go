package state

import (
	"github.com/meadow-net/meadow/api"
)

// UseNonce runs fn if nonce is fresh for signer (api.CheckNonce, the
// network's replay rule) and spends the nonce only if fn succeeds: a replayed
// signed request is refused, and a request that failed can be sent again
// with the same signature. A zero nonce is an unsigned, internal command and
// skips the check. Keeping the windows in the replicated state makes a
// replay fail on every member, across leader changes.
func (s *State) UseNonce(signer string, nonce uint64, fn func() error) error {
	if nonce == 0 {
		return fn()
	}
	w, err := api.CheckNonce(s.Nonces[signer], nonce)
	if err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	s.Nonces[signer] = w
	return nil
}
