package dataset

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// This file reads Arrow IPC framing and checks each message's FlatBuffers
// metadata before arrow-go sees it. arrow-go trusts the lengths of
// FlatBuffers vectors: a corrupt schema message saying a field has four
// billion children makes it allocate that many fields, and running out of
// memory kills the process where a panic could have been recovered. So every
// table, vector and string a message holds is checked to lie inside the
// message, only the Arrow types Meadow writes are accepted, record batch
// headers must have exactly the field nodes and buffers the schema calls for
// with every buffer inside the body, and dictionaries, compression and view
// types are refused (Meadow files have none). For the Arrow file format the
// footer is checked too, and must list exactly the record batches the file
// holds, with the same schema, so that readers that follow the footer (most
// do) and this one, which reads front to back, see the same rows.

// FlatBuffers enums of the Arrow format (format/Message.fbs, Schema.fbs).
const (
	fbHeaderSchema      = 1
	fbHeaderRecordBatch = 3

	fbTypeInt    = 2
	fbTypeFloat  = 3
	fbTypeBool   = 6
	fbTypeBinary = 4
	fbTypeUtf8   = 5
	fbTypeList   = 12

	fbVersionV4 = 3
	fbVersionV5 = 4
)

// maxTables bounds how many tables one message may hold; Meadow schemas have
// a few hundred at most. It also stops a message whose vectors point to the
// same tables over and over from being walked exponentially.
const maxTables = 20000

// fb is a FlatBuffers buffer under verification.
type fb struct {
	b      []byte
	tables int
}

type fbTable struct {
	f           *fb
	pos, vt     int
	vtLen, size int
}

var errFB = errors.New("malformed FlatBuffers metadata")

func (f *fb) u32(pos int) (uint32, bool) {
	if pos < 0 || pos+4 > len(f.b) {
		return 0, false
	}
	return binary.LittleEndian.Uint32(f.b[pos:]), true
}

func (f *fb) u16(pos int) (uint16, bool) {
	if pos < 0 || pos+2 > len(f.b) {
		return 0, false
	}
	return binary.LittleEndian.Uint16(f.b[pos:]), true
}

// root returns the buffer's root table.
func (f *fb) root() (fbTable, error) {
	off, ok := f.u32(0)
	if !ok {
		return fbTable{}, errFB
	}
	return f.table(int(off))
}

// table checks the table at pos: its vtable and its inline object lie in
// the buffer.
func (f *fb) table(pos int) (fbTable, error) {
	if f.tables++; f.tables > maxTables {
		return fbTable{}, fmt.Errorf("%w: more than %d tables", errFB, maxTables)
	}
	so, ok := f.u32(pos)
	if !ok {
		return fbTable{}, errFB
	}
	vt := pos - int(int32(so))
	vtLen, ok1 := f.u16(vt)
	size, ok2 := f.u16(vt + 2)
	if !ok1 || !ok2 || vtLen < 4 || vtLen%2 != 0 || vt+int(vtLen) > len(f.b) || size < 4 || pos+int(size) > len(f.b) {
		return fbTable{}, errFB
	}
	return fbTable{f: f, pos: pos, vt: vt, vtLen: int(vtLen), size: int(size)}, nil
}

// field returns the position of field slot, whose inline value takes n
// bytes, or -1 when the field is absent.
func (t fbTable) field(slot, n int) (int, error) {
	e := 4 + 2*slot
	if e+2 > t.vtLen {
		return -1, nil
	}
	off, _ := t.f.u16(t.vt + e)
	if off == 0 {
		return -1, nil
	}
	if int(off)+n > t.size {
		return -1, errFB
	}
	return t.pos + int(off), nil
}

func (t fbTable) scalar(slot, n int) (uint64, error) {
	p, err := t.field(slot, n)
	if err != nil || p < 0 {
		return 0, err
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(t.f.b[p+i])
	}
	return v, nil
}

