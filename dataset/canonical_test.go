package dataset

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/fxamacker/cbor/v2"
	"golang.org/x/text/unicode/norm"
)

// oneColumn returns a schema whose only content column is c.
func oneColumn(tb testing.TB, c Column) Schema {
	tb.Helper()
	c.Role = RoleContent
	s := Schema{Kind: KindCompute, Columns: []Column{c}}
	if err := s.Validate(); err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestCanonicalEncoding(t *testing.T) {
	tests := []struct {
		name string
		col  Column
		v    any
		hex  string // of the whole one-element array
	}{
		{name: "null", col: Column{Name: "x", Type: TypeString, Nullable: true}, v: nil, hex: "81f6"},
		{name: "empty string", col: Column{Name: "x", Type: TypeString}, v: "", hex: "8160"},
		{name: "ascii", col: Column{Name: "x", Type: TypeString}, v: "abc", hex: "8163616263"},
		{name: "collapsed", col: Column{Name: "x", Type: TypeString}, v: " \ta \n\u00a0b\u3000", hex: "8163612062"},
		{name: "nfc", col: Column{Name: "x", Type: TypeString}, v: "e\u0301", hex: "8162c3a9"},
		{name: "int 0", col: Column{Name: "x", Type: TypeInt64}, v: int64(0), hex: "8100"},
		{name: "int 23", col: Column{Name: "x", Type: TypeInt64}, v: int64(23), hex: "8117"},
		{name: "int 24", col: Column{Name: "x", Type: TypeInt64}, v: int64(24), hex: "811818"},
		{name: "int 255", col: Column{Name: "x", Type: TypeInt64}, v: int64(255), hex: "8118ff"},
		{name: "int 256", col: Column{Name: "x", Type: TypeInt64}, v: int64(256), hex: "81190100"},
		{name: "int 65535", col: Column{Name: "x", Type: TypeInt64}, v: int64(65535), hex: "8119ffff"},
		{name: "int 65536", col: Column{Name: "x", Type: TypeInt64}, v: int64(65536), hex: "811a00010000"},
		{name: "int 2^32", col: Column{Name: "x", Type: TypeInt64}, v: int64(1 << 32), hex: "811b0000000100000000"},
		{name: "int max", col: Column{Name: "x", Type: TypeInt64}, v: int64(math.MaxInt64), hex: "811b7fffffffffffffff"},
		{name: "int -1", col: Column{Name: "x", Type: TypeInt64}, v: int64(-1), hex: "8120"},
		{name: "int -24", col: Column{Name: "x", Type: TypeInt64}, v: int64(-24), hex: "8137"},
		{name: "int -25", col: Column{Name: "x", Type: TypeInt64}, v: int64(-25), hex: "813818"},
		{name: "int min", col: Column{Name: "x", Type: TypeInt64}, v: int64(math.MinInt64), hex: "813b7fffffffffffffff"},
		{name: "bytes", col: Column{Name: "x", Type: TypeBytes}, v: []byte{1, 2}, hex: "81420102"},
		{name: "empty bytes", col: Column{Name: "x", Type: TypeBytes}, v: []byte{}, hex: "8140"},
		{name: "nil bytes are empty, not null", col: Column{Name: "x", Type: TypeBytes}, v: []byte(nil), hex: "8140"},
		{name: "uint32s", col: Column{Name: "x", Type: TypeUint32List}, v: []uint32{0, 24, math.MaxUint32}, hex: "8183001818" + "1affffffff"},
		{name: "int32s", col: Column{Name: "x", Type: TypeInt32List}, v: []int32{math.MinInt32, -1, math.MaxInt32}, hex: "81833a7fffffff201a7fffffff"},
		{name: "uint64s", col: Column{Name: "x", Type: TypeUint64List}, v: []uint64{math.MaxUint64}, hex: "81811bffffffffffffffff"},
		{name: "empty list", col: Column{Name: "x", Type: TypeUint64List}, v: []uint64{}, hex: "8180"},
		{name: "float 0", col: Column{Name: "x", Type: TypeFloat64}, v: 0.0, hex: "81fb0000000000000000"},
		{name: "float 1 keeps 9 bytes", col: Column{Name: "x", Type: TypeFloat64}, v: 1.0, hex: "81fb3ff0000000000000"},
		{name: "float -1.5", col: Column{Name: "x", Type: TypeFloat64}, v: -1.5, hex: "81fbbff8000000000000"},
		{name: "float 0.1", col: Column{Name: "x", Type: TypeFloat64}, v: 0.1, hex: "81fb3fb999999999999a"},
		{name: "float max", col: Column{Name: "x", Type: TypeFloat64}, v: math.MaxFloat64, hex: "81fb7fefffffffffffff"},
		{name: "float smallest subnormal", col: Column{Name: "x", Type: TypeFloat64}, v: math.SmallestNonzeroFloat64, hex: "81fb0000000000000001"},
		{name: "float null", col: Column{Name: "x", Type: TypeFloat64, Nullable: true}, v: nil, hex: "81f6"},
		{name: "true", col: Column{Name: "x", Type: TypeBool}, v: true, hex: "81f5"},
		{name: "false", col: Column{Name: "x", Type: TypeBool}, v: false, hex: "81f4"},
		{name: "strings verbatim", col: Column{Name: "x", Type: TypeStringList}, v: []string{"a", " the", "", "e\u0301"}, hex: "8184" + "6161" + "6420746865" + "60" + "6365cc81"},
		{name: "empty string list", col: Column{Name: "x", Type: TypeStringList}, v: []string{}, hex: "8180"},
		{name: "nil string list is empty", col: Column{Name: "x", Type: TypeStringList}, v: []string(nil), hex: "8180"},
		{name: "int64s", col: Column{Name: "x", Type: TypeInt64List}, v: []int64{0, -1, 24, math.MinInt64, math.MaxInt64}, hex: "8185" + "00" + "20" + "1818" + "3b7fffffffffffffff" + "1b7fffffffffffffff"},
		{name: "empty int64s", col: Column{Name: "x", Type: TypeInt64List}, v: []int64{}, hex: "8180"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := oneColumn(t, tt.col)
			got, err := AppendCanonical(nil, s, Row{tt.v})
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(got) != tt.hex {
				t.Fatalf("got %x, want %s", got, tt.hex)
			}
			back, err := DecodeCanonical(s, got)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			again, _ := AppendCanonical(nil, s, back)
			if !bytes.Equal(again, got) {
				t.Fatalf("re-encoded %x", again)
			}
		})
	}
}

