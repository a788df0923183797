package coord

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/dataset"
)

// Pipelines (api/pipeline.go): a buyer submits once; the leader starts the
// crawl at once and each later stage when the stage before is done, as an
// ordinary job over that stage's dataset. The state records each stage
// started (MsgPipelineAdvance), so a new leader goes on where the last one
// stopped, and a step two leaders both proposed is applied once.

type pipelineSubmitCmd struct {
	Signed
	Pipeline state.NewPipeline `json:"pipeline"`
	Now      int64             `json:"now"`
}

type pipelineAdvanceCmd struct {
	Step state.PipelineStep `json:"step"`
	Now  int64              `json:"now"`
}

func (f *fsm) applyPipelineSubmit(body []byte, index uint64) any {
	var c pipelineSubmitCmd
	decode(MsgPipelineSubmit, body, index, &c)
	p, err := f.st.SubmitPipeline(c.Signer, c.Nonce, c.Pipeline, c.Now)
	if err != nil {
		return err
	}
	return p.ID
}

func (f *fsm) applyPipelineAdvance(body []byte, index uint64) any {
	var c pipelineAdvanceCmd
	decode(MsgPipelineAdvance, body, index, &c)
	p, err := f.st.AdvancePipeline(c.Step, c.Now)
	if err != nil {
		return err
	}
	return p.ID
}

// SubmitPipeline submits a pipeline for buyer from this process (tests,
// meadow dev), as POST /v1/pipelines does for a signed request.
func (c *Coordinator) SubmitPipeline(ctx context.Context, buyer common.Address, spec api.PipelineSpec) (api.Pipeline, error) {
	return c.submitPipeline(ctx, buyer, spec, Signed{})
}

