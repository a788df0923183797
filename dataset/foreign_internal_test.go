package dataset

import (
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestMatchColumns: a foreign file's columns are found by name, a narrower
// integer is widened to int64 with its values and nulls kept, and a
// missing or incompatible column is an error naming it and what was
// expected.
func TestMatchColumns(t *testing.T) {
	s, err := CrawlSchema(nil)
	if err != nil {
		t.Fatal(err)
	}
	field := func(name string, dt arrow.DataType) arrow.Field {
		return arrow.Field{Name: name, Type: dt, Nullable: true}
	}
	str, i64 := arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64
	// Reordered, status as int32, an extra column.
	as := arrow.NewSchema([]arrow.Field{
		field("text", str), field("extra", arrow.PrimitiveTypes.Float32), field("url", str), field("final_url", str),
		field("status", arrow.PrimitiveTypes.Int32), field("content_type", str),
		field("node", str), field("fetched_at", i64), field("signature", arrow.BinaryTypes.Binary),
	}, nil)
	cm, err := matchColumns(s, as)
	if err != nil || cm == nil || cm.idx[0] != 2 || !cm.widen[s.Index(ColStatus)] {
		t.Fatalf("matchColumns: %+v, %v", cm, err)
	}
	st := array.NewInt32Builder(memory.DefaultAllocator)
	st.AppendValues([]int32{200, -1, 2147483647}, nil)
	st.AppendNull()
	status := st.NewArray()
	w, err := widenInt(status)
	if err != nil {
		t.Fatal(err)
	}
	got := w.(*array.Int64)
	if got.Value(0) != 200 || got.Value(1) != -1 || got.Value(2) != 2147483647 || !got.IsNull(3) {
		t.Fatalf("widened: %v", got)
	}

	for _, tt := range []struct {
		name   string
		fields []arrow.Field
		want   string
	}{
		{name: "missing", fields: []arrow.Field{field("url", str)}, want: `column "final_url" (string) is not in the file`},
		{name: "float status", fields: []arrow.Field{field("url", str), field("final_url", str), field("status", arrow.PrimitiveTypes.Float64)}, want: `column "status" has type float64 in the file: expected int64 or a narrower integer`},
		{name: "twice", fields: []arrow.Field{field("url", str), field("url", str)}, want: `column "url" appears twice`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := matchColumns(s, arrow.NewSchema(tt.fields, nil))
			if !errors.Is(err, ErrSchemaMismatch) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := inferSchema(arrow.NewSchema([]arrow.Field{field("title", str)}, nil)); !errors.Is(err, ErrNoSchema) {
		t.Fatalf("no url or source_hash: %v", err)
	}
	if inf, err := inferSchema(as); err == nil {
		t.Fatalf("a float32 column was inferred: %+v", inf)
	}
}
