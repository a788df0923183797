package buyer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/meadow-net/meadow/api"
)

// Faucet asks the dev network's faucet for ether (gas) and test stable
// tokens for the buyer's key. Coordinators of any other network answer 404.
// It asks once, without the client's retries: a faucet's 429 (this address
// was funded a minute ago) is an answer to show, not a wait to sit through.
func (b *Client) Faucet(ctx context.Context) (api.FaucetGrant, error) {
	env, err := b.c.Sign(api.MethodDevFaucet, api.FaucetRequest{})
	if err != nil {
		return api.FaucetGrant{}, err
	}
	raw, err := json.Marshal(env)
	if err != nil {
		return api.FaucetGrant{}, err
	}
	base := b.c.Current()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+api.RouteDevFaucet, bytes.NewReader(raw))
	if err != nil {
		return api.FaucetGrant{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.c.HTTP().Do(req)
	if err != nil {
		return api.FaucetGrant{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return api.FaucetGrant{}, fmt.Errorf("%s: %w", base, err)
	}
	if resp.StatusCode != http.StatusOK {
		var eb api.ErrorBody
		if json.Unmarshal(data, &eb) != nil || eb.Error.Code == "" {
			return api.FaucetGrant{}, fmt.Errorf("%s: %s", base, resp.Status)
		}
		return api.FaucetGrant{}, fmt.Errorf("%s: %w", base, eb.Err(resp.StatusCode))
	}
	var g api.FaucetGrant
	if err := json.Unmarshal(data, &g); err != nil {
		return api.FaucetGrant{}, fmt.Errorf("%s: answer is not the expected JSON: %w", base, err)
	}
	if err := g.Validate(); err != nil {
		return api.FaucetGrant{}, fmt.Errorf("%s: invalid answer: %w", base, err)
	}
	return g, nil
}
