package wasm

import (
	"bytes"
	"context"
	"encoding/binary"
	"runtime"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	wapi "github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/meadow-net/meadow/examples/wasm/textfn"
)

// A hand-written WebAssembly kernel, standing in for what an optimizing
// toolchain (Rust, C, TinyGo) would emit, to measure what the sandbox gives
// such code: no Go runtime, one function, a tight byte loop over a lookup
// table in a data segment. It reads all of stdin, writes for each line
// {"text":"…"} the line {"clean":"…"} where clean is handClean of the text,
// and exits 0. handClean is the same algorithm in plain Go.

// handTable maps each byte to what handClean makes of it: ASCII letters
// lowercased, digits as they are, and a space for every other byte (a
// separator).
var handTable = func() (t [256]byte) {
	for c := range t {
		switch {
		case c >= 'A' && c <= 'Z':
			t[c] = byte(c) + ('a' - 'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			t[c] = byte(c)
		default:
			t[c] = ' '
		}
	}
	return t
}()

// handClean keeps the ASCII letters (lowercased) and digits of s and turns
// each run of other bytes (punctuation, white space, control bytes, every
// byte of a non-ASCII character) into one space, trimmed at both ends. It is
// the module's loop written in Go, branch-free like the module's: every
// byte stores its table entry, and the output position moves on unless
// that is a space following a space (or nothing).
func handClean(s string) string {
	b := make([]byte, len(s))
	q, kept := 0, 0 // kept: 1 if the last byte stored was kept
	for i := 0; i < len(s); i++ {
		t := handTable[s[i]]
		b[q] = t
		keep := 0
		if t > ' ' {
			keep = 1
		}
		q += keep | kept
		kept = keep
	}
	if q > 0 && b[q-1] == ' ' {
		q--
	}
	return string(b[:q])
}

// handCleanBranchy is handClean written the usual way, with branches
// (textfn.Clean's ASCII path); the benchmark reports both.
func handCleanBranchy(s string) string {
	b := make([]byte, 0, len(s))
	sp := true
	for i := 0; i < len(s); i++ {
		if t := handTable[s[i]]; t != ' ' {
			b = append(b, t)
			sp = false
		} else if !sp {
			b = append(b, ' ')
			sp = true
		}
	}
	if n := len(b); n > 0 && b[n-1] == ' ' {
		b = b[:n-1]
	}
	return string(b)
}

// Opcodes of the hand-written kernel (i32 unless named).
const (
	hLoad    = 0x28 // i32.load
	hLoad8U  = 0x2d
	hStore   = 0x36
	hStore64 = 0x37 // i64.store
	hStore8  = 0x3a
	hStore16 = 0x3b
	hMemSize = 0x3f
	hEqz     = 0x45
	hEq      = 0x46
	hNe      = 0x47
	hLtU     = 0x49
	hGtU     = 0x4b
	hGeU     = 0x4f
	hAdd     = 0x6a
	hSub     = 0x6b
	hOr      = 0x72
	hShl     = 0x74
	hShrU    = 0x76
)

// Memory layout: the lookup table at 0 (256 bytes), an iovec and a result
// word at handIOV, stdin from handIn (page 1) to inEnd, the output right
// after it. Memory grows as needed.
const (
	handIOV = 256
	handIn  = 65536
)

// The kernel's locals.
const (
	lInEnd = iota // end of stdin in memory
	lRoom         // free bytes after lInEnd
	lP            // read position
	lQ            // write position
	lT            // table entry of the current byte
	lKept         // 1 if the last byte stored was kept
	lKeep         // 1 if the current byte is kept
	lN            // scratch
	lOut          // start of the output
	handLocals
)

// handModule assembles the kernel. Its table is handTable, with 1 for the
// backslash that starts an escape and 2 for the quote that ends the text:
// both are separators, and both end the inner loop. stdin is in the
// canonical form of docs/wasm.md, so a line is {"<column>":"<text>"}\n, the
// column name has no ':', and an escape is \u plus 4 hex digits or \ plus
// one byte; each stands for one byte below 0x20, '"' or '\', a separator.
// Non-ASCII text is raw UTF-8 bytes >= 0x80: separators too. Its memory
// starts at minPages (at least 2) and grows as stdin needs.
func handModule(minPages uint32) []byte {
	table := handTable
	table['\\'] = 1
	table['"'] = 2
	data := append(appendU32(nil, 1), 0x00, opI32Const, 0x00, opEnd) // one active segment at 0
	data = append(appendU32(data, uint32(len(table))), table[:]...)

	header := []byte(`{"clean":"`)
	le := binary.LittleEndian
	op := func(b ...byte) []byte { return b }
	memSize := op(hMemSize, 0)
	load8 := memarg(hLoad8U, 0, 0)

	code := cat(
		// Read all of stdin to handIn…inEnd, doubling memory whenever
		// less than 64 KiB is free.
		i32c(handIn), localSet(lInEnd),
		op(opLoop, 0x40),
		memSize, i32c(16), op(hShl), localGet(lInEnd), op(hSub, opLocalTee, lRoom), i32c(65536), op(hLtU, opIf, 0x40),
		memSize, op(opMemoryGrow, 0), i32c(-1), op(hEq, opIf, 0x40, opUnreachable, opEnd),
		memSize, i32c(16), op(hShl), localGet(lInEnd), op(hSub), localSet(lRoom),
		op(opEnd),
		i32c(handIOV), localGet(lInEnd), memarg(hStore, 2, 0),
		i32c(handIOV), localGet(lRoom), memarg(hStore, 2, 4),
		i32c(0), i32c(handIOV), i32c(1), i32c(handIOV+8), call(0), // fd_read(stdin, iov, 1, &n)
		op(opIf, 0x40), i32c(1), call(2), op(opEnd),
		i32c(handIOV+8), memarg(hLoad, 2, 0), op(opLocalTee, lN), localGet(lInEnd), op(hAdd), localSet(lInEnd),
		localGet(lN), brIf(0),
		op(opEnd),

		// Room for the output: a line of output is at most one byte longer
		// than its input line, which is at least 9 bytes, so
		// in + in/8 + 64 bytes are enough.
		localGet(lInEnd), localSet(lOut),
		localGet(lOut), localGet(lInEnd), i32c(handIn), op(hSub, opLocalTee, lN, hAdd),
		localGet(lN), i32c(3), op(hShrU, hAdd), i32c(64), op(hAdd, opLocalTee, lN),
		memSize, i32c(16), op(hShl, hGtU, opIf, 0x40),
		localGet(lN), memSize, i32c(16), op(hShl, hSub), i32c(16), op(hShrU), i32c(1), op(hAdd),
		op(opMemoryGrow, 0), i32c(-1), op(hEq, opIf, 0x40, opUnreachable, opEnd),
		op(opEnd),

		// One line at a time.
		localGet(lOut), localSet(lQ), i32c(handIn), localSet(lP),
		op(opBlock, 0x40), op(opLoop, 0x40),
		localGet(lP), localGet(lInEnd), op(hGeU), brIf(1),
		// Skip {"<column>": and the opening quote.
		op(opLoop, 0x40),
		localGet(lP), load8, localGet(lP), i32c(1), op(hAdd), localSet(lP), i32c(':'), op(hNe), brIf(0),
		op(opEnd),
		localGet(lP), i32c(1), op(hAdd), localSet(lP),
		// Write {"clean":" (10 bytes: an i64 and an i16 store).
		localGet(lQ), i64c(int64(le.Uint64(header))), memarg(hStore64, 0, 0),
		localGet(lQ), i32c(int32(le.Uint16(header[8:]))), memarg(hStore16, 0, 8),
		localGet(lQ), i32c(int32(len(header))), op(hAdd), localSet(lQ),
		i32c(0), localSet(lKept),
		op(opLoop, 0x40), // back here after an escape
		// The byte loop, without branches but its back edge:
		//   t = table[*p++]; *q = t; keep = t > ' '; q += keep | kept; kept = keep
		// until t is 1 (a backslash) or 2 (the closing quote).
		op(opLoop, 0x40),
		localGet(lQ), localGet(lP), load8, load8, op(opLocalTee, lT), memarg(hStore8, 0, 0),
		localGet(lQ), localGet(lT), i32c(' '), op(hGtU, opLocalTee, lKeep), localGet(lKept), op(hOr, hAdd), localSet(lQ),
		localGet(lKeep), localSet(lKept),
		localGet(lP), i32c(1), op(hAdd), localSet(lP),
		localGet(lT), i32c(2), op(hGtU), brIf(0),
		op(opEnd),
		// The 1 or 2 just stored is a separator: if q moved past it, it is
		// the last byte, and becomes a space (the bytes before q are the
		// header or kept bytes or spaces, all above 2).
		localGet(lQ), i32c(1), op(hSub, opLocalTee, lN), load8, i32c(3), op(hLtU, opIf, 0x40),
		localGet(lN), i32c(' '), memarg(hStore8, 0, 0),
		op(opEnd),
		// A backslash: skip the escape (p += 1, or 5 after a 'u'), go on.
		localGet(lT), i32c(1), op(hEq, opIf, 0x40),
		localGet(lP), localGet(lP), load8, i32c('u'), op(hEq), i32c(2), op(hShl, hAdd), i32c(1), op(hAdd), localSet(lP),
		br(1),
		op(opEnd),
		op(opEnd),
		// The closing quote: drop a trailing space (the header ends with a
		// quote, so an empty result has none), write "}\n, skip }\n.
		localGet(lQ), localGet(lQ), i32c(1), op(hSub), load8, i32c(' '), op(hEq, hSub), localSet(lQ),
		localGet(lQ), i32c(int32(le.Uint16([]byte(`"}`)))), memarg(hStore16, 0, 0),
		localGet(lQ), i32c('\n'), memarg(hStore8, 0, 2),
		localGet(lQ), i32c(3), op(hAdd), localSet(lQ),
		localGet(lP), i32c(2), op(hAdd), localSet(lP),
		br(0),
		op(opEnd, opEnd),

		// Write lOut…q to stdout, then exit 0.
		localGet(lOut), localSet(lP),
		op(opBlock, 0x40), op(opLoop, 0x40),
		localGet(lQ), localGet(lP), op(hSub, opLocalTee, lN, hEqz), brIf(1),
		i32c(handIOV), localGet(lP), memarg(hStore, 2, 0),
		i32c(handIOV), localGet(lN), memarg(hStore, 2, 4),
		i32c(1), i32c(handIOV), i32c(1), i32c(handIOV+8), call(1), // fd_write(stdout, iov, 1, &n)
		op(opIf, 0x40), i32c(1), call(2), op(opEnd),
		localGet(lP), i32c(handIOV+8), memarg(hLoad, 2, 0), op(hAdd), localSet(lP),
		br(0),
		op(opEnd, opEnd),
		i32c(0), call(2),
	)
	ioType := sig([]byte{valI32, valI32, valI32, valI32}, []byte{valI32})
	m := &asmModule{
		types: []funcType{void, i32ToNil, ioType},
		imports: []asmImport{
			{module: WASIModule, name: "fd_read", typ: 2},
			{module: WASIModule, name: "fd_write", typ: 2},
			{module: WASIModule, name: "proc_exit", typ: 1},
		},
		funcs:   []asmFunc{{typ: 0, locals: bytes.Repeat([]byte{valI32}, handLocals), code: code}},
		memory:  appendU32([]byte{1, 0x00}, minPages),
		exports: []asmExport{{"_start", 0, 3}, {"memory", 2, 0}},
		data:    data,
	}
	return m.bytes()
}

// handEdgeCases are texts that exercise every path of the kernel.
var handEdgeCases = []string{
	"", " ", "a", "Z", "9", "  ", "...", "a b", "  Hello,  World!  ", "ABCxyz019",
	`"`, `\`, `""`, `\\`, `"quoted"`, `back\slash`, `a\u0041b`, `\u`, `\n`, `x"`, `x\`,
	"tab\tnew\nline\rcr\bbs\fff", "\x00\x01\x1f\x7fctrl", "end\n",
	"café naïve façade", "日本語 text", "a\u2028b\u2029c", "caf\xff\xfe", "\xff", "x\xc3",
	`{"text":"inner"}`, "a:b::c", "}\n{", "MiXeD CaSe 123abc!!!DEF",
	strings.Repeat("word ", 20000), strings.Repeat("!", 70000), strings.Repeat("Ab9", 30000),
	func() string { // every byte value
		var b []byte
		for c := range 256 {
			b = append(b, byte(c))
		}
		return string(b)
	}(),
}

// runHandmade runs the kernel over texts and checks every row against
// handClean.
func runHandmade(t *testing.T, m *Module, texts []string) Result {
	t.Helper()
	res, err := m.Run(context.Background(), "text", texts, cleanCols, DefaultLimits())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(res.Rows) != len(texts) {
		t.Fatalf("%d rows for %d texts", len(res.Rows), len(texts))
	}
	for i, row := range res.Rows {
		if got, want := row[0].(string), handClean(texts[i]); got != want {
			t.Fatalf("row %d: text %.80q: module wrote %.80q, handClean %.80q", i, texts[i], got, want)
		}
	}
	return res
}

// TestHandmadeKernel checks the hand-written kernel's output against the
// same algorithm in Go, on the benchmark's texts and on edge cases, with
// both engines; and the Go functions against each other and, on ASCII
// text, against textfn.Clean.
func TestHandmadeKernel(t *testing.T) {
	bench, _ := benchTexts(500)
	for _, s := range append(append([]string(nil), handEdgeCases...), bench...) {
		if a, b := handClean(s), handCleanBranchy(s); a != b {
			t.Fatalf("text %.80q: handClean %.80q, handCleanBranchy %.80q", s, a, b)
		}
		if isASCII(s) {
			if a, b := handClean(s), textfn.Clean(s); a != b {
				t.Fatalf("ASCII text %.80q: handClean %.80q, textfn.Clean %.80q", s, a, b)
			}
		}
	}
	mod := handModule(2)
	fuel := map[bool]uint64{} // of the first 50 rows, by engine (interpreter or not)
	engines(t, func(t *testing.T, r *Runtime) {
		m := mustLoad(t, r, mod)
		texts := bench
		if r.opts.interpreter {
			texts = bench[:50] // the interpreter is ~30× slower
		}
		res := runHandmade(t, m, texts)
		if res.FuelUsed == 0 {
			t.Error("no fuel used")
		}
		runHandmade(t, m, handEdgeCases)
		for _, s := range handEdgeCases {
			runHandmade(t, m, []string{s})
		}
		runHandmade(t, m, nil)
		if !r.opts.interpreter { // the benchmark's variant with memory enough for the run
			runHandmade(t, mustLoad(t, r, handModule(64)), bench)
		}
		fuel[r.opts.interpreter] = runHandmade(t, m, bench[:50]).FuelUsed
	})
	if fuel[false] != fuel[true] {
		t.Errorf("fuel of 50 rows: %d with the compiler, %d with the interpreter", fuel[false], fuel[true])
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// BenchmarkHandmade compares the hand-written kernel in the sandbox with the
// same function called natively, on BenchmarkCleaner's 500 rows (~1 MB):
//
//   - native: handClean over the texts (native-branchy: handCleanBranchy);
//   - wasm-compiler: the sandbox's Run (stdin encoding, the instrumented
//     module, output parsing), compiled, back to back, so that each run
//     finds the buffers the last one left (memory.go);
//   - wasm-compiler-gc: the same with a garbage collection (untimed)
//     before each run, which drops those buffers: a run that starts
//     afresh, as one after a pause would;
//   - wasm-plain: the module as assembled, in plain wazero without the
//     meter, compiled, with the same host work (encoding stdin, parsing
//     stdout) in each iteration;
//   - start-plain, start-metered: the module's own time, in plain wazero,
//     as assembled and as instrumented with the sandbox's meter: only its
//     _start call is timed (reading stdin, growing memory, the loop,
//     writing stdout), not instantiating it or the host's JSON;
//   - loop-plain, loop-metered: the same with the module's memory starting
//     at 64 pages (4 MiB), enough for the run, so that _start grows none:
//     the byte loop and the copies of stdin and stdout;
//   - host-json: that host work alone (encoding stdin into a reused buffer
//     and parseOutput), so that the module's own time in the sandbox is
//     about wasm-compiler minus host-json.
func BenchmarkHandmade(b *testing.B) {
	texts, total := benchTexts(500)
	mod := handModule(2)
	for _, f := range []struct {
		name string
		fn   func(string) string
	}{{"native", handClean}, {"native-branchy", handCleanBranchy}} {
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(total)
			for b.Loop() {
				for _, s := range texts {
					_ = f.fn(s)
				}
			}
		})
	}
	b.Run("wasm-compiler", func(b *testing.B) {
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
	})
	b.Run("wasm-compiler-gc", func(b *testing.B) {
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
	b.Run("wasm-plain", func(b *testing.B) {
		ctx := context.Background()
		rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCoreFeatures(Features).WithDebugInfoEnabled(false))
		defer rt.Close(ctx)
		wasi_snapshot_preview1.MustInstantiate(ctx, rt)
		cm, err := rt.CompileModule(ctx, mod)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(total)
		var out bytes.Buffer
		for b.Loop() {
			stdin := encodeInput("text", texts)
			out.Reset()
			cfg := wazero.NewModuleConfig().WithName("").WithArgs(args...).
				WithStdin(bytes.NewReader(stdin)).WithStdout(&out)
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
	for _, grown := range []bool{false, true} {
		for _, metered := range []bool{false, true} {
			name, mod := "start", mod
			if grown {
				name, mod = "loop", handModule(64)
			}
			if metered {
				name += "-metered"
			} else {
				name += "-plain"
			}
			b.Run(name, func(b *testing.B) { benchStart(b, mod, metered, texts, total) })
		}
	}
	b.Run("host-json", func(b *testing.B) {
		var out []byte // what the module writes
		for _, s := range texts {
			out = append(appendJSONString(append(out, `{"clean":`...), handClean(s)), '}', '\n')
		}
		var in []byte
		b.SetBytes(total)
		for b.Loop() {
			in = appendInput(in[:0], "text", texts) // into the last run's buffer, as Run does
			if _, f := parseOutput(out, cleanCols, len(texts)); f != nil {
				b.Fatal(f)
			}
		}
	})
}

// benchStart times only the _start call of mod over texts, in plain wazero,
// instrumented with the fuel meter (fuel enough never to tick) or not.
func benchStart(b *testing.B, mod []byte, metered bool, texts []string, total int64) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCoreFeatures(Features).WithDebugInfoEnabled(false))
	defer rt.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	if metered {
		var err error
		cfg := instrumentConfig{memCeiling: DefaultMemoryCeiling, tableCeil: tableCeiling, maxLocals: maxLocals}
		if mod, _, err = instrument(mod, cfg); err != nil {
			b.Fatal(err)
		}
		if _, err := rt.NewHostModuleBuilder(TickModule).NewFunctionBuilder().
			WithFunc(func(context.Context) { panic("tick") }).Export(TickName).Instantiate(ctx); err != nil {
			b.Fatal(err)
		}
	}
	cm, err := rt.CompileModule(ctx, mod)
	if err != nil {
		b.Fatal(err)
	}
	stdin := encodeInput("text", texts)
	var out bytes.Buffer
	run := func() { // with the timer stopped, times the _start call
		out.Reset()
		out.Grow(len(stdin) + len(stdin)/8)
		cfg := wazero.NewModuleConfig().WithName("").WithStartFunctions().WithArgs(args...).
			WithStdin(bytes.NewReader(stdin)).WithStdout(&out)
		inst, err := rt.InstantiateModule(ctx, cm, cfg)
		if err != nil {
			b.Fatal(err)
		}
		if metered {
			inst.ExportedGlobal(exportFuel).(wapi.MutableGlobal).Set(1 << 62)
			inst.ExportedGlobal(exportDepth).(wapi.MutableGlobal).Set(uint64(DefaultLimits().CallDepth))
		}
		start := inst.ExportedFunction("_start")
		b.StartTimer()
		_, err = start.Call(ctx)
		b.StopTimer()
		if err != nil && !strings.Contains(err.Error(), "exit_code(0)") {
			b.Fatal(err)
		}
		inst.Close(ctx)
		if _, f := parseOutput(out.Bytes(), cleanCols, len(texts)); f != nil {
			b.Fatal(f)
		}
	}
	// Warm up, so that the Go heap has grown to the run's size before
	// timing: otherwise the first of these benchmarks pays for it.
	b.StopTimer()
	for range 5 {
		run()
	}
	b.SetBytes(total)
	b.ResetTimer()
	b.StopTimer()
	for range b.N {
		run()
	}
}
