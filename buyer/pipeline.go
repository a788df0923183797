package buyer

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/dataset"
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

// PayPipeline pays every stage job of a done pipeline that is not paid in
// full, in stage order, and returns the payments made.
func (b *Client) PayPipeline(ctx context.Context, ch *contracts.Chain, id string, every time.Duration) ([]Payment, error) {
	p, err := b.Pipeline(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.State != api.JobDone {
		return nil, fmt.Errorf("buyer: pipeline %s is %s: its stages are paid once it is done", id, p.State)
	}
	var out []Payment
	for _, st := range p.Stages {
		pay, err := b.Pay(ctx, ch, st.Job.ID, every)
		switch {
		case errors.Is(err, ErrPaid):
		case err != nil:
			return out, fmt.Errorf("stage %s: %w", st.Name, err)
		default:
			out = append(out, pay)
		}
	}
	return out, nil
}

// PipelineFiles are a pipeline's final dataset as SavePipeline writes it,
// in the layout Hugging Face datasets reads.
type PipelineFiles struct {
	Dir      string `json:"dir"`
	Data     string `json:"data"`     // DIR/data/train-00000-of-00001.parquet
	Manifest string `json:"manifest"` // DIR/manifest.json, signed by the coordinators
	Card     string `json:"card"`     // DIR/README.md, the dataset card
	Rows     int64  `json:"rows"`
	Root     string `json:"root"`
}

// SavePipeline downloads a done (and paid) pipeline's final dataset into
// dir: the Parquet file under data/, verified row by row against the
// manifest beside it, and the dataset card as README.md.
func (b *Client) SavePipeline(ctx context.Context, id, dir string) (PipelineFiles, error) {
	p, err := b.Pipeline(ctx, id)
	if err != nil {
		return PipelineFiles{}, err
	}
	if p.State != api.JobDone {
		return PipelineFiles{}, fmt.Errorf("buyer: pipeline %s is %s: its dataset is saved once it is done", id, p.State)
	}
	f := PipelineFiles{Dir: dir, Data: filepath.Join(dir, "data", "train-00000-of-00001.parquet"),
		Manifest: filepath.Join(dir, "manifest.json"), Card: filepath.Join(dir, "README.md")}
	if err := os.MkdirAll(filepath.Dir(f.Data), 0o755); err != nil {
		return f, err
	}
	m, raw, err := b.Manifest(ctx, p.Dataset)
	if err != nil {
		return f, err
	}
	if err := os.WriteFile(f.Manifest, raw, 0o644); err != nil {
		return f, err
	}
	if _, err := b.Download(ctx, p.Dataset, api.FormatParquet, f.Data); err != nil {
		return f, err
	}
	rep, err := dataset.Verify(ctx, f.Data, dataset.VerifyOptions{Manifest: m})
	if err != nil {
		return f, err
	}
	f.Rows, f.Root = rep.Rows, m.Root.String()
	card, err := b.PipelineCard(ctx, id)
	if err != nil {
		return f, err
	}
	return f, os.WriteFile(f.Card, []byte(card.Markdown), 0o644)
}

// CancelPipeline stops a running pipeline: its running stage job is
// cancelled and no later stage starts.
func (b *Client) CancelPipeline(ctx context.Context, id string) (api.Pipeline, error) {
	var p api.Pipeline
	return p, b.c.Post(ctx, api.MethodPipelineCancel, api.RoutePipelines+"/"+url.PathEscape(id)+"/cancel", api.PipelineRef{PipelineID: id}, &p)
}
