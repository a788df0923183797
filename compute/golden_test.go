package compute

import (
	"context"
	"encoding/hex"
	"fmt"
	"math"
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
	testGoldenStages(t, gold)
	testGoldenLanguage(t, gold)
}

// testGoldenLanguage checks the language kernel's rows against the golden
// file: the code and the score's bits.
func testGoldenLanguage(t *testing.T, gold golden.File) {
	lang := golden.DecodeTexts(gold.LanguageTexts)
	if !slices.Equal(lang, golden.LanguageTexts()) {
		t.Fatalf("golden.json's language texts differ from golden.LanguageTexts(): regenerate")
	}
	if len(gold.Language) != len(golden.LanguageParams()) {
		t.Fatalf("golden.json has %d language sets, want %d: regenerate", len(gold.Language), len(golden.LanguageParams()))
	}
	for si, set := range gold.Language {
		k, err := New(api.ComputeSpec{Kernel: api.KernelLanguage, Language: &set.Params})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := k.Run(context.Background(), lang)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			want := set.Rows[i]
			bits := fmt.Sprintf("%016x", math.Float64bits(r[1].(float64)))
			if r[0] != want.Language || bits != want.ScoreBits || math.Float64bits(want.Score) != math.Float64bits(r[1].(float64)) {
				t.Errorf("language set %d text %d %q: %q %s, golden %q %s", si, i, lang[i][:min(30, len(lang[i]))], r[0], bits, want.Language, want.ScoreBits)
			}
		}
	}
}

// testGoldenStages checks the quality and pii kernels' rows against the
// golden file: every signal, the keep decision, the failed rules and the
// output texts.
func testGoldenStages(t *testing.T, gold golden.File) {
	ctx := context.Background()
	stage := golden.DecodeTexts(gold.StageTexts)
	if !slices.Equal(stage, golden.StageTexts()) {
		t.Fatalf("golden.json's stage texts differ from golden.StageTexts(): regenerate")
	}
	if len(gold.Quality) != len(golden.QualityParams()) || len(gold.PII) != len(golden.PIIParams()) {
		t.Fatalf("golden.json has %d quality and %d pii sets, want %d and %d: regenerate",
			len(gold.Quality), len(gold.PII), len(golden.QualityParams()), len(golden.PIIParams()))
	}
	for si, set := range gold.Quality {
		k, err := New(api.ComputeSpec{Kernel: api.KernelQuality, Quality: &set.Params})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := k.Run(ctx, stage)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			want := set.Rows[i]
			n := len(r) - 3
			var sig []int64
			for _, v := range r[:n] {
				sig = append(sig, v.(int64))
			}
			if !slices.Equal(sig, want.Signals) || r[n] != want.Keep || !slices.Equal(r[n+1].([]string), want.Failed) || r[n+2] != want.Text {
				t.Errorf("quality set %d text %d %q: differs from the golden vector", si, i, stage[i][:min(30, len(stage[i]))])
			}
		}
	}
	for si, set := range gold.PII {
		k, err := New(api.ComputeSpec{Kernel: api.KernelPII, PII: &set.Params})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := k.Run(ctx, stage)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			want := set.Rows[i]
			var counts []int64
			for _, v := range r[1:] {
				counts = append(counts, v.(int64))
			}
			if r[0] != want.Text || !slices.Equal(counts, want.Counts) {
				t.Errorf("pii set %d text %d %q: differs from the golden vector", si, i, stage[i][:min(30, len(stage[i]))])
			}
		}
	}
}
