package api

// The parameters of the quality and pii kernels (issue 13). Package
// compute/text defines the rules; api cannot import it (api imports no other
// Meadow package), so the wire form lives here with the same JSON names and
// the same defaults and ranges, and compute's tests check field by field that
// the two agree (a resolved QualityParams decodes strictly into text.Params
// and equals text.DefaultParams when nothing is overridden).
//
// Every field is a pointer: zero is a real threshold and false a real
// switch, so "absent" (the published default) needs its own value. A spec
// names only the thresholds a buyer overrides; WithDefaults writes every
// other one in, and a task must carry them all, so that no node applies
// defaults of its own.

// QualityOff, as a threshold, switches its rule off.
const QualityOff = -1

// QualityPPM is the unit of every ratio threshold: parts per million.
const QualityPPM = 1_000_000

// Ranges of the quality thresholds: a count, a share of a whole (at most
// 1), a ratio that can pass 1 (per token, or a mean length). The same as
// compute/text's Params.Validate.
const (
	QualityMaxCount    = 1_000_000_000
	QualityMaxFraction = QualityPPM
	QualityMaxRatio    = 1_000_000 * QualityPPM
)

// QualityParams are the quality kernel's thresholds, grouped by the
// published filter they come from (compute/text's Params as JSON). A nil
// group or field means the published default (DefaultQualityParams).
type QualityParams struct {
	Gopher     *GopherQualityParams    `json:"gopher,omitempty"`
	Repetition *GopherRepetitionParams `json:"gopher_repetition,omitempty"`
	C4         *C4QualityParams        `json:"c4,omitempty"`
	FineWeb    *FineWebQualityParams   `json:"fineweb,omitempty"`
}

// GopherQualityParams are the Gopher quality rules' thresholds (Rae et al.
// 2021, A.1.1); ratios in parts per million.
type GopherQualityParams struct {
	Enabled                  *bool  `json:"enabled,omitempty"`
	MinDocWords              *int64 `json:"min_doc_words,omitempty"`
	MaxDocWords              *int64 `json:"max_doc_words,omitempty"`
	MinAvgWordLengthPPM      *int64 `json:"min_avg_word_length_ppm,omitempty"`
	MaxAvgWordLengthPPM      *int64 `json:"max_avg_word_length_ppm,omitempty"`
	MaxSymbolWordRatioPPM    *int64 `json:"max_symbol_word_ratio_ppm,omitempty"`
	MaxBulletLinesRatioPPM   *int64 `json:"max_bullet_lines_ratio_ppm,omitempty"`
	MaxEllipsisLinesRatioPPM *int64 `json:"max_ellipsis_lines_ratio_ppm,omitempty"`
	MinAlphaWordsRatioPPM    *int64 `json:"min_alpha_words_ratio_ppm,omitempty"`
	MinStopWords             *int64 `json:"min_stop_words,omitempty"`
}

// GopherRepetitionParams are the Gopher repetition rules' thresholds (Rae
// et al. 2021, table A1), in parts per million.
type GopherRepetitionParams struct {
	Enabled            *bool  `json:"enabled,omitempty"`
	DupParaFracPPM     *int64 `json:"dup_para_frac_ppm,omitempty"`
	DupParaCharFracPPM *int64 `json:"dup_para_char_frac_ppm,omitempty"`
	DupLineFracPPM     *int64 `json:"dup_line_frac_ppm,omitempty"`
	DupLineCharFracPPM *int64 `json:"dup_line_char_frac_ppm,omitempty"`
	Top2GramPPM        *int64 `json:"top_2_gram_ppm,omitempty"`
	Top3GramPPM        *int64 `json:"top_3_gram_ppm,omitempty"`
	Top4GramPPM        *int64 `json:"top_4_gram_ppm,omitempty"`
	Dup5GramPPM        *int64 `json:"dup_5_gram_ppm,omitempty"`
	Dup6GramPPM        *int64 `json:"dup_6_gram_ppm,omitempty"`
	Dup7GramPPM        *int64 `json:"dup_7_gram_ppm,omitempty"`
	Dup8GramPPM        *int64 `json:"dup_8_gram_ppm,omitempty"`
	Dup9GramPPM        *int64 `json:"dup_9_gram_ppm,omitempty"`
	Dup10GramPPM       *int64 `json:"dup_10_gram_ppm,omitempty"`
}

