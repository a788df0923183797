package compute

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// TestRunStage runs a kernel over a list<string> column as a stage: the
// rows the filter drops make no output, the kept ones are computed from
// their lines joined by "\n", and the carried values follow the kernel's
// columns, before provenance.
func TestRunStage(t *testing.T) {
	in := dataset.Schema{Kind: dataset.KindCrawl, Columns: []dataset.Column{
		{Name: "status", Type: dataset.TypeString, Role: dataset.RoleContent},
		{Name: "main_text", Type: dataset.TypeStringList, Role: dataset.RoleContent, Nullable: true},
		{Name: "url", Type: dataset.TypeString, Role: dataset.RoleContent},
	}}
	rows := []dataset.Row{
		{"ok", []string{"Write to jane@example.org.", "Or call 415 555 0132."}, "https://a.example/1"},
		{"failed", nil, "https://a.example/2"},
		{"ok", []string{"No personal data here."}, "https://a.example/3"},
	}
	hashes := [][]byte{make([]byte, 32), make([]byte, 32), make([]byte, 32)}
	for i := range hashes {
		hashes[i][0] = byte(i + 1)
	}
	k, err := New(api.ComputeSpec{Kernel: api.KernelPII, Column: "main_text"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := dataset.NewStage(in, k.OutputColumns(),
		[]api.Condition{{Column: "status", Op: api.OpEq, Value: json.RawMessage(`"ok"`)}},
		[]api.Carry{{Column: api.CarryRowHash, As: "id"}, {Column: "url"}})
	if err != nil {
		t.Fatal(err)
	}
	schema, out, err := RunStage(context.Background(), k, st, rows, in, hashes, dataset.Provenance{Node: "0xnode", FetchedAt: 7})
	if err != nil {
		t.Fatal(err)
	}
	nk := len(k.OutputColumns())
	var names []string
	for _, c := range schema.Columns {
		names = append(names, c.Name)
	}
	if len(names) != 1+nk+2+3 || names[1+nk] != "id" || names[2+nk] != "url" || names[3+nk] != dataset.ColNode {
		t.Fatalf("schema %v: want source_hash, the kernel's %d columns, id, url, provenance", names, nk)
	}
	if len(out) != 2 {
		t.Fatalf("%d rows, want the 2 with status ok", len(out))
	}
	for j, i := range []int{0, 2} {
		r := out[j]
		want, err := k.Run(context.Background(), []string{strings.Join(rows[i][1].([]string), "\n")})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(r[0], hashes[i]) || !reflect.DeepEqual([]any(r[1:1+nk]), []any(want[0])) {
			t.Errorf("row %d: %v, want source %x and %v", j, r[:1+nk], hashes[i], want[0])
		}
		if r[1+nk] != hex.EncodeToString(hashes[i]) || r[2+nk] != rows[i][2] || r[3+nk] != "0xnode" {
			t.Errorf("row %d: carried and provenance %v", j, r[1+nk:])
		}
		if err := dataset.ValidateRow(schema, r); err != nil {
			t.Errorf("row %d: %v", j, err)
		}
	}
	// Nothing kept: no rows, the same schema.
	none, _ := dataset.NewStage(in, k.OutputColumns(), []api.Condition{{Column: "status", Op: api.OpEq, Value: json.RawMessage(`"gone"`)}}, nil)
	s2, out, err := RunStage(context.Background(), k, none, rows, in, hashes, dataset.Provenance{Node: "0xnode"})
	if err != nil || len(out) != 0 || len(s2.Columns) != 1+nk+3 {
		t.Fatalf("a stage that keeps nothing: %d rows, %d columns, %v", len(out), len(s2.Columns), err)
	}
}

// TestOutputNames: the names the coordinators refuse carried columns by
// are the kernels' own, a wasm job's from its parameters.
func TestOutputNames(t *testing.T) {
	for _, kernel := range Kernels() {
		spec := api.ComputeSpec{Kernel: kernel}.WithDefaults()
		k, err := New(spec)
		if err != nil {
			t.Fatal(err)
		}
		names, err := OutputNames(spec)
		if err != nil || len(names) != len(k.OutputColumns()) {
			t.Fatalf("%s: %v %v", kernel, names, err)
		}
	}
	names, err := OutputNames(api.ComputeSpec{Kernel: api.KernelWasm, Wasm: &api.WasmParams{Outputs: []api.WasmColumn{{Name: "label", Type: api.WasmString}}}})
	if err != nil || !reflect.DeepEqual(names, []string{"label", api.ColWasmStatus, api.ColWasmFuel}) {
		t.Fatalf("wasm: %v %v", names, err)
	}
}
