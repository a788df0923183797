package dataset

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// sampleRows returns a compute schema with every column type and rows that
// exercise nulls, empty values, non-ASCII text and extreme integers.
func sampleComputeRows(tb testing.TB) (Schema, []Row) {
	tb.Helper()
	s, err := ComputeSchema([]Column{
		{Name: "tokens", Type: TypeUint32List},
		{Name: "deltas", Type: TypeInt32List, Nullable: true},
		{Name: "minhash", Type: TypeUint64List},
		{Name: "label", Type: TypeString, Nullable: true},
		{Name: "count", Type: TypeInt64},
		{Name: "blob", Type: TypeBytes, Nullable: true},
	})
	if err != nil {
		tb.Fatal(err)
	}
	prov := func(i int) []any {
		return []any{"0x00000000000000000000000000000000000000a1", int64(1700000000000 + i), []byte{1, 2, 3}}
	}
	rows := []Row{
		append(Row{[]byte{0xaa}, []uint32{1, 2, 4294967295}, []int32{-2147483648, 0, 2147483647}, []uint64{0, 18446744073709551615}, "café", int64(-9223372036854775808), []byte{}}, prov(0)...),
		append(Row{[]byte{}, []uint32{}, nil, []uint64{}, nil, int64(9223372036854775807), nil}, prov(1)...),
		append(Row{[]byte{0, 1}, []uint32{7}, []int32{}, []uint64{42}, "  日本語\u3000テキスト ", int64(0), []byte("x")}, prov(2)...),
	}
	return s, rows
}

// sampleWasmRows returns a compute schema with the column types of
// compute/wasm's outputs (float64, bool, list<string>, list<int64>),
// nullable and not, and rows with their edge values: the extreme and
// smallest floats, empty lists, list strings that normalization would
// change (stored as given), extreme int64s.
func sampleWasmRows(tb testing.TB) (Schema, []Row) {
	tb.Helper()
	s, err := ComputeSchema([]Column{
		{Name: "score", Type: TypeFloat64},
		{Name: "prob", Type: TypeFloat64, Nullable: true},
		{Name: "keep", Type: TypeBool},
		{Name: "flag", Type: TypeBool, Nullable: true},
		{Name: "tokens", Type: TypeStringList},
		{Name: "tags", Type: TypeStringList, Nullable: true},
		{Name: "ids", Type: TypeInt64List},
		{Name: "spans", Type: TypeInt64List, Nullable: true},
		{Name: "label", Type: TypeString, Nullable: true},
	})
	if err != nil {
		tb.Fatal(err)
	}
	prov := func(i int) []any {
		return []any{"0x00000000000000000000000000000000000000a1", int64(1700000000000 + i), nil}
	}
	rows := []Row{
		append(Row{[]byte{0xaa}, 0.1, 1.0, true, false, []string{" the", "cat", "e\u0301", "  ", ""}, []string{"日本語", "😀"}, []int64{math.MinInt64, -1, 0, math.MaxInt64}, []int64{}, "  a  b "}, prov(0)...),
		append(Row{[]byte{}, 0.0, nil, false, nil, []string{}, nil, []int64{}, nil, nil}, prov(1)...),
		append(Row{[]byte{1, 2}, -math.MaxFloat64, math.SmallestNonzeroFloat64, true, true, []string{"x"}, []string{}, []int64{24, -25}, []int64{1 << 40}, "ok"}, prov(2)...),
		append(Row{[]byte{3}, 1e300, -2.5, false, false, []string{"a\tb", "\u00a0"}, []string{"ﬁ"}, []int64{7}, nil, ""}, prov(3)...),
	}
	return s, rows
}

