package wasm

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/meadow-net/meadow/examples/wasm/textfn"
)

// benchTexts are n rows of about 2 KB of English-like text: mixed case,
// punctuation, some non-ASCII, from a fixed seed.
func benchTexts(n int) ([]string, int64) {
	words := strings.Fields("the of and to in is was for on that with as by at from his it an were are which this be or has had not but first new one their also after its who all two other been more when there into time her would than can only may most over some city such made school later these between world up used under during many university war then national known both year where states about however through while including around state each out film season them well until against three early since music around before part being people because area team best second like series several well album born family final group john high city named life population game different town town river church café naïve façade")
	r := rand.New(rand.NewPCG(1, 2))
	var total int64
	texts := make([]string, n)
	for i := range texts {
		var b strings.Builder
		for b.Len() < 2000 {
			w := words[r.IntN(len(words))]
			if r.IntN(8) == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			b.WriteString(w)
			switch r.IntN(12) {
			case 0:
				b.WriteString(", ")
			case 1:
				b.WriteString(". ")
			case 2:
				b.WriteString("  ")
			default:
				b.WriteByte(' ')
			}
		}
		texts[i] = b.String()
		total += int64(len(texts[i]))
	}
	return texts, total
}

var cleanCols = []Column{{Name: "clean", Type: TypeString}}

// cleanerExtra are more sub-benchmarks of BenchmarkCleaner, registered by
// files behind build tags: cmodule_test.go (tag wasmc) adds the C cleaner's,
// which need clang. Each calls b.Run itself, on the same texts.
var cleanerExtra []func(b *testing.B, texts []string, total int64)

// BenchmarkCleaner compares the cleaner run as a WebAssembly module in the
// sandbox (stdin encoding, the module, output parsing, all included) with
// the same function called natively, on the same 500 rows (~1 MB). With
// -tags wasmc it also runs the cleaner written in C (cmodule_test.go).
func BenchmarkCleaner(b *testing.B) {
	texts, total := benchTexts(500)
	b.Run("native", func(b *testing.B) {
		b.SetBytes(total)
		for b.Loop() {
			for _, s := range texts {
				_ = textfn.Clean(s)
			}
		}
	})
	for _, interp := range []bool{false, true} {
		name := "wasm-compiler"
		if interp {
			name = "wasm-interpreter"
		}
		b.Run(name, func(b *testing.B) {
			m := mustLoad(b, sharedRuntime(b, interp), goModule(b, "cleaner"))
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
		})
	}
	for _, f := range cleanerExtra {
		f(b, texts, total)
	}
}

// BenchmarkMetering runs the cleaner module over the same rows
// instrumented (the sandbox's Run) and as the toolchain built it (plain
// wazero, same module configuration but no meter), both compiled.
func BenchmarkMetering(b *testing.B) {
	texts, total := benchTexts(500)
	wasm := goModule(b, "cleaner")
	b.Run("instrumented", func(b *testing.B) {
		m := mustLoad(b, sharedRuntime(b, false), wasm)
		b.SetBytes(total)
		for b.Loop() {
			if _, err := m.Run(context.Background(), "text", texts, cleanCols, DefaultLimits()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		ctx := context.Background()
		rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCoreFeatures(Features).WithDebugInfoEnabled(false))
		defer rt.Close(ctx)
		wasi_snapshot_preview1.MustInstantiate(ctx, rt)
		cm, err := rt.CompileModule(ctx, wasm)
		if err != nil {
			b.Fatal(err)
		}
		stdin := encodeInput("text", texts)
		b.SetBytes(total)
		for b.Loop() {
			var out bytes.Buffer
			clock := &virtualClock{}
			cfg := wazero.NewModuleConfig().WithName("").WithArgs(args...).
				WithStdin(bytes.NewReader(stdin)).WithStdout(&out).
				WithWalltime(clock.walltime, 1).WithNanotime(clock.nanotime, 1).WithNanosleep(clock.sleep).
				WithRandSource(&randStream{})
			mod, err := rt.InstantiateModule(ctx, cm, cfg)
			if err != nil && !strings.Contains(err.Error(), "exit_code(0)") {
				b.Fatal(err)
			}
			if mod != nil {
				mod.Close(ctx)
			}
			if _, f := parseOutput(out.Bytes(), cleanCols, len(texts)); f != nil {
				b.Fatal(f)
			}
		}
	})
}

// BenchmarkLoad measures Load of the cleaner module (2.5 MB): cold
// (instrument and compile; each iteration's bytes differ in a trailing
// custom section, so the cache misses), and a cache hit (SHA-256 of the
// bytes and a lookup). BenchmarkInstrument is the instrumenter alone.
func BenchmarkLoad(b *testing.B) {
	wasm := goModule(b, "cleaner")
	ctx := context.Background()
	for _, interp := range []bool{false, true} {
		name := "cold-compiler"
		if interp {
			name = "cold-interpreter"
		}
		b.Run(name, func(b *testing.B) {
			var opts []Option
			if interp {
				opts = append(opts, WithInterpreter())
			}
			r, err := New(ctx, append(opts, WithCache(1, 1<<30))...)
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close(ctx)
			b.SetBytes(int64(len(wasm)))
			i := 0
			for b.Loop() {
				i++
				mod := append(append([]byte(nil), wasm...), appendSection(nil, secCustom, appendName(nil, fmt.Sprint(i)))...)
				if _, err := r.Load(ctx, mod); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("cache-hit", func(b *testing.B) {
		r := sharedRuntime(b, false)
		mustLoad(b, r, wasm)
		b.SetBytes(int64(len(wasm)))
		for b.Loop() {
			if _, err := r.Load(ctx, wasm); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkInstrument(b *testing.B) {
	wasm := goModule(b, "cleaner")
	cfg := instrumentConfig{memCeiling: DefaultMemoryCeiling, tableCeil: tableCeiling, maxLocals: maxLocals}
	b.SetBytes(int64(len(wasm)))
	for b.Loop() {
		if _, _, err := instrument(wasm, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
