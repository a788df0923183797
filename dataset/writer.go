package dataset

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Defaults of the Writer's options.
const (
	// DefaultBatchRows is how many rows make a record batch: 4 MiB of 1 KiB
	// rows, small enough for a node's memory, large enough that per-batch
	// overhead (metadata, a Parquet page) is noise.
	DefaultBatchRows = 4096
	// DefaultBatchBytes flushes a batch early when its values reach this
	// size, so that rows of large pages cannot grow a batch without bound
	// (and Arrow's 32-bit offsets never overflow).
	DefaultBatchBytes = 16 << 20
	// DefaultRowGroupBytes is the size of values after which a Parquet row
	// group is closed: readers hold about one row group's column chunks.
	DefaultRowGroupBytes = 32 << 20
)

// maxValueBytes bounds one string or byte value. Arrow offsets are 32-bit
// and a batch holds at least one row.
const maxValueBytes = math.MaxInt32 / 2

// Compression is a Parquet compression codec.
type Compression uint8

// The Parquet codecs a Writer offers. Snappy is the default: every Parquet
// reader has it (hyparquet, the pure-JS reader, needs a plug-in for zstd).
const (
	CompressionSnappy Compression = iota
	CompressionZstd
	CompressionNone
)

type writerConfig struct {
	batchRows     int
	batchBytes    int
	rowGroupBytes int64
	metadata      map[string]string
	compression   Compression
}

// WriterOption configures a Writer.
type WriterOption func(*writerConfig)

// WithBatchRows sets how many rows make a record batch (default
// DefaultBatchRows).
func WithBatchRows(n int) WriterOption { return func(c *writerConfig) { c.batchRows = n } }

// WithBatchBytes sets the size of values at which a batch is flushed early
// (default DefaultBatchBytes).
func WithBatchBytes(n int) WriterOption { return func(c *writerConfig) { c.batchBytes = n } }

// WithRowGroupBytes sets the size of values after which a Parquet row group
// is closed (default DefaultRowGroupBytes).
func WithRowGroupBytes(n int64) WriterOption { return func(c *writerConfig) { c.rowGroupBytes = n } }

// WithMetadata adds a key/value pair to the file's schema metadata (a
// dataset, job or task id, say). Keys starting with "meadow." other than
// the ones this package writes are allowed.
func WithMetadata(key, value string) WriterOption {
	return func(c *writerConfig) {
		if c.metadata == nil {
			c.metadata = map[string]string{}
		}
		c.metadata[key] = value
	}
}

// WithCompression sets the Parquet codec (default CompressionSnappy). Arrow
// IPC output is never compressed: the apache-arrow JavaScript reader does
// not decompress IPC buffers.
func WithCompression(c Compression) WriterOption { return func(w *writerConfig) { w.compression = c } }

// WriteSummary is what a Writer made, known once it is closed.
type WriteSummary struct {
	Format    Format
	Rows      int64
	Bytes     int64  // bytes written to the underlying writer
	SHA256    Hash   // SHA-256 of those bytes: the blob digest a manifest lists
	Root      Hash   // content root over the row hashes
	RowHashes []Hash // every row's hash, sorted ascending (32 bytes a row)
}

// Writer writes rows of one schema to an Arrow IPC stream, an Arrow IPC file
// or a Parquet file, a record batch at a time, so that its memory does not
// grow with the file beyond 32 bytes per row for the row hashes. Content
// strings are stored normalized (NormalizeText), so what a reader sees is
// exactly what was hashed. A Writer is not safe for concurrent use.
type Writer struct {
	cfg     writerConfig
	format  Format
	schema  Schema
	aschema *arrow.Schema
	out     *countingWriter
	hasher  *Hasher

	rb         *array.RecordBuilder
	batchRows  int
	batchBytes int
	groupBytes int64

	ipcw *ipc.Writer
	ipcf *ipc.FileWriter
	pqw  parquetWriter

	rows   int64
	hashes []Hash
	err    error
	closed bool
	sum    WriteSummary
}

