package lang

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pemistahl/lingua-go"
)

// Unknown is the Code of a text whose language is not identified: no
// letters, or no language scores above the others (DESIGN.md, "Unknown").
const Unknown = ""

// PerMille is the scale of Result.Confidence: 1000 is certainty.
const PerMille = 1000

// DefaultMaxBytes is how much of a text is read by default: the first
// 16 KiB, cut back to a character boundary. Lingua's cost is linear in the
// text and its confidence has settled long before this (DESIGN.md, "Long
// texts").
const DefaultMaxBytes = 16 << 10

// Config chooses the languages a Detector knows and how much of a text it
// reads. Both are part of the kernel's definition: replicas that
// cross-check each other must use the same Config.
type Config struct {
	// Languages are ISO 639-1 codes, lowercase. Empty means all 75 that
	// lingua knows (AllLanguages).
	Languages []string `json:"languages,omitempty"`
	// MaxBytes is the length of the prefix that is read; 0 means
	// DefaultMaxBytes.
	MaxBytes int `json:"max_bytes,omitempty"`
	// Preload loads every model when the Detector is built (about 0.8 s
	// and 50 MB for all languages, DESIGN.md), instead of on first use.
	// It changes no result.
	Preload bool `json:"-"`
}

// DefaultConfig is every language lingua knows, the first 16 KiB of a
// text, models preloaded.
func DefaultConfig() Config {
	return Config{MaxBytes: DefaultMaxBytes, Preload: true}
}

// AllLanguages returns the ISO 639-1 codes of the languages lingua knows,
// sorted.
func AllLanguages() []string {
	var out []string
	for _, l := range lingua.AllLanguages() {
		out = append(out, strings.ToLower(l.IsoCode639_1().String()))
	}
	slices.Sort(out)
	return out
}

// Validate checks the config without side effects. Errors name the field,
// the value and what was expected.
func (c Config) Validate() error {
	if c.MaxBytes < 0 || c.MaxBytes > 1<<30 {
		return fmt.Errorf("%w: lang.max_bytes: expected 0 (default) or 1..1073741824, got %d", ErrConfig, c.MaxBytes)
	}
	seen := make(map[string]bool, len(c.Languages))
	for i, code := range c.Languages {
		if _, ok := languageOf(code); !ok {
			return fmt.Errorf("%w: lang.languages[%d]: expected a lowercase ISO 639-1 code lingua knows (%s), got %q",
				ErrConfig, i, strings.Join(AllLanguages(), " "), code)
		}
		if seen[code] {
			return fmt.Errorf("%w: lang.languages[%d]: %q is listed twice", ErrConfig, i, code)
		}
		seen[code] = true
	}
	if len(c.Languages) == 1 {
		return fmt.Errorf("%w: lang.languages: expected 0 (all) or at least 2 languages, got 1", ErrConfig)
	}
	return nil
}

func languageOf(code string) (lingua.Language, bool) {
	if len(code) != 2 || strings.ToLower(code) != code {
		return lingua.Unknown, false
	}
	l := lingua.GetLanguageFromIsoCode639_1(lingua.GetIsoCode639_1FromValue(strings.ToUpper(code)))
	return l, l != lingua.Unknown
}

// Result is a text's language.
type Result struct {
	// Code is the ISO 639-1 code, lowercase, or Unknown ("").
	Code string `json:"code"`
	// Confidence is lingua's confidence for Code in parts per thousand,
	// 0..1000, rounded to nearest (DESIGN.md, "Confidence"); 0 when Code is
	// Unknown.
	Confidence int64 `json:"confidence"`
}

// Detector identifies languages. It is safe for concurrent use.
type Detector struct {
	det      lingua.LanguageDetector
	maxBytes int
}

// New builds a Detector. Lingua keeps its models in process-wide maps, so
// a model is loaded once per process however many Detectors use it, and
// is never freed.
func New(cfg Config) (*Detector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	b := lingua.NewLanguageDetectorBuilder()
	var lb lingua.LanguageDetectorBuilder
	if len(cfg.Languages) == 0 {
		lb = b.FromAllLanguages()
	} else {
		langs := make([]lingua.Language, 0, len(cfg.Languages))
		for _, code := range cfg.Languages {
			l, _ := languageOf(code)
			langs = append(langs, l)
		}
		lb = b.FromLanguages(langs...)
	}
	// Low accuracy mode: trigram models only (see DESIGN.md, "Why low
	// accuracy mode"): 50 MB instead of 1 GB, one goroutine per call
	// instead of five, and the same answer as high accuracy on texts of
	// 120 characters or more.
	lb = lb.WithLowAccuracyMode()
	if cfg.Preload {
		lb = lb.WithPreloadedLanguageModels()
	}
	d := &Detector{det: lb.Build(), maxBytes: cfg.MaxBytes}
	if d.maxBytes == 0 {
		d.maxBytes = DefaultMaxBytes
	}
	return d, nil
}

// Prefix returns the part of text that Detect reads: the first maxBytes
// bytes, less a UTF-8 sequence cut at the end (at most 3 bytes), with every
// byte that is not part of valid UTF-8 replaced by a space.
func Prefix(text string, maxBytes int) string {
	if len(text) > maxBytes {
		cut := maxBytes
		// Back off to the start of a character: at most 3 continuation
		// bytes (10xxxxxx) precede the cut inside one sequence.
		for i := 0; i < 3 && cut > 0 && !utf8.RuneStart(text[cut]); i++ {
			cut--
		}
		text = text[:cut]
	}
	return strings.ToValidUTF8(text, " ")
}

// Detect returns the language of text. It is defined for every input:
// empty text, text without letters and invalid UTF-8 give Unknown with
// confidence 0.
func (d *Detector) Detect(text string) Result {
	r, _ := d.detect(text)
	return r
}

// detect is Detect and lingua's unrounded confidence (for the tests that
// measure its noise).
func (d *Detector) detect(text string) (Result, float64) {
	values := d.det.ComputeLanguageConfidenceValues(Prefix(text, d.maxBytes))
	if len(values) == 0 {
		return Result{}, 0
	}
	top := values[0].Value()
	if !(top > 0) {
		return Result{}, top
	}
	// An exact tie is Unknown, as lingua's DetectLanguageOf decides. Two
	// languages tie exactly only when their summed probabilities are equal
	// term by term (the sums run over the same n-grams in the same order),
	// so the tie itself is deterministic.
	if len(values) > 1 && values[1].Value() == top {
		return Result{}, top
	}
	return Result{
		Code:       strings.ToLower(values[0].Language().IsoCode639_1().String()),
		Confidence: quantize(top),
	}, top
}

// quantize maps a confidence in [0, 1] to parts per thousand, rounded to
// nearest, halves away from zero. v*1000 is one IEEE multiplication
// (correctly rounded, the same on every architecture); the conversion to
// float64 keeps the compiler from fusing it with anything (Go may fuse
// x*y+z into one FMA on arm64, never across an explicit conversion), and
// math.Round is exact. So the same v gives the same integer everywhere.
// What the rounding cannot remove is noise in v itself; DESIGN.md
// ("Confidence") measures it and explains why per mille keeps it away from
// the rounding boundaries.
func quantize(v float64) int64 {
	if math.IsNaN(v) || v <= 0 {
		return 0
	}
	if v >= 1 {
		return PerMille
	}
	return int64(math.Round(float64(v * PerMille)))
}
