package wasm

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// This file reads and writes the pieces of the WebAssembly binary format
// (core specification 2.0, chapter 5) that the instrumenter needs: LEB128
// integers, names, limits and value types. The reader never panics: every
// read is bounds-checked and returns errTruncated past the end.

var (
	errTruncated = errors.New("unexpected end of the module")
	errLEB       = errors.New("malformed LEB128 integer")
)

// reader reads a byte slice; off is the offset into b, base the offset of
// b[0] in the whole module (for error messages).
type reader struct {
	b    []byte
	off  int
	base int
}

func (r *reader) pos() int { return r.base + r.off }

func (r *reader) done() bool { return r.off >= len(r.b) }

func (r *reader) remaining() int { return len(r.b) - r.off }

func (r *reader) byte() (byte, error) {
	if r.off >= len(r.b) {
		return 0, errTruncated
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

func (r *reader) bytes(n uint32) ([]byte, error) {
	if uint64(n) > uint64(r.remaining()) {
		return nil, errTruncated
	}
	s := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return s, nil
}

// uleb reads an unsigned LEB128 integer of at most bits bits, as the
// specification requires: at most ceil(bits/7) bytes, and the unused bits of
// the last byte zero.
func (r *reader) uleb(bits uint) (uint64, error) {
	var v uint64
	var shift uint
	for i := uint(0); ; i++ {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		if i == (bits+6)/7-1 {
			// The last byte allowed: no continuation, no bits past the width.
			if c&0x80 != 0 || (bits%7 != 0 && c>>(bits%7) != 0) {
				return 0, errLEB
			}
			return v | uint64(c)<<shift, nil
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, nil
		}
		shift += 7
	}
}

// sleb reads a signed LEB128 integer of at most bits bits (32, 33 or 64).
func (r *reader) sleb(bits uint) (int64, error) {
	var v int64
	var shift uint
	for i := uint(0); ; i++ {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		if i == (bits+6)/7-1 {
			if c&0x80 != 0 {
				return 0, errLEB
			}
			// The unused bits of the last byte must all equal the sign bit.
			if used := bits - 7*i; used < 7 {
				sign := (c >> (used - 1)) & 1
				upper := (c & 0x7f) >> used
				if sign == 1 && upper != byte(1)<<(7-used)-1 || sign == 0 && upper != 0 {
					return 0, errLEB
				}
			}
			v |= int64(c&0x7f) << shift
			shift += 7
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return v, nil
		}
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return v, nil
		}
	}
}

func (r *reader) u32() (uint32, error) {
	v, err := r.uleb(32)
	return uint32(v), err
}

// count reads a vector length and checks that at least min bytes per
// element remain, so that a forged length cannot make anyone allocate.
func (r *reader) count(min int) (uint32, error) {
	n, err := r.u32()
	if err != nil {
		return 0, err
	}
	if uint64(n)*uint64(min) > uint64(r.remaining()) {
		return 0, fmt.Errorf("vector of %d entries does not fit the %d bytes left", n, r.remaining())
	}
	return n, nil
}

// countMax is count with a cap on the number of entries.
func (r *reader) countMax(min int, max uint32, what string) (uint32, error) {
	n, err := r.count(min)
	if err == nil && n > max {
		err = fmt.Errorf("%d %s: at most %d are available", n, what, max)
	}
	return n, err
}

// name reads a name: a vector of bytes that must be valid UTF-8.
func (r *reader) name() (string, error) {
	n, err := r.u32()
	if err != nil {
		return "", err
	}
	if n > maxNameLen {
		return "", fmt.Errorf("name of %d bytes: at most %d are available", n, maxNameLen)
	}
	b, err := r.bytes(n)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("name %q is not valid UTF-8", b)
	}
	return string(b), nil
}

// Value types.
const (
	valI32       = 0x7f
	valI64       = 0x7e
	valF32       = 0x7d
	valF64       = 0x7c
	valV128      = 0x7b
	valFuncref   = 0x70
	valExternref = 0x6f
)

// valType reads a value type; v128 and the types of later proposals are
// refused, because the sandbox runs without SIMD (see DESIGN.md).
func (r *reader) valType() (byte, error) {
	c, err := r.byte()
	if err != nil {
		return 0, err
	}
	switch c {
	case valI32, valI64, valF32, valF64, valFuncref, valExternref:
		return c, nil
	case valV128:
		return 0, fmt.Errorf("value type v128: SIMD is not available in the sandbox")
	}
	return 0, fmt.Errorf("unknown value type 0x%02x", c)
}

// limits is a memory or table limits type.
type limits struct {
	min    uint32
	max    uint32
	hasMax bool
}

func (r *reader) limits(what string) (limits, error) {
	flag, err := r.byte()
	if err != nil {
		return limits{}, err
	}
	switch flag {
	case 0x00, 0x01:
	case 0x02, 0x03:
		return limits{}, fmt.Errorf("shared %s: threads are not available in the sandbox", what)
	default:
		return limits{}, fmt.Errorf("%s limits flag 0x%02x: only 32-bit, unshared limits (0x00, 0x01) are available", what, flag)
	}
	var l limits
	if l.min, err = r.u32(); err != nil {
		return limits{}, err
	}
	if flag == 0x01 {
		l.hasMax = true
		if l.max, err = r.u32(); err != nil {
			return limits{}, err
		}
		if l.max < l.min {
			return limits{}, fmt.Errorf("%s limits: minimum %d is above maximum %d", what, l.min, l.max)
		}
	}
	return l, nil
}

// Writing.

func appendU32(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendS64(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func appendName(b []byte, s string) []byte {
	b = appendU32(b, uint32(len(s)))
	return append(b, s...)
}

func appendLimits(b []byte, l limits) []byte {
	if l.hasMax {
		b = append(b, 0x01)
		b = appendU32(b, l.min)
		return appendU32(b, l.max)
	}
	b = append(b, 0x00)
	return appendU32(b, l.min)
}

// appendSection appends a section with its id and size.
func appendSection(b []byte, id byte, body []byte) []byte {
	b = append(b, id)
	b = appendU32(b, uint32(len(body)))
	return append(b, body...)
}