func TestLongTextUsesFourByteLength(t *testing.T) {
	s := oneColumn(t, Column{Name: "x", Type: TypeString})
	text := strings.Repeat("a", 70000)
	b, err := AppendCanonical(nil, s, Row{text})
	if err != nil {
		t.Fatal(err)
	}
	if want := "817a00011170"; hex.EncodeToString(b[:6]) != want || len(b) != 6+70000 {
		t.Fatalf("head %x, length %d", b[:6], len(b))
	}
	// Non-ASCII long text goes through the slow path and the head is moved.
	text = strings.Repeat("é ", 40000) + "e\u0301"
	b, err = AppendCanonical(nil, s, Row{text})
	if err != nil {
		t.Fatal(err)
	}
	want := NormalizeText(text)
	if b[1] != 0x7a || string(b[6:]) != want {
		t.Fatalf("slow path long text: head %x, %d bytes", b[:6], len(b))
	}
}

// canonicalEncMode is an independent CBOR encoder of the canonical form:
// fxamacker/cbor in RFC 8949 core deterministic mode, with floats always
// in their 9-byte form (Meadow's one departure from the core rules).
func canonicalEncMode(tb testing.TB) cbor.EncMode {
	tb.Helper()
	opts := cbor.CoreDetEncOptions()
	opts.ShortestFloat = cbor.ShortestFloatNone
	em, err := opts.EncMode()
	if err != nil {
		tb.Fatal(err)
	}
	return em
}

