package text

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// C4Result is what C4Lines did to a text: the text it kept and, for each
// line rule, how many lines it removed. Lines are counted once, by the
// first rule that removes them, in the order the rules run.
type C4Result struct {
	Text string // kept lines joined by LF, then stripped of white space

	Lines           int64 // lines of the input
	Kept            int64 // lines kept
	TooLongWord     int64 // removed: a word longer than MaxWordLength
	NoTerminalPunct int64 // removed: no terminal punctuation (or "...")
	TooFewWords     int64 // removed: fewer than MinWordsPerLine words
	Javascript      int64 // removed: "javascript"
	Policy          int64 // removed: a cookie or policy phrase
	Citations       int64 // citation marks removed from lines ([1], [edit], …)
	LoremIpsum      int64 // lines reaching that check with "lorem ipsum"
	CurlyBracket    int64 // lines reaching that check with '{'
	Sentences       int64 // sentences in the kept lines
}

// c4Policy are the phrases of C4's policy rule (tfds c4_utils, datatrove).
var c4Policy = [][]byte{
	[]byte("terms of use"),
	[]byte("privacy policy"),
	[]byte("cookie policy"),
	[]byte("uses cookies"),
	[]byte("use of cookies"),
	[]byte("use cookies"),
}

var (
	c4Lorem      = []byte("lorem ipsum")
	c4Javascript = []byte("javascript")
	c4Cookie     = []byte("cookie")
	c4Policy2    = []byte("policy")
	c4Terms      = []byte("terms of use")
)

// hasPolicyPhrase reports whether the folded line has one of c4Policy.
// Every phrase contains "cookie", "policy" or is "terms of use", so most
// lines are passed over after three searches instead of six.
func hasPolicyPhrase(lower []byte) bool {
	if !bytes.Contains(lower, c4Cookie) && !bytes.Contains(lower, c4Policy2) && !bytes.Contains(lower, c4Terms) {
		return false
	}
	for _, phrase := range c4Policy {
		if bytes.Contains(lower, phrase) {
			return true
		}
	}
	return false
}

// C4Lines applies C4's line rules to text in datatrove's order (DESIGN.md,
// "C4"): each line (Python splitlines) is stripped; a line with a word
// longer than MaxWordLength is removed; citation marks are cut out; a line
// not ending in . ? ! " ' (or ending in "...") is removed; a line of fewer
// than MinWordsPerLine words is removed; "lorem ipsum" is counted; a line
// with "javascript" is removed; '{' is counted; a line with a policy
// phrase is removed; the rest are kept and their sentences counted.
//
// The document rules (lorem ipsum, curly bracket, too few sentences) do
// not change the text: Params.Keep decides them from the counts. Unlike
// datatrove, which stops at the first lorem ipsum or '{', C4Lines goes on
// to the end so that every count is defined.
func C4Lines(text string, p C4Params) C4Result {
	sc := getScratch()
	defer putScratch(sc)
	return c4Lines(text, p, sc)
}

func c4Lines(text string, p C4Params, sc *scratch) C4Result {
	var r C4Result
	kept := sc.kept[:0]
	lower := sc.lower[:0]
	splitlines(text, func(raw string) {
		r.Lines++
		line := trimSpace(raw)
		nwords, longest := fieldStats(line)
		if p.MaxWordLength >= 0 && longest > p.MaxWordLength {
			r.TooLongWord++
			return
		}
		if p.RemoveCitations {
			var n int64
			line, n = removeCitations(line)
			r.Citations += n
		}
		if p.FilterNoTerminalPunct && !endsTerminal(line) {
			r.NoTerminalPunct++
			return
		}
		if nwords < p.MinWordsPerLine {
			r.TooFewWords++
			return
		}
		lower = foldASCII(lower[:0], line)
		if bytes.Contains(lower, c4Lorem) {
			r.LoremIpsum++
		}
		if p.FilterJavascript && bytes.Contains(lower, c4Javascript) {
			r.Javascript++
			return
		}
		if strings.IndexByte(line, '{') >= 0 {
			r.CurlyBracket++
		}
		if p.FilterPolicy && hasPolicyPhrase(lower) {
			r.Policy++
			return
		}
		r.Sentences += countSentences(line)
		kept = append(kept, line)
	})
	r.Kept = int64(len(kept))
	r.Text = trimSpace(strings.Join(kept, "\n"))
	sc.kept, sc.lower = kept, lower
	return r
}

// fieldStats counts the White_Space-separated words of line (Python's
// str.split()) and the characters of the longest.
func fieldStats(line string) (words, longest int64) {
	var cur int64
	for i := 0; i < len(line); {
		c, w := uint8(0), 1
		if b := line[i]; b < utf8.RuneSelf {
			c = asciiClass[b]
		} else {
			c, w = decodeClass(line, i)
		}
		i += w
		if c == clsSpace {
			cur = 0
			continue
		}
		if cur == 0 {
			words++
		}
		cur++
		longest = max(longest, cur)
	}
	return words, longest
}

// endsTerminal is C4's terminal punctuation test: the line ends with one of
// . ? ! " ' and not with "...".
func endsTerminal(line string) bool {
	n := len(line)
	if n == 0 {
		return false
	}
	switch line[n-1] {
	case '.', '?', '!', '"', '\'':
		return !strings.HasSuffix(line, "...")
	}
	return false
}

// removeCitations cuts out, left to right, every "[" digits* "]" (digits:
// Unicode Nd, as Python's \d), "[edit]" and "[citation needed]", as
// re.sub(r"\[\d*]|\[edit]|\[citation needed]", "", line) does.
func removeCitations(line string) (string, int64) {
	if strings.IndexByte(line, '[') < 0 {
		return line, 0
	}
	var b strings.Builder
	var n int64
	start := 0
	for i := 0; i < len(line); {
		if line[i] != '[' {
			i++
			continue
		}
		m := citationAt(line[i:])
		if m == 0 {
			i++
			continue
		}
		b.WriteString(line[start:i])
		n++
		i += m
		start = i
	}
	if n == 0 {
		return line, 0
	}
	b.WriteString(line[start:])
	return b.String(), n
}

// citationAt is the length of the citation mark at the start of s (which
// starts with '['), or 0.
func citationAt(s string) int {
	if strings.HasPrefix(s, "[edit]") {
		return len("[edit]")
	}
	if strings.HasPrefix(s, "[citation needed]") {
		return len("[citation needed]")
	}
	for i := 1; i < len(s); {
		r, w := decode(s, i)
		if r == ']' {
			return i + 1
		}
		if !unicode.IsDigit(r) {
			return 0
		}
		i += w
	}
	return 0
}

// countSentences counts the sentences of a kept line (DESIGN.md, "C4"): a
// sentence ends at a run of . ! ? followed by closing quotes or brackets
// (" ' ) ] ” ’) and then white space or the end of the line. A non-empty
// line has at least one sentence.
func countSentences(line string) int64 {
	if line == "" {
		return 0
	}
	var n int64
	for i := 0; i < len(line); {
		b := line[i]
		if b != '.' && b != '!' && b != '?' {
			i++
			continue
		}
		for i < len(line) && (line[i] == '.' || line[i] == '!' || line[i] == '?') {
			i++
		}
		for i < len(line) {
			r, w := decode(line, i)
			if r != '"' && r != '\'' && r != ')' && r != ']' && r != '\u201d' && r != '\u2019' {
				break
			}
			i += w
		}
		if i == len(line) {
			n++
			break
		}
		if r, _ := decode(line, i); isWhiteSpace(r) {
			n++
		}
	}
	return max(n, 1)
}
