package dataset_test

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/dataset/internal/vectors"
)

// jsTable is what the scripts in testdata/js print.
type jsTable struct {
	NumRows  int               `json:"num_rows"`
	Columns  []map[string]any  `json:"columns"`
	Metadata map[string]string `json:"metadata"`
	Rows     [][]any           `json:"rows"`
}

// nodeModules finds node_modules by walking up from this package's
// directory to the repository root (where go.mod is), and checks that the
// readers the test needs are installed.
func nodeModules(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is not installed: the independent-reader tests need Node.js 20+ and the npm packages of package.json (run `make deps`)")
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		nm := filepath.Join(dir, "node_modules")
		if _, err := os.Stat(nm); err == nil {
			for _, pkg := range []string{"apache-arrow", "@duckdb/node-api"} {
				if _, err := os.Stat(filepath.Join(nm, pkg, "package.json")); err != nil {
					t.Fatalf("%s is not installed in %s: run `make deps`", pkg, nm)
				}
			}
			return nm
		}
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	t.Fatalf("no node_modules between the dataset package and the repository root: run `make deps` to install apache-arrow and @duckdb/node-api")
	return ""
}

func runJS(t *testing.T, script, path string) jsTable {
	t.Helper()
	cmd := exec.Command("node", filepath.Join("testdata", "js", script), path)
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("node %s %s: %v\n%s", script, path, err, msg)
	}
	var tbl jsTable
	if err := json.Unmarshal(out, &tbl); err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, out)
	}
	return tbl
}

