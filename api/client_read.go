package api

import (
	"context"
	"net/http"
	"strings"
)

// GetSigned reads route with a MethodRead envelope in the EnvelopeHeader,
// signed afresh on every try, and decodes the JSON answer into out (as
// Get). Reads of a job or a dataset are signed: they belong to the job's
// buyer and the addresses it granted access to.
func (c *Client) GetSigned(ctx context.Context, route string, out any) error {
	path, _, _ := strings.Cut(route, "?")
	return c.Do(ctx, func(ctx context.Context, base string) (*http.Response, error) {
		env, err := c.Sign(MethodRead, ReadRequest{Path: path})
		if err != nil {
			return nil, err
		}
		h, err := env.Header()
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+route, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set(EnvelopeHeader, h)
		return c.HTTP().Do(req)
	}, out)
}
