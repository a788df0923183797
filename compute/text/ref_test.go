package text

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// A second, naive implementation of the definitions in DESIGN.md, written
// the way datatrove's Python reads (lists of strings, maps, string joins),
// to check the fast one against.

func refIsPunct(r rune) bool {
	return !isWhiteSpace(r) && !unicode.IsLetter(r) &&
		(unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.Is(unicode.Cc, r))
}

// refRunes decodes s as the package does: invalid bytes are U+FFFD, one
// byte each.
func refRunes(s string) []string {
	var out []string
	for len(s) > 0 {
		_, w := utf8.DecodeRuneInString(s)
		out = append(out, s[:w])
		s = s[w:]
	}
	return out
}

func refRune(c string) rune {
	r, _ := utf8.DecodeRuneInString(c)
	return r
}

func refTokens(s string) []string {
	var toks []string
	var chunk []string
	flush := func() {
		i, j := 0, len(chunk)
		for i < j && refIsPunct(refRune(chunk[i])) {
			toks = append(toks, chunk[i])
			i++
		}
		for j > i && refIsPunct(refRune(chunk[j-1])) {
			j--
		}
		if i < j {
			toks = append(toks, strings.Join(chunk[i:j], ""))
		}
		toks = append(toks, chunk[j:]...)
		chunk = chunk[:0]
	}
	for _, c := range refRunes(s) {
		if isWhiteSpace(refRune(c)) {
			flush()
			continue
		}
		chunk = append(chunk, c)
	}
	flush()
	return toks
}

func refLen(s string) int64 { return int64(utf8.RuneCountInString(s)) }

func refStrip(s string) string {
	return strings.TrimFunc(s, isWhiteSpace)
}

func refFindDuplicates(xs []string) (n, chars int64) {
	seen := map[string]bool{}
	for _, x := range xs {
		if seen[x] {
			n++
			chars += refLen(x)
		} else {
			seen[x] = true
		}
	}
	return n, chars
}

