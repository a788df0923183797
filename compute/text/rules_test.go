package text

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// word returns the i-th of a list of distinct words of letters, n
// characters long (n ≥ 4), none of them a stop word.
func word(i, n int) string {
	b := []byte(strings.Repeat("q", n))
	for k := n - 1; k >= 1 && i > 0; k-- {
		b[k] = 'a' + byte(i%26)
		i /= 26
	}
	return string(b)
}

// words joins count distinct words of length n, from index from.
func words(from, count, n int) []string {
	out := make([]string, count)
	for i := range out {
		out[i] = word(from+i, n)
	}
	return out
}

// padTo appends distinct filler words to s until it is exactly n
// characters long (the last one sized to fit).
func padTo(s string, n, seed int) string {
	i := 0
	for {
		rest := n - len([]rune(s)) - 1
		switch {
		case rest <= 0:
			if rest == -1 {
				return s
			}
			panic("padTo: text already too long")
		case rest <= 10:
			if rest < 4 {
				return s + " " + strings.Repeat("z", rest)
			}
			return s + " " + word(seed*1000+i, rest)
		}
		s += " " + word(seed*1000+i, 6)
		i++
	}
}

func reasonsOf(t *testing.T, p Params, text string) (Signals, []string) {
	t.Helper()
	s, _ := p.Signals(text)
	_, reasons := p.Keep(s)
	return s, reasons
}

// ruleCase is one hand-made text for one rule: the signal it must measure
// and whether the rule must fail.
type ruleCase struct {
	name   string
	text   string
	signal func(Signals) int64
	want   int64
	fails  bool
}

func runRuleCases(t *testing.T, p Params, rule string, cases []ruleCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(rule+"/"+tt.name, func(t *testing.T) {
			s, reasons := reasonsOf(t, p, tt.text)
			if got := tt.signal(s); got != tt.want {
				t.Errorf("signal = %d, want %d", got, tt.want)
			}
			if got := slices.Contains(reasons, rule); got != tt.fails {
				t.Errorf("%s failed = %v, want %v (reasons %v)", rule, got, tt.fails, reasons)
			}
		})
	}
}