// ref follows the offset in field slot and returns the position it points
// to, or -1 when the field is absent.
func (t fbTable) ref(slot int) (int, error) {
	p, err := t.field(slot, 4)
	if err != nil || p < 0 {
		return -1, err
	}
	off, _ := t.f.u32(p)
	target := p + int(off)
	if off == 0 || target+4 > len(t.f.b) {
		return -1, errFB
	}
	return target, nil
}

func (t fbTable) sub(slot int) (fbTable, bool, error) {
	p, err := t.ref(slot)
	if err != nil || p < 0 {
		return fbTable{}, false, err
	}
	s, err := t.f.table(p)
	return s, err == nil, err
}

// vector returns the position of the first element of the vector in field
// slot and its length, checked to fit with elements of elem bytes.
func (t fbTable) vector(slot, elem int) (int, int, error) {
	p, err := t.ref(slot)
	if err != nil || p < 0 {
		return 0, 0, err
	}
	n, _ := t.f.u32(p)
	if uint64(n)*uint64(elem) > uint64(len(t.f.b)-p-4) {
		return 0, 0, errFB
	}
	return p + 4, int(n), nil
}

func (t fbTable) str(slot int) (string, error) {
	start, n, err := t.vector(slot, 1)
	if err != nil {
		return "", err
	}
	return string(t.f.b[start : start+n]), nil
}

