package coord

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/state"
)

// Read tokens (api.ReadToken, docs/ARCHITECTURE.md "Read tokens"): a GET of
// a job or a dataset may carry "Authorization: Bearer TOKEN" instead of a
// signed envelope. Any member verifies the token alone (signature, chain,
// clock), then checks the replicated revocations, the token's scope against
// the path, and the buyer's right to read (state.MayRead) as for a signed
// read. A token that fails is 401 with a code saying why (and a
// WWW-Authenticate header, RFC 6750); a good token outside its scope, or of
// a buyer who may not read the job, is 403.

// tokenRevokeCmd revokes one of a buyer's read tokens at the leader's time.
type tokenRevokeCmd struct {
	Signed
	Buyer string `json:"buyer"`
	ID    string `json:"id"`
	Now   int64  `json:"now"`
}

// applyTokenRevoke applies MsgTokenRevoke; its result is until when the
// revocation is kept (unix ms).
func (f *fsm) applyTokenRevoke(body []byte, index uint64) any {
	var c tokenRevokeCmd
	decode(MsgTokenRevoke, body, index, &c)
	var until int64
	err := f.st.UseNonce(c.Signer, c.Nonce, func() error {
		until = f.st.RevokeToken(c.Buyer, c.ID, c.Now)
		return nil
	})
	if err != nil {
		return err
	}
	return until
}

// RevokeToken revokes buyer's read token id on every member.
func (c *Coordinator) RevokeToken(ctx context.Context, buyer common.Address, id string) (api.TokenRevoked, error) {
	return c.revokeToken(ctx, buyer, id, Signed{})
}

func (c *Coordinator) revokeToken(ctx context.Context, buyer common.Address, id string, sg Signed) (api.TokenRevoked, error) {
	v, err := c.propose(ctx, MsgTokenRevoke, tokenRevokeCmd{Signed: sg, Buyer: strings.ToLower(buyer.Hex()), ID: id, Now: c.now()})
	if err != nil {
		return api.TokenRevoked{}, err
	}
	until, _ := v.(int64)
	return api.TokenRevoked{ID: id, Buyer: buyer, Until: until}, nil
}

// serveTokenRevoke answers POST /v1/tokens/revoke: the signer revokes one
// of its own tokens (a revocation is keyed by the signer, so nobody can
// revoke another's).
func (c *Coordinator) serveTokenRevoke(ctx *fasthttp.RequestCtx) {
	c.serveWrite(ctx, func(rctx context.Context) (any, error) {
		var r api.TokenRevoke
		o, err := c.openBody(ctx, api.MethodTokenRevoke, &r)
		if err != nil {
			return nil, err
		}
		return c.revokeToken(rctx, o.signer, r.ID, o.sg)
	})
}

// tokenDenied is a bearer token refused: 401 with Code.
type tokenDenied struct {
	code api.ErrorCode
	err  error
}

func (e *tokenDenied) Error() string { return e.err.Error() }
func (e *tokenDenied) Unwrap() error { return e.err }

// The codes of a refused token, beside api's bad_signature and expired.
const (
	codeWrongDomain api.ErrorCode = "wrong_domain"
	codeRevoked     api.ErrorCode = "revoked"
	codeBadToken    api.ErrorCode = "bad_token"
)

// errTokenRevoked is a revoked token.
var errTokenRevoked = errors.New("coord: read token revoked")

// hasBearer reports whether the request carries a bearer token.
func hasBearer(ctx *fasthttp.RequestCtx) bool {
	return len(ctx.Request.Header.Peek(fasthttp.HeaderAuthorization)) > 0
}

