package api

import (
	"slices"
	"testing"
)

// TestPipelineSpec: the stages a pretrain spec runs, the jobs they are, and
// refusals naming the pipeline's own fields.
func TestPipelineSpec(t *testing.T) {
	crawl := &CrawlSpec{URLs: []string{"https://example.org/a"}}
	p := PipelineSpec{Template: TemplatePretrain, Crawl: crawl}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	d := p.WithDefaults()
	names := d.StageNames()
	if want := []string{StageCrawl, StageLanguage, StageQuality, StagePII, StageMinHash, StageDedup, StageTokens}; !slices.Equal(names, want) {
		t.Fatalf("stages %v, want %v", names, want)
	}
	for i, name := range names {
		j := d.StageSpec(i, "ds-p-1.prev").WithDefaults()
		if err := j.Validate(); err != nil {
			t.Fatalf("stage %s: %v", name, err)
		}
		if i == 0 {
			if j.Kind != JobCrawl || !j.Crawl.Extract.On() {
				t.Fatalf("the crawl stage: %+v", j)
			}
			continue
		}
		if j.Compute.Input != "ds-p-1.prev" || len(j.Compute.Carry) == 0 {
			t.Fatalf("stage %s: %+v", name, j.Compute)
		}
	}
	if d.StageSpec(0, "").Crawl == crawl || crawl.Extract != nil {
		t.Fatal("the crawl stage shares the buyer's crawl spec")
	}
	// A chosen subset runs in the template's order.
	sub := PipelineSpec{Template: TemplatePretrain, Crawl: crawl, Stages: []string{StageTokens, StageQuality}}
	if got := sub.StageNames(); !slices.Equal(got, []string{StageCrawl, StageQuality, StageTokens}) {
		t.Fatalf("subset stages %v", got)
	}
	if w := sub.WithDefaults().StageSpec(2, "ds-x").Compute.Where; len(w) != 1 || w[0].Column != "quality_keep" {
		t.Fatalf("tokens after quality filters on %v", w)
	}
	score := 1.5
	for _, c := range []struct {
		p     PipelineSpec
		field string
	}{
		{PipelineSpec{Template: "finetune", Crawl: crawl}, "template"},
		{PipelineSpec{Template: TemplatePretrain}, "crawl"},
		{PipelineSpec{Template: TemplatePretrain, Crawl: &CrawlSpec{}}, "crawl.seeds"},
		{PipelineSpec{Template: TemplatePretrain, Crawl: crawl, Stages: []string{"sort"}}, "stages[0]"},
		{PipelineSpec{Template: TemplatePretrain, Crawl: crawl, Stages: []string{StagePII, StagePII}}, "stages[1]"},
		{PipelineSpec{Template: TemplatePretrain, Crawl: crawl, Languages: []string{"xx"}}, "languages[0]"},
		{PipelineSpec{Template: TemplatePretrain, Crawl: crawl, MinLanguageScore: &score}, "min_language_score"},
		{PipelineSpec{Template: TemplatePretrain, Crawl: crawl, ShardRows: -1}, "shard_rows"},
		{PipelineSpec{Template: TemplatePretrain, Crawl: crawl, Tokens: &TokenParams{Encoding: "gpt9"}}, "tokens.encoding"},
		{PipelineSpec{Template: TemplatePretrain, Crawl: crawl, Replication: 99}, "replication"},
	} {
		found := false
		for _, fe := range FieldErrors(c.p.Validate()) {
			found = found || fe.Field == c.field
		}
		if !found {
			t.Errorf("%+v: error %v does not name %s", c.p, c.p.Validate(), c.field)
		}
	}
}
