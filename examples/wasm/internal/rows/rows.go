// Package rows is the input/output loop of the example kernels: it reads
// meadow's JSON Lines from stdin and writes one JSON object per row to
// stdout (docs/wasm.md).
//
// It reads and writes JSON by hand rather than with encoding/json: inside
// the sandbox, reflection-driven encoding/json cost about 300 fuel per
// input byte, several times the cleaning itself.
package rows

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Map calls f with the text of each input row (the value of the row's
// single field, whatever the input column is called); f appends the row's
// output object, e.g. {"clean":"..."}, to dst and returns it. Map writes
// it with a newline. A malformed input line ends the run with exit code 1.
func Map(f func(dst []byte, text string) []byte) {
	in := bufio.NewReaderSize(os.Stdin, 1<<16)
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	var line, buf []byte
	for n := 0; ; n++ {
		var err error
		line, err = readLine(in, line[:0])
		if len(line) == 0 && err != nil {
			break
		}
		text, err := Text(line)
		if err != nil {
			fmt.Fprintf(os.Stderr, "row %d: %v\n", n, err)
			os.Exit(1)
		}
		buf = append(f(buf[:0], text), '\n')
		if _, err := out.Write(buf); err != nil {
			fmt.Fprintln(os.Stderr, "writing stdout:", err)
			os.Exit(1)
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "writing stdout:", err)
		os.Exit(1)
	}
}

// readLine appends the next line, without its newline, to dst.
func readLine(r *bufio.Reader, dst []byte) ([]byte, error) {
	for {
		chunk, err := r.ReadSlice('\n')
		dst = append(dst, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if n := len(dst); n > 0 && dst[n-1] == '\n' {
			dst = dst[:n-1]
		}
		return dst, err
	}
}

// Text returns the string value of an input line {"<column>":"<text>"}.
// Column names never need escaping, so the value starts after the first
// colon.
func Text(line []byte) (string, error) {
	i := 0
	for i < len(line) && line[i] != ':' {
		i++
	}
	if len(line) < 2 || line[0] != '{' || i+1 >= len(line) || line[i+1] != '"' {
		return "", errors.New(`expected {"<column>":"<text>"}`)
	}
	s, _, err := String(line, i+1)
	return s, err
}

// String decodes the JSON string starting at line[i] (a '"') and returns
// it with the index just past its closing quote.
func String(line []byte, i int) (string, int, error) {
	i++
	start := i
	for i < len(line) && line[i] != '"' && line[i] != '\\' {
		i++
	}
	if i < len(line) && line[i] == '"' {
		return string(line[start:i]), i + 1, nil
	}
	b := append([]byte(nil), line[start:i]...)
	for i < len(line) {
		c := line[i]
		switch c {
		case '"':
			return string(b), i + 1, nil
		case '\\':
			if i+1 >= len(line) {
				return "", 0, errors.New("unterminated escape")
			}
			i++
			switch e := line[i]; e {
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'u':
				r, ok := hex4(line, i+1)
				if !ok {
					return "", 0, errors.New(`bad \u escape`)
				}
				i += 4
				if utf16.IsSurrogate(r) {
					if r2, ok := hex4(line, i+3); ok && i+2 < len(line) && line[i+1] == '\\' && line[i+2] == 'u' {
						r = utf16.DecodeRune(r, r2)
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
			default: // " \ /
				b = append(b, e)
			}
			i++
		default:
			b = append(b, c)
			i++
		}
	}
	return "", 0, errors.New("unterminated string")
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[i:i+4]), 16, 32)
	return rune(n), err == nil
}

// AppendString appends s, which must be valid UTF-8, as a JSON string.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendStrings appends v as a JSON array of strings.
func AppendStrings(dst []byte, v []string) []byte {
	dst = append(dst, '[')
	for i, s := range v {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendString(dst, s)
	}
	return append(dst, ']')
}

// AppendInt appends n as a JSON number.
func AppendInt(dst []byte, n int64) []byte { return strconv.AppendInt(dst, n, 10) }

// AppendFloat appends f as a JSON number, in the shortest form that reads
// back as the same float64. f must be finite: JSON has no NaN or infinity.
func AppendFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		panic("rows: AppendFloat of a non-finite number")
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64)
}
