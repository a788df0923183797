package realpages

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// How a page line fares in an extraction.
const (
	Dropped  = iota // not in the extracted text
	Verbatim        // an extracted line, word for word
	Spaced          // an extracted line once white space is ignored (words glued or split)
	Inside          // inside the extracted text, across or within its lines (white space ignored)
)

// MinInside is the shortest line, in runes without white space, that
// counts as kept when it is found inside the extracted text rather than as
// a whole line: a shorter one ("Next", "Note", "Contents") would be found
// by chance in any text.
const MinInside = 24

// Match says, for each page line, how the extraction kept it. Page lines
// and extracted lines are first aligned in order (a longest common
// subsequence of lines, equal when equal without white space), so a line
// that a page has twice, in its header and its footer, is kept only as
// many times as the extraction has it; a page line left over that is at
// least MinInside runes long counts as kept when the extracted text
// contains it once more than the lines already kept with the same text,
// white space ignored (the extractor may split a paragraph, or join it to
// the next).
//
// labels (one byte a page line, or nil) settle ties: when the same text is
// on the page twice, as a heading and as its entry in a table of contents,
// and the extraction has it once, it is counted for the main line.
func Match(pageLines []string, labels []byte, extracted string) []int {
	var ext []string
	for _, l := range strings.Split(extracted, "\n") {
		if l = Normalize(l); l != "" {
			ext = append(ext, l)
		}
	}
	n, m := len(pageLines), len(ext)
	ps := make([]string, n)
	for i, l := range pageLines {
		ps[i] = squash(Normalize(l))
	}
	es := make([]string, m)
	for j, l := range ext {
		es[j] = squash(l)
	}
	boiler := func(i int) bool { return labels != nil && labels[i] == Boiler }
	// lcs[i][j]: longest common subsequence of ps[i:] and es[j:].
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			switch {
			case ps[i] == es[j]:
				lcs[i][j] = lcs[i+1][j+1] + 1
			case lcs[i+1][j] >= lcs[i][j+1]:
				lcs[i][j] = lcs[i+1][j]
			default:
				lcs[i][j] = lcs[i][j+1]
			}
		}
	}
	out := make([]int, n)
	for i, j := 0, 0; i < n && j < m; {
		switch {
		// A boilerplate line whose match another alignment of the same
		// length leaves to a later page line gives it up.
		case ps[i] == es[j] && !(boiler(i) && lcs[i+1][j] == lcs[i][j]):
			out[i] = Spaced
			if Normalize(pageLines[i]) == ext[j] {
				out[i] = Verbatim
			}
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			i++
		default:
			j++
		}
	}
	all := strings.Join(es, "")
	used := map[string]int{} // occurrences in all already counted for kept lines
	for i, k := range out {
		if k != Dropped {
			used[ps[i]]++
		}
	}
	for _, mainFirst := range []bool{true, false} {
		for i, k := range out {
			if k != Dropped || boiler(i) == mainFirst || utf8.RuneCountInString(ps[i]) < MinInside {
				continue
			}
			if strings.Count(all, ps[i]) > used[ps[i]] {
				out[i] = Inside
				used[ps[i]]++
			}
		}
	}
	return out
}

// Score counts labelled lines and the ones an extraction kept.
type Score struct {
	Main, Boiler         int // labelled lines
	MainKept, BoilerKept int // of them, kept (Verbatim, Spaced or Inside)
	MainVerbatim         int // main lines kept word for word
}

// Add counts one page: its labels (one byte a line) and Match's result.
func (s *Score) Add(labels []byte, kept []int) {
	for i, l := range labels {
		k := kept[i] != Dropped
		if l == Main {
			s.Main++
			if k {
				s.MainKept++
			}
			if kept[i] == Verbatim {
				s.MainVerbatim++
			}
			continue
		}
		s.Boiler++
		if k {
			s.BoilerKept++
		}
	}
}

// Plus adds two scores.
func (s Score) Plus(o Score) Score {
	return Score{s.Main + o.Main, s.Boiler + o.Boiler, s.MainKept + o.MainKept, s.BoilerKept + o.BoilerKept, s.MainVerbatim + o.MainVerbatim}
}

// Precision is the share of kept lines that are main text; 1 when nothing
// was kept (nothing kept was wrong).
func (s Score) Precision() float64 {
	if s.MainKept+s.BoilerKept == 0 {
		return 1
	}
	return float64(s.MainKept) / float64(s.MainKept+s.BoilerKept)
}

// Recall is the share of main-text lines kept; 1 when there are none.
func (s Score) Recall() float64 {
	if s.Main == 0 {
		return 1
	}
	return float64(s.MainKept) / float64(s.Main)
}

// String is the figures in one line.
func (s Score) String() string {
	return fmt.Sprintf("P %.3f R %.3f (main %d/%d kept, %d verbatim; boilerplate %d/%d kept)",
		s.Precision(), s.Recall(), s.MainKept, s.Main, s.MainVerbatim, s.BoilerKept, s.Boiler)
}
