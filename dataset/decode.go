package dataset

import (
	"fmt"
	"math"
	"unicode/utf8"
)

// DecodeCanonical parses b, the canonical encoding of a row of s, and
// returns its content values (a Row of s.NumContent() values, in schema
// order; empty lists and byte strings come back non-nil). It accepts
// exactly the bytes AppendCanonical produces and nothing else: every head
// in its shortest form, definite lengths only, integers in their column's
// range, text valid UTF-8 and already normalized, null only in Nullable
// columns, no bytes after the array. Errors wrap ErrNotCanonical and give
// the byte offset and the column.
func DecodeCanonical(s Schema, b []byte) (Row, error) {
	d := decoder{b: b}
	nc := numContent(&s)
	n, err := d.head(majorArray, "row array")
	if err != nil {
		return nil, err
	}
	if n != uint64(nc) {
		return nil, d.errAt(0, "", "array of %d elements: expected %d content columns", n, nc)
	}
	row := make(Row, nc)
	for i := 0; i < nc; i++ {
		c := &s.Columns[i]
		d.col = c.Name
		if d.off < len(d.b) && d.b[d.off] == cborNull {
			if !c.Nullable {
				return nil, d.errAt(d.off, c.Name, "null in a column that is not nullable")
			}
			d.off++
			continue
		}
		if row[i], err = d.value(c.Type); err != nil {
			return nil, err
		}
	}
	if d.off != len(d.b) {
		return nil, d.errAt(d.off, "", "%d bytes after the row array", len(d.b)-d.off)
	}
	return row, nil
}

type decoder struct {
	b   []byte
	off int
	col string
}

func (d *decoder) errAt(off int, col, format string, args ...any) error {
	where := fmt.Sprintf("offset %d", off)
	if col != "" {
		where += fmt.Sprintf(" (column %q)", col)
	}
	return fmt.Errorf("%w: %s: "+format, append([]any{ErrNotCanonical, where}, args...)...)
}

// head reads a head of major type major (shifted) and returns its
// argument, rejecting other major types, reserved and indefinite additional
// information, and arguments not in their shortest form.
func (d *decoder) head(major byte, what string) (uint64, error) {
	start := d.off
	if d.off >= len(d.b) {
		return 0, d.errAt(start, d.col, "end of input: expected %s", what)
	}
	ib := d.b[d.off]
	if ib&0xe0 != major {
		return 0, d.errAt(start, d.col, "initial byte 0x%02x: expected %s", ib, what)
	}
	ai := ib & 0x1f
	d.off++
	var n uint64
	var size int
	switch {
	case ai < 24:
		return uint64(ai), nil
	case ai == 24:
		size = 1
	case ai == 25:
		size = 2
	case ai == 26:
		size = 4
	case ai == 27:
		size = 8
	case ai == 31:
		return 0, d.errAt(start, d.col, "indefinite length: expected a definite length")
	default:
		return 0, d.errAt(start, d.col, "reserved additional information %d", ai)
	}
	if len(d.b)-d.off < size {
		return 0, d.errAt(start, d.col, "truncated head of %s", what)
	}
	for _, c := range d.b[d.off : d.off+size] {
		n = n<<8 | uint64(c)
	}
	d.off += size
	if headLen(n) != 1+size {
		return 0, d.errAt(start, d.col, "argument %d not in its shortest form", n)
	}
	return n, nil
}

// length reads a head and checks that the length it gives can fit in the
// rest of the input, each element taking at least one byte, before anything
// is allocated for it.
func (d *decoder) length(major byte, what string) (int, error) {
	start := d.off
	n, err := d.head(major, what)
	if err != nil {
		return 0, err
	}
	if n > uint64(len(d.b)-d.off) {
		return 0, d.errAt(start, d.col, "length %d runs past the end of the input", n)
	}
	return int(n), nil
}

// integer reads a major 0 or 1 integer in [lo, hi].
func (d *decoder) integer(lo int64, hi uint64, what string) (int64, uint64, error) {
	start := d.off
	if d.off >= len(d.b) {
		return 0, 0, d.errAt(start, d.col, "end of input: expected %s", what)
	}
	if d.b[d.off]&0xe0 == majorNeg {
		n, err := d.head(majorNeg, what)
		if err != nil {
			return 0, 0, err
		}
		// The value is -1-n; it is at least lo when n <= -1-lo.
		if lo >= 0 || n > uint64(-1-lo) {
			return 0, 0, d.errAt(start, d.col, "integer -1-%d out of range for %s", n, what)
		}
		return -1 - int64(n), 0, nil
	}
	n, err := d.head(majorUint, what)
	if err != nil {
		return 0, 0, err
	}
	if n > hi {
		return 0, 0, d.errAt(start, d.col, "integer %d out of range for %s", n, what)
	}
	return int64(n), n, nil
}

