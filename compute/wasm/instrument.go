package wasm

import (
	"bytes"
	"errors"
	"fmt"
)

// The instrumenter rewrites a module so that it meters itself and cannot
// observe anything that differs between machines. DESIGN.md defines what it
// injects exactly; in short:
//
//   - two mutable globals appended after the module's own (imported
//     globals are refused, so no global index moves): fuel (i64) and depth
//     (i32), exported as "meadow_fuel" and "meadow_depth" for the host;
//   - one imported function, meadow.tick, after the module's imports: the
//     module's own functions move up by one, in every place that names
//     them (calls, ref.func, element segments, global initializers,
//     exports, the start function);
//   - the body of every function is cut into segments, runs of
//     instructions that control enters only at the first and leaves only
//     after the last (segmenter says where they end); just before a
//     segment's last instruction, fuel is decreased by the segment's number
//     of instructions (block, loop, end and nop count 0: opCost), and when
//     fuel is below 0 the module calls tick, which grants the next slice
//     or ends the run. So fuel used is the number of the module's own
//     instructions executed (whole segments), the same on every machine;
//   - bulk memory and table operations also cost n/64 (n their length);
//   - at every function entry, depth is decreased by one and saved in a new
//     local; below 0 it traps; after every call the caller stores its saved
//     value back, so depth is the budget of frames left;
//   - floats are made canonical where their bits could become visible:
//     before f32.store, f64.store, i32.reinterpret_f32, i64.reinterpret_f64
//     and the sign operand of copysign, any NaN becomes the canonical quiet
//     NaN (0x7fc00000, 0x7ff8000000000000);
//   - a start section is removed and its function exported as
//     "meadow_start", so that the host sets fuel before any code runs;
//   - memory and table maxima are clamped to the sandbox's ceilings;
//   - custom sections are dropped.

// TickModule and TickName name the host function the instrumenter imports:
// the module calls it whenever its current slice of fuel runs out (see
// run.go's tick).
const (
	TickModule = "meadow"
	TickName   = "tick"
)

// Names the instrumenter adds to the module's exports.
const (
	exportFuel  = "meadow_fuel"
	exportDepth = "meadow_depth"
	exportStart = "meadow_start"
)

// Section ids.
const (
	secCustom    = 0
	secType      = 1
	secImport    = 2
	secFunction  = 3
	secTable     = 4
	secMemory    = 5
	secGlobal    = 6
	secExport    = 7
	secStart     = 8
	secElement   = 9
	secCode      = 10
	secData      = 11
	secDataCount = 12
	secTag       = 13
)

// sectionRank is the order in which non-custom sections must appear.
var sectionRank = [...]int{
	secType: 1, secImport: 2, secFunction: 3, secTable: 4, secMemory: 5,
	secTag: 6, secGlobal: 7, secExport: 8, secStart: 9, secElement: 10,
	secDataCount: 11, secCode: 12, secData: 13,
}

var sectionNames = [...]string{
	secCustom: "custom", secType: "type", secImport: "import", secFunction: "function",
	secTable: "table", secMemory: "memory", secGlobal: "global", secExport: "export",
	secStart: "start", secElement: "element", secCode: "code", secData: "data",
	secDataCount: "data count", secTag: "tag",
}

// Caps on what a module may declare, the ones WebAssembly engines commonly
// use (wasmparser's): the engine allocates by these counts, so they keep a
// forged module from making the node allocate far more than its size.
const (
	maxTypes         = 1_000_000
	maxFunctions     = 1_000_000
	maxImports       = 100_000
	maxExports       = 100_000
	maxGlobals       = 1_000_000
	maxTables        = 100
	maxElemSegments  = 100_000
	maxDataSegments  = 100_000
	maxTableEntries  = 10_000_000 // elements in one segment
	maxParams        = 1_000
	maxResults       = 1_000
	maxNameLen       = 100_000
	maxFunctionBytes = 7_654_321
)

// funcType is a function signature: parameter and result value types.
type funcType struct {
	params, results []byte
}

func (t funcType) equal(o funcType) bool {
	return bytes.Equal(t.params, o.params) && bytes.Equal(t.results, o.results)
}

// String writes the type as [params] -> [results].
func (t funcType) String() string {
	name := func(v []byte) string {
		s := "["
		for i, c := range v {
			if i > 0 {
				s += " "
			}
			s += valTypeName(c)
		}
		return s + "]"
	}
	return name(t.params) + " -> " + name(t.results)
}

func valTypeName(c byte) string {
	switch c {
	case valI32:
		return "i32"
	case valI64:
		return "i64"
	case valF32:
		return "f32"
	case valF64:
		return "f64"
	case valFuncref:
		return "funcref"
	case valExternref:
		return "externref"
	}
	return fmt.Sprintf("0x%02x", c)
}

// instrumentConfig is what the instrumenter needs from the runtime.
type instrumentConfig struct {
	// checkImport says whether a function import is allowed: nil, or an
	// error that names what is wrong with it.
	checkImport func(module, name string, t funcType) error
	memCeiling  uint32 // pages
	tableCeil   uint32 // elements
	maxLocals   uint32 // per function, parameters included
}

// moduleInfo is what the host needs to know about an instrumented module.
type moduleInfo struct {
	memMin    uint32 // the memory's minimum, in pages (0 without a memory)
	hasMemory bool
	hasStart  bool // a start function, exported as exportStart
	functions int  // defined functions
	loops     int  // loop instructions
}

