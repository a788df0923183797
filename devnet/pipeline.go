package devnet

import (
	"context"
	"fmt"
	"math/big"
	"path/filepath"
	"strings"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
)

// pretrainSpec is the journey's pretrain pipeline: eight articles, two
// mirrors (near duplicates the dedup stage drops) and the site's odd pages
// (which extraction refuses), every stage at its published defaults.
func (n *Network) pretrainSpec(static []string) api.PipelineSpec {
	urls := append([]string(nil), static[:min(8, len(static))]...)
	if len(static) >= n.cfg.Site.Articles+2 {
		urls = append(urls, static[n.cfg.Site.Articles:n.cfg.Site.Articles+2]...)
	}
	for _, p := range OddPages() {
		urls = append(urls, n.SiteURL+p)
	}
	return api.PipelineSpec{Template: api.TemplatePretrain, Name: "demo pretrain",
		Crawl: crawlJob("demo site, pretraining text", urls, false).Crawl, ShardRows: 8}
}

func pipelineStages(p api.Pipeline) string {
	var names []string
	for _, s := range p.Stages {
		names = append(names, s.Name)
	}
	return strings.Join(names, " → ")
}

// pipelineJourney waits for the journey's pipeline, pays its stages, and
// saves its final dataset with its card, verified against the manifest.
func (n *Network) pipelineJourney(ctx context.Context, b *buyer.Client, id string, submitted time.Time, opts JourneyOptions, s *Summary, revenue *big.Int, step func(string, string, time.Time)) (string, error) {
	t0 := submitted
	p, err := b.WaitPipeline(ctx, id, 200*time.Millisecond, nil)
	if err != nil {
		return "pretrain: run", err
	}
	if p.State != api.JobDone {
		return "pretrain: run", fmt.Errorf("pipeline %s is %s: %s", id, p.State, p.Error)
	}
	ps := &PipelineSummary{ID: id}
	var flow []string
	for _, st := range p.Stages {
		d, err := b.Dataset(ctx, st.Job.Dataset)
		if err != nil {
			return "pretrain: run", err
		}
		ps.Stages = append(ps.Stages, PipelineStageResult{Name: st.Name, Job: st.Job.ID, Dataset: d.ID, Rows: d.Rows, Root: d.Root.String()})
		flow = append(flow, fmt.Sprintf("%s %d", st.Name, st.Job.Progress.RowsAccepted))
	}
	// The card's claim, from the members' state: no task of any stage ran
	// alone (every stage's job checks every task).
	card, err := b.PipelineCard(ctx, id)
	if err != nil {
		return "pretrain: run", err
	}
	for i, cs := range card.Stages {
		if i < len(ps.Stages) {
			ps.Stages[i].Replication, ps.Stages[i].TasksAlone = cs.Replication, cs.TasksAlone
		}
		if cs.Replication < 2 || cs.TasksAlone != 0 {
			return "pretrain: run", fmt.Errorf("stage %s: replication %d and %d tasks run by one node alone: its rows are not all cross-checked", cs.Name, cs.Replication, cs.TasksAlone)
		}
	}
	step("pretrain: run", fmt.Sprintf("%d stages verified, every task by at least 2 nodes, rows after each: %s", len(p.Stages), strings.Join(flow, " → ")), t0)
	t0 = time.Now()
	pays, err := b.PayPipeline(ctx, n.Chain.Chain, id, 25*time.Millisecond)
	if err != nil {
		return "pretrain: pay", err
	}
	paid := new(big.Int)
	for _, pay := range pays {
		paid.Add(paid, pay.Amount)
	}
	revenue.Add(revenue, paid)
	ps.Paid = paid.String()
	step("pretrain: pay", fmt.Sprintf("%s stable base units for the %d stage jobs, paid on chain", paid, len(pays)), t0)
	t0 = time.Now()
	if ps.Files, err = b.SavePipeline(ctx, id, filepath.Join(opts.OutDir, "pretrain-"+id)); err != nil {
		return "pretrain: save", err
	}
	step("pretrain: save", fmt.Sprintf("%d rows in %s, verified against the manifest; dataset card %s", ps.Files.Rows, ps.Files.Data, ps.Files.Card), t0)
	s.Pipeline = ps
	return "", nil
}
