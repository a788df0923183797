// Package forward sends an HTTP request that a follower cannot serve (a write,
// a consistent read) to the leader, and copies the leader's answer back as
// the follower's. It knows nothing about Raft: the caller says where the
// leader is.
package forward

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
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
	fresh   *fasthttp.Client // never keeps a connection: see Do
	self    string
	timeout time.Duration
	// Scheme is that of the members' HTTP APIs: "http" (the default) or
	// "https" when members speak TLS.
	Scheme string
}

// New returns a forwarder that marks requests as coming from member self.
// client may be shared; timeout bounds one forwarded request.
func New(client *fasthttp.Client, self string, timeout time.Duration) *Forwarder {
	return &Forwarder{client: client, fresh: freshClient(client), self: self, timeout: timeout}
}

// freshClient is a client that dials like c (its TLS settings and dialer)
// but is only ever used for requests that close their connection, so that
// it holds no kept-alive connection a peer could have closed.
func freshClient(c *fasthttp.Client) *fasthttp.Client {
	return &fasthttp.Client{
		Name: c.Name, TLSConfig: c.TLSConfig, Dial: c.Dial, DialTimeout: c.DialTimeout,
		DialDualStack: c.DialDualStack, MaxResponseBodySize: c.MaxResponseBodySize,
		ReadBufferSize: c.ReadBufferSize, WriteBufferSize: c.WriteBufferSize,
		NoDefaultUserAgentHeader: c.NoDefaultUserAgentHeader,
	}
}

// Stale reports whether err is a request's failure on a kept-alive
// connection that the peer had closed (an idle timeout, a restart) before
// it answered a byte: the request was not served, and a fresh connection is
// worth one more try.
func Stale(err error) bool {
	return errors.Is(err, fasthttp.ErrConnectionClosed) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// NotSent reports whether err is a failure to reach the member at all: the
// dial failed, so nothing of the request went out, its streamed body is
// unread, and it may be sent elsewhere or served here.
func NotSent(err error) bool {
	if errors.Is(err, ErrBodySpent) {
		return false
	}
	var op *net.OpError
	return errors.Is(err, fasthttp.ErrDialTimeout) || errors.Is(err, fasthttp.ErrNoFreeConns) ||
		(errors.As(err, &op) && op.Op == "dial") || strings.Contains(err.Error(), "error when dialing")
}

// ErrBodySpent marks a failed forward that had read some of the request's
// streamed body: the request cannot be sent again.
var ErrBodySpent = errors.New("the request's streamed body was partly sent")

// countingReader counts what was read of a streamed body.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Do sends req to another member within timeout. A request that fails on a
// stale kept-alive connection goes out once more on a fresh one, which
// fasthttp does only for GET, HEAD and PUT: the requests members send each
// other are safe to send again (signed envelopes carry a nonce the leader
// spends once; joins, removals and signing requests are idempotent), and
// the peer answered nothing on the closed connection. A streamed body
// cannot be sent twice and is not retried.
func (f *Forwarder) Do(req *fasthttp.Request, resp *fasthttp.Response, timeout time.Duration) error {
	err := f.client.DoTimeout(req, resp, timeout)
	if err == nil || !Stale(err) || req.IsBodyStream() {
		return err
	}
	req.SetConnectionClose()
	resp.Reset()
	if err2 := f.fresh.DoTimeout(req, resp, timeout); err2 != nil {
		return fmt.Errorf("%w; again on a fresh connection: %w", err, err2)
	}
	// The close was this member's request, not the peer's answer to its
	// client: a forwarded answer must not close the client's connection.
	resp.Header.ResetConnectionClose()
	return nil
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
	var body *countingReader
	if ctx.Request.IsBodyStream() {
		// A streamed body (a blob upload) goes on as a stream: CopyTo
		// copies only what was read of it. The wrapper has no Close, so
		// that releasing req does not close (and drain) the client's
		// stream, which a failed dial leaves whole for another try.
		body = &countingReader{r: ctx.RequestBodyStream()}
		req.SetBodyStream(body, ctx.Request.Header.ContentLength())
	}
	req.SetHost(addr)
	scheme := f.Scheme
	if scheme == "" {
		scheme = "http"
	}
	req.URI().SetScheme(scheme)
	req.Header.Set(Header, f.self)
	if len(req.Header.Peek("X-Forwarded-For")) == 0 {
		req.Header.Set("X-Forwarded-For", ctx.RemoteIP().String())
	}
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseResponse(resp)
	if err := f.Do(req, resp, f.timeout); err != nil {
		if body != nil && body.n > 0 {
			return fmt.Errorf("forward: to %s: %w (%w)", addr, err, ErrBodySpent)
		}
		return fmt.Errorf("forward: to %s: %w", addr, err)
	}
	resp.CopyTo(&ctx.Response)
	return nil
}
