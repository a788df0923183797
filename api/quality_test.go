package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func i64(n int64) *int64 { return &n }
func flag(b bool) *bool  { return &b }

func qualityJob(q *QualityParams) JobSpec {
	return computeJob(func(c *ComputeSpec) { c.Kernel = KernelQuality; c.Quality = q })
}

func piiJob(p *PIIParams) JobSpec {
	return computeJob(func(c *ComputeSpec) { c.Kernel = KernelPII; c.PII = p })
}

// TestQualityAndPIIValidate: every bad threshold is refused naming its
// exact path and what was expected; valid overrides, Off and the range
// ends pass.
func TestQualityAndPIIValidate(t *testing.T) {
	tests := []struct {
		name  string
		spec  JobSpec
		field string // "" for valid
		want  string
	}{
		{name: "quality defaults", spec: qualityJob(nil)},
		{name: "quality empty object", spec: qualityJob(&QualityParams{})},
		{name: "quality one override", spec: qualityJob(&QualityParams{Gopher: &GopherQualityParams{MinDocWords: i64(100)}})},
		{name: "quality off", spec: qualityJob(&QualityParams{Gopher: &GopherQualityParams{MinDocWords: i64(QualityOff), MaxDocWords: i64(QualityOff)}})},
		{name: "quality zero is a threshold", spec: qualityJob(&QualityParams{Repetition: &GopherRepetitionParams{Dup10GramPPM: i64(0)}})},
		{name: "quality range ends", spec: qualityJob(&QualityParams{
			Gopher:  &GopherQualityParams{MaxDocWords: i64(QualityMaxCount), MaxAvgWordLengthPPM: i64(QualityMaxRatio)},
			FineWeb: &FineWebQualityParams{LinePunctThrPPM: i64(QualityMaxFraction), ShortLineLength: i64(0)},
		})},
		{name: "quality stages off", spec: qualityJob(&QualityParams{C4: &C4QualityParams{Enabled: flag(false)}, FineWeb: &FineWebQualityParams{Enabled: flag(false)}})},
		{name: "min doc words negative", spec: qualityJob(&QualityParams{Gopher: &GopherQualityParams{MinDocWords: i64(-5)}}),
			field: "compute.quality.gopher.min_doc_words", want: "-5: expected -1 (off) or an integer from 0 to 1000000000"},
		{name: "min doc words above max", spec: qualityJob(&QualityParams{Gopher: &GopherQualityParams{MinDocWords: i64(200_000)}}),
			field: "compute.quality.gopher.min_doc_words", want: "200000: expected at most max_doc_words (100000)"},
		{name: "min avg word length above max", spec: qualityJob(&QualityParams{Gopher: &GopherQualityParams{MinAvgWordLengthPPM: i64(11 * QualityPPM)}}),
			field: "compute.quality.gopher.min_avg_word_length_ppm", want: "at most max_avg_word_length_ppm (10000000)"},
		{name: "fraction above one", spec: qualityJob(&QualityParams{Gopher: &GopherQualityParams{MaxBulletLinesRatioPPM: i64(QualityPPM + 1)}}),
			field: "compute.quality.gopher.max_bullet_lines_ratio_ppm", want: "from 0 to 1000000"},
		{name: "repetition fraction", spec: qualityJob(&QualityParams{Repetition: &GopherRepetitionParams{DupLineFracPPM: i64(2 * QualityPPM)}}),
			field: "compute.quality.gopher_repetition.dup_line_frac_ppm", want: "2000000: expected -1 (off) or an integer from 0 to 1000000"},
		{name: "top gram ratio past the ceiling", spec: qualityJob(&QualityParams{Repetition: &GopherRepetitionParams{Top2GramPPM: i64(QualityMaxRatio + 1)}}),
			field: "compute.quality.gopher_repetition.top_2_gram_ppm", want: "from 0 to 1000000000000"},
		{name: "c4 sentences", spec: qualityJob(&QualityParams{C4: &C4QualityParams{MinNumSentences: i64(-2)}}),
			field: "compute.quality.c4.min_num_sentences", want: "-1 (off)"},
		{name: "c4 word length", spec: qualityJob(&QualityParams{C4: &C4QualityParams{MaxWordLength: i64(QualityMaxCount + 1)}}),
			field: "compute.quality.c4.max_word_length", want: "from 0 to 1000000000"},
		{name: "short line length cannot be off", spec: qualityJob(&QualityParams{FineWeb: &FineWebQualityParams{ShortLineLength: i64(QualityOff)}}),
			field: "compute.quality.fineweb.short_line_length", want: "-1: expected an integer from 0 to 1000000000"},
		{name: "fineweb new lines", spec: qualityJob(&QualityParams{FineWeb: &FineWebQualityParams{NewLineRatioPPM: i64(-7)}}),
			field: "compute.quality.fineweb.new_line_ratio_ppm", want: "-7"},
		{name: "pii defaults", spec: piiJob(nil)},
		{name: "quality object on a pii job", spec: job(piiJob(nil), func(s *JobSpec) { s.Compute.Quality = &QualityParams{} }),
			field: "compute.quality", want: `no quality parameters for kernel "pii"`},
		{name: "pii object on a minhash job", spec: computeJob(func(c *ComputeSpec) { c.PII = &PIIParams{} }),
			field: "compute.pii", want: `no pii parameters for kernel "minhash"`},
		{name: "pii overrides", spec: piiJob(&PIIParams{Phones: flag(false), PublicIPsOnly: flag(false)})},
		{name: "unknown kernel lists the new ones", spec: computeJob(func(c *ComputeSpec) { c.Kernel = "pll" }),
			field: "compute.kernel", want: "one of minhash, embed, tokens, wasm, quality, pii"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFieldErr(t, tt.spec.Validate(), tt.field, tt.want)
			if tt.field == "" {
				if err := tt.spec.WithDefaults().Validate(); err != nil {
					t.Fatalf("WithDefaults().Validate() = %v", err)
				}
			}
		})
	}
}