// C4QualityParams are C4's line and document rules (datatrove's
// C4QualityFilter).
type C4QualityParams struct {
	Enabled               *bool  `json:"enabled,omitempty"`
	RemoveCitations       *bool  `json:"remove_citations,omitempty"`
	FilterNoTerminalPunct *bool  `json:"filter_no_terminal_punct,omitempty"`
	MinWordsPerLine       *int64 `json:"min_words_per_line,omitempty"`
	MaxWordLength         *int64 `json:"max_word_length,omitempty"`
	FilterLoremIpsum      *bool  `json:"filter_lorem_ipsum,omitempty"`
	FilterJavascript      *bool  `json:"filter_javascript,omitempty"`
	FilterCurlyBracket    *bool  `json:"filter_curly_bracket,omitempty"`
	FilterPolicy          *bool  `json:"filter_policy,omitempty"`
	MinNumSentences       *int64 `json:"min_num_sentences,omitempty"`
}

// FineWebQualityParams are FineWeb's added rules (Penedo et al. 2024), in
// parts per million; ShortLineLength is in characters and cannot be off.
type FineWebQualityParams struct {
	Enabled              *bool  `json:"enabled,omitempty"`
	LinePunctThrPPM      *int64 `json:"line_punct_thr_ppm,omitempty"`
	LinePunctExcludeZero *bool  `json:"line_punct_exclude_zero,omitempty"`
	ShortLineThrPPM      *int64 `json:"short_line_thr_ppm,omitempty"`
	ShortLineLength      *int64 `json:"short_line_length,omitempty"`
	CharDupRatioPPM      *int64 `json:"char_duplicates_ratio_ppm,omitempty"`
	NewLineRatioPPM      *int64 `json:"new_line_ratio_ppm,omitempty"`
}

// PIIParams choose what the pii kernel masks; nil means true for each.
type PIIParams struct {
	Emails        *bool `json:"emails,omitempty"`
	IPs           *bool `json:"ips,omitempty"`
	PublicIPsOnly *bool `json:"public_ips_only,omitempty"`
	Phones        *bool `json:"phones,omitempty"`
}

// qualityField is one parameter of QualityParams: its path below
// "quality", where its value lives, its default and its range.
type qualityField struct {
	name    string
	num     **int64 // a threshold, or
	flag    **bool  // a switch
	def     int64
	defFlag bool
	max     int64
	off     bool // QualityOff allowed
}

