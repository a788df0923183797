package api

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// A pipeline is one submission that runs several jobs in order, each over
// the previous one's verified dataset: the coordinators start the next
// stage once a stage's job is done, so the buyer submits once and may go
// offline. Every stage is an ordinary job (a crawl, then compute jobs with
// compute.where and compute.carry), cross-checked, priced and paid like
// any other, and every stage's dataset stays readable: the lineage from the
// last row back to its page is a chain of verified rows.
//
// The one template is "pretrain": crawl these sites and give me FineWeb-like
// text, as FineWeb's pipeline does it — main text, quality filters (Gopher,
// C4, FineWeb), PII masking, MinHash dedup over the whole dataset, token
// counts (docs/ARCHITECTURE.md, "Pretraining pipelines").

// TemplatePretrain is the pretraining template.
const TemplatePretrain = "pretrain"

// The stages of the pretrain template, in order. The crawl always runs; the
// others are the buyer's choice (PipelineSpec.Stages).
const (
	StageCrawl    = "crawl"
	StageLanguage = "language" // language and score, and only kept languages go on
	StageQuality  = "quality"  // quality signals, and only rows that pass go on
	StagePII      = "pii"      // e-mails, IPs and phone numbers masked
	StageMinHash  = "minhash"  // signatures for dedup (with StageDedup)
	StageDedup    = "dedup"    // one row kept per duplicate cluster
	StageTokens   = "tokens"   // token counts of the final text
)

// PretrainStages lists the pretrain template's optional stages in order.
func PretrainStages() []string {
	return []string{StageLanguage, StageQuality, StagePII, StageDedup, StageTokens}
}

// PipelineSpec is what a buyer submits to POST /v1/pipelines.
type PipelineSpec struct {
	Template string `json:"template"` // "pretrain"
	Name     string `json:"name,omitempty"`
	// Crawl is the crawl the pipeline starts from; main-text extraction is
	// on whatever crawl.extract says (its other settings are kept).
	Crawl *CrawlSpec `json:"crawl"`
	// Stages are the optional stages to run, of PretrainStages (default
	// all of them); they run in the template's order whatever this order.
	Stages []string `json:"stages,omitempty"`
	// Languages are the languages the language stage keeps (ISO codes as
	// the language kernel writes them; default ["en"], [] keeps every
	// language it names), MinLanguageScore the least score it keeps
	// (default 0.65).
	Languages        []string `json:"languages"` // null: the default; []: every language
	MinLanguageScore *float64 `json:"min_language_score,omitempty"`
	// The stages' parameters; nil means the published defaults.
	Language *LanguageParams `json:"language,omitempty"`
	Quality  *QualityParams  `json:"quality,omitempty"`
	PII      *PIIParams      `json:"pii,omitempty"`
	MinHash  *MinHashParams  `json:"minhash,omitempty"`
	Tokens   *TokenParams    `json:"tokens,omitempty"`
	// ShardRows is how many rows a compute stage's task takes (default
	// 1000); the dedup stage takes its whole input in one task.
	ShardRows int `json:"shard_rows,omitempty"`
	// Replication, MaxReplication and Threshold apply to every stage's job
	// (JobSpec's). Every stage's job checks every task (JobSpec's
	// CheckEveryTask), so Replication is 2 or more.
	Replication    int     `json:"replication,omitempty"`
	MaxReplication int     `json:"max_replication,omitempty"`
	Threshold      float64 `json:"threshold,omitempty"`
}

// Validate checks the spec as a buyer submitted it; every broken rule is
// reported as a *FieldError whose path starts at the spec.
func (p PipelineSpec) Validate() error { return p.ValidateWith(Checks{}) }

