package wasm

import (
	"encoding/binary"
	"math"
)

// A tiny assembler for hand-made test modules: sections from Go values,
// code from byte slices built with the helpers below.

type asmImport struct {
	module, name string
	kind         byte   // 0 function, 1 table, 2 memory, 3 global
	typ          uint32 // type index, for functions
	desc         []byte // raw descriptor, for other kinds
}

type asmFunc struct {
	typ    uint32
	locals []byte // one value type per local
	code   []byte // instructions, without the final end
}

type asmExport struct {
	name string
	kind byte
	idx  uint32
}

type asmModule struct {
	types   []funcType
	imports []asmImport
	funcs   []asmFunc
	tables  [][]byte // raw table types
	memory  []byte   // raw memory section body (count + limits), or nil
	globals [][]byte // raw global entries (type, mut, init expr with end)
	exports []asmExport
	start   *uint32
	elems   []byte // raw element section body
	dataCnt *uint32
	data    []byte // raw data section body
	extra   [][]byte
}

// sig is a function type from parameter and result value types.
func sig(params, results []byte) funcType { return funcType{params: params, results: results} }

func (m *asmModule) bytes() []byte {
	out := []byte("\x00asm\x01\x00\x00\x00")
	vec := func(n int, items ...[]byte) []byte {
		b := appendU32(nil, uint32(n))
		for _, it := range items {
			b = append(b, it...)
		}
		return b
	}
	if len(m.types) > 0 {
		var items [][]byte
		for _, t := range m.types {
			b := []byte{0x60}
			b = append(appendU32(b, uint32(len(t.params))), t.params...)
			b = append(appendU32(b, uint32(len(t.results))), t.results...)
			items = append(items, b)
		}
		out = appendSection(out, secType, vec(len(items), items...))
	}
	if len(m.imports) > 0 {
		var items [][]byte
		for _, im := range m.imports {
			b := appendName(appendName(nil, im.module), im.name)
			b = append(b, im.kind)
			if im.kind == 0 {
				b = appendU32(b, im.typ)
			} else {
				b = append(b, im.desc...)
			}
			items = append(items, b)
		}
		out = appendSection(out, secImport, vec(len(items), items...))
	}
	if len(m.funcs) > 0 {
		var items [][]byte
		for _, f := range m.funcs {
			items = append(items, appendU32(nil, f.typ))
		}
		out = appendSection(out, secFunction, vec(len(items), items...))
	}
	if len(m.tables) > 0 {
		out = appendSection(out, secTable, vec(len(m.tables), m.tables...))
	}
	if m.memory != nil {
		out = appendSection(out, secMemory, m.memory)
	}
	if len(m.globals) > 0 {
		out = appendSection(out, secGlobal, vec(len(m.globals), m.globals...))
	}
	if len(m.exports) > 0 {
		var items [][]byte
		for _, e := range m.exports {
			b := append(appendName(nil, e.name), e.kind)
			items = append(items, appendU32(b, e.idx))
		}
		out = appendSection(out, secExport, vec(len(items), items...))
	}
	if m.start != nil {
		out = appendSection(out, secStart, appendU32(nil, *m.start))
	}
	if m.elems != nil {
		out = appendSection(out, secElement, m.elems)
	}
	if m.dataCnt != nil {
		out = appendSection(out, secDataCount, appendU32(nil, *m.dataCnt))
	}
	if len(m.funcs) > 0 {
		var items [][]byte
		for _, f := range m.funcs {
			body := appendU32(nil, uint32(len(f.locals)))
			for _, l := range f.locals {
				body = append(body, 1, l)
			}
			body = append(body, f.code...)
			body = append(body, opEnd)
			items = append(items, append(appendU32(nil, uint32(len(body))), body...))
		}
		out = appendSection(out, secCode, vec(len(items), items...))
	}
	if m.data != nil {
		out = appendSection(out, secData, m.data)
	}
	for _, x := range m.extra {
		out = append(out, x...)
	}
	return out
}

// Instruction helpers.

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func i32c(v int32) []byte { return appendS64([]byte{opI32Const}, int64(v)) }
func i64c(v int64) []byte { return appendS64([]byte{opI64Const}, v) }
func f32c(v float32) []byte {
	return binary.LittleEndian.AppendUint32([]byte{opF32Const}, math.Float32bits(v))
}
func f64c(v float64) []byte {
	return binary.LittleEndian.AppendUint64([]byte{opF64Const}, math.Float64bits(v))
}
func call(f uint32) []byte      { return appendU32([]byte{opCall}, f) }
func localGet(i uint32) []byte  { return appendU32([]byte{opLocalGet}, i) }
func localSet(i uint32) []byte  { return appendU32([]byte{opLocalSet}, i) }
func globalGet(i uint32) []byte { return appendU32([]byte{opGlobalGet}, i) }
func globalSet(i uint32) []byte { return appendU32([]byte{opGlobalSet}, i) }
func br(d uint32) []byte        { return appendU32([]byte{0x0c}, d) }
func brIf(d uint32) []byte      { return appendU32([]byte{0x0d}, d) }
func memarg(op byte, align, offset uint32) []byte {
	return appendU32(appendU32([]byte{op}, align), offset)
}

var (
	void     = funcType{}
	i32ToNil = sig([]byte{valI32}, nil)
)

// commandModule is a module with a 1-page memory, proc_exit imported as
// function 0, and _start (function 1) running code with the given locals.
func commandModule(locals []byte, code []byte) *asmModule {
	return &asmModule{
		types:   []funcType{void, i32ToNil},
		imports: []asmImport{{module: WASIModule, name: "proc_exit", typ: 1}},
		funcs:   []asmFunc{{typ: 0, locals: locals, code: code}},
		memory:  []byte{1, 0x00, 1},
		exports: []asmExport{{"_start", 0, 1}, {"memory", 2, 0}},
	}
}

// exitWith is code that exits with the i32 on top of the stack.
var exitWith = call(0)
