package coord

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/forward"
	"github.com/meadow-net/meadow/coord/state"
)

// Headers on every response, so that a client can tell how fresh a read is.
const (
	// HeaderAppliedIndex is the index of the last log entry applied on the
	// member that answered.
	HeaderAppliedIndex = "X-Meadow-Applied-Index"
	// HeaderLeader is the id of the leader the answering member knows of.
	HeaderLeader = "X-Meadow-Leader"
	// HeaderServedBy is the id of the member that answered.
	HeaderServedBy = "X-Meadow-Served-By"
)

// handle routes a request. Writes and consistent reads go to the leader:
// a follower forwards them (once) to the leader's HTTP address.
func (c *Coordinator) handle(ctx *fasthttp.RequestCtx) {
	if !c.limitBody(ctx) || !c.checkEdges(ctx) {
		return
	}
	switch string(ctx.Path()) {
	case "/healthz":
		if c.readOnly(ctx) {
			ctx.SetContentType("text/plain")
			ctx.SetBodyString("ok\n")
		}
	case "/readyz":
		if c.readOnly(ctx) {
			c.handleReady(ctx)
		}
	case "/metrics":
		if c.readOnly(ctx) {
			c.metrics.handler(ctx)
		}
	case "/v1/cluster/members":
		c.serveRead(ctx, func(rctx context.Context) (any, error) { return c.MembersHealth(rctx) })
	case "/v1/cluster/status":
		c.serveRead(ctx, func(context.Context) (any, error) { return c.Status(), nil })
	case "/console":
		c.serveConsolePage(ctx)
	case "/v1/cluster/console":
		if c.peerAuthorized(ctx) {
			c.serveConsole(ctx)
		}
	case "/v1/cluster/join", "/v1/cluster/remove":
		if !c.peerAuthorized(ctx) {
			return
		}
		c.handleMembership(ctx)
	case "/v1/cluster/sign":
		if !c.peerAuthorized(ctx) {
			return
		}
		c.handleSign(ctx)
	case "/v1/cluster/digest":
		c.handleDigest(ctx)
	case routeBlobStored:
		if !c.peerAuthorized(ctx) {
			return
		}
		c.serveWrite(ctx, func(rctx context.Context) (any, error) { return c.httpBlobStored(rctx, ctx) })
	case "/v1/cluster/settle":
		if !c.peerAuthorized(ctx) {
			return
		}
		c.serveWrite(ctx, func(rctx context.Context) (any, error) {
			var r api.SettleRequest
			if len(ctx.PostBody()) > 0 {
				if err := decodeBody(ctx, &r); err != nil {
					return nil, err
				}
			}
			// Settlement talks to the chain and the members: give it
			// more than one write's time.
			sctx, cancel := context.WithTimeout(context.Background(), 4*c.cfg.ApplyTimeout)
			defer cancel()
			return c.Settle(sctx, r.Epoch)
		})
	case api.GroupsRoute:
		c.serveGroups(ctx)
	case groupReportRoute:
		if c.peerAuthorized(ctx) {
			c.serveGroupReport(ctx)
		}
	case "/v1/chain":
		c.serveRead(ctx, func(rctx context.Context) (any, error) { return c.ChainInfo(rctx) })
	case "/v1/rewards/relay":
		c.handleRelay(ctx)
	case "/v1/release":
		if c.readOnly(ctx) {
			c.handleRelease(ctx)
		}
	default:
		switch {
		case strings.HasPrefix(string(ctx.Path()), "/v1/release/files/"):
			if c.readOnly(ctx) {
				c.handleReleaseFile(ctx, strings.TrimPrefix(string(ctx.Path()), "/v1/release/files/"))
			}
		case !c.handleAPI(ctx):
			c.reply(ctx, nil, errNoRoute)
		}
	}
}

