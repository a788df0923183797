package dataset

import (
	"fmt"
	"math"
	"slices"
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
//	list<int32>            array (major 4) of major 0 or 1 integers
//	float64                0xfb and the 8 bytes of the IEEE 754 binary64
//	                       value, big-endian: always this form, never the
//	                       shorter half or single precision ones; finite
//	                       only, and never -0 (NaN, ±Inf and -0 are invalid
//	                       values)
//	bool                   0xf5 (true) or 0xf4 (false)
//	list<string>           array (major 4) of text strings, each valid UTF-8
//	                       and stored as given (not normalized)
//	list<int64>            array (major 4) of major 0 or 1 integers
//
// Every head uses the shortest form (an argument below 24 in the initial
// byte, else 1, 2, 4 or 8 bytes). There are no maps or tags, so the
// deterministic rules about map key order never apply. Floats depart from
// RFC 8949's preferred serialization (which would shorten 1.0 to f93c00)
// on purpose: one fixed width is simpler to reproduce exactly in every
// implementation, and a float64 column's values have one form whatever the
// value. A row's hash is SHA-256 of these bytes.

// CBOR major types, shifted into the initial byte.
const (
	majorUint  = 0 << 5
	majorNeg   = 1 << 5
	majorBytes = 2 << 5
	majorText  = 3 << 5
	majorArray = 4 << 5
	cborFalse  = 0xf4
	cborTrue   = 0xf5
	cborNull   = 0xf6
	cborFloat  = 0xfb // major 7, additional information 27: a float64
)

// checkFloat reports what is wrong with v as a float64 value, or "": NaN
// and the infinities have no place in a dataset (JSON, Parquet statistics
// and buyers' sums all go wrong), and -0 is refused rather than silently
// made +0 so that a value has one form in rows, files and hashes alike
// (compute/wasm already writes -0 as 0).
func checkFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN: expected a finite float64"
	case math.IsInf(v, 0):
		return fmt.Sprintf("%v: expected a finite float64", v)
	case v == 0 && math.Signbit(v):
		return "-0: expected a finite float64 other than -0 (write 0)"
	}
	return ""
}

// appendFloat appends v, already checked, as a CBOR float64.
func appendFloat(dst []byte, v float64) []byte {
	b := math.Float64bits(v)
	return append(dst, cborFloat, byte(b>>56), byte(b>>48), byte(b>>40), byte(b>>32),
		byte(b>>24), byte(b>>16), byte(b>>8), byte(b))
}

// appendBool appends v as a CBOR simple value.
func appendBool(dst []byte, v bool) []byte {
	if v {
		return append(dst, cborTrue)
	}
	return append(dst, cborFalse)
}

