package compute

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute/internal/golden"
	"github.com/meadow-net/meadow/compute/text"
	"github.com/meadow-net/meadow/dataset"
)

// stageCorpus is the golden stage texts and random texts with several
// lines, personal data and repetition, so that every rule has rows on both
// sides of it.
func stageCorpus(n int) []string {
	r := rand.New(rand.NewPCG(13, 13))
	out := golden.StageTexts()
	pieces := []string{"alice@example.org", "8.8.4.4", "10.1.2.3", "2001:4860::1", "+1 415 555 0100", "lorem ipsum", "{", "[1]", "...", "\n", "\n\n", "- ", "javascript", "cookie policy", ".", "!"}
	for range n {
		var b strings.Builder
		for b.Len() < 600 {
			if r.IntN(4) == 0 {
				b.WriteString(pieces[r.IntN(len(pieces))])
			} else {
				b.WriteString(vocabulary[r.IntN(len(vocabulary))])
			}
			b.WriteByte(' ')
		}
		out = append(out, b.String())
	}
	return out
}

// TestQualityKernelMatchesText: every row is text.Params.Signals and Keep
// run directly on the same text, with the published defaults and with a
// buyer's overrides.
func TestQualityKernelMatchesText(t *testing.T) {
	texts := stageCorpus(200)
	for i, q := range golden.QualityParams() {
		k, err := New(api.ComputeSpec{Kernel: api.KernelQuality, Quality: &q})
		if err != nil {
			t.Fatal(err)
		}
		p, err := QualityParams(&q)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 && !reflect.DeepEqual(p, text.DefaultParams()) {
			t.Fatalf("QualityParams(defaults) = %+v, want text.DefaultParams()", p)
		}
		rows, err := k.Run(context.Background(), texts)
		if err != nil {
			t.Fatal(err)
		}
		schema, err := dataset.ComputeSchema(k.OutputColumns())
		if err != nil {
			t.Fatal(err)
		}
		kept := 0
		for j, tx := range texts {
			s, out := p.Signals(tx)
			keep, failed := p.Keep(s)
			want := dataset.Row{}
			for _, c := range s.Columns() {
				want = append(want, c.Value)
			}
			want = append(want, keep, append([]string{}, failed...), validText(out))
			if !reflect.DeepEqual(rows[j], want) {
				t.Fatalf("set %d text %d: row %v, want %v", i, j, rows[j], want)
			}
			full := append(dataset.Row{make([]byte, 32)}, rows[j]...)
			full = append(full, "0xnode", int64(1), nil)
			if err := dataset.ValidateRow(schema, full); err != nil {
				t.Fatalf("set %d text %d: %v", i, j, err)
			}
			if keep {
				kept++
			}
		}
		if kept == 0 || kept == len(texts) {
			t.Errorf("set %d: %d of %d rows kept; the corpus should have rows on both sides", i, kept, len(texts))
		}
	}
}

// TestPIIKernelMatchesText: every row is text.MaskPII run directly.
func TestPIIKernelMatchesText(t *testing.T) {
	texts := stageCorpus(200)
	for i, pp := range golden.PIIParams() {
		k, err := New(api.ComputeSpec{Kernel: api.KernelPII, PII: &pp})
		if err != nil {
			t.Fatal(err)
		}
		p := PIIParams(&pp)
		if i == 0 && p != text.DefaultPIIParams() {
			t.Fatalf("PIIParams(defaults) = %+v, want text.DefaultPIIParams()", p)
		}
		rows, err := k.Run(context.Background(), texts)
		if err != nil {
			t.Fatal(err)
		}
		masked := 0
		for j, tx := range texts {
			out, c := text.MaskPII(tx, p)
			want := dataset.Row{validText(out)}
			for _, col := range c.Columns() {
				want = append(want, col.Value)
			}
			if !reflect.DeepEqual(rows[j], want) {
				t.Fatalf("set %d text %d: row %v, want %v", i, j, rows[j], want)
			}
			if out != tx {
				masked++
			}
		}
		if masked == 0 {
			t.Errorf("set %d: nothing masked in the corpus", i)
		}
	}
	names := []string{}
	for _, c := range PIIColumns() {
		names = append(names, c.Name)
	}
	if want := []string{ColPIIText, "pii_emails", "pii_ipv4", "pii_ipv6", "pii_phones"}; !slices.Equal(names, want) {
		t.Fatalf("PIIColumns() = %v, want %v", names, want)
	}
}

