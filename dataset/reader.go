package dataset

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ethereum/go-ethereum/common"
)

// Magic bytes of the formats.
var (
	arrowFileMagic   = []byte("ARROW1")
	parquetMagic     = []byte("PAR1")
	arrowStreamStart = []byte{0xff, 0xff, 0xff, 0xff}
)

// maxAlloc bounds any one buffer a Reader lets the Arrow and Parquet
// libraries allocate. A corrupt length field could otherwise ask for
// terabytes, and running out of memory is not a panic a reader can
// recover from. Batches this package writes stay far below it.
const maxAlloc = 1 << 30

// maxMetadata bounds one Arrow IPC metadata message (schema or batch
// header); ours are a few kilobytes.
const maxMetadata = 16 << 20

// limitAllocator is the Go allocator with a size limit; it panics with
// errAllocLimit, which the Reader recovers into ErrCorrupt.
type limitAllocator struct{}

type allocLimitError struct{ size int }

func (e allocLimitError) Error() string {
	return fmt.Sprintf("a buffer of %d bytes (limit %d)", e.size, maxAlloc)
}

func (limitAllocator) Allocate(size int) []byte {
	if size < 0 || size > maxAlloc {
		panic(allocLimitError{size})
	}
	return memory.DefaultAllocator.Allocate(size)
}

func (limitAllocator) Reallocate(size int, b []byte) []byte {
	if size < 0 || size > maxAlloc {
		panic(allocLimitError{size})
	}
	return memory.DefaultAllocator.Reallocate(size, b)
}

func (limitAllocator) Free(b []byte) { memory.DefaultAllocator.Free(b) }

// DetectFormat names the format of a file from its first bytes (at least
// 8) and its last bytes (at least 6): the Arrow file magic "ARROW1" at both
// ends, Parquet's "PAR1" at both ends, or an Arrow IPC stream's
// continuation marker 0xffffffff at the start. A file with the right start
// but not the right end is reported as truncated (ErrCorrupt).
func DetectFormat(head, tail []byte) (Format, error) {
	switch {
	case len(head) == 0:
		return 0, fmt.Errorf("%w: empty file", ErrUnknownFormat)
	case bytes.HasPrefix(head, arrowFileMagic):
		if !bytes.HasSuffix(tail, arrowFileMagic) || len(tail) < 2*len(arrowFileMagic) {
			return 0, fmt.Errorf("%w: Arrow file without the ARROW1 magic at its end (truncated?)", ErrCorrupt)
		}
		return FormatArrowFile, nil
	case bytes.HasPrefix(head, parquetMagic):
		if !bytes.HasSuffix(tail, parquetMagic) || len(tail) < 2*len(parquetMagic) {
			return 0, fmt.Errorf("%w: Parquet file without the PAR1 magic at its end (truncated?)", ErrCorrupt)
		}
		return FormatParquet, nil
	case bytes.HasPrefix(head, arrowStreamStart):
		return FormatArrowStream, nil
	}
	n := min(len(head), 8)
	return 0, fmt.Errorf("%w: first bytes %x: expected Arrow IPC (ffffffff or ARROW1) or Parquet (PAR1)", ErrUnknownFormat, head[:n])
}

// batchSource yields record batches of one file.
type batchSource interface {
	// next returns the next batch, or nil at the end.
	next() (arrow.RecordBatch, error)
	// where describes the position of the batch just read, for errors.
	where() string
	close() error
}

