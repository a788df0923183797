package dataset

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// sampleWasmRows has a column of each type added for buyers' WebAssembly
// kernels: float64, bool, list<string> and list<int64>, with nulls, empty
// lists, extremes and text that normalizes.
func sampleWasmRows(tb testing.TB) (Schema, []Row) {
	tb.Helper()
	s, err := ComputeSchema([]Column{
		{Name: "share", Type: TypeFloat64},
		{Name: "flag", Type: TypeBool, Nullable: true},
		{Name: "emails", Type: TypeStringList},
		{Name: "ids", Type: TypeInt64List, Nullable: true},
	})
	if err != nil {
		tb.Fatal(err)
	}
	prov := []any{"0x00000000000000000000000000000000000000a1", int64(1700000000000), nil}
	rows := []Row{
		append(Row{[]byte{1}, 0.25, true, []string{"a@example.org", "  b@example.org\t"}, []int64{math.MinInt64, 0, math.MaxInt64}}, prov...),
		append(Row{[]byte{2}, 0.0, nil, []string{}, nil}, prov...),
		append(Row{[]byte{3}, -1e300, false, []string{"Cafe\u0301", "日本"}, []int64{}}, prov...),
		append(Row{[]byte{4}, math.SmallestNonzeroFloat64, true, []string{""}, []int64{-1, 24, -25}}, prov...),
		append(Row{[]byte{5}, 65504.0, false, []string{"x"}, []int64{1 << 40}}, prov...),
		append(Row{[]byte{6}, 1.0 / 3, true, []string{"y"}, []int64{7}}, prov...),
		append(Row{[]byte{7}, 5.960464477539063e-08, true, []string{"z"}, []int64{7}}, prov...), // binary16's smallest subnormal
	}
	return s, rows
}

func TestNewTypesRoundTrip(t *testing.T) {
	s, rows := sampleWasmRows(t)
	for _, f := range []Format{FormatArrowStream, FormatArrowFile, FormatParquet} {
		t.Run(f.String(), func(t *testing.T) {
			path, sum := writeFile(t, t.TempDir(), f, s, rows, WithBatchRows(3))
			gs, got := readAll(t, path)
			if !gs.Equal(s) {
				t.Fatalf("schema: got %+v, want %+v", gs, s)
			}
			var hs []Hash
			for i := range rows {
				want := NormalizeRow(s, rows[i])
				if !reflect.DeepEqual(got[i], want) {
					t.Errorf("row %d:\n got %#v\nwant %#v", i, got[i], want)
				}
				h, err := HashRow(s, rows[i])
				if err != nil {
					t.Fatal(err)
				}
				hs = append(hs, h)
				// What is stored hashes as what was written.
				if h2, err := HashRow(s, got[i]); err != nil || h2 != h {
					t.Errorf("row %d: stored row hashes %s (%v), written %s", i, h2, err, h)
				}
				b, _ := AppendCanonical(nil, s, rows[i])
				back, err := DecodeCanonical(s, b)
				if err != nil {
					t.Fatalf("row %d: decode its canonical form: %v", i, err)
				}
				if !reflect.DeepEqual(back, want[:s.NumContent()]) {
					t.Errorf("row %d: decoded %#v, want %#v", i, back, want[:s.NumContent()])
				}
			}
			if root := ContentRoot(hs); root != sum.Root {
				t.Errorf("summary root %s, want %s", sum.Root, root)
			}
			rep, err := Verify(t.Context(), path, VerifyOptions{})
			if err != nil || rep.Rows != int64(len(rows)) {
				t.Fatalf("verify: %+v, %v", rep, err)
			}
		})
	}
	// A list's strings are normalized like a string column's.
	if got := NormalizeRow(s, rows[0])[3].([]string); got[1] != "b@example.org" || rows[0][3].([]string)[1] == "b@example.org" {
		t.Fatalf("NormalizeRow: %q (and the input must be left alone)", got)
	}
}