// peerAuthorized checks the cluster token on an operator route (membership,
// signing, settlement): without it, anyone who reaches a coordinator's port
// could add a member, remove one or have the quorum sign. It fails closed: a
// member started without a token refuses every operator route. It answers
// 401/403 itself when the token is missing, wrong or not configured.
func (c *Coordinator) peerAuthorized(ctx *fasthttp.RequestCtx) bool {
	got := ctx.Request.Header.Peek(blob.TokenHeader)
	if c.cfg.ClusterToken != "" && subtle.ConstantTimeCompare(got, []byte(c.cfg.ClusterToken)) == 1 {
		return true
	}
	status, code, msg := fasthttp.StatusForbidden, blob.CodeForbidden, "wrong "+blob.TokenHeader+" header: expected the cluster token"
	switch {
	case c.cfg.ClusterToken == "":
		msg = "this coordinator has no cluster token (--cluster-token), so it refuses every operator route; start every member with the same token"
	case len(got) == 0:
		status, code, msg = fasthttp.StatusUnauthorized, blob.CodeUnauthorized, "missing "+blob.TokenHeader+" header: operator routes need the cluster token (--cluster-token)"
	}
	body, _ := json.Marshal(api.ErrorBody{Error: api.ErrorDetail{Code: code, Field: blob.TokenHeader, Message: msg}})
	c.setFreshness(ctx)
	ctx.SetStatusCode(status)
	ctx.SetContentType("application/json")
	ctx.SetBody(append(body, '\n'))
	return false
}

// operatorAuthorized reports, without answering, whether a request carries
// the cluster token: operators may read what the public may not (a node's
// address and network).
func (c *Coordinator) operatorAuthorized(ctx *fasthttp.RequestCtx) bool {
	return c.cfg.ClusterToken != "" && subtle.ConstantTimeCompare(ctx.Request.Header.Peek(blob.TokenHeader), []byte(c.cfg.ClusterToken)) == 1
}

func (c *Coordinator) handleMembership(ctx *fasthttp.RequestCtx) {
	switch string(ctx.Path()) {
	case "/v1/cluster/join":
		c.serveWrite(ctx, func(rctx context.Context) (any, error) {
			var r JoinRequest
			if err := decodeBody(ctx, &r); err != nil {
				return nil, err
			}
			return nil, c.Join(rctx, r)
		})
	case "/v1/cluster/remove":
		c.serveWrite(ctx, func(rctx context.Context) (any, error) {
			var r struct {
				ID string `json:"id"`
			}
			if err := decodeBody(ctx, &r); err != nil {
				return nil, err
			}
			return nil, c.Remove(rctx, r.ID)
		})
	}
}

var (
	errNoRoute   = errors.New("coord: no such endpoint")
	errMethod    = errors.New("coord: method not allowed")
	errNoLeader  = errors.New("coord: not leader, and no leader is known; retry shortly")
	errForwarded = errors.New("coord: not leader, and the request was already forwarded once; retry shortly")
	// errForwardLost: a forward failed after the request went out to the
	// leader, which may have applied it.
	errForwardLost = errors.New("coord: the leader did not answer a forwarded request, which it may have applied; ask again with the same request")
)

// Status is a member's view of the cluster.
type Status struct {
	ID           string `json:"id"`
	State        string `json:"state"`
	Leader       string `json:"leader"`
	Term         uint64 `json:"term"`
	CommitIndex  uint64 `json:"commit_index"`
	AppliedIndex uint64 `json:"applied_index"`
	// StateIndex is the last command the state holds (see
	// Coordinator.StateIndex); at most AppliedIndex.
	StateIndex uint64 `json:"state_index"`
	LastIndex  uint64 `json:"last_index"`
	// NowMillis is the member's clock when it answered (Unix ms), which
	// the other members compare theirs with; Clock is its last comparison.
	NowMillis int64       `json:"now_ms"`
	Clock     ClockReport `json:"clock"`
	// Disk is the last check of the member's data dir.
	Disk DiskReport `json:"disk"`
	// Version is the release the member runs (WithVersion); empty when it
	// was not told, or runs a release from before members reported it.
	Version string `json:"version,omitempty"`
}

// Status returns this member's Raft state and indexes.
func (c *Coordinator) Status() Status {
	id, _ := c.Leader()
	return Status{
		ID:           c.cfg.ID,
		State:        c.raft.State().String(),
		Leader:       id,
		Term:         c.raft.CurrentTerm(),
		CommitIndex:  c.raft.CommitIndex(),
		AppliedIndex: c.AppliedIndex(),
		StateIndex:   c.StateIndex(),
		LastIndex:    c.raft.LastIndex(),
		NowMillis:    c.now(),
		Clock:        c.Clock(),
		Disk:         c.Disk(),
		Version:      c.version,
	}
}

// handleReady answers 200 when a leader is known and this member is in the
// state, 503 otherwise.
func (c *Coordinator) handleReady(ctx *fasthttp.RequestCtx) {
	c.setFreshness(ctx)
	id, addr := c.Leader()
	if id == "" || addr == "" || !c.selfRecorded() {
		ctx.SetStatusCode(fasthttp.StatusServiceUnavailable)
		ctx.SetBodyString("not ready\n")
		return
	}
	ctx.SetBodyString("ready\n")
}

