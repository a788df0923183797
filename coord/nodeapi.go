package coord

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/state"
)

// The node and buyer APIs (docs/ARCHITECTURE.md has the routes). Every write
// is an api.Envelope; a follower forwards it unopened, and the leader opens
// it (signature, expiry, method, strict body) and puts the signer and nonce
// into the command, so that the FSM refuses a replay on every member.

// opened is a verified envelope: who signed it, with which nonce.
type opened struct {
	signer common.Address
	addr   string // lowercase 0x-hex, as the state keys nodes
	sg     Signed
}

// openBody reads and verifies the envelope in the request body for method,
// decoding its body strictly into body.
func (c *Coordinator) openBody(ctx *fasthttp.RequestCtx, method string, body api.Validator) (opened, error) {
	var env api.Envelope
	if err := api.DecodeJSON(bytes.NewReader(ctx.PostBody()), maxEnvelopeSize(method), &env); err != nil {
		return opened{}, err
	}
	return c.openEnvelope(env, method, body)
}

// openHeader verifies the envelope a request carries in the Meadow-Envelope
// header (routes whose body is data: uploads, downloads, blob reads) for
// method, decoding its body strictly into body.
func (c *Coordinator) openHeader(ctx *fasthttp.RequestCtx, method string, body api.Validator) (opened, error) {
	env, err := api.ParseEnvelopeHeader(string(ctx.Request.Header.Peek(api.EnvelopeHeader)))
	if err != nil {
		return opened{}, inRequest(api.EnvelopeHeader, err)
	}
	o, err := c.openEnvelope(env, method, body)
	// A refusal of the envelope itself (garbled, bad signature, expired)
	// names the header; one of its body keeps the body's field.
	return o, inRequest(api.EnvelopeHeader, err)
}

// maxEnvelopeSize is how much of a signed request for method is read: a
// reveal carries up to api.MaxTaskRows row hashes and a job spec up to
// api.MaxURLs URLs; everything else is small.
func maxEnvelopeSize(method string) int64 {
	switch method {
	case api.MethodReveal:
		return api.MaxRevealSize + api.EnvelopeOverhead
	case api.MethodJobSubmit:
		return api.MaxJobSpecSize + api.EnvelopeOverhead
	}
	return api.MaxRequestSize
}

// bodyFields puts the field paths of a submitted spec's errors under "body",
// as api.Envelope.Open does for its own checks, so that every field an answer
// names is a path in the request the client sent.
func bodyFields(err error) error {
	for _, fe := range api.FieldErrors(err) {
		fe.Field = "body." + fe.Field
	}
	if se := (*state.FieldError)(nil); errors.As(err, &se) {
		se.Field = "body." + se.Field
	}
	return err
}

func (c *Coordinator) openEnvelope(env api.Envelope, method string, body api.Validator) (opened, error) {
	signer, err := env.OpenWithin(c.clock(), c.cfg.MaxClockSkew, api.DomainFor(c.cfg.ChainID), method, body)
	if err != nil {
		return opened{}, c.domainHint(err)
	}
	if err := c.groups.checkNode(method, signer); err != nil {
		return opened{}, err
	}
	addr := strings.ToLower(signer.Hex())
	return opened{signer: signer, addr: addr, sg: Signed{Signer: addr, Nonce: env.Nonce}}, nil
}

