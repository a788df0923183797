package state

import (
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// Who may read a job: its buyer, and the addresses the buyer granted access
// to (Job.Grants). Reading a job means its status, progress and refusals,
// and its dataset's description, manifest, proofs and data. MayRead is the
// one place that decides it, so that other holders (a community's NFT
// holders, issue 15) are added here and nowhere else.

// MayRead returns nil when addr (0x-hex, any case) may read job id, and
// otherwise an error wrapping ErrForbidden that names the buyer and says
// that the buyer can grant access. An unknown job is ErrNotFound.
func (s *State) MayRead(id, addr string) error {
	j, ok := s.Jobs[id]
	if !ok {
		return notFound("job", id)
	}
	return j.mayRead(addr)
}

func (j *Job) mayRead(addr string) error {
	addr = strings.ToLower(addr)
	if strings.EqualFold(j.Buyer.Hex(), addr) || j.Grants[addr] {
		return nil
	}
	return fmt.Errorf("%w: job %s and its dataset belong to buyer %s: only the buyer and the addresses it grants access to (meadow buyer grant ADDRESS --job %s) may read them; %s is neither",
		ErrForbidden, j.ID, j.Buyer.Hex(), j.ID, addr)
}

// GrantAccess lets addr read job id (grant true) or stops letting it (grant
// false), on the request of signer, who must be the job's buyer. Granting
// twice, or revoking an address never granted, changes nothing and is no
// error. The buyer cannot grant itself.
func (s *State) GrantAccess(id, signer string, addr common.Address, grant bool) (*Job, error) {
	j, ok := s.Jobs[id]
	if !ok {
		return nil, notFound("job", id)
	}
	if !strings.EqualFold(j.Buyer.Hex(), signer) {
		return nil, fmt.Errorf("%w: job %s belongs to buyer %s: only the buyer may grant or revoke access to it, not %s",
			ErrForbidden, id, j.Buyer.Hex(), strings.ToLower(signer))
	}
	if addr == (common.Address{}) {
		return nil, inField("address", invalidf("%s: expected the address to grant access to", addr.Hex()))
	}
	if addr == j.Buyer {
		return nil, inField("address", invalidf("%s: expected an address other than the job's buyer, who always has access", addr.Hex()))
	}
	key := strings.ToLower(addr.Hex())
	if grant {
		if j.Grants == nil {
			j.Grants = map[string]bool{}
		}
		j.Grants[key] = true
	} else {
		delete(j.Grants, key)
		if len(j.Grants) == 0 {
			j.Grants = nil
		}
	}
	return j, nil
}

// Grantees returns the addresses job j's buyer granted access to, sorted.
func (j *Job) Grantees() []string {
	if len(j.Grants) == 0 {
		return nil
	}
	return sortedKeys(j.Grants)
}
