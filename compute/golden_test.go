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
	"github.com/meadow-net/meadow/dataset"
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

// goldenRunner runs a compute task as a node does (node.runCompute): the
// kernel from its spec, the shard projected onto the kernel's input
// columns, RunStage without a where or carry. genvectors has the same one.
func goldenRunner(ctx context.Context) golden.Runner {
	return func(spec api.ComputeSpec, s dataset.Schema, rows []dataset.Row, hashes [][]byte) (dataset.Schema, []dataset.Row, error) {
		k, err := New(spec)
		if err != nil {
			return dataset.Schema{}, nil, err
		}
		ps, pr, err := golden.Project(s, rows, InputColumns(k))
		if err != nil {
			return dataset.Schema{}, nil, err
		}
		st, err := dataset.NewStage(ps, k.OutputColumns(), nil, nil)
		if err != nil {
			return dataset.Schema{}, nil, err
		}
		return RunStage(ctx, k, st, pr, ps, hashes, golden.DedupProvenance)
	}
}

// TestGoldenDedup checks the dedup kernel, run as a node runs a dedup
// task, against golden.json's dedup section: the minhash dataset it is
// given (crawl row hashes, minhash rows, their hashes), then every output
// column of every row, the rows' encoding, and the same output with the
// input rows in reverse order. TestGoldenArm64 compares the whole file
// made on arm64, so dedup is checked there too.
func TestGoldenDedup(t *testing.T) {
	gold, _ := loadGolden(t)
	want := gold.Dedup
	texts := golden.DedupTexts()
	if !slices.Equal(golden.DecodeTexts(want.Texts), texts) {
		t.Fatalf("golden.json's dedup texts differ from golden.DedupTexts(): regenerate")
	}
	ctx := context.Background()
	run := goldenRunner(ctx)
	schema, rows, hashes, inputs, err := golden.DedupInputs(run)
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) != len(want.Inputs) || len(want.Rows) != len(want.Inputs) {
		t.Fatalf("dedup: %d input rows, golden.json %d inputs and %d rows: regenerate", len(inputs), len(want.Inputs), len(want.Rows))
	}
	short := func(h string) string { return h[:min(12, len(h))] }
	label := func(i int) string {
		tx := texts[inputs[i].Text]
		s := fmt.Sprintf("row %d (text %d %q", i, inputs[i].Text, tx[:min(30, len(tx))])
		if inputs[i].Altered != "" {
			s += ", altered"
		}
		return s + ")"
	}
	for i, in := range inputs {
		if in != want.Inputs[i] {
			t.Errorf("dedup input %s: source %s row %s text %s, golden source %s row %s text %s: the minhash dataset is made differently (crawl row hash, minhash kernel or row hash changed)",
				label(i), short(in.SourceHash), short(in.RowHash), short(in.TextSHA256),
				short(want.Inputs[i].SourceHash), short(want.Inputs[i].RowHash), short(want.Inputs[i].TextSHA256))
		}
	}
	if t.Failed() {
		t.FailNow() // the outputs below would differ for that reason alone
	}
	check := func(what string, got golden.DedupSet) {
		t.Helper()
		if !slices.Equal(got.Columns, want.Columns) {
			t.Errorf("dedup %s: output columns %v, golden %v", what, got.Columns, want.Columns)
		}
		for i, g := range got.Rows {
			if w := want.Rows[i]; g != w {
				t.Errorf("dedup %s %s: cluster %s keep %v size %d exact %s/%d; golden cluster %s keep %v size %d exact %s/%d",
					what, label(i), short(g.Cluster), g.Keep, g.ClusterSize, short(g.ExactCluster), g.ExactSize,
					short(w.Cluster), w.Keep, w.ClusterSize, short(w.ExactCluster), w.ExactSize)
			}
		}
		if got.RowsSHA256 != want.RowsSHA256 || got.Clusters != want.Clusters || got.NearClusters != want.NearClusters || got.ExactGroups != want.ExactGroups {
			t.Errorf("dedup %s: rows sha256 %s, %d clusters (%d near), %d exact groups; golden %s, %d (%d), %d",
				what, short(got.RowsSHA256), got.Clusters, got.NearClusters, got.ExactGroups,
				short(want.RowsSHA256), want.Clusters, want.NearClusters, want.ExactGroups)
		}
	}
	outSchema, out, err := run(api.ComputeSpec{Kernel: api.KernelDedup}, schema, rows, hashes)
	if err != nil {
		t.Fatal(err)
	}
	got, err := golden.DedupOutput(inputs, outSchema, out)
	if err != nil {
		t.Fatal(err)
	}
	check("output", got)

	// Replicas may read the rows in another order: each row's output is
	// the same.
	n := len(rows)
	rrows, rhashes := make([]dataset.Row, n), make([][]byte, n)
	for i := range rows {
		rrows[n-1-i], rhashes[n-1-i] = rows[i], hashes[i]
	}
	_, rout, err := run(api.ComputeSpec{Kernel: api.KernelDedup}, schema, rrows, rhashes)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(rout)
	if got, err = golden.DedupOutput(inputs, outSchema, rout); err != nil {
		t.Fatal(err)
	}
	check("output (rows reversed)", got)
	if t.Failed() {
		t.Log("the dedup kernel's clusters or kept rows changed: every node would disagree with every node not yet upgraded. " +
			"If the change is intended, regenerate with go run ./compute/internal/genvectors -out compute/testdata and record it in compute/DESIGN.md")
	}
	testGoldenDedupCovers(t, want)
}

// testGoldenDedupCovers checks that the dedup vectors still hold the cases
// they were made for, so that a change of inputs cannot quietly drop one.
func testGoldenDedupCovers(t *testing.T, set golden.DedupSet) {
	t.Helper()
	var exact3, nearMixed, rootTie, sharedID bool
	kept := map[string]int{}
	for i, r := range set.Rows {
		in := set.Inputs[i]
		exact3 = exact3 || r.ExactSize >= 3
		// a near duplicate: in a cluster, alone with its text hash
		nearMixed = nearMixed || (r.ClusterSize > r.ExactSize && r.ExactSize == 1)
		if r.Keep {
			kept[r.Cluster]++
		}
		for j, o := range set.Rows {
			// the cluster's first source hash on two rows: the row hash decides
			if j != i && r.Keep && !o.Keep && o.Cluster == r.Cluster && set.Inputs[j].SourceHash == in.SourceHash && in.SourceHash == r.Cluster {
				rootTie = true
			}
		}
	}
	for _, c := range kept {
		sharedID = sharedID || c > 1
	}
	for _, c := range []struct {
		ok   bool
		what string
	}{
		{exact3, "an exact group of 3 or more rows"},
		{nearMixed, "a near duplicate (a cluster row alone with its text hash)"},
		{rootTie, "two rows with their cluster's smallest source hash (the row-hash tie-break)"},
		{sharedID, "two clusters with one id (a source hash joins nothing)"},
		{set.NearClusters >= 2, "two near-duplicate clusters"},
	} {
		if !c.ok {
			t.Errorf("dedup vectors no longer cover %s: change golden.DedupExtra or DedupAltered", c.what)
		}
	}
}
