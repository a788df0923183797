package wasm

import (
	"context"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// engines runs f once with the compiler runtime and once with the
// interpreter runtime: every result must be the same on both.
func engines(t *testing.T, f func(t *testing.T, r *Runtime)) {
	t.Helper()
	for _, interp := range []bool{false, true} {
		name := "compiler"
		if interp {
			name = "interpreter"
		}
		t.Run(name, func(t *testing.T) { f(t, sharedRuntime(t, interp)) })
	}
}

// runHand loads a hand-made module and runs it over no rows.
func runHand(t *testing.T, r *Runtime, mod []byte, lim Limits) (Result, error) {
	t.Helper()
	m := mustLoad(t, r, mod)
	return m.Run(context.Background(), "text", nil, resultCol, lim)
}

// TestFuelDefinition checks FuelUsed against counts done by hand from
// DESIGN.md's definition, on both engines.
func TestFuelDefinition(t *testing.T) {
	// block, loop, end and nop cost nothing; every other instruction 1.
	// A counted loop of 10 iterations:
	//   loop                    segment 1: {loop} = 0
	//     local.get 0 … br_if 0 segment 2: 7 instructions, 10 times
	//   end                     the loop's end ends no segment …
	// end                       … so segment 3 is {end, end} = 0
	counted := commandModule([]byte{valI32}, cat(
		[]byte{opLoop, 0x40},
		localGet(0), i32c(1), []byte{0x6a}, []byte{opLocalTee, 0}, i32c(10), []byte{0x49}, brIf(0),
		[]byte{opEnd},
	))
	// memory.fill of 64 KiB: one segment of 4 instructions (and the
	// function's end) plus 65536>>6.
	fill := commandModule(nil, cat(i32c(0), i32c(0), i32c(65536), []byte{0xfc, 11, 0}))
	// if/else: the condition's segment {i32.const, if} = 2, the then arm
	// {i32.const, drop, else} = 3, then {end} = 0 (the else arm's segment,
	// {i32.const, drop, end}, is skipped: else jumps past the if's end).
	ifElse := commandModule(nil, cat(
		i32c(1), []byte{opIf, 0x40}, i32c(5), []byte{0x1a}, []byte{opElse}, i32c(6), []byte{0x1a}, []byte{opEnd},
	))
	// Nested blocks and a br out of them: {block, block, nop, i32.const,
	// drop, br 1} = 3, the skipped {i32.const, drop, end}, then {end} = 0.
	blocks := commandModule(nil, cat(
		[]byte{opBlock, 0x40, opBlock, 0x40, 0x01}, i32c(1), []byte{0x1a}, br(1), i32c(2), []byte{0x1a, opEnd, opEnd},
	))
	tests := []struct {
		name string
		mod  []byte
		fuel uint64
	}{
		{name: "counted loop", mod: counted.bytes(), fuel: 10 * 7},
		{name: "memory.fill", mod: fill.bytes(), fuel: 4 + 1024},
		{name: "if else", mod: ifElse.bytes(), fuel: 2 + 3},
		{name: "blocks", mod: blocks.bytes(), fuel: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			engines(t, func(t *testing.T, r *Runtime) {
				res, err := runHand(t, r, tt.mod, testLimits())
				if err != nil {
					t.Fatal(err)
				}
				if res.FuelUsed != tt.fuel {
					t.Errorf("fuel used %d, want %d", res.FuelUsed, tt.fuel)
				}
			})
		})
	}
}

// handFuel is the fuel of the hand-made hostile runs.
const handFuel = 10_000_000