type section struct {
	id   byte
	body []byte
	off  int // offset of the body in the module
}

// loadError builds the *Failure for a module the loader refuses.
func loadError(kind Kind, format string, args ...any) error {
	return &Failure{Kind: kind, Row: -1, Message: "module: " + fmt.Sprintf(format, args...)}
}

// instrument validates the parts of wasm it rewrites and returns the
// metered module. Errors are *Failure of kind KindInvalidModule,
// KindForbiddenImport or KindMemoryExceeded. It never panics, whatever the
// input (FuzzLoad).
func instrument(wasm []byte, cfg instrumentConfig) ([]byte, moduleInfo, error) {
	var info moduleInfo
	switch {
	case len(wasm) < 8 || string(wasm[:4]) != "\x00asm":
		return nil, info, loadError(KindInvalidModule, "not a WebAssembly module (no \\0asm header)")
	case string(wasm[4:8]) != "\x01\x00\x00\x00":
		return nil, info, loadError(KindInvalidModule, "binary format version %x: expected a core module, version 1 (components are not supported)", wasm[4:8])
	}
	r := &reader{b: wasm, off: 8}
	var secs []section
	seen := map[byte]bool{}
	lastRank := 0
	for !r.done() {
		start := r.pos()
		id, _ := r.byte()
		size, err := r.u32()
		if err != nil {
			return nil, info, loadError(KindInvalidModule, "section at byte %d: size: %v", start, err)
		}
		body, err := r.bytes(size)
		if err != nil {
			return nil, info, loadError(KindInvalidModule, "section %d at byte %d: %d bytes declared, %d left", id, start, size, r.remaining())
		}
		if int(id) >= len(sectionRank) || id != secCustom && sectionRank[id] == 0 {
			return nil, info, loadError(KindInvalidModule, "section id %d at byte %d: unknown section", id, start)
		}
		if id == secTag {
			return nil, info, loadError(KindInvalidModule, "tag section: exception handling is not available in the sandbox")
		}
		if id != secCustom {
			if seen[id] {
				return nil, info, loadError(KindInvalidModule, "%s section at byte %d: a second one", sectionNames[id], start)
			}
			if sectionRank[id] < lastRank {
				return nil, info, loadError(KindInvalidModule, "%s section at byte %d: out of order", sectionNames[id], start)
			}
			seen[id] = true
			lastRank = sectionRank[id]
		} else if _, err := (&reader{b: body}).name(); err != nil {
			return nil, info, loadError(KindInvalidModule, "custom section at byte %d: %v", start, err)
		}
		secs = append(secs, section{id: id, body: body, off: r.pos() - len(body)})
	}
	m := &modState{cfg: cfg}
	for _, s := range secs {
		if err := m.parse(s); err != nil {
			var f *Failure
			if errors.As(err, &f) {
				return nil, info, err
			}
			return nil, info, loadError(KindInvalidModule, "%s section: %v", sectionNames[s.id], err)
		}
	}
	if len(m.funcTypes) != m.codeCount {
		return nil, info, loadError(KindInvalidModule, "function section declares %d functions, code section has %d bodies", len(m.funcTypes), m.codeCount)
	}
	if m.hasDataCount && m.dataCount != m.dataSegments {
		return nil, info, loadError(KindInvalidModule, "data count section says %d segments, the data section has %d", m.dataCount, m.dataSegments)
	}
	if err := m.checkExports(); err != nil {
		return nil, info, err
	}
	if m.hasStart {
		t, ok := m.typeOfFunc(m.start)
		if !ok {
			return nil, info, loadError(KindInvalidModule, "start section: function %d does not exist", m.start)
		}
		if len(t.params) != 0 || len(t.results) != 0 {
			return nil, info, loadError(KindInvalidModule, "start section: function %d has type %s, expected [] -> []", m.start, t)
		}
	}
	m.fuelGlobal = m.numGlobals
	m.depthGlobal = m.numGlobals + 1
	m.tickType = uint32(len(m.types))
	for i, t := range m.types {
		if len(t.params) == 0 && len(t.results) == 0 {
			m.tickType = uint32(i)
			break
		}
	}

	out := make([]byte, 0, len(wasm)+len(wasm)/4+256)
	out = append(out, wasm[:8]...)
	// The import and global sections must exist in the output even when
	// the module has none: they are written before the first section that
	// ranks after them.
	pending := []byte{secImport, secGlobal}
	flush := func(rank int) {
		for len(pending) > 0 && sectionRank[pending[0]] < rank {
			out = appendSection(out, pending[0], m.sectionBody(pending[0], nil))
			pending = pending[1:]
		}
	}
	for _, s := range secs {
		if s.id == secCustom {
			// Dropped: the engine would parse names and DWARF from them,
			// more code fed untrusted input, and the sandbox's messages do
			// not use them.
			continue
		}
		flush(sectionRank[s.id])
		if len(pending) > 0 && pending[0] == s.id {
			pending = pending[1:]
		}
		switch s.id {
		case secStart:
			// Removed: exported as meadow_start and called by the host.
		case secCode:
			body, err := m.instrumentCode(s)
			if err != nil {
				return nil, info, err
			}
			out = appendSection(out, secCode, body)
		default:
			out = appendSection(out, s.id, m.sectionBody(s.id, s.body))
		}
	}
	flush(len(sectionRank) + 1)
	info = moduleInfo{
		memMin:    m.mem.min,
		hasMemory: m.hasMemory,
		hasStart:  m.hasStart,
		functions: len(m.funcTypes),
		loops:     m.loops,
	}
	return out, info, nil
}

