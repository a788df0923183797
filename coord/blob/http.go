package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// PathPrefix is the route under which the coordinator mounts a Handler:
// every request whose path starts with it.
const PathPrefix = "/v1/blobs/"

// TokenHeader carries the cluster token on peer requests. Operators set the
// same --cluster-token on every coordinator; it is the only credential of
// the peer protocol, so it must be long and random (32 bytes, hex) and go
// over TLS or a private network.
const TokenHeader = "Meadow-Cluster-Token"

// ContentType is the media type blobs are served with: Meadow's blobs are
// Arrow IPC streams.
const ContentType = "application/vnd.apache.arrow.stream"

// Error codes of the peer protocol, beside api's.
const (
	// CodeUnauthorized is sent with 401 when a peer request carries no
	// cluster token.
	CodeUnauthorized api.ErrorCode = "unauthorized"
	// CodeForbidden is sent with 403 when the token is wrong, or this
	// coordinator has none configured and so accepts no peer request.
	CodeForbidden api.ErrorCode = "forbidden"
	// CodeInsufficientStorage is sent with 507 when the disk is full.
	CodeInsufficientStorage api.ErrorCode = "insufficient_storage"
)

// HandlerConfig configures a Handler.
type HandlerConfig struct {
	// Token is the cluster token peers must send in TokenHeader. Empty
	// disables the peer protocol: PUT is refused with 403, and GET/HEAD are
	// served only where AuthorizeRead allows them.
	Token string
	// MaxSize caps the size of a blob a PUT may store (default
	// api.MaxBlobSize).
	MaxSize int64
	// AuthorizeRead, when set, may allow a GET or HEAD of a blob to a caller
	// that is not a peer, such as a node that leased a compute task reading
	// that blob; it returns nil to allow. Without it only peers read blobs:
	// dataset manifests, which are public, list blob hashes, and the data
	// itself is sold through GET /v1/datasets/{id}/data.
	AuthorizeRead func(ctx *fasthttp.RequestCtx, h dataset.Hash) error
	// ReadError, when set, gives the status and body that answer a refusal
	// of AuthorizeRead, so that its caller's own error mapping applies (401
	// for a missing signature, 404 for an unknown task). Without it, or
	// when it gives a status below 400, a refusal is 403 forbidden.
	ReadError func(err error) (status int, body api.ErrorBody)
	// RedirectReads, with a store that presigns (the object store), answers
	// a GET that AuthorizeRead allowed with 307 and a presigned URL of the
	// blob (PresignTTL), so that the bytes go from the store to the reader
	// without passing through this coordinator. The reader checks them
	// against the blob's name, as a node does every input. Peers' reads and
	// HEADs are served here as before.
	RedirectReads bool
	// Metrics counts the redirected reads (nil: not counted).
	Metrics *Metrics
	// Logger receives errors (default: discard).
	Logger *slog.Logger
}

// PresignTTL is how long a presigned URL that a Handler or a coordinator
// hands out stays valid: long enough to start a download on a slow link (a
// GET begun in time runs to its end), short enough that a leaked URL soon
// stops working.
const PresignTTL = 15 * time.Minute

// Handler serves the blob routes of the peer protocol on a coordinator's
// fasthttp server:
//
//	GET  /v1/blobs/{hash}  the blob, with Range (206, 416); 404 if not held
//	HEAD /v1/blobs/{hash}  the same headers, no body
//	PUT  /v1/blobs/{hash}  store the body under hash: 201 stored, 200 already held
//
// A blob route is served from this coordinator's own disk and must not be
// forwarded to the leader. Errors are api.ErrorBody JSON naming the field.
type Handler struct {
	store   Backend
	token   []byte
	maxSize int64
	authz   func(*fasthttp.RequestCtx, dataset.Hash) error
	readErr func(error) (int, api.ErrorBody)
	log     *slog.Logger
	// redirect is HandlerConfig.RedirectReads.
	redirect bool
	m        *Metrics
}

