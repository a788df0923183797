package coord

import (
	"errors"
	"fmt"

	"github.com/meadow-net/meadow/api"
)

// domainHint adds to a refused signature the EIP-712 domain this member
// verifies in. An envelope does not say which chain id it was signed for
// (the domain is in the digest only), so a signature made for another
// chain recovers to a stranger and cannot be told from a forgery; the
// answer says what this network expects, so that a client with the wrong
// --chain-id or network file learns which one to use.
func (c *Coordinator) domainHint(err error) error {
	if !errors.Is(err, api.ErrBadSignature) {
		return err
	}
	return fmt.Errorf("%w; this network verifies requests in the EIP-712 domain {name %q, version %q, chainId %d}: sign for chain id %d (the network file's chain_id, e.g. meadow buyer --network FILE)",
		err, api.DomainName, api.DomainVersion, c.cfg.ChainID, c.cfg.ChainID)
}
