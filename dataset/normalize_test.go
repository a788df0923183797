package dataset

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

func TestASCIIScanMatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	alpha := []byte{'a', ' ', 'b', 0x7f, 0x1f, 0x80, 0xff, '\t', 0x20, 'z'}
	for i := 0; i < 200000; i++ {
		n := 8 + rng.IntN(120)
		b := make([]byte, n)
		for j := range b {
			b[j] = 'a'
		}
		for k := rng.IntN(4); k > 0; k-- {
			b[rng.IntN(n)] = alpha[rng.IntN(len(alpha))]
		}
		s := string(b)
		want := asciiScanGeneric(s)
		if n >= 16 && asciiScan(s) != want {
			t.Fatalf("%q: asciiScan %v generic %v", s, asciiScan(s), want)
		}
		if n < 16 && asciiScanWords(s) != want {
			t.Fatalf("%q: asciiScanWords %v generic %v", s, asciiScanWords(s), want)
		}
	}
}

// collapseAlphabet is what collapsedASCIITexts builds texts from: letters,
// every ASCII white-space byte, control bytes that are not white space,
// DEL, and bytes of a two-byte UTF-8 sequence (which make the text
// non-ASCII: the collapse must say so).
var collapseAlphabet = []string{"a", "b", " ", " ", "\n", "\t", "\r", "\v", "\f", "\x00", "\x01", "\x1c", "\x1f", "\x7f", "\u00e9", "\u00a0"}

// collapsedASCIITexts returns texts of 0 to 300 bytes with runs of white
// space at every offset in and across 32-byte blocks, about one in ten
// with a byte ≥ 0x80 somewhere.
func collapsedASCIITexts(n int) []string {
	rng := rand.New(rand.NewPCG(3, 5))
	out := make([]string, 0, n)
	for range n {
		size := rng.IntN(300)
		var b []byte
		word := 1 + rng.IntN(40) // long words give whole clean blocks
		for len(b) < size {
			switch k := rng.IntN(20); {
			case k < 10:
				b = append(b, bytes.Repeat([]byte{'x'}, rng.IntN(word))...)
			case k == 19 && rng.IntN(5) > 0:
				b = append(b, 'y') // mostly ASCII
			default:
				b = append(b, collapseAlphabet[rng.IntN(len(collapseAlphabet))]...)
			}
		}
		out = append(out, string(b))
	}
	return out
}

func hasHighByte(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// checkCollapsed checks appendCollapsedASCII and its Go loop, behind a
// prefix, against the reference normalization, and that both refuse text
// that is not ASCII, leaving the prefix alone.
func checkCollapsed(t testing.TB, s string) {
	t.Helper()
	const prefix = "prefix"
	for _, c := range []struct {
		name string
		f    func([]byte, string) ([]byte, bool)
	}{{"appendCollapsedASCII", appendCollapsedASCII}, {"appendCollapsedGo", appendCollapsedGo}} {
		got, ok := c.f([]byte(prefix), s)
		if hasHighByte(s) {
			if ok || string(got) != prefix {
				t.Fatalf("%s(%+q) = %+q, %v; want the prefix alone, false (not ASCII)", c.name, s, got, ok)
			}
			continue
		}
		if want := prefix + refNormalize(s); !ok || string(got) != want {
			t.Fatalf("%s(%+q) = %+q, %v; want %+q, true", c.name, s, got, ok, want)
		}
	}
}

func TestCollapsedASCIIMatchesReference(t *testing.T) {
	t.Logf("vector collapse: %v", haveCollapseVector)
	for _, s := range collapsedASCIITexts(100000) {
		checkCollapsed(t, s)
	}
}
