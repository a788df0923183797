package coord

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/blob"
)

// Bad input at the edges of the HTTP server: every refusal is an answer
// with an api.ErrorBody naming the field, never a reset connection or a
// silently ignored value (docs/ARCHITECTURE.md, "Bad input at the edges").

// readBufferSize bounds a request's line and headers together. The largest
// header a client sends is a Meadow-Envelope of at most 8 KiB (api's bound);
// a request with more is answered 431 (headerTooLarge).
const readBufferSize = 16 << 10

// fieldErr names the part of the request an error is about (a header, a
// query parameter, "body"), for the answer's field.
type fieldErr struct {
	field string
	err   error
}

func (e *fieldErr) Error() string { return e.err.Error() }
func (e *fieldErr) Unwrap() error { return e.err }

// inRequest names field as what err is about, unless err already names a
// field of its own.
func inRequest(field string, err error) error {
	if err == nil || len(api.FieldErrors(err)) > 0 {
		return err
	}
	return &fieldErr{field: field, err: err}
}

// errorField is the field an error names: its own (api and state field
// errors are read by errorBody), or what inRequest attached.
func errorField(err error) string {
	if fe := (*fieldErr)(nil); errors.As(err, &fe) {
		return fe.field
	}
	return ""
}

// Errors of the edges, each answered with its own status.
var (
	errUnsupportedType = errors.New("coord: unsupported Content-Type")
	errHeaderTooLarge  = errors.New("coord: request headers too large")
)

// methodNotAllowed answers 405 with the Allow header listing the methods the
// route takes.
func (c *Coordinator) methodNotAllowed(ctx *fasthttp.RequestCtx, allow string) {
	ctx.Response.Header.Set("Allow", allow)
	c.reply(ctx, nil, fmt.Errorf("%w: %s %s: expected %s", errMethod, ctx.Method(), ctx.Path(), allow))
}

// readOnly answers 405 and reports false for a method other than GET and
// HEAD.
func (c *Coordinator) readOnly(ctx *fasthttp.RequestCtx) bool {
	if ctx.IsGet() || ctx.IsHead() {
		return true
	}
	c.methodNotAllowed(ctx, "GET, HEAD")
	return false
}

// ConsistentValues are the values ?consistent= takes: a true one asks for a
// read the leader serves after a barrier, a false one (or none) for this
// member's local state.
const ConsistentValues = `"1", "true", "0", "false" or empty`

// parseConsistent reads ?consistent=, refusing a value it does not know
// rather than silently serving a stale read.
func parseConsistent(ctx *fasthttp.RequestCtx) (bool, error) {
	switch v := string(ctx.QueryArgs().Peek("consistent")); v {
	case "1", "true":
		return true, nil
	case "", "0", "false":
		return false, nil
	default:
		return false, inRequest("consistent", fmt.Errorf("%w: consistent %q: expected %s", ErrInvalid, v, ConsistentValues))
	}
}

// jsonContentType reports whether a request to a JSON route may be read: its
// Content-Type, when it has one, must be application/json (any parameters,
// such as charset, are allowed). It answers 415 naming the header otherwise.
func (c *Coordinator) jsonContentType(ctx *fasthttp.RequestCtx) bool {
	return c.contentTypeIn(ctx, "application/json")
}

// UploadContentTypes are the media types an upload's body may be labelled
// with: the Arrow IPC stream type the node and the extension send, and the
// generic binary type.
var UploadContentTypes = []string{"application/vnd.apache.arrow.stream", "application/octet-stream"}

// ModuleContentTypes are the media types a module upload's body may be
// labelled with.
var ModuleContentTypes = []string{"application/wasm", "application/octet-stream"}

// contentTypeIn is jsonContentType for a route that takes any of types.
func (c *Coordinator) contentTypeIn(ctx *fasthttp.RequestCtx, types ...string) bool {
	raw := string(ctx.Request.Header.ContentType())
	if raw == "" || !hasBody(ctx) {
		return true
	}
	mt, _, err := mime.ParseMediaType(raw)
	for _, t := range types {
		if err == nil && mt == t {
			return true
		}
	}
	ctx.Response.Header.Set("Accept", strings.Join(types, ", "))
	c.reply(ctx, nil, inRequest("Content-Type", fmt.Errorf("%w: Content-Type %q: expected %s", errUnsupportedType, raw, strings.Join(types, " or "))))
	drainBody(ctx)
	return false
}