// modState is what parsing the sections learns.
type modState struct {
	cfg           instrumentConfig
	types         []funcType
	importedFuncs []uint32 // type index per imported function
	funcTypes     []uint32 // type index per defined function
	numGlobals    uint32
	hasMemory     bool
	mem           limits
	memorySection []byte
	tableSection  []byte
	exportCount   uint32
	exportNames   map[string]exportDesc
	hasStart      bool
	start         uint32
	codeCount     int
	hasDataCount  bool
	dataCount     uint32
	dataSegments  uint32
	loops         int
	fuelGlobal    uint32
	depthGlobal   uint32
	tickFunc      uint32 // the index of the imported tick function
	tickType      uint32 // the index of the type [] -> [] (appended if absent)
	globalEntries []byte // the global section's entries, function indices shifted
	exportEntries []byte // the export section's entries, function indices shifted
	elemSection   []byte // the element section, function indices shifted
}

type exportDesc struct {
	kind byte
	idx  uint32
}

func (m *modState) typeOfFunc(idx uint32) (funcType, bool) {
	var ti uint32
	switch {
	case idx < uint32(len(m.importedFuncs)):
		ti = m.importedFuncs[idx]
	case uint64(idx)-uint64(len(m.importedFuncs)) < uint64(len(m.funcTypes)):
		ti = m.funcTypes[idx-uint32(len(m.importedFuncs))]
	default:
		return funcType{}, false
	}
	if ti >= uint32(len(m.types)) {
		return funcType{}, false
	}
	return m.types[ti], true
}

func (m *modState) parse(s section) error {
	r := &reader{b: s.body, base: s.off}
	var err error
	switch s.id {
	case secCustom:
		return nil
	case secType:
		err = m.parseTypes(r)
	case secImport:
		err = m.parseImports(r)
	case secFunction:
		var n uint32
		if n, err = r.countMax(1, maxFunctions, "functions"); err != nil {
			return err
		}
		m.funcTypes = make([]uint32, n)
		for i := range m.funcTypes {
			if m.funcTypes[i], err = r.u32(); err != nil {
				return err
			}
			if m.funcTypes[i] >= uint32(len(m.types)) {
				return fmt.Errorf("function %d: type index %d out of range (%d types)", i, m.funcTypes[i], len(m.types))
			}
		}
	case secTable:
		err = m.parseTables(r)
	case secMemory:
		err = m.parseMemory(r)
	case secGlobal:
		err = m.parseGlobals(r)
	case secExport:
		err = m.parseExports(r)
	case secStart:
		m.hasStart = true
		m.start, err = r.u32()
	case secCode:
		var n uint32
		n, err = r.countMax(1, maxFunctions, "functions")
		m.codeCount = int(n)
		return err // bodies are read when instrumenting
	case secElement:
		err = m.parseElements(r)
	case secData:
		err = m.parseData(r)
	case secDataCount:
		m.hasDataCount = true
		m.dataCount, err = r.u32()
	}
	if err != nil {
		return err
	}
	if !r.done() {
		return fmt.Errorf("%d bytes left over at byte %d", r.remaining(), r.pos())
	}
	return nil
}

func (m *modState) parseTypes(r *reader) error {
	n, err := r.countMax(3, maxTypes, "types")
	if err != nil {
		return err
	}
	m.types = make([]funcType, 0, n)
	for i := uint32(0); i < n; i++ {
		form, err := r.byte()
		if err != nil {
			return err
		}
		if form != 0x60 {
			return fmt.Errorf("type %d: form 0x%02x: only function types (0x60) are available", i, form)
		}
		var t funcType
		for j, dst := range []*[]byte{&t.params, &t.results} {
			k, err := r.countMax(1, []uint32{maxParams, maxResults}[j], []string{"parameters", "results"}[j])
			if err != nil {
				return fmt.Errorf("type %d: %v", i, err)
			}
			v := make([]byte, k)
			for j := range v {
				if v[j], err = r.valType(); err != nil {
					return fmt.Errorf("type %d: %v", i, err)
				}
			}
			*dst = v
		}
		m.types = append(m.types, t)
	}
	return nil
}

func (m *modState) parseImports(r *reader) error {
	n, err := r.countMax(4, maxImports, "imports")
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		mod, err := r.name()
		if err != nil {
			return fmt.Errorf("import %d: module name: %v", i, err)
		}
		name, err := r.name()
		if err != nil {
			return fmt.Errorf("import %d: name: %v", i, err)
		}
		kind, err := r.byte()
		if err != nil {
			return err
		}
		what := map[byte]string{0x01: "a table", 0x02: "a memory", 0x03: "a global", 0x04: "a tag"}[kind]
		if kind != 0x00 {
			if what == "" {
				return fmt.Errorf("import %q.%q: unknown import kind 0x%02x", mod, name, kind)
			}
			return loadError(KindForbiddenImport, "import %q.%q: %s; only wasi_snapshot_preview1 functions are available", mod, name, what)
		}
		ti, err := r.u32()
		if err != nil {
			return err
		}
		if ti >= uint32(len(m.types)) {
			return fmt.Errorf("import %q.%q: type index %d out of range (%d types)", mod, name, ti, len(m.types))
		}
		if m.cfg.checkImport != nil {
			if err := m.cfg.checkImport(mod, name, m.types[ti]); err != nil {
				return loadError(KindForbiddenImport, "import %q.%q: %v", mod, name, err)
			}
		}
		m.importedFuncs = append(m.importedFuncs, ti)
	}
	m.tickFunc = uint32(len(m.importedFuncs)) // the import section comes first
	return nil
}

