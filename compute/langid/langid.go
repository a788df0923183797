package langid

import (
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
)

// DefaultMaxBytes is how much of a text Detect reads unless told otherwise:
// 16 KiB, several times what a trigram profile needs (whatlanggo's own
// tests decide on a sentence), and it bounds a row's cost whatever its size.
const DefaultMaxBytes = 16384

// MaxBytesLimit is the largest prefix a Detector may be set to read, 1 MiB.
const MaxBytesLimit = 1 << 20

// Errors of New. Both name the offending value; callers match with errors.Is.
var (
	// ErrUnknownCode: an allow-list entry is not a code Codes lists.
	ErrUnknownCode = errors.New("langid: unknown language code")
	// ErrDuplicateCode: an allow-list entry repeats an earlier one.
	ErrDuplicateCode = errors.New("langid: language code listed twice")
	// ErrMaxBytes: maxBytes is outside 1..MaxBytesLimit.
	ErrMaxBytes = errors.New("langid: max bytes out of range")
)

// Result is one detection: Code the language, Score whatlanggo's confidence.
// The zero value is "unknown".
type Result struct {
	// Code is the ISO 639-1 code in lowercase, or whatlanggo's ISO 639-3 code
	// for the six languages it gives no 639-1 code (ceb, ilo, mai, pes, skr,
	// ydd); "" when unknown.
	Code string
	// Score is whatlanggo's confidence, bit for bit: in (0, 1], or 0 when
	// Code is "".
	Score float64
}

// codes maps every whatlanggo language to the code Result carries. Built
// once from whatlanggo's own tables; read-only afterwards, so safe for
// concurrent use.
var (
	codeOf = map[whatlanggo.Lang]string{}
	langOf = map[string]whatlanggo.Lang{}
	codes  []string
)

func init() {
	for l := range whatlanggo.Langs {
		c := l.Iso6391()
		if c == "" {
			c = l.Iso6393()
		}
		codeOf[l] = c
		langOf[c] = l
	}
	for c := range langOf {
		codes = append(codes, c)
	}
	slices.Sort(codes)
}

// Codes returns every code Detect can report, sorted: the values an
// allow-list may hold.
func Codes() []string { return slices.Clone(codes) }

// Known reports whether code is one of Codes.
func Known(code string) bool {
	_, ok := langOf[code]
	return ok
}

// Detector detects languages with fixed settings. It is safe for concurrent
// use.
type Detector struct {
	opts     whatlanggo.Options // Whitelist nil: every language
	allow    map[string]bool    // nil: every language
	maxBytes int
}

// New returns a Detector that reads at most maxBytes of each text and, when
// allow is not empty, considers only the languages it lists (codes from
// Codes, each once). Errors wrap ErrUnknownCode, ErrDuplicateCode or
// ErrMaxBytes and give the index and value at fault.
func New(allow []string, maxBytes int) (*Detector, error) {
	if maxBytes < 1 || maxBytes > MaxBytesLimit {
		return nil, fmt.Errorf("%w: %d, expected 1 to %d", ErrMaxBytes, maxBytes, MaxBytesLimit)
	}
	d := &Detector{maxBytes: maxBytes}
	if len(allow) == 0 {
		return d, nil
	}
	d.allow = make(map[string]bool, len(allow))
	d.opts.Whitelist = make(map[whatlanggo.Lang]bool, len(allow))
	for i, c := range allow {
		l, ok := langOf[c]
		if !ok {
			return nil, fmt.Errorf("%w: [%d] %q", ErrUnknownCode, i, c)
		}
		if d.allow[c] {
			return nil, fmt.Errorf("%w: [%d] %q", ErrDuplicateCode, i, c)
		}
		d.allow[c] = true
		d.opts.Whitelist[l] = true
	}
	return d, nil
}

// MaxBytes is the longest prefix d reads.
func (d *Detector) MaxBytes() int { return d.maxBytes }

// Detect returns the language of text's prefix (Prefix), or Result{} when
// whatlanggo names none, names one outside the allow-list, or names one
// with confidence 0 (a tie between the two best languages, among others).
func (d *Detector) Detect(text string) Result {
	info := whatlanggo.DetectWithOptions(Prefix(text, d.maxBytes), d.opts)
	// A confidence of 0 comes with a language that may depend on map order
	// (a tie); 0 is also what every other "not sure" path returns.
	if info.Confidence == 0 || info.Lang < 0 {
		return Result{}
	}
	c, ok := codeOf[info.Lang]
	if !ok {
		return Result{}
	}
	// whatlanggo applies its whitelist only to scripts with several
	// languages (Latin, Cyrillic, Arabic, Devanagari, Hebrew, Ethiopic);
	// a Han, Kana, Hangul, Greek... text gets its script's one language
	// whatever the list says.
	if d.allow != nil && !d.allow[c] {
		return Result{}
	}
	return Result{Code: c, Score: info.Confidence}
}

// Prefix is what Detect hands whatlanggo: the first maxBytes bytes of text
// (moved back by up to 3 bytes while the cut would fall on a UTF-8
// continuation byte, 10xxxxxx, so a valid text is cut between characters),
// with every byte that does not begin a well-formed UTF-8 sequence replaced
// by a space (0x20). Go's decoder decides "well-formed" (RFC 3629: no
// overlong forms, no surrogates, nothing past U+10FFFF), and after an
// invalid byte it resumes at the next byte. whatlanggo would read such a
// byte as U+FFFD, a symbol it treats as a space anyway; the replacement
// makes that part of the definition rather than of the library.
func Prefix(text string, maxBytes int) string {
	if maxBytes < 0 {
		maxBytes = 0
	}
	if len(text) > maxBytes {
		n := maxBytes
		for i := 0; i < 3 && n > 0 && text[n]&0xC0 == 0x80; i++ {
			n--
		}
		text = text[:n]
	}
	if utf8.ValidString(text) {
		return text
	}
	b := make([]byte, 0, len(text))
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, ' ')
		} else {
			b = append(b, text[i:i+size]...)
		}
		i += size
	}
	return string(b)
}