// TestHostileHandmade covers what is easier to pin down in a few bytes.
func TestHostileHandmade(t *testing.T) {
	infinite := commandModule(nil, cat([]byte{opLoop, 0x40}, br(0), []byte{opEnd}))
	recursive := commandModule(nil, call(2))
	recursive.funcs = append(recursive.funcs, asmFunc{typ: 0, code: call(2)})
	exit := func(code uint32) []byte {
		return commandModule(nil, cat(i32c(int32(code)), exitWith)).bytes()
	}
	grow := commandModule(nil, cat(i32c(100), []byte{opMemoryGrow, 0}, i32c(-1), []byte{0x46, opIf, 0x40, opUnreachable, opEnd}))
	bigMin := commandModule(nil, nil)
	bigMin.memory = []byte{1, 0x00, 0x80, 0x08} // 1024 pages
	startLoops := commandModule(nil, nil)
	startLoops.funcs = append(startLoops.funcs, asmFunc{typ: 0, code: cat([]byte{opLoop, 0x40}, br(0), []byte{opEnd})})
	two := uint32(2)
	startLoops.start = &two
	// The start function stores 42; _start exits with what it finds.
	startRuns := commandModule(nil, cat(i32c(0), memarg(0x28, 2, 0), exitWith))
	startRuns.funcs = append(startRuns.funcs, asmFunc{typ: 0, code: cat(i32c(0), i32c(42), memarg(0x36, 2, 0))})
	startRuns.start = &two
	trap := commandModule(nil, cat(i32c(1), i32c(0), []byte{0x6d}, []byte{0x1a})) // i32.div_s by zero

	tests := []struct {
		name string
		mod  []byte
		lim  func(*Limits)
		kind Kind
		code uint32
		msg  string
		fuel uint64 // 0: not checked
	}{
		{name: "infinite loop", mod: infinite.bytes(), kind: KindFuelExhausted, fuel: handFuel},
		{name: "recursion", mod: recursive.bytes(), kind: KindTrap, msg: "call depth exceeded: more than 1000 nested calls", fuel: 1000},
		{name: "recursion at the maximum depth", mod: recursive.bytes(), lim: func(l *Limits) { l.CallDepth = MaxCallDepth }, kind: KindTrap, msg: "call depth exceeded", fuel: MaxCallDepth},
		{name: "exit 0", mod: exit(0)},
		{name: "exit 1", mod: exit(1), kind: KindExitCode, code: 1},
		{name: "exit 255", mod: exit(255), kind: KindExitCode, code: 255},
		{name: "exit 256", mod: exit(256), kind: KindExitCode, code: 256},
		{name: "exit max uint32", mod: exit(math.MaxUint32), kind: KindExitCode, code: math.MaxUint32},
		{name: "exit with wazero's deadline code", mod: exit(sys.ExitCodeDeadlineExceeded), kind: KindExitCode, code: sys.ExitCodeDeadlineExceeded},
		{name: "memory.grow past the limit", mod: grow.bytes(), lim: func(l *Limits) { l.MemoryPages = 50 }, kind: KindMemoryExceeded},
		{name: "memory.grow within the limit", mod: grow.bytes(), lim: func(l *Limits) { l.MemoryPages = 101 }},
		{name: "memory minimum above the limit", mod: bigMin.bytes(), lim: func(l *Limits) { l.MemoryPages = 1000 }, kind: KindMemoryExceeded, msg: "starts at 1024 pages"},
		{name: "start function is metered", mod: startLoops.bytes(), kind: KindFuelExhausted},
		{name: "start function runs first", mod: startRuns.bytes(), kind: KindExitCode, code: 42},
		{name: "division by zero", mod: trap.bytes(), kind: KindTrap, msg: "integer divide by zero"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			engines(t, func(t *testing.T, r *Runtime) {
				lim := testLimits()
				lim.Fuel = handFuel // the interpreter runs a tight loop at ~15M iterations/s
				if tt.lim != nil {
					tt.lim(&lim)
				}
				var fuel []uint64
				for range 2 { // twice: the same outcome and fuel each time
					res, err := runHand(t, r, tt.mod, lim)
					fuel = append(fuel, res.FuelUsed)
					if tt.kind == "" {
						if err != nil {
							t.Fatalf("Run: %v", err)
						}
						continue
					}
					f := failureOf(t, err)
					if f.Kind != tt.kind || f.ExitCode != tt.code || !strings.Contains(f.Message, tt.msg) {
						t.Fatalf("failure %v (exit code %d): want kind %s, exit code %d, message with %q", f, f.ExitCode, tt.kind, tt.code, tt.msg)
					}
				}
				if fuel[0] != fuel[1] {
					t.Errorf("fuel used %d then %d", fuel[0], fuel[1])
				}
				if tt.fuel != 0 && fuel[0] != tt.fuel {
					t.Errorf("fuel used %d, want %d", fuel[0], tt.fuel)
				}
			})
		})
	}
}

