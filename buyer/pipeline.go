package buyer

import (
	"context"
	"net/url"
	"time"

	"github.com/meadow-net/meadow/api"
)

// SubmitPipeline validates spec locally and submits it: the coordinators
// run its stages one after another (api.PipelineSpec).
func (b *Client) SubmitPipeline(ctx context.Context, spec api.PipelineSpec) (api.Pipeline, error) {
	if err := spec.Validate(); err != nil {
		return api.Pipeline{}, err
	}
	var p api.Pipeline
	return p, b.c.Post(ctx, api.MethodPipelineSubmit, api.RoutePipelines, spec, &p)
}

// Pipeline reads a pipeline's status: its stages and their jobs (a signed
// read).
func (b *Client) Pipeline(ctx context.Context, id string) (api.Pipeline, error) {
	var p api.Pipeline
	return p, b.c.GetSigned(ctx, api.RoutePipelines+"/"+url.PathEscape(id), &p)
}

// PipelineCard reads a done pipeline's dataset card.
func (b *Client) PipelineCard(ctx context.Context, id string) (api.DatasetCard, error) {
	var c api.DatasetCard
	return c, b.c.GetSigned(ctx, api.RoutePipelines+"/"+url.PathEscape(id)+"/card", &c)
}

// WaitPipeline polls a pipeline every interval until it is final, calling
// progress (when set) after each read.
func (b *Client) WaitPipeline(ctx context.Context, id string, every time.Duration, progress func(api.Pipeline)) (api.Pipeline, error) {
	for {
		p, err := b.Pipeline(ctx, id)
		if err == nil {
			if progress != nil {
				progress(p)
			}
			if p.State.Final() {
				return p, nil
			}
		}
		select {
		case <-ctx.Done():
			if err != nil {
				return p, err
			}
			return p, ctx.Err()
		case <-time.After(every):
		}
	}
}