func (m *modState) parseTables(r *reader) error {
	n, err := r.countMax(3, maxTables, "tables")
	if err != nil {
		return err
	}
	out := appendU32(nil, n)
	for i := uint32(0); i < n; i++ {
		rt, err := r.byte()
		if err != nil {
			return err
		}
		if rt != valFuncref && rt != valExternref {
			return fmt.Errorf("table %d: element type 0x%02x: expected funcref or externref", i, rt)
		}
		l, err := r.limits("table")
		if err != nil {
			return fmt.Errorf("table %d: %v", i, err)
		}
		if l.min > m.cfg.tableCeil {
			return fmt.Errorf("table %d: minimum %d elements is above the sandbox's ceiling of %d", i, l.min, m.cfg.tableCeil)
		}
		if !l.hasMax || l.max > m.cfg.tableCeil {
			l.hasMax, l.max = true, m.cfg.tableCeil
		}
		out = append(out, rt)
		out = appendLimits(out, l)
	}
	m.tableSection = out
	return nil
}

func (m *modState) parseMemory(r *reader) error {
	n, err := r.count(2)
	if err != nil {
		return err
	}
	switch {
	case n > 1:
		return fmt.Errorf("%d memories: at most one is available", n)
	case n == 0:
		m.memorySection = appendU32(nil, 0)
		return nil
	}
	l, err := r.limits("memory")
	if err != nil {
		return err
	}
	if l.min > m.cfg.memCeiling {
		return loadError(KindMemoryExceeded, "memory: minimum %d pages (%d MiB) is above the sandbox's ceiling of %d pages", l.min, uint64(l.min)*64/1024, m.cfg.memCeiling)
	}
	if !l.hasMax || l.max > m.cfg.memCeiling {
		l.hasMax, l.max = true, m.cfg.memCeiling
	}
	m.hasMemory = true
	m.mem = l
	m.memorySection = appendLimits(appendU32(nil, 1), l)
	return nil
}

func (m *modState) parseGlobals(r *reader) error {
	n, err := r.countMax(4, maxGlobals, "globals")
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		if _, err := r.valType(); err != nil {
			return fmt.Errorf("global %d: %v", i, err)
		}
		mut, err := r.byte()
		if err != nil {
			return err
		}
		if mut > 1 {
			return fmt.Errorf("global %d: mutability 0x%02x: expected 0 or 1", i, mut)
		}
		m.globalEntries = append(m.globalEntries, r.b[r.off-2:r.off]...)
		if m.globalEntries, err = m.constExpr(r, m.globalEntries); err != nil {
			return fmt.Errorf("global %d: initializer: %v", i, err)
		}
	}
	m.numGlobals = n
	return nil
}

// constExpr skips a constant expression up to and including its end.
func (r *reader) constExpr() error {
	_, err := (&modState{}).constExpr(r, nil)
	return err
}

// constExpr copies a constant expression, up to and including its end, to
// dst, with the function indices of ref.func shifted.
func (m *modState) constExpr(r *reader, dst []byte) ([]byte, error) {
	for {
		at := r.off
		op, err := r.instr()
		if err != nil {
			return nil, err
		}
		if op == opRefFunc {
			dst, _ = m.refFunc(dst, r.b[at:r.off])
		} else {
			dst = append(dst, r.b[at:r.off]...)
		}
		if op == opEnd {
			return dst, nil
		}
	}
}

// refFunc appends instr (a call or ref.func, already decoded) with its
// function index shifted.
func (m *modState) refFunc(dst, instr []byte) ([]byte, error) {
	f, err := (&reader{b: instr, off: 1}).u32()
	dst = append(dst, instr[0])
	return appendU32(dst, m.shift(f)), err
}

// parseElements checks the element section's framing, so that the engine
// never sees a forged count, and copies it with function indices shifted.
func (m *modState) parseElements(r *reader) error {
	n, err := r.countMax(2, maxElemSegments, "element segments")
	if err != nil {
		return err
	}
	out := appendU32(nil, n)
	for i := uint32(0); i < n; i++ {
		at := r.off
		flags, err := r.u32()
		if err != nil {
			return err
		}
		if flags > 7 {
			return fmt.Errorf("element segment %d: flags %d: expected 0 to 7", i, flags)
		}
		if flags&0b011 == 0b010 { // active with an explicit table
			if _, err := r.u32(); err != nil {
				return err
			}
		}
		out = append(out, r.b[at:r.off]...)
		if flags&0b001 == 0 { // active: an offset
			if out, err = m.constExpr(r, out); err != nil {
				return fmt.Errorf("element segment %d: offset: %v", i, err)
			}
		}
		if flags&0b011 != 0 { // an element kind or reference type
			c, err := r.byte()
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		k, err := r.countMax(1, maxTableEntries, "elements")
		if err != nil {
			return fmt.Errorf("element segment %d: %v", i, err)
		}
		out = appendU32(out, k)
		for ; k > 0; k-- {
			if flags&0b100 == 0 {
				var f uint32
				if f, err = r.u32(); err == nil {
					out = appendU32(out, m.shift(f))
				}
			} else {
				out, err = m.constExpr(r, out)
			}
			if err != nil {
				return fmt.Errorf("element segment %d: %v", i, err)
			}
		}
	}
	m.elemSection = out
	return nil
}

// parseData checks the data section's framing.
func (m *modState) parseData(r *reader) error {
	n, err := r.countMax(2, maxDataSegments, "data segments")
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		flags, err := r.u32()
		if err != nil {
			return err
		}
		switch flags {
		case 0:
		case 1:
		case 2:
			if _, err := r.u32(); err != nil {
				return err
			}
		default:
			return fmt.Errorf("data segment %d: flags %d: expected 0, 1 or 2", i, flags)
		}
		if flags != 1 {
			if err := r.constExpr(); err != nil {
				return fmt.Errorf("data segment %d: offset: %v", i, err)
			}
		}
		k, err := r.u32()
		if err != nil {
			return err
		}
		if _, err := r.bytes(k); err != nil {
			return fmt.Errorf("data segment %d: %d bytes declared, %d left", i, k, r.remaining())
		}
	}
	m.dataSegments = n
	return nil
}