// TestNaNCanonical checks that NaN bits never reach memory or integers as
// the machine made them: x86 makes 0/0 a negative NaN, ARM a positive one.
func TestNaNCanonical(t *testing.T) {
	div32 := cat(f32c(0), f32c(0), []byte{0x95}) // f32.div
	div64 := cat(f64c(0), f64c(0), []byte{0xa3}) // f64.div
	tests := []struct {
		name string
		code []byte
		want uint32
	}{
		{name: "i32.reinterpret_f32", code: cat(div32, []byte{opI32ReinterpF}), want: 0x7fc00000},
		{name: "f64.store", code: cat(i32c(0), div64, memarg(opF64Store, 3, 0), i32c(4), memarg(0x28, 2, 0)), want: 0x7ff80000},
		{name: "f32.store", code: cat(i32c(0), div32, memarg(opF32Store, 2, 0), i32c(0), memarg(0x28, 2, 0)), want: 0x7fc00000},
		{name: "i64.reinterpret_f64", code: cat(div64, []byte{opI64ReinterpF}, i64c(32), []byte{0x88, 0xa7}), want: 0x7ff80000},
		{name: "copysign takes the canonical sign", code: cat(f32c(1), div32, []byte{opF32Copysign, opI32ReinterpF}), want: 0x3f800000},
		{name: "negative NaN constant stored", code: cat(i32c(0), f64c(math.Float64frombits(0xfff8000000000001)), memarg(opF64Store, 3, 0), i32c(4), memarg(0x28, 2, 0)), want: 0x7ff80000},
		{name: "numbers pass unchanged", code: cat(f32c(float32(math.Copysign(0, -1))), []byte{opI32ReinterpF}), want: 0x80000000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mod := commandModule(nil, cat(tt.code, exitWith)).bytes()
			engines(t, func(t *testing.T, r *Runtime) {
				_, err := runHand(t, r, mod, testLimits())
				f := failureOf(t, err)
				if f.Kind != KindExitCode || f.ExitCode != tt.want {
					t.Fatalf("failure %v, exit code %#x: want exit code %#x", f, f.ExitCode, tt.want)
				}
			})
		})
	}

	// Without the instrumentation the bits are the machine's: on amd64
	// 0/0 is 0xffc00000, which is why the canonicalization is needed.
	if runtime.GOARCH == "amd64" {
		ctx := context.Background()
		rt := wazero.NewRuntime(ctx)
		defer rt.Close(ctx)
		wasi_snapshot_preview1.MustInstantiate(ctx, rt)
		_, err := rt.Instantiate(ctx, commandModule(nil, cat(div32, []byte{opI32ReinterpF}, exitWith)).bytes())
		if ee, ok := err.(*sys.ExitError); !ok || ee.ExitCode() != 0xffc00000 {
			t.Errorf("uninstrumented 0/0 on amd64: %v, expected exit code 0xffc00000", err)
		}
	}
}

