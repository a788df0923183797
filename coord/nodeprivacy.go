package coord

import (
	"errors"
	"fmt"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/state"
)

// A node's IP address and network are where a person lives: the state keeps
// them for the diversity rule, but no public answer carries them. GET
// /v1/node/{address} shows them only to operators (the cluster token) and to
// the node itself (a node.read envelope it signed in the Meadow-Envelope
// header); everyone else gets the record without them.

// PublicNode is a node's record as the public sees it: no IP, no network.
func PublicNode(n state.Node) api.NodeRecord {
	r := n.Record()
	r.IP, r.Network = "", ""
	return r
}

// errNotThisNode is a node.read signed by another key than the node's.
var errNotThisNode = errors.New("coord: a node's address and network are shown only to the node itself (a node.read envelope it signed) and to operators (the cluster token)")

// nodeRecord answers GET /v1/node/{address}: the whole record for an
// operator or the node itself, the public record for anyone else. A
// node.read envelope that does not open, or that another key signed, is
// refused rather than quietly answered with less.
func (c *Coordinator) nodeRecord(ctx *fasthttp.RequestCtx, addr string) (any, error) {
	n, err := c.Node(addr)
	if err != nil {
		return nil, err
	}
	if c.operatorAuthorized(ctx) {
		return n.Record(), nil
	}
	if len(ctx.Request.Header.Peek(api.EnvelopeHeader)) == 0 {
		return PublicNode(n), nil
	}
	var r api.ReadRequest
	o, err := c.openHeader(ctx, api.MethodNodeRead, &r)
	if err != nil {
		return nil, err
	}
	if want := "/v1/node/" + addr; !strings.EqualFold(r.Path, want) {
		return nil, &api.FieldError{Field: "body.path", Value: fmt.Sprintf("%q", r.Path), Expected: "the path read, " + want}
	}
	if o.addr != n.Address {
		return nil, fmt.Errorf("%w: %w: signed by %s, not the node %s", state.ErrForbidden, errNotThisNode, o.addr, n.Address)
	}
	if err := c.useWorkNonce(o.addr, o.sg.Nonce); err != nil {
		return nil, err
	}
	return n.Record(), nil
}