// Reader reads the rows of a dataset file batch by batch, in any of the
// three formats, so that its memory is about one batch whatever the size of
// the file. Rows are checked as they are read: structure (offsets, lengths,
// buffers), nulls only in Nullable columns and never in lists, valid UTF-8,
// floats finite and not -0.
// A Reader never panics on a corrupt file: the error it reports (Err)
// wraps ErrCorrupt, ErrInvalidRow or ErrSchemaMismatch and names the batch
// and row, or the byte offset where it knows it.
//
// Use Next and Row for rows one at a time, or NextBatch and Batch for
// Arrow record batches. A Reader is not safe for concurrent use.
type Reader struct {
	format  Format
	schema  Schema
	aschema *arrow.Schema
	src     batchSource
	closer  io.Closer
	nrows   int64
	// cmap lays out the batches of a file another tool wrote (no
	// meadow.schema metadata) as the schema's columns; nil for Meadow's.
	cmap *columnMap

	rec      arrow.RecordBatch
	cols     []colAccess
	batch    int   // index of rec, from 0
	first    int64 // file row number of rec's first row
	cur      int   // current row in rec, -1 before the first
	consumed int64 // rows of batches before rec

	hbuf       []Hash
	bufA, bufB []byte
	lanes      *x16 // for hashBatch where sixteen lanes are faster

	// storedNormal makes hashing also require every content string to be
	// stored in normal form (NormalizeText), as the Writer stores it: the
	// hash normalizes first, so without this a file whose text was changed
	// in white space or composition would still verify. Verify, Proof and
	// RowHash set it.
	storedNormal bool

	err    error
	done   bool
	closed bool
}

// Open opens a dataset file, detecting its format from its magic bytes.
// Close closes the file.
func Open(path string) (*Reader, error) { return open(path, false, nil) }

// open is Open; with reuse set, Arrow message bodies are read into one
// buffer reused from batch to batch, which keeps the garbage of a long
// Verify down. Only callers that never keep a batch past the next one may
// set it.
//
// expect, when set, is the schema a file without meadow.schema metadata
// (one another tool rewrote) is read as, its columns matched by name.
func open(path string, reuse bool, expect *Schema) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("dataset: %w", err)
	}
	r, err := newReaderAt(f, st.Size(), reuse, expect)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	r.closer = f
	return r, nil
}

// NewReader reads a dataset file of size bytes from ra, detecting its
// format from its magic bytes.
func NewReader(ra io.ReaderAt, size int64) (*Reader, error) { return newReaderAt(ra, size, false, nil) }

func newReaderAt(ra io.ReaderAt, size int64, reuse bool, expect *Schema) (*Reader, error) {
	head := make([]byte, min(size, 8))
	if _, err := ra.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("dataset: reading the file's first bytes: %w", err)
	}
	tail := make([]byte, min(size, 12))
	if _, err := ra.ReadAt(tail, size-int64(len(tail))); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("dataset: reading the file's last bytes: %w", err)
	}
	f, err := DetectFormat(head, tail)
	if err != nil {
		return nil, err
	}
	sr := io.NewSectionReader(ra, 0, size)
	var src batchSource
	var as *arrow.Schema
	var nrows int64 = -1
	err = guard(func() error {
		switch f {
		case FormatArrowStream:
			s, err := newStreamSourceFrom(&msgReader{r: sr, end: size, reuse: reuse})
			if err != nil {
				return err
			}
			src, as = s, s.r.Schema()
		case FormatArrowFile:
			s, err := newArrowFileSource(ra, size, reuse)
			if err != nil {
				return err
			}
			src, as = s, s.r.Schema()
		case FormatParquet:
			var err error
			src, as, nrows, err = openParquet(sr)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return newReader(f, src, as, nrows, expect)
}

// NewStreamReader reads an Arrow IPC stream from r, front to back, without
// needing random access (an upload in progress, a pipe). Arrow files and
// Parquet need NewReader or Open.
func NewStreamReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(8)
	switch {
	case len(head) == 0:
		return nil, fmt.Errorf("%w: empty input", ErrUnknownFormat)
	case bytes.HasPrefix(head, arrowFileMagic):
		return nil, fmt.Errorf("%w: this is an Arrow IPC file, which needs random access: use Open or NewReader", ErrUnknownFormat)
	case bytes.HasPrefix(head, parquetMagic):
		return nil, fmt.Errorf("%w: this is a Parquet file, which needs random access: use Open or NewReader", ErrUnknownFormat)
	case !bytes.HasPrefix(head, arrowStreamStart):
		return nil, fmt.Errorf("%w: first bytes %x: expected an Arrow IPC stream (ffffffff)", ErrUnknownFormat, head)
	}
	var s *streamSource
	err := guard(func() error {
		var err error
		s, err = newStreamSourceFrom(&msgReader{r: br, end: -1})
		return err
	})
	if err != nil {
		return nil, err
	}
	return newReader(FormatArrowStream, s, s.r.Schema(), -1, nil)
}

func newReader(f Format, src batchSource, as *arrow.Schema, nrows int64, expect *Schema) (*Reader, error) {
	s, err := SchemaFromArrow(as)
	var cm *columnMap
	if errors.Is(err, ErrNoSchema) {
		s, cm, err = foreignSchema(as, expect)
	}
	if err != nil {
		src.close()
		return nil, err
	}
	return &Reader{format: f, schema: s, aschema: as, src: src, nrows: nrows, cmap: cm, batch: -1, cur: -1}, nil
}

// guard runs f, turning a panic inside the Arrow or Parquet libraries (a
// corrupt file can reach code that indexes without checking) into an error
// wrapping ErrCorrupt.
func guard(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if e, ok := p.(allocLimitError); ok {
				err = fmt.Errorf("%w: it asks for %v", ErrCorrupt, e)
				return
			}
			err = fmt.Errorf("%w: %v", ErrCorrupt, p)
		}
	}()
	return f()
}