// ValidateWith is Validate with the extra checks c (applied to the crawl).
func (p PipelineSpec) ValidateWith(c Checks) error {
	var v validator
	if p.Template != TemplatePretrain {
		v.add("template", quote(p.Template), quote(TemplatePretrain))
	}
	v.text("name", p.Name, MaxNameLength, false)
	if p.Crawl == nil {
		v.add("crawl", "", "the crawl the pipeline starts from")
	}
	seen := map[string]bool{}
	for i, s := range p.Stages {
		switch {
		case !slices.Contains(PretrainStages(), s):
			v.add(at("stages", i), quote(s), "one of "+strings.Join(PretrainStages(), ", "))
		case seen[s]:
			v.add(at("stages", i), quote(s), "a stage not already listed")
		}
		seen[s] = true
	}
	codes := LanguageCodes()
	for i, l := range p.Languages {
		if !slices.Contains(codes, l) || slices.Index(p.Languages, l) != i {
			v.add(at("languages", i), quote(l), "a language code the language kernel writes, listed once: one of "+strings.Join(codes, ", "))
		}
	}
	if m := p.MinLanguageScore; m != nil && (!finite(*m) || *m < 0 || *m > 1) {
		v.add("min_language_score", ftoa(*m), "a number from 0 to 1 (or absent for 0.65)")
	}
	if p.Replication == 1 {
		v.add("replication", "1", "2 or more (or absent for 2): a pipeline cross-checks every task of every stage")
	}
	if p.Crawl == nil {
		return v.err()
	}
	// Each stage's job is checked as the buyer would have submitted it, its
	// input left to the pipeline; a rule that several stages break (the
	// shard size, the replication) is reported once.
	reported := map[string]bool{}
	for i, name := range p.stageNames() {
		spec := p.StageSpec(i, "ds-pipeline-input")
		var sv validator
		spec.check(&sv, c)
		for _, err := range sv.errs {
			if fe, ok := err.(*FieldError); ok {
				if fe.Field == "check_every_task" {
					continue // the pipeline's replication, reported above
				}
				fe.Field = p.fieldOf(name, fe.Field)
				if reported[fe.Field] {
					continue
				}
				reported[fe.Field] = true
			}
			v.addErr(err)
		}
	}
	return v.err()
}

// fieldOf maps a stage job's field path to the pipeline spec's.
func (p PipelineSpec) fieldOf(stage, field string) string {
	switch {
	case strings.HasPrefix(field, "crawl"):
		return field
	case strings.HasPrefix(field, "compute."+stage):
		return strings.TrimPrefix(field, "compute.")
	case strings.HasPrefix(field, "compute.shard_rows"):
		return "shard_rows"
	case field == "replication" || field == "max_replication" || field == "threshold":
		return field
	}
	return "stages[" + stage + "]." + field
}

// WithDefaults returns a copy of p with its stage list written in.
func (p PipelineSpec) WithDefaults() PipelineSpec {
	out := p
	if p.Crawl != nil {
		c := p.Crawl.clone()
		out.Crawl = &c
	}
	if out.Languages == nil {
		out.Languages = DefaultPipelineLanguages()
	}
	if out.MinLanguageScore == nil {
		m := DefaultMinLanguageScore
		out.MinLanguageScore = &m
	}
	if len(out.Stages) == 0 {
		out.Stages = PretrainStages()
	} else {
		out.Stages = slices.Clone(out.Stages)
	}
	out.Quality = out.Quality.clone()
	out.PII = out.PII.clone()
	out.Language = out.Language.clone()
	out.Languages = slices.Clone(out.Languages)
	if out.MinLanguageScore != nil {
		m := *out.MinLanguageScore
		out.MinLanguageScore = &m
	}
	if out.MinHash != nil {
		m := *out.MinHash
		out.MinHash = &m
	}
	if out.Tokens != nil {
		t := *out.Tokens
		out.Tokens = &t
	}
	return out
}

// StageNames lists the stages p runs, in order: the crawl, then the
// optional stages it chose (dedup as its minhash and dedup jobs).
func (p PipelineSpec) StageNames() []string { return p.WithDefaults().stageNames() }

func (p PipelineSpec) stageNames() []string {
	chosen := p.Stages
	if len(chosen) == 0 {
		chosen = PretrainStages()
	}
	out := []string{StageCrawl}
	for _, s := range PretrainStages() {
		if !slices.Contains(chosen, s) {
			continue
		}
		if s == StageDedup {
			out = append(out, StageMinHash)
		}
		out = append(out, s)
	}
	return out
}

