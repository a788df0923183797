package state

import (
	"strings"

	"github.com/meadow-net/meadow/api"
)

// Read tokens (api.ReadToken) are verified statelessly by every member; the
// state holds only their revocations. A revocation names a buyer's token id
// and is kept until no token of that id minted before it can still be valid:
// MaxReadTokenTTL after the leader's time in the command (a token is issued
// at most the cluster's clock skew ahead of a member's clock, which the
// margin covers). Entries past that are dropped when a later revocation is
// applied, with that command's time, so replicas prune alike.

// revokeMargin covers clocks that disagree on when a token was issued.
const revokeMargin = int64(60 * 60 * 1000) // one hour, in ms

// RevokeToken records that buyer's token id is revoked at now (unix ms,
// the leader's) and returns until when the revocation is kept. Revoking
// twice is no error.
func (s *State) RevokeToken(buyer, id string, now int64) int64 {
	if s.RevokedTokens == nil {
		s.RevokedTokens = map[string]int64{}
	}
	for k, until := range s.RevokedTokens {
		if until <= now {
			delete(s.RevokedTokens, k)
		}
	}
	until := now + api.MaxReadTokenTTL.Milliseconds() + revokeMargin
	k := tokenKey(buyer, id)
	if until > s.RevokedTokens[k] {
		s.RevokedTokens[k] = until
	}
	return s.RevokedTokens[k]
}

// TokenRevoked reports whether buyer's token id was revoked.
func (s *State) TokenRevoked(buyer, id string) bool {
	_, ok := s.RevokedTokens[tokenKey(buyer, id)]
	return ok
}

func tokenKey(buyer, id string) string { return strings.ToLower(buyer) + "/" + id }