// handleAPI routes the node and buyer APIs; it reports false for a path
// that is not theirs.
func (c *Coordinator) handleAPI(ctx *fasthttp.RequestCtx) bool {
	path := string(ctx.Path())
	if c.checkPath(ctx, path) {
		return true
	}
	switch path {
	case "/v1/node/register":
		c.serveWrite(ctx, func(rctx context.Context) (any, error) { return c.httpRegister(rctx, ctx) })
	case "/v1/node/work":
		c.serveWrite(ctx, func(rctx context.Context) (any, error) { return c.httpWork(rctx, ctx) })
	case "/v1/node/commit":
		c.serveWrite(ctx, func(rctx context.Context) (any, error) {
			var cm api.Commitment
			o, err := c.openBody(ctx, api.MethodCommit, &cm)
			if err != nil {
				return nil, err
			}
			c.Seen(o.addr)
			return c.commit(rctx, o.addr, cm, o.sg)
		})
	case "/v1/node/reveal":
		c.serveWrite(ctx, func(rctx context.Context) (any, error) {
			var r api.Reveal
			o, err := c.openBody(ctx, api.MethodReveal, &r)
			if err != nil {
				return nil, err
			}
			c.Seen(o.addr)
			return c.reveal(rctx, o.addr, r, o.sg)
		})
	case "/v1/node/refuse":
		c.serveWrite(ctx, func(rctx context.Context) (any, error) {
			var r api.Refusal
			o, err := c.openBody(ctx, api.MethodRefuse, &r)
			if err != nil {
				return nil, err
			}
			if err := c.useWorkNonce(o.addr, o.sg.Nonce); err != nil {
				return nil, err
			}
			c.Seen(o.addr)
			return struct{}{}, c.Refuse(rctx, o.addr, r)
		})
	case "/v1/node/upload":
		c.serveWrite(ctx, func(rctx context.Context) (any, error) { return c.httpUpload(rctx, ctx) })
	case api.RouteUploadURL:
		c.serveWrite(ctx, func(rctx context.Context) (any, error) { return c.httpUploadURL(rctx, ctx) })
	case api.RouteUploadStaged:
		c.serveUploadStaged(ctx)
	case api.RouteModules:
		c.serveWrite(ctx, func(rctx context.Context) (any, error) { return c.httpModuleUpload(rctx, ctx) })
	case api.RouteModuleUploadURL:
		c.serveWrite(ctx, func(rctx context.Context) (any, error) { return c.httpModuleUploadURL(rctx, ctx) })
	case api.RouteModuleUploadStaged:
		c.serveWrite(ctx, func(rctx context.Context) (any, error) { return c.httpModuleUploadStaged(rctx, ctx) })
	case api.RouteDevFaucet:
		c.serveFaucet(ctx)
	case api.RouteTokenRevoke:
		c.serveTokenRevoke(ctx)
	case "/v1/jobs":
		c.serveWrite(ctx, func(rctx context.Context) (any, error) {
			var spec api.JobSpec
			o, err := c.openBody(ctx, api.MethodJobSubmit, &spec)
			if err != nil {
				return nil, err
			}
			job, err := c.submitJob(rctx, o.signer, spec, o.sg)
			if err != nil {
				return nil, bodyFields(err)
			}
			return job, nil
		})
	case api.RoutePipelines:
		c.serveWrite(ctx, func(rctx context.Context) (any, error) {
			var spec api.PipelineSpec
			o, err := c.openBody(ctx, api.MethodPipelineSubmit, &spec)
			if err != nil {
				return nil, err
			}
			p, err := c.submitPipeline(rctx, o.signer, spec, o.sg)
			if err != nil {
				return nil, bodyFields(err)
			}
			return p, nil
		})
	case "/v1/datasets":
		c.serveOwnedRead(ctx, func(rctx context.Context, reader string) (any, error) { return c.readableDatasets(rctx, reader) })
	default:
		switch {
		case strings.HasPrefix(path, blob.PathPrefix):
			c.blobHandler.Serve(ctx)
		case strings.HasPrefix(path, "/v1/node/"):
			addr, sub, _ := strings.Cut(strings.ToLower(strings.TrimPrefix(path, "/v1/node/")), "/")
			switch sub {
			case "":
				c.guarded(ctx, c.serveRead, func(context.Context) (any, error) { return c.nodeRecord(ctx, addr) })
			case "rewards":
				c.serveRead(ctx, func(rctx context.Context) (any, error) { return c.nodeRewardsClaimed(rctx, addr) })
			default:
				return false
			}
		case strings.HasPrefix(path, api.RoutePipelines+"/"):
			id, sub, _ := strings.Cut(strings.TrimPrefix(path, api.RoutePipelines+"/"), "/")
			switch sub {
			case "":
				c.serveOwnedRead(ctx, func(_ context.Context, reader string) (any, error) {
					var err error
					c.fsm.read(func(st *state.State) { err = st.MayReadPipeline(id, reader) })
					if err != nil {
						return nil, err
					}
					return c.PipelineStatus(id)
				})
			case "cancel":
				c.serveWrite(ctx, func(rctx context.Context) (any, error) {
					var ref api.PipelineRef
					o, err := c.openBody(ctx, api.MethodPipelineCancel, &ref)
					if err != nil {
						return nil, err
					}
					if ref.PipelineID != id {
						return nil, invalidf("pipeline_id %q: expected %q, the pipeline in the URL", ref.PipelineID, id)
					}
					return c.cancelPipeline(rctx, o.signer, id, o.sg)
				})
			case "card":
				c.serveOwnedRead(ctx, func(rctx context.Context, reader string) (any, error) {
					var err error
					c.fsm.read(func(st *state.State) { err = st.MayReadPipeline(id, reader) })
					if err != nil {
						return nil, err
					}
					return c.PipelineCard(rctx, id)
				})
			default:
				return false
			}
		case strings.HasPrefix(path, "/v1/jobs/"):
			id, action, _ := strings.Cut(strings.TrimPrefix(path, "/v1/jobs/"), "/")
			method, to := "", api.JobState("")
			switch action {
			case "":
				c.serveOwnedRead(ctx, func(rctx context.Context, reader string) (any, error) {
					if err := c.MayRead(rctx, id, reader); err != nil {
						return nil, err
					}
					return c.JobStatus(id)
				})
				return true
			case "grant", "revoke":
				c.serveGrant(ctx, id, action == "grant")
				return true
			case "cancel":
				method, to = api.MethodJobCancel, api.JobCancelled
			case "pause":
				method, to = api.MethodJobPause, api.JobPaused
			case "resume":
				method, to = api.MethodJobResume, api.JobRunning
			default:
				return false
			}
			c.serveWrite(ctx, func(rctx context.Context) (any, error) {
				var ref jobRef
				o, err := c.openBody(ctx, method, &ref)
				if err != nil {
					return nil, err
				}
				if ref.JobID != id {
					return nil, invalidf("job_id %q: expected %q, the job in the URL", ref.JobID, id)
				}
				return c.setJobState(rctx, o.signer, id, to, o.sg)
			})
		case strings.HasPrefix(path, "/v1/datasets/"):
			id, sub, _ := strings.Cut(strings.TrimPrefix(path, "/v1/datasets/"), "/")
			switch sub {
			case "":
				c.serveOwnedRead(ctx, func(rctx context.Context, reader string) (any, error) {
					d, err := c.readableDataset(rctx, id, reader)
					if err != nil {
						return nil, err
					}
					return datasetInfo(&d), nil
				})
			case "manifest":
				c.serveOwnedRead(ctx, func(rctx context.Context, reader string) (any, error) {
					if _, err := c.readableDataset(rctx, id, reader); err != nil {
						return nil, err
					}
					m, err := c.CompleteManifest(rctx, id)
					if errors.Is(err, errManifestPending) {
						ctx.Response.Header.Set("Retry-After", "1")
					}
					return m, err
				})
			case "data":
				c.serveDatasetData(ctx, id)
			case "proof":
				c.serveOwnedRead(ctx, func(rctx context.Context, reader string) (any, error) {
					if _, err := c.readableDataset(rctx, id, reader); err != nil {
						return nil, err
					}
					row, err := parseRow(string(ctx.QueryArgs().Peek("row")))
					if err != nil {
						return nil, err
					}
					return c.Proof(rctx, id, row)
				})
			default:
				return false
			}
		default:
			return false
		}
	}
	return true
}