// fields lists q's parameters in the order of compute/text's Validate; q's
// four groups must not be nil.
func (q *QualityParams) fields() []qualityField {
	g, r, c, f := q.Gopher, q.Repetition, q.C4, q.FineWeb
	n := func(name string, p **int64, def, max int64) qualityField {
		return qualityField{name: name, num: p, def: def, max: max, off: true}
	}
	b := func(name string, p **bool, def bool) qualityField {
		return qualityField{name: name, flag: p, defFlag: def}
	}
	const cnt, frac, ratio = QualityMaxCount, QualityMaxFraction, QualityMaxRatio
	shortLine := n("fineweb.short_line_length", &f.ShortLineLength, 30, cnt)
	shortLine.off = false
	return []qualityField{
		b("gopher.enabled", &g.Enabled, true),
		n("gopher.min_doc_words", &g.MinDocWords, 50, cnt),
		n("gopher.max_doc_words", &g.MaxDocWords, 100_000, cnt),
		n("gopher.min_avg_word_length_ppm", &g.MinAvgWordLengthPPM, 3*QualityPPM, ratio),
		n("gopher.max_avg_word_length_ppm", &g.MaxAvgWordLengthPPM, 10*QualityPPM, ratio),
		n("gopher.max_symbol_word_ratio_ppm", &g.MaxSymbolWordRatioPPM, 100_000, ratio),
		n("gopher.max_bullet_lines_ratio_ppm", &g.MaxBulletLinesRatioPPM, 900_000, frac),
		n("gopher.max_ellipsis_lines_ratio_ppm", &g.MaxEllipsisLinesRatioPPM, 300_000, frac),
		n("gopher.min_alpha_words_ratio_ppm", &g.MinAlphaWordsRatioPPM, 800_000, frac),
		n("gopher.min_stop_words", &g.MinStopWords, 2, cnt),
		b("gopher_repetition.enabled", &r.Enabled, true),
		n("gopher_repetition.dup_para_frac_ppm", &r.DupParaFracPPM, 300_000, frac),
		n("gopher_repetition.dup_para_char_frac_ppm", &r.DupParaCharFracPPM, 200_000, frac),
		n("gopher_repetition.dup_line_frac_ppm", &r.DupLineFracPPM, 300_000, frac),
		n("gopher_repetition.dup_line_char_frac_ppm", &r.DupLineCharFracPPM, 200_000, frac),
		n("gopher_repetition.top_2_gram_ppm", &r.Top2GramPPM, 200_000, ratio),
		n("gopher_repetition.top_3_gram_ppm", &r.Top3GramPPM, 180_000, ratio),
		n("gopher_repetition.top_4_gram_ppm", &r.Top4GramPPM, 160_000, ratio),
		n("gopher_repetition.dup_5_gram_ppm", &r.Dup5GramPPM, 150_000, frac),
		n("gopher_repetition.dup_6_gram_ppm", &r.Dup6GramPPM, 140_000, frac),
		n("gopher_repetition.dup_7_gram_ppm", &r.Dup7GramPPM, 130_000, frac),
		n("gopher_repetition.dup_8_gram_ppm", &r.Dup8GramPPM, 120_000, frac),
		n("gopher_repetition.dup_9_gram_ppm", &r.Dup9GramPPM, 110_000, frac),
		n("gopher_repetition.dup_10_gram_ppm", &r.Dup10GramPPM, 100_000, frac),
		b("c4.enabled", &c.Enabled, true),
		b("c4.remove_citations", &c.RemoveCitations, true),
		b("c4.filter_no_terminal_punct", &c.FilterNoTerminalPunct, true),
		n("c4.min_words_per_line", &c.MinWordsPerLine, 3, cnt),
		n("c4.max_word_length", &c.MaxWordLength, 1000, cnt),
		b("c4.filter_lorem_ipsum", &c.FilterLoremIpsum, true),
		b("c4.filter_javascript", &c.FilterJavascript, true),
		b("c4.filter_curly_bracket", &c.FilterCurlyBracket, true),
		b("c4.filter_policy", &c.FilterPolicy, true),
		n("c4.min_num_sentences", &c.MinNumSentences, 5, cnt),
		b("fineweb.enabled", &f.Enabled, true),
		n("fineweb.line_punct_thr_ppm", &f.LinePunctThrPPM, 120_000, frac),
		b("fineweb.line_punct_exclude_zero", &f.LinePunctExcludeZero, false),
		n("fineweb.short_line_thr_ppm", &f.ShortLineThrPPM, 670_000, frac),
		shortLine,
		n("fineweb.char_duplicates_ratio_ppm", &f.CharDupRatioPPM, 10_000, frac),
		n("fineweb.new_line_ratio_ppm", &f.NewLineRatioPPM, 300_000, ratio),
	}
}

// DefaultQualityParams returns the published defaults (datatrove's, which
// are the Gopher paper's and FineWeb's), every value written in.
func DefaultQualityParams() QualityParams {
	var q QualityParams
	q.withDefaults()
	return q
}

// withDefaults writes the default into every absent group and field.
func (q *QualityParams) withDefaults() {
	q.allocGroups()
	for _, f := range q.fields() {
		switch {
		case f.num != nil && *f.num == nil:
			v := f.def
			*f.num = &v
		case f.flag != nil && *f.flag == nil:
			v := f.defFlag
			*f.flag = &v
		}
	}
}

func (q *QualityParams) allocGroups() {
	if q.Gopher == nil {
		q.Gopher = &GopherQualityParams{}
	}
	if q.Repetition == nil {
		q.Repetition = &GopherRepetitionParams{}
	}
	if q.C4 == nil {
		q.C4 = &C4QualityParams{}
	}
	if q.FineWeb == nil {
		q.FineWeb = &FineWebQualityParams{}
	}
}

