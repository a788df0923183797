package compute

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute/internal/golden"
	"github.com/meadow-net/meadow/compute/langid"
	"github.com/meadow-net/meadow/dataset"
)

// TestLanguageKernelMatchesDetector: every row is langid's Detect run
// directly on the same text, with the defaults and with each golden
// parameter set, and fits the output schema.
func TestLanguageKernelMatchesDetector(t *testing.T) {
	texts := append(golden.LanguageTexts(), stageCorpus(50)...)
	for i, p := range golden.LanguageParams() {
		k, err := New(api.ComputeSpec{Kernel: api.KernelLanguage, Language: &p})
		if err != nil {
			t.Fatal(err)
		}
		if k.InputColumn() != DefaultColumn {
			t.Fatalf("input column %q, want %q", k.InputColumn(), DefaultColumn)
		}
		d, err := LanguageDetector(&p)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := k.Run(context.Background(), texts)
		if err != nil {
			t.Fatal(err)
		}
		schema, err := dataset.ComputeSchema(k.OutputColumns())
		if err != nil {
			t.Fatal(err)
		}
		known := 0
		for j, tx := range texts {
			r := d.Detect(tx)
			if !reflect.DeepEqual(rows[j], dataset.Row{r.Code, r.Score}) {
				t.Fatalf("set %d text %d: row %v, want %+v", i, j, rows[j], r)
			}
			full := append(dataset.Row{make([]byte, 32)}, rows[j]...)
			full = append(full, "0xnode", int64(1), nil)
			if err := dataset.ValidateRow(schema, full); err != nil {
				t.Fatalf("set %d text %d: %v", i, j, err)
			}
			if r.Code != "" {
				known++
			}
		}
		if known == 0 || known == len(texts) {
			t.Errorf("set %d: %d of %d rows with a language; the corpus should have both", i, known, len(texts))
		}
	}
	names := []string{}
	for _, c := range LanguageColumns() {
		names = append(names, c.Name+":"+c.Type.String())
	}
	if want := []string{"language:string", "language_score:float64"}; !slices.Equal(names, want) {
		t.Fatalf("LanguageColumns() = %v, want %v", names, want)
	}
}

// TestLanguageCodesMirrorLangid: api's list of codes (what the coordinator
// accepts in an allow-list) is exactly what the detector knows.
func TestLanguageCodesMirrorLangid(t *testing.T) {
	if got, want := api.LanguageCodes(), langid.Codes(); !slices.Equal(got, want) {
		t.Fatalf("api.LanguageCodes() = %v\nlangid.Codes()    = %v", got, want)
	}
	if api.DefaultLanguageMaxBytes != langid.DefaultMaxBytes || api.LanguageMaxBytesLimit != langid.MaxBytesLimit {
		t.Fatalf("max bytes: api %d (limit %d), langid %d (limit %d)", api.DefaultLanguageMaxBytes, api.LanguageMaxBytesLimit, langid.DefaultMaxBytes, langid.MaxBytesLimit)
	}
}