// parquetWriter writes record batches into Parquet row groups
// (pqarrow.FileWriter; see parquet.go).
type parquetWriter interface {
	WriteBuffered(rec arrow.RecordBatch) error
	NewBufferedRowGroupChecked() error
	Close() error
}

// countingWriter counts and digests what passes through it.
type countingWriter struct {
	w io.Writer
	n int64
	h hash.Hash
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.h.Write(p[:n])
	return n, err
}

// NewWriter returns a Writer of rows of s in format f to w. Nothing is
// written until the first batch is flushed or the Writer closed; Close
// must be called to finish the file (it does not close w).
func NewWriter(w io.Writer, f Format, s Schema, opts ...WriterOption) (*Writer, error) {
	cfg := writerConfig{batchRows: DefaultBatchRows, batchBytes: DefaultBatchBytes, rowGroupBytes: DefaultRowGroupBytes}
	for _, o := range opts {
		o(&cfg)
	}
	switch {
	case cfg.batchRows < 1:
		return nil, fmt.Errorf("dataset: batch rows %d: expected at least 1", cfg.batchRows)
	case cfg.batchBytes < 1:
		return nil, fmt.Errorf("dataset: batch bytes %d: expected at least 1", cfg.batchBytes)
	case cfg.rowGroupBytes < 1:
		return nil, fmt.Errorf("dataset: row group bytes %d: expected at least 1", cfg.rowGroupBytes)
	case cfg.compression > CompressionNone:
		return nil, fmt.Errorf("dataset: compression %d: expected snappy, zstd or none", cfg.compression)
	}
	as, err := ArrowSchema(s, cfg.metadata)
	if err != nil {
		return nil, err
	}
	h, err := NewHasher(s)
	if err != nil {
		return nil, err
	}
	wr := &Writer{
		cfg:     cfg,
		format:  f,
		schema:  s,
		aschema: as,
		out:     &countingWriter{w: w, h: sha256.New()},
		hasher:  h,
		rb:      array.NewRecordBuilder(memory.DefaultAllocator, as),
	}
	switch f {
	case FormatArrowStream:
		wr.ipcw = ipc.NewWriter(wr.out, ipc.WithSchema(as))
	case FormatArrowFile:
		if wr.ipcf, err = ipc.NewFileWriter(wr.out, ipc.WithSchema(as)); err != nil {
			return nil, fmt.Errorf("dataset: starting Arrow file: %w", err)
		}
	case FormatParquet:
		if wr.pqw, err = newParquetWriter(as, wr.out, cfg.compression); err != nil {
			return nil, fmt.Errorf("dataset: starting Parquet file: %w", err)
		}
	default:
		return nil, fmt.Errorf("dataset: format %s: expected arrow, arrow-stream or parquet", f)
	}
	return wr, nil
}

// Schema returns the schema rows are written in.
func (w *Writer) Schema() Schema { return w.schema }

// Rows returns how many rows have been written so far.
func (w *Writer) Rows() int64 { return w.rows }