// TestCanonicalMatchesFxamacker encodes random rows with this package and
// with an independent CBOR library in RFC 8949 core deterministic mode.
func TestCanonicalMatchesFxamacker(t *testing.T) {
	em := canonicalEncMode(t)
	cs, _ := sampleComputeRows(t)
	ws, _ := sampleWasmRows(t)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 4000; i++ {
		s := cs
		if i%2 == 1 {
			s = ws
		}
		row := randomRow(rng, s)
		got, err := AppendCanonical(nil, s, row)
		if err != nil {
			t.Fatal(err)
		}
		var vals []any
		for j := 0; j < s.NumContent(); j++ {
			v := row[j]
			if str, ok := v.(string); ok {
				v = refNormalize(str)
			}
			vals = append(vals, v)
		}
		want, err := em.Marshal(vals)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("row %v:\n got %x\nwant %x", row, got, want)
		}
	}
}

// randomRow makes a row of s with random values, nulls where allowed.
func randomRow(rng *rand.Rand, s Schema) Row {
	pieces := []string{"a", "b", " ", "  ", "\t", "\n", "\u00a0", "\u3000", "e\u0301", "é", "ﬁ", "한", "\u1100\u1161", "日本", "🌍", "שלום", "\u0085", "\u200b", "\ufeff", "x"}
	ints := []int64{0, 1, 23, 24, 255, 256, 65535, 65536, -1, -24, -25, -256, -257, math.MaxInt64, math.MinInt64, 1 << 32, -(1 << 32) - 1}
	row := make(Row, len(s.Columns))
	for j, c := range s.Columns {
		if c.Nullable && rng.IntN(4) == 0 {
			continue
		}
		n := rng.IntN(6)
		switch c.Type {
		case TypeString:
			var sb strings.Builder
			for k := 0; k < n; k++ {
				sb.WriteString(pieces[rng.IntN(len(pieces))])
			}
			row[j] = sb.String()
		case TypeInt64:
			if rng.IntN(2) == 0 {
				row[j] = ints[rng.IntN(len(ints))]
			} else {
				row[j] = int64(rng.Uint64())
			}
		case TypeBytes:
			b := make([]byte, n)
			for k := range b {
				b[k] = byte(rng.Uint32())
			}
			row[j] = b
		case TypeUint32List:
			v := make([]uint32, n)
			for k := range v {
				v[k] = rng.Uint32() >> rng.IntN(32)
			}
			row[j] = v
		case TypeInt32List:
			v := make([]int32, n)
			for k := range v {
				v[k] = int32(rng.Uint32()) >> rng.IntN(32)
			}
			row[j] = v
		case TypeUint64List:
			v := make([]uint64, n)
			for k := range v {
				v[k] = rng.Uint64() >> rng.IntN(64)
			}
			row[j] = v
		case TypeFloat64:
			row[j] = randomFloat(rng)
		case TypeBool:
			row[j] = rng.IntN(2) == 0
		case TypeStringList:
			v := make([]string, n)
			for k := range v {
				var sb strings.Builder
				for m := rng.IntN(4); m > 0; m-- {
					sb.WriteString(pieces[rng.IntN(len(pieces))])
				}
				v[k] = sb.String()
			}
			row[j] = v
		case TypeInt64List:
			v := make([]int64, n)
			for k := range v {
				if rng.IntN(2) == 0 {
					v[k] = ints[rng.IntN(len(ints))]
				} else {
					v[k] = int64(rng.Uint64()) >> rng.IntN(64)
				}
			}
			row[j] = v
		}
	}
	return row
}

// randomFloat returns a finite float64 other than -0: an edge case or
// random bits.
func randomFloat(rng *rand.Rand) float64 {
	edges := []float64{0, 1, -1, 0.1, -2.5, 1e300, -1e-300, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 0x1p-1022, 123456789, 1 << 53}
	if rng.IntN(2) == 0 {
		return edges[rng.IntN(len(edges))]
	}
	for {
		if v := math.Float64frombits(rng.Uint64()); checkFloat(v) == "" {
			return v
		}
	}
}

// refNormalize is the normalization rule written the obvious way: NFC,
// then the Unicode White_Space runs collapsed and the ends trimmed.
func refNormalize(s string) string {
	s = norm.NFC.String(s)
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.Is(unicode.White_Space, r) }), " ")
}

func TestNormalizeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"a", "a"},
		{" a ", "a"},
		{"a  b", "a b"},
		{"a\t\n\r\v\fb", "a b"},
		{"a\u00a0b", "a b"}, // NBSP is White_Space
		{"a\u3000b", "a b"}, // ideographic space
		{"a\u2028b\u2029c", "a b c"},
		{"a\u200bb", "a\u200bb"}, // zero width space is not White_Space
		{"a\ufeffb", "a\ufeffb"}, // nor is the BOM
		{"a\u0085b", "a b"},      // NEL is
		{"e\u0301", "é"},
		{"\u1100\u1161\u11a8", "각"},        // Hangul jamo compose
		{"ﬁ", "ﬁ"},                         // compatibility ligature: NFC keeps it
		{"\u2126", "\u03a9"},               // ohm sign → omega (canonical singleton)
		{"\u212b", "\u00c5"},               // angstrom sign → Å
		{"x\u2000y", "x y"},                // en quad decomposes to en space, both White_Space
		{" \u0301a", "\u0301a"},            // a leading combining mark stays
		{"a \u0301", "a \u0301"},           // does not compose across a space
		{"q\u0307\u0323", "q\u0323\u0307"}, // canonical reordering
	}
	for _, tt := range tests {
		if got := NormalizeText(tt.in); got != tt.want {
			t.Errorf("NormalizeText(%+q) = %+q, want %+q", tt.in, got, tt.want)
		}
		if got := refNormalize(tt.in); got != tt.want {
			t.Errorf("reference(%+q) = %+q, want %+q", tt.in, got, tt.want)
		}
		if !IsNormalized(tt.want) {
			t.Errorf("IsNormalized(%+q) = false", tt.want)
		}
	}
}

func TestWhiteSpaceList(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if isWhiteSpace(r) != unicode.Is(unicode.White_Space, r) {
			t.Fatalf("isWhiteSpace(%U) = %v, unicode.White_Space says %v", r, isWhiteSpace(r), !isWhiteSpace(r))
		}
	}
}

func FuzzNormalizeText(f *testing.F) {
	for _, s := range []string{"", " a ", "e\u0301  x", "\u1100\u1161", "a\u3000\u00a0b", "ﬁ\t"} {
		f.Add(s)
	}
	// ASCII text long enough for the vector path, and lengths whose head
	// shrinks once the white space is collapsed (24 and 256 bytes).
	line := strings.Repeat("word and words, ", 5)
	for _, s := range []string{
		line + "\n" + line + "  \t" + line + "\r\n",
		" " + line + line + line + " ",
		strings.Repeat("a", 22) + "  ", strings.Repeat("a ", 127) + "   b",
		strings.Repeat(" ", 64) + "x", strings.Repeat("x\n", 40), line + "\x01" + line,
	} {
		f.Add(s)
	}
	// The one-pass vector collapse: runs across the 32-byte blocks, the
	// last partial block at every length, text of white space only, and a
	// byte ≥ 0x80 found late (the text is then not ASCII after all).
	for _, s := range []string{
		strings.Repeat("x", 30) + " \r\n\t " + strings.Repeat("y", 40),
		strings.Repeat("ab\n\n", 17), strings.Repeat("\t", 33), strings.Repeat(" ", 40) + "x" + strings.Repeat("\f", 40),
		strings.Repeat("z", 33), strings.Repeat("z", 63) + "\v", strings.Repeat("z", 31) + "\x1c\x7f\x00 " + strings.Repeat("z", 31),
		line + line + "caf\u00e9", line + "\u00a0" + line, strings.Repeat("w ", 50) + "\u3000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !isValidUTF8(s) {
			return // the encoder rejects invalid UTF-8; NormalizeText's result is unspecified
		}
		got := NormalizeText(s)
		want := refNormalize(s)
		if got != want {
			t.Fatalf("NormalizeText(%+q) = %+q, reference %+q", s, got, want)
		}
		// The encoder's own path (ASCII text is collapsed as it is copied)
		// writes the same text behind its head.
		enc, ok := appendText([]byte("prefix"), s)
		head := appendHead(nil, majorText, uint64(len(want)))
		if !ok || string(enc) != "prefix"+string(head)+want {
			t.Fatalf("appendText(%+q) = %+q, %v; want the head and %+q", s, enc, ok, want)
		}
		// Both ASCII collapses, the vector one (where the CPU has it) and
		// the Go loop, whatever path appendText took.
		checkCollapsed(t, s)
		if NormalizeText(got) != got || !IsNormalized(got) {
			t.Fatalf("not idempotent on %+q", s)
		}
		if IsNormalized(s) != (s == got) {
			t.Fatalf("IsNormalized(%+q) = %v", s, IsNormalized(s))
		}
	})
}

