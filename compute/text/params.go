package text

import "fmt"

// Off, as a threshold, switches its rule off (datatrove's None, or -1 for
// its C4 counts). Zero is a real threshold, not "off" as in datatrove.
const Off = -1

// Params are the quality stage's thresholds, grouped by the published
// filter they come from. DefaultParams holds the published defaults; a
// buyer overrides any of them in the job spec. Ratios are in parts per
// million (PPM). Every threshold may be Off.
//
// Signals and Keep give defined results for any Params, but only
// Validate-d ones mean what the field names say.
type Params struct {
	Gopher     GopherParams     `json:"gopher"`
	Repetition RepetitionParams `json:"gopher_repetition"`
	C4         C4Params         `json:"c4"`
	FineWeb    FineWebParams    `json:"fineweb"`
}

// GopherParams are datatrove's GopherQualityFilter arguments (Rae et al.
// 2021, section A.1.1), with ratios in PPM; DESIGN.md, "Rules and
// defaults", gives each field's rule and default. Enabled switches the
// whole filter.
type GopherParams struct {
	Enabled                  bool  `json:"enabled"`
	MinDocWords              int64 `json:"min_doc_words"`
	MaxDocWords              int64 `json:"max_doc_words"`
	MinAvgWordLengthPPM      int64 `json:"min_avg_word_length_ppm"`
	MaxAvgWordLengthPPM      int64 `json:"max_avg_word_length_ppm"`
	MaxSymbolWordRatioPPM    int64 `json:"max_symbol_word_ratio_ppm"`
	MaxBulletLinesRatioPPM   int64 `json:"max_bullet_lines_ratio_ppm"`
	MaxEllipsisLinesRatioPPM int64 `json:"max_ellipsis_lines_ratio_ppm"`
	// MinAlphaWordsRatioPPM is datatrove's max_non_alpha_words_ratio: the
	// least share of tokens that have a letter.
	MinAlphaWordsRatioPPM int64 `json:"min_alpha_words_ratio_ppm"`
	MinStopWords          int64 `json:"min_stop_words"`
}

// RepetitionParams are datatrove's GopherRepetitionFilter arguments (Rae et
// al. 2021, table A1): the most a text may have of each kind of
// repetition, in PPM of its lines, paragraphs or characters.
type RepetitionParams struct {
	Enabled            bool  `json:"enabled"`
	DupParaFracPPM     int64 `json:"dup_para_frac_ppm"`
	DupParaCharFracPPM int64 `json:"dup_para_char_frac_ppm"`
	DupLineFracPPM     int64 `json:"dup_line_frac_ppm"`
	DupLineCharFracPPM int64 `json:"dup_line_char_frac_ppm"`
	Top2GramPPM        int64 `json:"top_2_gram_ppm"`
	Top3GramPPM        int64 `json:"top_3_gram_ppm"`
	Top4GramPPM        int64 `json:"top_4_gram_ppm"`
	Dup5GramPPM        int64 `json:"dup_5_gram_ppm"`
	Dup6GramPPM        int64 `json:"dup_6_gram_ppm"`
	Dup7GramPPM        int64 `json:"dup_7_gram_ppm"`
	Dup8GramPPM        int64 `json:"dup_8_gram_ppm"`
	Dup9GramPPM        int64 `json:"dup_9_gram_ppm"`
	Dup10GramPPM       int64 `json:"dup_10_gram_ppm"`
}

// C4Params are datatrove's C4QualityFilter arguments. The line rules are
// applied by C4Lines; the document rules (FilterLoremIpsum,
// FilterCurlyBracket, MinNumSentences) by Keep.
type C4Params struct {
	Enabled               bool  `json:"enabled"`                  // the stage runs (and changes the text)
	RemoveCitations       bool  `json:"remove_citations"`         // cut [1], [edit], [citation needed]
	FilterNoTerminalPunct bool  `json:"filter_no_terminal_punct"` // remove lines without . ? ! " '
	MinWordsPerLine       int64 `json:"min_words_per_line"`       // remove shorter lines
	MaxWordLength         int64 `json:"max_word_length"`          // remove lines with a longer word
	FilterLoremIpsum      bool  `json:"filter_lorem_ipsum"`       // drop pages with "lorem ipsum"
	FilterJavascript      bool  `json:"filter_javascript"`        // remove lines with "javascript"
	FilterCurlyBracket    bool  `json:"filter_curly_bracket"`     // drop pages with '{'
	FilterPolicy          bool  `json:"filter_policy"`            // remove cookie and policy lines
	MinNumSentences       int64 `json:"min_num_sentences"`        // drop pages with fewer
}

