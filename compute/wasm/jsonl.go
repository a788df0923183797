package wasm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/meadow-net/meadow/dataset"
)

// The module's stdin and stdout are JSON Lines (docs/wasm.md).
//
// Input: one line per input row, {"<column>":"<text>"} and "\n", written in
// one canonical form so that every replica feeds the module the same bytes:
// no spaces; in strings, " and \ escaped with a backslash, \n \r \t \b \f as
// such, other bytes below 0x20 as \u00xx (lowercase hex), everything else
// as raw UTF-8, each invalid UTF-8 byte replaced by U+FFFD.
//
// Output: one JSON object per input row, in order, each followed by "\n"
// (optional after the last); the object has exactly the declared columns,
// in any order; insignificant white space (space, tab, CR) is allowed.

// encodeInput returns the module's stdin for texts.
func encodeInput(column string, texts []string) []byte {
	return appendInput(nil, column, texts)
}

// appendInput appends the module's stdin for texts to b.
func appendInput(b []byte, column string, texts []string) []byte {
	n := 0
	for _, t := range texts {
		n += len(t) + len(column) + 8
	}
	b = slices.Grow(b, n+n/16)
	head := len(b)
	b = append(b, '{')
	b = appendJSONString(b, column)
	b = append(b, ':')
	prefix := len(b) - head // {"<column>":
	for i, t := range texts {
		if i > 0 {
			b = append(b, b[head:head+prefix]...)
		}
		b = appendJSONString(b, t)
		b = append(b, '}', '\n')
	}
	if len(texts) == 0 {
		b = b[:head]
	}
	return b
}

const hexDigits = "0123456789abcdef"

// SWAR constants: a byte of ones and a byte of high bits in each lane.
const (
	lanes1    = 0x0101010101010101
	lanesHigh = 0x8080808080808080
)

// selfASCII returns lanesHigh if each of the 8 bytes in w is ASCII that
// stands for itself in a JSON string (0x20 or above, not '"' or '\\'),
// else a value without some of those high bits. For an ASCII byte c,
// c+0x60 has its high bit set iff c >= 0x20, and (c^q)+0x7f iff c != q, with
// no carry out of the byte; a non-ASCII byte clears its own lane through
// &^ w, whatever carries it causes.
func selfASCII(w uint64) uint64 {
	q := w ^ lanes1*'"'
	k := w ^ lanes1*'\\'
	return (w + lanes1*0x60) & (q + lanes1*0x7f) & (k + lanes1*0x7f) &^ w & lanesHigh
}

// load64 reads s[:8] little-endian (one load on amd64 and arm64).
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// appendJSONString appends s as a JSON string in the canonical form above.
// Runs of bytes that stand for themselves are copied whole; they are found
// 8 bytes at a time where the 8 are ASCII and need no escape, else a byte
// (or a UTF-8 sequence) at a time.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		for i+16 <= len(s) && selfASCII(load64(s[i:]))&selfASCII(load64(s[i+8:])) == lanesHigh {
			i += 16
		}
		if i+8 <= len(s) && selfASCII(load64(s[i:])) == lanesHigh {
			i += 8
			continue
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			b = append(b, s[start:i]...)
			b = append(b, "\ufffd"...)
			i++
			start = i
			continue
		}
		b = append(b, s[start:i]...)
		b = appendEscape(b, c)
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendEscape appends the canonical escape of c, a byte below 0x20, '"'
// or '\\'.
func appendEscape(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}

