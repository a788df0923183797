package api

import (
	"slices"
	"strings"
)

// The parameters of the language kernel (issue 13). compute/langid defines
// the detector; api cannot import it (api imports no other Meadow
// package), so the codes it knows are listed here too, and compute's tests
// check that the two lists are equal.

// LanguageParams configure language identification. A nil LanguageParams,
// or absent values, mean the defaults: every language, the first 16384
// bytes of each text.
type LanguageParams struct {
	// Languages, when not empty, is an allow-list: only these languages
	// are considered, and a text in another is reported as unknown. Each
	// is a code of LanguageCodes (lowercase ISO 639-1, or ISO 639-3 for the
	// six languages the detector gives no 639-1 code), listed once.
	Languages []string `json:"languages,omitempty"`
	// MaxBytes is how much of each text is read: its first MaxBytes bytes,
	// cut back to a UTF-8 character boundary (default 16384, 1 to
	// LanguageMaxBytesLimit). It bounds a row's cost.
	MaxBytes int `json:"max_bytes,omitempty"`
}

// Defaults and limits of LanguageParams.
const (
	DefaultLanguageMaxBytes = 16384
	LanguageMaxBytesLimit   = 1 << 20
)

// languageCodes are the codes the detector (compute/langid, whatlanggo
// v1.0.1) reports, sorted.
var languageCodes = []string{
	"af", "ak", "am", "ar", "az", "be", "bg", "bh", "bn", "ceb", "cs", "da", "de", "el", "en", "eo",
	"es", "et", "fi", "fr", "gu", "ha", "he", "hi", "hr", "ht", "hu", "id", "ig", "ilo", "it", "ja",
	"jv", "ka", "km", "kn", "ko", "ku", "lt", "lv", "mai", "mg", "mk", "ml", "mr", "my", "nb", "ne",
	"nl", "nn", "ny", "om", "or", "pa", "pes", "pl", "pt", "rn", "ro", "ru", "rw", "si", "skr", "sl",
	"sn", "so", "sr", "sv", "ta", "te", "th", "ti", "tk", "tl", "tr", "ug", "uk", "ur", "uz", "vi",
	"ydd", "yo", "zh", "zu",
}

// LanguageCodes returns the language codes LanguageParams.Languages may
// hold and the language kernel reports, sorted.
func LanguageCodes() []string { return slices.Clone(languageCodes) }

func (l *LanguageParams) clone() *LanguageParams {
	if l == nil {
		return nil
	}
	out := *l
	out.Languages = slices.Clone(l.Languages)
	return &out
}

func (l *LanguageParams) withDefaults() {
	if l.MaxBytes == 0 {
		l.MaxBytes = DefaultLanguageMaxBytes
	}
}

// languageCodesExpected is what a bad allow-list entry is told.
var languageCodesExpected = "a language code, lowercase, listed once: one of " + strings.Join(languageCodes, ", ")

// check validates l at path p ("compute.language"). In a task (resolved)
// max_bytes must be written in; an absent allow-list means every language
// in a task too.
func (l *LanguageParams) check(v *validator, p string, resolved bool) {
	v.num(sub(p, "max_bytes"), int64(l.MaxBytes), 1, LanguageMaxBytesLimit, "16384", resolved)
	f := sub(p, "languages")
	if len(l.Languages) > len(languageCodes) {
		v.add(f, items(len(l.Languages)), "at most "+itoa(int64(len(languageCodes)))+" codes, each listed once")
		return
	}
	for i, c := range l.Languages {
		if _, known := slices.BinarySearch(languageCodes, c); !known || slices.Contains(l.Languages[:i], c) {
			v.add(at(f, i), quote(c), languageCodesExpected)
		}
	}
}