// openBearer checks the request's bearer token for reading path and
// returns the buyer's lowercase address: a *tokenDenied when the token is
// no good, an error wrapping state.ErrForbidden when path is outside its
// scope. Whether the buyer may read the job is the route's check.
func (c *Coordinator) openBearer(ctx *fasthttp.RequestCtx, path string) (string, error) {
	h := string(ctx.Request.Header.Peek(fasthttp.HeaderAuthorization))
	raw, ok := strings.CutPrefix(h, api.BearerPrefix)
	if !ok {
		return "", &tokenDenied{code: codeBadToken, err: fmt.Errorf("coord: Authorization header: expected %q followed by a read token (meadow buyer token create)", api.BearerPrefix)}
	}
	t, err := api.VerifyReadToken(strings.TrimSpace(raw), c.clock(), c.cfg.MaxClockSkew, c.cfg.ChainID)
	if err != nil {
		code := codeBadToken
		switch {
		case errors.Is(err, api.ErrWrongDomain):
			code = codeWrongDomain
		case errors.Is(err, api.ErrExpired):
			code = api.CodeExpired
		case errors.Is(err, api.ErrBadSignature):
			code = api.CodeBadSig
		}
		return "", &tokenDenied{code: code, err: err}
	}
	buyer := strings.ToLower(t.Buyer.Hex())
	var revoked bool
	var jobOf func(dataset string) string
	c.fsm.read(func(s *state.State) { revoked = s.TokenRevoked(buyer, t.ID) })
	if revoked {
		return "", &tokenDenied{code: codeRevoked, err: fmt.Errorf("%w: token %s of %s was revoked (meadow buyer token revoke)", errTokenRevoked, t.ID, t.Buyer.Hex())}
	}
	jobOf = func(id string) (job string) {
		c.fsm.read(func(s *state.State) {
			if d, err := s.Dataset(id); err == nil {
				job = d.JobID
			}
		})
		return job
	}
	scope, _ := api.ParseScope(t.Scope) // valid: VerifyReadToken validated the claims
	if !scopeCovers(scope, path, jobOf) {
		return "", fmt.Errorf("%w: read token %s has scope %q, which does not cover %s", state.ErrForbidden, t.ID, t.Scope, path)
	}
	return buyer, nil
}

// scopeCovers reports whether a token of scope may read path: "all" reads
// everything, "job:J" the job J and its dataset, "dataset:D" the dataset
// D. jobOf gives a dataset's job ("" when unknown).
func scopeCovers(scope api.Scope, path string, jobOf func(string) string) bool {
	if scope.Kind == api.ScopeAll {
		return true
	}
	if id, ok := strings.CutPrefix(path, "/v1/jobs/"); ok && !strings.Contains(id, "/") {
		return scope.Kind == "job" && scope.ID == id
	}
	if rest, ok := strings.CutPrefix(path, "/v1/datasets/"); ok {
		id, _, _ := strings.Cut(rest, "/")
		switch scope.Kind {
		case "dataset":
			return scope.ID == id
		case "job":
			return jobOf(id) == scope.ID
		}
	}
	return false // the dataset list, and anything else: "all" only
}

// replyToken answers a refused token: 401 with its code, naming the
// Authorization header.
func (c *Coordinator) replyToken(ctx *fasthttp.RequestCtx, td *tokenDenied) {
	ctx.Response.ResetBody()
	ctx.Response.Header.Set(fasthttp.HeaderWWWAuthenticate, `Bearer realm="meadow", error="invalid_token"`)
	c.replyStatus(ctx, fasthttp.StatusUnauthorized, api.ErrorDetail{Code: td.code, Field: fasthttp.HeaderAuthorization, Message: td.Error()})
}

// openDownload checks a download's credentials: a bearer token whose scope
// covers the dataset, or the dataset.get envelope naming this dataset and
// format. It returns the reader's lowercase address, or answers the
// refusal itself and reports false.
func (c *Coordinator) openDownload(ctx *fasthttp.RequestCtx, id, format string) (string, bool) {
	if hasBearer(ctx) && len(ctx.Request.Header.Peek(api.EnvelopeHeader)) == 0 {
		reader, err := c.openBearer(ctx, string(ctx.Path()))
		if td := (*tokenDenied)(nil); errors.As(err, &td) || errors.Is(err, state.ErrForbidden) {
			c.replyDenied(ctx, err)
			return "", false
		}
		if err != nil {
			c.reply(ctx, nil, err)
			return "", false
		}
		return reader, true
	}
	if len(ctx.Request.Header.Peek(api.EnvelopeHeader)) == 0 {
		c.replyDenied(ctx, errNoReadEnvelope)
		return "", false
	}
	var g datasetGet
	o, err := c.openHeader(ctx, api.MethodDatasetGet, &g)
	if err == nil {
		err = c.useWorkNonce(o.addr, o.sg.Nonce)
	}
	if err != nil {
		c.reply(ctx, nil, err)
		return "", false
	}
	if g.DatasetID != id || g.Format != format {
		c.reply(ctx, nil, invalidf("envelope body %+v: expected dataset_id %q and format %q, as in the URL", g, id, format))
		return "", false
	}
	return o.addr, true
}
