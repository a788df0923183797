package api

import (
	"bytes"
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
		if !j.CheckEveryTask || j.Replication < 2 {
			t.Fatalf("stage %s: check every task %v, replication %d: want every task cross-checked", name, j.CheckEveryTask, j.Replication)
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
		{PipelineSpec{Template: TemplatePretrain, Crawl: crawl, Replication: 1}, "replication"},
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

// FuzzPipelineSpec decodes arbitrary bodies as a pipeline spec: never a
// panic; and a spec that validates makes, for every stage, a job that
// validates too, so the leader never starts a stage a buyer could not have
// submitted.
func FuzzPipelineSpec(f *testing.F) {
	for _, s := range []string{
		`{"template":"pretrain","crawl":{"urls":["https://a.example/1"]}}`,
		`{"template":"pretrain","name":"x","crawl":{"seeds":["https://a.example/"],"max_pages":5},"stages":["tokens","quality"],"languages":[],"min_language_score":0.5,"shard_rows":10}`,
		`{"template":"pretrain","crawl":{"urls":["https://a.example/1"]},"stages":["dedup"],"minhash":{"shingle":"char","size":5},"tokens":{"encoding":"o200k_base"},"pii":{"phones":false}}`,
		`{"template":"pretrain","crawl":{"urls":["https://a.example/1"]},"languages":["de","fr"],"language":{"max_bytes":4096},"quality":{"gopher":{"min_doc_words":10}}}`,
		`{"template":"pretrain","crawl":{"urls":["https://a.example/1"]},"stages":["pii","pii"],"min_language_score":2}`,
		`{"template":"finetune"}`,
		`{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var p PipelineSpec
		if DecodeJSON(bytes.NewReader(data), MaxJobSpecSize, &p) != nil {
			return
		}
		if p.Validate() != nil {
			return
		}
		d := p.WithDefaults()
		if err := d.Validate(); err != nil {
			t.Fatalf("valid spec %s: with its defaults: %v", data, err)
		}
		for i, name := range d.StageNames() {
			if err := d.StageSpec(i, "ds-p-1.x").WithDefaults().Validate(); err != nil {
				t.Fatalf("valid spec %s: stage %s's job: %v", data, name, err)
			}
		}
	})
}
