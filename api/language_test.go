package api

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func languageJob(l *LanguageParams) JobSpec {
	return computeJob(func(c *ComputeSpec) { c.Kernel = KernelLanguage; c.Language = l })
}

// TestLanguageValidate: a bad allow-list entry or max_bytes is refused
// naming its exact path and what was expected; the defaults, the range
// ends and every known code pass.
func TestLanguageValidate(t *testing.T) {
	tests := []struct {
		name  string
		spec  JobSpec
		field string // "" for valid
		want  string
	}{
		{name: "defaults", spec: languageJob(nil)},
		{name: "empty object", spec: languageJob(&LanguageParams{})},
		{name: "allow-list", spec: languageJob(&LanguageParams{Languages: []string{"en", "de", "ceb"}})},
		{name: "every code", spec: languageJob(&LanguageParams{Languages: LanguageCodes()})},
		{name: "max bytes range ends", spec: languageJob(&LanguageParams{MaxBytes: LanguageMaxBytesLimit})},
		{name: "one byte", spec: languageJob(&LanguageParams{MaxBytes: 1})},
		{name: "unknown code", spec: languageJob(&LanguageParams{Languages: []string{"en", "xx"}}),
			field: "compute.language.languages[1]", want: `"xx": expected a language code, lowercase, listed once: one of af, ak,`},
		{name: "upper case", spec: languageJob(&LanguageParams{Languages: []string{"EN"}}),
			field: "compute.language.languages[0]", want: `"EN": expected a language code, lowercase`},
		{name: "639-3 where 639-1 exists", spec: languageJob(&LanguageParams{Languages: []string{"eng"}}),
			field: "compute.language.languages[0]", want: `"eng"`},
		{name: "empty code", spec: languageJob(&LanguageParams{Languages: []string{"de", ""}}),
			field: "compute.language.languages[1]", want: `"": expected`},
		{name: "duplicate", spec: languageJob(&LanguageParams{Languages: []string{"de", "fr", "de"}}),
			field: "compute.language.languages[2]", want: `"de": expected a language code, lowercase, listed once`},
		{name: "too many", spec: languageJob(&LanguageParams{Languages: append(LanguageCodes(), "en")}),
			field: "compute.language.languages", want: "[85 items]: expected at most 84 codes"},
		{name: "negative max bytes", spec: languageJob(&LanguageParams{MaxBytes: -1}),
			field: "compute.language.max_bytes", want: "-1: expected an integer from 1 to 1048576 (or 0 or absent for 16384)"},
		{name: "max bytes past the limit", spec: languageJob(&LanguageParams{MaxBytes: LanguageMaxBytesLimit + 1}),
			field: "compute.language.max_bytes", want: "1048577"},
		{name: "language object on a quality job", spec: job(qualityJob(nil), func(s *JobSpec) { s.Compute.Language = &LanguageParams{} }),
			field: "compute.language", want: `no language parameters for kernel "quality"`},
		{name: "quality object on a language job", spec: job(languageJob(nil), func(s *JobSpec) { s.Compute.Quality = &QualityParams{} }),
			field: "compute.quality", want: `no quality parameters for kernel "language"`},
		{name: "unknown kernel lists language", spec: computeJob(func(c *ComputeSpec) { c.Kernel = "lang" }),
			field: "compute.kernel", want: "one of minhash, embed, tokens, wasm, quality, pii, dedup, language"},
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

// TestLanguageDecodeNamesField: JSON a buyer sends is refused naming the
// exact path.
func TestLanguageDecodeNamesField(t *testing.T) {
	tests := []struct {
		name, body, field, want string
		sentinel                error
	}{
		{name: "unknown parameter", body: `{"kind":"compute","compute":{"input":"ds-1","kernel":"language","language":{"langs":["en"]}}}`,
			field: "compute.language.langs", want: "unknown field", sentinel: ErrUnknownField},
		{name: "string max bytes", body: `{"kind":"compute","compute":{"input":"ds-1","kernel":"language","language":{"max_bytes":"16"}}}`,
			field: "compute.language.max_bytes", want: "expected", sentinel: ErrInvalid},
		{name: "code not a string", body: `{"kind":"compute","compute":{"input":"ds-1","kernel":"language","language":{"languages":["en",7]}}}`,
			field: "compute.language.languages", want: "expected", sentinel: ErrInvalid},
		{name: "unknown code", body: `{"kind":"compute","compute":{"input":"ds-1","kernel":"language","language":{"languages":["en","klingon"]}}}`,
			field: "compute.language.languages[1]", want: `"klingon": expected a language code`, sentinel: ErrInvalid},
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
				if strings.HasPrefix(fe.Field, tt.field) && strings.Contains(fe.Error(), tt.want) {
					found = true
				}
			}
			if !found {
				t.Fatalf("DecodeJSON() = %v, want a field error for %s containing %q", err, tt.field, tt.want)
			}
		})
	}
}

// TestLanguageDefaults: WithDefaults writes max_bytes in and keeps the
// allow-list (absent: every language); the copy shares nothing.
func TestLanguageDefaults(t *testing.T) {
	l := languageJob(nil).WithDefaults().Compute.Language
	if l == nil || l.MaxBytes != DefaultLanguageMaxBytes || l.Languages != nil {
		t.Fatalf("defaults: %s", mustJSON(t, l))
	}
	in := &LanguageParams{Languages: []string{"de", "fr"}}
	spec := languageJob(in)
	out := spec.WithDefaults().Compute.Language
	out.Languages[0] = "en"
	if in.Languages[0] != "de" || in.MaxBytes != 0 {
		t.Fatalf("WithDefaults changed its input: %+v", in)
	}
	if got := string(mustJSON(t, languageJob(&LanguageParams{Languages: []string{"de"}}).WithDefaults().Compute.Language)); got != `{"languages":["de"],"max_bytes":16384}` {
		t.Fatalf("resolved JSON %s", got)
	}
	if !slices.IsSorted(LanguageCodes()) || len(LanguageCodes()) != 84 {
		t.Fatalf("LanguageCodes() = %v: want 84, sorted", LanguageCodes())
	}
}

// TestLanguageTaskResolved: a task must carry max_bytes; an absent
// allow-list is every language.
func TestLanguageTaskResolved(t *testing.T) {
	task := func(l *LanguageParams) error {
		var v validator
		ComputeTask{Input: "ds-1", Column: "text", Kernel: KernelLanguage, Language: l,
			Shard: Shard{Parts: []ShardPart{{Task: "t-1", Blob: Hash{2}, Rows: 1}}}}.check(&v, "compute")
		return v.err()
	}
	if err := task(&LanguageParams{MaxBytes: 100}); err != nil {
		t.Fatalf("resolved task: %v", err)
	}
	if err := task(&LanguageParams{MaxBytes: 100, Languages: []string{"en"}}); err != nil {
		t.Fatalf("resolved task with an allow-list: %v", err)
	}
	checkFieldErr(t, task(nil), "compute.language", "every value written in")
	checkFieldErr(t, task(&LanguageParams{}), "compute.language.max_bytes", "0: expected an integer from 1 to 1048576")
	checkFieldErr(t, task(&LanguageParams{MaxBytes: 10, Languages: []string{"zz"}}), "compute.language.languages[0]", `"zz"`)
}