// TestNewTypesMatchFxamacker checks the encoding of random rows with every
// new type against an independent CBOR library's core deterministic mode,
// whose floats take the shortest exact form.
func TestNewTypesMatchFxamacker(t *testing.T) {
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		t.Fatal(err)
	}
	s, _ := sampleWasmRows(t)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 3000; i++ {
		row := randomRow(rng, s)
		got, err := AppendCanonical(nil, s, row)
		if err != nil {
			t.Fatal(err)
		}
		var vals []any
		for j := 0; j < s.NumContent(); j++ {
			v := row[j]
			if l, ok := v.([]string); ok {
				n := make([]string, len(l))
				for k := range l {
					n[k] = refNormalize(l[k])
				}
				v = n
			}
			vals = append(vals, v)
		}
		want, err := em.Marshal(vals)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("row %#v:\n got %x\nwant %x", row, got, want)
		}
		back, err := DecodeCanonical(s, got)
		if err != nil {
			t.Fatalf("row %#v: %v", row, err)
		}
		if again, _ := AppendCanonical(nil, s, back); !bytes.Equal(again, got) {
			t.Fatalf("row %#v: decode and encode gave %x, want %x", row, again, got)
		}
	}
}

func TestNewTypesRefuseBadValues(t *testing.T) {
	s, rows := sampleWasmRows(t)
	with := func(col int, v any) Row {
		r := append(Row(nil), rows[0]...)
		r[col] = v
		return r
	}
	for _, tc := range []struct {
		name string
		row  Row
		col  string
	}{
		{"NaN", with(1, math.NaN()), "share"},
		{"infinity", with(1, math.Inf(-1)), "share"},
		{"negative zero", with(1, math.Copysign(0, -1)), "share"},
		{"float as int", with(1, int64(1)), "share"},
		{"null float", with(1, nil), "share"},
		{"bool as string", with(2, "true"), "flag"},
		{"invalid UTF-8 element", with(3, []string{"ok", "\xff"}), "emails"},
		{"list of the wrong type", with(3, []int64{1}), "emails"},
		{"int64 list as int32", with(4, []int32{1}), "ids"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var re *RowError
			if err := ValidateRow(s, tc.row); !errors.As(err, &re) || re.Column != tc.col {
				t.Fatalf("ValidateRow: %v; want a RowError naming %s", err, tc.col)
			}
			if _, err := HashRow(s, tc.row); !errors.As(err, &re) || re.Column != tc.col {
				t.Fatalf("HashRow: %v; want a RowError naming %s", err, tc.col)
			}
		})
	}
	// Decoding refuses what encoding never makes.
	prefix := func(b ...byte) []byte {
		return append([]byte{0x85, 0x41, 0x01}, b...)
	}
	rest := []byte{0xf5, 0x80, 0xf6}
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"double that fits a half", append(prefix(0xfb, 0x3f, 0xd0, 0, 0, 0, 0, 0, 0), rest...)},
		{"single that fits a half", append(prefix(0xfa, 0x3e, 0x80, 0, 0), rest...)},
		{"half NaN", append(prefix(0xf9, 0x7e, 0x00), rest...)},
		{"half -0", append(prefix(0xf9, 0x80, 0x00), rest...)},
		{"integer for a float", append(prefix(0x01), rest...)},
		{"truncated double", prefix(0xfb, 0x3f)},
		{"bool as null", append(prefix(0xf9, 0x34, 0x00), 0xf7, 0x80, 0xf6)},
		{"string list of ints", append(prefix(0xf9, 0x34, 0x00), 0xf5, 0x81, 0x01, 0xf6)},
	} {
		t.Run("decode "+tc.name, func(t *testing.T) {
			if _, err := DecodeCanonical(s, tc.b); !errors.Is(err, ErrNotCanonical) {
				t.Fatalf("DecodeCanonical(%x) = %v; want ErrNotCanonical", tc.b, err)
			}
		})
	}
}
