package compute

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
)

var ptxDir = flag.String("ptxdir", "", "load the kernels' PTX from this directory instead of the embedded copies (to try freshly built PTX before committing it)")

// testGPU opens the first GPU. Tests of the CUDA path run where NVML finds
// a device and skip, saying so, where it finds none (DESIGN.md's one
// exception to "never skip"). A machine with a GPU whose CUDA path fails
// fails the test.
func testGPU(t testing.TB) *GPU {
	t.Helper()
	d := Discover()
	if d.CPUOnly {
		t.Skipf("no GPU: %s; the CUDA path is tested where NVML finds a device", d.Reason)
	}
	src := gpuSource{minhash: minhashPTX, embed: embedPTX}
	if *ptxDir != "" {
		var err error
		if src.minhash, err = os.ReadFile(filepath.Join(*ptxDir, "minhash.ptx")); err != nil {
			t.Fatal(err)
		}
		if src.embed, err = os.ReadFile(filepath.Join(*ptxDir, "embed.ptx")); err != nil {
			t.Fatal(err)
		}
	}
	g, err := openGPU(0, src)
	if err != nil {
		t.Fatalf("NVML found %s but the CUDA path failed: %v", d, err)
	}
	t.Cleanup(func() {
		if err := g.Close(); err != nil {
			t.Errorf("closing the GPU: %v", err)
		}
	})
	t.Logf("GPU: %s (CUDA driver API %d)", g.Name(), g.DriverVersion())
	return g
}

func TestOpenGPUWithoutDriver(t *testing.T) {
	if d := Discover(); !d.CPUOnly {
		t.Skipf("this machine has a GPU (%s)", d)
	}
	_, err := OpenGPU(0)
	if !errors.Is(err, ErrNoCUDADriver) && !errors.Is(err, ErrNoGPU) {
		t.Fatalf("OpenGPU without a GPU: %v, want ErrNoCUDADriver or ErrNoGPU", err)
	}
	t.Logf("as expected: %v", err)
}

func TestBatches(t *testing.T) {
	texts := []string{"aaaa", "bb", "", "cccccc", "d", "eeeeeeeeeeeee"}
	var got [][]string
	var froms []int
	err := batches(context.Background(), texts, 6, func(from int, part []string) error {
		froms = append(froms, from)
		got = append(got, part)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"aaaa", "bb", ""}, {"cccccc"}, {"d"}, {"eeeeeeeeeeeee"}}
	if len(got) != len(want) || !slices.Equal(froms, []int{0, 3, 4, 5}) {
		t.Fatalf("batches %q from %v, want %q", got, froms, want)
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Fatalf("batch %d = %q, want %q", i, got[i], want[i])
		}
	}
}