// Write adds a row. It checks the row against the schema (an error is a
// *RowError naming the row and column, and leaves the Writer usable),
// hashes its content and appends it to the current batch, flushing the
// batch when it is full. An error from the underlying writer is sticky.
func (w *Writer) Write(row Row) error {
	if w.closed {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	if err := ValidateRow(w.schema, row); err != nil {
		return atRow(err, w.rows)
	}
	size := 0
	for _, v := range row {
		switch x := v.(type) {
		case string:
			size += len(x)
		case []byte:
			size += len(x)
		case []uint32:
			size += 4 * len(x)
		case []int32:
			size += 4 * len(x)
		case []uint64:
			size += 8 * len(x)
		case []int64:
			size += 8 * len(x)
		case float64:
			size += 8
		case []string:
			for _, e := range x {
				size += len(e) + 4
			}
		}
	}
	if size > maxValueBytes {
		return atRow(rowErr(ErrInvalidRow, "", "%d bytes of values: expected at most %d", size, maxValueBytes), w.rows)
	}
	row = NormalizeRow(w.schema, row)
	h, err := w.hasher.Hash(row)
	if err != nil {
		return atRow(err, w.rows)
	}
	if w.batchRows > 0 && w.batchBytes+size > w.cfg.batchBytes {
		if err := w.Flush(); err != nil {
			return err
		}
	}
	for i, v := range row {
		appendValue(w.rb.Field(i), v)
	}
	w.hashes = append(w.hashes, h)
	w.rows++
	w.batchRows++
	w.batchBytes += size
	if w.batchRows >= w.cfg.batchRows || w.batchBytes >= w.cfg.batchBytes {
		return w.Flush()
	}
	return nil
}

// appendValue appends v, already checked against the column's type, to b.
func appendValue(b array.Builder, v any) {
	if v == nil {
		b.AppendNull()
		return
	}
	switch x := v.(type) {
	case string:
		b.(*array.StringBuilder).Append(x)
	case int64:
		b.(*array.Int64Builder).Append(x)
	case []byte:
		b.(*array.BinaryBuilder).Append(x)
	case []uint32:
		lb := b.(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.Uint32Builder).AppendValues(x, nil)
	case []int32:
		lb := b.(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.Int32Builder).AppendValues(x, nil)
	case []uint64:
		lb := b.(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.Uint64Builder).AppendValues(x, nil)
	case float64:
		b.(*array.Float64Builder).Append(x)
	case bool:
		b.(*array.BooleanBuilder).Append(x)
	case []string:
		lb := b.(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.StringBuilder).AppendValues(x, nil)
	case []int64:
		lb := b.(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.Int64Builder).AppendValues(x, nil)
	}
}

// Flush writes the rows buffered so far as one record batch (for Parquet,
// into the current row group, closing it once it reaches the row group
// size). Write flushes by itself; Flush is for a caller that wants a batch
// boundary, e.g. at the end of a task.
func (w *Writer) Flush() error {
	if w.closed {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	if w.batchRows == 0 {
		return nil
	}
	rec := w.rb.NewRecordBatch()
	defer rec.Release()
	var err error
	switch w.format {
	case FormatArrowStream:
		err = w.ipcw.Write(rec)
	case FormatArrowFile:
		err = w.ipcf.Write(rec)
	case FormatParquet:
		if err = w.pqw.WriteBuffered(rec); err == nil {
			w.groupBytes += int64(w.batchBytes)
			if w.groupBytes >= w.cfg.rowGroupBytes {
				err = w.pqw.NewBufferedRowGroupChecked()
				w.groupBytes = 0
			}
		}
	}
	w.batchRows, w.batchBytes = 0, 0
	if err != nil {
		w.err = fmt.Errorf("dataset: writing %s batch ending at row %d: %w", w.format, w.rows-1, err)
	}
	return w.err
}

// Close flushes the last batch and finishes the file (the Arrow end of
// stream marker or footer, the Parquet footer). It does not close the
// underlying writer. After Close, Summary describes the file.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	err := w.Flush()
	w.closed = true
	defer w.rb.Release()
	var cerr error
	switch w.format {
	case FormatArrowStream:
		cerr = w.ipcw.Close()
	case FormatArrowFile:
		cerr = w.ipcf.Close()
	case FormatParquet:
		cerr = w.pqw.Close()
	}
	if err == nil && cerr != nil {
		err = fmt.Errorf("dataset: finishing %s file: %w", w.format, cerr)
	}
	if err != nil {
		w.err = err
		return err
	}
	var d Hash
	w.out.h.Sum(d[:0])
	w.sum = WriteSummary{
		Format:    w.format,
		Rows:      w.rows,
		Bytes:     w.out.n,
		SHA256:    d,
		Root:      ContentRoot(w.hashes),
		RowHashes: w.hashes,
	}
	return nil
}

// Summary describes the finished file: rows, bytes, the file's SHA-256,
// the content root and the sorted row hashes. It is the zero value until
// Close has succeeded.
func (w *Writer) Summary() WriteSummary { return w.sum }