func isValidUTF8(s string) bool { return strings.ToValidUTF8(s, "\ufffd") == s }

func TestEncodeErrors(t *testing.T) {
	s, rows := sampleCrawlRows(t)
	good := rows[0]
	with := func(col string, v any) Row {
		r := append(Row(nil), good...)
		r[s.Index(col)] = v
		return r
	}
	tests := []struct {
		name string
		row  Row
		col  string
		msg  string
	}{
		{name: "wrong type", row: with(ColStatus, "200"), col: ColStatus, msg: "expected int64, got string"},
		{name: "go int", row: with(ColStatus, 200), col: ColStatus, msg: "expected int64, got int"},
		{name: "null", row: with(ColURL, nil), col: ColURL, msg: "null in a column that is not nullable"},
		{name: "bad utf8", row: with(ColText, "a\xffb"), col: ColText, msg: "invalid UTF-8"},
		{name: "short", row: good[:3], col: "", msg: "3 values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := HashRow(s, tt.row)
			var re *RowError
			if !errors.As(err, &re) || re.Column != tt.col || !errors.Is(err, ErrInvalidRow) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("HashRow: got %v, want column %q, %q", err, tt.col, tt.msg)
			}
			if tt.name == "short" {
				return
			}
			err = ValidateRow(s, tt.row)
			if !errors.As(err, &re) || re.Column != tt.col || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("ValidateRow: got %v, want column %q, %q", err, tt.col, tt.msg)
			}
		})
	}
	// A provenance value of the wrong type fails validation, not hashing.
	bad := with(ColFetchedAt, "yesterday")
	if _, err := HashRow(s, bad); err != nil {
		t.Fatalf("HashRow looked at a provenance column: %v", err)
	}
	if err := ValidateRow(s, bad); err == nil || !strings.Contains(err.Error(), `column "fetched_at"`) {
		t.Fatalf("ValidateRow: %v", err)
	}
}

func TestProvenanceDoesNotChangeHash(t *testing.T) {
	s, rows := sampleCrawlRows(t)
	a := append(Row(nil), rows[0]...)
	b := append(Row(nil), rows[0]...)
	b[s.Index(ColNode)] = "0x00000000000000000000000000000000000000ff"
	b[s.Index(ColFetchedAt)] = int64(1)
	b[s.Index(ColSignature)] = []byte{9}
	ha, _ := HashRow(s, a)
	hb, _ := HashRow(s, b)
	hc, _ := HashRow(s, a[:s.NumContent()])
	if ha != hb || ha != hc {
		t.Fatal("provenance changed the row hash")
	}
}

