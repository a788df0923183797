package compute

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute/text"
	"github.com/meadow-net/meadow/dataset"
)

// Output columns of the quality and pii kernels beside the signal and count
// columns that compute/text names (text.Signals.Columns,
// text.PIICounts.Columns).
const (
	// ColQualityKeep is true when the row passes every enabled rule
	// (text.Params.Keep). The row is never dropped: the buyer filters.
	ColQualityKeep = "quality_keep"
	// ColQualityFailed names every rule the row fails, in text.RuleNames
	// order; empty when it is kept.
	ColQualityFailed = "quality_failed"
	// ColQualityText is the text the FineWeb columns were measured on and a
	// FineWeb pipeline passes on: C4's line filter's output when the c4
	// stage is on, the input unchanged otherwise.
	ColQualityText = "quality_text"
	// ColPIIText is the input with personal data masked (text.MaskPII).
	ColPIIText = "pii_text"
)

// shardCheck is how many rows a kernel computes between looks at its
// context: a quality row of 4 KB takes ~20 µs, so a cancelled task stops
// within a few milliseconds.
const shardCheck = 128

// QualityParams turns a job's quality parameters (nil, or any subset: the
// rest are the published defaults) into compute/text's, validated. Errors
// wrap ErrBadParams and name the field as the job spec spells it
// (compute.quality.gopher.min_doc_words).
func QualityParams(q *api.QualityParams) (text.Params, error) {
	r := api.ComputeSpec{Kernel: api.KernelQuality, Quality: q}.WithDefaults().Quality
	g, rp, c, f := r.Gopher, r.Repetition, r.C4, r.FineWeb
	p := text.Params{
		Gopher: text.GopherParams{
			Enabled:                  *g.Enabled,
			MinDocWords:              *g.MinDocWords,
			MaxDocWords:              *g.MaxDocWords,
			MinAvgWordLengthPPM:      *g.MinAvgWordLengthPPM,
			MaxAvgWordLengthPPM:      *g.MaxAvgWordLengthPPM,
			MaxSymbolWordRatioPPM:    *g.MaxSymbolWordRatioPPM,
			MaxBulletLinesRatioPPM:   *g.MaxBulletLinesRatioPPM,
			MaxEllipsisLinesRatioPPM: *g.MaxEllipsisLinesRatioPPM,
			MinAlphaWordsRatioPPM:    *g.MinAlphaWordsRatioPPM,
			MinStopWords:             *g.MinStopWords,
		},
		Repetition: text.RepetitionParams{
			Enabled:            *rp.Enabled,
			DupParaFracPPM:     *rp.DupParaFracPPM,
			DupParaCharFracPPM: *rp.DupParaCharFracPPM,
			DupLineFracPPM:     *rp.DupLineFracPPM,
			DupLineCharFracPPM: *rp.DupLineCharFracPPM,
			Top2GramPPM:        *rp.Top2GramPPM,
			Top3GramPPM:        *rp.Top3GramPPM,
			Top4GramPPM:        *rp.Top4GramPPM,
			Dup5GramPPM:        *rp.Dup5GramPPM,
			Dup6GramPPM:        *rp.Dup6GramPPM,
			Dup7GramPPM:        *rp.Dup7GramPPM,
			Dup8GramPPM:        *rp.Dup8GramPPM,
			Dup9GramPPM:        *rp.Dup9GramPPM,
			Dup10GramPPM:       *rp.Dup10GramPPM,
		},
		C4: text.C4Params{
			Enabled:               *c.Enabled,
			RemoveCitations:       *c.RemoveCitations,
			FilterNoTerminalPunct: *c.FilterNoTerminalPunct,
			MinWordsPerLine:       *c.MinWordsPerLine,
			MaxWordLength:         *c.MaxWordLength,
			FilterLoremIpsum:      *c.FilterLoremIpsum,
			FilterJavascript:      *c.FilterJavascript,
			FilterCurlyBracket:    *c.FilterCurlyBracket,
			FilterPolicy:          *c.FilterPolicy,
			MinNumSentences:       *c.MinNumSentences,
		},
		FineWeb: text.FineWebParams{
			Enabled:              *f.Enabled,
			LinePunctThrPPM:      *f.LinePunctThrPPM,
			LinePunctExcludeZero: *f.LinePunctExcludeZero,
			ShortLineThrPPM:      *f.ShortLineThrPPM,
			ShortLineLength:      *f.ShortLineLength,
			CharDupRatioPPM:      *f.CharDupRatioPPM,
			NewLineRatioPPM:      *f.NewLineRatioPPM,
		},
	}
	if err := p.Validate(); err != nil {
		// text names the field from "quality."; the spec's path adds
		// "compute.".
		msg, _ := strings.CutPrefix(err.Error(), text.ErrInvalidParams.Error()+": ")
		return text.Params{}, fmt.Errorf("%w: compute.%s", ErrBadParams, msg)
	}
	return p, nil
}