// FineWebParams are datatrove's FineWebQualityFilter arguments (Penedo et
// al. 2024), with ratios in PPM. ShortLineLength (characters) is what a
// short line is, not a threshold, and cannot be Off.
type FineWebParams struct {
	Enabled              bool  `json:"enabled"`
	LinePunctThrPPM      int64 `json:"line_punct_thr_ppm"`
	LinePunctExcludeZero bool  `json:"line_punct_exclude_zero"`
	ShortLineThrPPM      int64 `json:"short_line_thr_ppm"`
	ShortLineLength      int64 `json:"short_line_length"`
	CharDupRatioPPM      int64 `json:"char_duplicates_ratio_ppm"`
	NewLineRatioPPM      int64 `json:"new_line_ratio_ppm"`
}

// DefaultParams returns datatrove's defaults for all four filters, which
// are the Gopher paper's and FineWeb's published values. C4's are
// datatrove's (5 sentences, 3 words a line); the T5 paper and the tfds code
// that built C4 use 3 sentences and 5 words. FineWeb's own pipeline turns
// C4's terminal punctuation rule off (C4.FilterNoTerminalPunct = false).
func DefaultParams() Params {
	return Params{
		Gopher: GopherParams{
			Enabled:                  true,
			MinDocWords:              50,
			MaxDocWords:              100_000,
			MinAvgWordLengthPPM:      3 * PPM,
			MaxAvgWordLengthPPM:      10 * PPM,
			MaxSymbolWordRatioPPM:    100_000,
			MaxBulletLinesRatioPPM:   900_000,
			MaxEllipsisLinesRatioPPM: 300_000,
			MinAlphaWordsRatioPPM:    800_000,
			MinStopWords:             2,
		},
		Repetition: RepetitionParams{
			Enabled:            true,
			DupParaFracPPM:     300_000,
			DupParaCharFracPPM: 200_000,
			DupLineFracPPM:     300_000,
			DupLineCharFracPPM: 200_000,
			Top2GramPPM:        200_000,
			Top3GramPPM:        180_000,
			Top4GramPPM:        160_000,
			Dup5GramPPM:        150_000,
			Dup6GramPPM:        140_000,
			Dup7GramPPM:        130_000,
			Dup8GramPPM:        120_000,
			Dup9GramPPM:        110_000,
			Dup10GramPPM:       100_000,
		},
		C4: C4Params{
			Enabled:               true,
			RemoveCitations:       true,
			FilterNoTerminalPunct: true,
			MinWordsPerLine:       3,
			MaxWordLength:         1000,
			FilterLoremIpsum:      true,
			FilterJavascript:      true,
			FilterCurlyBracket:    true,
			FilterPolicy:          true,
			MinNumSentences:       5,
		},
		FineWeb: FineWebParams{
			Enabled:              true,
			LinePunctThrPPM:      120_000,
			LinePunctExcludeZero: false,
			ShortLineThrPPM:      670_000,
			ShortLineLength:      30,
			CharDupRatioPPM:      10_000,
			NewLineRatioPPM:      300_000,
		},
	}
}

// Limits of Validate: a count, a share of a whole (at most 1), a ratio that
// can pass 1 (per token, or a mean length).
const (
	maxCount    = 1_000_000_000
	maxFraction = PPM
	maxRatio    = 1_000_000 * PPM
)

type bound struct {
	name string
	v    int64
	max  int64
	off  bool // Off allowed
}

