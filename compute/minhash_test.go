package compute

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/api"
)

// refShingles is compute/DESIGN.md's definition read literally, one byte
// position at a time, as the CUDA kernel does it: the hash (mod p) of the
// shingle starting at each position where one starts, in position order.
func refShingles(text string, char bool, k int) []uint64 {
	var out []uint64
	n := len(text)
	for i := 0; i < n; i++ {
		if char {
			if i != 0 && !isCharStart(text[i]) {
				continue
			}
			h := fnvByte(fnvOffset64, text[i])
			cnt := 1
			for j := i + 1; j < n; j++ {
				if isCharStart(text[j]) {
					if cnt == k {
						break
					}
					cnt++
				}
				h = fnvByte(h, text[j])
			}
			if cnt < k && i != 0 {
				continue
			}
			out = append(out, mod61(h))
			continue
		}
		if isSpace(text[i]) || (i != 0 && !isSpace(text[i-1])) {
			continue
		}
		words := splitASCIISpace(text[i:])
		if len(words) < k && strings.TrimLeft(text[:i], " \t\n\v\f\r") != "" {
			continue
		}
		if len(words) > k {
			words = words[:k]
		}
		out = append(out, mod61(fnvString(fnvOffset64, strings.Join(words, " "))))
	}
	return out
}

func splitASCIISpace(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		j := i
		for j < len(s) && !isSpace(s[j]) {
			j++
		}
		if j > i {
			out = append(out, s[i:j])
		}
		i = j
	}
	return out
}

// refSign computes a signature the slow way: each permutation's minimum
// over all shingles, then the band keys.
func refSign(cfg *MinHashConfig, text string) ([]uint32, []uint64) {
	xs := refShingles(text, cfg.Char, cfg.Size)
	sig := make([]uint32, cfg.Permutations)
	for j := range sig {
		m := ^uint64(0)
		for _, x := range xs {
			m = min(m, mulAddMod61(cfg.A[j], x, cfg.B[j]))
		}
		sig[j] = uint32(m)
	}
	bands := make([]uint64, cfg.Bands)
	bandKeys(sig, bands)
	return sig, bands
}

func TestShinglesMatchDefinition(t *testing.T) {
	texts := append(randomTexts(11, 400, 300),
		"", " ", "a", "\x80", "\x80abc", "a\x80\x80b", "é", "  a  b  ", "a b", "a b c", "a b c d",
		"東京の天気", "ab", "abcde", "abcdef", "\t\tx\ny\r\n")
	for _, char := range []bool{false, true} {
		for _, k := range []int{1, 2, 3, 5, 9} {
			cfg := MinHashConfig{Char: char, Size: k, Permutations: 128, Bands: 32}
			m := newMinhasher(&cfg)
			for _, text := range texts {
				got := slices.Clone(m.shingles(text))
				want := refShingles(text, char, k)
				if !slices.Equal(got, want) {
					t.Fatalf("char=%v k=%d text %q:\n got %v\nwant %v", char, k, text, got, want)
				}
			}
		}
	}
}

func TestSignatureMatchesDefinition(t *testing.T) {
	texts := randomTexts(12, 200, 500)
	for _, p := range []api.MinHashParams{{}, {Shingle: "char", Size: 4, Permutations: 192, Bands: 48}, {Size: 1, Permutations: 1024, Bands: 1024}} {
		cfg, err := NewMinHashConfig(&p)
		if err != nil {
			t.Fatal(err)
		}
		sigs, bands, err := MinHashCPU(context.Background(), &cfg, texts)
		if err != nil {
			t.Fatal(err)
		}
		for i, text := range texts {
			ws, wb := refSign(&cfg, text)
			if !slices.Equal(sigs[i], ws) || !slices.Equal(bands[i], wb) {
				t.Fatalf("params %+v text %d %q: signature differs from the definition", p, i, text)
			}
		}
	}
}

func TestEmptyTextSignature(t *testing.T) {
	cfg, _ := NewMinHashConfig(nil)
	sigs, _, _ := MinHashCPU(context.Background(), &cfg, []string{"", "   \t"})
	for _, s := range sigs {
		for _, v := range s {
			if v != 0xffffffff {
				t.Fatalf("empty text: signature value %#x, want 0xffffffff (min of the empty set)", v)
			}
		}
	}
}

func TestSignatureEstimatesJaccard(t *testing.T) {
	cfg, _ := NewMinHashConfig(&api.MinHashParams{Permutations: 512, Bands: 32})
	base := englishCorpus(1, 4000)[0]
	words := strings.Fields(base)
	near := strings.Join(append(slices.Clone(words[:len(words)-10]), "completely", "different", "ending"), " ")
	far := englishCorpus(2, 4000)[1]
	sigs, _, _ := MinHashCPU(context.Background(), &cfg, []string{base, near, far})
	agree := func(a, b []uint32) float64 {
		n := 0
		for i := range a {
			if a[i] == b[i] {
				n++
			}
		}
		return float64(n) / float64(len(a))
	}
	if s := agree(sigs[0], sigs[1]); s < 0.9 {
		t.Errorf("near-duplicate: %.2f of the signature agrees, want > 0.9", s)
	}
	if s := agree(sigs[0], sigs[2]); s > 0.5 {
		t.Errorf("unrelated texts (same vocabulary): %.2f agrees, want < 0.5", s)
	}
}

func TestMinHashParams(t *testing.T) {
	tests := []struct {
		name  string
		p     *api.MinHashParams
		field string // empty: valid
	}{
		{name: "nil is defaults", p: nil},
		{name: "char defaults", p: &api.MinHashParams{Shingle: "char"}},
		{name: "max", p: &api.MinHashParams{Size: 64, Permutations: 1024, Bands: 1}},
		{name: "bad shingle", p: &api.MinHashParams{Shingle: "sentence"}, field: "compute.minhash.shingle"},
		{name: "negative size", p: &api.MinHashParams{Size: -1}, field: "compute.minhash.size"},
		{name: "size too big", p: &api.MinHashParams{Size: 65}, field: "compute.minhash.size"},
		{name: "too few permutations", p: &api.MinHashParams{Permutations: 64, Bands: 16}, field: "compute.minhash.permutations"},
		{name: "too many permutations", p: &api.MinHashParams{Permutations: 2048}, field: "compute.minhash.permutations"},
		{name: "not a multiple", p: &api.MinHashParams{Permutations: 130}, field: "compute.minhash.permutations"},
		{name: "negative bands", p: &api.MinHashParams{Bands: -2}, field: "compute.minhash.bands"},
		{name: "more bands than permutations", p: &api.MinHashParams{Bands: 256}, field: "compute.minhash.bands"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewMinHashConfig(tt.p)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if len(c.A) != c.Permutations || c.Permutations%c.Bands != 0 {
					t.Fatalf("bad config %+v", c)
				}
				return
			}
			if !errors.Is(err, ErrBadParams) || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("error %v: want ErrBadParams naming %s", err, tt.field)
			}
		})
	}
}