// TestQualityDecodeNamesField: JSON a buyer sends is refused naming the
// exact path, for an unknown field and a value of the wrong type.
func TestQualityDecodeNamesField(t *testing.T) {
	tests := []struct {
		name, body, field, want string
		sentinel                error
	}{
		{name: "unknown threshold", body: `{"kind":"compute","compute":{"input":"ds-1","kernel":"quality","quality":{"gopher":{"min_doc_wordz":5}}}}`,
			field: "compute.quality.gopher.min_doc_wordz", want: "unknown field", sentinel: ErrUnknownField},
		{name: "unknown group", body: `{"kind":"compute","compute":{"input":"ds-1","kernel":"quality","quality":{"refinedweb":{}}}}`,
			field: "compute.quality.refinedweb", want: "unknown field", sentinel: ErrUnknownField},
		{name: "string threshold", body: `{"kind":"compute","compute":{"input":"ds-1","kernel":"quality","quality":{"c4":{"min_num_sentences":"5"}}}}`,
			field: "compute.quality.c4.min_num_sentences", want: "expected", sentinel: ErrInvalid},
		{name: "pii number", body: `{"kind":"compute","compute":{"input":"ds-1","kernel":"pii","pii":{"emails":1}}}`,
			field: "compute.pii.emails", want: "expected", sentinel: ErrInvalid},
		{name: "ratio out of range", body: `{"kind":"compute","compute":{"input":"ds-1","kernel":"quality","quality":{"fineweb":{"line_punct_thr_ppm":1000001}}}}`,
			field: "compute.quality.fineweb.line_punct_thr_ppm", want: "1000001: expected -1 (off) or an integer from 0 to 1000000", sentinel: ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s JobSpec
			err := DecodeJSON(strings.NewReader(tt.body), MaxJobSpecSize, &s)
			if !errors.Is(err, tt.sentinel) {
				t.Fatalf("DecodeJSON() = %v, want %v", err, tt.sentinel)
			}
			var found bool
			for _, fe := range FieldErrors(err) {
				if fe.Field == tt.field && strings.Contains(fe.Error(), tt.want) {
					found = true
				}
			}
			if !found {
				t.Fatalf("DecodeJSON() = %v, want a field error for %s containing %q", err, tt.field, tt.want)
			}
		})
	}
}

