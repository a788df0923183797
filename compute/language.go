package compute

import (
	"context"
	"fmt"
	"slices"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute/langid"
	"github.com/meadow-net/meadow/dataset"
)

// Output columns of the language kernel.
const (
	// ColLanguage is the detected language: a lowercase ISO 639-1 code (or
	// ISO 639-3 where the detector has no 639-1 code), "" when unknown.
	ColLanguage = "language"
	// ColLanguageScore is the detector's confidence, in [0, 1]; 0 when
	// ColLanguage is "". Float64, bit-identical on every machine
	// (compute/DESIGN.md, "language").
	ColLanguageScore = "language_score"
)

// LanguageDetector turns a job's language parameters (nil, or any subset:
// the rest are the defaults) into the detector the kernel runs, validated.
// Errors wrap ErrBadParams and name the field as the job spec spells it
// (compute.language.languages[2]), the value and what was expected.
func LanguageDetector(p *api.LanguageParams) (*langid.Detector, error) {
	r := api.ComputeSpec{Kernel: api.KernelLanguage, Language: p}.WithDefaults().Language
	if r.MaxBytes < 1 || r.MaxBytes > langid.MaxBytesLimit {
		return nil, fmt.Errorf("%w: compute.language.max_bytes %d: expected an integer from 1 to %d (or 0 or absent for %d)",
			ErrBadParams, r.MaxBytes, langid.MaxBytesLimit, langid.DefaultMaxBytes)
	}
	if n := len(langid.Codes()); len(r.Languages) > n {
		return nil, fmt.Errorf("%w: compute.language.languages [%d items]: expected at most %d codes, each listed once", ErrBadParams, len(r.Languages), n)
	}
	for i, c := range r.Languages {
		if !langid.Known(c) || slices.Contains(r.Languages[:i], c) {
			return nil, fmt.Errorf("%w: compute.language.languages[%d] %q: expected a language code, lowercase, listed once (one of %d: compute/langid.Codes)",
				ErrBadParams, i, c, len(langid.Codes()))
		}
	}
	d, err := langid.New(r.Languages, r.MaxBytes)
	if err != nil { // checked above; a langid rule this misses
		return nil, fmt.Errorf("%w: compute.language: %w", ErrBadParams, err)
	}
	return d, nil
}

// languageKernel is the language Kernel: CPU only. whatlanggo is map
// lookups and integer sums; there is nothing for a GPU to do.
type languageKernel struct {
	d *langid.Detector
}

func (k *languageKernel) Name() string { return api.KernelLanguage }

// LanguageColumns are the language kernel's output columns, in order:
// language (string) and language_score (float64).
func LanguageColumns() []dataset.Column {
	return []dataset.Column{
		{Name: ColLanguage, Type: dataset.TypeString, Role: dataset.RoleContent},
		{Name: ColLanguageScore, Type: dataset.TypeFloat64, Role: dataset.RoleContent},
	}
}

func (k *languageKernel) OutputColumns() []dataset.Column { return LanguageColumns() }

func (k *languageKernel) Run(ctx context.Context, texts []string) ([]dataset.Row, error) {
	rows := make([]dataset.Row, len(texts))
	for i, t := range texts {
		// A row takes up to ~1 ms (16 KiB), so look at the context more
		// often than shardCheck.
		if i%16 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		r := k.d.Detect(t)
		rows[i] = dataset.Row{r.Code, r.Score}
	}
	return rows, nil
}