// parseOutput reads the module's stdout as n rows of cols. A mismatch is a
// KindBadOutput *Failure naming the row and, where there is one, the field.
func parseOutput(out []byte, cols []Column, n int) ([]dataset.Row, *Failure) {
	p := newLineParser(cols)
	p.slab = make([]any, n*len(cols)) // every row's values, in one allocation
	rows := make([]dataset.Row, 0, n)
	rest := out
	for i := 0; len(rest) > 0; i++ {
		line := rest
		if j := bytes.IndexByte(rest, '\n'); j >= 0 {
			line, rest = rest[:j], rest[j+1:]
		} else {
			rest = nil
		}
		if i >= n {
			lines := i + 1 + bytes.Count(rest, []byte{'\n'})
			if len(rest) > 0 && rest[len(rest)-1] != '\n' {
				lines++
			}
			return nil, &Failure{Kind: KindBadOutput, Row: i, Message: fmt.Sprintf("row %d: an extra output line: the module wrote %d lines for %d input rows", i, lines, n)}
		}
		row, field, err := p.parse(line)
		if err != nil {
			msg := fmt.Sprintf("row %d: %v", i, err)
			if field != "" {
				msg = fmt.Sprintf("row %d: field %q: %v", i, field, err)
			}
			return nil, &Failure{Kind: KindBadOutput, Row: i, Field: field, Message: msg}
		}
		rows = append(rows, row)
	}
	if len(rows) < n {
		return nil, &Failure{Kind: KindBadOutput, Row: len(rows), Message: fmt.Sprintf("row %d: no output line: the module wrote %d lines for %d input rows", len(rows), len(rows), n)}
	}
	return rows, nil
}

// lineParser parses output lines against declared columns. It is strict:
// exactly the declared fields, once each, of the declared types.
type lineParser struct {
	cols  []Column
	index map[string]int
	seen  []bool
	b     []byte
	i     int
	slab  []any // where the next rows' values go
}

func newLineParser(cols []Column) *lineParser {
	idx := make(map[string]int, len(cols))
	for i, c := range cols {
		idx[c.Name] = i
	}
	return &lineParser{cols: cols, index: idx, seen: make([]bool, len(cols))}
}

// parse reads one line (without its "\n"). On error, field is the column
// being read, if any.
func (p *lineParser) parse(line []byte) (row dataset.Row, field string, err error) {
	p.b, p.i = line, 0
	clear(p.seen)
	if len(p.slab) < len(p.cols) {
		p.slab = make([]any, len(p.cols))
	}
	row = dataset.Row(p.slab[:len(p.cols):len(p.cols)])
	p.ws()
	if p.i == len(p.b) {
		return nil, "", fmt.Errorf("an empty line, expected a JSON object")
	}
	if p.b[p.i] != '{' {
		return nil, "", fmt.Errorf("%s, expected a JSON object", p.what())
	}
	p.i++
	p.ws()
	if p.peek() == '}' {
		p.i++
	} else {
		for {
			p.ws()
			if p.peek() != '"' {
				return nil, "", fmt.Errorf("%s at byte %d, expected a field name", p.what(), p.i)
			}
			ci, key, ok, err := p.key()
			if err != nil {
				return nil, "", fmt.Errorf("field name at byte %d: %v", p.i, err)
			}
			if !ok {
				return nil, key, fmt.Errorf("not a declared output column (declared: %s)", p.names())
			}
			if p.seen[ci] {
				return nil, key, fmt.Errorf("appears twice")
			}
			p.seen[ci] = true
			p.ws()
			if p.peek() != ':' {
				return nil, key, fmt.Errorf("%s at byte %d, expected ':'", p.what(), p.i)
			}
			p.i++
			p.ws()
			if row[ci], err = p.value(p.cols[ci].Type); err != nil {
				return nil, key, err
			}
			p.ws()
			c := p.peek()
			p.i++
			if c == '}' {
				break
			}
			if c != ',' {
				p.i--
				return nil, "", fmt.Errorf("%s at byte %d, expected ',' or '}'", p.what(), p.i)
			}
		}
	}
	p.ws()
	if p.i != len(p.b) {
		return nil, "", fmt.Errorf("%s at byte %d after the object, expected the end of the line", p.what(), p.i)
	}
	for i, ok := range p.seen {
		if !ok {
			return nil, p.cols[i].Name, fmt.Errorf("missing")
		}
	}
	p.slab = p.slab[len(p.cols):]
	return row, "", nil
}

// key reads a field name at the cursor (which is '"') and looks it up in
// the declared columns. A name without escapes (every declared one) is
// looked up without being copied.
func (p *lineParser) key() (ci int, key string, ok bool, err error) {
	b := p.b
	start := p.i + 1
	if j := bytes.IndexByte(b[start:], '"'); j >= 0 {
		if seg := b[start : start+j]; plainUTF8(seg) == 0 {
			p.i = start + j + 1
			if ci, ok = p.index[string(seg)]; ok {
				return ci, p.cols[ci].Name, true, nil
			}
			return 0, string(seg), false, nil
		}
	}
	if key, err = p.str(); err != nil {
		return 0, "", false, err
	}
	ci, ok = p.index[key]
	return ci, key, ok, nil
}

