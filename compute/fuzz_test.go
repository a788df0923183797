package compute

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/meadow-net/meadow/compute/internal/golden"
	"github.com/meadow-net/meadow/compute/safetensors"
)

// FuzzParseSafetensors feeds arbitrary bytes to the safetensors parser and
// the model loader. They must never panic; what the parser accepts must
// survive a round trip through Encode; a model the loader accepts must run.
// The seed corpus is in testdata/fuzz/FuzzParseSafetensors.
func FuzzParseSafetensors(f *testing.F) {
	seeds, err := golden.FuzzSeeds()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := safetensors.Parse(data)
		if err != nil {
			if !errors.Is(err, safetensors.ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			if _, err := LoadModel("fuzz", data); !errors.Is(err, ErrBadModel) {
				t.Fatalf("LoadModel of an invalid file: %v", err)
			}
			return
		}
		again, err := safetensors.Encode(st.Metadata, st.Tensors)
		if err != nil {
			t.Fatalf("re-encoding a parsed file: %v", err)
		}
		st2, err := safetensors.Parse(again)
		if err != nil {
			t.Fatalf("parsing a re-encoded file: %v", err)
		}
		if len(st2.Tensors) != len(st.Tensors) {
			t.Fatalf("round trip: %d tensors, then %d", len(st.Tensors), len(st2.Tensors))
		}
		for _, a := range st.Tensors {
			b, ok := st2.Tensor(a.Name)
			if !ok || a.DType != b.DType || !slices.Equal(a.Shape, b.Shape) || string(a.Data) != string(b.Data) {
				t.Fatalf("round trip changed tensor %q", a.Name)
			}
		}
		m, err := LoadModel("fuzz", data)
		if err != nil {
			if !errors.Is(err, ErrBadModel) {
				t.Fatalf("error %v does not wrap ErrBadModel", err)
			}
			return
		}
		if _, err := EmbedCPU(context.Background(), m, []string{"", "a few words", "A FEW WORDS"}); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzShingles checks the shingle scanner (branch-free, with the words
// copied and rejoined) against compute/DESIGN.md's definition read one byte
// at a time (refShingles), for any bytes and both kinds of shingle.
func FuzzShingles(f *testing.F) {
	for _, s := range []string{"", " ", "a b c d", "  a\t\tb \n c  ", "\x80abc", "東京の 天気", "a\vb\fc\rd"} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, text string, size uint8) {
		k := 1 + int(size)%8
		for _, char := range []bool{false, true} {
			cfg := MinHashConfig{Char: char, Size: k, Permutations: 128, Bands: 32}
			got := newMinhasher(&cfg).shingles(text)
			if want := refShingles(text, char, k); !slices.Equal(got, want) {
				t.Fatalf("char=%v k=%d text %q:\n got %v\nwant %v", char, k, text, got, want)
			}
		}
	})
}
