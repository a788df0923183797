package text

import (
	"strings"
	"unicode/utf8"
)

// Words (DESIGN.md, "Words"): a chunk is a maximal run of characters that
// are not white space; its leading and trailing punctuation characters are
// tokens of one character each, and what lies between them (which starts
// and ends with a non-punctuation character) is one word token. A chunk of
// punctuation only is all one-character tokens.

// tokenStats is what the Gopher rules need from the tokens of a text.
type tokenStats struct {
	ids   []uint32 // word id of each token (equal ids: equal bytes)
	chars []uint32 // characters of each token

	tokens         int64 // all tokens
	words          int64 // tokens with a non-punctuation character
	wordChars      int64 // characters of those
	alphaTokens    int64 // tokens with a letter
	stopWordTokens int64 // tokens equal to a stop word
}

// stopWord reports whether w is one of Gopher's eight stop words (compared
// as bytes, case-sensitively, as datatrove does).
func stopWord(w string) bool {
	switch w {
	case "the", "be", "to", "of", "and", "that", "have", "with":
		return true
	}
	return false
}

// scanTokens calls emit for each token of s in order: its byte span, its
// character count and whether it has a letter. A punctuation token is
// always one character without a letter.
func scanTokens(s string, emit func(start, end int, chars uint32, letter bool)) {
	i := 0
	for i < len(s) {
		if b := s[i]; b < utf8.RuneSelf && asciiClass[b] == clsSpace {
			i++
			continue
		}
		c, w := decodeClass(s, i)
		if c == clsSpace {
			i += w
			continue
		}
		// Leading punctuation: one token per character.
		for c == clsPunct {
			emit(i, i+w, 1, false)
			i += w
			if i == len(s) {
				return
			}
			c, w = decodeClass(s, i)
		}
		if c == clsSpace {
			continue
		}
		// The middle runs from ms to the end of its last non-punctuation
		// character; punctuation after that is split off below.
		ms := i
		lastEnd, lastChars := 0, uint32(0)
		chars := uint32(0)
		letter := false
		for {
			chars++
			i += w
			if c != clsPunct {
				lastEnd, lastChars = i, chars
				letter = letter || c == clsLetter
			}
			if i == len(s) {
				break
			}
			if b := s[i]; b < utf8.RuneSelf {
				c, w = asciiClass[b], 1
			} else {
				c, w = decodeClass(s, i)
			}
			if c == clsSpace {
				break
			}
		}
		emit(ms, lastEnd, lastChars, letter)
		for j := lastEnd; j < i; {
			_, w := decodeClass(s, j)
			emit(j, j+w, 1, false)
			j += w
		}
	}
}

// countTokens is the number of tokens of s (scanTokens' count, without
// calling out per token): in each chunk, one per punctuation character
// before the first and after the last other character, plus one for the
// middle when there is one.
func countTokens(s string) int64 {
	var n int64
	inChunk, middle := false, false
	var trailing int64 // punctuation since the chunk's last other character
	end := func() {
		if middle {
			n++
		}
		n += trailing
		inChunk, middle, trailing = false, false, 0
	}
	for i := 0; i < len(s); {
		c, w := uint8(0), 1
		if b := s[i]; b < utf8.RuneSelf {
			c = asciiClass[b]
		} else {
			c, w = decodeClass(s, i)
		}
		i += w
		switch {
		case c == clsSpace:
			if inChunk {
				end()
			}
		case c == clsPunct:
			inChunk = true
			trailing++
		default:
			if !middle {
				n += trailing // leading punctuation
			}
			inChunk, middle, trailing = true, true, 0
		}
	}
	if inChunk {
		end()
	}
	return n
}

// tokenize splits s into tokens and interns them into sc.tokens. It keeps
// a token's word id and length, not its bytes: the n-gram rules need only
// those.
func tokenize(s string, sc *scratch) *tokenStats {
	st := &sc.tokens
	*st = tokenStats{ids: st.ids[:0], chars: st.chars[:0]}
	sc.dict.reset(min(len(s)/6, 1<<16))
	scanTokens(s, func(start, end int, chars uint32, letter bool) {
		tok := s[start:end]
		id, _ := sc.dict.add(tok)
		st.ids = append(st.ids, id)
		st.chars = append(st.chars, chars)
		st.tokens++
		if letter {
			st.alphaTokens++
		}
		// A token of one punctuation character has no letter and is not
		// a word; every other token is a word.
		if letter || chars > 1 || classOf(firstRune(tok)) != clsPunct {
			st.words++
			st.wordChars += int64(chars)
		}
		if end-start <= 4 && stopWord(tok) {
			st.stopWordTokens++
		}
	})
	return st
}

func firstRune(s string) rune {
	r, _ := decode(s, 0)
	return r
}

// countEllipses is the number of non-overlapping "..." plus the number of
// "…" (U+2026), as Python's str.count counts them.
func countEllipses(s string) int64 {
	return int64(strings.Count(s, "...") + strings.Count(s, "\u2026"))
}
