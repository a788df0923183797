package api

import (
	"bytes"
	"slices"
	"strings"
)

// Buyers' WebAssembly modules (docs/wasm.md). A buyer uploads a module with
// POST RouteModules, the module's bytes as the body and a module.upload
// envelope in the Meadow-Envelope header; the coordinators store it as a
// blob named by its SHA-256 and record the buyer as one of its owners. A
// compute job with kernel "wasm" names the module by that hash.

// MethodModuleUpload is the envelope method of a module upload.
const MethodModuleUpload = "module.upload"

// RouteModules is where modules are uploaded (POST).
const RouteModules = "/v1/modules"

// Presigned module uploads (as upload.go's for task blobs): with an object
// store the module's bytes go straight to the bucket. The buyer POSTs the
// ModuleUpload with a MethodModuleUploadURL envelope to
// RouteModuleUploadURL and gets an UploadURL (none when the coordinators
// keep blobs on their disks: upload with POST RouteModules), PUTs the
// module there, then POSTs the same ModuleUpload with a
// MethodModuleUploadStaged envelope to RouteModuleUploadStaged; the leader
// reads the staged object back, checks its size, SHA-256 and header, stores
// it under its name, records the buyer as an owner and answers a Module.
const (
	MethodModuleUploadURL    = "module.upload.url"
	MethodModuleUploadStaged = "module.upload.staged"

	RouteModuleUploadURL    = "/v1/modules/upload/url"
	RouteModuleUploadStaged = "/v1/modules/upload/staged"
)

// MaxModuleSize bounds a module's bytes: 32 MiB, the sandbox's limit.
const MaxModuleSize = 32 << 20

// ModuleUpload is the envelope body of a module upload: the size and
// SHA-256 of the request body, which must be a WebAssembly binary module.
type ModuleUpload struct {
	SHA256 Hash  `json:"sha256"`
	Size   int64 `json:"size"`
}

// Validate checks the metadata.
func (u ModuleUpload) Validate() error {
	var v validator
	if u.SHA256.IsZero() {
		v.add("sha256", quote(u.SHA256.String()), "the module's SHA-256 ("+HashExpected+")")
	}
	v.between("size", u.Size, int64(len(wasmMagic)), MaxModuleSize)
	return v.err()
}

// Module is a stored module, as the coordinators answer an upload and list
// a buyer's modules.
type Module struct {
	SHA256 Hash  `json:"sha256"`
	Size   int64 `json:"size"`
	// StoredAt is when it was first stored, Unix milliseconds.
	StoredAt int64 `json:"stored_at"`
}

// wasmMagic is how every WebAssembly binary module (version 1) begins.
var wasmMagic = []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

// CheckModuleHeader reports whether b begins as a WebAssembly binary
// module, version 1. It is the coordinators' cheap check; the sandbox on
// the nodes (and `meadow buyer module upload`, before sending) checks the
// whole module.
func CheckModuleHeader(b []byte) error {
	if !bytes.HasPrefix(b, wasmMagic) {
		n := min(len(b), len(wasmMagic))
		return &FieldError{Field: "body", Value: quote(string(b[:n])), Expected: "a WebAssembly binary module: the bytes 00 61 73 6d 01 00 00 00 (\\0asm, version 1) first"}
	}
	return nil
}

// The output column types of a wasm kernel, as job specs spell them.
const (
	WasmString     = "string"
	WasmInt64      = "int64"
	WasmFloat64    = "float64"
	WasmBool       = "bool"
	WasmStringList = "list<string>"
	WasmInt64List  = "list<int64>"
)

// WasmTypes lists the output column types a wasm kernel may declare.
func WasmTypes() []string {
	return []string{WasmString, WasmInt64, WasmFloat64, WasmBool, WasmStringList, WasmInt64List}
}

// The columns meadow adds to every wasm kernel's declared outputs, which
// replicas cross-check like the rest: how the run ended ("ok" or the
// failure's kind) and the fuel it took (docs/wasm.md, "Fuel").
const (
	ColWasmStatus = "wasm_status"
	ColWasmFuel   = "wasm_fuel"
	WasmStatusOK  = "ok"
)