func (m *modState) parseExports(r *reader) error {
	n, err := r.countMax(3, maxExports, "exports")
	if err != nil {
		return err
	}
	m.exportCount = n
	m.exportNames = make(map[string]exportDesc, n)
	for i := uint32(0); i < n; i++ {
		name, err := r.name()
		if err != nil {
			return fmt.Errorf("export %d: %v", i, err)
		}
		kind, err := r.byte()
		if err != nil {
			return err
		}
		if kind > 0x03 {
			return fmt.Errorf("export %q: kind 0x%02x: expected a function, table, memory or global", name, kind)
		}
		idx, err := r.u32()
		if err != nil {
			return err
		}
		if _, dup := m.exportNames[name]; dup {
			return fmt.Errorf("export %q: exported twice", name)
		}
		m.exportNames[name] = exportDesc{kind: kind, idx: idx}
		if kind == 0x00 {
			idx = m.shift(idx)
		}
		m.exportEntries = append(appendName(m.exportEntries, name), kind)
		m.exportEntries = appendU32(m.exportEntries, idx)
	}
	return nil
}

func (m *modState) checkExports() error {
	for _, n := range []string{exportFuel, exportDepth, exportStart} {
		if _, ok := m.exportNames[n]; ok {
			return loadError(KindInvalidModule, "export %q: the name is reserved for the sandbox's meter", n)
		}
	}
	e, ok := m.exportNames["_start"]
	if !ok || e.kind != 0x00 {
		hint := ""
		if _, ok := m.exportNames["_initialize"]; ok {
			hint = " (this is a WASI reactor, which exports _initialize)"
		}
		return loadError(KindInvalidModule, "no function \"_start\" exported%s: expected a WASI command module (GOOS=wasip1 GOARCH=wasm go build; Rust or C for wasm32-wasip1)", hint)
	}
	t, ok := m.typeOfFunc(e.idx)
	if !ok {
		return loadError(KindInvalidModule, "export \"_start\": function %d does not exist", e.idx)
	}
	if len(t.params) != 0 || len(t.results) != 0 {
		return loadError(KindInvalidModule, "export \"_start\": type %s, expected [] -> []", t)
	}
	return nil
}

// shift maps a function index of the module to its index in the output,
// where the tick import comes after the module's own imports.
func (m *modState) shift(f uint32) uint32 {
	if f >= m.tickFunc {
		return f + 1
	}
	return f
}

// sectionBody returns the output body of a section: orig rewritten, or
// made up when orig is nil.
func (m *modState) sectionBody(id byte, orig []byte) []byte {
	switch id {
	case secType:
		if m.tickType < uint32(len(m.types)) {
			return orig
		}
		r := &reader{b: orig}
		r.u32()
		out := appendU32(nil, uint32(len(m.types))+1)
		out = append(out, orig[r.off:]...)
		return append(out, 0x60, 0, 0)
	case secImport:
		out := appendU32(nil, uint32(len(m.importedFuncs))+1)
		if orig != nil {
			r := &reader{b: orig}
			r.u32()
			out = append(out, orig[r.off:]...)
		}
		out = appendName(appendName(out, TickModule), TickName)
		out = append(out, 0x00)
		return appendU32(out, m.tickType)
	case secTable:
		return m.tableSection
	case secMemory:
		return m.memorySection
	case secGlobal:
		// The meter's globals, appended: fuel (mutable i64) and depth
		// (mutable i32), 0 until the host sets them.
		out := appendU32(nil, m.numGlobals+2)
		out = append(out, m.globalEntries...)
		out = append(out, valI64, 0x01, opI64Const, 0x00, opEnd)
		return append(out, valI32, 0x01, opI32Const, 0x00, opEnd)
	case secExport:
		n := m.exportCount + 2
		if m.hasStart {
			n++
		}
		out := appendU32(nil, n)
		out = append(out, m.exportEntries...)
		out = appendName(out, exportFuel)
		out = append(out, 0x03)
		out = appendU32(out, m.fuelGlobal)
		out = appendName(out, exportDepth)
		out = append(out, 0x03)
		out = appendU32(out, m.depthGlobal)
		if m.hasStart {
			out = appendName(out, exportStart)
			out = append(out, 0x00)
			out = appendU32(out, m.shift(m.start))
		}
		return out
	case secElement:
		return m.elemSection
	}
	return orig
}