// independentRows are the rows the test writes: a crawl dataset with
// non-ASCII text, nulls and empty strings, and a compute dataset with
// every list type.
func independentRows(t *testing.T) map[string]struct {
	schema dataset.Schema
	rows   []dataset.Row
} {
	crawl, err := dataset.CrawlSchema([]string{"title", "lang"})
	if err != nil {
		t.Fatal(err)
	}
	var crows []dataset.Row
	texts := []string{"Café crème", "東京\u3000大阪 — 日本語", "emoji 😀 👨‍👩‍👧 🇯🇵", "שלום עולם مرحبا", "Cafe\u0301  au\tlait", "", "ﬁn Ａ①"}
	for i := 0; i < 700; i++ {
		title := texts[(i+1)%len(texts)]
		empty := ""
		var fields map[string]*string
		switch i % 3 {
		case 0:
			fields = map[string]*string{"title": &title}
		case 1:
			fields = map[string]*string{"title": &title, "lang": &empty}
		}
		p := dataset.Page{URL: "https://example.org/ü/" + strings.Repeat("x", i%5), FinalURL: "https://example.org/final", Status: int64(200 - i%3*100), ContentType: "text/html; charset=utf-8", Fields: fields, Text: texts[i%len(texts)] + " " + strings.Repeat("word ", i%13)}
		var sig []byte
		if i%2 == 0 {
			sig = []byte{byte(i), 0, 0xff}
		}
		crows = append(crows, dataset.CrawlRow(crawl, p, dataset.Provenance{Node: "0x00000000000000000000000000000000000000a1", FetchedAt: 1767225600000 + int64(i), Signature: sig}))
	}
	compute, err := dataset.ComputeSchema([]dataset.Column{
		{Name: "tokens", Type: dataset.TypeUint32List},
		{Name: "offsets", Type: dataset.TypeInt32List, Nullable: true},
		{Name: "minhash", Type: dataset.TypeUint64List},
		{Name: "score", Type: dataset.TypeInt64},
		{Name: "label", Type: dataset.TypeString, Nullable: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	var krows []dataset.Row
	for i := 0; i < 300; i++ {
		var offsets any = []int32{int32(-i), 0, 2147483647, -2147483648}
		var label any = "étiquette " + strings.Repeat("é", i%4)
		if i%4 == 1 {
			offsets, label = nil, nil
		}
		tokens := []uint32{uint32(i), 4294967295}
		if i%5 == 0 {
			tokens = []uint32{}
		}
		krows = append(krows, dataset.Row{[]byte{byte(i), 0xab}, tokens, offsets, []uint64{18446744073709551615, uint64(i) << 40}, int64(i*i) - 9223372036854775807, label,
			"0x00000000000000000000000000000000000000a1", int64(1767225600000), nil})
	}
	// The types of buyers' WebAssembly kernels' outputs.
	wasm, err := dataset.ComputeSchema([]dataset.Column{
		{Name: "share", Type: dataset.TypeFloat64},
		{Name: "flag", Type: dataset.TypeBool, Nullable: true},
		{Name: "emails", Type: dataset.TypeStringList},
		{Name: "ids", Type: dataset.TypeInt64List, Nullable: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	floats := []float64{0.25, 1.0 / 3, -1e300, math.SmallestNonzeroFloat64, 65504, 5.960464477539063e-08, 0, math.MaxFloat64, -2.5}
	var wrows []dataset.Row
	for i := 0; i < 200; i++ {
		var flag, ids any = i%3 == 0, []int64{math.MinInt64, int64(i), math.MaxInt64}
		if i%4 == 1 {
			flag, ids = nil, nil
		}
		emails := []string{"a@example.org", "  b@exämple.org ", "日本"}[:i%4%3]
		wrows = append(wrows, dataset.Row{[]byte{byte(i), 0xcd}, floats[i%len(floats)] / float64(1+i%7), flag, emails, ids,
			"0x00000000000000000000000000000000000000a1", int64(1767225600000), nil})
	}
	return map[string]struct {
		schema dataset.Schema
		rows   []dataset.Row
	}{"crawl": {crawl, crows}, "compute": {compute, krows}, "wasm": {wasm, wrows}}
}

// TestIndependentReaders writes datasets with Meadow and reads them back
// with readers that share no code with it: the apache-arrow JavaScript
// package for Arrow IPC (file and stream) and DuckDB for Parquet. Row
// counts, column names, every value and the Meadow schema metadata must
// agree with what Meadow wrote.
func TestIndependentReaders(t *testing.T) {
	nodeModules(t)
	dir := t.TempDir()
	for name, ds := range independentRows(t) {
		for _, f := range []dataset.Format{dataset.FormatArrowFile, dataset.FormatArrowStream, dataset.FormatParquet} {
			t.Run(name+"/"+f.String(), func(t *testing.T) {
				path := filepath.Join(dir, name+f.Ext())
				fh, err := os.Create(path)
				if err != nil {
					t.Fatal(err)
				}
				w, err := dataset.NewWriter(fh, f, ds.schema, dataset.WithBatchRows(256), dataset.WithMetadata("meadow.dataset_id", "ds-"+name))
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range ds.rows {
					if err := w.Write(r); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				fh.Close()

				script := "read_arrow.mjs"
				if f == dataset.FormatParquet {
					script = "read_parquet.mjs"
				}
				got := runJS(t, script, path)
				if got.NumRows != len(ds.rows) || len(got.Rows) != len(ds.rows) {
					t.Fatalf("%s reads %d rows (%d listed), Meadow wrote %d", script, got.NumRows, len(got.Rows), len(ds.rows))
				}
				for i, c := range ds.schema.Columns {
					if got.Columns[i]["name"] != c.Name {
						t.Fatalf("column %d is %v, want %q", i, got.Columns[i]["name"], c.Name)
					}
				}
				js, _ := json.Marshal(ds.schema)
				if got.Metadata[dataset.MetaSchema] != string(js) || got.Metadata["meadow.dataset_id"] != "ds-"+name {
					t.Fatalf("metadata as read by %s: %v", script, got.Metadata)
				}
				for i, r := range ds.rows {
					want, err := vectors.RowJSON(ds.schema, dataset.NormalizeRow(ds.schema, r))
					if err != nil {
						t.Fatal(err)
					}
					// Compare as JSON values: lists and nulls alike.
					wb, _ := json.Marshal(want)
					var wv []any
					json.Unmarshal(wb, &wv)
					if !reflect.DeepEqual(got.Rows[i], wv) {
						t.Fatalf("row %d as read by %s:\n got %v\nwant %v", i, script, got.Rows[i], wv)
					}
				}
				t.Logf("%s: %d rows, columns %v", script, got.NumRows, got.Columns)
			})
		}
	}
}
