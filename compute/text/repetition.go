package text

import "strings"

// Gopher repetition (Rae et al. 2021, table A1), computed as datatrove's
// GopherRepetitionFilter computes it; DESIGN.md, "Gopher repetition".

// gopherRepetition fills the repetition columns. chars is the character
// count of text, the denominator of every character fraction.
func gopherRepetition(text string, st *tokenStats, chars int64, sc *scratch, s *Signals) {
	// Paragraphs: the stripped text cut at runs of two or more LF.
	sc.set.reset(16)
	paras := dupCounter{set: &sc.set}
	var nParas int64
	splitParagraphs(trimSpace(text), func(p string) {
		nParas++
		paras.add(p)
	})
	s.RepDupParaPPM = ppm(paras.n, nParas)
	s.RepDupParaCharsPPM = ppm(paras.chars, chars)

	// Lines: the text cut at runs of one or more LF.
	sc.set.reset(64)
	lines := dupCounter{set: &sc.set}
	var nLines int64
	splitLFRuns(text, func(l string) {
		nLines++
		lines.add(l)
	})
	s.RepDupLinePPM = ppm(lines.n, nLines)
	s.RepDupLineCharsPPM = ppm(lines.chars, chars)

	ngramColumns(st, chars, sc, s)
}

// splitParagraphs calls fn for each piece of s between runs of at least two
// LF (Python's re.split(r"\n{2,}", s)): one empty piece for empty s.
func splitParagraphs(s string, fn func(string)) {
	start := 0
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			break
		}
		j += i
		k := j
		for k < len(s) && s[k] == '\n' {
			k++
		}
		if k-j >= 2 {
			fn(s[start:j])
			start = k
		}
		i = k
	}
	fn(s[start:])
}

// splitLFRuns calls fn for each piece of s between runs of LF (Python's
// re.split("\n+", s)): an empty first or last piece when s starts or ends
// with LF, one empty piece for empty s.
func splitLFRuns(s string, fn func(string)) {
	start := 0
	for {
		j := strings.IndexByte(s[start:], '\n')
		if j < 0 {
			break
		}
		j += start
		fn(s[start:j])
		k := j
		for k < len(s) && s[k] == '\n' {
			k++
		}
		start = k
	}
	fn(s[start:])
}

// ngramColumns fills the top n-gram (n = 2, 3, 4) and duplicated n-gram
// (n = 5 … 10) columns from the token ids. The hash of the n-gram at each
// position is built up one token at a time from n = 1 to 10.
//
// Only n-grams that occur twice or more change a result, and an n-gram
// can occur twice only where the (n−1)-grams at p and p+1 both do: so each
// pass counts only those positions (all of them for n = 2) and marks, for
// the next pass, the positions whose n-gram occurs twice or more. On most
// text the passes after the first touch few positions; the results are
// those of counting every position.
func ngramColumns(st *tokenStats, chars int64, sc *scratch, s *Signals) {
	t := len(st.ids)
	if t < 2 {
		return
	}
	hashes := grow(sc.hashes, t)
	for p, id := range st.ids {
		hashes[p] = mix(hashSeed, uint64(id))
	}
	const none = ^uint32(0)
	entryOf := grow(sc.entryOf, t) // entry of the n-gram at p, or none
	repeated := grow(sc.repeat, t) // the (n−1)-gram at p occurs twice or more
	sc.hashes, sc.entryOf, sc.repeat = hashes, entryOf, repeated
	tab := &sc.grams
	hint := t / 4 // distinct 2-grams; the table grows if there are more
	top := []*int64{&s.RepTop2GramPPM, &s.RepTop3GramPPM, &s.RepTop4GramPPM}
	dup := []*int64{&s.RepDup5GramPPM, &s.RepDup6GramPPM, &s.RepDup7GramPPM,
		&s.RepDup8GramPPM, &s.RepDup9GramPPM, &s.RepDup10GramPPM}
	any := true // some (n−1)-gram occurs twice or more
	for n := 2; n <= 10 && n <= t; n++ {
		grams := t - n + 1
		for p := 0; p < grams; p++ {
			hashes[p] = mix(hashes[p], uint64(st.ids[p+n-1]))
		}
		tab.reset(n, st.ids, hint)
		if any {
			for p := 0; p < grams; p++ {
				entryOf[p] = none
				if n == 2 || (repeated[p] && repeated[p+1]) {
					entryOf[p] = tab.add(p, hashes[p])
				}
			}
		}
		any = false
		hint = 0
		for p := 0; p < grams; p++ {
			repeated[p] = len(tab.entries) > 0 && entryOf[p] != none && tab.entries[entryOf[p]].count > 1
			if repeated[p] {
				any = true
				hint++
			}
		}
		if n <= 4 {
			*top[n-2] = ppm(topGramChars(tab, st), chars)
		} else if any {
			*dup[n-5] = ppm(dupGramChars(tab, st, entryOf[:grams]), chars)
		}
	}
}

// gramChars is the characters of the n tokens at p (without separators).
func gramChars(st *tokenStats, p, n int) int64 {
	var c int64
	for _, l := range st.chars[p : p+n] {
		c += int64(l)
	}
	return c
}

// topGramChars is datatrove's find_top_duplicate: the most frequent n-gram
// (the one seen first among equally frequent ones, as Counter.most_common
// picks it) counted as len(" ".join(gram)) × its count. When no n-gram
// occurs twice, that is the first one, once.
func topGramChars(tab *gramTable, st *tokenStats) int64 {
	best := gramEntry{count: 1}
	for _, e := range tab.entries {
		if e.count > best.count || (e.count == best.count && e.count > 1 && e.pos < best.pos) {
			best = e
		}
	}
	n := tab.n
	return (gramChars(st, int(best.pos), n) + int64(n-1)) * int64(best.count)
}

// dupGramChars is datatrove's find_all_duplicate: walking the positions, an
// n-gram seen before adds its characters (without separators) and the walk
// jumps past it; a new one is remembered and the walk moves one token.
// N-grams jumped over are not remembered. A position without an entry has
// an n-gram that occurs once: remembering it would change nothing.
func dupGramChars(tab *gramTable, st *tokenStats, entryOf []uint32) int64 {
	var rep int64
	n := tab.n
	for p := 0; p < len(entryOf); {
		e := entryOf[p]
		if e == ^uint32(0) {
			p++
			continue
		}
		if en := &tab.entries[e]; en.seen {
			rep += gramChars(st, p, n)
			p += n
			continue
		} else {
			en.seen = true
		}
		p++
	}
	return rep
}

// grow returns buf resized to n elements (contents undefined), reusing its
// memory when it is large enough.
func grow[T any](buf []T, n int) []T {
	if cap(buf) >= n {
		return buf[:n]
	}
	return make([]T, n)
}
