//go:build !nodeonly

// Parquet reading and writing. They link arrow-go's parquet packages, which
// bring thrift, the arrow/compute kernels, four compression codecs and (for
// the Arrow schema pqarrow stores, through arrow/flight) grpc and protobuf.
// A home node writes and reads only Arrow IPC streams, so the node-only
// build (-tags nodeonly, `make node-bin`) leaves them out: parquet_none.go.

package dataset

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// HasParquet says whether this build reads and writes Parquet (the
// node-only build does not: parquet_none.go).
const HasParquet = true

// newParquetWriter starts a Parquet file of schema as on w.
func newParquetWriter(as *arrow.Schema, w io.Writer, c Compression) (parquetWriter, error) {
	codec := map[Compression]compress.Compression{
		CompressionSnappy: compress.Codecs.Snappy,
		CompressionZstd:   compress.Codecs.Zstd,
		CompressionNone:   compress.Codecs.Uncompressed,
	}[c]
	props := parquet.NewWriterProperties(
		parquet.WithCompression(codec),
		parquet.WithCreatedBy("meadow"),
		parquet.WithMaxRowGroupLength(math.MaxInt32),
	)
	return pqarrow.NewFileWriter(as, w, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
}

// openParquet starts reading a Parquet file: its batches, its Arrow schema
// and the row count its footer states.
func openParquet(sr *io.SectionReader) (batchSource, *arrow.Schema, int64, error) {
	ps, err := newParquetSource(sr)
	if err != nil {
		return nil, nil, 0, err
	}
	return ps, ps.schema, ps.rows, nil
}

// parquetSource reads a Parquet file's rows as record batches.
type parquetSource struct {
	f      *file.Reader
	rr     pqarrow.RecordReader
	schema *arrow.Schema
	rows   int64
	read   int64
	start  int64 // file row of the batch just read
}

func newParquetSource(ra parquet.ReaderAtSeeker) (*parquetSource, error) {
	props := parquet.NewReaderProperties(limitAllocator{})
	props.BufferedStreamEnabled = true
	props.BufferSize = 1 << 20
	f, err := file.NewParquetReader(ra, file.WithReadProps(props))
	if err != nil {
		return nil, fmt.Errorf("%w: Parquet footer: %v", ErrCorrupt, err)
	}
	if err := checkParquetArrowSchema(f); err != nil {
		f.Close()
		return nil, err
	}
	fr, err := pqarrow.NewFileReader(f, pqarrow.ArrowReadProperties{BatchSize: DefaultBatchRows, PreAllocBinaryData: true}, limitAllocator{})
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: Parquet schema: %v", ErrCorrupt, err)
	}
	as, err := fr.Schema()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: Parquet schema: %v", ErrCorrupt, err)
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: Parquet columns: %v", ErrCorrupt, err)
	}
	return &parquetSource{f: f, rr: rr, schema: as, rows: f.NumRows()}, nil
}

func (s *parquetSource) next() (arrow.RecordBatch, error) {
	s.start = s.read
	if !s.rr.Next() {
		if err := s.rr.Err(); err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if s.read != s.rows {
			return nil, fmt.Errorf("%w: %d rows read: the footer says %d", ErrCorrupt, s.read, s.rows)
		}
		return nil, nil
	}
	rec := s.rr.RecordBatch()
	rec.Retain()
	s.read += rec.NumRows()
	return rec, nil
}

func (s *parquetSource) where() string {
	return fmt.Sprintf("Parquet rows from %d of %d", s.start, s.rows)
}

func (s *parquetSource) close() error {
	s.rr.Release()
	return s.f.Close()
}

// checkParquetArrowSchema checks the Arrow schema a Parquet file may carry
// in its ARROW:schema key (base64 of an IPC schema message) the way every
// IPC message is checked, before pqarrow hands it to arrow-go.
func checkParquetArrowSchema(f *file.Reader) error {
	v := f.MetaData().KeyValueMetadata().FindValue("ARROW:schema")
	if v == nil {
		return nil
	}
	var decoded []byte
	var err error
	if len(*v)%4 == 0 {
		decoded, err = base64.StdEncoding.DecodeString(*v)
	}
	if len(decoded) == 0 || err != nil {
		decoded, err = base64.RawStdEncoding.DecodeString(*v)
	}
	if err != nil {
		return fmt.Errorf("%w: Parquet ARROW:schema metadata: %v", ErrCorrupt, err)
	}
	mr := &msgReader{r: bytes.NewReader(decoded), end: int64(len(decoded))}
	if _, err := mr.Message(); err != nil {
		return fmt.Errorf("%w: Parquet ARROW:schema metadata: %v", ErrCorrupt, trimSentinel(err))
	}
	if mr.schema == nil {
		return fmt.Errorf("%w: Parquet ARROW:schema metadata holds no schema", ErrCorrupt)
	}
	return nil
}