// PIIParams turns a job's pii parameters (nil, or any subset: the rest are
// true) into compute/text's.
func PIIParams(p *api.PIIParams) text.PIIParams {
	r := api.ComputeSpec{Kernel: api.KernelPII, PII: p}.WithDefaults().PII
	return text.PIIParams{Emails: *r.Emails, IPs: *r.IPs, PublicIPsOnly: *r.PublicIPsOnly, Phones: *r.Phones}
}

// qualityKernel is the quality Kernel: CPU only. The signals are integer
// tables and hashing; a GPU version would not pay for its transfers.
type qualityKernel struct {
	p text.Params
}

func (k *qualityKernel) Name() string { return api.KernelQuality }

// QualityColumns are the quality kernel's output columns, in order: every
// signal of text.Signals.Columns (int64), quality_keep (bool),
// quality_failed (list<string>) and quality_text (string).
func QualityColumns() []dataset.Column {
	sig := text.Signals{}.Columns()
	cols := make([]dataset.Column, 0, len(sig)+3)
	for _, c := range sig {
		cols = append(cols, dataset.Column{Name: c.Name, Type: dataset.TypeInt64, Role: dataset.RoleContent})
	}
	return append(cols,
		dataset.Column{Name: ColQualityKeep, Type: dataset.TypeBool, Role: dataset.RoleContent},
		dataset.Column{Name: ColQualityFailed, Type: dataset.TypeStringList, Role: dataset.RoleContent},
		dataset.Column{Name: ColQualityText, Type: dataset.TypeString, Role: dataset.RoleContent},
	)
}

func (k *qualityKernel) OutputColumns() []dataset.Column { return QualityColumns() }

func (k *qualityKernel) Run(ctx context.Context, texts []string) ([]dataset.Row, error) {
	rows := make([]dataset.Row, len(texts))
	n := len(text.Signals{}.Columns()) + 3
	for i, t := range texts {
		if i%shardCheck == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		s, out := k.p.Signals(t)
		keep, failed := k.p.Keep(s)
		if failed == nil {
			failed = []string{}
		}
		r := make(dataset.Row, 0, n)
		for _, c := range s.Columns() {
			r = append(r, c.Value)
		}
		rows[i] = append(r, keep, failed, validText(out))
	}
	return rows, nil
}

// piiKernel is the pii Kernel: CPU only, like quality.
type piiKernel struct {
	p text.PIIParams
}

func (k *piiKernel) Name() string { return api.KernelPII }

// PIIColumns are the pii kernel's output columns, in order: pii_text
// (string), then every count of text.PIICounts.Columns (int64).
func PIIColumns() []dataset.Column {
	counts := text.PIICounts{}.Columns()
	cols := make([]dataset.Column, 0, len(counts)+1)
	cols = append(cols, dataset.Column{Name: ColPIIText, Type: dataset.TypeString, Role: dataset.RoleContent})
	for _, c := range counts {
		cols = append(cols, dataset.Column{Name: c.Name, Type: dataset.TypeInt64, Role: dataset.RoleContent})
	}
	return cols
}

func (k *piiKernel) OutputColumns() []dataset.Column { return PIIColumns() }

func (k *piiKernel) Run(ctx context.Context, texts []string) ([]dataset.Row, error) {
	const width = 5
	rows := make([]dataset.Row, len(texts))
	vals := make([]any, width*len(texts)) // one allocation for every row's cells
	for i, t := range texts {
		if i%shardCheck == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		masked, c := text.MaskPII(t, k.p)
		r := vals[width*i : width*(i+1) : width*(i+1)]
		r[0], r[1], r[2], r[3], r[4] = validText(masked), c.Emails, c.IPv4, c.IPv6, c.Phones
		rows[i] = r
	}
	return rows, nil
}

// validText makes a kernel's text output valid UTF-8, which a dataset's
// string column must be: each run of bytes that is not UTF-8 becomes one
// U+FFFD. Input read from a dataset is valid already, and both kernels keep
// valid text valid, so this changes only texts handed to Run directly.
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
