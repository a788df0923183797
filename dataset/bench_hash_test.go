package dataset

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"
)

// benchRowBytes is the size of a benchmark row's canonical encoding.
const benchRowBytes = 1024

// benchRows is how many rows one benchmark iteration hashes and roots: a
// large task blob, or a small dataset (16 MiB).
const benchRows = 16384

var benchWords = strings.Fields(`the of and to in is was for on that with as by at from his her
their crawl dataset node verified replica coordinator market river garden window
morning history science network public private open source language model data
home user bandwidth machine learning training corpus quality signal rows merkle`)

// benchSchema is the crawl schema with one extracted field.
func benchSchema(tb testing.TB) Schema {
	s, err := CrawlSchema([]string{"title"})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// benchData returns n crawl rows whose canonical encodings are exactly
// size bytes of ASCII text in normalized form, and those encodings.
func benchData(tb testing.TB, n, size int) (Schema, []Row, [][]byte) {
	s := benchSchema(tb)
	rng := rand.New(rand.NewPCG(7, 11))
	h, _ := NewHasher(s)
	rows := make([]Row, n)
	encs := make([][]byte, n)
	for i := range rows {
		title := fmt.Sprintf("Page %d about %s", i, benchWords[rng.IntN(len(benchWords))])
		url := fmt.Sprintf("https://example.org/articles/%d/%s", i, benchWords[rng.IntN(len(benchWords))])
		row := CrawlRow(s, Page{URL: url, FinalURL: url, Status: 200, ContentType: "text/html; charset=utf-8",
			Fields: map[string]*string{"title": &title}},
			Provenance{Node: "0x00000000000000000000000000000000000000aa", FetchedAt: 1700000000000 + int64(i)})
		// Fill the text so that the whole encoding is size bytes.
		row[s.Index(ColText)] = ""
		b, err := h.Canonical(row)
		if err != nil {
			tb.Fatal(err)
		}
		room := size - len(b) - 2 // the text head grows from 1 to 3 bytes
		var sb strings.Builder
		for sb.Len() < room {
			if sb.Len() > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(benchWords[rng.IntN(len(benchWords))])
		}
		text := strings.TrimSpace(sb.String()[:room])
		for len(text) < room {
			text += "x"
		}
		row[s.Index(ColText)] = text
		b, err = h.Canonical(row)
		if err != nil {
			tb.Fatal(err)
		}
		if len(b) != size {
			tb.Fatalf("row %d encodes to %d bytes, want %d", i, len(b), size)
		}
		rows[i] = row
		encs[i] = append([]byte(nil), b...)
	}
	return s, rows, encs
}

var sinkHash Hash

// BenchmarkRowHashAndRoot is the hot path of a node and of `meadow verify`:
// canonical encoding of each row (normalization included), its SHA-256,
// then sorting and the Merkle root, for benchRows rows of 1 KiB.
func BenchmarkRowHashAndRoot(b *testing.B) {
	s, rows, _ := benchData(b, benchRows, benchRowBytes)
	h, _ := NewHasher(s)
	hashes := make([]Hash, len(rows))
	b.SetBytes(benchRows * benchRowBytes)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := h.HashRows(rows, hashes); err != nil {
			b.Fatal(err)
		}
		sinkHash = ContentRoot(hashes)
	}
	b.ReportMetric(float64(b.N*benchRows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkSHA256Baseline hashes the same canonical bytes with
// crypto/sha256 alone, one Sum256 per row: the yardstick of the ≥ 0.8 ratio.
func BenchmarkSHA256Baseline(b *testing.B) {
	_, _, encs := benchData(b, benchRows, benchRowBytes)
	b.SetBytes(benchRows * benchRowBytes)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for _, e := range encs {
			sinkHash = sha256.Sum256(e)
		}
	}
	b.ReportMetric(float64(b.N*benchRows)/b.Elapsed().Seconds(), "rows/s")
}

// TestRowHashRatio times the two loops of the benchmarks above in one
// process, alternating them and keeping the fastest of several rounds of
// each (timings on a shared machine are noise; the minimum is the least
// disturbed), and reports the ratio of their throughputs. The issue's
// target is ≥ 0.8; with MEADOW_PERF=1 a lower ratio fails the test.
//
// It runs twice: on text of one line, which the canonical encoding copies
// as it is, and on the same text broken into lines of about 80 bytes, as
// extracted and kernel-written text is, whose line breaks become spaces
// (normalization, included in the row's time; the baseline hashes the same
// encodings, so it does not).
//
// The path is the one this CPU measured faster (x16Rows, x16Tree: sixteen
// lanes of AVX-512 or of AVX2, or SHA-NI / crypto/sha256); with
// MEADOW_PERF=1 on a CPU with lanes the test also times each path forced,
// for the record, and asserts on the chosen one only. GODEBUG=cpu.sha=off
// and cpu.avx512f=off time the paths of CPUs without SHA-NI or AVX-512,
// for crypto/sha256 as for this package.
func TestRowHashRatio(t *testing.T) {
	t.Logf("SHA-NI: %v; AVX-512: %v; AVX2: %v; lanes for rows: %v (measured %.2fx the other path), for the tree: %v (%.2fx)",
		haveBlocks, haveX16, haveX8, x16Rows(), lanes.rowsGain, x16Tree(), lanes.treeGain)
	for _, lines := range []bool{false, true} {
		name := map[bool]string{false: "one-line", true: "lines"}[lines]
		t.Run(name, func(t *testing.T) { rowHashRatio(t, lines, true) })
	}
	if os.Getenv("MEADOW_PERF") != "1" || !haveLanes() {
		return
	}
	defer func(v int) { forceLanes = v }(forceLanes)
	for _, n := range []int{16, 8, 2} {
		if n == 16 && !haveX16 || n == 8 && !haveX8 {
			continue
		}
		forceLanes = n
		t.Run(fmt.Sprintf("forced-lanes%d", n), func(t *testing.T) { rowHashRatio(t, false, false) })
	}
}

// hashPath names the block function rows are hashed with.
func hashPath() string {
	switch {
	case x16Rows() && useX8():
		return "rows on eight-lane AVX2"
	case x16Rows():
		return "rows on sixteen-lane AVX-512"
	case haveBlocks:
		return "rows on SHA-NI"
	}
	return "rows on crypto/sha256"
}

// breakLines returns rows with a copy of their text column in which the
// first space after every 80 bytes is a line break.
func breakLines(s Schema, rows []Row) []Row {
	col := s.Index(ColText)
	out := make([]Row, len(rows))
	for i, r := range rows {
		b := []byte(r[col].(string))
		for j, last := 0, 0; j < len(b); j++ {
			if b[j] == ' ' && j-last >= 80 {
				b[j], last = '\n', j
			}
		}
		out[i] = append(Row(nil), r...)
		out[i][col] = string(b)
	}
	return out
}

func rowHashRatio(t *testing.T, lines, assert bool) {
	s, rows, encs := benchData(t, benchRows, benchRowBytes)
	if lines {
		rows = breakLines(s, rows)
	}
	h, _ := NewHasher(s)
	hashes := make([]Hash, len(rows))
	best := func(f func()) time.Duration {
		var m time.Duration
		for i := 0; i < 7; i++ {
			start := time.Now()
			f()
			if d := time.Since(start); i == 0 || d < m {
				m = d
			}
		}
		return m
	}
	var hashT, baseT time.Duration
	for round := 0; round < 3; round++ {
		ht := best(func() {
			if err := h.HashRows(rows, hashes); err != nil {
				t.Fatal(err)
			}
			sinkHash = ContentRoot(hashes)
		})
		bt := best(func() {
			for _, e := range encs {
				sinkHash = sha256.Sum256(e)
			}
		})
		if round == 0 || ht < hashT {
			hashT = ht
		}
		if round == 0 || bt < baseT {
			baseT = bt
		}
	}
	ratio := float64(baseT) / float64(hashT)
	mb := func(d time.Duration) float64 { return float64(benchRows*benchRowBytes) / d.Seconds() / 1e6 }
	t.Logf("row hash + root: %.0f ns/row, %.0f MB/s; crypto/sha256 alone: %.0f ns/row, %.0f MB/s; ratio %.3f (target ≥ 0.8; SHA-NI: %v, lanes for rows: %v, for the tree: %v, %s)",
		float64(hashT.Nanoseconds())/benchRows, mb(hashT), float64(baseT.Nanoseconds())/benchRows, mb(baseT), ratio, haveBlocks, x16Rows(), x16Tree(),
		hashPath())
	if assert && os.Getenv("MEADOW_PERF") == "1" && ratio < 0.8 {
		t.Errorf("row hash + root runs at %.3f× crypto/sha256 alone: want ≥ 0.8", ratio)
	}
}

// BenchmarkRowHashParts splits BenchmarkRowHashAndRoot into its stages, per
// benchRows rows of 1 KiB: canonical encoding alone, encoding and hashing
// (two rows at a time), both again for text with line breaks, sorting the hashes, the Merkle root over sorted
// hashes, and crypto/sha256 of a Merkle leaf and node for comparison.
func BenchmarkRowHashParts(b *testing.B) {
	s, rows, _ := benchData(b, benchRows, benchRowBytes)
	h, _ := NewHasher(s)
	hashes := make([]Hash, len(rows))
	if err := h.HashRows(rows, hashes); err != nil {
		b.Fatal(err)
	}
	b.Run("encode", func(b *testing.B) {
		for range b.N {
			for _, r := range rows {
				if _, err := h.Canonical(r); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("encode+hash", func(b *testing.B) {
		for range b.N {
			if err := h.HashRows(rows, hashes); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The same with a line break every ~80 bytes (TestRowHashRatio's
	// "lines"): the text is collapsed on its way into the encoding.
	lines := breakLines(s, rows)
	b.Run("encode-lines", func(b *testing.B) {
		for range b.N {
			for _, r := range lines {
				if _, err := h.Canonical(r); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("encode+hash-lines", func(b *testing.B) {
		for range b.N {
			if err := h.HashRows(lines, hashes); err != nil {
				b.Fatal(err)
			}
		}
	})
	work := make([]Hash, len(hashes))
	b.Run("sort", func(b *testing.B) {
		for range b.N {
			copy(work, hashes)
			SortHashes(work)
		}
	})
	b.Run("root", func(b *testing.B) {
		for range b.N {
			sinkHash = MerkleRoot(work)
		}
	})
	b.Run("stdlib-leaf+node", func(b *testing.B) {
		var leaf [33]byte
		var node [65]byte
		for range b.N {
			for range benchRows {
				sinkHash = sha256.Sum256(leaf[:])
				sinkHash = sha256.Sum256(node[:])
			}
		}
	})
}
