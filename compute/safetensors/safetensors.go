// Package safetensors reads and writes the safetensors tensor format
// (https://huggingface.co/docs/safetensors), strictly: a file is accepted
// only when every tensor's bytes match its dtype and shape, lie inside the
// data buffer, overlap no other tensor's, and the tensors together cover
// the buffer with no gap. Errors wrap ErrFormat and name the tensor and
// field at fault.
package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"sort"
	"strings"
)

// The format: an 8-byte little-endian header length N, N bytes of JSON
// header (a map from tensor name to {dtype, shape, data_offsets}, plus an
// optional "__metadata__" map of strings; it may end in spaces), then the
// data buffer. data_offsets are [begin, end) relative to the buffer.

// ErrFormat is wrapped by every error about a malformed file.
var ErrFormat = errors.New("safetensors: malformed file")

// MaxHeader bounds the JSON header, as the reference
// implementation does (100 MB).
const MaxHeader = 100 << 20

// DTypeSize returns the element size in bytes of a safetensors dtype, and
// whether the dtype is known.
func DTypeSize(dtype string) (int, bool) {
	n, ok := dtypeSizes[dtype]
	return int(n), ok
}

// dtypeSizes gives the element size in bytes of each safetensors dtype.
var dtypeSizes = map[string]uint64{
	"BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1,
	"I16": 2, "U16": 2, "F16": 2, "BF16": 2,
	"I32": 4, "U32": 4, "F32": 4,
	"I64": 8, "U64": 8, "F64": 8,
}

// Tensor is one tensor of a safetensors file.
type Tensor struct {
	Name  string
	DType string   // a safetensors dtype: I8, I32, F32, ...
	Shape []uint64 // dimensions, outermost first; empty for a scalar
	Data  []byte   // the tensor's bytes, little-endian, row-major (a slice of the file)

	offsets [2]uint64 // data_offsets while parsing
}

// NumElements is the product of the tensor's dimensions.
func (t Tensor) NumElements() uint64 {
	n := uint64(1)
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// File is a parsed safetensors file. Its tensors share the file's bytes.
type File struct {
	Metadata map[string]string
	Tensors  []Tensor // in data order
	byName   map[string]int
}

// Tensor returns the named tensor.
func (s *File) Tensor(name string) (Tensor, bool) {
	i, ok := s.byName[name]
	if !ok {
		return Tensor{}, false
	}
	return s.Tensors[i], true
}

type stEntry struct {
	DType       *string   `json:"dtype"`
	Shape       *[]uint64 `json:"shape"`
	DataOffsets *[]uint64 `json:"data_offsets"`
}

func bad(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
}

// Parse parses and validates a safetensors file. Errors wrap ErrFormat and
// name the tensor and field at fault.
func Parse(data []byte) (*File, error) {
	if len(data) < 8 {
		return nil, bad("file is %d bytes, shorter than the 8-byte header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data[:8])
	if n > MaxHeader {
		return nil, bad("header length %d: expected at most %d", n, MaxHeader)
	}
	if n > uint64(len(data)-8) {
		return nil, bad("header length %d: file has only %d bytes after the length (truncated?)", n, len(data)-8)
	}
	hdr := bytes.TrimRight(data[8:8+n], " ")
	buf := data[8+n:]
	if len(hdr) == 0 || hdr[0] != '{' {
		return nil, bad("header: expected a JSON object starting with '{'")
	}
	dec := json.NewDecoder(bytes.NewReader(hdr))
	if _, err := dec.Token(); err != nil {
		return nil, bad("header JSON: %v", err)
	}
	st := &File{byName: map[string]int{}}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, bad("header JSON: %v", err)
		}
		name, ok := tok.(string)
		if !ok {
			return nil, bad("header JSON: expected a tensor name, found %v", tok)
		}
		if seen[name] {
			return nil, bad("header: %q appears twice", name)
		}
		seen[name] = true
		if name == "__metadata__" {
			if err := dec.Decode(&st.Metadata); err != nil {
				return nil, bad("header: __metadata__: expected a map of strings: %v", err)
			}
			continue
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, bad("header JSON: tensor %q: %v", name, err)
		}
		t, err := parseEntry(name, raw, uint64(len(buf)))
		if err != nil {
			return nil, err
		}
		st.Tensors = append(st.Tensors, t)
	}
	if _, err := dec.Token(); err != nil {
		return nil, bad("header JSON: %v", err)
	}
	if tok, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, bad("header JSON: unexpected data after the object (%v)", tok)
	}
	if err := placeTensors(st, buf); err != nil {
		return nil, err
	}
	return st, nil
}