func (c *Coordinator) httpRegister(rctx context.Context, ctx *fasthttp.RequestCtx) (any, error) {
	var req api.RegisterRequest
	o, err := c.openBody(ctx, api.MethodRegister, &req)
	if err != nil {
		return nil, err
	}
	if req.Address != o.signer {
		return nil, invalidf("address %s: expected the envelope's signer %s", req.Address.Hex(), o.signer.Hex())
	}
	reg := state.Registration{Address: o.addr, IP: c.clientIP(ctx), Caps: req.Capabilities}
	if req.Operator != (common.Address{}) {
		reg.Operator = strings.ToLower(req.Operator.Hex())
	}
	if req.Referrer != (common.Address{}) {
		reg.Referrer = strings.ToLower(req.Referrer.Hex())
	}
	if _, err := c.registerNode(rctx, reg, o.sg); err != nil {
		return nil, err
	}
	if len(req.CrawlDelays) > 0 {
		if _, err := c.propose(rctx, MsgDomainDelays, domainDelaysCmd{Delays: req.CrawlDelays}); err != nil {
			c.log.Warn("record crawl delays", "node", o.addr, "err", err)
		}
	}
	c.Seen(o.addr)
	return api.RegisterResponse{Address: o.signer, PollInterval: c.cfg.IdleRetry.Milliseconds(), ServerTime: c.now()}, nil
}