func TestDecodeRejects(t *testing.T) {
	str := oneColumn(t, Column{Name: "s", Type: TypeString})
	i64 := oneColumn(t, Column{Name: "i", Type: TypeInt64})
	u32 := oneColumn(t, Column{Name: "l", Type: TypeUint32List})
	i32 := oneColumn(t, Column{Name: "l", Type: TypeInt32List})
	byt := oneColumn(t, Column{Name: "b", Type: TypeBytes})
	f64 := oneColumn(t, Column{Name: "f", Type: TypeFloat64})
	bol := oneColumn(t, Column{Name: "b", Type: TypeBool})
	sls := oneColumn(t, Column{Name: "l", Type: TypeStringList})
	i64l := oneColumn(t, Column{Name: "l", Type: TypeInt64List})
	tests := []struct {
		name string
		s    Schema
		hex  string
		msg  string
	}{
		{"empty input", str, "", "end of input"},
		{"not an array", str, "6161", "expected row array"},
		{"wrong count", str, "82616161", "array of 2 elements"},
		{"indefinite array", str, "9f6161ff", "indefinite"},
		{"indefinite text", str, "817f6161ff", "indefinite"},
		{"non-shortest length", str, "81780161", "shortest"},
		{"non-shortest int", i64, "811817", "shortest"},
		{"non-shortest int 2", i64, "81190010", "shortest"},
		{"non-shortest negative", i64, "81380a", "shortest"},
		{"reserved ai", i64, "811c", "reserved"},
		{"trailing", str, "816161ff", "after the row array"},
		{"invalid utf8", str, "8161ff", "not valid UTF-8"},
		{"not NFC", str, "816365cc81", "not normalized"},
		{"double space 2", str, "8164612020" + "62", "not normalized"},
		{"leading space", str, "81622061", "not normalized"},
		{"tab", str, "81636109" + "62", "not normalized"},
		{"null not nullable", str, "81f6", "null in a column"},
		{"float", i64, "81f93c00", "expected an int64"},
		{"tag", i64, "81c100", "expected an int64"},
		{"map", str, "81a0", "expected a text string"},
		{"bytes for text", str, "814161", "expected a text string"},
		{"text for bytes", byt, "816161", "expected a byte string"},
		{"true", i64, "81f5", "expected an int64"},
		{"int64 overflow", i64, "811b8000000000000000", "out of range"},
		{"int64 underflow", i64, "813b8000000000000000", "out of range"},
		{"uint32 overflow", u32, "81811b0000000100000000", "out of range"},
		{"negative uint32", u32, "818120", "out of range"},
		{"int32 overflow", i32, "81811a80000000", "out of range"},
		{"int32 underflow", i32, "81813a80000000", "out of range"},
		{"huge length", byt, "815bffffffffffffffff", "past the end"},
		{"truncated head", i64, "811a0000", "truncated"},
		{"list length past end", u32, "819a7fffffff", "past the end"},
		{"half float", f64, "81f93c00", "9-byte form"},
		{"single float", f64, "81fa3f800000", "9-byte form"},
		{"int for float", f64, "8101", "expected a float64"},
		{"NaN", f64, "81fb7ff8000000000000", "NaN"},
		{"other NaN", f64, "81fbfff0000000000001", "NaN"},
		{"+Inf", f64, "81fb7ff0000000000000", "+Inf"},
		{"-Inf", f64, "81fbfff0000000000000", "-Inf"},
		{"-0", f64, "81fb8000000000000000", "-0"},
		{"truncated float", f64, "81fb3ff00000", "truncated"},
		{"no float", f64, "81", "end of input"},
		{"0 for false", bol, "8100", "expected true (0xf5) or false (0xf4)"},
		{"undefined for bool", bol, "81f7", "expected true"},
		{"simple 0 for bool", bol, "81e0", "expected true"},
		{"two-byte simple for bool", bol, "81f814", "expected true"},
		{"null for bool", bol, "81f6", "null in a column"},
		{"no bool", bol, "81", "end of input"},
		{"bytes in a string list", sls, "81814161", "expected a text string"},
		{"invalid UTF-8 element", sls, "818261616180", "element 1: text is not valid UTF-8"},
		{"indefinite string list", sls, "819f6161ff", "indefinite"},
		{"non-shortest element length", sls, "8181780161", "shortest"},
		{"null element", sls, "8181f6", "expected a text string"},
		{"string list element past the end", sls, "8183616161", "past the end"},
		{"text for string list", sls, "816161", "expected an array of text strings"},
		{"int64 element overflow", i64l, "81811b8000000000000000", "out of range"},
		{"int64 element underflow", i64l, "81813b8000000000000000", "out of range"},
		{"non-shortest int64 element", i64l, "8181190001", "shortest"},
		{"float int64 element", i64l, "8181fb3ff0000000000000", "expected an int64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := hex.DecodeString(tt.hex)
			if err != nil {
				t.Fatal(err)
			}
			_, err = DecodeCanonical(tt.s, b)
			if !errors.Is(err, ErrNotCanonical) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("got %v, want an ErrNotCanonical containing %q", err, tt.msg)
			}
		})
	}
}