// NewHandler returns a Handler over store: the coordinator's disk, or the
// object store it shares with its peers.
func NewHandler(store Backend, cfg HandlerConfig) *Handler {
	h := &Handler{store: store, maxSize: cfg.MaxSize, authz: cfg.AuthorizeRead, readErr: cfg.ReadError, log: cfg.Logger, redirect: cfg.RedirectReads, m: cfg.Metrics}
	if cfg.Token != "" {
		h.token = []byte(cfg.Token)
	}
	if h.maxSize <= 0 {
		h.maxSize = api.MaxBlobSize
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.log = h.log.With("component", "blob")
	return h
}

// PutResponse is the JSON body of a successful PUT.
type PutResponse struct {
	SHA256 dataset.Hash `json:"sha256"`
	Size   int64        `json:"size"`
}

// Serve handles a request whose path starts with PathPrefix.
//
// For PUT, the coordinator's fasthttp.Server should set StreamRequestBody,
// so that a blob is streamed to disk rather than buffered in memory, and
// allow bodies of MaxSize (its MaxRequestBodySize, or a per-request limit
// from HeaderReceived for this route); Serve works either way.
func (h *Handler) Serve(ctx *fasthttp.RequestCtx) {
	name, ok := strings.CutPrefix(string(ctx.Path()), PathPrefix)
	if !ok {
		writeError(ctx, http.StatusNotFound, api.CodeNotFound, "", "blob: no such endpoint")
		return
	}
	hash, err := ParseHash(name)
	if err != nil {
		writeError(ctx, http.StatusBadRequest, api.CodeInvalid, "hash", err.Error())
		return
	}
	switch {
	case ctx.IsGet(), ctx.IsHead():
		h.serveGet(ctx, hash)
	case ctx.IsPut():
		h.servePut(ctx, hash)
	default:
		ctx.Response.Header.Set("Allow", "GET, HEAD, PUT")
		writeError(ctx, http.StatusMethodNotAllowed, api.CodeInvalid, "method",
			"blob: method "+strconv.Quote(string(ctx.Method()))+": expected GET, HEAD or PUT")
	}
}

// checkToken reports whether the request carries this coordinator's cluster
// token, answering 401 or 403 if not.
func (h *Handler) checkToken(ctx *fasthttp.RequestCtx) bool {
	got := ctx.Request.Header.Peek(TokenHeader)
	switch {
	case h.token == nil:
		writeError(ctx, http.StatusForbidden, CodeForbidden, TokenHeader, ErrNoToken.Error()+"; peer requests are disabled")
		return false
	case len(got) == 0:
		writeError(ctx, http.StatusUnauthorized, CodeUnauthorized, TokenHeader, ErrUnauthorized.Error()+": expected the cluster token")
		return false
	case !tokenEqual(got, h.token):
		writeError(ctx, http.StatusForbidden, CodeForbidden, TokenHeader, ErrForbidden.Error()+": expected the token set with --cluster-token on every coordinator")
		return false
	}
	return true
}

// tokenEqual compares two tokens in time independent of their contents and
// lengths, by comparing their digests.
func tokenEqual(a, b []byte) bool {
	da, db := sha256.Sum256(a), sha256.Sum256(b)
	return subtle.ConstantTimeCompare(da[:], db[:]) == 1
}

func (h *Handler) serveGet(ctx *fasthttp.RequestCtx, hash dataset.Hash) {
	if len(ctx.Request.Header.Peek(TokenHeader)) > 0 || h.authz == nil {
		if !h.checkToken(ctx) {
			return
		}
	} else if err := h.authz(ctx, hash); err != nil {
		h.refuseRead(ctx, err)
		return
	} else if h.redirect && ctx.IsGet() && h.serveRedirect(ctx, hash) {
		return
	}
	// Not ctx: the reader outlives this call (fasthttp streams the body
	// after Serve returns), and a RequestCtx must not reach net/http.
	f, size, err := h.store.Open(context.Background(), hash)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			writeError(ctx, http.StatusNotFound, api.CodeNotFound, "hash", "blob "+hash.String()+": not stored on this coordinator")
			return
		}
		if errors.Is(err, ErrStore) {
			h.log.Error("open blob", "hash", hash, "err", err)
			writeError(ctx, http.StatusServiceUnavailable, api.CodeUnavailable, "", "blob "+hash.String()+": the object store cannot serve it now; retry")
			return
		}
		h.log.Error("open blob", "hash", hash, "err", err)
		writeError(ctx, http.StatusInternalServerError, api.CodeInternal, "", "internal error")
		return
	}
	// A blob never changes under its name.
	ctx.Response.Header.Set("ETag", `"`+hash.String()+`"`)
	ctx.Response.Header.Set("Cache-Control", "private, max-age=31536000, immutable")
	ServeRange(ctx, f, size, ContentType)
}

// serveRedirect answers a reader's GET with 307 to a presigned URL of the
// blob, and reports whether it answered: a store that cannot presign leaves
// the read to be served here.
func (h *Handler) serveRedirect(ctx *fasthttp.RequestCtx, hash dataset.Hash) bool {
	rctx, cancel := requestContext(ctx)
	defer cancel()
	if _, err := h.store.Stat(rctx, hash); err != nil {
		return false // served here: 404 or 503 with the store's answer
	}
	u, err := h.store.PresignGet(rctx, hash, PresignTTL)
	if errors.Is(err, ErrPresignUnsupported) {
		return false
	}
	if err != nil {
		h.log.Error("presign blob", "hash", hash, "err", err)
		writeError(ctx, http.StatusServiceUnavailable, api.CodeUnavailable, "", "blob "+hash.String()+": the object store cannot serve it now; retry")
		return true
	}
	ctx.Response.Header.Set("Location", u)
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.SetStatusCode(http.StatusTemporaryRedirect)
	h.m.readRedirected()
	return true
}