func (c *Coordinator) submitPipeline(ctx context.Context, buyer common.Address, spec api.PipelineSpec, sg Signed) (api.Pipeline, error) {
	spec = spec.WithDefaults()
	if err := spec.ValidateWith(c.checks); err != nil {
		return api.Pipeline{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if !c.IsLeader() {
		return api.Pipeline{}, ErrNotLeader
	}
	if err := c.checkArrears(buyer); err != nil {
		return api.Pipeline{}, err
	}
	id := c.newID("p")
	first := spec.StageSpec(0, "").WithDefaults()
	jobID := state.PipelineJobID(id, api.StageCrawl)
	var (
		tasks []api.Task
		err   error
	)
	c.fsm.read(func(st *state.State) { tasks, err = st.SplitJob(jobID, first) })
	if err != nil {
		return api.Pipeline{}, err
	}
	nj, err := c.newJob(jobID, buyer, first, tasks)
	if err != nil {
		return api.Pipeline{}, err
	}
	v, err := c.propose(ctx, MsgPipelineSubmit, pipelineSubmitCmd{
		Signed:   sg,
		Pipeline: state.NewPipeline{ID: id, Buyer: buyer, Spec: spec, First: nj},
		Now:      c.now(),
	})
	if err != nil {
		return api.Pipeline{}, err
	}
	return c.PipelineStatus(v.(string))
}

// PipelineStatus returns a pipeline's status from this member's state.
func (c *Coordinator) PipelineStatus(id string) (p api.Pipeline, err error) {
	c.fsm.read(func(st *state.State) {
		if p, err = st.PipelineStatus(id); err != nil {
			return
		}
		for _, stage := range p.Stages {
			if stage.Job != nil {
				c.addStranded(st, stage.Job)
			}
		}
	})
	return p, err
}

// pipelineInterval is how often the leader looks for pipelines whose stage
// is done.
const pipelineInterval = 250 * time.Millisecond

// advancePipelines is the leader's duty: for each running pipeline whose
// last stage job is final, start the next stage, or end the pipeline.
func (c *Coordinator) advancePipelines(ctx context.Context) {
	every(ctx, pipelineInterval, func(ctx context.Context) {
		var todo []state.Pipeline
		c.fsm.read(func(st *state.State) {
			for _, p := range st.PipelinesToAdvance() {
				todo = append(todo, *p)
			}
		})
		for _, p := range todo {
			step := c.nextStep(ctx, p)
			_, err := c.propose(ctx, MsgPipelineAdvance, pipelineAdvanceCmd{Step: step, Now: c.now()})
			switch {
			case err == nil:
				c.log.Info("pipeline step", "pipeline", p.ID, "stage", step.Stage, "done", step.Done, "error", step.Error)
			case errors.Is(err, state.ErrStaleStep):
			default:
				c.log.Warn("pipeline step", "pipeline", p.ID, "stage", step.Stage, "err", err)
			}
		}
	})
}

// nextStep decides what follows the last stage job of p, which is final.
func (c *Coordinator) nextStep(ctx context.Context, p state.Pipeline) state.PipelineStep {
	step := state.PipelineStep{Pipeline: p.ID, Stage: len(p.Jobs)}
	last, err := c.Job(p.Jobs[len(p.Jobs)-1])
	names := p.Spec.StageNames()
	switch {
	case err != nil:
		step.Error = err.Error()
	case last.State != api.JobDone:
		step.Error = fmt.Sprintf("stage %s: job %s is %s", names[len(p.Jobs)-1], last.ID, last.State)
		if last.Error != "" {
			step.Error += ": " + last.Error
		}
	case len(p.Jobs) == len(names):
		step.Done = true
	default:
		name := names[len(p.Jobs)]
		spec := p.Spec.StageSpec(len(p.Jobs), last.Dataset).WithDefaults()
		id := state.PipelineJobID(p.ID, name)
		if err := c.checkStageJob(ctx, spec); err != nil {
			step.Error = fmt.Sprintf("stage %s over %s: %v", name, last.Dataset, err)
			return step
		}
		var tasks []api.Task
		c.fsm.read(func(st *state.State) { tasks, err = st.SplitJob(id, spec) })
		var nj state.NewJob
		if err == nil {
			nj, err = c.newJob(id, p.Buyer, spec, tasks)
		}
		if err != nil {
			step.Error = fmt.Sprintf("stage %s over %s: %v", name, last.Dataset, err)
			return step
		}
		step.Job = &nj
	}
	return step
}

// checkStageJob checks a stage's job as a buyer's submission is checked:
// its spec, and its columns against its input's schema.
func (c *Coordinator) checkStageJob(ctx context.Context, spec api.JobSpec) error {
	if err := spec.ValidateWith(c.checks); err != nil {
		return err
	}
	if spec.Compute != nil {
		return c.checkComputeColumn(ctx, *spec.Compute)
	}
	return nil
}

// PipelineCard is a done pipeline's dataset card (api.DatasetCard): a
// README.md in the layout Hugging Face datasets reads (YAML front matter
// naming the data files), with the pipeline's spec, each stage's job,
// filter, row counts and root.
func (c *Coordinator) PipelineCard(ctx context.Context, id string) (api.DatasetCard, error) {
	p, err := c.PipelineStatus(id)
	if err != nil {
		return api.DatasetCard{}, err
	}
	if p.State != api.JobDone {
		return api.DatasetCard{}, fmt.Errorf("%w: pipeline %s is %s: its card is written once it is done", state.ErrConflict, id, p.State)
	}
	card := api.DatasetCard{Pipeline: p.ID, Dataset: p.Dataset}
	prev := int64(0)
	for i, st := range p.Stages {
		d, err := c.Dataset(st.Job.Dataset)
		if err != nil {
			return api.DatasetCard{}, err
		}
		cs := api.CardStage{Name: st.Name, Job: st.Job.ID, Dataset: d.ID, Root: d.Root, Rows: d.Rows, RowsIn: prev}
		var job state.Job
		c.fsm.read(func(s *state.State) {
			if job, err = s.Job(st.Job.ID); err == nil {
				cs.TasksAlone, err = s.TasksAlone(st.Job.ID)
			}
		})
		if err != nil {
			return api.DatasetCard{}, err
		}
		cs.Replication = job.Spec.Replication
		spec := p.Spec.StageSpec(i, "")
		if spec.Compute != nil {
			cs.Where = spec.Compute.Where
		}
		card.Stages = append(card.Stages, cs)
		prev = d.Rows
	}
	final, err := c.Dataset(p.Dataset)
	if err != nil {
		return api.DatasetCard{}, err
	}
	schema, err := c.schemaOf(ctx, final)
	if err != nil {
		return api.DatasetCard{}, err
	}
	for _, col := range schema.Columns {
		card.Columns = append(card.Columns, api.CardColumn{Name: col.Name, Type: col.Type.String(), Provenance: col.Role == dataset.RoleProvenance})
	}
	card.Markdown = api.RenderCard(p, card)
	return card, nil
}

type pipelineCancelCmd struct {
	Signed
	ID    string `json:"id"`
	Buyer string `json:"buyer"`
	Now   int64  `json:"now"`
}

func (f *fsm) applyPipelineCancel(body []byte, index uint64) any {
	var c pipelineCancelCmd
	decode(MsgPipelineCancel, body, index, &c)
	var p *state.Pipeline
	err := f.st.UseNonce(c.Signer, c.Nonce, func() (err error) {
		p, err = f.st.CancelPipeline(c.ID, c.Buyer, c.Now)
		return err
	})
	if err != nil {
		return err
	}
	return p.ID
}

// CancelPipeline cancels a pipeline for buyer from this process, as POST
// /v1/pipelines/{id}/cancel does for a signed request.
func (c *Coordinator) CancelPipeline(ctx context.Context, buyer common.Address, id string) (api.Pipeline, error) {
	return c.cancelPipeline(ctx, buyer, id, Signed{})
}

func (c *Coordinator) cancelPipeline(ctx context.Context, buyer common.Address, id string, sg Signed) (api.Pipeline, error) {
	v, err := c.propose(ctx, MsgPipelineCancel, pipelineCancelCmd{Signed: sg, ID: id, Buyer: buyer.Hex(), Now: c.now()})
	if err != nil {
		return api.Pipeline{}, err
	}
	return c.PipelineStatus(v.(string))
}
