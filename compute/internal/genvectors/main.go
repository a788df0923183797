// Command genvectors writes the compute kernels' golden vectors and the seed
// corpus of the safetensors fuzz target:
//
//	go run ./compute/internal/genvectors -out compute/testdata
//
// The vectors come from the CPU reference implementations; the tests check
// that the CPU (always) and the GPU (where there is one) reproduce them.
// Regenerate only when a kernel's definition changes on purpose, and say so
// in compute/DESIGN.md: every node's output changes with it.
package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/compute/internal/golden"
	"github.com/meadow-net/meadow/dataset"
)

func main() {
	out := flag.String("out", "compute/testdata", "directory to write into")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "genvectors:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	ctx := context.Background()
	texts := golden.Texts()
	var g golden.File
	g.Texts = golden.EncodeTexts(texts)
	for _, p := range golden.MinHashParams() {
		cfg, err := compute.NewMinHashConfig(&p)
		if err != nil {
			return err
		}
		sigs, bands, err := compute.MinHashCPU(ctx, &cfg, texts)
		if err != nil {
			return err
		}
		g.MinHash = append(g.MinHash, golden.MinHashSet{Params: p, Signatures: sigs, Bands: bands})
	}
	for _, h := range compute.TextHashes(texts) {
		g.TextSHA256 = append(g.TextSHA256, hex.EncodeToString(h))
	}
	m, err := compute.BuiltinModel(compute.DefaultModel)
	if err != nil {
		return err
	}
	vecs, err := compute.EmbedCPU(ctx, m, texts)
	if err != nil {
		return err
	}
	g.Embed = golden.EmbedSet{Model: m.Name, ModelSHA256: m.SHA256, Embeddings: vecs}
	for _, enc := range compute.Encodings() {
		k, err := compute.New(api.ComputeSpec{Kernel: api.KernelTokens, Tokens: &api.TokenParams{Encoding: enc}})
		if err != nil {
			return err
		}
		rows, err := k.Run(ctx, texts)
		if err != nil {
			return err
		}
		set := golden.TokenSet{Encoding: enc}
		for _, r := range rows {
			set.Counts = append(set.Counts, r[0].(int64))
		}
		g.Tokens = append(g.Tokens, set)
	}
	stage := golden.StageTexts()
	g.StageTexts = golden.EncodeTexts(stage)
	for _, p := range golden.QualityParams() {
		k, err := compute.New(api.ComputeSpec{Kernel: api.KernelQuality, Quality: &p})
		if err != nil {
			return err
		}
		rows, err := k.Run(ctx, stage)
		if err != nil {
			return err
		}
		set := golden.QualitySet{Params: p}
		for _, r := range rows {
			n := len(r) - 3
			qr := golden.QualityRow{Keep: r[n].(bool), Failed: r[n+1].([]string), Text: r[n+2].(string)}
			for _, v := range r[:n] {
				qr.Signals = append(qr.Signals, v.(int64))
			}
			set.Rows = append(set.Rows, qr)
		}
		g.Quality = append(g.Quality, set)
	}
	for _, p := range golden.PIIParams() {
		k, err := compute.New(api.ComputeSpec{Kernel: api.KernelPII, PII: &p})
		if err != nil {
			return err
		}
		rows, err := k.Run(ctx, stage)
		if err != nil {
			return err
		}
		set := golden.PIISet{Params: p}
		for _, r := range rows {
			pr := golden.PIIRow{Text: r[0].(string)}
			for _, v := range r[1:] {
				pr.Counts = append(pr.Counts, v.(int64))
			}
			set.Rows = append(set.Rows, pr)
		}
		g.PII = append(g.PII, set)
	}
	lang := golden.LanguageTexts()
	g.LanguageTexts = golden.EncodeTexts(lang)
	for _, p := range golden.LanguageParams() {
		k, err := compute.New(api.ComputeSpec{Kernel: api.KernelLanguage, Language: &p})
		if err != nil {
			return err
		}
		rows, err := k.Run(ctx, lang)
		if err != nil {
			return err
		}
		set := golden.LanguageSet{Params: p}
		for _, r := range rows {
			score := r[1].(float64)
			set.Rows = append(set.Rows, golden.LanguageRow{Language: r[0].(string), Score: score, ScoreBits: fmt.Sprintf("%016x", math.Float64bits(score))})
		}
		g.Language = append(g.Language, set)
	}
	if g.Dedup, err = golden.Dedup(runTask(ctx)); err != nil {
		return err
	}
	b, err := json.Marshal(g)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, golden.FileName), append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Printf("genvectors: wrote %s (%d texts)\n", filepath.Join(dir, golden.FileName), len(texts))

	fuzzDir := filepath.Join(dir, "fuzz", "FuzzParseSafetensors")
	if err := os.MkdirAll(fuzzDir, 0o755); err != nil {
		return err
	}
	seeds, err := golden.FuzzSeeds()
	if err != nil {
		return err
	}
	for i, s := range seeds {
		body := "go test fuzz v1\n[]byte(" + strconv.Quote(string(s)) + ")\n"
		if err := os.WriteFile(filepath.Join(fuzzDir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("genvectors: wrote %d fuzz seeds to %s\n", len(seeds), fuzzDir)
	return nil
}

// runTask runs a compute task as a node does (node.runCompute): the
// kernel from its spec, the shard projected onto the kernel's input
// columns, compute.RunStage without a where or carry. compute's
// TestGoldenDedup has the same one.
func runTask(ctx context.Context) golden.Runner {
	return func(spec api.ComputeSpec, s dataset.Schema, rows []dataset.Row, hashes [][]byte) (dataset.Schema, []dataset.Row, error) {
		k, err := compute.New(spec)
		if err != nil {
			return dataset.Schema{}, nil, err
		}
		ps, pr, err := golden.Project(s, rows, compute.InputColumns(k))
		if err != nil {
			return dataset.Schema{}, nil, err
		}
		st, err := dataset.NewStage(ps, k.OutputColumns(), nil, nil)
		if err != nil {
			return dataset.Schema{}, nil, err
		}
		return compute.RunStage(ctx, k, st, pr, ps, hashes, golden.DedupProvenance)
	}
}
