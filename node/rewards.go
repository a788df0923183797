package node

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
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

// routeRelay is where a coordinator relays a node's gasless claim.
const routeRelay = "/v1/rewards/relay"

// RelayClaim asks the coordinators to send a node's signed claim
// authorization from a relayer, which pays the gas and takes the signed
// fees; the answer is the transaction, sent but not yet mined. The request
// is self-authenticating (the signature is over the authorization), so it
// is plain JSON, not an envelope; a retry on another member cannot pay
// twice (the contract pays an authorization once).
func (c *Client) RelayClaim(ctx context.Context, r api.RelayClaimRequest) (api.RelayClaimResponse, error) {
	var out api.RelayClaimResponse
	body, err := json.Marshal(r)
	if err != nil {
		return out, err
	}
	err = c.Do(ctx, func(ctx context.Context, base string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+routeRelay, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		return c.HTTP().Do(req)
	}, &out)
	if err != nil {
		return out, err
	}
	return out, out.Validate()
}
