package lang

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDetect checks that Detect is defined for every input: no panic, a
// known code or Unknown, a confidence in 0..1000 (0 exactly when Unknown),
// the same result twice, and a result that depends only on Prefix.
func FuzzDetect(f *testing.F) {
	for _, in := range goldenTexts() {
		if len(in.text) < 4096 {
			f.Add(in.text)
		}
	}
	known := make(map[string]bool)
	for _, c := range AllLanguages() {
		known[c] = true
	}
	d := testDetector(f)
	f.Fuzz(func(t *testing.T, text string) {
		r := d.Detect(text)
		if r.Code == Unknown {
			if r.Confidence != 0 {
				t.Fatalf("Unknown with confidence %d", r.Confidence)
			}
		} else if !known[r.Code] {
			t.Fatalf("code %q is not one of AllLanguages", r.Code)
		}
		if r.Confidence < 0 || r.Confidence > PerMille {
			t.Fatalf("confidence %d out of 0..1000", r.Confidence)
		}
		if again := d.Detect(text); again != r {
			t.Fatalf("second run gave %+v, first %+v", again, r)
		}
		p := Prefix(text, 64)
		if !utf8.ValidString(p) || len(p) > 64 {
			t.Fatalf("Prefix(%q, 64) = %q", text, p)
		}
		if len(text) <= 64 && p != strings.ToValidUTF8(text, " ") {
			t.Fatalf("Prefix(%q, 64) = %q: a short text is only cleaned", text, p)
		}
	})
}