// parallelCPU runs f over chunks of texts on every core: the CPU reference
// for 100,000 rows would otherwise dominate the test.
func parallelCPU[T any](t *testing.T, texts []string, f func([]string) ([]T, error)) []T {
	t.Helper()
	out := make([]T, len(texts))
	n := runtime.GOMAXPROCS(0)
	chunk := (len(texts) + n - 1) / n
	var wg sync.WaitGroup
	errs := make([]error, n)
	for w := 0; w < n; w++ {
		lo, hi := min(w*chunk, len(texts)), min((w+1)*chunk, len(texts))
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := f(texts[lo:hi])
			copy(out[lo:hi], r)
			errs[w] = err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return out
}

type minhashOut struct {
	sig   []uint32
	bands []uint64
}

func compareMinHash(t *testing.T, g *GPU, cfg *MinHashConfig, texts []string) {
	t.Helper()
	ctx := context.Background()
	sigs, bands, err := g.MinHash(ctx, cfg, texts)
	if err != nil {
		t.Fatal(err)
	}
	want := parallelCPU(t, texts, func(part []string) ([]minhashOut, error) {
		s, b, err := MinHashCPU(ctx, cfg, part)
		out := make([]minhashOut, len(part))
		for i := range out {
			out[i] = minhashOut{s[i], b[i]}
		}
		return out, err
	})
	bad := 0
	for i := range texts {
		if !slices.Equal(sigs[i], want[i].sig) || !slices.Equal(bands[i], want[i].bands) {
			if bad++; bad <= 3 {
				t.Errorf("row %d (%d bytes %q...): GPU signature differs from the CPU's", i, len(texts[i]), texts[i][:min(40, len(texts[i]))])
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d rows differ", bad, len(texts))
	}
}

func compareEmbed(t *testing.T, g *GPU, m *Model, texts []string) {
	t.Helper()
	ctx := context.Background()
	got, err := g.Embed(ctx, m, texts)
	if err != nil {
		t.Fatal(err)
	}
	want := parallelCPU(t, texts, func(part []string) ([][]int32, error) { return EmbedCPU(ctx, m, part) })
	bad := 0
	for i := range texts {
		if !slices.Equal(got[i], want[i]) {
			if bad++; bad <= 3 {
				t.Errorf("row %d (%d bytes): GPU embedding %v, CPU %v", i, len(texts[i]), got[i][:8], want[i][:8])
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d rows differ", bad, len(texts))
	}
}

func TestGPUGolden(t *testing.T) {
	g := testGPU(t)
	gold, texts := loadGolden(t)
	ctx := context.Background()
	for _, set := range gold.MinHash {
		cfg, err := NewMinHashConfig(&set.Params)
		if err != nil {
			t.Fatal(err)
		}
		sigs, bands, err := g.MinHash(ctx, &cfg, texts)
		if err != nil {
			t.Fatal(err)
		}
		for i := range texts {
			if !slices.Equal(sigs[i], set.Signatures[i]) || !slices.Equal(bands[i], set.Bands[i]) {
				t.Errorf("minhash %+v text %d: GPU differs from the golden vector", set.Params, i)
			}
		}
	}
	m, err := BuiltinModel(gold.Embed.Model)
	if err != nil {
		t.Fatal(err)
	}
	vecs, err := g.Embed(ctx, m, texts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range texts {
		if !slices.Equal(vecs[i], gold.Embed.Embeddings[i]) {
			t.Errorf("embed text %d: GPU differs from the golden vector", i)
		}
	}
}

func TestGPURandomRows(t *testing.T) {
	g := testGPU(t)
	texts := randomTexts(2026, 100_000, 1500)
	t.Logf("%d rows, %d bytes", len(texts), totalBytes(texts))
	for _, p := range []api.MinHashParams{{}, {Shingle: "char", Size: 5}, {Shingle: "word", Size: 2, Permutations: 1024, Bands: 64}} {
		cfg, err := NewMinHashConfig(&p)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("minhash "+p.Shingle, func(t *testing.T) { compareMinHash(t, g, &cfg, texts) })
	}
	m, err := BuiltinModel(DefaultModel)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("embed", func(t *testing.T) { compareEmbed(t, g, m, texts) })
	// Long rows, and a batch split over many launches.
	long := randomTexts(7, 300, 40_000)
	g.launchBytes = 1 << 20
	defer func() { g.launchBytes = maxLaunchBytes }()
	cfg, _ := NewMinHashConfig(nil)
	t.Run("minhash long rows", func(t *testing.T) { compareMinHash(t, g, &cfg, long) })
	t.Run("embed long rows", func(t *testing.T) { compareEmbed(t, g, m, long) })
}

func TestGPUKernels(t *testing.T) {
	g := testGPU(t)
	texts := randomTexts(5, 2000, 800)
	gate := &countingGate{}
	for _, kernel := range []string{api.KernelMinHash, api.KernelEmbed} {
		cpu, err := New(api.ComputeSpec{Kernel: kernel})
		if err != nil {
			t.Fatal(err)
		}
		gpu, err := New(api.ComputeSpec{Kernel: kernel}, WithGPU(g), WithIdleGate(gate))
		if err != nil {
			t.Fatal(err)
		}
		a, err := cpu.Run(context.Background(), texts)
		if err != nil {
			t.Fatal(err)
		}
		b, err := gpu.Run(context.Background(), texts)
		if err != nil {
			t.Fatal(err)
		}
		for i := range a {
			for c := range a[i] {
				if !equalValues(a[i][c], b[i][c]) {
					t.Fatalf("%s row %d column %d: GPU kernel differs from CPU kernel", kernel, i, c)
				}
			}
		}
	}
	if gate.n != 2 {
		t.Errorf("the idle gate was asked %d times, want once per GPU run (2)", gate.n)
	}
}

func equalValues(a, b any) bool {
	switch x := a.(type) {
	case []uint32:
		return slices.Equal(x, b.([]uint32))
	case []uint64:
		return slices.Equal(x, b.([]uint64))
	case []int32:
		return slices.Equal(x, b.([]int32))
	}
	return a == b
}

// TestGPUOwnWorkNotUserWork runs minhash on the GPU for a few seconds and
// samples NVML meanwhile: the device's utilization rises, the share the
// idle gate attributes to others should not. It reports what it saw and
// fails only if NVML cannot be read, since the driver's per-process samples
// lag by up to a second.
func TestGPUOwnWorkNotUserWork(t *testing.T) {
	g := testGPU(t)
	n, err := OpenNVML()
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	cfg, _ := NewMinHashConfig(&api.MinHashParams{Shingle: "char", Permutations: 1024, Bands: 32})
	texts := englishCorpus(20_000, 2048)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if _, _, err := g.MinHash(ctx, &cfg, texts); err != nil && ctx.Err() == nil {
				t.Error(err)
				return
			}
		}
	}()
	deadline := time.Now().Add(4 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond) // sampling NVML's own 1/6 s to 1 s windows
		gpus, err := n.GPUs()
		if err != nil {
			t.Fatal(err)
		}
		others, err := n.Utilization()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("device utilization %3d%%, attributed to others %3d%%", gpus[0].Utilization, others)
	}
	cancel()
	<-done
}
