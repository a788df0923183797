package text

import (
	"unicode"
	"unicode/utf8"
)

// Character classes (DESIGN.md, "Characters"). A character is what
// utf8.DecodeRuneInString reads: a code point of a well-formed UTF-8
// sequence, or one byte that does not start one, read as U+FFFD. Classes
// are decided in this order: white space, letter, punctuation, other.

const (
	clsOther  = 0
	clsSpace  = 1
	clsLetter = 2
	clsPunct  = 3
)

// asciiClass is the class of each ASCII byte, built once from the same
// rules as classOf so that the fast path cannot drift from it.
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for b := range t {
		t[b] = classOfSlow(rune(b))
	}
	return t
}()

// isWhiteSpace reports whether r has the Unicode White_Space property. The
// list is written out (25 code points, unchanged since Unicode 6.3) so that
// no table update can move it; it is the list dataset normalizes with.
func isWhiteSpace(r rune) bool {
	switch {
	case r <= 0x20:
		return r == 0x20 || (r >= 0x09 && r <= 0x0D)
	case r < 0x85:
		return false
	}
	switch r {
	case 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// classOfSlow classifies any rune from the Unicode tables of the Go release
// named in go.mod (Unicode 15.0.0 for Go 1.26; TestUnicodeVersion fails
// when a Go upgrade changes it, so the change cannot pass unnoticed).
func classOfSlow(r rune) uint8 {
	switch {
	case isWhiteSpace(r):
		return clsSpace
	case unicode.IsLetter(r):
		return clsLetter
	case unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.Is(unicode.Cc, r):
		return clsPunct
	}
	return clsOther
}

// classOf classifies a rune, ASCII through the table.
func classOf(r rune) uint8 {
	if r < utf8.RuneSelf {
		return asciiClass[r]
	}
	return classOfSlow(r)
}

// decode reads the character at s[i:]: its rune (U+FFFD for a byte that
// does not start a well-formed sequence) and its width in bytes.
func decode(s string, i int) (rune, int) {
	if b := s[i]; b < utf8.RuneSelf {
		return rune(b), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// decodeClass reads the character at s[i:] and returns its class and
// width. Loops inline the ASCII case and call it for the rest.
func decodeClass(s string, i int) (uint8, int) {
	if b := s[i]; b < utf8.RuneSelf {
		return asciiClass[b], 1
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	return classOfSlow(r), w
}

// runeCount is the number of characters of s (an invalid byte counts one).
func runeCount(s string) int64 {
	return int64(utf8.RuneCountInString(s))
}

// trimSpace removes leading and trailing White_Space characters, as
// Python's str.strip() does with its own (slightly larger) set.
func trimSpace(s string) string {
	return trimRightSpace(trimLeftSpace(s))
}

// trimLeftSpace removes leading White_Space characters.
func trimLeftSpace(s string) string {
	i := 0
	for i < len(s) {
		r, w := decode(s, i)
		if !isWhiteSpace(r) {
			break
		}
		i += w
	}
	return s[i:]
}

// trimRightSpace removes trailing White_Space characters. Reading
// backwards cuts at the same character boundaries as every forward scan
// in this package: an ASCII byte is always a character of its own, a
// well-formed sequence that ends the string is also one the forward
// reading meets (its first byte cannot continue an earlier sequence), and
// when none ends there the last byte is a character of its own (U+FFFD).
func trimRightSpace(s string) string {
	for len(s) > 0 {
		if b := s[len(s)-1]; b < utf8.RuneSelf {
			if asciiClass[b] != clsSpace {
				return s
			}
			s = s[:len(s)-1]
			continue
		}
		r, w := utf8.DecodeLastRuneInString(s)
		if !isWhiteSpace(r) {
			return s
		}
		s = s[:len(s)-w]
	}
	return s
}

// isBlank reports whether s is empty or all White_Space.
func isBlank(s string) bool {
	return trimLeftSpace(s) == ""
}

// isSplitlinesBreak reports whether r ends a line for Python's
// str.splitlines(): LF, VT, FF, CR, FS, GS, RS, NEL, LS, PS (CR LF is one
// break; the caller handles the pair).
func isSplitlinesBreak(r rune) bool {
	switch r {
	case '\n', '\v', '\f', '\r', 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// splitlines calls fn for each line of s as Python's str.splitlines() cuts
// it: no line for an empty text, no empty last line after a final break.
func splitlines(s string, fn func(line string)) {
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b >= 0x20 && b < utf8.RuneSelf {
			i++
			continue
		}
		r, w := decode(s, i)
		if !isSplitlinesBreak(r) {
			i += w
			continue
		}
		fn(s[start:i])
		i += w
		if r == '\r' && i < len(s) && s[i] == '\n' {
			i++
		}
		start = i
	}
	if start < len(s) {
		fn(s[start:])
	}
}

// foldASCII appends s to dst with ASCII A–Z folded to a–z; other bytes are
// copied as they are.
func foldASCII(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		dst = append(dst, b)
	}
	return dst
}