// Column names the pretrain template writes beside its kernels' columns:
// the FineWeb-like record every compute stage carries on.
const (
	PretrainID   = "id"   // the crawl row's hash (hex): the record's id
	PretrainText = "text" // the final text, after the filters and masking
)

// StageSpec returns the job of stage i (of StageNames) over input, the id
// of the previous stage's dataset (unused for the crawl). It depends only on
// p, i and input, so every coordinator that starts the stage starts the same
// job. The first compute stage reads the crawl's rows whose extraction
// succeeded and carries the record's id (the crawl row's hash), url, title,
// date and main text; every later stage applies the filter of the stage
// before it (language and score, quality keep, dedup keep) and carries the
// whole record on.
func (p PipelineSpec) StageSpec(i int, input string) JobSpec {
	names := p.stageNames()
	name := names[i]
	job := JobSpec{Name: pipelineJobName(p.Name, name), Replication: p.Replication, MaxReplication: p.MaxReplication, Threshold: p.Threshold, CheckEveryTask: true}
	if name == StageCrawl {
		job.Kind = JobCrawl
		if p.Crawl != nil {
			c := p.Crawl.clone()
			if c.Extract == nil {
				c.Extract = &ExtractSpec{}
			}
			c.Extract.Enabled = true
			job.Crawl = &c
		}
		return job
	}
	job.Kind = JobCompute
	text := p.textAfter(names[:i])
	c := &ComputeSpec{Input: input, Column: text, ShardRows: p.ShardRows}
	job.Compute = c
	if i == 1 {
		c.Where = []Condition{{Column: "extract_status", Op: OpEq, Value: json.RawMessage(`"ok"`)}}
		c.Carry = []Carry{{Column: CarryRowHash, As: PretrainID}, {Column: "url"}, {Column: "title"}, {Column: "date"}, {Column: "main_text"}}
	} else {
		c.Where = p.filterAfter(names[i-1])
		c.Carry = []Carry{{Column: CarryAll}}
	}
	switch name {
	case StageLanguage:
		c.Kernel, c.Language = KernelLanguage, p.Language.clone()
	case StageQuality:
		c.Kernel, c.Quality = KernelQuality, p.Quality.clone()
	case StagePII:
		c.Kernel, c.PII = KernelPII, p.PII.clone()
	case StageMinHash:
		c.Kernel = KernelMinHash
		if p.MinHash != nil {
			m := *p.MinHash
			c.MinHash = &m
		}
	case StageDedup:
		c.Kernel, c.Column, c.ShardRows = KernelDedup, "", 0
		// The signatures are dedup's input, not the record's.
		c.Carry = []Carry{{Column: CarryAll, Except: []string{"minhash", "minhash_bands", "text_sha256"}}}
	case StageTokens:
		c.Kernel = KernelTokens
		if p.Tokens != nil {
			t := *p.Tokens
			c.Tokens = &t
		}
		// The record's text under its FineWeb name, the texts before it
		// and the bookkeeping of filters applied left out; the quality
		// signal "tokens" (words, by Gopher's count) under another name,
		// since the kernel's count takes that one.
		c.Carry = []Carry{{Column: text, As: PretrainText}, {Column: CarryAll, Except: p.finalDrop(names[:i], text)}}
		if slices.Contains(names[:i], StageQuality) {
			c.Carry = append(c.Carry, Carry{Column: "tokens", As: "gopher_tokens"})
		}
	}
	return job
}

// filterAfter is the condition a stage applies to the rows of the stage
// before it: the kept languages and the least score after language, the
// quality filters' verdict after quality, dedup's keep after dedup.
func (p PipelineSpec) filterAfter(prev string) []Condition {
	switch prev {
	case StageLanguage:
		var out []Condition
		langs := p.Languages
		if langs == nil {
			langs = DefaultPipelineLanguages()
		}
		if len(langs) > 0 {
			v, _ := json.Marshal(langs)
			out = append(out, Condition{Column: "language", Op: OpIn, Value: v})
		}
		min := DefaultMinLanguageScore
		if p.MinLanguageScore != nil {
			min = *p.MinLanguageScore
		}
		v, _ := json.Marshal(min)
		return append(out, Condition{Column: "language_score", Op: OpGe, Value: v})
	case StageQuality:
		return []Condition{{Column: "quality_keep", Op: OpEq, Value: json.RawMessage(`true`)}}
	case StageDedup:
		return []Condition{{Column: "keep", Op: OpEq, Value: json.RawMessage(`true`)}}
	}
	return nil
}

