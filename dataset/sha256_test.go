package dataset

import (
	"crypto/sha256"
	"math/rand/v2"
	"testing"
)

func TestSHA256MatchesStdlib(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 1200)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	for n := 0; n <= len(buf); n++ {
		if got, want := sum256(buf[:n]), Hash(sha256.Sum256(buf[:n])); got != want {
			t.Fatalf("sum256 of %d bytes: got %x, want %x", n, got, want)
		}
	}
	for i := 0; i < 100; i++ {
		var l, r Hash
		for j := range l {
			l[j], r[j] = byte(rng.Uint32()), byte(rng.Uint32())
		}
		if got, want := leafHash(&l), Hash(sha256.Sum256(append([]byte{0}, l[:]...))); got != want {
			t.Fatalf("leafHash(%x): got %x, want %x", l, got, want)
		}
		in := append(append([]byte{1}, l[:]...), r[:]...)
		if got, want := nodeHash(&l, &r), Hash(sha256.Sum256(in)); got != want {
			t.Fatalf("nodeHash: got %x, want %x", got, want)
		}
		a, b := leafHash2(&l, &r)
		if a != leafHash(&l) || b != leafHash(&r) {
			t.Fatalf("leafHash2 differs from leafHash")
		}
		a, b = nodeHash2(&l, &r, &r, &l)
		if a != nodeHash(&l, &r) || b != nodeHash(&r, &l) {
			t.Fatalf("nodeHash2 differs from nodeHash")
		}
	}
	defer func(f bool) { forcePair = f }(forcePair)
	forcePair = true
	for i := 0; i < 3000; i++ {
		a, b := buf[:rng.IntN(600)], buf[rng.IntN(100):][:rng.IntN(600)]
		x, y := sum256x2(a, b)
		if x != Hash(sha256.Sum256(a)) || y != Hash(sha256.Sum256(b)) {
			t.Fatalf("sum256x2 of %d and %d bytes differs from crypto/sha256", len(a), len(b))
		}
	}
	t.Logf("SHA-NI block function in use: %v; rows hashed in pairs: %v", haveBlocks, pairRows)
}

func FuzzSHA256(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("abc"))
	f.Add(make([]byte, 55))
	f.Add(make([]byte, 56))
	f.Add(make([]byte, 64))
	f.Add(make([]byte, 119))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := sum256(b), Hash(sha256.Sum256(b)); got != want {
			t.Fatalf("sum256(%x) = %x, want %x", b, got, want)
		}
		h := len(b) / 2
		x, y := sum256x2(b[:h], b[h:])
		if x != Hash(sha256.Sum256(b[:h])) || y != Hash(sha256.Sum256(b[h:])) {
			t.Fatalf("sum256x2 of %x differs from crypto/sha256", b)
		}
	})
}

func BenchmarkLeafNodeHash(b *testing.B) {
	var l, r Hash
	b.Run("leaf", func(b *testing.B) {
		for range b.N {
			l = leafHash(&l)
		}
	})
	b.Run("node", func(b *testing.B) {
		for range b.N {
			l = nodeHash(&l, &r)
		}
	})
	b.Run("leaf2", func(b *testing.B) {
		for range b.N {
			l, r = leafHash2(&l, &r)
		}
	})
	b.Run("node2", func(b *testing.B) {
		for range b.N {
			l, r = nodeHash2(&l, &r, &r, &l)
		}
	})
	b.Run("sum1K", func(b *testing.B) {
		d := make([]byte, 1024)
		b.SetBytes(1024)
		for range b.N {
			l = sum256(d)
		}
	})
}
