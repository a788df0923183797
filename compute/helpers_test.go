package compute

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/compute/internal/golden"
)

// loadGolden reads compute/testdata/golden.json.
func loadGolden(t testing.TB) (golden.File, []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", golden.FileName))
	if err != nil {
		t.Fatalf("golden vectors: %v (regenerate with: go run ./compute/internal/genvectors -out compute/testdata)", err)
	}
	var g golden.File
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("golden vectors: %v", err)
	}
	return g, golden.DecodeTexts(g.Texts)
}

var vocabulary = strings.Fields(`the of and to in is was for that on with as by at from his her
it an were are which this be or had has not but their have its one new first after
who they two been other more also into all time she can only some may would there
city world year years people state music school family film house water river game
data network node home bandwidth page crawl dataset model token graph signal energy
Ünïcödé café naïve 東京 天気 🙂 ﬁne résumé Zürich Ωmega`)

// randomText draws a text of about n bytes: words from a small vocabulary
// (so that texts share shingles), random ASCII and UTF-8 noise, and odd
// white space now and then.
func randomText(r *rand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		switch x := r.IntN(100); {
		case x < 80:
			b.WriteString(vocabulary[r.IntN(len(vocabulary))])
		case x < 90:
			for k := r.IntN(12); k >= 0; k-- {
				b.WriteByte(byte('a' + r.IntN(26)))
			}
		case x < 94:
			b.WriteRune(rune(0x80 + r.IntN(0x2000)))
		case x < 96:
			b.WriteByte(byte(r.IntN(256))) // any byte, valid UTF-8 or not
		default:
			b.WriteString([]string{"\t", "\n", "  ", "\r\n", "\v\f"}[r.IntN(5)])
		}
		b.WriteByte(' ')
	}
	return b.String()
}

// randomTexts draws n texts with lengths up to maxLen bytes, some empty.
func randomTexts(seed uint64, n, maxLen int) []string {
	r := rand.New(rand.NewPCG(seed, 0x6d656164))
	out := make([]string, n)
	for i := range out {
		switch r.IntN(50) {
		case 0:
			out[i] = ""
		case 1:
			out[i] = randomText(r, 1+r.IntN(8))
		default:
			out[i] = randomText(r, r.IntN(maxLen+1))
		}
	}
	return out
}

// englishCorpus is benchmark input: n rows of about size bytes of words.
func englishCorpus(n, size int) []string {
	r := rand.New(rand.NewPCG(42, 7))
	words := vocabulary[:len(vocabulary)-10] // ASCII words only
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for b.Len() < size {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		out[i] = b.String()
	}
	return out
}

func totalBytes(texts []string) int64 {
	n := int64(0)
	for _, t := range texts {
		n += int64(len(t))
	}
	return n
}
