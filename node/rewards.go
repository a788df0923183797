package node

import (
	"context"
	"strings"

	"github.com/meadow-net/meadow/api"
)

// routeChain describes the chain the network settles on.
const routeChain = "/v1/chain"

// Rewards fetches what the network owes a node: work units, settled and
// pending, the cumulative balance of its leaf in the latest reward root and
// the proof that claims it (api.NodeRewards). The read is consistent (the
// leader answers after a barrier): a proof against a root older than the
// chain's latest would not claim. The answer is checked.
func (c *Client) Rewards(ctx context.Context, addr string) (api.NodeRewards, error) {
	var out api.NodeRewards
	if err := c.Get(ctx, routeRecord+strings.ToLower(addr)+"/rewards?consistent=1", &out); err != nil {
		return out, err
	}
	return out, out.Validate()
}

// Chain describes the chain and contracts the network settles on, so that a
// node claims without being told the addresses by hand.
func (c *Client) Chain(ctx context.Context) (api.ChainInfo, error) {
	var out api.ChainInfo
	if err := c.Get(ctx, routeChain, &out); err != nil {
		return out, err
	}
	return out, out.Validate()
}
