package compute

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute/wasm"
	"github.com/meadow-net/meadow/dataset"
)

// ErrNotDeterministic is a wasm run that ended in a way replicas cannot
// agree on (it hit this machine's wall-time safety net): the node gives the
// task up rather than report it.
var ErrNotDeterministic = errors.New("compute: the run ended in a way that depends on this machine")

// WasmWallTime is the wall-time safety net of one wasm task on a node.
const WasmWallTime = 2 * time.Minute

// wasmKernel runs a buyer's WebAssembly module (docs/wasm.md). Its output
// columns are the module's declared columns, all nullable, then
// api.ColWasmStatus and api.ColWasmFuel. A run that fails in a way every
// replica records the same (a cap hit, a trap, bad output, an exit code,
// a module the sandbox refuses) is not an error: each row carries null
// outputs and the failure's kind, so replicas cross-check the failure as
// they cross-check results, and the buyer sees it in the dataset.
type wasmKernel struct {
	mod     *wasm.Module
	loadErr *wasm.Failure // the sandbox refused the module
	column  string        // the input column, stdin's key
	outs    []wasm.Column
	cols    []dataset.Column
	limits  wasm.Limits
}

// NewWasm returns the wasm kernel for a task's resolved parameters p over
// column: module holds the module's bytes (checked against p.Module by the
// caller), loaded into rt (which caches its compiled code by hash). A module
// the sandbox refuses gives a kernel whose every row records why.
func NewWasm(ctx context.Context, rt *wasm.Runtime, module []byte, p api.WasmParams, column string) (Kernel, error) {
	if column == "" {
		column = DefaultColumn
	}
	k := &wasmKernel{limits: WasmLimits(p), column: column}
	var err error
	if k.outs, k.cols, err = wasmColumns(p); err != nil {
		return nil, err
	}
	mod, err := rt.Load(ctx, module)
	var f *wasm.Failure
	switch {
	case errors.As(err, &f) && f.Kind.Deterministic():
		k.loadErr = f
	case err != nil:
		return nil, fmt.Errorf("compute: wasm module: %w", err)
	}
	k.mod = mod
	return withColumn{impl: k, column: column}, nil
}

// wasmColumns are what a module with parameters p writes: its declared
// outputs (nullable: a failed run writes nulls), then its status and fuel.
func wasmColumns(p api.WasmParams) ([]wasm.Column, []dataset.Column, error) {
	var (
		outs []wasm.Column
		cols []dataset.Column
	)
	for _, c := range p.Outputs {
		t, err := wasmColumnType(c.Type)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: compute.wasm.outputs %q: %w", ErrBadParams, c.Name, err)
		}
		outs = append(outs, wasm.Column{Name: c.Name, Type: wasm.Type(c.Type)})
		cols = append(cols, dataset.Column{Name: c.Name, Type: t, Role: dataset.RoleContent, Nullable: true})
	}
	if err := wasm.ValidateColumns(outs); err != nil {
		return nil, nil, fmt.Errorf("%w: compute.wasm.outputs: %w", ErrBadParams, err)
	}
	cols = append(cols,
		dataset.Column{Name: api.ColWasmStatus, Type: dataset.TypeString, Role: dataset.RoleContent},
		dataset.Column{Name: api.ColWasmFuel, Type: dataset.TypeInt64, Role: dataset.RoleContent})
	return outs, cols, nil
}

// WasmLimits are the sandbox's limits for a task with parameters p.
func WasmLimits(p api.WasmParams) wasm.Limits {
	l := wasm.DefaultLimits()
	l.Fuel = p.Fuel
	l.MemoryPages = uint32(p.MemoryMiB) * (1 << 20 / wasm.PageSize)
	l.MaxOutputBytes = int64(p.OutputMiB) << 20
	l.WallTime = WasmWallTime
	return l
}

func (k *wasmKernel) Name() string { return api.KernelWasm }

func (k *wasmKernel) OutputColumns() []dataset.Column { return k.cols }

// Run runs the module over texts, one row per text (see wasmKernel).
func (k *wasmKernel) Run(ctx context.Context, texts []string) ([]dataset.Row, error) {
	if k.loadErr != nil {
		return k.failed(len(texts), k.loadErr, 0), nil
	}
	res, err := k.mod.Run(ctx, k.column, texts, k.outs, k.limits)
	var f *wasm.Failure
	switch {
	case errors.As(err, &f) && !f.Kind.Deterministic():
		return nil, fmt.Errorf("%w: %w", ErrNotDeterministic, err)
	case errors.As(err, &f):
		return k.failed(len(texts), f, res.FuelUsed), nil
	case err != nil:
		return nil, err
	}
	out := make([]dataset.Row, len(res.Rows))
	for i, r := range res.Rows {
		fuel := int64(0)
		if i == 0 {
			fuel = clampFuel(res.FuelUsed)
		}
		out[i] = append(r, api.WasmStatusOK, fuel)
	}
	return out, nil
}

// failed lays out n rows of a failed run: null outputs, the failure's kind
// as the status, and the run's fuel on the first row.
func (k *wasmKernel) failed(n int, f *wasm.Failure, fuel uint64) []dataset.Row {
	out := make([]dataset.Row, n)
	for i := range out {
		r := make(dataset.Row, len(k.outs), len(k.outs)+2)
		v := int64(0)
		if i == 0 {
			v = clampFuel(fuel)
		}
		out[i] = append(r, string(f.Kind), v)
	}
	return out
}

func clampFuel(f uint64) int64 {
	if f > uint64(api.MaxWasmFuel) {
		return api.MaxWasmFuel
	}
	return int64(f)
}

// wasmColumnType maps a declared output type to the dataset's column type.
func wasmColumnType(t string) (dataset.ColumnType, error) {
	switch t {
	case api.WasmString:
		return dataset.TypeString, nil
	case api.WasmInt64:
		return dataset.TypeInt64, nil
	case api.WasmFloat64:
		return dataset.TypeFloat64, nil
	case api.WasmBool:
		return dataset.TypeBool, nil
	case api.WasmStringList:
		return dataset.TypeStringList, nil
	case api.WasmInt64List:
		return dataset.TypeInt64List, nil
	}
	return 0, fmt.Errorf("type %q: expected one of %v", t, api.WasmTypes())
}