func (d *decoder) value(t ColumnType) (any, error) {
	switch t {
	case TypeString:
		start := d.off
		n, err := d.length(majorText, "a text string")
		if err != nil {
			return nil, err
		}
		s := string(d.b[d.off : d.off+n])
		d.off += n
		if !utf8.ValidString(s) {
			return nil, d.errAt(start, d.col, "text is not valid UTF-8")
		}
		if !IsNormalized(s) {
			return nil, d.errAt(start, d.col, "text is not normalized (NFC, white space collapsed, trimmed)")
		}
		return s, nil
	case TypeInt64:
		v, _, err := d.integer(math.MinInt64, math.MaxInt64, "an int64")
		return v, err
	case TypeBytes:
		n, err := d.length(majorBytes, "a byte string")
		if err != nil {
			return nil, err
		}
		v := append([]byte{}, d.b[d.off:d.off+n]...)
		d.off += n
		return v, nil
	case TypeUint32List:
		n, err := d.length(majorArray, "an array of uint32")
		if err != nil {
			return nil, err
		}
		v := make([]uint32, n)
		for i := range v {
			_, u, err := d.integer(0, math.MaxUint32, "a uint32")
			if err != nil {
				return nil, err
			}
			v[i] = uint32(u)
		}
		return v, nil
	case TypeInt32List:
		n, err := d.length(majorArray, "an array of int32")
		if err != nil {
			return nil, err
		}
		v := make([]int32, n)
		for i := range v {
			x, _, err := d.integer(math.MinInt32, math.MaxInt32, "an int32")
			if err != nil {
				return nil, err
			}
			v[i] = int32(x)
		}
		return v, nil
	case TypeUint64List:
		n, err := d.length(majorArray, "an array of uint64")
		if err != nil {
			return nil, err
		}
		v := make([]uint64, n)
		for i := range v {
			_, u, err := d.integer(0, math.MaxUint64, "a uint64")
			if err != nil {
				return nil, err
			}
			v[i] = u
		}
		return v, nil
	}
	return d.valueMore(t)
}

// valueMore decodes the types added after the first six.
func (d *decoder) valueMore(t ColumnType) (any, error) {
	start := d.off
	switch t {
	case TypeFloat64:
		size := 0
		if d.off < len(d.b) {
			size = map[byte]int{cborF16: 2, cborF32: 4, cborF64: 8}[d.b[d.off]]
		}
		if size == 0 {
			return nil, d.errAt(start, d.col, "expected a float (0xf9, 0xfa or 0xfb)")
		}
		if len(d.b)-d.off < 1+size {
			return nil, d.errAt(start, d.col, "truncated float")
		}
		var u uint64
		for _, c := range d.b[d.off+1 : d.off+1+size] {
			u = u<<8 | uint64(c)
		}
		var f float64
		switch size {
		case 2:
			f = fromHalf(uint16(u))
		case 4:
			f = float64(math.Float32frombits(uint32(u)))
		default:
			f = math.Float64frombits(u)
		}
		if p := floatProblem(f); p != "" {
			return nil, d.errAt(start, d.col, "%s", p)
		}
		if enc := appendFloat(nil, f); len(enc) != 1+size {
			return nil, d.errAt(start, d.col, "float %v not in its shortest form", f)
		}
		d.off += 1 + size
		return f, nil
	case TypeBool:
		if d.off < len(d.b) && (d.b[d.off] == cborTrue || d.b[d.off] == cborFalse) {
			d.off++
			return d.b[d.off-1] == cborTrue, nil
		}
		return nil, d.errAt(start, d.col, "expected true (0xf5) or false (0xf4)")
	case TypeStringList:
		n, err := d.length(majorArray, "an array of text strings")
		if err != nil {
			return nil, err
		}
		v := make([]string, n)
		for i := range v {
			s, err := d.value(TypeString)
			if err != nil {
				return nil, err
			}
			v[i] = s.(string)
		}
		return v, nil
	case TypeInt64List:
		n, err := d.length(majorArray, "an array of int64")
		if err != nil {
			return nil, err
		}
		v := make([]int64, n)
		for i := range v {
			x, _, err := d.integer(math.MinInt64, math.MaxInt64, "an int64")
			if err != nil {
				return nil, err
			}
			v[i] = x
		}
		return v, nil
	}
	return nil, d.errAt(start, d.col, "column type %s has no encoding", t)
}
