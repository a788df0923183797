package dataset

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"
)

// NormalizeText returns s in the form that enters a row's canonical
// encoding: Unicode NFC, every run of white space (the Unicode White_Space
// property, see isWhiteSpace) replaced by one ASCII space, no space at
// either end. NFC does not fold compatibility characters ("ﬁ" stays "ﬁ",
// U+00A0 stays a no-break space until the white space step turns it into a
// space). NormalizeText is idempotent; s must be valid UTF-8 (invalid
// sequences are passed through unchanged, and the encoder rejects them).
func NormalizeText(s string) string {
	if asciiCanonical(s) {
		return s
	}
	if norm.NFC.IsNormalString(s) && !needsSpaceFix(s) {
		return s
	}
	return string(appendNormalized(nil, s))
}

// IsNormalized reports whether NormalizeText(s) == s.
func IsNormalized(s string) bool {
	if asciiCanonical(s) {
		return true
	}
	return utf8.ValidString(s) && norm.NFC.IsNormalString(s) && !needsSpaceFix(s)
}

// appendNormalized appends NormalizeText(s) to dst. ASCII text is NFC
// already: its white space is collapsed while it is copied, in the pass
// that finds it is ASCII. Other text goes through appendNormalizedUTF8.
func appendNormalized(dst []byte, s string) []byte {
	b, ok := appendCollapsedASCII(dst, s)
	if ok {
		return b
	}
	return appendNormalizedUTF8(b, s)
}

// appendNormalizedUTF8 is appendNormalized for any valid UTF-8 text. NFC
// runs first, into dst; white space is then collapsed in place, which only
// ever shortens the text. The order does not matter for the result: no
// White_Space character composes with a neighbour, and the two with
// canonical decompositions (U+2000, U+2001) map to other White_Space
// characters.
func appendNormalizedUTF8(dst []byte, s string) []byte {
	start := len(dst)
	if norm.NFC.IsNormalString(s) {
		dst = append(dst, s...)
	} else {
		dst = norm.NFC.AppendString(dst, s)
	}
	return dst[:start+collapseSpace(dst[start:])]
}

// collapseSpace rewrites b in place, replacing each run of white space by
// one ASCII space and dropping white space at both ends, and returns the new
// length. The write position never passes the read position.
func collapseSpace(b []byte) int {
	w := 0
	pending := false
	for r := 0; r < len(b); {
		c := b[r]
		if c < utf8.RuneSelf { // most bytes: no decoding, no copy call
			r++
			if asciiSpace[c] {
				pending = true
				continue
			}
			if pending && w > 0 {
				b[w] = ' '
				w++
			}
			pending = false
			b[w] = c
			w++
			continue
		}
		ru, size := utf8.DecodeRune(b[r:])
		if isWhiteSpace(ru) {
			pending = true
			r += size
			continue
		}
		if pending && w > 0 {
			b[w] = ' '
			w++
		}
		pending = false
		w += copy(b[w:], b[r:r+size])
		r += size
	}
	return w
}

// appendCollapsedASCII appends s to dst with its white space collapsed as
// collapseSpace does and reports true when s is ASCII, which is NFC
// already; otherwise it reports false and returns dst with its length
// unchanged (its capacity may have grown). The check that s is ASCII is
// made in the same pass as the copy: text with line breaks (most of what
// extraction and the text kernels write) is read once. With AVX2, text of
// 32 bytes and more takes collapseVector, 32 bytes a step; the rest takes
// appendCollapsedGo.
func appendCollapsedASCII(dst []byte, s string) ([]byte, bool) {
	if haveCollapseVector && len(s) >= 32 {
		start := len(dst)
		dst = slices.Grow(dst, len(s)+32)
		n := collapseVector(dst[start:start+len(s)+32], s)
		if n < 0 {
			return dst, false
		}
		return dst[:start+n], true
	}
	return appendCollapsedGo(dst, s)
}

