// Package textfn holds the pure functions of the example WebAssembly
// kernels, so that the kernels (built with GOOS=wasip1) and the sandbox's
// tests (native) compute them with the same code.
package textfn

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// asciiKeep maps each ASCII byte Clean keeps to what it becomes (letters
// lowercased, digits as they are); 0 for the bytes that separate words.
var asciiKeep = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		switch {
		case c >= 'A' && c <= 'Z':
			t[c] = byte(c) + ('a' - 'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			t[c] = byte(c)
		}
	}
	return t
}()

// Clean lowercases s, turns punctuation and symbols into spaces, collapses
// runs of white space into one space and trims the ends.
func Clean(s string) string {
	b := make([]byte, 0, len(s))
	space := true // at the start, drop leading spaces
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if k := asciiKeep[c]; k != 0 {
				b = append(b, k)
				space = false
			} else if !space { // ASCII space, control, punctuation, symbol
				b = append(b, ' ')
				space = true
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsControl(r) || r == utf8.RuneError {
			if !space {
				b = append(b, ' ')
				space = true
			}
			continue
		}
		b = utf8.AppendRune(b, unicode.ToLower(r))
		space = false
	}
	if len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return string(b)
}

var (
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	urlRE   = regexp.MustCompile(`https?://[^\s<>"'()\[\]]+`)
)

// Extract returns the e-mail addresses and the http(s) URLs in s, in order
// of appearance, each list without repeats.
func Extract(s string) (emails, urls []string) {
	return uniq(emailRE.FindAllString(s, -1)), uniq(urlRE.FindAllString(s, -1))
}

func uniq(v []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, s := range v {
		s = strings.TrimRight(s, ".,;:!?")
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Topics are the labels Classify chooses from, in the order that breaks ties.
var Topics = []string{"sports", "technology", "finance", "health", "politics"}

var keywords = map[string][]string{
	"sports":     {"match", "goal", "team", "league", "season", "coach", "player", "score", "tournament", "championship"},
	"technology": {"software", "computer", "data", "network", "chip", "code", "internet", "ai", "model", "cloud"},
	"finance":    {"market", "stock", "bank", "price", "inflation", "investor", "revenue", "profit", "bond", "economy"},
	"health":     {"health", "doctor", "patient", "disease", "vaccine", "hospital", "medical", "drug", "study", "treatment"},
	"politics":   {"election", "government", "minister", "vote", "party", "law", "president", "parliament", "policy", "senate"},
}

// Classify labels s with the topic whose keywords occur most often among
// its words (after Clean), "other" when none occurs. Score is that count;
// share is score divided by the number of words (0 for no words).
func Classify(s string) (topic string, score int64, share float64) {
	words := strings.Fields(Clean(s))
	counts := map[string]int64{}
	for _, w := range words {
		for _, t := range Topics {
			for _, k := range keywords[t] {
				if w == k {
					counts[t]++
				}
			}
		}
	}
	topic = "other"
	for _, t := range Topics {
		if counts[t] > score {
			topic, score = t, counts[t]
		}
	}
	if len(words) > 0 {
		share = float64(score) / float64(len(words))
	}
	return topic, score, share
}