// Limits of a wasm job, per task: the defaults a spec gets for a zero
// value, and the network's ceilings.
const (
	DefaultWasmFuel      = 20_000_000_000
	MaxWasmFuel          = 1_000_000_000_000
	DefaultWasmMemoryMiB = 256
	MaxWasmMemoryMiB     = 1024
	DefaultWasmOutputMiB = 64
	MaxWasmOutputMiB     = 1024
	MaxWasmOutputs       = 64
)

// WasmFuelPerRowPrice is how much fuel of a wasm job costs the buyer as
// much as one accepted row: a wasm job's price is its rows plus its fuel
// over this (rounded up), at the job's price per row.
const WasmFuelPerRowPrice = 1_000_000_000

// WasmParams configure the wasm kernel: the buyer's module, the columns it
// writes and its limits per task (a shard).
type WasmParams struct {
	// Module is the SHA-256 of a module uploaded to RouteModules.
	Module Hash `json:"module"`
	// Outputs are the columns the module writes for each row, in order.
	Outputs []WasmColumn `json:"outputs"`
	// Fuel caps the work of one task (about one unit per WebAssembly
	// instruction); default 20 billion.
	Fuel uint64 `json:"fuel,omitempty"`
	// MemoryMiB caps the module's memory; default 256, at most 1024.
	MemoryMiB int `json:"memory_mib,omitempty"`
	// OutputMiB caps what one task may write to stdout; default 64.
	OutputMiB int `json:"output_mib,omitempty"`
}

// WasmColumn is one declared output column.
type WasmColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

func (w WasmParams) clone() WasmParams {
	w.Outputs = slices.Clone(w.Outputs)
	return w
}

func (w *WasmParams) withDefaults() {
	if w.Fuel == 0 {
		w.Fuel = DefaultWasmFuel
	}
	if w.MemoryMiB == 0 {
		w.MemoryMiB = DefaultWasmMemoryMiB
	}
	if w.OutputMiB == 0 {
		w.OutputMiB = DefaultWasmOutputMiB
	}
}

// wasmReserved are the names an output column may not take: meadow's own
// columns of a compute dataset and of a wasm kernel.
var wasmReserved = []string{"source_hash", "node", "fetched_at", "signature", ColWasmStatus, ColWasmFuel}

func (w *WasmParams) check(v *validator, p string, resolved bool) {
	if w.Module.IsZero() {
		v.add(sub(p, "module"), quote(w.Module.String()), "the SHA-256 of an uploaded module ("+HashExpected+")")
	}
	op := sub(p, "outputs")
	if len(w.Outputs) == 0 || len(w.Outputs) > MaxWasmOutputs {
		v.add(op, items(len(w.Outputs)), "1 to "+itoa(MaxWasmOutputs)+" columns")
	}
	seen := map[string]bool{}
	for i, c := range w.Outputs {
		cp := at(op, i)
		switch {
		case !reFieldName.MatchString(c.Name):
			v.add(sub(cp, "name"), quote(c.Name), FieldNameExpected)
		case slices.Contains(wasmReserved, c.Name):
			v.add(sub(cp, "name"), quote(c.Name), "a name other than meadow's own columns ("+strings.Join(wasmReserved, ", ")+")")
		case seen[c.Name]:
			v.add(sub(cp, "name"), quote(c.Name), "a name not used by an earlier column")
		}
		seen[c.Name] = true
		if !slices.Contains(WasmTypes(), c.Type) {
			v.add(sub(cp, "type"), quote(c.Type), "one of "+strings.Join(WasmTypes(), ", "))
		}
	}
	if w.Fuel > MaxWasmFuel || (resolved && w.Fuel == 0) {
		def := "20000000000"
		exp := "an integer from 1 to " + itoa(MaxWasmFuel)
		if !resolved {
			exp += " (or 0 or absent for " + def + ")"
		}
		v.add(sub(p, "fuel"), uitoa(w.Fuel), exp)
	}
	v.num(sub(p, "memory_mib"), int64(w.MemoryMiB), 1, MaxWasmMemoryMiB, "256", resolved)
	v.num(sub(p, "output_mib"), int64(w.OutputMiB), 1, MaxWasmOutputMiB, "64", resolved)
}