func (c *Coordinator) setFreshness(ctx *fasthttp.RequestCtx) {
	h := &ctx.Response.Header
	h.Set(HeaderAppliedIndex, strconv.FormatUint(c.AppliedIndex(), 10))
	id, _ := c.Leader()
	h.Set(HeaderLeader, id)
	h.Set(HeaderServedBy, c.cfg.ID)
}

// serveRead answers a GET from local state, which may lag the leader by the
// difference its X-Meadow-Applied-Index shows. With ?consistent=1 the read
// is served by the leader after a barrier: it sees every write acknowledged
// before it.
func (c *Coordinator) serveRead(ctx *fasthttp.RequestCtx, fn func(context.Context) (any, error)) {
	if !c.readOnly(ctx) {
		return
	}
	cons, err := parseConsistent(ctx)
	if err != nil {
		c.reply(ctx, nil, err)
		return
	}
	rctx, cancel := context.WithTimeout(context.Background(), c.cfg.ApplyTimeout)
	defer cancel()
	if cons {
		if !c.IsLeader() && !c.forwardToLeader(ctx) {
			return
		}
		if err := c.Barrier(rctx); err != nil {
			if errors.Is(err, ErrNotLeader) {
				c.forwardOnce(ctx)
				return
			}
			c.reply(ctx, nil, err)
			return
		}
	}
	v, err := fn(rctx)
	c.reply(ctx, v, err)
}

// serveWrite runs a write on the leader, or forwards it there.
func (c *Coordinator) serveWrite(ctx *fasthttp.RequestCtx, fn func(context.Context) (any, error)) {
	if !ctx.IsPost() && !ctx.IsPut() && !ctx.IsDelete() {
		c.methodNotAllowed(ctx, "POST, PUT, DELETE")
		return
	}
	if !c.IsLeader() && !c.forwardToLeader(ctx) {
		return
	}
	if !exemptFromAdmission(ctx.Path()) {
		if !c.admit.enter() {
			c.admit.refuse(c, ctx)
			return
		}
		defer c.admit.leave()
	}
	rctx, cancel := context.WithTimeout(context.Background(), c.cfg.ApplyTimeout)
	defer cancel()
	v, err := fn(rctx)
	if errors.Is(err, ErrNotLeader) && !ctx.Request.IsBodyStream() {
		// Not applied: leadership moved between the check and the
		// write. A streamed body (an upload) was read by the handler
		// and cannot go on: the client sends it again on not_leader.
		c.forwardOnce(ctx)
		return
	}
	c.reply(ctx, v, err)
}

// leaderWait bounds how long a member holds a request it cannot forward
// because no leader is known, or the leader it knew cannot be dialed: an
// election takes 1–3 s, and a request held until the new leader is known
// goes on at once, where a client told "no leader" would back off and come
// back up to a second after the election. It stays under the clients' try
// limit (api.DefaultAttemptTimeout, 3 s), so that they get an answer.
const leaderWait = 2500 * time.Millisecond