// DefaultMinLanguageScore is the least language_score a pipeline keeps
// after its language stage: FineWeb's 0.65, on our detector's scale
// (compute/DESIGN.md, "language").
const DefaultMinLanguageScore = 0.65

// DefaultPipelineLanguages are the languages a pipeline keeps: English, as
// FineWeb does.
func DefaultPipelineLanguages() []string { return []string{"en"} }

// textAfter is the text column the stage after stages reads: the main text,
// the quality-filtered text, or the masked text.
func (p PipelineSpec) textAfter(stages []string) string {
	text := "main_text"
	for _, s := range stages {
		switch s {
		case StageQuality:
			text = "quality_text"
		case StagePII:
			text = "pii_text"
		}
	}
	return text
}

// finalDrop are the columns the last stage leaves out of the record: the
// texts before the final one, and the bookkeeping of filters already
// applied.
func (p PipelineSpec) finalDrop(stages []string, text string) []string {
	var out []string
	for _, t := range []string{"main_text", "quality_text", "pii_text"} {
		if t != text && slices.Contains(p.textsOf(stages), t) {
			out = append(out, t)
		}
	}
	for _, s := range stages {
		switch s {
		case StageQuality:
			out = append(out, "quality_keep", "quality_failed")
		case StageDedup:
			out = append(out, "cluster", "keep", "cluster_size", "exact_cluster", "exact_size")
		}
	}
	// The text carried as "text" is named by its own entry, so CarryAll
	// skips it already.
	return out
}

// textsOf lists the text columns the stages' records hold.
func (p PipelineSpec) textsOf(stages []string) []string {
	out := []string{"main_text"}
	for _, s := range stages {
		switch s {
		case StageQuality:
			out = append(out, "quality_text")
		case StagePII:
			out = append(out, "pii_text")
		}
	}
	return out
}

func pipelineJobName(name, stage string) string {
	if name == "" {
		return stage
	}
	n := name + ": " + stage
	if len(n) > MaxNameLength {
		n = n[:MaxNameLength]
	}
	return n
}

// MethodPipelineSubmit signs a pipeline submission (POST RoutePipelines,
// body PipelineSpec); a pipeline's status is read with MethodRead (GET
// RoutePipelines/{id}), its dataset card with GET RoutePipelines/{id}/card.
const MethodPipelineSubmit = "pipeline.submit"

// MethodPipelineCancel signs a pipeline's cancellation (POST
// RoutePipelines/{id}/cancel, body PipelineRef): the stage job that runs is
// cancelled, the stages done stay, and no later stage starts.
const MethodPipelineCancel = "pipeline.cancel"

// PipelineRef is the body of MethodPipelineCancel: the pipeline, as in the
// URL.
type PipelineRef struct {
	PipelineID string `json:"pipeline_id"`
}

// Validate checks the reference.
func (r PipelineRef) Validate() error {
	var v validator
	v.id("pipeline_id", r.PipelineID)
	return v.err()
}

// RoutePipelines is where pipelines are submitted and read.
const RoutePipelines = "/v1/pipelines"

// Pipeline is a pipeline's status: each stage started so far, with its
// job's status, and the final dataset once the last stage is done.
type Pipeline struct {
	ID        string         `json:"id"`
	Spec      PipelineSpec   `json:"spec"`
	State     JobState       `json:"state"` // running, done, failed or cancelled
	Buyer     common.Address `json:"buyer"`
	CreatedAt int64          `json:"created_at"`
	Error     string         `json:"error,omitempty"`
	// Stages are every stage of the spec, in order; those not started yet
	// have no job.
	Stages []PipelineStage `json:"stages"`
	// Dataset is the last stage's dataset, once the pipeline is done.
	Dataset string `json:"dataset,omitempty"`
}

// PipelineStage is one stage of a pipeline and its job's status.
type PipelineStage struct {
	Name string     `json:"name"`
	Job  *JobStatus `json:"job,omitempty"`
}
