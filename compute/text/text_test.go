package text

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
)

// TestUnicodeVersion pins the Unicode tables the letter and punctuation
// classes come from. A Go upgrade that moves them changes signals for some
// texts, so every node would disagree with every node not yet upgraded:
// such an upgrade must be a deliberate, announced change of the kernel
// (new golden vectors, DESIGN.md), never a side effect.
func TestUnicodeVersion(t *testing.T) {
	if unicode.Version != "15.0.0" {
		t.Fatalf("the Go toolchain has Unicode %s, the signals are defined on 15.0.0: see DESIGN.md, \"Characters\"", unicode.Version)
	}
}

// TestNoFloat checks that no file of the package (tests aside) mentions a
// floating-point type or imports math: signals must be the same bits on
// every architecture.
func TestNoFloat(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if imp.Path.Value == `"math"` || imp.Path.Value == `"math/big"` {
				t.Errorf("%s imports %s", name, imp.Path.Value)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Ident:
				if n.Name == "float32" || n.Name == "float64" || n.Name == "complex64" || n.Name == "complex128" {
					t.Errorf("%s: %s", fset.Position(n.Pos()), n.Name)
				}
			case *ast.BasicLit:
				if n.Kind == token.FLOAT || n.Kind == token.IMAG {
					t.Errorf("%s: floating-point literal %s", fset.Position(n.Pos()), n.Value)
				}
			}
			return true
		})
	}
}

func TestCharacterClasses(t *testing.T) {
	tests := []struct {
		r    rune
		want uint8
	}{
		{' ', clsSpace}, {'\t', clsSpace}, {'\n', clsSpace}, {0x85, clsSpace}, {0xA0, clsSpace},
		{0x2007, clsSpace}, {0x3000, clsSpace}, {0x200B, clsOther}, {0x1C, clsPunct}, {0x00, clsPunct},
		{'a', clsLetter}, {'Z', clsLetter}, {'é', clsLetter}, {'日', clsLetter}, {'ß', clsLetter},
		{'0', clsOther}, {'٣', clsOther}, {'Ⅻ', clsOther}, {'.', clsPunct}, {'#', clsPunct},
		{'$', clsPunct}, {'+', clsPunct}, {'_', clsPunct}, {'©', clsPunct}, {'—', clsPunct},
		{'。', clsPunct}, {'€', clsPunct}, {0xFFFD, clsPunct}, {0x0301, clsOther},
	}
	for _, tt := range tests {
		if got := classOf(tt.r); got != tt.want {
			t.Errorf("classOf(%U) = %d, want %d", tt.r, got, tt.want)
		}
	}
	// The written-out White_Space list is Unicode's.
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if isWhiteSpace(r) != unicode.Is(unicode.White_Space, r) {
			t.Fatalf("isWhiteSpace(%U) = %v, unicode.White_Space says otherwise", r, isWhiteSpace(r))
		}
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"   \n\t ", nil},
		{"Hello, world!", []string{"Hello", ",", "world", "!"}},
		{"(e.g. this)", []string{"(", "e.g", ".", "this", ")"}},
		{"don't stop", []string{"don't", "stop"}},
		{"a#b #tag $100 50%", []string{"a#b", "#", "tag", "$", "100", "50", "%"}},
		{"...", []string{".", ".", "."}},
		{"— «quoted» —", []string{"—", "«", "quoted", "»", "—"}},
		{"日本語。テスト。", []string{"日本語。テスト", "。"}}, // only the ends are split
		{"x\u00a0y\u2003z", []string{"x", "y", "z"}},
		{"a\u200bb", []string{"a\u200bb"}},
		{"\xff\xfeab\xff", []string{"\xff", "\xfe", "ab", "\xff"}},
		{"e\u0301", []string{"e\u0301"}},
		{"\x00\x01", []string{"\x00", "\x01"}},
	}
	for _, tt := range tests {
		var got []string
		scanTokens(tt.in, func(start, end int, chars uint32, _ bool) {
			got = append(got, tt.in[start:end])
			if int64(chars) != runeCount(tt.in[start:end]) {
				t.Errorf("%q: token %q has %d characters, counted %d", tt.in, tt.in[start:end], runeCount(tt.in[start:end]), chars)
			}
		})
		if !slices.Equal(got, tt.want) {
			t.Errorf("tokens of %q = %q, want %q", tt.in, got, tt.want)
		}
		if ref := refTokens(tt.in); !slices.Equal(ref, tt.want) {
			t.Errorf("reference tokens of %q = %q", tt.in, ref)
		}
	}
}