// TestLoadRefuses checks that Load names what is wrong with a module.
func TestLoadRefuses(t *testing.T) {
	r := sharedRuntime(t, false)
	good := func() *asmModule { return commandModule(nil, nil) }
	with := func(f func(m *asmModule)) []byte {
		m := good()
		f(m)
		return m.bytes()
	}
	tests := []struct {
		name string
		mod  []byte
		kind Kind
		msg  string
	}{
		{name: "empty", mod: nil, kind: KindInvalidModule, msg: "not a WebAssembly module"},
		{name: "text", mod: []byte("(module)"), kind: KindInvalidModule, msg: "not a WebAssembly module"},
		{name: "component", mod: []byte("\x00asm\x0d\x00\x01\x00"), kind: KindInvalidModule, msg: "components are not supported"},
		{name: "truncated", mod: good().bytes()[:20], kind: KindInvalidModule, msg: "declared"},
		{name: "import env.foo", mod: with(func(m *asmModule) {
			m.imports = append(m.imports, asmImport{module: "env", name: "foo", typ: 0})
			m.exports[0].idx = 2
		}), kind: KindForbiddenImport, msg: `module: import "env"."foo": only wasi_snapshot_preview1 functions are available`},
		{name: "unknown WASI function", mod: with(func(m *asmModule) {
			m.imports[0].name = "sock_open"
		}), kind: KindForbiddenImport, msg: `wasi_snapshot_preview1 has no function "sock_open"`},
		{name: "WASI function with the wrong type", mod: with(func(m *asmModule) {
			m.imports[0].typ = 0
		}), kind: KindForbiddenImport, msg: "imported with type [] -> []; wasi_snapshot_preview1.proc_exit has type [i32] -> []"},
		{name: "imported memory", mod: with(func(m *asmModule) {
			m.imports = append(m.imports, asmImport{module: WASIModule, name: "memory", kind: 2, desc: []byte{0, 1}})
		}), kind: KindForbiddenImport, msg: "a memory; only wasi_snapshot_preview1 functions"},
		{name: "no _start", mod: with(func(m *asmModule) { m.exports[0].name = "main" }), kind: KindInvalidModule, msg: `no function "_start" exported`},
		{name: "reactor", mod: with(func(m *asmModule) { m.exports[0].name = "_initialize" }), kind: KindInvalidModule, msg: "WASI reactor"},
		{name: "_start with parameters", mod: with(func(m *asmModule) { m.funcs[0].typ = 1 }), kind: KindInvalidModule, msg: `export "_start": type [i32] -> []`},
		{name: "reserved export", mod: with(func(m *asmModule) { m.exports = append(m.exports, asmExport{"meadow_fuel", 0, 1}) }), kind: KindInvalidModule, msg: `export "meadow_fuel": the name is reserved`},
		{name: "SIMD", mod: with(func(m *asmModule) { m.funcs[0].code = []byte{0xfd, 0x0c} }), kind: KindInvalidModule, msg: "SIMD is not available"},
		{name: "v128 local", mod: with(func(m *asmModule) { m.funcs[0].locals = []byte{valV128} }), kind: KindInvalidModule, msg: "SIMD is not available"},
		{name: "atomics", mod: with(func(m *asmModule) { m.funcs[0].code = []byte{0xfe, 0x03, 0x00} }), kind: KindInvalidModule, msg: "threads are not available"},
		{name: "shared memory", mod: with(func(m *asmModule) { m.memory = []byte{1, 0x03, 1, 2} }), kind: KindInvalidModule, msg: "shared memory: threads are not available"},
		{name: "two memories", mod: with(func(m *asmModule) { m.memory = []byte{2, 0, 1, 0, 1} }), kind: KindInvalidModule, msg: "2 memories"},
		{name: "memory minimum above the ceiling", mod: with(func(m *asmModule) { m.memory = []byte{1, 0x00, 0x80, 0x80, 0x04} }), kind: KindMemoryExceeded, msg: "above the sandbox's ceiling of 16384 pages"},
		{name: "tail call", mod: with(func(m *asmModule) { m.funcs[0].code = []byte{0x12, 0x01} }), kind: KindInvalidModule, msg: "tail calls are not available"},
		{name: "exceptions", mod: with(func(m *asmModule) { m.funcs[0].code = []byte{0x08, 0x00} }), kind: KindInvalidModule, msg: "exception handling is not available"},
		{name: "too many locals", mod: withLocals(50_001), kind: KindInvalidModule, msg: "more than 50000 locals"},
		{name: "huge table", mod: with(func(m *asmModule) { m.tables = [][]byte{{valFuncref, 0x00, 0x80, 0x80, 0x80, 0x01}} }), kind: KindInvalidModule, msg: "above the sandbox's ceiling of 1048576"},
		{name: "type mismatch in code (wazero's validation)", mod: with(func(m *asmModule) { m.funcs[0].code = i64c(1) }), kind: KindInvalidModule, msg: "module: "},
		{name: "unknown opcode", mod: with(func(m *asmModule) { m.funcs[0].code = []byte{0xc5} }), kind: KindInvalidModule, msg: "opcode 0xc5: unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.Load(context.Background(), tt.mod)
			if err == nil {
				t.Fatalf("Load accepted the module; want a %s failure with %q", tt.kind, tt.msg)
			}
			f := failureOf(t, err)
			if f.Kind != tt.kind || !strings.Contains(f.Error(), tt.msg) {
				t.Fatalf("failure %q (kind %s): want kind %s with %q", f.Error(), f.Kind, tt.kind, tt.msg)
			}
		})
	}
}

// withLocals is commandModule with _start declaring n i32 locals in one
// group (the assembler writes one group per local).
func withLocals(n uint32) []byte {
	body := append(appendU32([]byte{1}, n), valI32, opEnd)
	code := append(appendU32(appendU32(nil, 1), uint32(len(body))), body...)
	full := commandModule(nil, nil).bytes()
	out := []byte("\x00asm\x01\x00\x00\x00")
	r := &reader{b: full, off: 8}
	for !r.done() {
		id, _ := r.byte()
		size, _ := r.u32()
		sec, _ := r.bytes(size)
		if id == secCode {
			sec = code
		}
		out = appendSection(out, id, sec)
	}
	return out
}