// parseEntry validates one tensor's header entry; Data holds the offsets
// until placeTensors slices the buffer.
func parseEntry(name string, raw json.RawMessage, bufLen uint64) (Tensor, error) {
	if name == "" {
		return Tensor{}, bad("header: a tensor has an empty name")
	}
	var e stEntry
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(&e); err != nil {
		return Tensor{}, bad("tensor %q: header entry: %v", name, err)
	}
	switch {
	case e.DType == nil:
		return Tensor{}, bad("tensor %q: dtype: missing", name)
	case e.Shape == nil:
		return Tensor{}, bad("tensor %q: shape: missing", name)
	case e.DataOffsets == nil:
		return Tensor{}, bad("tensor %q: data_offsets: missing", name)
	}
	size, ok := dtypeSizes[*e.DType]
	if !ok {
		return Tensor{}, bad("tensor %q: dtype %q: expected one of %s", name, *e.DType, dtypeList())
	}
	offs := *e.DataOffsets
	if len(offs) != 2 {
		return Tensor{}, bad("tensor %q: data_offsets %v: expected [begin, end]", name, offs)
	}
	begin, end := offs[0], offs[1]
	if begin > end || end > bufLen {
		return Tensor{}, bad("tensor %q: data_offsets [%d, %d]: expected begin <= end <= %d (the data buffer's size)", name, begin, end, bufLen)
	}
	count := uint64(1)
	for _, dim := range *e.Shape {
		hi, lo := bits.Mul64(count, dim)
		if hi != 0 {
			return Tensor{}, bad("tensor %q: shape %v: too many elements", name, *e.Shape)
		}
		count = lo
	}
	hi, nbytes := bits.Mul64(count, size)
	if hi != 0 || nbytes != end-begin {
		return Tensor{}, bad("tensor %q: data_offsets [%d, %d]: %d bytes, expected %d for dtype %s and shape %v", name, begin, end, end-begin, nbytes, *e.DType, *e.Shape)
	}
	return Tensor{Name: name, DType: *e.DType, Shape: *e.Shape, offsets: [2]uint64{begin, end}}, nil
}

// placeTensors checks that the tensors tile the buffer exactly (no overlap,
// no gap) and points each at its bytes.
func placeTensors(st *File, buf []byte) error {
	ts := st.Tensors
	sort.SliceStable(ts, func(i, j int) bool {
		if ts[i].offsets[0] != ts[j].offsets[0] {
			return ts[i].offsets[0] < ts[j].offsets[0]
		}
		if ts[i].offsets[1] != ts[j].offsets[1] {
			return ts[i].offsets[1] < ts[j].offsets[1]
		}
		return ts[i].Name < ts[j].Name
	})
	pos := uint64(0)
	prev := ""
	for i := range ts {
		t := &ts[i]
		b, e := t.offsets[0], t.offsets[1]
		switch {
		case b < pos:
			return bad("tensor %q: data_offsets [%d, %d]: overlaps tensor %q (which ends at %d)", t.Name, b, e, prev, pos)
		case b > pos:
			return bad("data: bytes [%d, %d) belong to no tensor (gap before tensor %q)", pos, b, t.Name)
		}
		t.Data = buf[b:e:e]
		pos = e
		prev = t.Name
		st.byName[t.Name] = i
	}
	if pos != uint64(len(buf)) {
		return bad("data: bytes [%d, %d) belong to no tensor (trailing data)", pos, len(buf))
	}
	return nil
}

func dtypeList() string {
	names := make([]string, 0, len(dtypeSizes))
	for k := range dtypeSizes {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// Encode writes tensors (with their Data filled) and metadata as a
// safetensors file, in the order given; the bytes are a pure function of
// the input. It is the inverse of Parse.
func Encode(metadata map[string]string, tensors []Tensor) ([]byte, error) {
	// Build the header by hand so that key order follows the tensors'
	// order: the file's bytes are then a pure function of the input.
	var h bytes.Buffer
	h.WriteByte('{')
	first := true
	writeKey := func(k string) {
		if !first {
			h.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		h.Write(kb)
		h.WriteByte(':')
	}
	if len(metadata) > 0 {
		writeKey("__metadata__")
		mb, err := json.Marshal(metadata) // map keys sorted
		if err != nil {
			return nil, err
		}
		h.Write(mb)
	}
	off := uint64(0)
	for _, t := range tensors {
		size, ok := dtypeSizes[t.DType]
		if !ok {
			return nil, fmt.Errorf("%w: tensor %q: dtype %q: expected one of %s", ErrFormat, t.Name, t.DType, dtypeList())
		}
		shape := t.Shape
		if shape == nil {
			shape = []uint64{}
		}
		if t.NumElements()*size != uint64(len(t.Data)) {
			return nil, fmt.Errorf("%w: tensor %q: %d bytes of data for dtype %s and shape %v", ErrFormat, t.Name, len(t.Data), t.DType, shape)
		}
		writeKey(t.Name)
		eb, err := json.Marshal(struct {
			DType       string   `json:"dtype"`
			Shape       []uint64 `json:"shape"`
			DataOffsets []uint64 `json:"data_offsets"`
		}{t.DType, shape, []uint64{off, off + uint64(len(t.Data))}})
		if err != nil {
			return nil, err
		}
		h.Write(eb)
		off += uint64(len(t.Data))
	}
	h.WriteByte('}')
	// Pad the header to a multiple of 8 bytes with spaces, as the reference
	// writer does, so the data starts aligned.
	for h.Len()%8 != 0 {
		h.WriteByte(' ')
	}
	out := make([]byte, 8, 8+h.Len()+int(off))
	binary.LittleEndian.PutUint64(out, uint64(h.Len()))
	out = append(out, h.Bytes()...)
	for _, t := range tensors {
		out = append(out, t.Data...)
	}
	return out, nil
}
