//go:build wasmc

package wasm

// The example cleaner written in C (examples/wasm/cleaner-c), built with
// clang for wasm32-wasi: a module from an optimizing toolchain, to measure
// issue 14's goal (a module at 0.5× native or better) where Go's own wasm
// port cannot reach it. Behind the build tag wasmc because it needs clang,
// lld and wasi-libc, which `make test` does not install; `make bench`
// installs them (scripts/deps-bench.sh) and runs this file:
//
//	go test -tags wasmc ./compute/wasm -run CModule
//	go test -tags wasmc ./compute/wasm -run '^$' -bench 'Cleaner/(native|wasm-compiler|wasm-c.*)$'

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"github.com/meadow-net/meadow/examples/wasm/textfn"
)

const cCleanerSource = "../../examples/wasm/cleaner-c/cleaner.c"

// cBuilds are the C cleaner's builds: as a buyer would build it, and with
// one-byte first buffers, so that every line straddles reads and the
// output buffer grows.
var cBuilds = map[string][]string{
	"cleaner-c":      nil,
	"cleaner-c-tiny": {"-DIN_BUF=1", "-DOUT_BUF=1"},
}

var (
	cBuildOnce sync.Once
	cBuilt     map[string][]byte
	cBuildErr  error
	cBuildTime time.Duration // of the default build
)

// cModule returns the bytes of a build of the C cleaner, made once per
// test binary with clang (-O2, stripped). A missing clang, wasm-ld or
// wasi-libc fails the test naming them.
func cModule(t testing.TB, name string) []byte {
	t.Helper()
	cBuildOnce.Do(func() {
		cBuilt = map[string][]byte{}
		clang, err := exec.LookPath("clang")
		if err != nil {
			cBuildErr = errors.New("clang is not installed")
			return
		}
		for build, flags := range cBuilds {
			out := filepath.Join(builtDir, build+".wasm")
			args := append([]string{"--target=wasm32-wasi", "-O2", "-Wall", "-Wextra", "-Werror", "-s", "-o", out}, flags...)
			args = append(args, cCleanerSource)
			start := time.Now()
			if msg, err := exec.Command(clang, args...).CombinedOutput(); err != nil {
				cBuildErr = fmt.Errorf("clang %s: %v\n%s", strings.Join(args, " "), err, msg)
				return
			}
			if flags == nil {
				cBuildTime = time.Since(start)
			}
			if cBuilt[build], err = os.ReadFile(out); err != nil {
				cBuildErr = err
				return
			}
		}
	})
	if cBuildErr != nil {
		t.Fatalf("building the C cleaner needs clang with the wasm32-wasi target, lld (wasm-ld) and wasi-libc "+
			"(Debian: apt-get install clang lld wasi-libc libclang-rt-dev-wasm32; scripts/deps-bench.sh installs them): %v", cBuildErr)
	}
	return cBuilt[name]
}

// cCodePointTexts are rows holding every code point from 0x80 up, but the
// surrogates, 256 to a row, each row starting with an ASCII letter.
func cCodePointTexts() []string {
	var texts []string
	var b []byte
	for r := rune(utf8.RuneSelf); r <= utf8.MaxRune; r++ {
		if r >= 0xD800 && r < 0xE000 {
			continue
		}
		if len(b) == 0 {
			b = append(b, 'X')
		}
		b = utf8.AppendRune(b, r)
		if r%256 == 255 {
			texts = append(texts, string(b))
			b = b[:0]
		}
	}
	return append(texts, string(b))
}

// cTexts are the texts TestCModule runs: the benchmark's rows, the example
// modules' samples, the hand-written kernel's edge cases, every code point,
// long rows of non-ASCII text and every escape of the input encoding.
func cTexts() []string {
	bench, _ := benchTexts(500)
	texts := append(append(append([]string(nil), bench...), sampleTexts()...), handEdgeCases...)
	texts = append(texts, cCodePointTexts()...)
	texts = append(texts,
		strings.Repeat("Ünïcödé ÀÉÎ ", 20000),
		strings.Repeat("Ⱥ", 50000), // lowercase is longer: 2 bytes become 3
		strings.Repeat("\"\\\n\r\t\b\f\x01\x1f", 10000),
		strings.Repeat("a", 1<<20),
		"\U0010FFFF\uFFFD\uFEFF\u00AD\u200B\u0301a\u0301",
	)
	return texts
}