// appendCollapsedGo is appendCollapsedASCII in Go. Eight bytes at a time
// are copied while they hold no control byte, no byte ≥ 0x80, no two
// spaces in a row and no space after a space (or after the start); the
// first byte that breaks that takes the one-byte step, which stops at a
// byte ≥ 0x80 and otherwise has no branch on the data: the byte is written
// (a space as ' ') and the write position moves on unless it is a space
// after a space.
func appendCollapsedGo(dst []byte, s string) ([]byte, bool) {
	start := len(dst)
	dst = slices.Grow(dst, len(s))[:start+len(s)]
	b := dst[start:]
	src := unsafe.Slice(unsafe.StringData(s), len(s))
	const (
		lsb   = 0x0101010101010101
		low7  = 0x7f7f7f7f7f7f7f7f
		space = 0x20 * lsb
	)
	w, i := 0, 0
	prev := uint8(1) // the start counts as a space: leading space is dropped
	for i < len(s) {
		if i+8 <= len(s) {
			x := binary.LittleEndian.Uint64(src[i:])
			ctl := (x - space) &^ x & msb64 // a byte below 0x20 (exact for the lowest)
			y := x ^ space
			z := ^((y&low7 + low7) | y) & msb64 // exactly the spaces
			bad := ctl | x&msb64 | z&(z<<8) | z&(uint64(prev)<<7)
			binary.LittleEndian.PutUint64(b[w:], x) // w <= i, so it fits; bytes from p on are rewritten
			if bad == 0 {
				// A predicted branch, not a select: the next load's address
				// then does not wait for this word's tests.
				prev = uint8(z >> 63)
				w += 8
				i += 8
				continue
			}
			if p := bits.TrailingZeros64(bad) / 8; p > 0 {
				prev = uint8(z >> (8*p - 1) & 1)
				w += p
				i += p
			}
		}
		c := s[i]
		if c >= utf8.RuneSelf {
			return dst[:start], false
		}
		sp := spaceBit[c]
		b[w] = c ^ ((c ^ ' ') & -sp) // ' ' where sp is 1
		w += int(1 - sp&prev)
		prev = sp
		i++
	}
	if w > 0 && prev == 1 {
		w-- // the one trailing space
	}
	return dst[:start+w], true
}

// spaceBit is asciiSpace as 0 or 1 for every byte value.
var spaceBit = func() (t [256]uint8) {
	for c, sp := range asciiSpace {
		if sp {
			t[c] = 1
		}
	}
	return t
}()

// needsSpaceFix reports whether s has white space other than single ASCII
// spaces between non-space characters.
func needsSpaceFix(s string) bool {
	prevSpace := true // a space at the start needs fixing
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == ' ' {
				if prevSpace {
					return true
				}
				prevSpace = true
			} else if asciiSpace[c] {
				return true
			} else {
				prevSpace = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if isWhiteSpace(r) {
			return true
		}
		prevSpace = false
		i += size
	}
	return prevSpace && len(s) > 0
}

// asciiSpace marks the ASCII White_Space characters: TAB, LF, VT, FF, CR and
// SPACE.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// isWhiteSpace reports whether r has the Unicode White_Space property. The
// list is written out, not taken from the unicode package, because it is
// part of the format: every implementation collapses exactly these. It is
// the White_Space list of Unicode 15 and 17 alike; the property is stable.
// Note that it is not JavaScript's \s, which also matches U+FEFF.
func isWhiteSpace(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return asciiSpace[r]
	case r == 0x85, r == 0xA0, r == 0x1680:
		return true
	case r >= 0x2000 && r <= 0x200A:
		return true
	case r == 0x2028, r == 0x2029, r == 0x202F, r == 0x205F, r == 0x3000:
		return true
	}
	return false
}

const msb64 = 0x8080808080808080

// asciiCanonical reports whether s is ASCII that normalization leaves
// alone: no byte ≥ 0x80, no control character below 0x20 (TAB, LF and the
// other ASCII white space are among them; the rest are rare enough to take
// the slow path), no space at either end and no two spaces in a row. It is
// the hot path of row hashing: on amd64 with AVX2 it tests 32 bytes a step
// (ascii_amd64.s), which keeps it under a tenth of the cost of hashing the
// same bytes.
func asciiCanonical(s string) bool {
	n := len(s)
	if n == 0 {
		return true
	}
	if s[0] == ' ' || s[n-1] == ' ' {
		return false
	}
	switch {
	case n < 8:
		return asciiScanGeneric(s)
	case n < 16:
		return asciiScanWords(s)
	}
	return asciiScan(s)
}

// asciiScanWords is asciiScan for 8 <= len(s) < 16: two overlapping 8-byte
// words cover every pair of neighbouring bytes. A byte b is < 0x20 or
// >= 0x80 exactly when (b - 0x20) &^ b, or b itself, has its top bit set
// (borrows between bytes only flag bytes above one already flagged); spaces
// are found exactly by the zero-byte test on w ^ 0x2020...
func asciiScanWords(s string) bool {
	p := unsafe.Slice(unsafe.StringData(s), len(s))
	for _, w := range [2]uint64{binary.LittleEndian.Uint64(p), binary.LittleEndian.Uint64(p[len(p)-8:])} {
		if (w|(w-0x2020202020202020)&^w)&msb64 != 0 {
			return false
		}
		x := w ^ 0x2020202020202020
		sp := ^((x&0x7f7f7f7f7f7f7f7f + 0x7f7f7f7f7f7f7f7f) | x | 0x7f7f7f7f7f7f7f7f)
		if sp&(sp<<8) != 0 {
			return false
		}
	}
	return true
}

// asciiScanGeneric is asciiScan one byte at a time.
func asciiScanGeneric(s string) bool {
	prev := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x80 || (c == ' ' && prev == ' ') {
			return false
		}
		prev = c
	}
	return true
}

// unsafeStringData returns a pointer to s's bytes, for the assembly.
func unsafeStringData(s string) *byte { return unsafe.StringData(s) }