// TestQualityDefaults: WithDefaults writes every value in, keeps the
// buyer's overrides, shares no pointer with its input, and the result is
// what a task must carry.
func TestQualityDefaults(t *testing.T) {
	in := qualityJob(&QualityParams{Gopher: &GopherQualityParams{MinDocWords: i64(7)}, C4: &C4QualityParams{Enabled: flag(false)}})
	out := in.WithDefaults()
	q := out.Compute.Quality
	if *q.Gopher.MinDocWords != 7 || *q.C4.Enabled || *q.Gopher.MaxDocWords != 100_000 || *q.FineWeb.ShortLineLength != 30 || *q.FineWeb.LinePunctExcludeZero {
		t.Fatalf("WithDefaults() quality = %s", mustJSON(t, q))
	}
	*q.Gopher.MinDocWords = 9
	if *in.Compute.Quality.Gopher.MinDocWords != 7 || in.Compute.Quality.Gopher.MaxDocWords != nil || in.Compute.Quality.Repetition != nil {
		t.Fatalf("WithDefaults changed or shares its input: %s", mustJSON(t, in.Compute.Quality))
	}
	def := DefaultQualityParams()
	if got := qualityJob(nil).WithDefaults().Compute.Quality; !reflect.DeepEqual(*got, def) {
		t.Fatalf("defaults of a nil quality = %s, want %s", mustJSON(t, got), mustJSON(t, def))
	}
	// Every value of the defaults is written in: the JSON has all 41.
	var m map[string]map[string]json.RawMessage
	if err := json.Unmarshal(mustJSON(t, def), &m); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, g := range m {
		n += len(g)
	}
	if n != len(def.fields()) || n != 41 {
		t.Fatalf("defaults have %d values in JSON, %d fields, want 41", n, len(def.fields()))
	}
	p := piiJob(&PIIParams{Phones: flag(false)}).WithDefaults().Compute.PII
	if !*p.Emails || !*p.IPs || !*p.PublicIPsOnly || *p.Phones {
		t.Fatalf("pii defaults: %s", mustJSON(t, p))
	}
}

// TestQualityTaskResolved: a task must carry every quality and pii value;
// a partial one is refused naming what is missing.
func TestQualityTaskResolved(t *testing.T) {
	task := func(kernel string, q *QualityParams, p *PIIParams) error {
		var v validator
		ComputeTask{Input: "ds-1", Column: "text", Kernel: kernel, Quality: q, PII: p,
			Shard: Shard{Parts: []ShardPart{{Task: "t-1", Blob: Hash{2}, Rows: 1}}}}.check(&v, "compute")
		return v.err()
	}
	full := DefaultQualityParams()
	if err := task(KernelQuality, &full, nil); err != nil {
		t.Fatalf("resolved quality task: %v", err)
	}
	checkFieldErr(t, task(KernelQuality, nil, nil), "compute.quality", "every value written in")
	checkFieldErr(t, task(KernelQuality, &QualityParams{Gopher: full.Gopher, C4: full.C4, FineWeb: full.FineWeb}, nil), "compute.quality.gopher_repetition", "every value written in")
	partial := full.clone()
	partial.FineWeb.NewLineRatioPPM = nil
	checkFieldErr(t, task(KernelQuality, partial, nil), "compute.quality.fineweb.new_line_ratio_ppm", "a value written in")
	pii := DefaultPIIParams()
	if err := task(KernelPII, nil, &pii); err != nil {
		t.Fatalf("resolved pii task: %v", err)
	}
	checkFieldErr(t, task(KernelPII, nil, &PIIParams{Emails: flag(true)}), "compute.pii.ips", "written in")
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(b.Bytes())
}