// Validate checks every threshold against its range and the pairs that
// must be ordered; the error names the field as a job spec spells it
// (quality.gopher.min_doc_words) and wraps ErrInvalidParams.
func (p Params) Validate() error {
	g, r, c, f := p.Gopher, p.Repetition, p.C4, p.FineWeb
	bounds := []bound{
		{"gopher.min_doc_words", g.MinDocWords, maxCount, true},
		{"gopher.max_doc_words", g.MaxDocWords, maxCount, true},
		{"gopher.min_avg_word_length_ppm", g.MinAvgWordLengthPPM, maxRatio, true},
		{"gopher.max_avg_word_length_ppm", g.MaxAvgWordLengthPPM, maxRatio, true},
		{"gopher.max_symbol_word_ratio_ppm", g.MaxSymbolWordRatioPPM, maxRatio, true},
		{"gopher.max_bullet_lines_ratio_ppm", g.MaxBulletLinesRatioPPM, maxFraction, true},
		{"gopher.max_ellipsis_lines_ratio_ppm", g.MaxEllipsisLinesRatioPPM, maxFraction, true},
		{"gopher.min_alpha_words_ratio_ppm", g.MinAlphaWordsRatioPPM, maxFraction, true},
		{"gopher.min_stop_words", g.MinStopWords, maxCount, true},
		{"gopher_repetition.dup_para_frac_ppm", r.DupParaFracPPM, maxFraction, true},
		{"gopher_repetition.dup_para_char_frac_ppm", r.DupParaCharFracPPM, maxFraction, true},
		{"gopher_repetition.dup_line_frac_ppm", r.DupLineFracPPM, maxFraction, true},
		{"gopher_repetition.dup_line_char_frac_ppm", r.DupLineCharFracPPM, maxFraction, true},
		{"gopher_repetition.top_2_gram_ppm", r.Top2GramPPM, maxRatio, true},
		{"gopher_repetition.top_3_gram_ppm", r.Top3GramPPM, maxRatio, true},
		{"gopher_repetition.top_4_gram_ppm", r.Top4GramPPM, maxRatio, true},
		{"gopher_repetition.dup_5_gram_ppm", r.Dup5GramPPM, maxFraction, true},
		{"gopher_repetition.dup_6_gram_ppm", r.Dup6GramPPM, maxFraction, true},
		{"gopher_repetition.dup_7_gram_ppm", r.Dup7GramPPM, maxFraction, true},
		{"gopher_repetition.dup_8_gram_ppm", r.Dup8GramPPM, maxFraction, true},
		{"gopher_repetition.dup_9_gram_ppm", r.Dup9GramPPM, maxFraction, true},
		{"gopher_repetition.dup_10_gram_ppm", r.Dup10GramPPM, maxFraction, true},
		{"c4.min_words_per_line", c.MinWordsPerLine, maxCount, true},
		{"c4.max_word_length", c.MaxWordLength, maxCount, true},
		{"c4.min_num_sentences", c.MinNumSentences, maxCount, true},
		{"fineweb.line_punct_thr_ppm", f.LinePunctThrPPM, maxFraction, true},
		{"fineweb.short_line_thr_ppm", f.ShortLineThrPPM, maxFraction, true},
		{"fineweb.short_line_length", f.ShortLineLength, maxCount, false},
		{"fineweb.char_duplicates_ratio_ppm", f.CharDupRatioPPM, maxFraction, true},
		{"fineweb.new_line_ratio_ppm", f.NewLineRatioPPM, maxRatio, true},
	}
	for _, b := range bounds {
		if (b.off && b.v == Off) || (b.v >= 0 && b.v <= b.max) {
			continue
		}
		if b.off {
			return fmt.Errorf("%w: quality.%s: expected -1 (off) or 0..%d, got %d", ErrInvalidParams, b.name, b.max, b.v)
		}
		return fmt.Errorf("%w: quality.%s: expected 0..%d, got %d", ErrInvalidParams, b.name, b.max, b.v)
	}
	if g.MinDocWords != Off && g.MaxDocWords != Off && g.MinDocWords > g.MaxDocWords {
		return fmt.Errorf("%w: quality.gopher.min_doc_words: expected at most max_doc_words (%d), got %d", ErrInvalidParams, g.MaxDocWords, g.MinDocWords)
	}
	if g.MinAvgWordLengthPPM != Off && g.MaxAvgWordLengthPPM != Off && g.MinAvgWordLengthPPM > g.MaxAvgWordLengthPPM {
		return fmt.Errorf("%w: quality.gopher.min_avg_word_length_ppm: expected at most max_avg_word_length_ppm (%d), got %d", ErrInvalidParams, g.MaxAvgWordLengthPPM, g.MinAvgWordLengthPPM)
	}
	return nil
}

// ruleNames lists every rule Keep can name, in the order Keep checks them:
// FineWeb's pipeline order (repetition, quality, C4, FineWeb), and within
// each filter datatrove's order. The names are datatrove's reasons, with
// the filter as a prefix where datatrove's lacks one.
var ruleNames = []string{
	"gopher_rep_dup_para_frac",
	"gopher_rep_dup_para_char_frac",
	"gopher_rep_dup_line_frac",
	"gopher_rep_dup_line_char_frac",
	"gopher_rep_top_2_gram",
	"gopher_rep_top_3_gram",
	"gopher_rep_top_4_gram",
	"gopher_rep_duplicated_5_n_grams",
	"gopher_rep_duplicated_6_n_grams",
	"gopher_rep_duplicated_7_n_grams",
	"gopher_rep_duplicated_8_n_grams",
	"gopher_rep_duplicated_9_n_grams",
	"gopher_rep_duplicated_10_n_grams",
	"gopher_short_doc",
	"gopher_long_doc",
	"gopher_below_avg_threshold",
	"gopher_above_avg_threshold",
	"gopher_too_many_hashes",
	"gopher_too_many_ellipsis",
	"gopher_too_many_bullets",
	"gopher_too_many_end_ellipsis",
	"gopher_below_alpha_threshold",
	"gopher_enough_stop_words",
	"c4_lorem_ipsum",
	"c4_curly_bracket",
	"c4_too_few_sentences",
	"fineweb_line_punct_ratio",
	"fineweb_short_line_ratio",
	"fineweb_char_dup_ratio",
	"fineweb_list_ratio",
}

