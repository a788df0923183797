package compute

import (
	"context"
	"fmt"
	"slices"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// OutputColumns returns the columns the kernel of a compute job with spec
// writes after source_hash (its carried columns follow them; see
// dataset.NewStage). A wasm job's outputs come from its parameters,
// without the module. The coordinators use it, through
// api.Checks.KernelOutputs, to refuse a carried column whose name a kernel
// output takes.
func OutputColumns(spec api.ComputeSpec) ([]dataset.Column, error) {
	if spec.Kernel == api.KernelWasm {
		if spec.Wasm == nil {
			return nil, fmt.Errorf("%w: compute.wasm: expected the module and its outputs", ErrBadParams)
		}
		_, cols, err := wasmColumns(*spec.Wasm)
		return cols, err
	}
	k, err := New(spec)
	if err != nil {
		return nil, err
	}
	return k.OutputColumns(), nil
}

// OutputNames is OutputColumns' names, the form api.Checks.KernelOutputs
// takes.
func OutputNames(spec api.ComputeSpec) ([]string, error) {
	cols, err := OutputColumns(spec)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out, nil
}

// RunStage runs k over the rows of one shard that st keeps
// (compute.where) and appends st's carried values to each output row,
// after the kernel's columns (compute.carry); a nil st keeps every row and
// carries nothing, as RunShard. It returns the output schema,
// dataset.ComputeSchema of k's outputs and the carried columns, and the
// rows, none when st keeps none. input are rows of inputSchema, the schema
// st was bound to.
func RunStage(ctx context.Context, k Kernel, st *dataset.Stage, input []dataset.Row, inputSchema dataset.Schema, sourceHashes [][]byte, prov dataset.Provenance) (dataset.Schema, []dataset.Row, error) {
	outs := k.OutputColumns()
	schema, err := dataset.ComputeSchema(append(slices.Clone(outs), st.CarryColumns()...))
	if err != nil {
		return dataset.Schema{}, nil, fmt.Errorf("%w: compute.carry: %w", ErrBadInput, err)
	}
	if st == nil {
		rows, err := RunShard(ctx, k, input, inputSchema, sourceHashes, prov)
		return schema, rows, err
	}
	if len(sourceHashes) != len(input) {
		return dataset.Schema{}, nil, fmt.Errorf("%w: source hashes: %d for %d rows, expected one per row", ErrBadInput, len(sourceHashes), len(input))
	}
	var (
		kept   []dataset.Row
		hashes [][]byte
	)
	for i, r := range input {
		if len(r) != len(inputSchema.Columns) {
			return dataset.Schema{}, nil, fmt.Errorf("%w: row %d: %d values, expected %d (the input schema's columns)", ErrBadInput, i, len(r), len(inputSchema.Columns))
		}
		if st.Keep(r) {
			kept = append(kept, r)
			hashes = append(hashes, sourceHashes[i])
		}
	}
	if len(kept) == 0 {
		return schema, nil, nil
	}
	rows, err := RunShard(ctx, k, kept, inputSchema, hashes, prov)
	if err != nil {
		return dataset.Schema{}, nil, err
	}
	nk := 1 + len(outs) // source_hash and the kernel's columns
	for i, r := range rows {
		out := make(dataset.Row, 0, len(schema.Columns))
		out = append(out, r[:nk]...)
		out = append(out, st.Carried(kept[i], hashes[i])...)
		rows[i] = append(out, r[nk:]...)
	}
	return schema, rows, nil
}