func refSplitlines(s string) []string {
	var lines []string
	rs := refRunes(s)
	var cur strings.Builder
	for i := 0; i < len(rs); i++ {
		r := refRune(rs[i])
		switch r {
		case '\n', '\v', '\f', '\r', 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
			lines = append(lines, cur.String())
			cur.Reset()
			if r == '\r' && i+1 < len(rs) && rs[i+1] == "\n" {
				i++
			}
			continue
		}
		cur.WriteString(rs[i])
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

var (
	refParaRE = regexp.MustCompile(`\n{2,}`)
	refLineRE = regexp.MustCompile(`\n+`)
)

func refSignals(text string) Signals {
	var s Signals
	chars := refLen(text)
	s.Chars = chars
	words := refTokens(text)
	s.Tokens = int64(len(words))
	var nonSym []string
	var alpha, stop int64
	for _, w := range words {
		sym, letter := true, false
		for _, c := range refRunes(w) {
			r := refRune(c)
			if !refIsPunct(r) {
				sym = false
			}
			if unicode.IsLetter(r) {
				letter = true
			}
		}
		if !sym {
			nonSym = append(nonSym, w)
		}
		if letter {
			alpha++
		}
		if stopWord(w) {
			stop++
		}
	}
	s.GopherWords = int64(len(nonSym))
	var wc int64
	for _, w := range nonSym {
		wc += refLen(w)
	}
	s.GopherMeanWordLengthPPM = ppm(wc, int64(len(nonSym)))
	s.GopherHashRatioPPM = ppm(int64(strings.Count(text, "#")), s.Tokens)
	s.GopherEllipsisRatioPPM = ppm(int64(strings.Count(text, "...")+strings.Count(text, "…")), s.Tokens)
	lines := refSplitlines(text)
	var bullets, ell int64
	for _, l := range lines {
		ls := strings.TrimLeftFunc(l, isWhiteSpace)
		if strings.HasPrefix(ls, "•") || strings.HasPrefix(ls, "-") {
			bullets++
		}
		rs := strings.TrimRightFunc(l, isWhiteSpace)
		if strings.HasSuffix(rs, "...") || strings.HasSuffix(rs, "…") {
			ell++
		}
	}
	s.GopherBulletLinesPPM = ppm(bullets, int64(len(lines)))
	s.GopherEllipsisLinesPPM = ppm(ell, int64(len(lines)))
	s.GopherAlphaWordsPPM = ppm(alpha, s.Tokens)
	s.GopherStopWords = stop

	paras := refParaRE.Split(refStrip(text), -1)
	n, c := refFindDuplicates(paras)
	s.RepDupParaPPM = ppm(n, int64(len(paras)))
	s.RepDupParaCharsPPM = ppm(c, chars)
	rl := refLineRE.Split(text, -1)
	n, c = refFindDuplicates(rl)
	s.RepDupLinePPM = ppm(n, int64(len(rl)))
	s.RepDupLineCharsPPM = ppm(c, chars)

	tops := []*int64{&s.RepTop2GramPPM, &s.RepTop3GramPPM, &s.RepTop4GramPPM}
	for n := 2; n <= 4; n++ {
		var grams []string
		for i := 0; i+n <= len(words); i++ {
			grams = append(grams, strings.Join(words[i:i+n], " "))
		}
		if len(grams) == 0 {
			continue
		}
		count := map[string]int64{}
		for _, g := range grams {
			count[g]++
		}
		best, bestN := "", int64(0)
		for _, g := range grams { // first seen wins a tie
			if count[g] > bestN {
				best, bestN = g, count[g]
			}
		}
		*tops[n-2] = ppm(refLen(best)*bestN, chars)
	}
	dups := []*int64{&s.RepDup5GramPPM, &s.RepDup6GramPPM, &s.RepDup7GramPPM,
		&s.RepDup8GramPPM, &s.RepDup9GramPPM, &s.RepDup10GramPPM}
	for n := 5; n <= 10; n++ {
		seen := map[string]bool{}
		var rep int64
		for i := 0; i < len(words)-n+1; {
			key := strings.Join(words[i:i+n], "\x00")
			if seen[key] {
				for _, w := range words[i : i+n] { // per token: joined invalid bytes could pair up
					rep += refLen(w)
				}
				i += n
			} else {
				seen[key] = true
				i++
			}
		}
		*dups[n-5] = ppm(rep, chars)
	}
	return s
}

// refFineWeb fills the FineWeb columns of s from text.
func refFineWeb(text string, shortLen int64, s *Signals) {
	lines := strings.Split(text, "\n")
	var punct, short int64
	var nonEmpty []string
	for _, l := range lines {
		if strings.HasSuffix(l, ".") || strings.HasSuffix(l, "'") || strings.HasSuffix(l, `"`) ||
			strings.HasSuffix(l, "!") || strings.HasSuffix(l, "?") {
			punct++
		}
		if refLen(l) <= shortLen {
			short++
		}
		if refStrip(l) != "" {
			nonEmpty = append(nonEmpty, l)
		}
	}
	s.FineWebLinePunctPPM = ppm(punct, int64(len(lines)))
	s.FineWebShortLinesPPM = ppm(short, int64(len(lines)))
	_, c := refFindDuplicates(nonEmpty)
	s.FineWebDupCharsPPM = ppm(c, refLen(strings.ReplaceAll(text, "\n", "")))
	s.FineWebNewlinesPPM = ppm(int64(strings.Count(text, "\n")), int64(len(refTokens(text))))
}

var refCitationRE = regexp.MustCompile(`\[\p{Nd}*\]|\[edit\]|\[citation needed\]`)

func refC4(text string, p C4Params) C4Result {
	var r C4Result
	var kept []string
	for _, line := range refSplitlines(text) {
		r.Lines++
		line = refStrip(line)
		words := strings.FieldsFunc(line, isWhiteSpace)
		long := false
		for _, w := range words {
			if p.MaxWordLength != Off && refLen(w) > p.MaxWordLength {
				long = true
			}
		}
		if long {
			r.TooLongWord++
			continue
		}
		if p.RemoveCitations {
			r.Citations += int64(len(refCitationRE.FindAllStringIndex(line, -1)))
			line = refCitationRE.ReplaceAllString(line, "")
		}
		if p.FilterNoTerminalPunct {
			ends := false
			for _, e := range []string{".", "?", "!", `"`, "'"} {
				ends = ends || strings.HasSuffix(line, e)
			}
			if !ends || strings.HasSuffix(line, "...") {
				r.NoTerminalPunct++
				continue
			}
		}
		if int64(len(words)) < p.MinWordsPerLine {
			r.TooFewWords++
			continue
		}
		low := string(foldASCII(nil, line))
		if strings.Contains(low, "lorem ipsum") {
			r.LoremIpsum++
		}
		if p.FilterJavascript && strings.Contains(low, "javascript") {
			r.Javascript++
			continue
		}
		if strings.Contains(line, "{") {
			r.CurlyBracket++
		}
		policy := false
		for _, ph := range []string{"terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"} {
			policy = policy || strings.Contains(low, ph)
		}
		if p.FilterPolicy && policy {
			r.Policy++
			continue
		}
		r.Sentences += countSentences(line)
		kept = append(kept, line)
	}
	r.Kept = int64(len(kept))
	r.Text = refStrip(strings.Join(kept, "\n"))
	return r
}

// randomText builds texts that exercise every rule: words from a small
// vocabulary (so n-grams repeat), punctuation, bullets, ellipses, hashes,
// citations, policy phrases, CR LF and other line breaks, duplicated lines
// and paragraphs, non-ASCII letters and symbols, invalid bytes.
func randomText(r *rng) string {
	pieces := []string{
		"the", "be", "to", "of", "and", "that", "have", "with", "The", "cat", "sat", "on",
		"mat", "dog", "ran", "über", "naïve", "日本語", "x#y", "#", "...", "…", "a...b", "-",
		"•", ".", ",", "!", "?", `"`, "'", "(", ")", "[1]", "[edit]", "[citation needed]", "[]",
		"{", "}", "lorem ipsum", "JavaScript", "privacy policy", "uses cookies", "123", "4.5",
		"—", "©", "\u00a0", "\u2028", "\x85", "\xff", "\xe2\x82", "\x00", "\x1c", "\t",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	}
	seps := []string{" ", " ", " ", " ", "\n", "\n\n", "\r\n", " \n", "\n\n\n", "", "\v"}
	var b strings.Builder
	var lines []string
	n := r.intn(60)
	for i := 0; i < n; i++ {
		if len(lines) > 0 && r.intn(8) == 0 {
			b.WriteString(lines[r.intn(len(lines))])
		} else {
			var l strings.Builder
			for k := r.intn(12); k >= 0; k-- {
				l.WriteString(pieces[r.intn(len(pieces))])
				l.WriteString(seps[r.intn(4)])
			}
			lines = append(lines, l.String())
			b.WriteString(l.String())
		}
		b.WriteString(seps[r.intn(len(seps))])
	}
	return b.String()
}

func TestSignalsMatchReference(t *testing.T) {
	p := DefaultParams()
	p.C4.Enabled = false
	r := &rng{s: 1}
	cases := 3000
	if testing.Short() {
		cases = 300
	}
	for i := 0; i < cases; i++ {
		text := randomText(r)
		got, _ := p.Signals(text)
		want := refSignals(text)
		refFineWeb(text, p.FineWeb.ShortLineLength, &want)
		if got != want {
			gc, wc := got.Columns(), want.Columns()
			for k := range gc {
				if gc[k] != wc[k] {
					t.Errorf("text %q: %s = %d, reference %d", text, gc[k].Name, gc[k].Value, wc[k].Value)
				}
			}
			t.FailNow()
		}
	}
}

func TestC4MatchesReference(t *testing.T) {
	r := &rng{s: 2}
	variants := []func(*C4Params){
		func(*C4Params) {},
		func(p *C4Params) { p.FilterNoTerminalPunct = false },
		func(p *C4Params) { p.RemoveCitations, p.FilterJavascript, p.FilterPolicy = false, false, false },
		func(p *C4Params) { p.MinWordsPerLine, p.MaxWordLength = Off, 10 },
		func(p *C4Params) { p.MinWordsPerLine, p.MaxWordLength = 0, Off },
	}
	for i := 0; i < 2000; i++ {
		text := randomText(r)
		p := DefaultParams().C4
		variants[i%len(variants)](&p)
		got, want := C4Lines(text, p), refC4(text, p)
		if got != want {
			t.Fatalf("text %q, params %+v:\n got %+v\nwant %+v", text, p, got, want)
		}
	}
}

func TestSignalsFineWebOnC4Output(t *testing.T) {
	r := &rng{s: 3}
	p := DefaultParams()
	for i := 0; i < 500; i++ {
		text := randomText(r)
		got, out := p.Signals(text)
		c4 := refC4(text, p.C4)
		if out != c4.Text {
			t.Fatalf("output %q, C4 kept %q", out, c4.Text)
		}
		want := refSignals(text)
		refFineWeb(c4.Text, p.FineWeb.ShortLineLength, &want)
		if got.FineWebLinePunctPPM != want.FineWebLinePunctPPM || got.FineWebShortLinesPPM != want.FineWebShortLinesPPM ||
			got.FineWebDupCharsPPM != want.FineWebDupCharsPPM || got.FineWebNewlinesPPM != want.FineWebNewlinesPPM {
			t.Fatalf("text %q: FineWeb columns differ from the reference on C4's output", text)
		}
		if got.C4LinesKept != c4.Kept || got.C4Sentences != c4.Sentences || got.C4RemovedPolicy != c4.Policy {
			t.Fatalf("text %q: C4 columns differ", text)
		}
	}
}
