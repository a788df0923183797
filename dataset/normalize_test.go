package dataset

import (
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
