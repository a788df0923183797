package dataset

import (
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func arrowNewSchema(fields []arrow.Field, md *arrow.Metadata) *arrow.Schema {
	return arrow.NewSchema(fields, md)
}

// writeRawStream writes rows as one Arrow stream batch with no checks at
// all, for tests of what the Reader does with bad data.
func writeRawStream(w io.Writer, as *arrow.Schema, rows []Row) error {
	rb := array.NewRecordBuilder(memory.DefaultAllocator, as)
	defer rb.Release()
	for _, row := range rows {
		for i, v := range row {
			appendValue(rb.Field(i), v)
		}
	}
	rec := rb.NewRecordBatch()
	defer rec.Release()
	iw := ipc.NewWriter(w, ipc.WithSchema(as))
	if err := iw.Write(rec); err != nil {
		return err
	}
	return iw.Close()
}