func TestGopherQualityRules(t *testing.T) {
	p := DefaultParams()
	sp := func(ws []string) string { return strings.Join(ws, " ") }
	lines := func(n, k int, marked, plain func(i int) string) string {
		out := make([]string, n)
		for i := range out {
			if i < k {
				out[i] = marked(i)
			} else {
				out[i] = plain(i)
			}
		}
		return strings.Join(out, "\n")
	}
	withTokens := func(total, k int, special func(i int) string) string {
		ws := words(0, total, 5)
		for i := 0; i < k; i++ {
			ws[i] = special(i)
		}
		return sp(ws)
	}
	runRuleCases(t, p, "gopher_short_doc", []ruleCase{
		{"50 words", sp(words(0, 50, 5)), func(s Signals) int64 { return s.GopherWords }, 50, false},
		{"49 words", sp(words(0, 49, 5)), func(s Signals) int64 { return s.GopherWords }, 49, true},
		{"punctuation is not a word", sp(words(0, 49, 5)) + " - , .", func(s Signals) int64 { return s.GopherWords }, 49, true},
	})
	runRuleCases(t, p, "gopher_long_doc", []ruleCase{
		{"100000 words", sp(words(0, 100_000, 5)), func(s Signals) int64 { return s.GopherWords }, 100_000, false},
		{"100001 words", sp(words(0, 100_001, 5)), func(s Signals) int64 { return s.GopherWords }, 100_001, true},
	})
	mean := func(s Signals) int64 { return s.GopherMeanWordLengthPPM }
	runRuleCases(t, p, "gopher_below_avg_threshold", []ruleCase{
		{"mean 4.02", sp(append(words(0, 49, 4), "abcde")) /* (49·4+5)/50 */, mean, 4_020_000, false},
		{"exactly 3", strings.Repeat("abc ", 60), mean, 3_000_000, false},
		{"2.98", strings.Repeat("abc ", 49) + "ab", mean, 2_980_000, true},
		{"trailing punctuation is split off", strings.Repeat("abc, ", 60), mean, 3_000_000, false},
	})
	runRuleCases(t, p, "gopher_above_avg_threshold", []ruleCase{
		{"exactly 10", strings.Repeat("abcdefghij ", 60), mean, 10_000_000, false},
		{"10.02", strings.Repeat("abcdefghij ", 49) + "abcdefghijk", mean, 10_020_000, true},
	})
	runRuleCases(t, p, "gopher_too_many_hashes", []ruleCase{
		{"10 per 100 tokens", withTokens(100, 10, func(int) string { return "a#b" }), func(s Signals) int64 { return s.GopherHashRatioPPM }, 100_000, false},
		{"11 per 100 tokens", withTokens(100, 11, func(int) string { return "a#b" }), func(s Signals) int64 { return s.GopherHashRatioPPM }, 110_000, true},
	})
	runRuleCases(t, p, "gopher_too_many_ellipsis", []ruleCase{
		{"10 per 100 tokens", withTokens(100, 10, func(i int) string { return []string{"a...b", "a…b"}[i%2] }), func(s Signals) int64 { return s.GopherEllipsisRatioPPM }, 100_000, false},
		{"11 per 100 tokens", withTokens(100, 11, func(i int) string { return []string{"a...b", "a…b"}[i%2] }), func(s Signals) int64 { return s.GopherEllipsisRatioPPM }, 110_000, true},
		{"five dots are one ellipsis", withTokens(100, 10, func(int) string { return "a.....b" }), func(s Signals) int64 { return s.GopherEllipsisRatioPPM }, 100_000, false},
	})
	bullet := func(i int) string { return []string{"• ", "  - ", "-"}[i%3] + sp(words(i*10, 8, 5)) }
	plain := func(i int) string { return sp(words(i*10, 8, 5)) }
	bullets := func(s Signals) int64 { return s.GopherBulletLinesPPM }
	runRuleCases(t, p, "gopher_too_many_bullets", []ruleCase{
		{"9 of 10 lines", lines(10, 9, bullet, plain), bullets, 900_000, false},
		{"10 of 10 lines", lines(10, 10, bullet, plain), bullets, 1_000_000, true},
		{"CR LF is one break", strings.ReplaceAll(lines(10, 10, bullet, plain), "\n", "\r\n"), bullets, 1_000_000, true},
	})
	endEll := func(i int) string { return plain(i) + []string{"...", "… ", "...\t"}[i%3] }
	ellLines := func(s Signals) int64 { return s.GopherEllipsisLinesPPM }
	runRuleCases(t, p, "gopher_too_many_end_ellipsis", []ruleCase{
		{"3 of 10 lines", lines(10, 3, endEll, plain), ellLines, 300_000, false},
		{"4 of 10 lines", lines(10, 4, endEll, plain), ellLines, 400_000, true},
		{"line separator U+2028 breaks lines", strings.ReplaceAll(lines(10, 4, endEll, plain), "\n", "\u2028"), ellLines, 400_000, true},
	})
	alpha := func(s Signals) int64 { return s.GopherAlphaWordsPPM }
	runRuleCases(t, p, "gopher_below_alpha_threshold", []ruleCase{
		{"80 of 100", withTokens(100, 20, func(int) string { return "123" }), alpha, 800_000, false},
		{"79 of 100", withTokens(100, 21, func(int) string { return "123" }), alpha, 790_000, true},
		{"punctuation tokens count", withTokens(100, 20, func(int) string { return "," }), alpha, 800_000, false},
		{"non-ASCII letters", withTokens(100, 21, func(int) string { return "日本" }), alpha, 1_000_000, false},
	})
	stop := func(s Signals) int64 { return s.GopherStopWords }
	runRuleCases(t, p, "gopher_enough_stop_words", []ruleCase{
		{"two", withTokens(60, 2, func(i int) string { return []string{"the", "with"}[i] }), stop, 2, false},
		{"one", withTokens(60, 1, func(int) string { return "and" }), stop, 1, true},
		{"case-sensitive", withTokens(60, 2, func(int) string { return "The" }), stop, 0, true},
		{"punctuation split off", withTokens(60, 2, func(int) string { return "(the)," }), stop, 2, false},
		{"repeats count", withTokens(60, 2, func(int) string { return "of" }), stop, 2, false},
	})
}