func (m *modState) instrumentCode(s section) ([]byte, error) {
	r := &reader{b: s.body, base: s.off}
	n, _ := r.u32()
	out := appendU32(make([]byte, 0, len(s.body)+len(s.body)/4), n)
	var body []byte
	for i := uint32(0); i < n; i++ {
		size, err := r.u32()
		if err != nil {
			return nil, loadError(KindInvalidModule, "code section: function %d: size: %v", i, err)
		}
		if size > maxFunctionBytes {
			return nil, loadError(KindInvalidModule, "code section: function %d: %d bytes, over the limit of %d", i, size, maxFunctionBytes)
		}
		start := r.pos()
		b, err := r.bytes(size)
		if err != nil {
			return nil, loadError(KindInvalidModule, "code section: function %d at byte %d: %d bytes declared, %d left", i, start, size, r.remaining())
		}
		t := m.types[m.funcTypes[i]]
		body, err = m.instrumentBody(body[:0], b, start, uint32(len(t.params)))
		if err != nil {
			return nil, loadError(KindInvalidModule, "code section: function %d (index %d) at byte %d: %v", i, uint32(len(m.importedFuncs))+i, start, err)
		}
		out = appendU32(out, uint32(len(body)))
		out = append(out, body...)
	}
	if !r.done() {
		return nil, loadError(KindInvalidModule, "code section: %d bytes left over at byte %d", r.remaining(), r.pos())
	}
	return out, nil
}

// Opcodes the instrumenter reads or writes.
const (
	opUnreachable   = 0x00
	opBlock         = 0x02
	opLoop          = 0x03
	opIf            = 0x04
	opElse          = 0x05
	opEnd           = 0x0b
	opCall          = 0x10
	opCallIndirect  = 0x11
	opRefFunc       = 0xd2
	opSelect        = 0x1b
	opLocalGet      = 0x20
	opLocalSet      = 0x21
	opLocalTee      = 0x22
	opGlobalGet     = 0x23
	opGlobalSet     = 0x24
	opF32Store      = 0x38
	opF64Store      = 0x39
	opMemoryGrow    = 0x40
	opI32Const      = 0x41
	opI64Const      = 0x42
	opF32Const      = 0x43
	opF64Const      = 0x44
	opI32LtS        = 0x48
	opI64LtS        = 0x53
	opF32Eq         = 0x5b
	opF64Eq         = 0x61
	opI32Sub        = 0x6b
	opI64Sub        = 0x7d
	opI64ShrU       = 0x88
	opF32Copysign   = 0x98
	opF64Copysign   = 0xa6
	opI64ExtendI32U = 0xad
	opI32ReinterpF  = 0xbc
	opI64ReinterpF  = 0xbd
	opPrefixFC      = 0xfc

	// 0xfc-prefixed operations, as 0xfc00|sub.
	opMemoryInit = 0xfc08
	opMemoryCopy = 0xfc0a
	opMemoryFill = 0xfc0b
	opTableInit  = 0xfc0c
	opTableCopy  = 0xfc0e
	opTableFill  = 0xfc11
)

// bulkShift: a bulk operation of length n costs n >> bulkShift fuel on top
// of its 1 as an instruction (one unit per 64 bytes or elements).
const bulkShift = 6

func isBulk(op uint16) bool {
	switch op {
	case opMemoryInit, opMemoryCopy, opMemoryFill, opTableInit, opTableCopy, opTableFill:
		return true
	}
	return false
}

// floatLeak returns the float type (valF32 or valF64) an instruction exposes
// the bits of, from the value on top of the stack, or 0.
func floatLeak(op uint16) byte {
	switch op {
	case opF32Store, opI32ReinterpF, opF32Copysign:
		return valF32
	case opF64Store, opI64ReinterpF, opF64Copysign:
		return valF64
	}
	return 0
}

