package wasm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"reflect"
	"strconv"
	"sync"
	"testing"

	"github.com/tetratelabs/wazero"
)

// kitchenSink is a module that uses every kind of instruction the
// instrumenter treats differently: calls (direct, indirect), blocks with
// multi-value types, loops, if/else with results, br_table, float stores
// and reinterpretations, copysign, sign extension, saturating truncation,
// bulk memory (passive data, init, drop, fill, copy), typed select,
// references and table operations, a start function and a custom section.
// It exits with 53 when all of them did what they should.
func kitchenSink() *asmModule {
	add := func(code ...[]byte) []byte { // l0 += (code's i32)
		return cat(cat(code...), localGet(0), []byte{0x6a}, localSet(0))
	}
	eq := func(v int32) []byte { return cat(i32c(v), []byte{0x46}) }
	start := cat(
		i32c(21), i32c(0), []byte{opCallIndirect, 2, 0}, localSet(0), // 42
		[]byte{opBlock, 3}, call(3), []byte{opEnd}, []byte{0x6a}, localGet(0), []byte{0x6a}, localSet(0), // +1+2 = 45
		[]byte{opBlock, 0x40, opLoop, 0x40},
		localGet(0), i32c(1), []byte{0x6b, opLocalTee, 0}, i32c(40), []byte{0x4a}, brIf(0), br(1),
		[]byte{opEnd, opEnd}, // 40
		add(localGet(0), eq(40), []byte{opIf, 0x7f}, i32c(1), []byte{opElse}, i32c(0), []byte{opEnd}), // 41
		[]byte{opBlock, 0x40, opBlock, 0x40, opBlock, 0x40}, i32c(1), []byte{0x0e, 2, 0, 1, 2}, []byte{opEnd},
		add(i32c(100)), []byte{opEnd},
		add(i32c(1)), []byte{opEnd}, // 42
		i32c(16), f64c(1.5), memarg(opF64Store, 3, 0),
		add(f32c(-2), f32c(1), []byte{opF32Copysign, opI32ReinterpF}, eq(0x40000000)),                          // 43
		add(i32c(16), memarg(0x2b, 3, 0), []byte{opI64ReinterpF}, i64c(52), []byte{opI64ShrU, 0xa7}, eq(1023)), // 44
		add(i32c(0xff), []byte{0xc0}, i32c(1), []byte{0x6a}),                                                   // +0
		add(f64c(1e20), []byte{0xfc, 2}, eq(math.MaxInt32)),                                                    // 45
		i32c(100), i32c(0), i32c(3), []byte{0xfc, 8, 0, 0}, []byte{0xfc, 9, 0},
		i32c(200), i32c(7), i32c(10), []byte{0xfc, 11, 0},
		i32c(300), i32c(200), i32c(10), []byte{0xfc, 10, 0, 0},
		add(i32c(305), memarg(0x2d, 0, 0), eq(7)),                      // 46
		add(i32c(101), memarg(0x2d, 0, 0), eq(98)),                     // 47: 'b'
		add(globalGet(0), eq(7)),                                       // 48: set by the start function
		add(i32c(5), i32c(6), i32c(0), []byte{0x1c, 1, valI32}, eq(6)), // 49
		add([]byte{0xd0, valFuncref, 0xd1}),                            // 50
		[]byte{0xd2, 2, 0xd1, 0x1a},
		add([]byte{0xfc, 16, 0}, eq(2)), // 51
		[]byte{0xd0, valFuncref}, i32c(1), []byte{0xfc, 15, 0, 0x1a},
		i32c(2), []byte{0xd2, 2}, i32c(1), []byte{0xfc, 17, 0},
		add(i32c(2), []byte{0x25, 0, 0xd1, 0x45}), // 52
		add([]byte{0x3f, 0}),                      // 53: memory.size
		localGet(0), exitWith,
	)
	four := uint32(4)
	one := uint32(1)
	return &asmModule{
		types: []funcType{
			void, i32ToNil,
			sig([]byte{valI32}, []byte{valI32}),
			sig(nil, []byte{valI32, valI32}),
		},
		imports: []asmImport{{module: WASIModule, name: "proc_exit", typ: 1}},
		funcs: []asmFunc{
			{typ: 0, locals: []byte{valI32, valI64, valF32, valF64}, code: start},
			{typ: 2, code: cat(localGet(0), i32c(2), []byte{0x6c})},
			{typ: 3, code: cat(i32c(1), i32c(2))},
			{typ: 0, code: cat(i32c(7), globalSet(0))},
		},
		tables:  [][]byte{{valFuncref, 0x00, 2}},
		memory:  []byte{1, 0x00, 1},
		globals: [][]byte{{valI32, 0x01, opI32Const, 0, opEnd}},
		exports: []asmExport{{"_start", 0, 1}, {"memory", 2, 0}},
		start:   &four,
		elems:   []byte{1, 0x00, opI32Const, 0, opEnd, 2, 2, 3},
		dataCnt: &one,
		data:    []byte{1, 0x01, 3, 'a', 'b', 'c'},
		extra:   [][]byte{appendSection(nil, secCustom, append(appendName(nil, "meadow-test"), 1, 2, 3))},
	}
}