// runCModule runs m over texts and checks every row against textfn.Clean
// (of the text as the module sees it, with invalid UTF-8 replaced).
func runCModule(t *testing.T, m *Module, texts []string) Result {
	t.Helper()
	res, err := m.Run(context.Background(), "text", texts, cleanCols, DefaultLimits())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(res.Rows) != len(texts) {
		t.Fatalf("%d rows for %d texts", len(res.Rows), len(texts))
	}
	bad := 0
	for i, row := range res.Rows {
		if got, want := row[0].(string), textfn.Clean(fixUTF8(texts[i])); got != want {
			if bad++; bad <= 5 {
				t.Errorf("row %d: text %.80q: module wrote %.80q, textfn.Clean %.80q", i, texts[i], got, want)
			}
		}
	}
	return res
}

// TestCModule runs the C cleaner in the sandbox and checks its rows against
// textfn.Clean: all of cTexts with the compiler, a sample of them with
// the interpreter (30 times slower), on which the two engines must agree
// on the fuel.
func TestCModule(t *testing.T) {
	texts := cTexts()
	var sample []string
	for i, s := range texts {
		if i%16 == 0 || len(s) < 100 {
			sample = append(sample, s)
		}
	}
	for _, build := range []string{"cleaner-c", "cleaner-c-tiny"} {
		t.Run(build, func(t *testing.T) {
			mod := cModule(t, build)
			fuel := map[bool]uint64{}
			engines(t, func(t *testing.T, r *Runtime) {
				m := mustLoad(t, r, mod)
				fuel[r.opts.interpreter] = runCModule(t, m, sample).FuelUsed
				if r.opts.interpreter {
					return
				}
				res := runCModule(t, m, texts)
				start := runCModule(t, m, nil).FuelUsed
				for _, few := range [][]string{{""}, {"A"}, texts[:1], texts[len(texts)-1:]} {
					runCModule(t, m, few)
				}
				t.Logf("%s: fuel of a run of no rows (start-up and exit): %d", build, start)
				t.Logf("%s: %d rows, %d bytes in, %d out, fuel %d (%.1f a byte)", build, len(texts), res.InputBytes, res.OutputBytes,
					res.FuelUsed, float64(res.FuelUsed)/float64(res.InputBytes))
			})
			if fuel[false] != fuel[true] {
				t.Errorf("fuel: %d with the compiler, %d with the interpreter", fuel[false], fuel[true])
			}
		})
	}
	t.Logf("C cleaner: %d bytes, built in %s", len(cModule(t, "cleaner-c")), cBuildTime.Round(time.Millisecond))
}

// stdinRunner runs modules as built (no meter) in plain wazero on any
// stdin, canonical or not: for comparing the C cleaner with the Go one
// byte for byte, errors included.
type stdinRunner struct {
	rt  wazero.Runtime
	mod map[string]wazero.CompiledModule
}

func newStdinRunner(t testing.TB, mods map[string][]byte) *stdinRunner {
	t.Helper()
	ctx := context.Background()
	// WithCloseOnContextDone: a module that loops is stopped by run's
	// deadline (without it a fuzzing worker would hang silently).
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCoreFeatures(Features).WithCloseOnContextDone(true))
	t.Cleanup(func() { rt.Close(ctx) })
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	s := &stdinRunner{rt: rt, mod: map[string]wazero.CompiledModule{}}
	for name, b := range mods {
		cm, err := rt.CompileModule(ctx, b)
		if err != nil {
			t.Fatalf("compiling %s: %v", name, err)
		}
		s.mod[name] = cm
	}
	return s
}

// run returns what module name writes to stdout and stderr for stdin, and
// its exit code.
func (s *stdinRunner) run(t testing.TB, name string, stdin []byte) (stdout, stderr string, code uint32) {
	t.Helper()
	var o, e bytes.Buffer
	cfg := wazero.NewModuleConfig().WithName("").WithArgs(args...).
		WithStdin(bytes.NewReader(stdin)).WithStdout(&o).WithStderr(&e)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	mod, err := s.rt.InstantiateModule(ctx, s.mod[name], cfg)
	var exit *sys.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("%s did not finish in 20 s on stdin %.300q", name, stdin)
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", name, err)
	}
	if mod != nil {
		mod.Close(context.Background())
	}
	return o.String(), e.String(), code
}

// compare runs the Go cleaner and the C cleaners on stdin and fails unless
// they exit with the same code and stderr, and, on success, the same
// stdout. (After a failure the Go cleaner's stdout is what its 64 KiB
// buffer had flushed, which the C one's larger buffer need not match.)
func (s *stdinRunner) compare(t testing.TB, stdin []byte) {
	t.Helper()
	wantOut, wantErr, wantCode := s.run(t, "cleaner", stdin)
	for _, c := range []string{"cleaner-c", "cleaner-c-tiny"} {
		out, errOut, code := s.run(t, c, stdin)
		if code != wantCode || errOut != wantErr || (code == 0 && out != wantOut) {
			t.Fatalf("stdin %.300q:\n Go cleaner: exit %d, stderr %q, stdout %.300q\n %s: exit %d, stderr %q, stdout %.300q",
				stdin, wantCode, wantErr, wantOut, c, code, errOut, out)
		}
	}
}

