package dataset

import (
	"errors"
	"fmt"
	"strconv"
)

// Sentinel errors. Errors returned by this package wrap one of these (test
// with errors.Is) and add what was wrong and where: the row, the column, the
// batch or the byte offset, and the value that was expected.
var (
	// ErrInvalidRow: a row does not fit its schema (length, type, null
	// where the column is not nullable, invalid UTF-8).
	ErrInvalidRow = errors.New("dataset: invalid row")

	// ErrNotCanonical: bytes given as a canonical row encoding are not one
	// (non-shortest form, indefinite length, trailing bytes, text that is not
	// normalized, a type outside the set).
	ErrNotCanonical = errors.New("dataset: not a canonical row encoding")

	// ErrUnknownFormat: a file is neither Arrow IPC (stream or file) nor
	// Parquet, judged by its magic bytes.
	ErrUnknownFormat = errors.New("dataset: unknown file format")

	// ErrCorrupt: a file's structure could not be read: truncated,
	// inconsistent metadata, buffers that do not fit.
	ErrCorrupt = errors.New("dataset: corrupt file")

	// ErrNoSchema: an Arrow or Parquet file carries no Meadow schema in its
	// metadata, so its content columns are unknown.
	ErrNoSchema = errors.New("dataset: file has no Meadow schema")

	// ErrSchemaMismatch: a file's columns differ from its Meadow schema, or
	// a file's schema differs from the manifest's.
	ErrSchemaMismatch = errors.New("dataset: schema mismatch")

	// ErrRootMismatch: a recomputed root differs from the expected one.
	ErrRootMismatch = errors.New("dataset: root mismatch")

	// ErrRowCountMismatch: a file holds a different number of rows than
	// expected.
	ErrRowCountMismatch = errors.New("dataset: row count mismatch")

	// ErrRowOutOfRange: a row number is past the end of the file.
	ErrRowOutOfRange = errors.New("dataset: row out of range")

	// ErrInvalidProof: an inclusion proof is malformed or does not lead to
	// the root.
	ErrInvalidProof = errors.New("dataset: invalid inclusion proof")

	// ErrInvalidManifest: a manifest does not parse or does not validate.
	ErrInvalidManifest = errors.New("dataset: invalid manifest")

	// ErrBadSignature: a manifest signature does not verify, or too few do.
	ErrBadSignature = errors.New("dataset: bad signature")

	// ErrProvenance: a row's provenance does not verify (its signature does
	// not recover to its node, its node is not an address), or the
	// provenance root over whole rows differs from the manifest's while
	// the content may still verify: node, fetched_at or signature columns
	// were changed.
	ErrProvenance = errors.New("dataset: provenance does not verify")

	// ErrClosed: a Writer or Reader was used after Close.
	ErrClosed = errors.New("dataset: use after close")
)

// RowError says which row and column an error is about. Row is the row's
// number in file order, counted from 0, or -1 where the row stands alone (a
// single row given to ValidateRow or HashRow). Err wraps ErrInvalidRow or
// ErrNotCanonical.
type RowError struct {
	Row    int64
	Column string
	Err    error
}

// Error names the row and the column, then the problem.
func (e *RowError) Error() string {
	s := "dataset: "
	if e.Row >= 0 {
		s += "row " + strconv.FormatInt(e.Row, 10)
		if e.Column != "" {
			s += ", "
		}
	}
	if e.Column != "" {
		s += "column " + strconv.Quote(e.Column)
	}
	return s + ": " + trimPrefix(e.Err.Error())
}

// Unwrap returns the underlying error.
func (e *RowError) Unwrap() error { return e.Err }

// atRow returns err with its row number set to row, when err is a RowError
// without one; other errors are wrapped with the row number.
func atRow(err error, row int64) error {
	var re *RowError
	if errors.As(err, &re) && re.Row < 0 {
		c := *re
		c.Row = row
		return &c
	}
	return fmt.Errorf("dataset: row %d: %w", row, err)
}

// rowErr builds a RowError about column col; format describes the problem
// and what was expected.
func rowErr(sentinel error, col string, format string, args ...any) *RowError {
	return &RowError{Row: -1, Column: col, Err: fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)}
}

// trimPrefix drops a leading "dataset: " so that nested messages read once.
func trimPrefix(s string) string {
	const p = "dataset: "
	for len(s) >= len(p) && s[:len(p)] == p {
		s = s[len(p):]
	}
	return s
}