func TestKitchenSink(t *testing.T) {
	mod := kitchenSink().bytes()
	engines(t, func(t *testing.T, r *Runtime) {
		var fuel []uint64
		for range 2 {
			res, err := runHand(t, r, mod, testLimits())
			f := failureOf(t, err)
			if f.Kind != KindExitCode || f.ExitCode != 53 {
				t.Fatalf("%v (exit code %d), want exit code 53", f, f.ExitCode)
			}
			fuel = append(fuel, res.FuelUsed)
		}
		if fuel[0] != fuel[1] || fuel[0] == 0 {
			t.Fatalf("fuel used %v", fuel)
		}
	})
}

// fuzzRT compiles modules for the fuzz targets: the interpreter (fast to
// compile), the sandbox's features, and wazero's default memory limit, so
// that a module whose memory maximum the instrumenter clamps still counts
// as valid when it is.
var fuzzRT = sync.OnceValue(func() wazero.Runtime {
	return wazero.NewRuntimeWithConfig(context.Background(), wazero.NewRuntimeConfigInterpreter().WithCoreFeatures(Features))
})

func compiles(b []byte) error {
	ctx := context.Background()
	c, err := fuzzRT().CompileModule(ctx, b)
	if err == nil {
		c.Close(ctx)
	}
	return err
}

// wasiNames accepts the WASI functions by name and type, as a Runtime does.
var fuzzWASI = sync.OnceValue(func() *Runtime {
	r, err := New(context.Background(), WithInterpreter())
	if err != nil {
		panic(err)
	}
	return r
})

// FuzzLoad feeds the loader arbitrary bytes. It must never panic; it
// refuses with a *Failure, or its output is a module wazero accepts
// whenever wazero accepts the original; and it never turns a module wazero
// refuses into one it accepts.
func FuzzLoad(f *testing.F) {
	sink := kitchenSink().bytes()
	f.Add(sink)
	f.Add(commandModule(nil, nil).bytes())
	f.Add(commandModule([]byte{valI32}, cat([]byte{opLoop, 0x40}, br(0), []byte{opEnd})).bytes())
	f.Add(withLocals(3))
	for _, n := range []int{9, 20, 40, len(sink) / 2, len(sink) - 1} {
		f.Add(sink[:n])
	}
	for _, i := range []int{10, 30, 60, 90, 120} {
		b := append([]byte(nil), sink...)
		if i < len(b) {
			b[i] ^= 0x41
		}
		f.Add(b)
	}
	// The Go-built test modules: prefixes always, and whole ones (2 to 5
	// MB, a second each to compile) only as seeds of a plain test run, not
	// as inputs for the fuzzer to mutate.
	for name := range goModules {
		b := goModule(f, name)
		for _, n := range []int{1 << 10, 8 << 10, 64 << 10} {
			f.Add(b[:n])
		}
		if !fuzzing() {
			f.Add(b)
		}
	}
	cfg := instrumentConfig{memCeiling: DefaultMemoryCeiling, tableCeil: tableCeiling, maxLocals: maxLocals}
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg.checkImport = fuzzWASI().checkImport
		out, _, err := instrument(b, cfg)
		if err != nil {
			var fl *Failure
			if !errors.As(err, &fl) {
				t.Fatalf("refusal is a %T, not a *Failure: %v", err, err)
			}
			return
		}
		// The original's framing is sound now (instrument read it); compare
		// it without its custom sections, which the engine would parse
		// unchecked and the instrumenter drops.
		origErr := compiles(stripCustom(b))
		outErr := compiles(out)
		if origErr == nil && outErr != nil {
			t.Fatalf("wazero accepts the module but not its instrumented form: %v", outErr)
		}
		if origErr != nil && outErr == nil {
			t.Fatalf("wazero refuses the module (%v) but accepts its instrumented form", origErr)
		}
	})
}

