package state

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
)

// Pipeline is a buyer's pipeline (api.PipelineSpec): stage jobs run one
// after another, each over the dataset of the one before. The leader starts
// each stage once the previous one is done (AdvancePipeline); the state
// only records what was started, so that every member and every later
// leader knows the same stages.
type Pipeline struct {
	ID        string           `json:"id"`
	Buyer     common.Address   `json:"buyer"`
	Spec      api.PipelineSpec `json:"spec"`
	CreatedAt int64            `json:"created_at"`
	State     api.JobState     `json:"state"`
	Error     string           `json:"error,omitempty"`
	// Jobs are the stage jobs started, in the order of Spec.StageNames().
	Jobs []string `json:"jobs"`
	// SubmitNonce is the nonce of the pipeline.submit envelope (as Job's).
	SubmitNonce uint64 `json:"submit_nonce,omitempty"`
}

// NewPipeline is a pipeline as the leader submits it, with its first
// stage's job (the crawl) split into tasks.
type NewPipeline struct {
	ID    string           `json:"id"`
	Buyer common.Address   `json:"buyer"`
	Spec  api.PipelineSpec `json:"spec"`
	First NewJob           `json:"first"`
}

// PipelineJobID is the id of stage name's job in pipeline id.
func PipelineJobID(id, stage string) string { return id + "." + stage }

// SubmitPipeline adds a pipeline and its first stage's job.
func (s *State) SubmitPipeline(signer string, nonce uint64, np NewPipeline, now int64) (*Pipeline, error) {
	var p *Pipeline
	err := s.UseNonce(signer, nonce, func() error {
		switch {
		case !idRE.MatchString(np.ID):
			return invalidf("pipeline.id %q: expected %s", np.ID, api.IDExpected)
		case s.Pipelines[np.ID] != nil:
			return conflictf("pipeline %q exists", np.ID)
		case np.First.ID != PipelineJobID(np.ID, api.StageCrawl) || np.First.Buyer != np.Buyer:
			return invalidf("pipeline %q: its first job %q: expected %q, the buyer's", np.ID, np.First.ID, PipelineJobID(np.ID, api.StageCrawl))
		}
		if _, err := s.SubmitJob(np.First, now); err != nil {
			return err
		}
		p = &Pipeline{ID: np.ID, Buyer: np.Buyer, Spec: np.Spec, CreatedAt: now, State: api.JobRunning,
			Jobs: []string{np.First.ID}, SubmitNonce: nonce}
		s.Pipelines[p.ID] = p
		return nil
	})
	if errors.Is(err, api.ErrReplayed) {
		for _, prev := range s.Pipelines {
			if prev.Buyer == np.Buyer && prev.SubmitNonce == nonce && nonce != 0 {
				return prev, nil
			}
		}
	}
	return p, err
}

// PipelineStep is what the leader decided for a running pipeline whose
// last stage job is final: start the next stage (Job), end the pipeline
// done (Done), or end it failed (Error).
type PipelineStep struct {
	Pipeline string  `json:"pipeline"`
	Stage    int     `json:"stage"` // the index of the stage started, or len(stages) when done
	Job      *NewJob `json:"job,omitempty"`
	Done     bool    `json:"done,omitempty"`
	Error    string  `json:"error,omitempty"`
}

// ErrStaleStep marks a step another leader already took.
var ErrStaleStep = errors.New("state: pipeline step already taken")