// clone returns a deep copy of q: no pointer is shared with it.
func (q *QualityParams) clone() *QualityParams {
	if q == nil {
		return nil
	}
	out := &QualityParams{}
	if q.Gopher != nil {
		g := *q.Gopher
		out.Gopher = &g
	}
	if q.Repetition != nil {
		r := *q.Repetition
		out.Repetition = &r
	}
	if q.C4 != nil {
		c := *q.C4
		out.C4 = &c
	}
	if q.FineWeb != nil {
		f := *q.FineWeb
		out.FineWeb = &f
	}
	nilGroups := [4]bool{out.Gopher == nil, out.Repetition == nil, out.C4 == nil, out.FineWeb == nil}
	out.allocGroups()
	for _, f := range out.fields() {
		switch {
		case f.num != nil && *f.num != nil:
			v := **f.num
			*f.num = &v
		case f.flag != nil && *f.flag != nil:
			v := **f.flag
			*f.flag = &v
		}
	}
	if nilGroups[0] {
		out.Gopher = nil
	}
	if nilGroups[1] {
		out.Repetition = nil
	}
	if nilGroups[2] {
		out.C4 = nil
	}
	if nilGroups[3] {
		out.FineWeb = nil
	}
	return out
}

// check validates q at path p ("compute.quality"). In a task (resolved)
// every group and value must be written in.
func (q *QualityParams) check(v *validator, p string, resolved bool) {
	if resolved {
		groups := []struct {
			name string
			nil  bool
		}{
			{"gopher", q.Gopher == nil}, {"gopher_repetition", q.Repetition == nil},
			{"c4", q.C4 == nil}, {"fineweb", q.FineWeb == nil},
		}
		missing := false
		for _, g := range groups {
			if g.nil {
				v.add(sub(p, g.name), "", "the "+g.name+" parameters, every value written in")
				missing = true
			}
		}
		if missing {
			return
		}
		for _, f := range q.fields() {
			if (f.num != nil && *f.num == nil) || (f.flag != nil && *f.flag == nil) {
				v.add(sub(p, f.name), "", "a value written in (a task applies no defaults)")
				missing = true
			}
		}
		if missing {
			return
		}
	}
	full := q.clone()
	full.withDefaults()
	for _, f := range full.fields() {
		if f.num == nil {
			continue
		}
		n := **f.num
		if (f.off && n == QualityOff) || (n >= 0 && n <= f.max) {
			continue
		}
		want := "an integer from 0 to " + itoa(f.max)
		if f.off {
			want = "-1 (off) or " + want
		}
		v.add(sub(p, f.name), itoa(n), want)
	}
	g := full.Gopher
	ordered := func(lo, hi *int64, loName, hiName string) {
		// Off (-1) and values already refused above are not compared.
		if *lo >= 0 && *hi >= 0 && *lo > *hi {
			v.add(sub(p, loName), itoa(*lo), "at most "+hiName+" ("+itoa(*hi)+")")
		}
	}
	ordered(g.MinDocWords, g.MaxDocWords, "gopher.min_doc_words", "max_doc_words")
	ordered(g.MinAvgWordLengthPPM, g.MaxAvgWordLengthPPM, "gopher.min_avg_word_length_ppm", "max_avg_word_length_ppm")
}

// DefaultPIIParams returns the pii kernel's defaults: mask e-mail
// addresses, public IP addresses and phone numbers.
func DefaultPIIParams() PIIParams {
	var p PIIParams
	p.withDefaults()
	return p
}

func (p *PIIParams) flags() []struct {
	name string
	v    **bool
} {
	return []struct {
		name string
		v    **bool
	}{{"emails", &p.Emails}, {"ips", &p.IPs}, {"public_ips_only", &p.PublicIPsOnly}, {"phones", &p.Phones}}
}

func (p *PIIParams) withDefaults() {
	for _, f := range p.flags() {
		if *f.v == nil {
			t := true
			*f.v = &t
		}
	}
}

func (p *PIIParams) clone() *PIIParams {
	if p == nil {
		return nil
	}
	out := &PIIParams{}
	src := p.flags()
	for i, f := range out.flags() {
		if *src[i].v != nil {
			b := **src[i].v
			*f.v = &b
		}
	}
	return out
}

// check validates p at path pp: a switch cannot be out of range, so only
// a task's (resolved) must have every one written in.
func (p *PIIParams) check(v *validator, pp string, resolved bool) {
	if !resolved {
		return
	}
	for _, f := range p.flags() {
		if *f.v == nil {
			v.add(sub(pp, f.name), "", "true or false written in (a task applies no defaults)")
		}
	}
}