func (c *Coordinator) httpWork(rctx context.Context, ctx *fasthttp.RequestCtx) (any, error) {
	var req api.WorkRequest
	var env api.Envelope
	if err := api.DecodeJSON(bytes.NewReader(ctx.PostBody()), api.MaxRequestSize, &env); err != nil {
		return nil, err
	}
	o, err := c.openEnvelope(env, api.MethodWork, &req)
	if err != nil {
		return nil, err
	}
	// A work request changes nothing but through the grants it leads to,
	// so its nonce is checked in the leader's memory, not in the log; the
	// same envelope twice is answered with the same grant (workonce.go).
	return c.workOnce(rctx, o.addr, env.Nonce, req)
}

// useWorkNonce applies the replay rule, in the memory of the member that
// answers, to the requests that do not go through the log: refusals,
// uploads and dataset downloads (work requests: workOnce).
func (c *Coordinator) useWorkNonce(signer string, nonce uint64) error {
	c.seenMu.Lock()
	defer c.seenMu.Unlock()
	w, err := api.CheckNonce(c.workNonces[signer], nonce)
	if err != nil {
		return err
	}
	c.workNonces[signer] = w
	return nil
}

// Datasets lists the datasets from this member's state.
func (c *Coordinator) Datasets() []api.DatasetInfo {
	var out []api.DatasetInfo
	c.fsm.read(func(st *state.State) {
		for _, id := range sortedIDs(st.Datasets) {
			out = append(out, datasetInfo(st.Datasets[id]))
		}
	})
	if out == nil {
		out = []api.DatasetInfo{}
	}
	return out
}

// DatasetInfo describes a dataset for the buyer API.
func (c *Coordinator) DatasetInfo(id string) (api.DatasetInfo, error) {
	d, err := c.Dataset(id)
	if err != nil {
		return api.DatasetInfo{}, err
	}
	return datasetInfo(&d), nil
}

func datasetInfo(d *state.Dataset) api.DatasetInfo {
	return api.DatasetInfo{
		ID: d.ID, JobID: d.JobID, Kind: d.Kind, Rows: d.Rows, Tasks: int64(len(d.Tasks)), Root: d.Root,
		ManifestURL: fmt.Sprintf("/v1/datasets/%s/manifest", d.ID),
		Formats:     []string{api.FormatArrow, api.FormatParquet},
	}
}

func sortedIDs[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// jobRef is the body of a job's cancel, pause or resume: {"job_id": …}.
type jobRef struct {
	JobID string `json:"job_id"`
}

func (r jobRef) Validate() error {
	if r.JobID == "" {
		return invalidf("job_id: expected a job id")
	}
	return nil
}
