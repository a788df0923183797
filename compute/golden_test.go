package compute

import (
	"context"
	"encoding/hex"
	"slices"
	"testing"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute/internal/golden"
)

// TestGolden checks the CPU reference against compute/testdata/golden.json.
// A failure means a kernel's output changed: every node would disagree with
// every node not yet upgraded. If the change is intended, regenerate with
// `go run ./compute/internal/genvectors -out compute/testdata` and record it
// in compute/DESIGN.md.
func TestGolden(t *testing.T) {
	gold, texts := loadGolden(t)
	if len(texts) != len(golden.Texts()) {
		t.Fatalf("golden.json has %d texts, golden.Texts() %d: regenerate", len(texts), len(golden.Texts()))
	}
	ctx := context.Background()
	if len(gold.MinHash) != len(golden.MinHashParams()) {
		t.Fatalf("golden.json has %d minhash sets, want %d: regenerate", len(gold.MinHash), len(golden.MinHashParams()))
	}
	for _, set := range gold.MinHash {
		cfg, err := NewMinHashConfig(&set.Params)
		if err != nil {
			t.Fatal(err)
		}
		sigs, bands, err := MinHashCPU(ctx, &cfg, texts)
		if err != nil {
			t.Fatal(err)
		}
		for i := range texts {
			if !slices.Equal(sigs[i], set.Signatures[i]) || !slices.Equal(bands[i], set.Bands[i]) {
				t.Errorf("minhash %+v text %d %q: differs from the golden vector", set.Params, i, texts[i][:min(30, len(texts[i]))])
			}
		}
	}
	if len(gold.TextSHA256) != len(texts) {
		t.Fatalf("golden.json has %d text_sha256 values for %d texts: regenerate", len(gold.TextSHA256), len(texts))
	}
	for i, h := range TextHashes(texts) {
		if got := hex.EncodeToString(h); got != gold.TextSHA256[i] {
			t.Errorf("text_sha256 of text %d %q: %s, golden %s", i, texts[i][:min(30, len(texts[i]))], got, gold.TextSHA256[i])
		}
	}
	m, err := BuiltinModel(gold.Embed.Model)
	if err != nil {
		t.Fatal(err)
	}
	if m.SHA256 != gold.Embed.ModelSHA256 {
		t.Fatalf("model %s: sha256 %s, golden vectors made with %s", m.Name, m.SHA256, gold.Embed.ModelSHA256)
	}
	vecs, err := EmbedCPU(ctx, m, texts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range texts {
		if !slices.Equal(vecs[i], gold.Embed.Embeddings[i]) {
			t.Errorf("embed text %d: differs from the golden vector", i)
		}
	}
	for _, set := range gold.Tokens {
		k, err := New(api.ComputeSpec{Kernel: api.KernelTokens, Tokens: &api.TokenParams{Encoding: set.Encoding}})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := k.Run(ctx, texts)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			if r[0].(int64) != set.Counts[i] {
				t.Errorf("tokens %s text %d: %d, golden %d", set.Encoding, i, r[0], set.Counts[i])
			}
		}
	}
}