// TestNewLanguageRefuses: bad parameters are refused naming the field, the
// value and what was expected, as api does.
func TestNewLanguageRefuses(t *testing.T) {
	tests := []struct {
		name string
		spec api.ComputeSpec
		want string
	}{
		{name: "unknown code", spec: api.ComputeSpec{Kernel: api.KernelLanguage, Language: &api.LanguageParams{Languages: []string{"en", "xx"}}},
			want: `compute.language.languages[1] "xx": expected a language code, lowercase, listed once`},
		{name: "duplicate", spec: api.ComputeSpec{Kernel: api.KernelLanguage, Language: &api.LanguageParams{Languages: []string{"en", "en"}}},
			want: `compute.language.languages[1] "en"`},
		{name: "max bytes", spec: api.ComputeSpec{Kernel: api.KernelLanguage, Language: &api.LanguageParams{MaxBytes: -4}},
			want: "compute.language.max_bytes -4: expected an integer from 1 to 1048576"},
		{name: "language on quality", spec: api.ComputeSpec{Kernel: api.KernelQuality, Language: &api.LanguageParams{}}, want: "compute.language:"},
		{name: "pii on language", spec: api.ComputeSpec{Kernel: api.KernelLanguage, PII: &api.PIIParams{}}, want: "compute.pii:"},
		{name: "unknown kernel lists it", spec: api.ComputeSpec{Kernel: "lang"}, want: "pii, dedup, language"},
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

// checkLanguageAgrees decodes body as a buyer's language parameters and
// checks that api (the coordinator) and New (the node) accept it alike,
// and that a refusal names the same field and says what was expected.
// Undecodable JSON is skipped.
func checkLanguageAgrees(t *testing.T, body []byte) bool {
	var p api.LanguageParams
	if json.Unmarshal(body, &p) != nil {
		return false
	}
	spec := api.ComputeSpec{Input: "ds-1", Kernel: api.KernelLanguage, Language: &p}
	apiErr := spec.Validate()
	k, err := New(spec)
	if (apiErr == nil) != (err == nil) {
		t.Fatalf("%s: api says %v, compute says %v", body, apiErr, err)
	}
	if err == nil {
		// Accepted: the resolved task's parameters pass a task's check
		// and give the same detector settings.
		r := spec.WithDefaults()
		if err := r.Validate(); err != nil {
			t.Fatalf("%s: resolved spec refused: %v", body, err)
		}
		if got := k.(withColumn).impl.(*languageKernel).d.MaxBytes(); got != r.Language.MaxBytes {
			t.Fatalf("%s: detector reads %d bytes, resolved spec %d", body, got, r.Language.MaxBytes)
		}
		return true
	}
	if !errors.Is(err, ErrBadParams) {
		t.Fatalf("%s: %v does not wrap ErrBadParams", body, err)
	}
	named := false
	for _, fe := range api.FieldErrors(apiErr) {
		named = named || strings.HasPrefix(err.Error(), ErrBadParams.Error()+": compute."+fe.Field+" ")
	}
	if !named || !strings.Contains(err.Error(), "expected") {
		t.Fatalf("%s: compute says %q, api %v; want the same field and what was expected", body, err, apiErr)
	}
	return true
}

// TestLanguageValidationAgrees: at and around max_bytes's range ends, and
// for good and bad allow-lists, api and compute agree.
func TestLanguageValidationAgrees(t *testing.T) {
	bodies := []string{`{}`, `{"languages":[]}`, `{"languages":["en"]}`, `{"languages":["EN"]}`, `{"languages":["en","en"]}`,
		`{"languages":["ceb","zh","ja"]}`, `{"languages":["eng"]}`, `{"languages":[""]}`, `{"languages":["de"],"max_bytes":-1}`}
	many, _ := json.Marshal(api.LanguageParams{Languages: append(langid.Codes(), "en")})
	bodies = append(bodies, string(many))
	for _, n := range []int64{-1, 0, 1, 2, 16384, 1 << 20, 1<<20 + 1, math.MaxInt32} {
		bodies = append(bodies, `{"max_bytes":`+itoa(n)+`}`)
	}
	for _, b := range bodies {
		if !checkLanguageAgrees(t, []byte(b)) {
			t.Fatalf("%s did not decode", b)
		}
	}
}

// FuzzLanguageParams: parameters a buyer might send as compute.language,
// both as values (an allow-list of comma-separated codes, a max_bytes) and
// as raw JSON: api and compute accept or refuse them alike, naming the
// same field; never a panic.
func FuzzLanguageParams(f *testing.F) {
	seeds := []struct {
		codes string
		max   int64
		body  string
	}{
		{"", 0, `{}`}, {"en,de", 16384, `{"languages":["en","de"]}`}, {"", 1, `{"max_bytes":1}`},
		{"", 1048577, `{"max_bytes":1048577}`}, {"en,en", 0, `{"languages":["en","en"]}`},
		{"xx", -3, `{"languages":["xx"],"max_bytes":-3}`}, {"zh,ydd,pes", 0, `{"languages":null}`},
		{"EN,,de", 9007199254740993, `{"languages":["zh","ydd","pes"],"max_bytes":1e3}`},
	}
	for _, s := range seeds {
		f.Add(s.codes, s.max, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, codes string, maxBytes int64, body []byte) {
		p := api.LanguageParams{MaxBytes: int(maxBytes)}
		if int64(p.MaxBytes) != maxBytes {
			return // does not fit an int here: JSON decoding refuses it
		}
		if codes != "" {
			p.Languages = strings.Split(codes, ",")
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if !checkLanguageAgrees(t, b) {
			t.Fatalf("%s: api's own JSON does not decode", b)
		}
		checkLanguageAgrees(t, body)
	})
}

// TestLanguageKernelDeterministic: every golden language text, under every
// golden parameter set, gives the same code and score bits as golden.json
// on every run, from 4 goroutines at once, under GOMAXPROCS 1 and 4. The
// tie texts are among them: whatlanggo's own answer for those changes from
// call to call.
func TestLanguageKernelDeterministic(t *testing.T) {
	gold, _ := loadGolden(t)
	texts := golden.DecodeTexts(gold.LanguageTexts)
	for si, set := range gold.Language {
		k, err := New(api.ComputeSpec{Kernel: api.KernelLanguage, Language: &set.Params})
		if err != nil {
			t.Fatal(err)
		}
		for _, procs := range []int{1, 4} {
			prev := runtime.GOMAXPROCS(procs)
			var wg sync.WaitGroup
			errs := make(chan string, 4)
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 5 {
						rows, err := k.Run(context.Background(), texts)
						if err != nil {
							errs <- err.Error()
							return
						}
						for i, r := range rows {
							want := set.Rows[i]
							if r[0] != want.Language || fmt.Sprintf("%016x", math.Float64bits(r[1].(float64))) != want.ScoreBits {
								errs <- fmt.Sprintf("set %d text %d: %v, golden %q %s", si, i, r, want.Language, want.ScoreBits)
								return
							}
						}
					}
				}()
			}
			wg.Wait()
			runtime.GOMAXPROCS(prev)
			close(errs)
			for e := range errs {
				t.Errorf("GOMAXPROCS %d: %s", procs, e)
			}
		}
	}
}