// instrumentBody appends the instrumented form of one function body to dst.
// base is the body's offset in the module; params its parameter count.
func (m *modState) instrumentBody(dst, b []byte, base int, params uint32) ([]byte, error) {
	r := &reader{b: b, base: base}
	groups, err := r.count(2)
	if err != nil {
		return nil, fmt.Errorf("locals: %v", err)
	}
	locals := uint64(params)
	for i := uint32(0); i < groups; i++ {
		k, err := r.u32()
		if err != nil {
			return nil, fmt.Errorf("locals: %v", err)
		}
		if _, err := r.valType(); err != nil {
			return nil, fmt.Errorf("locals: %v", err)
		}
		locals += uint64(k)
		if locals > uint64(m.cfg.maxLocals) {
			return nil, fmt.Errorf("more than %d locals (parameters included): over the sandbox's limit", m.cfg.maxLocals)
		}
	}
	codeStart := r.off

	// Pass 1: the cost of each segment, in order, and which scratch locals
	// the injections need.
	var costs []int64
	var cost int64
	var seg segmenter
	var needBulk, needF32, needF64 bool
	for {
		if r.done() {
			return nil, fmt.Errorf("body ends inside %d open blocks", len(seg.open)+1)
		}
		at := r.pos()
		op, err := r.instr()
		if err != nil {
			return nil, fmt.Errorf("instruction at byte %d: %v", at, err)
		}
		cost += opCost(op)
		if seg.ends(op) {
			costs = append(costs, cost)
			cost = 0
		}
		switch {
		case isBulk(op):
			needBulk = true
		case floatLeak(op) == valF32:
			needF32 = true
		case floatLeak(op) == valF64:
			needF64 = true
		}
		if seg.step(op) {
			break
		}
	}
	if !r.done() {
		return nil, fmt.Errorf("%d bytes after the body's end at byte %d", r.remaining(), r.pos())
	}

	// The scratch locals come after the module's own: depth (i32), then n
	// for bulk lengths (i32), then one f32 and one f64 for canonicalization.
	depthLocal := uint32(locals)
	next := depthLocal + 1
	var bulkLocal, f32Local, f64Local uint32
	i32s := uint32(1)
	if needBulk {
		bulkLocal = next
		next++
		i32s++
	}
	if needF32 {
		f32Local = next
		next++
	}
	if needF64 {
		f64Local = next
	}
	newGroups := uint32(1)
	if needF32 {
		newGroups++
	}
	if needF64 {
		newGroups++
	}
	dst = appendU32(dst, groups+newGroups)
	// The module's own local groups, as they were.
	lr := &reader{b: b}
	lr.u32()
	dst = append(dst, b[lr.off:codeStart]...)
	dst = appendU32(dst, i32s)
	dst = append(dst, valI32)
	if needF32 {
		dst = append(dst, 0x01, valF32)
	}
	if needF64 {
		dst = append(dst, 0x01, valF64)
	}

	// The function's entry: one frame of depth.
	dst = append(dst, opGlobalGet)
	dst = appendU32(dst, m.depthGlobal)
	dst = append(dst, opI32Const, 0x01, opI32Sub, opLocalTee)
	dst = appendU32(dst, depthLocal)
	dst = append(dst, opGlobalSet)
	dst = appendU32(dst, m.depthGlobal)
	dst = append(dst, opLocalGet)
	dst = appendU32(dst, depthLocal)
	dst = append(dst, opI32Const, 0x00, opI32LtS, opIf, 0x40, opUnreachable, opEnd)

	// Pass 2: copy the instructions, injecting around the ones that need it.
	r.off = codeStart
	seg = segmenter{}
	k := 0
	for !r.done() {
		at := r.off
		op, _ := r.instr() // decoded without error in pass 1
		switch {
		case seg.ends(op):
			if costs[k] > 0 {
				dst = m.appendCharge(dst, costs[k])
			}
			k++
		case isBulk(op):
			// n is on top of the stack: keep it, and charge n >> 6.
			dst = append(dst, opLocalTee)
			dst = appendU32(dst, bulkLocal)
			dst = append(dst, opGlobalGet)
			dst = appendU32(dst, m.fuelGlobal)
			dst = append(dst, opLocalGet)
			dst = appendU32(dst, bulkLocal)
			dst = append(dst, opI64ExtendI32U, opI64Const, bulkShift, opI64ShrU, opI64Sub, opGlobalSet)
			dst = appendU32(dst, m.fuelGlobal)
			dst = m.appendCheck(dst)
		case floatLeak(op) == valF32:
			dst = appendCanon(dst, f32Local, opF32Const, []byte{0x00, 0x00, 0xc0, 0x7f}, opF32Eq)
		case floatLeak(op) == valF64:
			dst = appendCanon(dst, f64Local, opF64Const, []byte{0, 0, 0, 0, 0, 0, 0xf8, 0x7f}, opF64Eq)
		}
		if op == opCall || op == opRefFunc {
			dst, _ = m.refFunc(dst, b[at:r.off])
		} else {
			dst = append(dst, b[at:r.off]...)
		}
		switch op {
		case opLoop:
			m.loops++
		case opCall, opCallIndirect:
			// Back in this frame: its depth is the one saved at entry.
			dst = append(dst, opLocalGet)
			dst = appendU32(dst, depthLocal)
			dst = append(dst, opGlobalSet)
			dst = appendU32(dst, m.depthGlobal)
		}
		seg.step(op)
	}
	return dst, nil
}

// opCost is an instruction's fuel: 1, except for block, loop, end and nop,
// which only mark structure and compile to nothing. (Go's wasm code enters
// a function's loop through one block per basic block on every jump:
// counting them made a byte loop cost 120 instead of about 20.)
func opCost(op uint16) int64 {
	switch op {
	case opBlock, opLoop, opEnd, 0x01:
		return 0
	}
	return 1
}

// segmenter follows the blocks of a function body to find where its
// segments end. A segment is a run of instructions that control enters
// only at the first and leaves only after the last, so that when its last
// instruction runs, all of them have. A segment ends with each
// instruction that branches, calls or traps (br, br_if, br_table, return,
// call, call_indirect, unreachable, if, else), with loop (its body's start
// is a branch target), and with the end of a block, an if or the function
// (the position after it is a branch target); the end of a loop, which
// nothing branches to, does not end one.
type segmenter struct {
	open []byte // the kind (block, loop, if) of each open block
}

// ends reports whether op ends a segment. Call it before step.
func (s *segmenter) ends(op uint16) bool {
	switch op {
	case opLoop, opIf, opElse, 0x0c, 0x0d, 0x0e, 0x0f, opCall, opCallIndirect, opUnreachable:
		return true
	case opEnd:
		return len(s.open) == 0 || s.open[len(s.open)-1] != opLoop
	}
	return false
}

// step applies op to the open blocks and reports whether it closed the
// function.
func (s *segmenter) step(op uint16) bool {
	switch op {
	case opBlock, opLoop, opIf:
		s.open = append(s.open, byte(op))
	case opEnd:
		if len(s.open) == 0 {
			return true
		}
		s.open = s.open[:len(s.open)-1]
	}
	return false
}

