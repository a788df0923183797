package dataset

import (
	"fmt"
	"math"
	"unicode/utf8"
)

// The canonical encoding of a row is RFC 8949 core deterministic CBOR
// (section 4.2.1) of its content columns: one definite-length array, one
// element per content column in schema order:
//
//	null                   0xf6 (only in a Nullable column)
//	string                 text string (major 3) of NormalizeText(value)
//	int64                  major 0 for v ≥ 0, major 1 (-1-v) for v < 0
//	bytes                  byte string (major 2)
//	list<uint32|uint64>    array (major 4) of major 0 integers
//	list<int32|int64>      array (major 4) of major 0 or 1 integers
//	float64                major 7 float in the shortest form that holds
//	                       the value exactly: half (0xf9, 2 bytes), single
//	                       (0xfa, 4) or double (0xfb, 8), big-endian; NaN,
//	                       ±Inf and -0 are not values
//	bool                   false 0xf4, true 0xf5
//	list<string>           array (major 4) of text strings, each
//	                       NormalizeText of its element, as string columns
//
// Every head uses the shortest form (an argument below 24 in the initial
// byte, else 1, 2, 4 or 8 bytes). There are no maps or tags, so the
// deterministic rules about map key order never apply. Floats take the
// shortest form, as core deterministic encoding requires (RFC 8949 4.2.1,
// preferred serialization). A row's hash is SHA-256 of these bytes.

// CBOR major types, shifted into the initial byte.
const (
	majorUint  = 0 << 5
	majorNeg   = 1 << 5
	majorBytes = 2 << 5
	majorText  = 3 << 5
	majorArray = 4 << 5
	cborNull   = 0xf6
	cborFalse  = 0xf4
	cborTrue   = 0xf5
	cborF16    = 0xf9
	cborF32    = 0xfa
	cborF64    = 0xfb
)

// appendFloat appends a finite float64 in the shortest of the half, single
// and double forms that holds it exactly.
func appendFloat(dst []byte, f float64) []byte {
	if f32 := float32(f); float64(f32) == f {
		if h, ok := toHalf(math.Float32bits(f32)); ok {
			return append(dst, cborF16, byte(h>>8), byte(h))
		}
		u := math.Float32bits(f32)
		return append(dst, cborF32, byte(u>>24), byte(u>>16), byte(u>>8), byte(u))
	}
	u := math.Float64bits(f)
	return append(dst, cborF64, byte(u>>56), byte(u>>48), byte(u>>40), byte(u>>32), byte(u>>24), byte(u>>16), byte(u>>8), byte(u))
}

// toHalf returns the IEEE 754 binary16 bits of the finite binary32 value
// with bits b, if binary16 holds it exactly.
func toHalf(b uint32) (uint16, bool) {
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23&0xff) - 127
	mant := b & 0x7fffff
	switch {
	case b&0x7fffffff == 0:
		return sign, true
	case exp == -127: // a binary32 subnormal is below binary16's range
		return 0, false
	case exp >= -14 && exp <= 15: // a binary16 normal
		if mant&0x1fff != 0 {
			return 0, false
		}
		return sign | uint16(exp+15)<<10 | uint16(mant>>13), true
	case exp >= -24 && exp < -14: // a binary16 subnormal: m × 2⁻²⁴
		full := mant | 1<<23
		shift := uint(-exp - 1)
		if full&(1<<shift-1) != 0 {
			return 0, false
		}
		return sign | uint16(full>>shift), true
	}
	return 0, false
}

// fromHalf returns the value of binary16 bits h.
func fromHalf(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h >> 10 & 0x1f)
	mant := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * math.Ldexp(mant, -24)
	case 31:
		if mant == 0 {
			return math.Inf(int(sign))
		}
		return math.NaN()
	}
	return sign * math.Ldexp(1024+mant, exp-25)
}

// floatProblem says why f is not a float64 value of a row, or "".
func floatProblem(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN: expected a finite number"
	case math.IsInf(f, 0):
		return "an infinity: expected a finite number"
	case f == 0 && math.Signbit(f):
		return "-0: expected 0 (a float column stores one zero)"
	}
	return ""
}