func TestGopherRepetitionRules(t *testing.T) {
	p := DefaultParams()
	join := func(sep string, parts ...string) string { return strings.Join(parts, sep) }
	distinct := func(seed, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = strings.Join(words(seed*100+i*5, 5, 5), " ")
		}
		return out
	}
	withDups := func(sep string, n, dups int) string {
		parts := distinct(1, n)
		for i := 0; i < dups; i++ {
			parts[n-1-i] = parts[0]
		}
		return strings.Join(parts, sep)
	}
	runRuleCases(t, p, "gopher_rep_dup_para_frac", []ruleCase{
		{"3 of 10", withDups("\n\n", 10, 3), func(s Signals) int64 { return s.RepDupParaPPM }, 300_000, false},
		{"4 of 10", withDups("\n\n", 10, 4), func(s Signals) int64 { return s.RepDupParaPPM }, 400_000, true},
		{"three LF are one break", withDups("\n\n\n", 10, 4), func(s Signals) int64 { return s.RepDupParaPPM }, 400_000, true},
	})
	runRuleCases(t, p, "gopher_rep_dup_line_frac", []ruleCase{
		{"3 of 10", withDups("\n", 10, 3), func(s Signals) int64 { return s.RepDupLinePPM }, 300_000, false},
		{"4 of 10", withDups("\n", 10, 4), func(s Signals) int64 { return s.RepDupLinePPM }, 400_000, true},
		{"empty lines are not lines", withDups("\n\n", 10, 4), func(s Signals) int64 { return s.RepDupLinePPM }, 400_000, true},
	})
	// Duplicate characters: a 20- (or 21-) character piece twice in 100
	// characters.
	piece := func(n int) string { return padTo("qqqa", n, 7) }
	runRuleCases(t, p, "gopher_rep_dup_para_char_frac", []ruleCase{
		{"20 of 100", join("\n\n", piece(20), piece(20), padTo("zzzb", 56, 8)), func(s Signals) int64 { return s.RepDupParaCharsPPM }, 200_000, false},
		{"21 of 100", join("\n\n", piece(21), piece(21), padTo("zzzb", 54, 8)), func(s Signals) int64 { return s.RepDupParaCharsPPM }, 210_000, true},
	})
	runRuleCases(t, p, "gopher_rep_dup_line_char_frac", []ruleCase{
		{"20 of 100", join("\n", piece(20), piece(20), padTo("zzzb", 58, 8)), func(s Signals) int64 { return s.RepDupLineCharsPPM }, 200_000, false},
		{"20 of 99", join("\n", piece(20), piece(20), padTo("zzzb", 57, 8)), func(s Signals) int64 { return s.RepDupLineCharsPPM }, 202_020, true},
	})
	// The most frequent n-gram: len(" ".join(gram)) × count characters of
	// 100 is exactly the threshold; of 99, just over it.
	top := func(gram string, count, total int) string {
		parts := make([]string, 0, 2*count)
		for i := 0; i < count; i++ {
			parts = append(parts, gram, word(900+i, 5))
		}
		return padTo(strings.Join(parts, " "), total, 9)
	}
	runRuleCases(t, p, "gopher_rep_top_2_gram", []ruleCase{
		{"20 of 100", top("ab cd", 4, 100), func(s Signals) int64 { return s.RepTop2GramPPM }, 200_000, false},
		{"20 of 99", top("ab cd", 4, 99), func(s Signals) int64 { return s.RepTop2GramPPM }, 202_020, true},
	})
	runRuleCases(t, p, "gopher_rep_top_3_gram", []ruleCase{
		{"18 of 100", top("ab cd efg", 2, 100), func(s Signals) int64 { return s.RepTop3GramPPM }, 180_000, false},
		{"18 of 99", top("ab cd efg", 2, 99), func(s Signals) int64 { return s.RepTop3GramPPM }, 181_818, true},
	})
	runRuleCases(t, p, "gopher_rep_top_4_gram", []ruleCase{
		{"16 of 100", top("a b c de", 2, 100), func(s Signals) int64 { return s.RepTop4GramPPM }, 160_000, false},
		{"16 of 99", top("a b c de", 2, 99), func(s Signals) int64 { return s.RepTop4GramPPM }, 161_616, true},
	})
	// Duplicated n-grams: the second copy's characters, without spaces.
	dupGrams := map[int]string{
		5: "aaa bbb ccc ddd eee", 6: "aa bb cc dd ee ffff", 7: "a b c d e f ggggggg",
		8: "a b c d e f g hhhhh", 9: "a b c d e f g h iii", 10: "a b c d e f g h i j",
	}
	sig := map[int]func(Signals) int64{
		5: func(s Signals) int64 { return s.RepDup5GramPPM }, 6: func(s Signals) int64 { return s.RepDup6GramPPM },
		7: func(s Signals) int64 { return s.RepDup7GramPPM }, 8: func(s Signals) int64 { return s.RepDup8GramPPM },
		9: func(s Signals) int64 { return s.RepDup9GramPPM }, 10: func(s Signals) int64 { return s.RepDup10GramPPM },
	}
	for n := 5; n <= 10; n++ {
		g := dupGrams[n]
		thr := int64(150_000 - 10_000*(n-5))
		text := func(total int) string { return padTo(g+" "+word(950, 5)+" "+g, total, 10) }
		runRuleCases(t, p, ruleNames[7+n-5], []ruleCase{
			{"at threshold", text(100), sig[n], thr, false},
			{"just over", text(99), sig[n], thr * 100 / 99, true},
		})
	}
}

func TestNGramDefinitions(t *testing.T) {
	p := DefaultParams()
	tests := []struct {
		name string
		text string
		want func(Signals) int64
		num  int64 // numerator of the fraction of chars
	}{
		// 2-grams: "a b"×2, "b a"×1, "b c"×1 … "a b" first and most frequent.
		{"top counts overlapping grams", "a b a b c", func(s Signals) int64 { return s.RepTop2GramPPM }, 3 * 2},
		// "xx y" and "y xx" both twice: the first seen wins (4 chars × 2).
		{"top tie goes to the first seen", "xx y xx y xx", func(s Signals) int64 { return s.RepTop2GramPPM }, 4 * 2},
		{"top tie: the first seen, not the longest", "x yy x zzz x yy x zzz", func(s Signals) int64 { return s.RepTop2GramPPM }, 4 * 2},
		{"top of a unique gram still counts", "abc def", func(s Signals) int64 { return s.RepTop2GramPPM }, 7},
		// 5-grams of "a b c d e a b c d e a b c d e": the walk adds
		// a..e at 0..4, finds the copy at 5 (5 chars), jumps to 10, finds
		// it again (5 chars).
		{"dup walk jumps", "a b c d e a b c d e a b c d e", func(s Signals) int64 { return s.RepDup5GramPPM }, 10},
		// The copy at index 6 is found (5 chars) and the jump to 11 ends
		// the walk: the copy of "b c d e f" at 7 is never looked at.
		{"jumped grams are not remembered", "a b c d e f a b c d e f", func(s Signals) int64 { return s.RepDup5GramPPM }, 5},
		{"too few tokens", "a b c d", func(s Signals) int64 { return s.RepDup5GramPPM }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := p.Signals(tt.text)
			if got, want := tt.want(s), ppm(tt.num, s.Chars); got != want {
				t.Errorf("%q: got %d, want %d (%d of %d chars)", tt.text, got, want, tt.num, s.Chars)
			}
		})
	}
}