func (p *lineParser) names() string {
	s := ""
	for i, c := range p.cols {
		if i > 0 {
			s += ", "
		}
		s += c.Name
	}
	return s
}

func (p *lineParser) ws() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\r') {
		p.i++
	}
}

// peek returns the next byte, or 0 at the end.
func (p *lineParser) peek() byte {
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

// what describes the JSON value (or byte) at the cursor, for errors.
func (p *lineParser) what() string {
	if p.i >= len(p.b) {
		return "the end of the line"
	}
	switch c := p.b[p.i]; {
	case c == '"':
		return "a string"
	case c == '-' || c >= '0' && c <= '9':
		return "a number"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '[':
		return "an array"
	case c == '{':
		return "an object"
	default:
		return fmt.Sprintf("byte %q", c)
	}
}

func (p *lineParser) value(t Type) (any, error) {
	switch t {
	case TypeString:
		if p.peek() != '"' {
			return nil, fmt.Errorf("%s, expected a string", p.what())
		}
		return p.str()
	case TypeInt64:
		return p.int64()
	case TypeFloat64:
		return p.float64()
	case TypeBool:
		switch {
		case bytes.HasPrefix(p.b[p.i:], []byte("true")):
			p.i += 4
			return true, nil
		case bytes.HasPrefix(p.b[p.i:], []byte("false")):
			p.i += 5
			return false, nil
		}
		return nil, fmt.Errorf("%s, expected true or false", p.what())
	case TypeStringList:
		v := []string{}
		err := p.list("strings", func() error {
			if p.peek() != '"' {
				return fmt.Errorf("element %d: %s, expected a string", len(v), p.what())
			}
			s, err := p.str()
			if err != nil {
				return fmt.Errorf("element %d: %v", len(v), err)
			}
			v = append(v, s)
			return nil
		})
		return v, err
	case TypeInt64List:
		v := []int64{}
		err := p.list("integers", func() error {
			n, err := p.int64()
			if err != nil {
				return fmt.Errorf("element %d: %v", len(v), err)
			}
			v = append(v, n)
			return nil
		})
		return v, err
	}
	return nil, fmt.Errorf("type %q: unknown", t)
}

// list reads a JSON array, calling elem for each element.
func (p *lineParser) list(of string, elem func() error) error {
	if p.peek() != '[' {
		return fmt.Errorf("%s, expected an array of %s", p.what(), of)
	}
	p.i++
	p.ws()
	if p.peek() == ']' {
		p.i++
		return nil
	}
	for {
		p.ws()
		if err := elem(); err != nil {
			return err
		}
		p.ws()
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			return nil
		default:
			return fmt.Errorf("%s at byte %d in the array, expected ',' or ']'", p.what(), p.i)
		}
	}
}

// number returns the JSON number at the cursor (RFC 8259 grammar) and
// whether it is an integer (no fraction, no exponent).
func (p *lineParser) number() (string, bool, error) {
	start := p.i
	b := p.b
	i := p.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return "", false, fmt.Errorf("%s, expected a number", p.what())
	}
	integer := true
	if i < len(b) && b[i] == '.' {
		integer = false
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return "", false, fmt.Errorf("number %q: a digit must follow the decimal point", b[start:i])
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		integer = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return "", false, fmt.Errorf("number %q: a digit must follow the exponent", b[start:i])
		}
	}
	p.i = i
	return string(b[start:i]), integer, nil
}