// appendHead appends a CBOR head of the given major type and argument, in
// the shortest form.
func appendHead(dst []byte, major byte, n uint64) []byte {
	switch {
	case n < 24:
		return append(dst, major|byte(n))
	case n <= math.MaxUint8:
		return append(dst, major|24, byte(n))
	case n <= math.MaxUint16:
		return append(dst, major|25, byte(n>>8), byte(n))
	case n <= math.MaxUint32:
		return append(dst, major|26, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(dst, major|27, byte(n>>56), byte(n>>48), byte(n>>40), byte(n>>32),
		byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// headLen is the length of the shortest head with argument n.
func headLen(n uint64) int {
	switch {
	case n < 24:
		return 1
	case n <= math.MaxUint8:
		return 2
	case n <= math.MaxUint16:
		return 3
	case n <= math.MaxUint32:
		return 5
	}
	return 9
}

func appendInt(dst []byte, v int64) []byte {
	if v >= 0 {
		return appendHead(dst, majorUint, uint64(v))
	}
	return appendHead(dst, majorNeg, ^uint64(v)) // -1-v without overflow
}

// appendText appends the text string of NormalizeText(s), or reports that
// s is not valid UTF-8. Text that is already canonical ASCII is copied
// straight; anything else is normalized into dst behind room for the
// longest head, and moved down once its length, hence its head, is known.
func appendText(dst []byte, s string) ([]byte, bool) {
	if asciiCanonical(s) {
		dst = appendHead(dst, majorText, uint64(len(s)))
		return append(dst, s...), true
	}
	if !utf8.ValidString(s) {
		return dst, false
	}
	p := len(dst)
	dst = append(dst, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	body := len(dst)
	dst = appendNormalized(dst, s)
	n := len(dst) - body
	h := appendHead(dst[p:p], majorText, uint64(n)) // writes into the reserved room
	copy(dst[p+len(h):], dst[body:])
	return dst[:p+len(h)+n], true
}

// numContent returns how many leading columns of s are content columns.
func numContent(s *Schema) int {
	n := 0
	for n < len(s.Columns) && s.Columns[n].Role == RoleContent {
		n++
	}
	return n
}

// AppendCanonical appends the canonical encoding of row's content columns
// to dst and returns the extended buffer. row holds either a value for every
// column of s or only its content columns (the form DecodeCanonical
// returns); provenance values are not looked at. Errors are *RowError values
// naming the column, wrapping ErrInvalidRow; on error dst's contents past
// its original length are unspecified.
func AppendCanonical(dst []byte, s Schema, row Row) ([]byte, error) {
	return appendCanonical(dst, &s, numContent(&s), row)
}

func appendCanonical(dst []byte, s *Schema, nc int, row Row) ([]byte, error) {
	if len(row) != len(s.Columns) && len(row) != nc {
		return dst, rowErr(ErrInvalidRow, "", "%d values: expected %d (all columns) or %d (content columns)", len(row), len(s.Columns), nc)
	}
	dst = appendHead(dst, majorArray, uint64(nc))
	for i := 0; i < nc; i++ {
		c := &s.Columns[i]
		var ok bool
		switch v := row[i].(type) {
		case nil:
			if !c.Nullable {
				return dst, rowErr(ErrInvalidRow, c.Name, "null in a column that is not nullable")
			}
			dst, ok = append(dst, cborNull), true
		case string:
			if c.Type == TypeString {
				if dst, ok = appendText(dst, v); !ok {
					return dst, rowErr(ErrInvalidRow, c.Name, "invalid UTF-8")
				}
			}
		case int64:
			if c.Type == TypeInt64 {
				dst, ok = appendInt(dst, v), true
			}
		case []byte:
			if c.Type == TypeBytes {
				dst = appendHead(dst, majorBytes, uint64(len(v)))
				dst, ok = append(dst, v...), true
			}
		case []uint32:
			if c.Type == TypeUint32List {
				dst = appendHead(dst, majorArray, uint64(len(v)))
				for _, x := range v {
					dst = appendHead(dst, majorUint, uint64(x))
				}
				ok = true
			}
		case []int32:
			if c.Type == TypeInt32List {
				dst = appendHead(dst, majorArray, uint64(len(v)))
				for _, x := range v {
					dst = appendInt(dst, int64(x))
				}
				ok = true
			}
		case []uint64:
			if c.Type == TypeUint64List {
				dst = appendHead(dst, majorArray, uint64(len(v)))
				for _, x := range v {
					dst = appendHead(dst, majorUint, x)
				}
				ok = true
			}
		case float64:
			if c.Type == TypeFloat64 {
				if p := floatProblem(v); p != "" {
					return dst, rowErr(ErrInvalidRow, c.Name, "%s", p)
				}
				dst, ok = appendFloat(dst, v), true
			}
		case bool:
			if c.Type == TypeBool {
				b := byte(cborFalse)
				if v {
					b = cborTrue
				}
				dst, ok = append(dst, b), true
			}
		case []string:
			if c.Type == TypeStringList {
				dst = appendHead(dst, majorArray, uint64(len(v)))
				for k, x := range v {
					if dst, ok = appendText(dst, x); !ok {
						return dst, rowErr(ErrInvalidRow, c.Name, "element %d: invalid UTF-8", k)
					}
				}
				ok = true
			}
		case []int64:
			if c.Type == TypeInt64List {
				dst = appendHead(dst, majorArray, uint64(len(v)))
				for _, x := range v {
					dst = appendInt(dst, x)
				}
				ok = true
			}
		}
		if !ok {
			return dst, rowErr(ErrInvalidRow, c.Name, "expected %s, got %s", goTypeOf(c.Type), describe(row[i]))
		}
	}
	return dst, nil
}

// goTypeOf names the Go type a column type's values have in a Row.
func goTypeOf(t ColumnType) string {
	switch t {
	case TypeString:
		return "string"
	case TypeInt64:
		return "int64"
	case TypeBytes:
		return "[]byte"
	case TypeUint32List:
		return "[]uint32"
	case TypeInt32List:
		return "[]int32"
	case TypeUint64List:
		return "[]uint64"
	case TypeFloat64:
		return "float64"
	case TypeBool:
		return "bool"
	case TypeStringList:
		return "[]string"
	case TypeInt64List:
		return "[]int64"
	}
	return t.String()
}

// describe names a value's Go type for an error message.
func describe(v any) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// ValidateRow checks row against s: one value per column, each of its
// column's Go type (see Row), null only in Nullable columns, strings valid
// UTF-8. Errors are *RowError values naming the column (Row is -1),
// wrapping ErrInvalidRow.
func ValidateRow(s Schema, row Row) error {
	if len(row) != len(s.Columns) {
		return rowErr(ErrInvalidRow, "", "%d values: expected %d, one per column", len(row), len(s.Columns))
	}
	for i := range s.Columns {
		if err := validateValue(&s.Columns[i], row[i]); err != nil {
			return err
		}
	}
	return nil
}

func validateValue(c *Column, v any) error {
	ok := false
	switch x := v.(type) {
	case nil:
		if !c.Nullable {
			return rowErr(ErrInvalidRow, c.Name, "null in a column that is not nullable")
		}
		return nil
	case string:
		if c.Type == TypeString {
			if !utf8.ValidString(x) {
				return rowErr(ErrInvalidRow, c.Name, "invalid UTF-8")
			}
			ok = true
		}
	case int64:
		ok = c.Type == TypeInt64
	case []byte:
		ok = c.Type == TypeBytes
	case []uint32:
		ok = c.Type == TypeUint32List
	case []int32:
		ok = c.Type == TypeInt32List
	case []uint64:
		ok = c.Type == TypeUint64List
	case float64:
		if c.Type == TypeFloat64 {
			if p := floatProblem(x); p != "" {
				return rowErr(ErrInvalidRow, c.Name, "%s", p)
			}
			ok = true
		}
	case bool:
		ok = c.Type == TypeBool
	case []string:
		if c.Type == TypeStringList {
			for k, e := range x {
				if !utf8.ValidString(e) {
					return rowErr(ErrInvalidRow, c.Name, "element %d: invalid UTF-8", k)
				}
			}
			ok = true
		}
	case []int64:
		ok = c.Type == TypeInt64List
	}
	if !ok {
		return rowErr(ErrInvalidRow, c.Name, "expected %s, got %s", goTypeOf(c.Type), describe(v))
	}
	return nil
}

// NormalizeRow returns row with every content string, and every element
// of a content list of strings, replaced by NormalizeText of it, the values
// a dataset file stores, so that what a buyer reads is exactly what was
// hashed. It copies row (and a list) only when a string changes.
func NormalizeRow(s Schema, row Row) Row {
	out, copied := row, false
	set := func(i int, v any) {
		if !copied {
			out, copied = append(Row(nil), row...), true
		}
		out[i] = v
	}
	nc := numContent(&s)
	for i := 0; i < nc && i < len(row); i++ {
		switch v := row[i].(type) {
		case string:
			if n := NormalizeText(v); n != v {
				set(i, n)
			}
		case []string:
			var list []string
			for k, e := range v {
				n := NormalizeText(e)
				if n != e && list == nil {
					list = append([]string(nil), v...)
				}
				if list != nil {
					list[k] = n
				}
			}
			if list != nil {
				set(i, list)
			}
		}
	}
	return out
}

// HashRow returns SHA-256 of row's canonical encoding. For many rows, a
// Hasher reuses its buffer.
func HashRow(s Schema, row Row) (Hash, error) {
	b, err := AppendCanonical(make([]byte, 0, 256), s, row)
	if err != nil {
		return Hash{}, err
	}
	return sum256(b), nil
}

// Hasher computes row hashes for one schema, reusing one buffer, so that
// hashing a row allocates nothing. It is not safe for concurrent use.
type Hasher struct {
	schema Schema
	nc     int
	buf    []byte
	buf2   []byte
}

// NewHasher returns a Hasher for rows of s.
func NewHasher(s Schema) (*Hasher, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &Hasher{schema: s, nc: numContent(&s), buf: make([]byte, 0, 4096), buf2: make([]byte, 0, 4096)}, nil
}

// Canonical returns row's canonical encoding. The slice is valid until the
// next call.
func (h *Hasher) Canonical(row Row) ([]byte, error) {
	b, err := appendCanonical(h.buf[:0], &h.schema, h.nc, row)
	h.buf = b[:0]
	return b, err
}

// Hash returns SHA-256 of row's canonical encoding.
func (h *Hasher) Hash(row Row) (Hash, error) {
	b, err := h.Canonical(row)
	if err != nil {
		return Hash{}, err
	}
	return sum256(b), nil
}

// HashRows writes the hash of rows[i] to out[i] (out must be at least as
// long as rows). It hashes rows two at a time, which on CPUs with SHA
// extensions is nearly twice as fast as one at a time. An error names the
// row by its index in rows.
func (h *Hasher) HashRows(rows []Row, out []Hash) error {
	if len(out) < len(rows) {
		return fmt.Errorf("dataset: HashRows: %d hashes for %d rows", len(out), len(rows))
	}
	i := 0
	for ; i+1 < len(rows); i += 2 {
		a, err := appendCanonical(h.buf[:0], &h.schema, h.nc, rows[i])
		h.buf = a[:0]
		if err != nil {
			return atRow(err, int64(i))
		}
		b, err := appendCanonical(h.buf2[:0], &h.schema, h.nc, rows[i+1])
		h.buf2 = b[:0]
		if err != nil {
			return atRow(err, int64(i+1))
		}
		out[i], out[i+1] = sum256x2(a, b)
	}
	if i < len(rows) {
		var err error
		if out[i], err = h.Hash(rows[i]); err != nil {
			return atRow(err, int64(i))
		}
	}
	return nil
}
