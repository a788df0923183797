// Package forward sends an HTTP request that a follower cannot serve (a write,
// a consistent read) to the leader, and copies the leader's answer back as
// the follower's. It knows nothing about Raft: the caller says where the
// leader is.
package forward

import (
	"errors"
	"fmt"
	"time"

	"github.com/valyala/fasthttp"
)

// Header marks a forwarded request with the id of the member that forwarded
// it. A member never forwards a request that carries it: during an election
// two members may each think the other leads, and one hop bounds the loop.
const Header = "X-Meadow-Forwarded-By"

// ErrLoop is returned for a request that was already forwarded once.
var ErrLoop = errors.New("forward: request was already forwarded")

// Forwarder forwards requests over a fasthttp client.
type Forwarder struct {
	client  *fasthttp.Client
	self    string
	timeout time.Duration
}

// New returns a forwarder that marks requests as coming from member self.
// client may be shared; timeout bounds one forwarded request.
func New(client *fasthttp.Client, self string, timeout time.Duration) *Forwarder {
	return &Forwarder{client: client, self: self, timeout: timeout}
}

// Forwarded reports whether ctx's request came from another member.
func Forwarded(ctx *fasthttp.RequestCtx) bool {
	return len(ctx.Request.Header.Peek(Header)) > 0
}

// Forward sends ctx's request to the member at addr ("host:port") and writes
// its response into ctx. The client's address goes along in X-Forwarded-For,
// so that the leader sees the node's IP, not the follower's.
func (f *Forwarder) Forward(ctx *fasthttp.RequestCtx, addr string) error {
	if Forwarded(ctx) {
		return ErrLoop
	}
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	ctx.Request.CopyTo(req)
	if ctx.Request.IsBodyStream() {
		// A streamed body (a blob upload) goes on as a stream: CopyTo
		// copies only what was read of it.
		req.SetBodyStream(ctx.RequestBodyStream(), ctx.Request.Header.ContentLength())
	}
	req.SetHost(addr)
	req.URI().SetScheme("http")
	req.Header.Set(Header, f.self)
	if len(req.Header.Peek("X-Forwarded-For")) == 0 {
		req.Header.Set("X-Forwarded-For", ctx.RemoteIP().String())
	}
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseResponse(resp)
	if err := f.client.DoTimeout(req, resp, f.timeout); err != nil {
		return fmt.Errorf("forward: to %s: %w", addr, err)
	}
	resp.CopyTo(&ctx.Response)
	return nil
}