// fuzzSchemaOf has a column of each type given, nullable and not.
func fuzzSchemaOf(types ...ColumnType) Schema {
	var cols []Column
	for _, t := range types {
		cols = append(cols, Column{Name: t.String(), Type: t, Role: RoleContent})
		cols = append(cols, Column{Name: t.String() + "?", Type: t, Role: RoleContent, Nullable: true})
	}
	return Schema{Kind: KindCompute, Columns: cols}
}

// fuzzSchema has every column type of the first version, nullable and
// not: the schema the kept corpus of FuzzDecodeRow was grown against.
func fuzzSchema() Schema {
	return fuzzSchemaOf(TypeString, TypeInt64, TypeBytes, TypeUint32List, TypeInt32List, TypeUint64List)
}

// fuzzSchemaWasm has the types added for compute/wasm's outputs (and a
// string, to mix them with normalized text), nullable and not.
func fuzzSchemaWasm() Schema {
	return fuzzSchemaOf(TypeFloat64, TypeBool, TypeStringList, TypeInt64List, TypeString)
}

// FuzzDecodeRow checks the decoder's property: whatever it accepts
// re-encodes to the same bytes, and what the encoder makes decodes back to
// the same (normalized) row. Every input is decoded against both fuzz
// schemas (an array of 12 or of 10 elements), so that the corpus covers
// every column type.
func FuzzDecodeRow(f *testing.F) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, s := range []Schema{fuzzSchema(), fuzzSchemaWasm()} {
		for i := 0; i < 8; i++ {
			b, err := AppendCanonical(nil, s, randomRow(rng, s))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte{0x8c})
	f.Add([]byte{0x8a})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, s := range []Schema{fuzzSchema(), fuzzSchemaWasm()} {
			checkDecodeRow(t, s, b)
		}
	})
}

func checkDecodeRow(t *testing.T, s Schema, b []byte) {
	row, err := DecodeCanonical(s, b)
	if err != nil {
		if !errors.Is(err, ErrNotCanonical) {
			t.Fatalf("error does not wrap ErrNotCanonical: %v", err)
		}
	} else {
		again, err := AppendCanonical(nil, s, row)
		if err != nil {
			t.Fatalf("decoded row does not encode: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("decoded %x, re-encoded %x", b, again)
		}
	}
	// The other direction: a row built from the input encodes to
	// bytes that decode back to the normalized row.
	r := rand.New(rand.NewPCG(uint64(len(b)), uint64(bytesSum(b))))
	in := randomRow(r, s)
	enc, err := AppendCanonical(nil, s, in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := DecodeCanonical(s, enc)
	if err != nil {
		t.Fatalf("encoder output %x does not decode: %v", enc, err)
	}
	want := NormalizeRow(s, in)
	for j := range want {
		if b, ok := want[j].([]byte); ok && b == nil {
			want[j] = []byte{}
		}
	}
	if !reflect.DeepEqual(out, want) {
		t.Fatalf("round trip:\n got %#v\nwant %#v", out, want)
	}
}

func bytesSum(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*31 + int(c)
	}
	return n
}

func TestHasherHashRowsMatchesHashRow(t *testing.T) {
	for _, s := range []Schema{fuzzSchema(), fuzzSchemaWasm()} {
		hasherHashRowsMatchesHashRow(t, s)
	}
}

func hasherHashRowsMatchesHashRow(t *testing.T, s Schema) {
	h, err := NewHasher(s)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(8, 9))
	rows := make([]Row, 101)
	for i := range rows {
		rows[i] = randomRow(rng, s)
	}
	out := make([]Hash, len(rows))
	if err := h.HashRows(rows, out); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		want, err := HashRow(s, r)
		if err != nil {
			t.Fatal(err)
		}
		if out[i] != want {
			t.Fatalf("row %d: HashRows %s, HashRow %s", i, out[i], want)
		}
	}
	rows[57][0] = int64(1)
	err = h.HashRows(rows, out)
	var re *RowError
	if !errors.As(err, &re) || re.Row != 57 {
		t.Fatalf("got %v, want an error for row 57", err)
	}
}

