package state

import (
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
)

// TestPipelineSteps: a pipeline's steps apply once, in order, and only once
// the stage before is final; a step proposed again (a second leader) is
// stale and changes nothing; a resent submission envelope answers the same
// pipeline.
func TestPipelineSteps(t *testing.T) {
	s := New()
	buyer := common.HexToAddress(addr(100))
	signer := "0x" + common.Bytes2Hex(buyer.Bytes())
	spec := api.PipelineSpec{Template: api.TemplatePretrain, Crawl: &api.CrawlSpec{URLs: []string{"https://example.com/"}},
		Stages: []string{api.StageTokens}}.WithDefaults()
	first := crawlJob(PipelineJobID("p-1", api.StageCrawl), 1, 2, 2)
	first.Buyer = buyer
	np := NewPipeline{ID: "p-1", Buyer: buyer, Spec: spec, First: first}
	p, err := s.SubmitPipeline(signer, 9, np, 1)
	if err != nil || p.State != api.JobRunning || len(p.Jobs) != 1 {
		t.Fatalf("submit: %+v %v", p, err)
	}
	again, err := s.SubmitPipeline(signer, 9, np, 2)
	if err != nil || again.ID != "p-1" || len(s.Pipelines) != 1 || len(s.Jobs) != 1 {
		t.Fatalf("the same envelope again: %+v %v; want the same pipeline, nothing added", again, err)
	}
	if got := s.PipelinesToAdvance(); len(got) != 0 {
		t.Fatalf("a pipeline whose crawl runs is to advance: %v", got)
	}
	tokens := NewJob{ID: PipelineJobID("p-1", api.StageTokens), Buyer: buyer,
		Spec:  api.JobSpec{Kind: api.JobCompute, Compute: &api.ComputeSpec{Input: "ds-p-1.crawl", Kernel: api.KernelTokens}}.WithDefaults(),
		Tasks: []api.Task{{ID: "p-1.tokens.t0", JobID: "p-1.tokens", Kind: api.JobCompute}}}
	step := PipelineStep{Pipeline: "p-1", Stage: 1, Job: &tokens}
	if _, err := s.AdvancePipeline(step, 3); !errors.Is(err, ErrStaleStep) {
		t.Fatalf("a step while the crawl runs: %v; want ErrStaleStep", err)
	}
	s.Jobs[first.ID].State, s.Jobs[first.ID].Dataset = api.JobDone, "ds-p-1.crawl"
	if got := s.PipelinesToAdvance(); len(got) != 1 {
		t.Fatalf("a pipeline whose crawl is done is not to advance: %v", got)
	}
	if _, err := s.AdvancePipeline(PipelineStep{Pipeline: "p-1", Stage: 1, Done: true}, 4); !errors.Is(err, ErrInvalid) {
		t.Fatalf("done after one of two stages: %v; want ErrInvalid", err)
	}
	wrong := tokens
	wrong.ID = "p-1.quality"
	if _, err := s.AdvancePipeline(PipelineStep{Pipeline: "p-1", Stage: 1, Job: &wrong}, 4); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a step starting another stage's job: %v; want ErrInvalid", err)
	}
	if p, err = s.AdvancePipeline(step, 5); err != nil || len(p.Jobs) != 2 || s.Jobs[tokens.ID] == nil {
		t.Fatalf("start tokens: %+v %v", p, err)
	}
	if _, err := s.AdvancePipeline(step, 6); !errors.Is(err, ErrStaleStep) || len(s.Jobs) != 2 {
		t.Fatalf("the same step again: %v, %d jobs; want ErrStaleStep and nothing added", err, len(s.Jobs))
	}
	s.Jobs[tokens.ID].State, s.Jobs[tokens.ID].Dataset = api.JobDone, "ds-p-1.tokens"
	if p, err = s.AdvancePipeline(PipelineStep{Pipeline: "p-1", Stage: 2, Done: true}, 7); err != nil || p.State != api.JobDone {
		t.Fatalf("done: %+v %v", p, err)
	}
	st, err := s.PipelineStatus("p-1")
	if err != nil || st.Dataset != "ds-p-1.tokens" || len(st.Stages) != 2 || st.Stages[1].Job == nil {
		t.Fatalf("status: %+v %v", st, err)
	}
	if _, err := s.AdvancePipeline(PipelineStep{Pipeline: "p-1", Stage: 2, Error: "late"}, 8); !errors.Is(err, ErrStaleStep) {
		t.Fatalf("a step after the end: %v; want ErrStaleStep", err)
	}
	if err := s.MayReadPipeline("p-1", signer); err != nil {
		t.Fatalf("its buyer may not read it: %v", err)
	}
	if err := s.MayReadPipeline("p-1", addr(5)); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a stranger: %v; want ErrForbidden", err)
	}
}

// TestPipelineFails: a stage job that failed ends the pipeline failed,
// with the leader's reason.
func TestPipelineFails(t *testing.T) {
	s := New()
	buyer := common.HexToAddress(addr(100))
	spec := api.PipelineSpec{Template: api.TemplatePretrain, Crawl: &api.CrawlSpec{URLs: []string{"https://example.com/"}}}.WithDefaults()
	first := crawlJob(PipelineJobID("p-2", api.StageCrawl), 1, 2, 2)
	first.Buyer = buyer
	if _, err := s.SubmitPipeline("", 0, NewPipeline{ID: "p-2", Buyer: buyer, Spec: spec, First: first}, 1); err != nil {
		t.Fatal(err)
	}
	s.Jobs[first.ID].State = api.JobCancelled
	p, err := s.AdvancePipeline(PipelineStep{Pipeline: "p-2", Stage: 1, Error: "stage crawl: job p-2.crawl is cancelled"}, 2)
	if err != nil || p.State != api.JobFailed || p.Error == "" {
		t.Fatalf("%+v %v", p, err)
	}
	if len(s.PipelinesToAdvance()) != 0 {
		t.Fatal("a failed pipeline is still to advance")
	}
}

// TestPipelineCancel: the buyer cancels a running pipeline, whose running
// stage job is cancelled with it; anyone else, or a second time, is
// refused.
func TestPipelineCancel(t *testing.T) {
	s := New()
	buyer := common.HexToAddress(addr(100))
	spec := api.PipelineSpec{Template: api.TemplatePretrain, Crawl: &api.CrawlSpec{URLs: []string{"https://example.com/"}}}.WithDefaults()
	first := crawlJob(PipelineJobID("p-3", api.StageCrawl), 1, 2, 2)
	first.Buyer = buyer
	if _, err := s.SubmitPipeline("", 0, NewPipeline{ID: "p-3", Buyer: buyer, Spec: spec, First: first}, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CancelPipeline("p-3", addr(5), 2); !errors.Is(err, ErrConflict) {
		t.Fatalf("another buyer: %v; want ErrConflict", err)
	}
	p, err := s.CancelPipeline("p-3", buyer.Hex(), 3)
	if err != nil || p.State != api.JobCancelled || s.Jobs[first.ID].State != api.JobCancelled {
		t.Fatalf("cancel: %+v %v; crawl job %s", p, err, s.Jobs[first.ID].State)
	}
	if _, err := s.CancelPipeline("p-3", buyer.Hex(), 4); !errors.Is(err, ErrConflict) {
		t.Fatalf("twice: %v; want ErrConflict", err)
	}
	if len(s.PipelinesToAdvance()) != 0 {
		t.Fatal("a cancelled pipeline is still to advance")
	}
}
