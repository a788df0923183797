package dataset

import (
	"math/rand/v2"
	"testing"
)

func TestASCIIScanMatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	alpha := []byte{'a', ' ', 'b', 0x7f, 0x1f, 0x80, 0xff, '\t', 0x20, 'z'}
	for i := 0; i < 200000; i++ {
		n := 32 + rng.IntN(100)
		b := make([]byte, n)
		for j := range b {
			b[j] = 'a'
		}
		for k := rng.IntN(4); k > 0; k-- {
			b[rng.IntN(n)] = alpha[rng.IntN(len(alpha))]
		}
		s := string(b)
		if asciiScan(s) != asciiScanGeneric(s) {
			t.Fatalf("%q: avx2 %v generic %v", s, asciiScan(s), asciiScanGeneric(s))
		}
	}
}
