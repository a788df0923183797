package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func addSeeds(f *testing.F) {
	for _, in := range goldenTexts() {
		if len(in.text) <= 4096 {
			f.Add(in.text)
		}
	}
}

// FuzzSignals: any input gives defined, repeatable signals, valid UTF-8
// out for valid UTF-8 in, and Keep never panics.
func FuzzSignals(f *testing.F) {
	addSeeds(f)
	p := DefaultParams()
	recipe := p
	recipe.C4.FilterNoTerminalPunct = false
	f.Fuzz(func(t *testing.T, text string) {
		for _, q := range []Params{p, recipe} {
			s, out := q.Signals(text)
			s2, out2 := q.Signals(text)
			if s != s2 || out != out2 {
				t.Fatalf("two runs differ on %q", text)
			}
			if utf8.ValidString(text) && !utf8.ValidString(out) {
				t.Fatalf("%q → invalid UTF-8 %q", text, out)
			}
			for _, c := range s.Columns() {
				if c.Value < 0 {
					t.Fatalf("%q: %s = %d", text, c.Name, c.Value)
				}
			}
			if s.Chars != int64(utf8.RuneCountInString(text)) || s.GopherWords > s.Tokens || s.C4LinesKept > s.C4Lines {
				t.Fatalf("%q: inconsistent counts %+v", text, s)
			}
			keep, reasons := q.Keep(s)
			if keep != (len(reasons) == 0) {
				t.Fatalf("keep %v with reasons %v", keep, reasons)
			}
		}
	})
}

// FuzzC4: C4Lines never panics, keeps valid UTF-8 valid, accounts for
// every line and never makes the text longer.
func FuzzC4(f *testing.F) {
	addSeeds(f)
	p := DefaultParams().C4
	f.Fuzz(func(t *testing.T, text string) {
		for _, off := range []bool{false, true} {
			q := p
			q.FilterNoTerminalPunct = !off
			r := C4Lines(text, q)
			if utf8.ValidString(text) && !utf8.ValidString(r.Text) {
				t.Fatalf("%q → invalid UTF-8 %q", text, r.Text)
			}
			if r.Lines != r.Kept+r.TooLongWord+r.NoTerminalPunct+r.TooFewWords+r.Javascript+r.Policy {
				t.Fatalf("%q: lines do not add up: %+v", text, r)
			}
			if len(r.Text) > len(text) || (r.Kept == 0 && r.Text != "") {
				t.Fatalf("%q → %q", text, r.Text)
			}
		}
	})
}

// FuzzMaskPII: masking never panics, keeps valid UTF-8 valid, and masking
// the output again changes nothing.
func FuzzMaskPII(f *testing.F) {
	addSeeds(f)
	for _, s := range []string{"a@b.io+c@d.io", "x@[8.8.8.8]0", "202.555.0173::1.2.3.4", "+44 20 7946 0958 202-555-0173x"} {
		f.Add(s)
	}
	p := DefaultPIIParams()
	all := p
	all.PublicIPsOnly = false
	f.Fuzz(func(t *testing.T, text string) {
		for _, q := range []PIIParams{p, all} {
			once, c := MaskPII(text, q)
			twice, _ := MaskPII(once, q)
			if twice != once {
				t.Fatalf("not idempotent: %q → %q → %q", text, once, twice)
			}
			if utf8.ValidString(text) && !utf8.ValidString(once) {
				t.Fatalf("%q → invalid UTF-8 %q", text, once)
			}
			if c == (PIICounts{}) && once != text {
				t.Fatalf("%q changed to %q with no match counted", text, once)
			}
			if !strings.ContainsAny(text, "@.:+(0123456789") && once != text {
				t.Fatalf("%q changed to %q", text, once)
			}
		}
	})
}