func TestC4LineRules(t *testing.T) {
	p := DefaultParams().C4
	long := strings.Repeat("x", 1000)
	tests := []struct {
		name string
		in   string
		p    func(*C4Params)
		want C4Result
	}{
		{name: "kept and stripped", in: "  One two three.  \n", want: C4Result{Text: "One two three.", Lines: 1, Kept: 1, Sentences: 1}},
		{name: "word of 1000 kept", in: "a b " + long + " c.", want: C4Result{Text: "a b " + long + " c.", Lines: 1, Kept: 1, Sentences: 1}},
		{name: "word of 1001 removed", in: "a b " + long + "x c.", want: C4Result{Lines: 1, TooLongWord: 1}},
		{name: "terminal marks", in: "a b c.\na b c?\na b c!\na b \"c\"\na b 'c'\na b c\na b c...\na b c…", want: C4Result{
			Text: "a b c.\na b c?\na b c!\na b \"c\"\na b 'c'", Lines: 8, Kept: 5, NoTerminalPunct: 3, Sentences: 5}},
		{name: "terminal rule off", in: "a b c\na b c...", p: func(p *C4Params) { p.FilterNoTerminalPunct = false },
			want: C4Result{Text: "a b c\na b c...", Lines: 2, Kept: 2, Sentences: 2}},
		{name: "three words kept, two removed", in: "One two three.\nOne two.", want: C4Result{Text: "One two three.", Lines: 2, Kept: 1, TooFewWords: 1, Sentences: 1}},
		{name: "words counted before citations go", in: "One two [1] [2].", want: C4Result{Text: "One two  .", Lines: 1, Kept: 1, Citations: 2, Sentences: 1}},
		{name: "citation marks", in: "See this [12] and [edit] that [citation needed] or [] but [x].",
			want: C4Result{Text: "See this  and  that  or  but [x].", Lines: 1, Kept: 1, Citations: 4, Sentences: 1}},
		{name: "citation after the period (datatrove keeps the space)", in: "It is so. [1]", want: C4Result{Lines: 1, NoTerminalPunct: 1, Citations: 1}},
		{name: "javascript", in: "Please enable JavaScript now.\nJAVASCRIPT is off.", want: C4Result{Lines: 2, Javascript: 2}},
		{name: "policy phrases", in: "Read our Terms of Use now.\nOur privacy policy applies.\nSee the cookie policy here.\nThis site uses cookies today.\nAbout the use of cookies here.\nWe use cookies here.",
			want: C4Result{Lines: 6, Policy: 6}},
		{name: "lorem ipsum and curly counted, kept", in: "Lorem ipsum dolor sit.\nif (x) { y } else.", want: C4Result{
			Text: "Lorem ipsum dolor sit.\nif (x) { y } else.", Lines: 2, Kept: 2, LoremIpsum: 1, CurlyBracket: 1, Sentences: 2}},
		{name: "javascript before curly", in: "javascript: { a } b.", want: C4Result{Lines: 1, Javascript: 1}},
		{name: "lorem before javascript", in: "lorem ipsum javascript here.", want: C4Result{Lines: 1, LoremIpsum: 1, Javascript: 1}},
		{name: "lines that fail earlier are not checked", in: "lorem ipsum {", want: C4Result{Lines: 1, NoTerminalPunct: 1}},
		{name: "sentences", in: "One. Two! Three? \"Four.\" Five.) six... seven. e.g. eight.", want: C4Result{
			Text: "One. Two! Three? \"Four.\" Five.) six... seven. e.g. eight.", Lines: 1, Kept: 1, Sentences: 9}},
		{name: "decimal point is no sentence end", in: "Pi is 3.14 in decimal.", want: C4Result{Text: "Pi is 3.14 in decimal.", Lines: 1, Kept: 1, Sentences: 1}},
		{name: "all off but the structure", in: "  a  \n\n", p: func(p *C4Params) {
			p.FilterNoTerminalPunct, p.MinWordsPerLine = false, Off
		}, want: C4Result{Text: "a", Lines: 2, Kept: 2, Sentences: 1}},
		{name: "empty", in: "", want: C4Result{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pp := p
			if tt.p != nil {
				tt.p(&pp)
			}
			if got := C4Lines(tt.in, pp); got != tt.want {
				t.Errorf("C4Lines(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestC4DocumentRules(t *testing.T) {
	p := DefaultParams()
	sentences := func(n int) string {
		var b []string
		for i := 0; i < n; i++ {
			b = append(b, "This is sentence "+word(i, 5)+".")
		}
		return strings.Join(b, "\n")
	}
	runRuleCases(t, p, "c4_too_few_sentences", []ruleCase{
		{"5", sentences(5), func(s Signals) int64 { return s.C4Sentences }, 5, false},
		{"4", sentences(4), func(s Signals) int64 { return s.C4Sentences }, 4, true},
		{"removed lines do not count", sentences(4) + "\nno end", func(s Signals) int64 { return s.C4Sentences }, 4, true},
	})
	runRuleCases(t, p, "c4_lorem_ipsum", []ruleCase{
		{"none", sentences(5), func(s Signals) int64 { return s.C4LoremIpsum }, 0, false},
		{"one", sentences(5) + "\nLorem Ipsum dolor sit amet.", func(s Signals) int64 { return s.C4LoremIpsum }, 1, true},
	})
	runRuleCases(t, p, "c4_curly_bracket", []ruleCase{
		{"none", sentences(5), func(s Signals) int64 { return s.C4CurlyBracket }, 0, false},
		{"one", sentences(5) + "\nvar x = { a: 1 };", func(s Signals) int64 { return s.C4CurlyBracket }, 0, false},
		{"one that reaches the check", sentences(5) + "\nvar x = { a: 1 } is it.", func(s Signals) int64 { return s.C4CurlyBracket }, 1, true},
	})
	off := p
	off.C4.FilterLoremIpsum, off.C4.FilterCurlyBracket, off.C4.MinNumSentences = false, false, Off
	runRuleCases(t, off, "c4_lorem_ipsum", []ruleCase{
		{"switched off", "Lorem ipsum dolor sit.", func(s Signals) int64 { return s.C4LoremIpsum }, 1, false},
	})
	runRuleCases(t, off, "c4_too_few_sentences", []ruleCase{
		{"switched off", "", func(s Signals) int64 { return s.C4Sentences }, 0, false},
	})
}

func TestFineWebRules(t *testing.T) {
	p := DefaultParams()
	p.C4.Enabled = false                                                       // FineWeb measures the text itself
	long := func(i int) string { return strings.Join(words(i*10, 6, 5), " ") } // 35 chars, 6 tokens
	mk := func(n, k int, marked, plain func(int) string) string {
		out := make([]string, n)
		for i := range out {
			if i < k {
				out[i] = marked(i)
			} else {
				out[i] = plain(i)
			}
		}
		return strings.Join(out, "\n")
	}
	punct := func(i int) string { return long(i) + []string{".", "'", "\"", "!", "?"}[i%5] }
	lp := func(s Signals) int64 { return s.FineWebLinePunctPPM }
	runRuleCases(t, p, "fineweb_line_punct_ratio", []ruleCase{
		{"12 of 100 fails (at most)", mk(100, 12, punct, long), lp, 120_000, true},
		{"13 of 100", mk(100, 13, punct, long), lp, 130_000, false},
		{"trailing space does not end in punctuation", mk(100, 13, func(i int) string { return punct(i) + " " }, long), lp, 0, true},
		{"CR LF does not", strings.ReplaceAll(mk(100, 13, punct, long), "\n", "\r\n"), lp, 0, true},
	})
	excl := p
	excl.FineWeb.LinePunctExcludeZero = true
	runRuleCases(t, excl, "fineweb_line_punct_ratio", []ruleCase{
		{"zero excluded", mk(100, 0, punct, long), lp, 0, false},
		{"not zero", mk(100, 1, punct, long), lp, 10_000, true},
	})
	short := func(i int) string { return word(i, 30) + "." }   // 31 chars: not short…
	shorter := func(i int) string { return word(i, 29) + "." } // …30 chars: short
	sl := func(s Signals) int64 { return s.FineWebShortLinesPPM }
	runRuleCases(t, p, "fineweb_short_line_ratio", []ruleCase{
		{"67 of 100 fails (at least)", mk(100, 67, shorter, short), sl, 670_000, true},
		{"66 of 100", mk(100, 66, shorter, short), sl, 660_000, false},
		{"empty lines are short", strings.Join(strings.Split(mk(50, 0, shorter, short), "\n"), "\n\n"), sl, 494_949, false},
	})
	// 10 duplicate characters in 1000 (newlines not counted).
	dupText := func(dupLen, total int) string {
		d := word(5, dupLen)
		return d + "\n" + d + "\n" + padTo(word(6, 8), total-2*dupLen, 11)
	}
	cd := func(s Signals) int64 { return s.FineWebDupCharsPPM }
	runRuleCases(t, p, "fineweb_char_dup_ratio", []ruleCase{
		{"10 of 1000 fails (at least)", dupText(10, 1000), cd, 10_000, true},
		{"9 of 1000", dupText(9, 1000), cd, 9_000, false},
		{"blank lines are not duplicates", "a\n \n \n\t\nb", cd, 0, false},
	})
	nl := func(s Signals) int64 { return s.FineWebNewlinesPPM }
	runRuleCases(t, p, "fineweb_list_ratio", []ruleCase{
		{"3 per 10 tokens", "a b c\nd e f\ng h i\nj", nl, 300_000, false},
		{"4 per 10 tokens", "a b c\nd e f\ng h\ni\nj", nl, 400_000, true},
		{"punctuation tokens count", "a, b.\nc; d!\ne", nl, 2 * PPM / 9, false},
	})
}

func TestFineWebMeasuresC4Output(t *testing.T) {
	// Ten good lines and ninety short ones without punctuation: C4 removes
	// the short ones, so FineWeb sees only good lines.
	var lines []string
	for i := 0; i < 10; i++ {
		lines = append(lines, "The "+strings.Join(words(i*10, 6, 5), " ")+" is here.")
	}
	for i := 0; i < 90; i++ {
		lines = append(lines, "menu")
	}
	text := strings.Join(lines, "\n")
	p := DefaultParams()
	s, out := p.Signals(text)
	if s.FineWebShortLinesPPM != 0 || s.FineWebLinePunctPPM != PPM {
		t.Errorf("FineWeb on C4's output: short %d, punct %d; want 0, %d", s.FineWebShortLinesPPM, s.FineWebLinePunctPPM, PPM)
	}
	if strings.Contains(out, "menu") || s.C4RemovedNoTerminalPunct != 90 {
		t.Errorf("C4 kept %q (removed %d)", out, s.C4RemovedNoTerminalPunct)
	}
	p.C4.Enabled = false
	s, out = p.Signals(text)
	if out != text || s.FineWebShortLinesPPM != 900_000 || s.C4Lines != 0 {
		t.Errorf("C4 off: output changed or FineWeb not on the input (short %d)", s.FineWebShortLinesPPM)
	}
}

// failing is a Signals that fails every rule of DefaultParams.
func failing() Signals {
	return Signals{
		GopherWords: 10, GopherMeanWordLengthPPM: 11 * PPM, GopherHashRatioPPM: PPM, GopherEllipsisRatioPPM: PPM,
		GopherBulletLinesPPM: PPM, GopherEllipsisLinesPPM: PPM, GopherAlphaWordsPPM: 0, GopherStopWords: 0,
		RepDupParaPPM: PPM, RepDupParaCharsPPM: PPM, RepDupLinePPM: PPM, RepDupLineCharsPPM: PPM,
		RepTop2GramPPM: PPM, RepTop3GramPPM: PPM, RepTop4GramPPM: PPM, RepDup5GramPPM: PPM, RepDup6GramPPM: PPM,
		RepDup7GramPPM: PPM, RepDup8GramPPM: PPM, RepDup9GramPPM: PPM, RepDup10GramPPM: PPM,
		C4LoremIpsum: 1, C4CurlyBracket: 1, C4Sentences: 0,
		FineWebLinePunctPPM: 0, FineWebShortLinesPPM: PPM, FineWebDupCharsPPM: PPM, FineWebNewlinesPPM: PPM,
	}
}

// passing is a Signals that passes every rule of DefaultParams.
func passing() Signals {
	return Signals{
		GopherWords: 500, GopherMeanWordLengthPPM: 5 * PPM, GopherAlphaWordsPPM: PPM, GopherStopWords: 20,
		C4Sentences: 20, FineWebLinePunctPPM: PPM,
	}
}

func TestKeepNamesEveryRuleInOrder(t *testing.T) {
	p := DefaultParams()
	// A minimum and a maximum cannot fail at once: failing() fails the
	// short-document and long-mean rules, the second case the others.
	want := slices.DeleteFunc(RuleNames(), func(r string) bool {
		return r == "gopher_long_doc" || r == "gopher_below_avg_threshold"
	})
	keep, reasons := p.Keep(failing())
	if keep || !slices.Equal(reasons, want) {
		t.Errorf("Keep(failing) = %v, %v; want false, %v", keep, reasons, want)
	}
	s := failing()
	s.GopherWords, s.GopherMeanWordLengthPPM = 100_001, PPM
	_, reasons = p.Keep(s)
	if !slices.Contains(reasons, "gopher_long_doc") || slices.Contains(reasons, "gopher_short_doc") ||
		!slices.Contains(reasons, "gopher_below_avg_threshold") || slices.Contains(reasons, "gopher_above_avg_threshold") {
		t.Errorf("long doc, short words: %v", reasons)
	}
	if keep, reasons := p.Keep(passing()); !keep || reasons != nil {
		t.Errorf("Keep(passing) = %v, %v", keep, reasons)
	}
	off := p
	off.Gopher.Enabled, off.Repetition.Enabled, off.C4.Enabled, off.FineWeb.Enabled = false, false, false, false
	if keep, reasons := off.Keep(failing()); !keep || reasons != nil {
		t.Errorf("every stage off: %v, %v", keep, reasons)
	}
}

// TestKeepThresholds checks each rule's comparison at its threshold and one
// part per million either side: > and < for Gopher and C4, FineWeb's ≤ for
// line punctuation and ≥ for short lines and duplicate characters.
func TestKeepThresholds(t *testing.T) {
	p := DefaultParams()
	type cmp int
	const (
		gt cmp = iota // fails above
		lt            // fails below
		ge            // fails at or above
		le            // fails at or below
	)
	g, r, c, f := p.Gopher, p.Repetition, p.C4, p.FineWeb
	rules := []struct {
		rule string
		set  func(*Signals, int64)
		thr  int64
		cmp  cmp
	}{
		{"gopher_rep_dup_para_frac", func(s *Signals, v int64) { s.RepDupParaPPM = v }, r.DupParaFracPPM, gt},
		{"gopher_rep_dup_para_char_frac", func(s *Signals, v int64) { s.RepDupParaCharsPPM = v }, r.DupParaCharFracPPM, gt},
		{"gopher_rep_dup_line_frac", func(s *Signals, v int64) { s.RepDupLinePPM = v }, r.DupLineFracPPM, gt},
		{"gopher_rep_dup_line_char_frac", func(s *Signals, v int64) { s.RepDupLineCharsPPM = v }, r.DupLineCharFracPPM, gt},
		{"gopher_rep_top_2_gram", func(s *Signals, v int64) { s.RepTop2GramPPM = v }, r.Top2GramPPM, gt},
		{"gopher_rep_top_3_gram", func(s *Signals, v int64) { s.RepTop3GramPPM = v }, r.Top3GramPPM, gt},
		{"gopher_rep_top_4_gram", func(s *Signals, v int64) { s.RepTop4GramPPM = v }, r.Top4GramPPM, gt},
		{"gopher_rep_duplicated_5_n_grams", func(s *Signals, v int64) { s.RepDup5GramPPM = v }, r.Dup5GramPPM, gt},
		{"gopher_rep_duplicated_6_n_grams", func(s *Signals, v int64) { s.RepDup6GramPPM = v }, r.Dup6GramPPM, gt},
		{"gopher_rep_duplicated_7_n_grams", func(s *Signals, v int64) { s.RepDup7GramPPM = v }, r.Dup7GramPPM, gt},
		{"gopher_rep_duplicated_8_n_grams", func(s *Signals, v int64) { s.RepDup8GramPPM = v }, r.Dup8GramPPM, gt},
		{"gopher_rep_duplicated_9_n_grams", func(s *Signals, v int64) { s.RepDup9GramPPM = v }, r.Dup9GramPPM, gt},
		{"gopher_rep_duplicated_10_n_grams", func(s *Signals, v int64) { s.RepDup10GramPPM = v }, r.Dup10GramPPM, gt},
		{"gopher_short_doc", func(s *Signals, v int64) { s.GopherWords = v }, g.MinDocWords, lt},
		{"gopher_long_doc", func(s *Signals, v int64) { s.GopherWords = v }, g.MaxDocWords, gt},
		{"gopher_below_avg_threshold", func(s *Signals, v int64) { s.GopherMeanWordLengthPPM = v }, g.MinAvgWordLengthPPM, lt},
		{"gopher_above_avg_threshold", func(s *Signals, v int64) { s.GopherMeanWordLengthPPM = v }, g.MaxAvgWordLengthPPM, gt},
		{"gopher_too_many_hashes", func(s *Signals, v int64) { s.GopherHashRatioPPM = v }, g.MaxSymbolWordRatioPPM, gt},
		{"gopher_too_many_ellipsis", func(s *Signals, v int64) { s.GopherEllipsisRatioPPM = v }, g.MaxSymbolWordRatioPPM, gt},
		{"gopher_too_many_bullets", func(s *Signals, v int64) { s.GopherBulletLinesPPM = v }, g.MaxBulletLinesRatioPPM, gt},
		{"gopher_too_many_end_ellipsis", func(s *Signals, v int64) { s.GopherEllipsisLinesPPM = v }, g.MaxEllipsisLinesRatioPPM, gt},
		{"gopher_below_alpha_threshold", func(s *Signals, v int64) { s.GopherAlphaWordsPPM = v }, g.MinAlphaWordsRatioPPM, lt},
		{"gopher_enough_stop_words", func(s *Signals, v int64) { s.GopherStopWords = v }, g.MinStopWords, lt},
		{"c4_too_few_sentences", func(s *Signals, v int64) { s.C4Sentences = v }, c.MinNumSentences, lt},
		{"fineweb_line_punct_ratio", func(s *Signals, v int64) { s.FineWebLinePunctPPM = v }, f.LinePunctThrPPM, le},
		{"fineweb_short_line_ratio", func(s *Signals, v int64) { s.FineWebShortLinesPPM = v }, f.ShortLineThrPPM, ge},
		{"fineweb_char_dup_ratio", func(s *Signals, v int64) { s.FineWebDupCharsPPM = v }, f.CharDupRatioPPM, ge},
		{"fineweb_list_ratio", func(s *Signals, v int64) { s.FineWebNewlinesPPM = v }, f.NewLineRatioPPM, gt},
	}
	for _, rr := range rules {
		for _, d := range []int64{-1, 0, 1} {
			s := passing()
			v := rr.thr + d
			rr.set(&s, v)
			want := map[cmp]bool{gt: d > 0, lt: d < 0, ge: d >= 0, le: d <= 0}[rr.cmp]
			_, reasons := p.Keep(s)
			if got := slices.Contains(reasons, rr.rule); got != want {
				t.Errorf("%s at %d (threshold %d): failed %v, want %v", rr.rule, v, rr.thr, got, want)
			}
		}
	}
	// Every threshold can be switched off.
	off := p
	g2, r2, f2 := &off.Gopher, &off.Repetition, &off.FineWeb
	for _, ptr := range []*int64{&g2.MinDocWords, &g2.MaxDocWords, &g2.MinAvgWordLengthPPM, &g2.MaxAvgWordLengthPPM,
		&g2.MaxSymbolWordRatioPPM, &g2.MaxBulletLinesRatioPPM, &g2.MaxEllipsisLinesRatioPPM, &g2.MinAlphaWordsRatioPPM,
		&g2.MinStopWords, &r2.DupParaFracPPM, &r2.DupParaCharFracPPM, &r2.DupLineFracPPM, &r2.DupLineCharFracPPM,
		&r2.Top2GramPPM, &r2.Top3GramPPM, &r2.Top4GramPPM, &r2.Dup5GramPPM, &r2.Dup6GramPPM, &r2.Dup7GramPPM,
		&r2.Dup8GramPPM, &r2.Dup9GramPPM, &r2.Dup10GramPPM, &off.C4.MinNumSentences, &f2.LinePunctThrPPM,
		&f2.ShortLineThrPPM, &f2.CharDupRatioPPM, &f2.NewLineRatioPPM} {
		*ptr = Off
	}
	off.C4.FilterLoremIpsum, off.C4.FilterCurlyBracket = false, false
	if err := off.Validate(); err != nil {
		t.Fatal(err)
	}
	if keep, reasons := off.Keep(failing()); !keep {
		t.Errorf("every threshold off: %v", reasons)
	}
}

func TestValidate(t *testing.T) {
	if err := DefaultParams().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	tests := []struct {
		name string
		set  func(*Params)
		want string
	}{
		{"negative", func(p *Params) { p.Gopher.MinDocWords = -2 }, "quality.gopher.min_doc_words: expected -1 (off) or 0..1000000000, got -2"},
		{"fraction over 1", func(p *Params) { p.Repetition.DupLineFracPPM = PPM + 1 }, "quality.gopher_repetition.dup_line_frac_ppm: expected -1 (off) or 0..1000000, got 1000001"},
		{"ratio may pass 1", func(p *Params) { p.Gopher.MaxSymbolWordRatioPPM = 5 * PPM }, ""},
		{"c4 count", func(p *Params) { p.C4.MinNumSentences = -7 }, "quality.c4.min_num_sentences: expected -1 (off) or 0..1000000000, got -7"},
		{"short line length cannot be off", func(p *Params) { p.FineWeb.ShortLineLength = Off }, "quality.fineweb.short_line_length: expected 0..1000000000, got -1"},
		{"fineweb", func(p *Params) { p.FineWeb.NewLineRatioPPM = maxRatio + 1 }, "quality.fineweb.new_line_ratio_ppm: expected -1 (off) or 0..1000000000000, got 1000000000001"},
		{"min above max words", func(p *Params) { p.Gopher.MinDocWords = 200_000 }, "quality.gopher.min_doc_words: expected at most max_doc_words (100000), got 200000"},
		{"min above max length", func(p *Params) { p.Gopher.MinAvgWordLengthPPM = 11 * PPM }, "quality.gopher.min_avg_word_length_ppm: expected at most max_avg_word_length_ppm (10000000), got 11000000"},
		{"min with max off", func(p *Params) { p.Gopher.MinDocWords, p.Gopher.MaxDocWords = 200_000, Off }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultParams()
			tt.set(&p)
			err := p.Validate()
			if tt.want == "" {
				if err != nil {
					t.Errorf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrInvalidParams) || err.Error() != "text: invalid parameters: "+tt.want {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestPPM(t *testing.T) {
	tests := []struct{ num, den, want int64 }{
		{0, 0, 0}, {5, 0, 5 * PPM}, {1, 3, 333_333}, {2, 3, 666_666}, {3, 10, 300_000},
		{1 << 62, 1 << 62, PPM}, {1 << 62, 3, 1<<63 - 1}, {-1, 5, 0},
	}
	for _, tt := range tests {
		if got := ppm(tt.num, tt.den); got != tt.want {
			t.Errorf("ppm(%d, %d) = %d, want %d", tt.num, tt.den, got, tt.want)
		}
	}
}