// forwardToLeader sends the request on to the leader and relays its answer.
// While no leader is known, or the one it knows cannot be dialed (nothing of
// the request was sent, so it may go to another), it waits up to leaderWait
// for one, if it heard from a leader within leaderWait. It reports true, having answered nothing, when this member became
// the leader meanwhile: the caller serves the request itself. A forward that
// fails after the request went out is answered 503 unavailable, not
// not_leader: the leader may have applied it, and a client must not sign it
// again as new.
func (c *Coordinator) forwardToLeader(ctx *fasthttp.RequestCtx) (selfLeads bool) {
	if forward.Forwarded(ctx) {
		c.reply(ctx, nil, errForwarded)
		return false
	}
	deadline := time.Now().Add(leaderWait)
	var (
		failed   string // a leader that could not be dialed
		failedAt time.Time
	)
	for {
		if c.IsLeader() {
			return true
		}
		id, addr := c.Leader()
		if id != "" && addr != "" && id != c.cfg.ID && (id != failed || time.Since(failedAt) > 250*time.Millisecond) {
			err := c.forwarder.Forward(ctx, addr)
			if err == nil {
				return false
			}
			if !forward.NotSent(err) {
				c.log.Warn("forward to leader", "leader", id, "err", err)
				c.reply(ctx, nil, fmt.Errorf("%w: %w", errForwardLost, err))
				return false
			}
			c.log.Debug("forward to leader: cannot dial it; waiting for a leader", "leader", id, "err", err)
			failed, failedAt = id, time.Now()
		}
		// Hold only while an election may be under way: a member that
		// has not heard from a leader for leaderWait is most likely cut
		// off from the others (a partition), and would hold every
		// request for nothing; it answers at once, and the client goes
		// to another member.
		if now := time.Now(); now.After(deadline) || now.Sub(c.raft.LastContact()) > leaderWait {
			c.reply(ctx, nil, errNoLeader)
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// forwardOnce forwards to the leader when one other than this member is
// known; this member, which just found it no longer leads, answers
// not_leader otherwise.
func (c *Coordinator) forwardOnce(ctx *fasthttp.RequestCtx) {
	if c.forwardToLeader(ctx) {
		c.reply(ctx, nil, errNoLeader)
	}
}

// maxBufferedBody is the largest body read before a handler runs: the
// largest signed JSON request (a job spec).
const maxBufferedBody = api.MaxJobSpecSize + api.EnvelopeOverhead

// drainOversized is how much more of a refused oversized body is read.
const drainOversized = 64 << 20

// streamsBody reports whether the route reads its body as a stream: blob
// uploads from nodes and blob pushes from peers, up to api.MaxBlobSize, and
// buyers' modules, up to api.MaxModuleSize.
func streamsBody(path string) bool {
	return path == "/v1/node/upload" || path == api.RouteModules || strings.HasPrefix(path, blob.PathPrefix)
}

// limitBody makes sure a request's body is in memory and within
// maxBufferedBody, unless its route streams it; it answers 413 and reports
// false for a body past the bound. fasthttp hands over as a stream a body
// above the bound and a chunked one of any size.
func (c *Coordinator) limitBody(ctx *fasthttp.RequestCtx) bool {
	if !ctx.Request.IsBodyStream() || streamsBody(string(ctx.Path())) {
		return true
	}
	b, err := io.ReadAll(io.LimitReader(ctx.RequestBodyStream(), maxBufferedBody+1))
	if err == nil && len(b) > maxBufferedBody {
		err = fmt.Errorf("%w: a request body of more than %d bytes", api.ErrTooLarge, maxBufferedBody)
	}
	if err != nil {
		// Read on a little, so that a client that sent a body somewhat
		// too large sees the answer rather than a reset connection;
		// the rest of a huge one is not read.
		_, _ = io.Copy(io.Discard, io.LimitReader(ctx.RequestBodyStream(), drainOversized))
		ctx.SetConnectionClose()
		c.reply(ctx, nil, err)
		return false
	}
	ctx.Request.SetBody(b)
	return true
}

// requestBody returns a streaming route's body, however fasthttp holds it.
func requestBody(ctx *fasthttp.RequestCtx) io.Reader {
	if ctx.Request.IsBodyStream() {
		return ctx.RequestBodyStream()
	}
	return bytes.NewReader(ctx.PostBody())
}

// decodeBody reads a JSON request body strictly: unknown fields are errors,
// so that a misspelled field is not silently ignored.
func decodeBody(ctx *fasthttp.RequestCtx, v any) error {
	dec := json.NewDecoder(bytesReader(ctx.PostBody()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return inRequest("body", invalidf("request body: %v", err))
	}
	return nil
}

// reply writes v as JSON, or err as {"error": ...} with a status that says
// what kind of error it is.
func (c *Coordinator) reply(ctx *fasthttp.RequestCtx, v any, err error) {
	c.setFreshness(ctx)
	ctx.SetContentType("application/json")
	if err != nil {
		code, body := errorBody(err)
		if code == fasthttp.StatusServiceUnavailable {
			ctx.Response.Header.Set("Retry-After", "1")
		}
		if code >= 500 && code != fasthttp.StatusServiceUnavailable {
			c.log.Error("request failed", "path", string(ctx.Path()), "err", err)
		}
		ctx.SetStatusCode(code)
		b, _ := json.Marshal(body)
		ctx.SetBody(append(b, '\n'))
		return
	}
	if v == nil {
		v = map[string]bool{"ok": true}
	}
	b, merr := json.Marshal(v)
	if merr != nil {
		c.reply(ctx, nil, merr)
		return
	}
	ctx.SetBody(append(b, '\n'))
}

// errorBody maps an error to its HTTP status and api.ErrorBody: api's own
// errors (bad signature, a field that breaks a rule) as api says, the
// coordinator's and the state's by kind.
func errorBody(err error) (int, api.ErrorBody) {
	if code, body, ok := api.ErrorFor(err); ok {
		if body.Error.Field == "" {
			body.Error.Field = errorField(err)
		}
		if body.Error.Field == "" && body.Error.Code == api.CodeMalformed {
			// Not JSON, empty, trailing data: the body is what is wrong.
			body.Error.Field = "body"
		}
		return code, body
	}
	code := statusOf(err)
	var ec api.ErrorCode
	switch code {
	case fasthttp.StatusBadRequest:
		ec = api.CodeInvalid
	case fasthttp.StatusNotFound:
		ec = api.CodeNotFound
	case fasthttp.StatusConflict:
		ec = api.CodeConflict
	case fasthttp.StatusPaymentRequired:
		ec = api.CodePaymentRequired
	case fasthttp.StatusForbidden:
		ec = blob.CodeForbidden
	case fasthttp.StatusMethodNotAllowed, fasthttp.StatusUnsupportedMediaType:
		ec = api.CodeMalformed
	case fasthttp.StatusServiceUnavailable:
		ec = api.CodeUnavailable
		if errors.Is(err, ErrNotLeader) || errors.Is(err, errNoLeader) || errors.Is(err, errForwarded) {
			ec = api.CodeNotLeader
		}
	default:
		return code, api.ErrorBody{Error: api.ErrorDetail{Code: api.CodeInternal, Message: "coord: internal error"}}
	}
	d := api.ErrorDetail{Code: ec, Message: err.Error(), Field: errorField(err)}
	if fe := (*state.FieldError)(nil); errors.As(err, &fe) {
		d.Field = fe.Field
	}
	return code, api.ErrorBody{Error: d}
}

// statusOf maps an error to an HTTP status.
func statusOf(err error) int {
	switch {
	case errors.Is(err, ErrInvalid), errors.Is(err, state.ErrInvalid):
		return fasthttp.StatusBadRequest
	case errors.Is(err, errNoRoute), errors.Is(err, ErrUnknownMember), errors.Is(err, state.ErrNotFound):
		return fasthttp.StatusNotFound
	case errors.Is(err, errMethod):
		return fasthttp.StatusMethodNotAllowed
	case errors.Is(err, errUnsupportedType):
		return fasthttp.StatusUnsupportedMediaType
	case errors.Is(err, state.ErrConflict), errors.Is(err, state.ErrMismatch), errors.Is(err, state.ErrExpired),
		errors.Is(err, ErrNoChain), errors.Is(err, ErrGroupsSettle), errors.As(err, new(*contracts.RevertError)):
		// A contract's refusal (an epoch out of order, too few signatures,
		// an emission above the schedule) is the chain saying the state
		// does not allow it: its text goes back to the operator.
		return fasthttp.StatusConflict
	case errors.Is(err, ErrUnpaid):
		return fasthttp.StatusPaymentRequired
	case errors.Is(err, state.ErrForbidden):
		return fasthttp.StatusForbidden
	case errors.Is(err, ErrNotLeader), errors.Is(err, errNoLeader), errors.Is(err, errForwarded), errors.Is(err, errForwardLost),
		errors.Is(err, errCannotStore), errors.Is(err, ErrLeadershipLost), errors.Is(err, ErrTimeout), errors.Is(err, ErrClosed),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, blob.ErrUnavailable), errors.Is(err, blob.ErrNoQuorum), errors.Is(err, blob.ErrStore),
		errors.Is(err, errRelayerUnfunded), errors.Is(err, contracts.ErrChainUnavailable):
		// A blob no member can supply now (members down) is temporary:
		// 503 with Retry-After, not an internal error.
		return fasthttp.StatusServiceUnavailable
	}
	return fasthttp.StatusInternalServerError
}

// clientIP is the address a request came from. A request forwarded by
// another member carries the original client's address in X-Forwarded-For;
// it is believed only when the sender's address is a member's.
func (c *Coordinator) clientIP(ctx *fasthttp.RequestCtx) string {
	remote := ctx.RemoteIP().String()
	xff := string(ctx.Request.Header.Peek("X-Forwarded-For"))
	if !forward.Forwarded(ctx) || xff == "" {
		return remote
	}
	var hosts []string
	c.fsm.read(func(st *state.State) {
		for _, m := range st.Members {
			if host, _, err := net.SplitHostPort(m.HTTPAddr); err == nil {
				hosts = append(hosts, host)
			}
		}
	})
	trusted := false
	for _, h := range hosts {
		if h == remote {
			trusted = true
			break
		}
		if ips, err := net.LookupIP(h); err == nil {
			for _, ip := range ips {
				trusted = trusted || ip.String() == remote
			}
		}
	}
	if !trusted {
		return remote
	}
	return xff
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
