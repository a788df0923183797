package buyer

import (
	"context"

	"github.com/meadow-net/meadow/api"
)

// RevokeToken revokes one of the buyer's read tokens on every coordinator.
func (b *Client) RevokeToken(ctx context.Context, id string) (api.TokenRevoked, error) {
	var r api.TokenRevoked
	return r, b.c.Post(ctx, api.MethodTokenRevoke, api.RouteTokenRevoke, api.TokenRevoke{ID: id}, &r)
}