func TestSplitters(t *testing.T) {
	collect := func(split func(string, func(string)), s string) []string {
		out := []string{}
		split(s, func(l string) { out = append(out, l) })
		return out
	}
	tests := []struct {
		name  string
		split func(string, func(string))
		in    string
		want  []string // Python's answer
	}{
		{"splitlines empty", splitlines, "", []string{}},
		{"splitlines final break", splitlines, "a\nb\n", []string{"a", "b"}},
		{"splitlines empty lines", splitlines, "\n\na", []string{"", "", "a"}},
		{"splitlines CR LF, CR, VT, FF, FS, NEL, LS, PS", splitlines, "a\r\nb\rc\vd\fe\x1cf\u0085g\u2028h\u2029i", []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}},
		{"splitlines CR CR LF", splitlines, "a\r\r\nb", []string{"a", "", "b"}},
		{"splitlines not US or ZWSP", splitlines, "a\x1fb\u200bc", []string{"a\x1fb\u200bc"}},
		{"paragraphs empty", splitParagraphs, "", []string{""}},
		{"paragraphs", splitParagraphs, "a\nb\n\nc\n\n\nd", []string{"a\nb", "c", "d"}},
		{"paragraphs LF space LF", splitParagraphs, "a\n \nb", []string{"a\n \nb"}},
		{"paragraphs edges", splitParagraphs, "\n\na\n\n", []string{"", "a", ""}},
		{"LF runs empty", splitLFRuns, "", []string{""}},
		{"LF runs", splitLFRuns, "\na\n\nb\n", []string{"", "a", "b", ""}},
		{"LF runs keep CR", splitLFRuns, "a\r\nb", []string{"a\r", "b"}},
	}
	for _, tt := range tests {
		if got := collect(tt.split, tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q → %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
	if got := trimSpace("\u3000 a b\u00a0\n"); got != "a b" {
		t.Errorf("trimSpace = %q", got)
	}
	if got := trimRightSpace("a\xe2\x80 "); got != "a\xe2\x80" {
		t.Errorf("trimRightSpace keeps invalid bytes: %q", got)
	}
}

func TestSignalsOfEdgeCases(t *testing.T) {
	p := DefaultParams()
	s, out := p.Signals("")
	if out != "" || s != (Signals{FineWebShortLinesPPM: PPM}) {
		t.Errorf("empty text: %+v, %q", s, out)
	}
	if keep, reasons := p.Keep(s); keep || !slices.Contains(reasons, "gopher_short_doc") {
		t.Errorf("empty text kept: %v", reasons)
	}
	s, _ = p.Signals("\xff\xfe\x00\x01")
	if s.Chars != 4 || s.Tokens != 4 || s.GopherWords != 0 {
		t.Errorf("binary: %+v", s)
	}
}

func TestCountTokens(t *testing.T) {
	r := &rng{s: 5}
	for i := 0; i < 3000; i++ {
		s := randomText(r)
		if got, want := countTokens(s), int64(len(refTokens(s))); got != want {
			t.Fatalf("countTokens(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestConcurrent runs the kernels on many goroutines at once (they share
// pooled buffers) and checks each result against a sequential run.
func TestConcurrent(t *testing.T) {
	docs := webCorpus(64, 2000)
	p, pp := DefaultParams(), DefaultPIIParams()
	type result struct {
		s   Signals
		out string
		pii string
	}
	want := make([]result, len(docs))
	for i, d := range docs {
		want[i].s, want[i].out = p.Signals(d)
		want[i].pii, _ = MaskPII(d, pp)
	}
	errs := make(chan string, len(docs)*4)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range docs {
				k := (i + g*16) % len(docs)
				s, out := p.Signals(docs[k])
				pii, _ := MaskPII(docs[k], pp)
				if s != want[k].s || out != want[k].out || pii != want[k].pii {
					errs <- docs[k][:40]
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent result differs for %q…", e)
	}
}
