package text

import (
	"math/bits"
	"strings"
	"unicode/utf8"
)

// PPM is the fixed-point unit of every ratio: parts per million.
const PPM = 1_000_000

// Signals are the quality columns of one text. Every ratio is in parts per
// million (PPM), floor(numerator × 10⁶ / denominator) computed exactly in
// integers, with a zero denominator read as 1. DESIGN.md defines each one.
//
// The Gopher columns are measured on the input text; the C4 columns count
// what C4Lines did to it; the FineWeb columns are measured on C4's output
// (on the input when the C4 stage is off), in the order of FineWeb's
// pipeline. Columns lists them with their names.
type Signals struct {
	Chars  int64 // characters of the input text
	Tokens int64 // tokens of the input text (words and punctuation)

	GopherWords             int64 // tokens with a non-punctuation character
	GopherMeanWordLengthPPM int64 // mean characters per such token
	GopherHashRatioPPM      int64 // '#' characters per token
	GopherEllipsisRatioPPM  int64 // "..." and "…" per token
	GopherBulletLinesPPM    int64 // lines starting with • or -
	GopherEllipsisLinesPPM  int64 // lines ending with ... or …
	GopherAlphaWordsPPM     int64 // tokens with a letter, per token
	GopherStopWords         int64 // tokens that are a stop word

	RepDupParaPPM      int64 // duplicate paragraphs, per paragraph
	RepDupParaCharsPPM int64 // characters in duplicate paragraphs, per character
	RepDupLinePPM      int64 // duplicate lines, per line
	RepDupLineCharsPPM int64 // characters in duplicate lines, per character
	RepTop2GramPPM     int64 // characters of the most frequent 2-gram × its count
	RepTop3GramPPM     int64
	RepTop4GramPPM     int64
	RepDup5GramPPM     int64 // characters in duplicated 5-grams
	RepDup6GramPPM     int64
	RepDup7GramPPM     int64
	RepDup8GramPPM     int64
	RepDup9GramPPM     int64
	RepDup10GramPPM    int64

	C4Lines                  int64 // lines seen
	C4LinesKept              int64
	C4RemovedTooLongWord     int64
	C4RemovedNoTerminalPunct int64
	C4RemovedTooFewWords     int64
	C4RemovedJavascript      int64
	C4RemovedPolicy          int64
	C4Citations              int64 // citation marks removed from kept-so-far lines
	C4LoremIpsum             int64 // lines (reaching that rule) with "lorem ipsum"
	C4CurlyBracket           int64 // lines (reaching that rule) with '{'
	C4Sentences              int64 // sentences in the kept lines

	FineWebLinePunctPPM  int64 // lines ending in terminal punctuation
	FineWebShortLinesPPM int64 // lines of at most ShortLineLength characters
	FineWebDupCharsPPM   int64 // characters in duplicate non-empty lines
	FineWebNewlinesPPM   int64 // newlines per token
}

// Column is one named signal.
type Column struct {
	Name  string
	Value int64
}

// Columns lists the signals with their column names in a fixed order (the
// order of the struct). Names are part of the dataset format: they are
// only ever appended to.
func (s Signals) Columns() []Column {
	return []Column{
		{"chars", s.Chars},
		{"tokens", s.Tokens},
		{"gopher_words", s.GopherWords},
		{"gopher_mean_word_length_ppm", s.GopherMeanWordLengthPPM},
		{"gopher_hash_ratio_ppm", s.GopherHashRatioPPM},
		{"gopher_ellipsis_ratio_ppm", s.GopherEllipsisRatioPPM},
		{"gopher_bullet_lines_ppm", s.GopherBulletLinesPPM},
		{"gopher_ellipsis_lines_ppm", s.GopherEllipsisLinesPPM},
		{"gopher_alpha_words_ppm", s.GopherAlphaWordsPPM},
		{"gopher_stop_words", s.GopherStopWords},
		{"gopher_rep_dup_para_frac_ppm", s.RepDupParaPPM},
		{"gopher_rep_dup_para_char_frac_ppm", s.RepDupParaCharsPPM},
		{"gopher_rep_dup_line_frac_ppm", s.RepDupLinePPM},
		{"gopher_rep_dup_line_char_frac_ppm", s.RepDupLineCharsPPM},
		{"gopher_rep_top_2_gram_ppm", s.RepTop2GramPPM},
		{"gopher_rep_top_3_gram_ppm", s.RepTop3GramPPM},
		{"gopher_rep_top_4_gram_ppm", s.RepTop4GramPPM},
		{"gopher_rep_dup_5_gram_ppm", s.RepDup5GramPPM},
		{"gopher_rep_dup_6_gram_ppm", s.RepDup6GramPPM},
		{"gopher_rep_dup_7_gram_ppm", s.RepDup7GramPPM},
		{"gopher_rep_dup_8_gram_ppm", s.RepDup8GramPPM},
		{"gopher_rep_dup_9_gram_ppm", s.RepDup9GramPPM},
		{"gopher_rep_dup_10_gram_ppm", s.RepDup10GramPPM},
		{"c4_lines", s.C4Lines},
		{"c4_lines_kept", s.C4LinesKept},
		{"c4_removed_too_long_word", s.C4RemovedTooLongWord},
		{"c4_removed_no_terminal_punct", s.C4RemovedNoTerminalPunct},
		{"c4_removed_too_few_words", s.C4RemovedTooFewWords},
		{"c4_removed_javascript", s.C4RemovedJavascript},
		{"c4_removed_policy", s.C4RemovedPolicy},
		{"c4_citations", s.C4Citations},
		{"c4_lorem_ipsum", s.C4LoremIpsum},
		{"c4_curly_bracket", s.C4CurlyBracket},
		{"c4_sentences", s.C4Sentences},
		{"fineweb_line_punct_ratio_ppm", s.FineWebLinePunctPPM},
		{"fineweb_short_line_ratio_ppm", s.FineWebShortLinesPPM},
		{"fineweb_char_dup_ratio_ppm", s.FineWebDupCharsPPM},
		{"fineweb_list_ratio_ppm", s.FineWebNewlinesPPM},
	}
}