// cStdinPieces are what the random stdins are made of: the parts of a
// line, escapes good and bad, surrogates, UTF-8 valid, invalid and cut
// short, and text.
var cStdinPieces = []string{
	`{"text":"`, `{"t":"`, `"}`, "\n", `\`, `\u`, `u`, `d83c`, `dc00`, `DBFF`, `DFFF`, `00e9`, `0041`, `12`, `g`, `"`, `:`, `{`, `}`,
	"a", "B", "z", "0", " ", ",", ".", "\t", "\r", "\x00", "\x7f", "é", "É", "ﬀ", "Ⱥ", "K", "Ω", "Ⓐ", "🎉", "\u2028", "\u00a0", "\ufffd",
	"\xc3", "\xa9", "\xe2\x84", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\x80", "\xff", "\x80",
	`\n`, `\t`, `\/`, `\"`, `\\`, `\é`, `\` + "\xa9", "hello", "World",
}

func randomStdin(r *rand.Rand) []byte {
	var b []byte
	lines := r.IntN(5)
	for l := 0; l < lines; l++ {
		if r.IntN(6) > 0 {
			b = append(b, `{"text":"`...)
		}
		for range r.IntN(20) {
			b = append(b, cStdinPieces[r.IntN(len(cStdinPieces))]...)
		}
		if r.IntN(6) > 0 {
			b = append(b, `"}`...)
		}
		if l < lines-1 || r.IntN(3) > 0 {
			b = append(b, '\n')
		}
	}
	return b
}

// TestCModuleStdin compares the C cleaner with the Go cleaner on stdins
// the sandbox would never write (escapes of any byte, raw control bytes
// and invalid UTF-8, malformed lines, no final newline): the two read
// stdin the same way, errors included.
func TestCModuleStdin(t *testing.T) {
	s := newStdinRunner(t, map[string][]byte{
		"cleaner":        goModule(t, "cleaner"),
		"cleaner-c":      cModule(t, "cleaner-c"),
		"cleaner-c-tiny": cModule(t, "cleaner-c-tiny"),
	})
	for _, in := range cStdinSeeds() {
		s.compare(t, []byte(in))
	}
	r := rand.New(rand.NewPCG(14, 1))
	for range 400 {
		s.compare(t, randomStdin(r))
	}
}