// TestQualityParamsMirrorText: api's wire form of the quality parameters
// is compute/text's Params as JSON: the same names, the same defaults. A
// threshold added to text but not to api (or the reverse) fails here.
func TestQualityParamsMirrorText(t *testing.T) {
	b, err := json.Marshal(api.DefaultQualityParams())
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var p text.Params
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("api's defaults do not decode strictly into text.Params: %v", err)
	}
	if !reflect.DeepEqual(p, text.DefaultParams()) {
		t.Fatalf("api.DefaultQualityParams() = %+v, text.DefaultParams() = %+v", p, text.DefaultParams())
	}
	tb, _ := json.Marshal(text.DefaultParams())
	if string(tb) != string(b) {
		t.Fatalf("JSON differs:\napi  %s\ntext %s", b, tb)
	}
}

// TestQualityValidationAgrees: for every threshold and each value at and
// around its range's ends, api (the coordinator's check) and compute (the
// node's, through text.Params.Validate) accept the same specs and refuse
// the others naming the same field.
func TestQualityValidationAgrees(t *testing.T) {
	var groups map[string]map[string]json.RawMessage
	b, _ := json.Marshal(api.DefaultQualityParams())
	if err := json.Unmarshal(b, &groups); err != nil {
		t.Fatal(err)
	}
	values := []int64{-2, -1, 0, 1, 29, 51, 99_999, 100_001, 999_999, 1_000_000, 1_000_001, 1_000_000_000, 1_000_000_001, 1_000_000_000_000, 1_000_000_000_001}
	checked := 0
	for g, fields := range groups {
		for f, def := range fields {
			if string(def) == "true" || string(def) == "false" {
				continue
			}
			for _, v := range values {
				body := `{"` + g + `":{"` + f + `":` + itoa(v) + `}}`
				var q api.QualityParams
				if err := json.Unmarshal([]byte(body), &q); err != nil {
					t.Fatal(err)
				}
				field := "compute.quality." + g + "." + f
				apiErr := api.ComputeSpec{Input: "ds-1", Kernel: api.KernelQuality, Quality: &q}.Validate()
				_, err := New(api.ComputeSpec{Kernel: api.KernelQuality, Quality: &q})
				if (apiErr == nil) != (err == nil) {
					t.Fatalf("%s: api says %v, compute says %v", body, apiErr, err)
				}
				if err == nil {
					continue
				}
				if !errors.Is(err, ErrBadParams) {
					t.Fatalf("%s: %v does not wrap ErrBadParams", body, err)
				}
				named := false
				for _, fe := range api.FieldErrors(apiErr) {
					named = named || strings.HasPrefix(err.Error(), ErrBadParams.Error()+": compute."+fe.Field+":")
				}
				if !named || !strings.Contains(err.Error(), "expected") {
					t.Fatalf("%s: compute says %q, api %v; want the same field (%s or its pair) and what was expected", body, err, apiErr, field)
				}
				checked++
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d refusals compared", checked)
	}
}

// TestNewQualityAndPIIRefuse: parameters of another kernel are refused
// naming the field.
func TestNewQualityAndPIIRefuse(t *testing.T) {
	tests := []struct {
		name string
		spec api.ComputeSpec
		want string
	}{
		{name: "pii on quality", spec: api.ComputeSpec{Kernel: api.KernelQuality, PII: &api.PIIParams{}}, want: "compute.pii:"},
		{name: "quality on pii", spec: api.ComputeSpec{Kernel: api.KernelPII, Quality: &api.QualityParams{}}, want: "compute.quality:"},
		{name: "quality on tokens", spec: api.ComputeSpec{Kernel: api.KernelTokens, Quality: &api.QualityParams{}}, want: "compute.quality:"},
		{name: "bad threshold", spec: api.ComputeSpec{Kernel: api.KernelQuality, Quality: &api.QualityParams{C4: &api.C4QualityParams{MinWordsPerLine: ptr(int64(-3))}}}, want: "compute.quality.c4.min_words_per_line: expected -1 (off) or 0..1000000000, got -3"},
		{name: "unknown kernel lists them", spec: api.ComputeSpec{Kernel: "quallity"}, want: "minhash, embed, tokens, quality, pii"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.spec)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