// ppm is floor(num × 10⁶ / den) for num, den ≥ 0, with den 0 read as 1,
// exact for any int64 inputs (a 128-bit product; a quotient past int64 is
// clamped, which needs a ratio above 9.2 × 10¹² and cannot occur).
func ppm(num, den int64) int64 {
	if den <= 0 {
		den = 1
	}
	if num <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(num), PPM)
	if hi >= uint64(den) {
		return 1<<63 - 1
	}
	q, _ := bits.Div64(hi, lo, uint64(den))
	if q > 1<<63-1 {
		return 1<<63 - 1
	}
	return int64(q)
}

// Signals measures text: the Gopher columns on text itself, C4's line
// filter (when the C4 stage is enabled) and the FineWeb columns on what C4
// kept. It returns the signals and the output text, which is C4's when
// that stage is on and text unchanged otherwise. It never fails: empty
// text, invalid UTF-8 and binary bytes all have defined signals.
func (p Params) Signals(text string) (Signals, string) {
	var s Signals
	sc := getScratch()
	defer putScratch(sc)
	s.Chars = runeCount(text)
	st := tokenize(text, sc)
	s.Tokens = st.tokens
	gopherQuality(text, st, &s)
	gopherRepetition(text, st, s.Chars, sc, &s)
	out := text
	if p.C4.Enabled {
		r := c4Lines(text, p.C4, sc)
		out = r.Text
		s.C4Lines = r.Lines
		s.C4LinesKept = r.Kept
		s.C4RemovedTooLongWord = r.TooLongWord
		s.C4RemovedNoTerminalPunct = r.NoTerminalPunct
		s.C4RemovedTooFewWords = r.TooFewWords
		s.C4RemovedJavascript = r.Javascript
		s.C4RemovedPolicy = r.Policy
		s.C4Citations = r.Citations
		s.C4LoremIpsum = r.LoremIpsum
		s.C4CurlyBracket = r.CurlyBracket
		s.C4Sentences = r.Sentences
	}
	fineWeb(out, p.FineWeb.ShortLineLength, sc, &s)
	return s, out
}

// gopherQuality fills the Gopher quality columns.
func gopherQuality(text string, st *tokenStats, s *Signals) {
	s.GopherWords = st.words
	s.GopherMeanWordLengthPPM = ppm(st.wordChars, st.words)
	s.GopherHashRatioPPM = ppm(int64(strings.Count(text, "#")), st.tokens)
	s.GopherEllipsisRatioPPM = ppm(countEllipses(text), st.tokens)
	var lines, bullets, ellipses int64
	splitlines(text, func(line string) {
		lines++
		l := trimLeftSpace(line)
		if strings.HasPrefix(l, "\u2022") || strings.HasPrefix(l, "-") {
			bullets++
		}
		r := trimRightSpace(line)
		if strings.HasSuffix(r, "...") || strings.HasSuffix(r, "\u2026") {
			ellipses++
		}
	})
	s.GopherBulletLinesPPM = ppm(bullets, lines)
	s.GopherEllipsisLinesPPM = ppm(ellipses, lines)
	s.GopherAlphaWordsPPM = ppm(st.alphaTokens, st.tokens)
	s.GopherStopWords = st.stopWordTokens
}

// fineWeb fills the FineWeb columns, measured on text (C4's output).
func fineWeb(text string, shortLen int64, sc *scratch, s *Signals) {
	var lines, punct, short, newlines int64
	sc.set.reset(64)
	dups := dupCounter{set: &sc.set}
	rest := text
	for {
		i := strings.IndexByte(rest, '\n')
		line := rest
		if i >= 0 {
			line = rest[:i]
		}
		lines++
		if n := len(line); n > 0 {
			switch line[n-1] {
			case '.', '\'', '"', '!', '?':
				punct++
			}
		}
		if shortLen >= 0 && runeCountAtMost(line, shortLen) {
			short++
		}
		if !isBlank(line) {
			dups.add(line)
		}
		if i < 0 {
			break
		}
		newlines++
		rest = rest[i+1:]
	}
	s.FineWebLinePunctPPM = ppm(punct, lines)
	s.FineWebShortLinesPPM = ppm(short, lines)
	s.FineWebDupCharsPPM = ppm(dups.chars, runeCount(text)-newlines)
	s.FineWebNewlinesPPM = ppm(newlines, countTokens(text))
}

// runeCountAtMost reports whether s has at most n characters.
func runeCountAtMost(s string, n int64) bool {
	return int64(len(s)) <= n || int64(utf8.RuneCountInString(s)) <= n
}

// dupCounter is datatrove's find_duplicates: an element seen before counts
// as a duplicate, with its characters.
type dupCounter struct {
	set   *stringSet
	n     int64 // duplicate elements
	chars int64 // their characters
}

func (d *dupCounter) add(s string) {
	if _, added := d.set.add(s); !added {
		d.n++
		d.chars += runeCount(s)
	}
}
