package coord

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/state"
)

// A job, its status, progress and refusals, and its dataset (description,
// manifest, proofs, data) belong to its buyer and to the addresses the
// buyer grants access to (state.MayRead decides; docs/ARCHITECTURE.md,
// "Who may read a job"). Reads are signed: an api.MethodRead envelope in
// the Meadow-Envelope header (api.MethodDatasetGet for the data). Without
// one the answer is 401 naming the header; signed by anyone else, 403
// naming the buyer.

// errNoReadEnvelope is a read of a job or a dataset without an envelope.
var errNoReadEnvelope = errors.New("coord: missing " + api.EnvelopeHeader + " header: reading a job or a dataset needs a " +
	api.MethodRead + " envelope (" + api.MethodDatasetGet + " for the data) signed by the job's buyer or an address it granted access to, " +
	"or an Authorization: Bearer header with a read token of theirs (meadow buyer token create)")

// jobGrantCmd grants (Grant true) or revokes an address's access to a job,
// for the job's buyer (the envelope's signer).
type jobGrantCmd struct {
	Signed
	JobID   string         `json:"job_id"`
	Buyer   string         `json:"buyer"`
	Address common.Address `json:"address"`
	Grant   bool           `json:"grant"`
}

// GrantAccess lets addr read job id and its dataset (grant true), or stops
// letting it; only the job's buyer may. It returns the job's grants.
func (c *Coordinator) GrantAccess(ctx context.Context, buyer common.Address, id string, addr common.Address, grant bool) ([]string, error) {
	return c.grantAccess(ctx, buyer, id, addr, grant, Signed{})
}

func (c *Coordinator) grantAccess(ctx context.Context, signer common.Address, id string, addr common.Address, grant bool, sg Signed) ([]string, error) {
	buyer, err := c.jobActor(ctx, signer, id)
	if err != nil {
		return nil, err
	}
	v, err := c.propose(ctx, MsgJobGrant, jobGrantCmd{Signed: sg, JobID: id, Buyer: strings.ToLower(buyer.Hex()), Address: addr, Grant: grant})
	if err != nil {
		return nil, err
	}
	g, _ := v.([]string)
	if g == nil {
		g = []string{}
	}
	return g, nil
}

// MayRead returns nil when addr may read job id, and otherwise an error
// wrapping state.ErrForbidden (or state.ErrNotFound) that says who may. A
// reader the state refuses may still read a community's job as a holder of
// its membership (community.go), which asks the chain.
func (c *Coordinator) MayRead(ctx context.Context, id, addr string) (err error) {
	var buyer common.Address
	c.fsm.read(func(s *state.State) {
		if err = s.MayRead(id, addr); err != nil {
			if j, ok := s.Jobs[id]; ok {
				buyer = j.Buyer
			}
		}
	})
	return c.memberRead(ctx, buyer, addr, err)
}

// readableDataset returns dataset id when addr may read its job.
func (c *Coordinator) readableDataset(ctx context.Context, id, addr string) (d state.Dataset, err error) {
	var buyer common.Address
	c.fsm.read(func(s *state.State) {
		if d, err = s.Dataset(id); err == nil {
			if err = s.MayRead(d.JobID, addr); err != nil {
				if j, ok := s.Jobs[d.JobID]; ok {
					buyer = j.Buyer
				}
			}
		}
	})
	return d, c.memberRead(ctx, buyer, addr, err)
}

// openRead checks a signed read: the MethodRead envelope in the header,
// for this request's path, with a fresh nonce (kept in this member's
// memory, as for downloads). It returns the reader's lowercase address.
func (c *Coordinator) openRead(ctx *fasthttp.RequestCtx) (string, error) {
	if hasBearer(ctx) && len(ctx.Request.Header.Peek(api.EnvelopeHeader)) == 0 {
		return c.openBearer(ctx, string(ctx.Path()))
	}
	if len(ctx.Request.Header.Peek(api.EnvelopeHeader)) == 0 {
		return "", errNoReadEnvelope
	}
	var r api.ReadRequest
	o, err := c.openHeader(ctx, api.MethodRead, &r)
	if err != nil {
		return "", err
	}
	if p := string(ctx.Path()); r.Path != p {
		return "", &api.FieldError{Field: "body.path", Value: strconv.Quote(r.Path), Expected: "the path read, " + p}
	}
	if err := c.useWorkNonce(o.addr, o.sg.Nonce); err != nil {
		return "", err
	}
	return o.addr, nil
}