// AdvancePipeline applies a step. A step for a stage already started (a
// leader that lost its lead proposed it too) is refused with ErrStaleStep
// and changes nothing; so is a step while the last stage job is not final.
func (s *State) AdvancePipeline(step PipelineStep, now int64) (*Pipeline, error) {
	p := s.Pipelines[step.Pipeline]
	if p == nil {
		return nil, notFound("pipeline", step.Pipeline)
	}
	if p.State != api.JobRunning || step.Stage != len(p.Jobs) {
		return nil, ErrStaleStep
	}
	last := s.Jobs[p.Jobs[len(p.Jobs)-1]]
	if last == nil || !last.State.Final() {
		return nil, ErrStaleStep
	}
	names := p.Spec.StageNames()
	switch {
	case step.Error != "":
		p.State, p.Error = api.JobFailed, step.Error
	case step.Done:
		if len(p.Jobs) != len(names) || last.State != api.JobDone {
			return nil, invalidf("pipeline %q: done after %d of %d stages", p.ID, len(p.Jobs), len(names))
		}
		p.State = api.JobDone
	case step.Job != nil:
		if step.Stage >= len(names) || step.Job.ID != PipelineJobID(p.ID, names[step.Stage]) || step.Job.Buyer != p.Buyer {
			return nil, invalidf("pipeline %q: stage %d's job %q: expected %s's job for the buyer", p.ID, step.Stage, step.Job.ID, names[min(step.Stage, len(names)-1)])
		}
		if last.State != api.JobDone {
			return nil, invalidf("pipeline %q: stage %d started while job %s is %s", p.ID, step.Stage, last.ID, last.State)
		}
		if _, err := s.SubmitJob(*step.Job, now); err != nil {
			return nil, err
		}
		p.Jobs = append(p.Jobs, step.Job.ID)
	default:
		return nil, invalidf("pipeline %q: a step with no job, no done and no error", p.ID)
	}
	return p, nil
}

// PipelinesToAdvance lists the running pipelines whose last stage job is
// final, in id order: the leader's work.
func (s *State) PipelinesToAdvance() []*Pipeline {
	var out []*Pipeline
	for _, p := range s.Pipelines {
		if p.State != api.JobRunning {
			continue
		}
		if j := s.Jobs[p.Jobs[len(p.Jobs)-1]]; j != nil && j.State.Final() {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *Pipeline) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// PipelineStatus is a pipeline's status as its buyer reads it.
func (s *State) PipelineStatus(id string) (api.Pipeline, error) {
	p := s.Pipelines[id]
	if p == nil {
		return api.Pipeline{}, notFound("pipeline", id)
	}
	out := api.Pipeline{ID: p.ID, Spec: p.Spec, State: p.State, Buyer: p.Buyer, CreatedAt: p.CreatedAt, Error: p.Error}
	for i, name := range p.Spec.StageNames() {
		st := api.PipelineStage{Name: name}
		if i < len(p.Jobs) {
			js, err := s.JobStatus(p.Jobs[i])
			if err != nil {
				return api.Pipeline{}, err
			}
			st.Job = &js
		}
		out.Stages = append(out.Stages, st)
	}
	if p.State == api.JobDone {
		out.Dataset = s.Jobs[p.Jobs[len(p.Jobs)-1]].Dataset
	}
	return out, nil
}

// Pipeline returns a copy of a pipeline.
func (s *State) Pipeline(id string) (Pipeline, error) {
	p := s.Pipelines[id]
	if p == nil {
		return Pipeline{}, notFound("pipeline", id)
	}
	out := *p
	out.Jobs = append([]string(nil), p.Jobs...)
	return out, nil
}

// MayReadPipeline says whether reader (lowercase 0x-hex) may read the
// pipeline: its buyer only.
func (s *State) MayReadPipeline(id, reader string) error {
	p := s.Pipelines[id]
	if p == nil {
		return notFound("pipeline", id)
	}
	if strings.ToLower(p.Buyer.Hex()) != strings.ToLower(reader) {
		return fmt.Errorf("%w: pipeline %s belongs to its buyer %s; %s may not read it", ErrForbidden, id, p.Buyer.Hex(), reader)
	}
	return nil
}

// CancelPipeline stops a running pipeline for its buyer: the stage job
// that runs is cancelled (its finished stages stay, readable and payable),
// and no later stage starts.
func (s *State) CancelPipeline(id, buyer string, now int64) (*Pipeline, error) {
	p := s.Pipelines[id]
	if p == nil {
		return nil, notFound("pipeline", id)
	}
	if !strings.EqualFold(p.Buyer.Hex(), buyer) {
		return nil, conflictf("pipeline %s belongs to another buyer", id)
	}
	if p.State != api.JobRunning {
		return nil, conflictf("pipeline %s is %s", id, p.State)
	}
	if last := s.Jobs[p.Jobs[len(p.Jobs)-1]]; last != nil && !last.State.Final() {
		if _, err := s.SetJobState(last.ID, buyer, api.JobCancelled, now); err != nil {
			return nil, err
		}
	}
	p.State, p.Error = api.JobCancelled, "cancelled by its buyer"
	return p, nil
}