// appendCharge appends: fuel -= cost; if fuel < 0 { unreachable }.
func (m *modState) appendCharge(dst []byte, cost int64) []byte {
	dst = append(dst, opGlobalGet)
	dst = appendU32(dst, m.fuelGlobal)
	dst = append(dst, opI64Const)
	dst = appendS64(dst, cost)
	dst = append(dst, opI64Sub, opGlobalSet)
	dst = appendU32(dst, m.fuelGlobal)
	return m.appendCheck(dst)
}

// appendCheck appends: if fuel < 0 { call tick }. The host gives fuel in
// slices; tick either grants the next slice or ends the run (fuel spent,
// wall time, Runtime closed) by trapping. Calling into Go every slice also
// lets Go's scheduler and garbage collector in: machine code that never
// calls out cannot be preempted, and a long loop stalled the whole process
// at the next collection.
func (m *modState) appendCheck(dst []byte) []byte {
	dst = append(dst, opGlobalGet)
	dst = appendU32(dst, m.fuelGlobal)
	dst = append(dst, opI64Const, 0x00, opI64LtS, opIf, 0x40, opCall)
	dst = appendU32(dst, m.tickFunc)
	return append(dst, opEnd)
}

// appendCanon replaces the float x on top of the stack by
// select(x, canonicalNaN, x == x): x itself unless it is a NaN.
func appendCanon(dst []byte, local uint32, constOp byte, nan []byte, eqOp byte) []byte {
	dst = append(dst, opLocalSet)
	dst = appendU32(dst, local)
	dst = append(dst, opLocalGet)
	dst = appendU32(dst, local)
	dst = append(dst, constOp)
	dst = append(dst, nan...)
	dst = append(dst, opLocalGet)
	dst = appendU32(dst, local)
	dst = append(dst, opLocalGet)
	dst = appendU32(dst, local)
	return append(dst, eqOp, opSelect)
}

// instr reads one instruction and skips its immediates. The result is the
// opcode, or 0xfc00|sub for the 0xfc-prefixed ones. Instructions of
// proposals the sandbox does not enable are refused here, with the reason.
func (r *reader) instr() (uint16, error) {
	op, err := r.byte()
	if err != nil {
		return 0, err
	}
	u32s := func(n int) error {
		for ; n > 0; n-- {
			if _, err := r.u32(); err != nil {
				return err
			}
		}
		return nil
	}
	switch {
	case op == 0x00, op == 0x01, op == opElse, op == opEnd, op == 0x0f, op == 0x1a, op == opSelect, op == 0xd1:
		return uint16(op), nil
	case op == opBlock, op == opLoop, op == opIf:
		_, err = r.sleb(33)
	case op == 0x0c, op == 0x0d, op == opCall, op == 0xd2:
		err = u32s(1)
	case op == 0x0e: // br_table
		n, err := r.count(1)
		if err != nil {
			return 0, err
		}
		return uint16(op), u32s(int(n) + 1)
	case op == opCallIndirect:
		err = u32s(2)
	case op == 0x1c: // select t*
		n, err := r.count(1)
		if err != nil {
			return 0, err
		}
		for ; n > 0; n-- {
			if _, err := r.valType(); err != nil {
				return 0, err
			}
		}
	case op >= opLocalGet && op <= 0x26: // local.*, global.*, table.get/set
		err = u32s(1)
	case op >= 0x28 && op <= 0x3e: // loads and stores: memarg
		align, err := r.u32()
		if err != nil {
			return 0, err
		}
		if align >= 64 {
			return 0, fmt.Errorf("memory access with alignment flags 0x%x: multiple memories are not available", align)
		}
		err = u32s(1)
	case op == 0x3f, op == opMemoryGrow:
		err = u32s(1)
	case op == opI32Const:
		_, err = r.sleb(32)
	case op == opI64Const:
		_, err = r.sleb(64)
	case op == opF32Const:
		_, err = r.bytes(4)
	case op == opF64Const:
		_, err = r.bytes(8)
	case op >= 0x45 && op <= 0xc4: // numeric, sign extension
		return uint16(op), nil
	case op == 0xd0: // ref.null t
		var t byte
		if t, err = r.byte(); err == nil && t != valFuncref && t != valExternref {
			err = fmt.Errorf("ref.null of type 0x%02x: expected funcref or externref", t)
		}
	case op == opPrefixFC:
		sub, err := r.u32()
		if err != nil {
			return 0, err
		}
		switch {
		case sub <= 7: // saturating truncation
		case sub == 8, sub == 10, sub == 12, sub == 14: // memory.init, memory.copy, table.init, table.copy
			err = u32s(2)
		case sub == 9, sub == 11, sub == 13, sub == 15, sub == 16, sub == 17:
			err = u32s(1)
		default:
			return 0, fmt.Errorf("opcode 0xfc %d: unknown", sub)
		}
		return 0xfc00 | uint16(sub), err
	case op == 0xfd:
		return 0, fmt.Errorf("SIMD instruction (0xfd prefix): SIMD is not available in the sandbox")
	case op == 0xfe:
		return 0, fmt.Errorf("atomic instruction (0xfe prefix): threads are not available in the sandbox")
	case op >= 0x06 && op <= 0x0a, op == 0x18, op == 0x19, op == 0x1f:
		return 0, fmt.Errorf("opcode 0x%02x: exception handling is not available in the sandbox", op)
	case op == 0x12, op == 0x13:
		return 0, fmt.Errorf("opcode 0x%02x: tail calls are not available in the sandbox", op)
	default:
		return 0, fmt.Errorf("opcode 0x%02x: unknown", op)
	}
	return uint16(op), err
}