func sampleCrawlRows(tb testing.TB) (Schema, []Row) {
	tb.Helper()
	s, err := CrawlSchema([]string{"title", "author"})
	if err != nil {
		tb.Fatal(err)
	}
	title := "Cafe\u0301 \t au  lait"
	empty := ""
	var rows []Row
	pages := []Page{
		{URL: "https://example.org/", FinalURL: "https://example.org/", Status: 200, ContentType: "text/html", Fields: map[string]*string{"title": &title}, Text: "Hello,\u00a0world"},
		{URL: "https://example.org/ja", FinalURL: "https://example.org/ja/", Status: 301, ContentType: "text/html; charset=utf-8", Fields: map[string]*string{"author": &empty}, Text: "こんにちは 世界 🌍 שלום"},
		{URL: "https://example.org/404", FinalURL: "https://example.org/404", Status: 404, ContentType: "", Text: ""},
	}
	for i, p := range pages {
		rows = append(rows, CrawlRow(s, p, Provenance{Node: "0x00000000000000000000000000000000000000b2", FetchedAt: int64(1700000000000 + i)}))
	}
	return s, rows
}

func writeFile(tb testing.TB, dir string, f Format, s Schema, rows []Row, opts ...WriterOption) (string, WriteSummary) {
	tb.Helper()
	path := filepath.Join(dir, "data"+f.Ext())
	fh, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer fh.Close()
	w, err := NewWriter(fh, f, s, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return path, w.Summary()
}

func readAll(tb testing.TB, path string) (Schema, []Row) {
	tb.Helper()
	r, err := Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	var rows []Row
	for r.Next() {
		rows = append(rows, r.Row())
	}
	if err := r.Err(); err != nil {
		tb.Fatal(err)
	}
	return r.Schema(), rows
}

func TestWriteReadRoundTrip(t *testing.T) {
	for _, f := range []Format{FormatArrowStream, FormatArrowFile, FormatParquet} {
		for i, sample := range []func(testing.TB) (Schema, []Row){sampleComputeRows, sampleCrawlRows, sampleWasmRows} {
			s, rows := sample(t)
			t.Run(f.String()+"/"+[]string{"compute", "crawl", "wasm"}[i], func(t *testing.T) {
				path, sum := writeFile(t, t.TempDir(), f, s, rows, WithBatchRows(2))
				gs, got := readAll(t, path)
				if !gs.Equal(s) {
					t.Fatalf("schema: got %+v, want %+v", gs, s)
				}
				if len(got) != len(rows) {
					t.Fatalf("%d rows, want %d", len(got), len(rows))
				}
				for i := range rows {
					want := NormalizeRow(s, rows[i])
					if !reflect.DeepEqual(got[i], want) {
						t.Errorf("row %d:\n got %#v\nwant %#v", i, got[i], want)
					}
				}
				var hs []Hash
				for _, r := range rows {
					h, err := HashRow(s, r)
					if err != nil {
						t.Fatal(err)
					}
					hs = append(hs, h)
				}
				if root := ContentRoot(hs); root != sum.Root {
					t.Errorf("summary root %s, want %s", sum.Root, root)
				}
				if sum.Rows != int64(len(rows)) {
					t.Errorf("summary rows %d", sum.Rows)
				}
				data, _ := os.ReadFile(path)
				if int64(len(data)) != sum.Bytes || sum256(data) != sum.SHA256 {
					t.Errorf("summary bytes/sha256 do not match the file")
				}
				if _, err := NewReader(bytes.NewReader(data[:len(data)/2]), int64(len(data)/2)); err == nil && f != FormatArrowStream {
					t.Errorf("truncated %s file opened without error", f)
				}
			})
		}
	}
}

func TestWriterRejectsBadRow(t *testing.T) {
	s, rows := sampleCrawlRows(t)
	var buf bytes.Buffer
	w, err := NewWriter(&buf, FormatArrowStream, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rows[0]); err != nil {
		t.Fatal(err)
	}
	bad := append(Row(nil), rows[1]...)
	bad[s.Index(ColStatus)] = 200 // int, not int64
	err = w.Write(bad)
	var re *RowError
	if !errors.As(err, &re) || re.Row != 1 || re.Column != ColStatus || !errors.Is(err, ErrInvalidRow) {
		t.Fatalf("got %v, want a RowError for row 1, column status", err)
	}
	t.Log(err)
	if err := w.Write(rows[1]); err != nil {
		t.Fatalf("writer unusable after a bad row: %v", err)
	}
}