// TestNewTypeValuesRefused: the values the float64, bool and list types
// refuse, in HashRow and ValidateRow alike, with errors naming the column
// and what was expected.
func TestNewTypeValuesRefused(t *testing.T) {
	s := Schema{Kind: KindCompute, Columns: []Column{
		{Name: "score", Type: TypeFloat64, Role: RoleContent},
		{Name: "ok", Type: TypeBool, Role: RoleContent},
		{Name: "tags", Type: TypeStringList, Role: RoleContent},
		{Name: "ids", Type: TypeInt64List, Role: RoleContent},
	}}
	good := Row{0.5, true, []string{"a"}, []int64{1}}
	if err := ValidateRow(s, good); err != nil {
		t.Fatal(err)
	}
	with := func(i int, v any) Row {
		r := append(Row(nil), good...)
		r[i] = v
		return r
	}
	tests := []struct {
		name string
		row  Row
		col  string
		msg  string
	}{
		{name: "NaN", row: with(0, math.NaN()), col: "score", msg: "NaN: expected a finite float64"},
		{name: "+Inf", row: with(0, math.Inf(1)), col: "score", msg: "+Inf: expected a finite float64"},
		{name: "-Inf", row: with(0, math.Inf(-1)), col: "score", msg: "-Inf: expected a finite float64"},
		{name: "-0", row: with(0, math.Copysign(0, -1)), col: "score", msg: "-0: expected a finite float64 other than -0"},
		{name: "float32", row: with(0, float32(1)), col: "score", msg: "expected float64, got float32"},
		{name: "int64 for float", row: with(0, int64(1)), col: "score", msg: "expected float64, got int64"},
		{name: "null float", row: with(0, nil), col: "score", msg: "null in a column that is not nullable"},
		{name: "int for bool", row: with(1, int64(1)), col: "ok", msg: "expected bool, got int64"},
		{name: "string for bool", row: with(1, "true"), col: "ok", msg: "expected bool, got string"},
		{name: "bad element", row: with(2, []string{"a", "b\xff"}), col: "tags", msg: "element 1: invalid UTF-8"},
		{name: "[]any for strings", row: with(2, []any{"a"}), col: "tags", msg: "expected []string, got []interface {}"},
		{name: "string for strings", row: with(2, "a"), col: "tags", msg: "expected []string, got string"},
		{name: "[]int32 for int64s", row: with(3, []int32{1}), col: "ids", msg: "expected []int64, got []int32"},
		{name: "[]uint64 for int64s", row: with(3, []uint64{1}), col: "ids", msg: "expected []int64, got []uint64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for what, err := range map[string]error{"ValidateRow": ValidateRow(s, tt.row), "HashRow": func() error { _, err := HashRow(s, tt.row); return err }()} {
				var re *RowError
				if !errors.As(err, &re) || re.Column != tt.col || !errors.Is(err, ErrInvalidRow) || !strings.Contains(err.Error(), tt.msg) {
					t.Fatalf("%s: got %v, want column %q, %q", what, err, tt.col, tt.msg)
				}
			}
		})
	}
}

// TestStringListNotNormalized: list<string> elements are hashed as given
// (a token " the" keeps its space), while a string column is normalized,
// and NormalizeRow leaves the list alone.
func TestStringListNotNormalized(t *testing.T) {
	s := Schema{Kind: KindCompute, Columns: []Column{
		{Name: "label", Type: TypeString, Role: RoleContent},
		{Name: "tokens", Type: TypeStringList, Role: RoleContent},
	}}
	row := Row{" a  b ", []string{" the", "e\u0301", "  "}}
	b, err := AppendCanonical(nil, s, row)
	if err != nil {
		t.Fatal(err)
	}
	if want := "82" + "63612062" + "83" + "6420746865" + "6365cc81" + "622020"; hex.EncodeToString(b) != want {
		t.Fatalf("got %x, want %s", b, want)
	}
	n := NormalizeRow(s, row)
	if n[0] != "a b" || !reflect.DeepEqual(n[1], row[1]) {
		t.Fatalf("NormalizeRow: %#v", n)
	}
}
