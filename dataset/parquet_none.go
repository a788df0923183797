//go:build nodeonly

package dataset

import (
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
)

// The node-only build (-tags nodeonly, `make node-bin`) has no Parquet
// reading or writing, and none of the packages they link (parquet.go).
// Arrow IPC streams and files work as in any build.

// HasParquet says whether this build reads and writes Parquet.
const HasParquet = false

// errNoParquet is what reading or writing Parquet returns in this build.
var errNoParquet = errors.New("this is the node-only build of meadow, without Parquet (-tags nodeonly): use Arrow files, or a full build")

func newParquetWriter(*arrow.Schema, io.Writer, Compression) (parquetWriter, error) {
	return nil, errNoParquet
}

func openParquet(*io.SectionReader) (batchSource, *arrow.Schema, int64, error) {
	return nil, nil, 0, fmt.Errorf("%w: %v", ErrUnknownFormat, errNoParquet)
}