// tables returns the tables of a vector of tables in field slot.
func (t fbTable) tables(slot int) ([]fbTable, error) {
	start, n, err := t.vector(slot, 4)
	if err != nil || n == 0 {
		return nil, err
	}
	out := make([]fbTable, n)
	for i := range out {
		off, _ := t.f.u32(start + 4*i)
		if out[i], err = t.f.table(start + 4*i + int(off)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ipcSchema is what a schema message says, in a form that can be compared.
type ipcSchema struct {
	Fields []ipcField
	Meta   [][2]string
}

type ipcField struct {
	Name     string
	Nullable bool
	Type     uint8
	BitWidth int32
	Signed   bool
	Children []ipcField
	Meta     [][2]string
}

func readKV(t fbTable, slot int) ([][2]string, error) {
	kvs, err := t.tables(slot)
	if err != nil {
		return nil, err
	}
	out := make([][2]string, len(kvs))
	for i, kv := range kvs {
		if out[i][0], err = kv.str(0); err != nil {
			return nil, err
		}
		if out[i][1], err = kv.str(1); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func readSchemaFB(t fbTable) (*ipcSchema, error) {
	if end, err := t.scalar(0, 2); err != nil {
		return nil, err
	} else if end != 0 {
		return nil, fmt.Errorf("%w: big-endian data", ErrSchemaMismatch)
	}
	fields, err := t.tables(1)
	if err != nil {
		return nil, err
	}
	s := &ipcSchema{Fields: make([]ipcField, len(fields))}
	for i, f := range fields {
		if s.Fields[i], err = readFieldFB(f, 0); err != nil {
			return nil, err
		}
	}
	if s.Meta, err = readKV(t, 2); err != nil {
		return nil, err
	}
	return s, nil
}

func readFieldFB(t fbTable, depth int) (ipcField, error) {
	var f ipcField
	var err error
	if depth > 2 {
		return f, fmt.Errorf("%w: fields nested deeper than Meadow's lists", ErrSchemaMismatch)
	}
	if f.Name, err = t.str(0); err != nil {
		return f, err
	}
	nullable, err := t.scalar(1, 1)
	if err != nil {
		return f, err
	}
	f.Nullable = nullable != 0
	typ, err := t.scalar(2, 1)
	if err != nil {
		return f, err
	}
	f.Type = uint8(typ)
	tt, ok, err := t.sub(3)
	if err != nil {
		return f, err
	}
	switch f.Type {
	case fbTypeInt:
		if !ok {
			return f, errFB
		}
		bw, err := tt.scalar(0, 4)
		if err != nil {
			return f, err
		}
		signed, err := tt.scalar(1, 1)
		if err != nil {
			return f, err
		}
		f.BitWidth, f.Signed = int32(bw), signed != 0
		if f.BitWidth != 32 && f.BitWidth != 64 {
			return f, fmt.Errorf("%w: field %q: %d-bit integers", ErrSchemaMismatch, f.Name, f.BitWidth)
		}
	case fbTypeFloat:
		if !ok {
			return f, errFB
		}
		prec, err := tt.scalar(0, 2)
		if err != nil {
			return f, err
		}
		if prec != 2 { // DOUBLE
			return f, fmt.Errorf("%w: field %q: floats of precision %d, expected double (2)", ErrSchemaMismatch, f.Name, prec)
		}
		f.BitWidth = 64
	case fbTypeUtf8, fbTypeBinary, fbTypeList, fbTypeBool:
	default:
		return f, fmt.Errorf("%w: field %q has Arrow type %d, which Meadow files do not use", ErrSchemaMismatch, f.Name, f.Type)
	}
	if p, err := t.field(4, 4); err != nil || p >= 0 {
		return f, fmt.Errorf("%w: field %q is dictionary-encoded, which Meadow files are not", ErrSchemaMismatch, f.Name)
	}
	children, err := t.tables(5)
	if err != nil {
		return f, err
	}
	if (f.Type == fbTypeList) != (len(children) == 1) || (f.Type != fbTypeList && len(children) != 0) {
		return f, fmt.Errorf("%w: field %q: %d children", ErrSchemaMismatch, f.Name, len(children))
	}
	for _, c := range children {
		cf, err := readFieldFB(c, depth+1)
		if err != nil {
			return f, err
		}
		if cf.Type != fbTypeInt && cf.Type != fbTypeUtf8 {
			return f, fmt.Errorf("%w: field %q: lists of Arrow type %d", ErrSchemaMismatch, f.Name, cf.Type)
		}
		f.Children = append(f.Children, cf)
	}
	if f.Meta, err = readKV(t, 6); err != nil {
		return f, err
	}
	return f, nil
}

// layout returns how many field nodes and buffers a record batch of s has.
func (s *ipcSchema) layout() (nodes, buffers int) {
	var walk func(f ipcField)
	walk = func(f ipcField) {
		nodes++
		switch f.Type {
		case fbTypeInt, fbTypeList, fbTypeFloat, fbTypeBool:
			buffers += 2 // validity, values (bits for bool) or offsets
		default:
			buffers += 3 // validity, offsets, data
		}
		for _, c := range f.Children {
			walk(c)
		}
	}
	for _, f := range s.Fields {
		walk(f)
	}
	return nodes, buffers
}

// ipcBlock is where a message lies in a file, as an Arrow file footer
// records it: the offset of its prefix, the length of prefix and metadata,
// the length of the body.
type ipcBlock struct {
	Offset  int64
	MetaLen int64
	BodyLen int64
}

// msgReader is an ipc.MessageReader that checks every message first.
type msgReader struct {
	r      io.Reader
	pos    int64 // absolute offset of the next byte of r in the file
	end    int64 // absolute offset where r ends, or -1 when unknown
	schema *ipcSchema
	nodes  int
	bufs   int
	prev   *ipc.Message
	batchN int

	// reuse reads bodies into body, reused from message to message.
	reuse bool
	body  []byte

	// onBatch, when set, is told where each record batch lies.
	onBatch func(i int, b ipcBlock) error
	// last is the block of the message returned last.
	last ipcBlock

	// preface, when set, is a schema message's metadata returned (after
	// the same checks) before the first message read: the schema of an
	// Arrow file whose stream part starts without one (see
	// footerSchemaMessage).
	preface []byte
}

func (m *msgReader) Retain()  {}
func (m *msgReader) Release() {}

func (m *msgReader) readFull(b []byte) error {
	n, err := io.ReadFull(m.r, b)
	m.pos += int64(n)
	return err
}

// Message reads, checks and returns the next message, or io.EOF after the
// end-of-stream marker.
func (m *msgReader) Message() (*ipc.Message, error) {
	if m.prev != nil {
		m.prev.Release()
		m.prev = nil
	}
	start := m.pos
	if meta := m.preface; meta != nil {
		m.preface = nil
		if _, err := m.check(meta, start); err != nil {
			return nil, err
		}
		m.last = ipcBlock{Offset: start}
		msg := ipc.NewMessage(memory.NewBufferBytes(meta), memory.NewBufferBytes(nil))
		m.prev = msg
		return msg, nil
	}
	var pre [8]byte
	if err := m.readFull(pre[:4]); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: byte offset %d: the stream ends without its end-of-stream marker (truncated?)", ErrCorrupt, start)
		}
		return nil, fmt.Errorf("%w: byte offset %d: %v", ErrCorrupt, start, err)
	}
	if binary.LittleEndian.Uint32(pre[:4]) != 0xffffffff {
		return nil, fmt.Errorf("%w: byte offset %d: %x: expected a message's continuation marker ffffffff", ErrCorrupt, start, pre[:4])
	}
	if err := m.readFull(pre[4:]); err != nil {
		return nil, fmt.Errorf("%w: byte offset %d: truncated message length: %v", ErrCorrupt, start, err)
	}
	metaLen := int32(binary.LittleEndian.Uint32(pre[4:]))
	if metaLen == 0 {
		return nil, io.EOF
	}
	if metaLen < 8 || metaLen > maxMetadata {
		return nil, fmt.Errorf("%w: byte offset %d: metadata length %d: expected 8 to %d", ErrCorrupt, start, metaLen, maxMetadata)
	}
	if m.end >= 0 && int64(metaLen) > m.end-m.pos {
		return nil, fmt.Errorf("%w: byte offset %d: metadata of %d bytes runs past the end (truncated?)", ErrCorrupt, start, metaLen)
	}
	meta := make([]byte, metaLen)
	if err := m.readFull(meta); err != nil {
		return nil, fmt.Errorf("%w: byte offset %d: truncated metadata: %v", ErrCorrupt, start, err)
	}
	bodyLen, err := m.check(meta, start)
	if err != nil {
		return nil, err
	}
	if m.end >= 0 && bodyLen > m.end-m.pos {
		return nil, fmt.Errorf("%w: byte offset %d: body of %d bytes runs past the end (truncated?)", ErrCorrupt, start, bodyLen)
	}
	if bodyLen > maxAlloc {
		return nil, fmt.Errorf("%w: byte offset %d: body of %d bytes: at most %d supported", ErrCorrupt, start, bodyLen, maxAlloc)
	}
	m.last = ipcBlock{Offset: start, MetaLen: 8 + int64(metaLen), BodyLen: bodyLen}
	var body []byte
	if m.reuse {
		if int64(cap(m.body)) < bodyLen {
			m.body = make([]byte, bodyLen)
		}
		body = m.body[:bodyLen]
	} else {
		body = make([]byte, bodyLen)
	}
	if err := m.readFull(body); err != nil {
		return nil, fmt.Errorf("%w: byte offset %d: truncated body: %v", ErrCorrupt, start, err)
	}
	if m.isBatch(meta) {
		if m.onBatch != nil {
			if err := m.onBatch(m.batchN, m.last); err != nil {
				return nil, err
			}
		}
		m.batchN++
	}
	msg := ipc.NewMessage(memory.NewBufferBytes(meta), memory.NewBufferBytes(body))
	m.prev = msg
	return msg, nil
}

func (m *msgReader) isBatch(meta []byte) bool {
	f := &fb{b: meta}
	t, err := f.root()
	if err != nil {
		return false
	}
	h, _ := t.scalar(1, 1)
	return h == fbHeaderRecordBatch
}

// check verifies a message's metadata and returns its body length.
func (m *msgReader) check(meta []byte, start int64) (int64, error) {
	bad := func(format string, args ...any) (int64, error) {
		return 0, fmt.Errorf("%w: byte offset %d: "+format, append([]any{ErrCorrupt, start}, args...)...)
	}
	f := &fb{b: meta}
	t, err := f.root()
	if err != nil {
		return bad("message: %v", err)
	}
	version, err := t.scalar(0, 2)
	if err != nil {
		return bad("message: %v", err)
	}
	if version != fbVersionV4 && version != fbVersionV5 {
		return bad("metadata version %d: expected V4 or V5", version+1)
	}
	htype, err := t.scalar(1, 1)
	if err != nil {
		return bad("message: %v", err)
	}
	header, ok, err := t.sub(2)
	if err != nil || !ok {
		return bad("message header: %v", errFB)
	}
	bl, err := t.scalar(3, 8)
	if err != nil {
		return bad("message: %v", err)
	}
	bodyLen := int64(bl)
	if bodyLen < 0 {
		return bad("body length %d", bodyLen)
	}
	if _, err := readKV(t, 4); err != nil {
		return bad("message metadata: %v", err)
	}
	switch htype {
	case fbHeaderSchema:
		if m.schema != nil {
			return bad("a second schema message")
		}
		s, err := readSchemaFB(header)
		if err != nil {
			if errors.Is(err, ErrSchemaMismatch) {
				return 0, fmt.Errorf("%w (byte offset %d)", err, start)
			}
			return bad("schema: %v", err)
		}
		m.schema = s
		m.nodes, m.bufs = s.layout()
		if bodyLen != 0 {
			return bad("schema message with a body")
		}
	case fbHeaderRecordBatch:
		if m.schema == nil {
			return bad("record batch before the schema")
		}
		if err := m.checkBatch(header, bodyLen); err != nil {
			return bad("record batch %d: %v", m.batchN, err)
		}
	default:
		return bad("message type %d: Meadow files hold only a schema and record batches (no dictionaries or tensors)", htype)
	}
	return bodyLen, nil
}

func (m *msgReader) checkBatch(t fbTable, bodyLen int64) error {
	length, err := t.scalar(0, 8)
	if err != nil {
		return err
	}
	if int64(length) < 0 || int64(length) > maxAlloc {
		return fmt.Errorf("length %d", int64(length))
	}
	nstart, n, err := t.vector(1, 16)
	if err != nil {
		return err
	}
	if n != m.nodes {
		return fmt.Errorf("%d field nodes: the schema has %d", n, m.nodes)
	}
	for i := 0; i < n; i++ {
		l := int64(binary.LittleEndian.Uint64(t.f.b[nstart+16*i:]))
		nc := int64(binary.LittleEndian.Uint64(t.f.b[nstart+16*i+8:]))
		if l < 0 || nc < 0 || nc > l {
			return fmt.Errorf("field node %d: length %d, null count %d", i, l, nc)
		}
	}
	top := int64(length)
	for i, k := 0, 0; i < len(m.schema.Fields); i++ {
		if l := int64(binary.LittleEndian.Uint64(t.f.b[nstart+16*k:])); l != top {
			return fmt.Errorf("column %d has %d values: the batch has %d rows", i, l, top)
		}
		k += 1 + len(m.schema.Fields[i].Children)
	}
	bstart, nb, err := t.vector(2, 16)
	if err != nil {
		return err
	}
	if nb != m.bufs {
		return fmt.Errorf("%d buffers: the schema has %d", nb, m.bufs)
	}
	for i := 0; i < nb; i++ {
		off := int64(binary.LittleEndian.Uint64(t.f.b[bstart+16*i:]))
		l := int64(binary.LittleEndian.Uint64(t.f.b[bstart+16*i+8:]))
		if off < 0 || l < 0 || off > bodyLen || l > bodyLen-off {
			return fmt.Errorf("buffer %d (offset %d, length %d) outside the body of %d bytes", i, off, l, bodyLen)
		}
	}
	if p, err := t.field(3, 4); err != nil || p >= 0 {
		return fmt.Errorf("compressed body: Meadow files are not compressed")
	}
	if _, n, err := t.vector(4, 8); err != nil || n > 0 {
		return fmt.Errorf("variadic buffers: Meadow files have no view types")
	}
	return nil
}

// readFooter reads and checks the footer of an Arrow file of size bytes:
// its schema and the blocks of its record batches. It returns where the
// footer starts.
func readFooter(ra io.ReaderAt, size int64) (*ipcSchema, []ipcBlock, int64, error) {
	const trailer = 10 // int32 footer length, "ARROW1"
	if size < 8+trailer {
		return nil, nil, 0, fmt.Errorf("%w: %d bytes is too short for an Arrow file", ErrCorrupt, size)
	}
	var tr [trailer]byte
	if _, err := ra.ReadAt(tr[:], size-trailer); err != nil {
		return nil, nil, 0, fmt.Errorf("%w: reading the footer length: %v", ErrCorrupt, err)
	}
	flen := int64(int32(binary.LittleEndian.Uint32(tr[:4])))
	fstart := size - trailer - flen
	if flen < 8 || flen > maxMetadata || fstart < 8 {
		return nil, nil, 0, fmt.Errorf("%w: footer length %d in a file of %d bytes", ErrCorrupt, flen, size)
	}
	buf := make([]byte, flen)
	if _, err := ra.ReadAt(buf, fstart); err != nil {
		return nil, nil, 0, fmt.Errorf("%w: reading the footer at byte offset %d: %v", ErrCorrupt, fstart, err)
	}
	bad := func(err error) (*ipcSchema, []ipcBlock, int64, error) {
		if errors.Is(err, ErrSchemaMismatch) {
			return nil, nil, 0, fmt.Errorf("%w (footer at byte offset %d)", err, fstart)
		}
		return nil, nil, 0, fmt.Errorf("%w: footer at byte offset %d: %v", ErrCorrupt, fstart, err)
	}
	f := &fb{b: buf}
	t, err := f.root()
	if err != nil {
		return bad(err)
	}
	st, ok, err := t.sub(1)
	if err != nil || !ok {
		return bad(fmt.Errorf("no schema: %w", errFB))
	}
	s, err := readSchemaFB(st)
	if err != nil {
		return bad(err)
	}
	if _, n, err := t.vector(2, 24); err != nil || n > 0 {
		return bad(fmt.Errorf("dictionary blocks: Meadow files have no dictionaries"))
	}
	bstart, n, err := t.vector(3, 24)
	if err != nil {
		return bad(err)
	}
	blocks := make([]ipcBlock, n)
	for i := range blocks {
		p := bstart + 24*i
		blocks[i] = ipcBlock{
			Offset:  int64(binary.LittleEndian.Uint64(buf[p:])),
			MetaLen: int64(int32(binary.LittleEndian.Uint32(buf[p+8:]))),
			BodyLen: int64(binary.LittleEndian.Uint64(buf[p+16:])),
		}
	}
	return s, blocks, fstart, nil
}

// newArrowFileSource reads an Arrow file front to back as the stream it
// contains, checking it against the footer as it goes.
func newArrowFileSource(ra io.ReaderAt, size int64, reuse bool) (*streamSource, error) {
	fs, blocks, fstart, err := readFooter(ra, size)
	if err != nil {
		return nil, err
	}
	mr := &msgReader{r: io.NewSectionReader(ra, 8, fstart-8), pos: 8, end: fstart, reuse: reuse}
	fromFooter := false
	if startsWithBatch(ra, fstart) {
		// apache-arrow (JavaScript) writes an Arrow file's schema only in
		// its footer; the footer was checked above, so the schema message
		// is made from it.
		if mr.preface, err = footerSchemaMessage(ra, size); err != nil {
			return nil, err
		}
		fromFooter = true
	}
	mr.onBatch = func(i int, b ipcBlock) error {
		if i >= len(blocks) {
			return fmt.Errorf("%w: byte offset %d: record batch %d is not in the footer, which lists %d", ErrCorrupt, b.Offset, i, len(blocks))
		}
		if blocks[i] != b {
			return fmt.Errorf("%w: byte offset %d: record batch %d is at %+v, the footer says %+v", ErrCorrupt, b.Offset, i, b, blocks[i])
		}
		return nil
	}
	s, err := newStreamSourceFrom(mr)
	if err != nil {
		return nil, err
	}
	if !fromFooter && !reflect.DeepEqual(mr.schema, fs) {
		s.close()
		return nil, fmt.Errorf("%w: the footer's schema differs from the schema at the start of the file", ErrCorrupt)
	}
	s.atEnd = func() error {
		if mr.batchN != len(blocks) {
			return fmt.Errorf("%w: %d record batches in the file, the footer lists %d", ErrCorrupt, mr.batchN, len(blocks))
		}
		return nil
	}
	return s, nil
}

// startsWithBatch reports whether the first message of an Arrow file
// (at byte 8) is a record batch rather than the schema. Anything it cannot
// read is left for the message reader to report.
func startsWithBatch(ra io.ReaderAt, fstart int64) bool {
	var pre [8]byte
	if fstart < 16 {
		return false
	}
	if _, err := ra.ReadAt(pre[:], 8); err != nil || binary.LittleEndian.Uint32(pre[:4]) != 0xffffffff {
		return false
	}
	n := int64(int32(binary.LittleEndian.Uint32(pre[4:])))
	if n < 8 || n > maxMetadata || 16+n > fstart {
		return false
	}
	meta := make([]byte, n)
	if _, err := ra.ReadAt(meta, 16); err != nil {
		return false
	}
	return (&msgReader{}).isBatch(meta)
}

// footerSchemaMessage returns the metadata of a schema message holding the
// schema of the Arrow file's footer, which readFooter has checked: arrow-go
// reads the footer, and its stream writer writes the schema message.
func footerSchemaMessage(ra io.ReaderAt, size int64) ([]byte, error) {
	fr, err := ipc.NewFileReader(io.NewSectionReader(ra, 0, size), ipc.WithAllocator(limitAllocator{}))
	if err != nil {
		return nil, fmt.Errorf("%w: the footer's schema: %v", ErrCorrupt, err)
	}
	defer fr.Close()
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(fr.Schema()))
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("%w: the footer's schema: %v", ErrCorrupt, err)
	}
	b := buf.Bytes()
	if len(b) < 8 {
		return nil, fmt.Errorf("%w: the footer's schema: no schema message", ErrCorrupt)
	}
	n := int(int32(binary.LittleEndian.Uint32(b[4:8])))
	if n < 8 || 8+n > len(b) {
		return nil, fmt.Errorf("%w: the footer's schema: a schema message of %d bytes", ErrCorrupt, n)
	}
	return b[8 : 8+n], nil
}

// newStreamSourceFrom starts an arrow-go stream reader on checked messages.
func newStreamSourceFrom(mr *msgReader) (*streamSource, error) {
	r, err := ipc.NewReaderFromMessageReader(mr, ipc.WithAllocator(limitAllocator{}))
	if err != nil {
		if isOurs(err) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: Arrow schema: %v", ErrCorrupt, err)
	}
	return &streamSource{r: r, mr: mr}, nil
}

// isOurs reports whether err already wraps one of this package's errors.
func isOurs(err error) bool {
	return errors.Is(err, ErrCorrupt) || errors.Is(err, ErrSchemaMismatch) || errors.Is(err, ErrUnknownFormat)
}