// hasBody reports whether a request carries (or announces) a body: a
// Content-Type on a bodiless request (a GET) is not checked.
func hasBody(ctx *fasthttp.RequestCtx) bool {
	return ctx.Request.Header.ContentLength() != 0 || ctx.Request.IsBodyStream() || len(ctx.PostBody()) > 0
}

// drainBody reads and discards what is left of a streamed request body (up
// to drainOversized) before a refusal is sent, and closes the connection
// after the answer: a server that closes a connection with unread bytes
// resets it, and the client then sees a reset instead of the answer.
func drainBody(ctx *fasthttp.RequestCtx) {
	if !ctx.Request.IsBodyStream() {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(ctx.RequestBodyStream(), drainOversized))
	ctx.SetConnectionClose()
}

// serverError answers what fasthttp could not parse into a request: headers
// past readBufferSize get 431, the rest 400 (or 408 for a read timeout), all
// with an api.ErrorBody. Before answering it reads on (for a bounded time and
// size) what the client is still sending, so that the client reads the
// answer instead of a reset connection.
func (c *Coordinator) serverError(ctx *fasthttp.RequestCtx, err error) {
	status, d := fasthttp.StatusBadRequest, api.ErrorDetail{Code: api.CodeMalformed, Field: "request", Message: "coord: the request could not be read as HTTP/1.1"}
	var small *fasthttp.ErrSmallBuffer
	var ne net.Error
	switch {
	case errors.As(err, &small):
		status, d = fasthttp.StatusRequestHeaderFieldsTooLarge, api.ErrorDetail{Code: api.CodeTooLarge, Field: "headers",
			Message: fmt.Sprintf("%v: the request line and headers take more than %d bytes (a %s header holds at most 8 KiB)", errHeaderTooLarge, readBufferSize, api.EnvelopeHeader)}
	case errors.As(err, &ne) && ne.Timeout():
		status, d = fasthttp.StatusRequestTimeout, api.ErrorDetail{Code: api.CodeMalformed, Field: "request", Message: "coord: the request was not received in time"}
	}
	if conn := ctx.Conn(); conn != nil {
		lingerDrain(conn, drainOversized, lingerIdle)
	}
	b, _ := json.Marshal(api.ErrorBody{Error: d})
	ctx.Response.Reset()
	ctx.SetStatusCode(status)
	ctx.SetContentType("application/json")
	ctx.SetBody(append(b, '\n'))
}

// lingerIdle is how long lingerDrain waits for more bytes before it decides
// the client has sent all it will before reading the answer.
const lingerIdle = 250 * time.Millisecond

// lingerDrain reads and discards up to limit bytes from conn until the
// client pauses for idle. It reads the socket under fasthttp's buffer, which
// is never read again: the connection is closed after the answer.
func lingerDrain(conn net.Conn, limit int64, idle time.Duration) {
	buf := make([]byte, 32<<10)
	defer conn.SetReadDeadline(time.Time{}) //nolint:errcheck // closed next
	for n := int64(0); n < limit; {
		if err := conn.SetReadDeadline(time.Now().Add(idle)); err != nil {
			return
		}
		k, err := conn.Read(buf)
		n += int64(k)
		if err != nil {
			return
		}
	}
}

// checkEdges refuses, before any routing or forwarding, what no route takes:
// a body labelled with a type its route does not read, and an upload without
// its envelope (answered here, with its body drained, rather than after a
// forward to the leader). It answers and reports false for a refusal.
func (c *Coordinator) checkEdges(ctx *fasthttp.RequestCtx) bool {
	if ctx.IsGet() || ctx.IsHead() {
		return true
	}
	switch path := string(ctx.Path()); {
	case path == "/v1/node/upload":
		return c.contentTypeIn(ctx, UploadContentTypes...) && c.uploadHasEnvelope(ctx)
	case path == api.RouteModules:
		return c.contentTypeIn(ctx, ModuleContentTypes...) && c.hasEnvelope(ctx, errNoModuleEnvelope)
	case strings.HasPrefix(path, blob.PathPrefix):
		return true // peer pushes: the blob handler checks its own
	}
	return c.jsonContentType(ctx)
}

// replyStatus answers status with an error body the caller composed (the
// refusals whose status errorBody does not derive from an error).
func (c *Coordinator) replyStatus(ctx *fasthttp.RequestCtx, status int, d api.ErrorDetail) {
	c.setFreshness(ctx)
	b, _ := json.Marshal(api.ErrorBody{Error: d})
	ctx.SetStatusCode(status)
	ctx.SetContentType("application/json")
	ctx.SetBody(append(b, '\n'))
}