func (p *lineParser) int64() (int64, error) {
	s, integer, err := p.number()
	if err != nil {
		return 0, fmt.Errorf("%v of type int64", err)
	}
	if !integer {
		return 0, fmt.Errorf("number %s: expected an integer (int64), without fraction or exponent", s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("number %s: out of the int64 range", s)
	}
	return n, nil
}

// float64 reads a number as the nearest float64 (strconv's correct
// rounding, the same everywhere). A number too large for a float64 is
// refused; -0 becomes 0, so that equal values have equal bytes.
func (p *lineParser) float64() (float64, error) {
	s, _, err := p.number()
	if err != nil {
		return 0, fmt.Errorf("%v of type float64", err)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) && f != 0 {
		return 0, fmt.Errorf("number %s: %v", s, err)
	}
	if math.IsInf(f, 0) {
		return 0, fmt.Errorf("number %s: out of the float64 range", s)
	}
	if f == 0 {
		f = 0 // -0 and underflows to -0 become +0
	}
	return f, nil
}

// str reads a JSON string at the cursor (which is '"'). The string must be
// valid UTF-8, with no raw control characters and no lone surrogates.
func (p *lineParser) str() (string, error) {
	p.i++ // the opening quote
	start := p.i
	b := p.b
	// p.i stays here (for strSlow) unless the shortcut returns a string.
	// Fast path: no escapes, the string up to the next quote taken whole.
	if j := bytes.IndexByte(b[start:], '"'); j >= 0 {
		switch plainUTF8(b[start : start+j]) {
		case 0:
			p.i = start + j + 1
			return string(b[start : start+j]), nil
		case 2:
			return "", fmt.Errorf("string at byte %d is not valid UTF-8", start-1)
		}
	}
	return p.strSlow()
}

// strSlow is str a byte at a time, decoding escapes: str's definition
// (the tests check that str's shortcut gives the same).
func (p *lineParser) strSlow() (string, error) {
	start := p.i
	b := p.b
	var out []byte
	i := start
	for {
		if i >= len(b) {
			return "", fmt.Errorf("string at byte %d is not closed", start-1)
		}
		c := b[i]
		switch {
		case c == '"':
			if !utf8.Valid(out) {
				return "", fmt.Errorf("string at byte %d is not valid UTF-8", start-1)
			}
			p.i = i + 1
			return string(out), nil
		case c < 0x20:
			return "", fmt.Errorf("string at byte %d: control character 0x%02x must be escaped", start-1, c)
		case c != '\\':
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(b) {
			return "", fmt.Errorf("string at byte %d is not closed", start-1)
		}
		e := b[i+1]
		i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(b, i)
			if !ok {
				return "", fmt.Errorf("string at byte %d: \\u must be followed by 4 hex digits", start-1)
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok := rune(0), false
				if i+6 <= len(b) && b[i] == '\\' && b[i+1] == 'u' {
					r2, ok = hex4(b, i+2)
				}
				dec := utf16.DecodeRune(r, r2)
				if !ok || dec == utf8.RuneError {
					return "", fmt.Errorf("string at byte %d: \\u%04x is a lone surrogate", start-1, r)
				}
				r = dec
				i += 6
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", fmt.Errorf("string at byte %d: unknown escape \\%c", start-1, e)
		}
	}
}

// plainASCII is selfASCII without the test for '"' (the caller's bytes
// end before the first quote).
func plainASCII(w uint64) uint64 {
	k := w ^ lanes1*'\\'
	return (w + lanes1*0x60) & (k + lanes1*0x7f) &^ w & lanesHigh
}

// plainUTF8 says what b is as the inside of a JSON string: 0 if it stands
// for itself (valid UTF-8, no backslash, no byte below 0x20), 1 if it has
// a backslash or a byte below 0x20, 2 if it has neither but is not valid
// UTF-8. ASCII is checked 8 bytes at a time.
func plainUTF8(b []byte) int {
	for i := 0; i < len(b); {
		for i+16 <= len(b) && plainASCII(binary.LittleEndian.Uint64(b[i:i+8]))&plainASCII(binary.LittleEndian.Uint64(b[i+8:i+16])) == lanesHigh {
			i += 16
		}
		if i+8 <= len(b) && plainASCII(binary.LittleEndian.Uint64(b[i:i+8])) == lanesHigh {
			i += 8
			continue
		}
		if i == len(b) {
			break
		}
		switch c := b[i]; {
		case c == '\\' || c < 0x20:
			return 1
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				// Not valid here; an escape further on would still
				// make it the slow path's to report.
				if bytes.IndexByte(b[i:], '\\') >= 0 || hasControl(b[i:]) {
					return 1
				}
				return 2
			}
			i += size
		}
	}
	return 0
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