func cStdinSeeds() []string {
	return []string{
		"", "\n", "\n\n", `{"text":"a"}`, `{"text":"a"}` + "\n\n", `{"text":"a"}` + "\n" + `{"text":"B"}`,
		`{"text":"x"} trailing junk` + "\n", `{"text":"x`, `{"text":"x\`, `{"text":"\u12"}`, `{"text":"\u12g4"}`,
		`{"text":"\ud83c\udf89"}`, `{"text":"\ud83c"}`, `{"text":"\udf89\ud83c"}`, `{"text":"\ud83c\u0041"}`, `{"text":"\ud83c\`,
		`{"text":"\ud83c\u"}`, `{"text":"\ud83c\x"}`, "{\"text\":\"\xc3\\\xa9\"}", "{\"text\":\"caf\xc3\"}",
		`{"text":"\u00c9t\u00C9"}`, `{"text"}`, `{"text":x}`, `["text":"x"]`, `:"x"`, `{:"x"}`, `{"a:b":"c"}`,
	}
}

// FuzzCModuleStdin is TestCModuleStdin's comparison on fuzzed stdins.
func FuzzCModuleStdin(f *testing.F) {
	for _, s := range cStdinSeeds() {
		f.Add([]byte(s))
	}
	s := newStdinRunner(f, map[string][]byte{
		"cleaner":        goModule(f, "cleaner"),
		"cleaner-c":      cModule(f, "cleaner-c"),
		"cleaner-c-tiny": cModule(f, "cleaner-c-tiny"),
	})
	f.Fuzz(func(t *testing.T, stdin []byte) { s.compare(t, stdin) })
}

func init() {
	cleanerExtra = append(cleanerExtra, benchCModule)
}

// benchCModule adds the C cleaner to BenchmarkCleaner, on the same texts
// as Cleaner/native (textfn.Clean) and Cleaner/wasm-compiler (the Go
// cleaner):
//
//   - wasm-c: the sandbox's Run (stdin encoding, the instrumented module,
//     output parsing), compiled, back to back, so that each run finds the
//     buffers the last one left (memory.go);
//   - wasm-c-gc: the same with a garbage collection (untimed) before each
//     run, which drops those buffers: a run that starts afresh;
//   - wasm-c-start, wasm-c-start-plain: the module's own time (only its
//     _start call, not instantiating it or the host's JSON), instrumented
//     with the meter and as built, in plain wazero;
//   - wasm-c-load-cold, wasm-c-load-hit: Load of the module (instrument and
//     compile, each iteration's bytes made different by a custom section),
//     and a cache hit;
//   - wasm-c-paired, wasm-c-gc-paired, wasm-compiler-paired: the ratio to
//     native measured in pairs (benchPaired), for the C cleaner, the same
//     after a GC, and the Go cleaner.
func benchCModule(b *testing.B, texts []string, total int64) {
	mod := cModule(b, "cleaner-c")
	b.Run("wasm-c-paired", func(b *testing.B) { benchPaired(b, mod, texts, total, false) })
	b.Run("wasm-c-gc-paired", func(b *testing.B) { benchPaired(b, mod, texts, total, true) })
	b.Run("wasm-compiler-paired", func(b *testing.B) { benchPaired(b, goModule(b, "cleaner"), texts, total, false) })
	b.Run("wasm-c", func(b *testing.B) {
		m := mustLoad(b, sharedRuntime(b, false), mod)
		b.SetBytes(total)
		var fuel uint64
		for b.Loop() {
			res, err := m.Run(context.Background(), "text", texts, cleanCols, DefaultLimits())
			if err != nil {
				b.Fatal(err)
			}
			fuel = res.FuelUsed
		}
		b.ReportMetric(float64(fuel)/float64(total), "fuel/byte")
		b.ReportMetric(float64(len(mod)), "module-bytes")
	})
	b.Run("wasm-c-gc", func(b *testing.B) {
		m := mustLoad(b, sharedRuntime(b, false), mod)
		b.SetBytes(total)
		for b.Loop() {
			b.StopTimer()
			runtime.GC() // drops the buffers kept from the last run
			b.StartTimer()
			if _, err := m.Run(context.Background(), "text", texts, cleanCols, DefaultLimits()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("wasm-c-start", func(b *testing.B) { benchStart(b, mod, true, texts, total) })
	b.Run("wasm-c-start-plain", func(b *testing.B) { benchStart(b, mod, false, texts, total) })
	b.Run("wasm-c-load-cold", func(b *testing.B) {
		ctx := context.Background()
		r, err := New(ctx, WithCache(1, 1<<30))
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close(ctx)
		i := 0
		for b.Loop() {
			i++
			m := append(append([]byte(nil), mod...), appendSection(nil, secCustom, appendName(nil, fmt.Sprint(i)))...)
			if _, err := r.Load(ctx, m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("wasm-c-load-hit", func(b *testing.B) {
		r := sharedRuntime(b, false)
		mustLoad(b, r, mod)
		for b.Loop() {
			if _, err := r.Load(context.Background(), mod); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchPaired times, in each iteration, textfn.Clean over texts natively
// and then a whole Run of mod (compiled, as wasm-c), and reports the ratio
// of the total times as x-native (the module's throughput as a share of
// native): each pair runs within a few milliseconds, so a load that comes
// and goes on a shared machine moves both sides alike, where separate
// benchmarks seconds apart can see different loads. With gc, a garbage
// collection (untimed) precedes each Run, as in wasm-c-gc.
func benchPaired(b *testing.B, mod []byte, texts []string, total int64, gc bool) {
	m := mustLoad(b, sharedRuntime(b, false), mod)
	b.SetBytes(total)
	var native, wasm time.Duration
	for b.Loop() {
		start := time.Now()
		for _, s := range texts {
			_ = textfn.Clean(s)
		}
		native += time.Since(start)
		if gc {
			b.StopTimer()
			runtime.GC()
			b.StartTimer()
		}
		start = time.Now()
		if _, err := m.Run(context.Background(), "text", texts, cleanCols, DefaultLimits()); err != nil {
			b.Fatal(err)
		}
		wasm += time.Since(start)
	}
	b.ReportMetric(float64(native)/float64(wasm), "x-native")
	b.ReportMetric(float64(native.Nanoseconds())/float64(b.N), "native-ns/op")
	b.ReportMetric(float64(wasm.Nanoseconds())/float64(b.N), "wasm-ns/op")
}