// FuzzParseLine feeds the output parser arbitrary lines. It must never
// panic, and whatever it accepts is JSON that encoding/json reads to the
// same values.
func FuzzParseLine(f *testing.F) {
	cols := []Column{
		{Name: "s", Type: TypeString}, {Name: "i", Type: TypeInt64}, {Name: "f", Type: TypeFloat64},
		{Name: "b", Type: TypeBool}, {Name: "ls", Type: TypeStringList}, {Name: "li", Type: TypeInt64List},
	}
	for _, s := range []string{
		`{"s":"x","i":1,"f":1.5,"b":true,"ls":["a"],"li":[1]}`,
		` {"li":[],"ls":[],"b":false,"f":-0.0,"i":-9223372036854775808,"s":"\u00e9\ud83c\udf89\n\\\/"} `,
		`{"s":"","i":0,"f":1e308,"b":false,"ls":["\"",""],"li":[0,-1,9223372036854775807]}`,
		`{"s":"a","i":1.0}`, `{"s":null}`, `[]`, `{}`, `{"s":"\ud800"}`, "{\"s\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	p := newLineParser(cols)
	f.Fuzz(func(t *testing.T, line []byte) {
		row, _, err := p.parse(line)
		if err != nil {
			return
		}
		d := json.NewDecoder(bytesReader(line))
		d.UseNumber()
		var m map[string]any
		if err := d.Decode(&m); err != nil {
			t.Fatalf("accepted %q, which encoding/json refuses: %v", line, err)
		}
		for i, c := range cols {
			var want any
			switch v := m[c.Name]; c.Type {
			case TypeInt64:
				want, _ = strconv.ParseInt(string(v.(json.Number)), 10, 64)
			case TypeFloat64:
				x, _ := strconv.ParseFloat(string(v.(json.Number)), 64)
				want = x + 0 // -0 + 0 is 0, as the parser gives
			case TypeStringList:
				l := []string{}
				for _, e := range v.([]any) {
					l = append(l, e.(string))
				}
				want = l
			case TypeInt64List:
				l := []int64{}
				for _, e := range v.([]any) {
					n, _ := strconv.ParseInt(string(e.(json.Number)), 10, 64)
					l = append(l, n)
				}
				want = l
			default:
				want = v
			}
			if !reflect.DeepEqual(row[i], want) {
				t.Fatalf("line %q column %s: parsed %#v, encoding/json %#v", line, c.Name, row[i], want)
			}
		}
	})
}

// stripCustom removes the custom sections of a module whose framing is
// known to be sound.
func stripCustom(b []byte) []byte {
	out := append([]byte(nil), b[:8]...)
	r := &reader{b: b, off: 8}
	for !r.done() {
		id, _ := r.byte()
		n, _ := r.u32()
		body, _ := r.bytes(n)
		if id != secCustom {
			out = appendSection(out, id, body)
		}
	}
	return out
}

// fuzzing reports whether the test binary runs with -test.fuzz.
func fuzzing() bool {
	fl := flag.Lookup("test.fuzz")
	return fl != nil && fl.Value.String() != ""
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