// RuleNames lists the names Keep gives failed rules, in Keep's order.
func RuleNames() []string {
	return append([]string(nil), ruleNames...)
}

// above reports v > thr for a threshold that is not Off.
func above(v, thr int64) bool { return thr != Off && v > thr }

// below reports v < thr for a threshold that is not Off.
func below(v, thr int64) bool { return thr != Off && v < thr }

// Keep decides whether a row with signals s passes every enabled rule, and
// names each rule it fails, in RuleNames order (datatrove stops at the
// first; the buyer sees them all). Comparisons are on the fixed-point
// columns, exactly as DESIGN.md writes them.
func (p Params) Keep(s Signals) (bool, []string) {
	var failed []string
	check := func(fail bool, rule int) {
		if fail {
			failed = append(failed, ruleNames[rule])
		}
	}
	if r := p.Repetition; r.Enabled {
		check(above(s.RepDupParaPPM, r.DupParaFracPPM), 0)
		check(above(s.RepDupParaCharsPPM, r.DupParaCharFracPPM), 1)
		check(above(s.RepDupLinePPM, r.DupLineFracPPM), 2)
		check(above(s.RepDupLineCharsPPM, r.DupLineCharFracPPM), 3)
		check(above(s.RepTop2GramPPM, r.Top2GramPPM), 4)
		check(above(s.RepTop3GramPPM, r.Top3GramPPM), 5)
		check(above(s.RepTop4GramPPM, r.Top4GramPPM), 6)
		check(above(s.RepDup5GramPPM, r.Dup5GramPPM), 7)
		check(above(s.RepDup6GramPPM, r.Dup6GramPPM), 8)
		check(above(s.RepDup7GramPPM, r.Dup7GramPPM), 9)
		check(above(s.RepDup8GramPPM, r.Dup8GramPPM), 10)
		check(above(s.RepDup9GramPPM, r.Dup9GramPPM), 11)
		check(above(s.RepDup10GramPPM, r.Dup10GramPPM), 12)
	}
	if g := p.Gopher; g.Enabled {
		check(below(s.GopherWords, g.MinDocWords), 13)
		check(above(s.GopherWords, g.MaxDocWords), 14)
		check(below(s.GopherMeanWordLengthPPM, g.MinAvgWordLengthPPM), 15)
		check(above(s.GopherMeanWordLengthPPM, g.MaxAvgWordLengthPPM), 16)
		check(above(s.GopherHashRatioPPM, g.MaxSymbolWordRatioPPM), 17)
		check(above(s.GopherEllipsisRatioPPM, g.MaxSymbolWordRatioPPM), 18)
		check(above(s.GopherBulletLinesPPM, g.MaxBulletLinesRatioPPM), 19)
		check(above(s.GopherEllipsisLinesPPM, g.MaxEllipsisLinesRatioPPM), 20)
		check(below(s.GopherAlphaWordsPPM, g.MinAlphaWordsRatioPPM), 21)
		check(below(s.GopherStopWords, g.MinStopWords), 22)
	}
	if c := p.C4; c.Enabled {
		check(c.FilterLoremIpsum && s.C4LoremIpsum > 0, 23)
		check(c.FilterCurlyBracket && s.C4CurlyBracket > 0, 24)
		check(below(s.C4Sentences, c.MinNumSentences), 25)
	}
	if f := p.FineWeb; f.Enabled {
		punct := s.FineWebLinePunctPPM
		check(f.LinePunctThrPPM != Off && punct <= f.LinePunctThrPPM && !(punct == 0 && f.LinePunctExcludeZero), 26)
		check(f.ShortLineThrPPM != Off && s.FineWebShortLinesPPM >= f.ShortLineThrPPM, 27)
		check(f.CharDupRatioPPM != Off && s.FineWebDupCharsPPM >= f.CharDupRatioPPM, 28)
		check(above(s.FineWebNewlinesPPM, f.NewLineRatioPPM), 29)
	}
	return len(failed) == 0, failed
}