// refuseRead answers a read that AuthorizeRead refused.
func (h *Handler) refuseRead(ctx *fasthttp.RequestCtx, err error) {
	if h.readErr != nil {
		if status, body := h.readErr(err); status >= 400 {
			writeJSON(ctx, status, body)
			return
		}
	}
	writeError(ctx, http.StatusForbidden, CodeForbidden, "", "blob: "+err.Error())
}

func (h *Handler) servePut(ctx *fasthttp.RequestCtx, hash dataset.Hash) {
	if !h.checkToken(ctx) {
		return
	}
	if cl := ctx.Request.Header.ContentLength(); cl > 0 && int64(cl) > h.maxSize {
		err := &SizeError{Hash: hash, Max: h.maxSize, Size: int64(cl)}
		writeError(ctx, http.StatusRequestEntityTooLarge, api.CodeTooLarge, "body", err.Error())
		return
	}
	body := ctx.RequestBodyStream()
	if body == nil {
		body = bytes.NewReader(ctx.PostBody())
	}
	pctx, cancel := requestContext(ctx)
	defer cancel()
	size, created, err := putCreated(pctx, h.store, body, hash, h.maxSize)
	switch {
	case err == nil:
	case errors.Is(err, ErrDigestMismatch):
		writeError(ctx, http.StatusBadRequest, api.CodeInvalid, "body", err.Error())
		return
	case errors.Is(err, ErrTooLarge):
		writeError(ctx, http.StatusRequestEntityTooLarge, api.CodeTooLarge, "body", err.Error())
		return
	case errors.Is(err, errRead):
		h.log.Warn("store blob: reading the request body failed", "hash", hash, "err", err)
		writeError(ctx, http.StatusBadRequest, api.CodeMalformed, "body", err.Error())
		return
	case errors.Is(err, ErrStore):
		h.log.Error("store blob: the object store failed", "hash", hash, "err", err)
		writeError(ctx, http.StatusServiceUnavailable, api.CodeUnavailable, "", err.Error())
		return
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		writeError(ctx, http.StatusServiceUnavailable, api.CodeUnavailable, "", "blob: this coordinator is shutting down; retry")
		return
	case errors.Is(err, syscall.ENOSPC):
		h.log.Error("store blob: disk full", "hash", hash, "err", err)
		writeError(ctx, http.StatusInsufficientStorage, CodeInsufficientStorage, "", "blob: this coordinator's disk is full")
		return
	default:
		h.log.Error("store blob", "hash", hash, "err", err)
		writeError(ctx, http.StatusInternalServerError, api.CodeInternal, "", "internal error")
		return
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
		// The blob was already here and the body may be unread. A streaming
		// fasthttp server closes a connection that leaves more than 256 KiB
		// unread, and the peer then sees a reset instead of this answer, so
		// read the body out (the cap bounds it).
		_, _ = io.Copy(io.Discard, io.LimitReader(body, h.maxSize))
	}
	writeJSON(ctx, status, PutResponse{SHA256: hash, Size: size})
}

// requestContext returns a context for a backend's work on behalf of a
// request, which ends when the server shuts down or cancel is called. The
// fasthttp.RequestCtx itself must not be passed on as a context.Context to
// code that uses net/http (the S3 backend's client): fasthttp reuses it as
// soon as the handler returns, while net/http's goroutines may still call
// its Value (the race detector caught it).
func requestContext(ctx *fasthttp.RequestCtx) (context.Context, context.CancelFunc) {
	c, cancel := context.WithCancel(context.Background())
	stop := make(chan struct{})
	done := ctx.Done()
	go func() {
		select {
		case <-done:
			cancel()
		case <-stop:
		}
	}()
	return c, func() { close(stop); cancel() }
}

// writeError answers with an api.ErrorBody.
func writeError(ctx *fasthttp.RequestCtx, status int, code api.ErrorCode, field, msg string) {
	writeJSON(ctx, status, api.ErrorBody{Error: api.ErrorDetail{Code: code, Field: field, Message: msg}})
}

func writeJSON(ctx *fasthttp.RequestCtx, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	ctx.SetStatusCode(status)
	ctx.SetContentType("application/json")
	ctx.Response.SetBodyRaw(append(b, '\n'))
}

// readError turns a peer's error answer into a *PeerError.
func readError(peer string, status int, body io.Reader) error {
	e := &PeerError{Peer: peer, Status: status}
	b, _ := io.ReadAll(io.LimitReader(body, 64<<10))
	var eb api.ErrorBody
	if json.Unmarshal(b, &eb) == nil {
		e.Detail = eb.Error
	}
	return e
}