// serveOwnedRead answers a signed read of a job or a dataset: fn gets the
// reader's address and decides with MayRead. A consistent read is
// forwarded to the leader unopened, and checked there.
func (c *Coordinator) serveOwnedRead(ctx *fasthttp.RequestCtx, fn func(rctx context.Context, reader string) (any, error)) {
	c.guarded(ctx, c.serveRead, func(rctx context.Context) (any, error) {
		reader, err := c.openRead(ctx)
		if err != nil {
			return nil, err
		}
		return fn(rctx, reader)
	})
}

// guarded runs fn through serve (serveRead or serveWrite, which forward,
// check leadership and answer) and answers a refusal of access itself: 401
// without an envelope, 403 for a signer who may not. serve's own mapping
// knows neither, so fn's refusal is held back from it and the answer it
// wrote is replaced.
func (c *Coordinator) guarded(ctx *fasthttp.RequestCtx, serve func(*fasthttp.RequestCtx, func(context.Context) (any, error)), fn func(context.Context) (any, error)) {
	var denied error
	serve(ctx, func(rctx context.Context) (any, error) {
		v, err := fn(rctx)
		if td := (*tokenDenied)(nil); errors.Is(err, errNoReadEnvelope) || errors.Is(err, state.ErrForbidden) || errors.As(err, &td) {
			denied = err
			return nil, nil
		}
		return v, err
	})
	if denied != nil {
		c.replyDenied(ctx, denied)
	}
}

// replyDenied answers a refusal of access: 401 naming the Meadow-Envelope
// header when there was no envelope, 403 naming who may otherwise.
func (c *Coordinator) replyDenied(ctx *fasthttp.RequestCtx, err error) {
	if td := (*tokenDenied)(nil); errors.As(err, &td) {
		c.replyToken(ctx, td)
		return
	}
	status, d := fasthttp.StatusForbidden, api.ErrorDetail{Code: blob.CodeForbidden, Message: err.Error()}
	if errors.Is(err, errNoReadEnvelope) {
		status, d.Code, d.Field = fasthttp.StatusUnauthorized, blob.CodeUnauthorized, api.EnvelopeHeader
	}
	ctx.Response.ResetBody()
	c.setFreshness(ctx)
	ctx.SetContentType("application/json")
	ctx.SetStatusCode(status)
	b, _ := json.Marshal(api.ErrorBody{Error: d})
	ctx.SetBody(append(b, '\n'))
}

// serveGrant answers POST /v1/jobs/{id}/grant and /revoke.
func (c *Coordinator) serveGrant(ctx *fasthttp.RequestCtx, id string, grant bool) {
	method := api.MethodJobRevoke
	if grant {
		method = api.MethodJobGrant
	}
	c.guarded(ctx, c.serveWrite, func(rctx context.Context) (any, error) {
		var g api.JobGrant
		o, err := c.openBody(ctx, method, &g)
		if err != nil {
			return nil, err
		}
		if g.JobID != id {
			return nil, invalidf("job_id %q: expected %q, the job in the URL", g.JobID, id)
		}
		grants, err := c.grantAccess(rctx, o.signer, id, g.Address, grant, o.sg)
		if err != nil {
			return nil, bodyFields(err)
		}
		return map[string]any{"job_id": id, "grants": grants}, nil
	})
}

// readableDatasets lists the datasets of the jobs addr may read: as buyer
// or grantee, or as a holder of the membership of the community that
// bought them (one chain read per such community).
func (c *Coordinator) readableDatasets(ctx context.Context, addr string) ([]api.DatasetInfo, error) {
	out := []api.DatasetInfo{}
	refused := map[common.Address][]*state.Dataset{} // by the job's buyer
	c.fsm.read(func(st *state.State) {
		for _, id := range sortedIDs(st.Datasets) {
			d := st.Datasets[id]
			if st.MayRead(d.JobID, addr) == nil {
				out = append(out, datasetInfo(d))
			} else if j, ok := st.Jobs[d.JobID]; ok {
				refused[j.Buyer] = append(refused[j.Buyer], d)
			}
		}
	})
	if c.chain == nil || len(refused) == 0 {
		return out, nil
	}
	for buyer, ds := range refused {
		err := c.memberRead(ctx, buyer, addr, state.ErrForbidden)
		if errors.Is(err, state.ErrForbidden) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			out = append(out, datasetInfo(d))
		}
	}
	slices.SortFunc(out, func(a, b api.DatasetInfo) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}