// appendRawText appends s as a text string as it is, without
// normalization: the elements of a list<string>.
func appendRawText(dst []byte, s string) []byte {
	dst = appendHead(dst, majorText, uint64(len(s)))
	return append(dst, s...)
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
// s is not valid UTF-8. Short text that is already canonical ASCII is
// checked, then copied; with the vector collapse (AVX2), text of 32 bytes
// and more is checked and copied in one pass instead. Anything else is
// normalized into dst behind room for the head of len(s): ASCII text only
// shortens, and other text is moved once its length, hence its head, is
// known.
func appendText(dst []byte, s string) ([]byte, bool) {
	if (!haveCollapseVector || len(s) < 32) && asciiCanonical(s) {
		dst = appendHead(dst, majorText, uint64(len(s)))
		return append(dst, s...), true
	}
	p := len(dst)
	r := headLen(uint64(len(s)))
	b, ascii := appendCollapsedASCII(slices.Grow(dst, r+len(s)+32)[:p+r], s)
	if ascii {
		n := len(b) - p - r
		h := appendHead(b[p:p], majorText, uint64(n)) // writes into the room
		if len(h) < r {
			copy(b[p+len(h):], b[p+r:])
		}
		return b[:p+len(h)+n], true
	}
	if !utf8.ValidString(s) {
		return b[:p], false
	}
	dst = append(b[:p], 0, 0, 0, 0, 0, 0, 0, 0, 0)
	body := len(dst)
	dst = appendNormalizedUTF8(dst, s)
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
				if msg := checkFloat(v); msg != "" {
					return dst, rowErr(ErrInvalidRow, c.Name, "%s", msg)
				}
				dst, ok = appendFloat(dst, v), true
			}
		case bool:
			if c.Type == TypeBool {
				dst, ok = appendBool(dst, v), true
			}
		case []string:
			if c.Type == TypeStringList {
				dst = appendHead(dst, majorArray, uint64(len(v)))
				for k, x := range v {
					if !utf8.ValidString(x) {
						return dst, rowErr(ErrInvalidRow, c.Name, "element %d: invalid UTF-8", k)
					}
					dst = appendRawText(dst, x)
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
// column's Go type (see Row), null only in Nullable columns, strings (and
// list<string> elements) valid UTF-8, floats finite and not -0. Errors are *RowError values naming the column (Row is -1),
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
			if msg := checkFloat(x); msg != "" {
				return rowErr(ErrInvalidRow, c.Name, "%s", msg)
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

// NormalizeRow returns row with every content string replaced by
// NormalizeText of it, the values a dataset file stores, so that what a
// buyer reads is exactly what was hashed. It copies row only when a string
// changes. The elements of a list<string> are not normalized: they are
// hashed and stored as given (dataset/DESIGN.md).
func NormalizeRow(s Schema, row Row) Row {
	out, copied := row, false
	nc := numContent(&s)
	for i := 0; i < nc && i < len(row); i++ {
		str, ok := row[i].(string)
		if !ok {
			continue
		}
		n := NormalizeText(str)
		if n == str {
			continue
		}
		if !copied {
			out, copied = append(Row(nil), row...), true
		}
		out[i] = n
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
	lanes  *x16 // for HashRows where sixteen lanes are faster
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
// long as rows). It hashes rows sixteen at a time where that was measured
// faster on this CPU (x16Rows, AVX-512), else two at a time, which on CPUs
// with SHA extensions is nearly twice as fast as one at a time, and asks
// for the next rows' text to be loaded into the cache meanwhile
// (prefetchRow).
// An error names the row by its index in rows.
func (h *Hasher) HashRows(rows []Row, out []Hash) error {
	if len(out) < len(rows) {
		return fmt.Errorf("dataset: HashRows: %d hashes for %d rows", len(out), len(rows))
	}
	if len(rows) >= x16Min && x16Rows() {
		if h.lanes == nil {
			h.lanes = new(x16)
		}
		i, err := h.lanes.sumMany(len(rows), out, func(buf []byte, i int) ([]byte, error) {
			if havePrefetch && i+2 < len(rows) {
				h.prefetchRow(rows[i+2])
			}
			return appendCanonical(buf, &h.schema, h.nc, rows[i])
		})
		if err != nil {
			return atRow(err, int64(i))
		}
		return nil
	}
	i := 0
	for ; i+1 < len(rows); i += 2 {
		if havePrefetch && i+3 < len(rows) {
			h.prefetchRow(rows[i+2])
			h.prefetchRow(rows[i+3])
		}
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

// prefetchRow starts loading the long strings of row's content columns into
// the cache, for HashRows to ask two rows ahead: the text column is a
// separate allocation of each row, and where rows were built one by one
// (extraction, the text kernels, a decoder) those allocations are not
// adjacent, so the hardware prefetcher, which follows one stream of
// addresses, waits for the first lines of every row's text. Measured on
// dev-2c (AMD EPYC, 2026-12-06): 16,384 rows of 1 KiB whose texts lie 1,792
// bytes apart hashed in 12.2-13.3 ms without it and 10.3-11.2 ms with it,
// the time of the same rows with their texts copied to adjacent memory;
// the load of the text, not the work on it, was the profile's top line.
// Strings under 256 bytes are a few lines and left to the hardware.
func (h *Hasher) prefetchRow(row Row) {
	for j := 0; j < h.nc && j < len(row); j++ {
		if v, ok := row[j].(string); ok && len(v) >= 256 {
			prefetchString(v)
		}
	}
}