// Format returns the file's format.
func (r *Reader) Format() Format { return r.format }

// Schema returns the Meadow schema stored in the file.
func (r *Reader) Schema() Schema { return r.schema }

// ArrowSchema returns the file's Arrow schema.
func (r *Reader) ArrowSchema() *arrow.Schema { return r.aschema }

// Metadata returns the file's schema metadata: the meadow.* keys and any a
// writer added with WithMetadata.
func (r *Reader) Metadata() map[string]string { return r.aschema.Metadata().ToMap() }

// NumRows returns the number of rows the file's metadata states (Parquet),
// or -1 where the format does not state it up front (Arrow IPC).
func (r *Reader) NumRows() int64 { return r.nrows }

// Err returns the error that stopped Next or NextBatch, or nil at a clean
// end of file.
func (r *Reader) Err() error { return r.err }

// Close releases the current batch and closes the file if Open opened it.
func (r *Reader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	r.release()
	err := r.src.close()
	if r.closer != nil {
		if cerr := r.closer.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func (r *Reader) release() {
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
}

// NextBatch advances to the next record batch, skipping any rows of the
// current one not yet read, and reports whether there is one. After it, Next
// moves to the batch's first row. At the end, or on error, it returns
// false; Err tells which.
func (r *Reader) NextBatch() bool {
	if r.done || r.closed {
		return false
	}
	if r.rec != nil {
		r.consumed += r.rec.NumRows()
	}
	r.release()
	for {
		var rec arrow.RecordBatch
		err := guard(func() error {
			var err error
			rec, err = r.src.next()
			if err == nil && rec != nil && r.cmap != nil {
				orig := rec
				defer orig.Release()
				rec, err = r.cmap.apply(orig)
			}
			return err
		})
		if err != nil {
			sentinel := ErrCorrupt
			if errors.Is(err, ErrSchemaMismatch) {
				sentinel = ErrSchemaMismatch
			}
			r.fail(fmt.Errorf("%w: batch %d (%s, from row %d): %v", sentinel, r.batch+1, r.src.where(), r.consumed, trimSentinel(err)))
			return false
		}
		if rec == nil {
			r.done = true
			return false
		}
		r.batch++
		if rec.NumRows() == 0 {
			rec.Release()
			continue
		}
		r.rec, r.first, r.cur = rec, r.consumed, -1
		if err := r.checkBatch(); err != nil {
			r.fail(err)
			return false
		}
		return true
	}
}

func (r *Reader) fail(err error) {
	r.err = err
	r.done = true
	r.release()
}

// trimSentinel drops a leading sentinel message from err's text, where it
// is about to be wrapped again with more context.
func trimSentinel(err error) string {
	s := err.Error()
	for _, e := range []error{ErrCorrupt, ErrSchemaMismatch} {
		s = strings.TrimPrefix(s, e.Error()+": ")
	}
	return s
}

// Batch returns the current record batch (nil before the first NextBatch or
// Next). It stays valid until the next call of NextBatch, Next past its
// end, or Close; Retain it to keep it longer.
func (r *Reader) Batch() arrow.RecordBatch { return r.rec }

// BatchIndex returns the index of the current batch in the file, from 0.
func (r *Reader) BatchIndex() int { return r.batch }

// Next advances to the next row and reports whether there is one. It checks
// the row's strings are valid UTF-8 (the rest was checked for its whole
// batch). At the end, or on error, it returns false; Err tells which.
func (r *Reader) Next() bool {
	for r.rec == nil || r.cur+1 >= int(r.rec.NumRows()) {
		if !r.NextBatch() {
			return false
		}
	}
	r.cur++
	if err := r.checkUTF8(r.cur); err != nil {
		r.fail(err)
		return false
	}
	return true
}

// RowNumber returns the current row's number in file order, from 0.
func (r *Reader) RowNumber() int64 { return r.first + int64(r.cur) }

// Row returns a copy of the current row: the caller owns it.
func (r *Reader) Row() Row {
	if r.rec == nil || r.cur < 0 {
		return nil
	}
	row := make(Row, len(r.cols))
	for j := range r.cols {
		row[j] = r.cols[j].value(r.cur)
	}
	return row
}

// colAccess is one column of the current batch, by its concrete type.
type colAccess struct {
	col  *Column
	arr  arrow.Array
	str  *array.String
	i64  *array.Int64
	bin  *array.Binary
	list *array.List
	u32  []uint32
	i32  []int32
	u64  []uint64
	f64  []float64
	bl   *array.Boolean
	strs *array.String // the elements of a list<string>
	i64s []int64       // the elements of a list<int64>
}

func (c *colAccess) value(i int) any {
	if c.arr.IsNull(i) {
		return nil
	}
	switch c.col.Type {
	case TypeString:
		return strings.Clone(c.str.Value(i))
	case TypeInt64:
		return c.i64.Value(i)
	case TypeBytes:
		return append([]byte{}, c.bin.Value(i)...)
	case TypeUint32List:
		s, e := c.list.ValueOffsets(i)
		return append([]uint32{}, c.u32[s:e]...)
	case TypeInt32List:
		s, e := c.list.ValueOffsets(i)
		return append([]int32{}, c.i32[s:e]...)
	case TypeUint64List:
		s, e := c.list.ValueOffsets(i)
		return append([]uint64{}, c.u64[s:e]...)
	case TypeFloat64:
		return c.f64[i]
	case TypeBool:
		return c.bl.Value(i)
	case TypeStringList:
		s, e := c.list.ValueOffsets(i)
		v := make([]string, e-s)
		for k := range v {
			v[k] = strings.Clone(c.strs.Value(int(s) + k))
		}
		return v
	case TypeInt64List:
		s, e := c.list.ValueOffsets(i)
		return append([]int64{}, c.i64s[s:e]...)
	}
	return nil
}

// checkBatch checks the structure of the current batch and the nulls in
// it, and sets up the column accessors.
func (r *Reader) checkBatch() error {
	rec := r.rec
	where := func() string {
		return fmt.Sprintf("batch %d (%s, rows %d to %d)", r.batch, r.src.where(), r.first, r.first+rec.NumRows()-1)
	}
	if int(rec.NumCols()) != len(r.schema.Columns) {
		return fmt.Errorf("%w: %s: %d columns: expected %d", ErrCorrupt, where(), rec.NumCols(), len(r.schema.Columns))
	}
	if r.cols == nil {
		r.cols = make([]colAccess, len(r.schema.Columns))
	}
	return guard(func() error {
		for j := range r.schema.Columns {
			c := &r.schema.Columns[j]
			arr := rec.Column(j)
			if !typeMatches(c.Type, arr.DataType()) {
				return fmt.Errorf("%w: %s, column %q: Arrow type %s: expected %s", ErrSchemaMismatch, where(), c.Name, arr.DataType(), mustArrowType(c.Type))
			}
			if err := validateStructure(arr); err != nil {
				return fmt.Errorf("%w: %s, column %q: %v", ErrCorrupt, where(), c.Name, err)
			}
			if arr.Len() != int(rec.NumRows()) {
				return fmt.Errorf("%w: %s, column %q: %d values: expected %d", ErrCorrupt, where(), c.Name, arr.Len(), rec.NumRows())
			}
			if !c.Nullable && arr.NullN() > 0 {
				for i := 0; i < arr.Len(); i++ {
					if arr.IsNull(i) {
						return &RowError{Row: r.first + int64(i), Column: c.Name, Err: fmt.Errorf("%w: null in a column that is not nullable", ErrInvalidRow)}
					}
				}
			}
			a := colAccess{col: c, arr: arr}
			switch c.Type {
			case TypeString:
				a.str = arr.(*array.String)
			case TypeInt64:
				a.i64 = arr.(*array.Int64)
			case TypeBytes:
				a.bin = arr.(*array.Binary)
			case TypeFloat64:
				a.f64 = arr.(*array.Float64).Float64Values()
				for i, v := range a.f64 {
					if arr.IsValid(i) {
						if msg := checkFloat(v); msg != "" {
							return &RowError{Row: r.first + int64(i), Column: c.Name, Err: fmt.Errorf("%w: %s", ErrInvalidRow, msg)}
						}
					}
				}
			case TypeBool:
				a.bl = arr.(*array.Boolean)
			default:
				a.list = arr.(*array.List)
				vals := a.list.ListValues()
				if vals.NullN() > 0 {
					for i := 0; i < arr.Len(); i++ {
						s, e := a.list.ValueOffsets(i)
						for k := s; k < e; k++ {
							if vals.IsNull(int(k)) {
								return &RowError{Row: r.first + int64(i), Column: c.Name, Err: fmt.Errorf("%w: null list element at index %d", ErrInvalidRow, k-s)}
							}
						}
					}
				}
				switch v := vals.(type) {
				case *array.Uint32:
					a.u32 = v.Uint32Values()
				case *array.Int32:
					a.i32 = v.Int32Values()
				case *array.Uint64:
					a.u64 = v.Uint64Values()
				case *array.Int64:
					a.i64s = v.Int64Values()
				case *array.String:
					a.strs = v
				}
			}
			r.cols[j] = a
		}
		return nil
	})
}

// validateStructure checks offsets, lengths and buffers of arr. Strings
// are checked as binary: invalid UTF-8 is a row's fault, reported with the
// row's number when the row is read or hashed, not the whole batch's.
func validateStructure(arr arrow.Array) error {
	if s, ok := arr.(*array.String); ok {
		d := s.Data()
		bin := array.NewBinaryData(array.NewData(arrow.BinaryTypes.Binary, d.Len(), d.Buffers(), nil, d.NullN(), d.Offset()))
		defer bin.Release()
		return array.ValidateFull(bin)
	}
	if l, ok := arr.(*array.List); ok && l.DataType().(*arrow.ListType).Elem().ID() == arrow.STRING {
		// A list<string>: its elements as binary too.
		d, cd := l.Data(), l.ListValues().Data()
		child := array.NewData(arrow.BinaryTypes.Binary, cd.Len(), cd.Buffers(), nil, cd.NullN(), cd.Offset())
		defer child.Release()
		ld := array.NewData(arrow.ListOf(arrow.BinaryTypes.Binary), d.Len(), d.Buffers(), []arrow.ArrayData{child}, d.NullN(), d.Offset())
		defer ld.Release()
		bl := array.NewListData(ld)
		defer bl.Release()
		return array.ValidateFull(bl)
	}
	return array.ValidateFull(arr)
}

// checkUTF8 checks that row i of the current batch has valid UTF-8 in its
// string columns and the elements of its list<string> columns.
func (r *Reader) checkUTF8(i int) error {
	for j := range r.cols {
		c := &r.cols[j]
		if c.str != nil && !c.arr.IsNull(i) && !utf8.ValidString(c.str.Value(i)) {
			return &RowError{Row: r.first + int64(i), Column: c.col.Name, Err: fmt.Errorf("%w: invalid UTF-8", ErrInvalidRow)}
		}
		if c.strs != nil && !c.arr.IsNull(i) {
			if k := c.badElement(i); k >= 0 {
				return &RowError{Row: r.first + int64(i), Column: c.col.Name, Err: fmt.Errorf("%w: element %d: invalid UTF-8", ErrInvalidRow, k)}
			}
		}
	}
	return nil
}

// badElement returns the index in row i's list<string> of the first
// element that is not valid UTF-8, or -1.
func (c *colAccess) badElement(i int) int {
	s, e := c.list.ValueOffsets(i)
	for k := s; k < e; k++ {
		if !utf8.ValidString(c.strs.Value(int(k))) {
			return int(k - s)
		}
	}
	return -1
}

// appendCanonicalAt appends the canonical encoding of row i of the current
// batch, read straight from the Arrow buffers without building a Row.
func (r *Reader) appendCanonicalAt(dst []byte, nc, i int) ([]byte, error) {
	dst = appendHead(dst, majorArray, uint64(nc))
	for j := 0; j < nc; j++ {
		c := &r.cols[j]
		if c.arr.IsNull(i) {
			dst = append(dst, cborNull)
			continue
		}
		switch c.col.Type {
		case TypeString:
			s := c.str.Value(i)
			if asciiCanonical(s) { // the common case, as appendText's own
				dst = appendHead(dst, majorText, uint64(len(s)))
				dst = append(dst, s...)
				continue
			}
			p := len(dst)
			var ok bool
			if dst, ok = appendText(dst, s); !ok {
				return dst, &RowError{Row: r.first + int64(i), Column: c.col.Name, Err: fmt.Errorf("%w: invalid UTF-8", ErrInvalidRow)}
			}
			if r.storedNormal && c.col.Role == RoleContent && !storedAsEncoded(dst[p:], s) {
				return dst, &RowError{Row: r.first + int64(i), Column: c.col.Name, Err: fmt.Errorf(
					"%w: text not stored in normal form (NFC, each run of white space one space, trimmed: dataset/DESIGN.md): stored %+q, normal form %+q",
					ErrInvalidRow, truncate(s, 80), truncate(NormalizeText(s), 80))}
			}
		case TypeInt64:
			dst = appendInt(dst, c.i64.Value(i))
		case TypeBytes:
			v := c.bin.Value(i)
			dst = appendHead(dst, majorBytes, uint64(len(v)))
			dst = append(dst, v...)
		case TypeUint32List:
			s, e := c.list.ValueOffsets(i)
			dst = appendHead(dst, majorArray, uint64(e-s))
			for _, x := range c.u32[s:e] {
				dst = appendHead(dst, majorUint, uint64(x))
			}
		case TypeInt32List:
			s, e := c.list.ValueOffsets(i)
			dst = appendHead(dst, majorArray, uint64(e-s))
			for _, x := range c.i32[s:e] {
				dst = appendInt(dst, int64(x))
			}
		case TypeUint64List:
			s, e := c.list.ValueOffsets(i)
			dst = appendHead(dst, majorArray, uint64(e-s))
			for _, x := range c.u64[s:e] {
				dst = appendHead(dst, majorUint, x)
			}
		case TypeFloat64:
			dst = appendFloat(dst, c.f64[i]) // checkBatch refused NaN, ±Inf and -0
		case TypeBool:
			dst = appendBool(dst, c.bl.Value(i))
		case TypeStringList:
			if k := c.badElement(i); k >= 0 {
				return dst, &RowError{Row: r.first + int64(i), Column: c.col.Name, Err: fmt.Errorf("%w: element %d: invalid UTF-8", ErrInvalidRow, k)}
			}
			s, e := c.list.ValueOffsets(i)
			dst = appendHead(dst, majorArray, uint64(e-s))
			for k := s; k < e; k++ {
				dst = appendRawText(dst, c.strs.Value(int(k)))
			}
		case TypeInt64List:
			s, e := c.list.ValueOffsets(i)
			dst = appendHead(dst, majorArray, uint64(e-s))
			for _, x := range c.i64s[s:e] {
				dst = appendInt(dst, x)
			}
		}
	}
	return dst, nil
}

// storedAsEncoded reports whether enc, the CBOR text string appendText
// made of s, holds s unchanged. head+length grows strictly with the
// length, so equal sizes mean equal lengths.
func storedAsEncoded(enc []byte, s string) bool {
	return len(enc) == headLen(uint64(len(s)))+len(s) && string(enc[len(enc)-len(s):]) == s
}

// hashBatch writes the row hashes of the whole current batch to out,
// sixteen or two rows at a time, and moves the cursor past the batch.
func (r *Reader) hashBatch(out []Hash, bufA, bufB *[]byte) error {
	nc := numContent(&r.schema)
	n := int(r.rec.NumRows())
	if n >= x16Min && x16Rows() {
		if r.lanes == nil {
			r.lanes = new(x16)
		}
		if _, err := r.lanes.sumMany(n, out, func(buf []byte, i int) ([]byte, error) {
			return r.appendCanonicalAt(buf, nc, i)
		}); err != nil {
			return err
		}
		r.cur = n - 1
		return nil
	}
	i := 0
	for ; i+1 < n; i += 2 {
		a, err := r.appendCanonicalAt((*bufA)[:0], nc, i)
		*bufA = a
		if err != nil {
			return err
		}
		b, err := r.appendCanonicalAt((*bufB)[:0], nc, i+1)
		*bufB = b
		if err != nil {
			return err
		}
		out[i], out[i+1] = sum256x2(a, b)
	}
	if i < n {
		a, err := r.appendCanonicalAt((*bufA)[:0], nc, i)
		*bufA = a
		if err != nil {
			return err
		}
		out[i] = sum256(a)
	}
	r.cur = n - 1
	return nil
}

// streamSource reads an Arrow IPC stream, or the stream inside an Arrow
// file, through a msgReader that checks each message first.
type streamSource struct {
	r     *ipc.Reader
	mr    *msgReader
	atEnd func() error
}

func (s *streamSource) next() (arrow.RecordBatch, error) {
	if !s.r.Next() {
		if err := s.r.Err(); err != nil {
			return nil, err
		}
		if s.atEnd != nil {
			if err := s.atEnd(); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	rec := s.r.RecordBatch()
	rec.Retain()
	return rec, nil
}

func (s *streamSource) where() string { return fmt.Sprintf("byte offset %d", s.mr.last.Offset) }

func (s *streamSource) close() error {
	s.r.Release()
	return nil
}

// BatchStart returns the file row number of the current batch's first row.
func (r *Reader) BatchStart() int64 { return r.first }

// NextHashes advances to the next batch, as NextBatch does, and returns
// the hashes of all its rows in file order (the first is row BatchStart()).
// The slice is reused by the next call. Rows are hashed straight from the
// Arrow buffers, sixteen or two at a time (x16Rows), with no allocation
// per row; this is the
// engine of Verify. At the end or on error it returns false; Err tells
// which, naming the row.
func (r *Reader) NextHashes() ([]Hash, bool) {
	if !r.NextBatch() {
		return nil, false
	}
	n := int(r.rec.NumRows())
	if cap(r.hbuf) < n {
		r.hbuf = make([]Hash, n)
	}
	out := r.hbuf[:n]
	if r.bufA == nil {
		r.bufA, r.bufB = make([]byte, 0, 4096), make([]byte, 0, 4096)
	}
	err := guard(func() error { return r.hashBatch(out, &r.bufA, &r.bufB) })
	if err != nil {
		r.fail(err)
		return nil, false
	}
	return out, true
}

// recordHashes writes the record hash (RecordHash: every column, provenance
// included) of each row of the current batch to out, which has one entry
// per row. It reads the same buffers NextHashes did, so it runs after it.
func (r *Reader) recordHashes(out []Hash, buf *[]byte) error {
	return guard(func() error {
		for i := range out {
			b, err := r.appendCanonicalAt((*buf)[:0], len(r.cols), i)
			*buf = b
			if err != nil {
				return err
			}
			out[i] = sum256(b)
		}
		return nil
	})
}

// checkSignatures checks the row signature of each row of the current
// batch, whose content hashes are hs, and returns one error per row (nil
// where it verifies), each a *RowError naming the file row and column.
// node, at and sig are the schema's provenance columns (provenanceCols).
func (r *Reader) checkSignatures(hs []Hash, node, at, sig int, pick []bool) []error {
	errs := make([]error, len(hs))
	nc, ac, sc := &r.cols[node], &r.cols[at], &r.cols[sig]
	_ = parallel(len(hs), func(i int) error {
		if pick != nil && !pick[i] {
			return nil
		}
		var n string
		if !nc.arr.IsNull(i) {
			n = nc.str.Value(i)
		}
		var t int64
		if !ac.arr.IsNull(i) {
			t = ac.i64.Value(i)
		}
		var s []byte
		if !sc.arr.IsNull(i) {
			s = sc.bin.Value(i)
			if s == nil {
				s = []byte{}
			}
		}
		if err := CheckRowSignature(hs[i], n, t, s); err != nil {
			errs[i] = atRow(err, r.first+int64(i))
		}
		return nil
	})
	return errs
}

// RecordHashes writes the record hash (RecordHash: every column,
// provenance included) of each row of the current batch to out, which
// needs one entry per row; call it after NextHashes. It is what a
// manifest's provenance roots are made of.
func (r *Reader) RecordHashes(out []Hash) error {
	if r.rec == nil || len(out) != int(r.rec.NumRows()) {
		return fmt.Errorf("dataset: RecordHashes: expected a current batch and one entry per row")
	}
	if r.bufA == nil {
		r.bufA = make([]byte, 0, 4096)
	}
	return r.recordHashes(out, &r.bufA)
}

// SignatureErrors checks the row signature of each row of the current
// batch, whose content hashes (from NextHashes) are hs, and returns one
// error per row, nil where the signature recovers to the row's node column
// and, when node is not the zero address, that column is node. Errors are
// *RowError values naming the file row and column, wrapping ErrProvenance.
// A schema without the provenance columns is an error.
func (r *Reader) SignatureErrors(hs []Hash, node common.Address) ([]error, error) {
	ni, ai, si, ok := provenanceCols(&r.schema)
	if !ok {
		return nil, fmt.Errorf("%w: the schema has no node, fetched_at and signature columns", ErrProvenance)
	}
	errs := r.checkSignatures(hs, ni, ai, si, nil)
	if node != (common.Address{}) {
		c := &r.cols[ni]
		for i := range errs {
			if errs[i] != nil {
				continue
			}
			if a, err := ParseNodeAddress(c.str.Value(i)); err != nil || a != node {
				errs[i] = &RowError{Row: r.first + int64(i), Column: ColNode, Err: fmt.Errorf("%w: node %q: expected the uploading node %s", ErrProvenance, truncate(c.str.Value(i), 80), node.Hex())}
			}
		}
	}
	return errs, nil
}
