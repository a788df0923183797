package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func boolp(b bool) *bool { return &b }

func extractJob(e *ExtractSpec) JobSpec {
	return crawlJob(func(c *CrawlSpec) { c.Extract = e })
}

// TestExtractSpecValidate: crawl.extract as a buyer writes it. Each error
// names the exact path and what was expected.
func TestExtractSpecValidate(t *testing.T) {
	tests := []struct {
		name  string
		spec  JobSpec
		field string // "" when valid
		want  string
	}{
		{name: "on with defaults", spec: extractJob(&ExtractSpec{Enabled: true})},
		{name: "every option", spec: extractJob(&ExtractSpec{Enabled: true, Focus: ExtractRecall, Fallback: boolp(false), ExcludeTables: true, MaxBytes: ExtractMaxBytesLimit, LatestDate: "2026-12-31"})},
		{name: "balanced, smallest page", spec: extractJob(&ExtractSpec{Enabled: true, Focus: ExtractBalanced, MaxBytes: 1})},
		{name: "off and empty", spec: extractJob(&ExtractSpec{})},
		{name: "off with options", spec: extractJob(&ExtractSpec{Focus: ExtractRecall, MaxBytes: 10}), field: "crawl.extract.enabled", want: "false: expected true when extract options are set (focus, max_bytes), or no extract options"},
		{name: "off with fallback", spec: extractJob(&ExtractSpec{Fallback: boolp(true)}), field: "crawl.extract.enabled", want: "(fallback)"},
		{name: "focus unknown", spec: extractJob(&ExtractSpec{Enabled: true, Focus: "fast"}), field: "crawl.extract.focus", want: `"fast": expected one of precision, balanced, recall`},
		{name: "focus upper case", spec: extractJob(&ExtractSpec{Enabled: true, Focus: "Precision"}), field: "crawl.extract.focus", want: "one of precision"},
		{name: "max_bytes over the limit", spec: extractJob(&ExtractSpec{Enabled: true, MaxBytes: ExtractMaxBytesLimit + 1}), field: "crawl.extract.max_bytes", want: "2097153: expected an integer from 1 to 2097152 (or 0 or absent for 1048576)"},
		{name: "max_bytes negative", spec: extractJob(&ExtractSpec{Enabled: true, MaxBytes: -1}), field: "crawl.extract.max_bytes", want: "from 1 to 2097152"},
		{name: "latest_date not a date", spec: extractJob(&ExtractSpec{Enabled: true, LatestDate: "31/12/2099"}), field: "crawl.extract.latest_date", want: `"31/12/2099": expected a date YYYY-MM-DD`},
		{name: "latest_date month 13", spec: extractJob(&ExtractSpec{Enabled: true, LatestDate: "2026-13-01"}), field: "crawl.extract.latest_date", want: "YYYY-MM-DD"},
		{name: "latest_date with time", spec: extractJob(&ExtractSpec{Enabled: true, LatestDate: "2026-01-01T00:00:00Z"}), field: "crawl.extract.latest_date", want: "YYYY-MM-DD"},
		{name: "latest_date before 1970", spec: extractJob(&ExtractSpec{Enabled: true, LatestDate: "1969-12-31"}), field: "crawl.extract.latest_date", want: "from 1970-01-01 on"},
		{name: "beside render_js", spec: job(extractJob(&ExtractSpec{Enabled: true}), func(s *JobSpec) { s.Crawl.RenderJS = true })},
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

// TestExtractSpecDecode: the spec as JSON, through DecodeJSON: unknown
// keys and wrong types name the exact path.
func TestExtractSpecDecode(t *testing.T) {
	const pre = `{"kind":"crawl","crawl":{"seeds":["https://a.example/"],"extract":`
	tests := []struct {
		name     string
		in       string
		sentinel error
		field    string
		want     string
	}{
		{name: "on", in: pre + `{"enabled":true}}}`},
		{name: "all", in: pre + `{"enabled":true,"focus":"balanced","fallback":false,"exclude_tables":true,"max_bytes":65536,"latest_date":"2030-01-01"}}}`},
		{name: "unknown key", in: pre + `{"enabled":true,"focs":"recall"}}}`, sentinel: ErrUnknownField, field: "crawl.extract.focs", want: "enabled, focus, fallback, exclude_tables, max_bytes, latest_date"},
		{name: "content_type is the node's, not the buyer's", in: pre + `{"enabled":true,"content_type":"text/html"}}}`, sentinel: ErrUnknownField, field: "crawl.extract.content_type"},
		{name: "string for bool", in: pre + `{"enabled":"yes"}}}`, sentinel: ErrInvalid, field: "crawl.extract.enabled", want: "true or false"},
		{name: "bool for object", in: pre + `true}}`, sentinel: ErrInvalid, field: "crawl.extract", want: "expected an object"},
		{name: "string for int", in: pre + `{"enabled":true,"max_bytes":"1MiB"}}}`, sentinel: ErrInvalid, field: "crawl.extract.max_bytes", want: "expected an integer"},
		{name: "validation runs", in: pre + `{"enabled":true,"focus":"speed"}}}`, sentinel: ErrInvalid, field: "crawl.extract.focus", want: "one of precision, balanced, recall"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s JobSpec
			err := DecodeJSON(strings.NewReader(tt.in), MaxJobSpecSize, &s)
			if tt.sentinel == nil {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				if !s.Crawl.Extract.On() {
					t.Fatalf("extract not on: %+v", s.Crawl.Extract)
				}
				return
			}
			if !errors.Is(err, tt.sentinel) {
				t.Fatalf("err = %v, want it to wrap %v", err, tt.sentinel)
			}
			var found bool
			for _, fe := range FieldErrors(err) {
				if fe.Field == tt.field {
					found = true
					if !strings.Contains(fe.Error(), tt.want) {
						t.Errorf("error %q lacks %q", fe.Error(), tt.want)
					}
				}
			}
			if !found {
				t.Fatalf("no error for %s in %v", tt.field, err)
			}
		})
	}
}

// TestExtractDefaults: WithDefaults writes every option in (a running job
// never changes with a later default), a disabled object stays as it is,
// and a clone shares nothing.
func TestExtractDefaults(t *testing.T) {
	s := extractJob(&ExtractSpec{Enabled: true}).WithDefaults()
	want := &ExtractSpec{Enabled: true, Focus: ExtractPrecision, Fallback: boolp(true), MaxBytes: DefaultExtractMaxBytes, LatestDate: DefaultExtractLatestDate}
	if !reflect.DeepEqual(s.Crawl.Extract, want) {
		t.Fatalf("defaults = %+v, want %+v", s.Crawl.Extract, want)
	}
	if got := s.Crawl.Extract.LatestTime().Format("2006-01-02"); got != DefaultExtractLatestDate {
		t.Errorf("LatestTime = %s", got)
	}
	off := extractJob(&ExtractSpec{}).WithDefaults()
	if !reflect.DeepEqual(off.Crawl.Extract, &ExtractSpec{}) || off.Crawl.Extract.On() {
		t.Errorf("a disabled extract object became %+v", off.Crawl.Extract)
	}
	c := s.Clone()
	*c.Crawl.Extract.Fallback = false
	c.Crawl.Extract.Focus = ExtractRecall
	if !*s.Crawl.Extract.Fallback || s.Crawl.Extract.Focus != ExtractPrecision {
		t.Errorf("the clone shares its extract object: %+v", s.Crawl.Extract)
	}
	var nilSpec *ExtractSpec
	if nilSpec.On() {
		t.Error("a nil extract object is on")
	}
}

// TestCrawlTaskExtract: a task carries the options resolved; a node never
// fills in defaults of its own.
func TestCrawlTaskExtract(t *testing.T) {
	full := func() *ExtractSpec {
		return &ExtractSpec{Enabled: true, Focus: ExtractPrecision, Fallback: boolp(true), MaxBytes: DefaultExtractMaxBytes, LatestDate: DefaultExtractLatestDate}
	}
	tests := []struct {
		name  string
		edit  func(e *ExtractSpec)
		field string
		want  string
	}{
		{name: "resolved", edit: func(*ExtractSpec) {}},
		{name: "off", edit: func(e *ExtractSpec) { *e = ExtractSpec{} }, field: "task.crawl.extract.enabled", want: "true in a task"},
		{name: "no focus", edit: func(e *ExtractSpec) { e.Focus = "" }, field: "task.crawl.extract.focus", want: "one of precision"},
		{name: "no fallback", edit: func(e *ExtractSpec) { e.Fallback = nil }, field: "task.crawl.extract.fallback", want: "written in"},
		{name: "no max_bytes", edit: func(e *ExtractSpec) { e.MaxBytes = 0 }, field: "task.crawl.extract.max_bytes", want: "from 1 to 2097152"},
		{name: "no latest_date", edit: func(e *ExtractSpec) { e.LatestDate = "" }, field: "task.crawl.extract.latest_date", want: "written in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := full()
			tt.edit(e)
			l := Lease{ID: "l1", Deadline: 1, Task: Task{ID: "t1", JobID: "j1", Kind: JobCrawl, Crawl: &CrawlTask{URLs: []string{"https://example.com/"}, TextSelector: "body", Extract: e}}}
			checkFieldErr(t, l.Validate(), tt.field, tt.want)
		})
	}
}

// TestExtractSpecRoundTrip: a spec with extract encodes and decodes to
// itself, as the fuzz test checks for arbitrary ones.
func TestExtractSpecRoundTrip(t *testing.T) {
	s := extractJob(&ExtractSpec{Enabled: true, Fallback: boolp(false), LatestDate: "2030-06-01"})
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back JobSpec
	if err := DecodeJSON(bytes.NewReader(b), MaxJobSpecSize, &back); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if !reflect.DeepEqual(back, s) {
		t.Fatalf("round trip: %+v, want %+v", back.Crawl.Extract, s.Crawl.Extract)
	}
	if !strings.Contains(string(b), `"fallback":false`) {
		t.Errorf("fallback false is lost in %s", b)
	}
}
