package dataset

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// Format is a file format a dataset is stored in.
type Format uint8

// The file formats. Arrow IPC streams are what nodes upload (they can be
// written and read front to back); Arrow IPC files and Parquet are what
// buyers download.
const (
	FormatArrowStream Format = iota + 1 // Arrow IPC streaming format (.arrows)
	FormatArrowFile                     // Arrow IPC file format, "Feather v2" (.arrow)
	FormatParquet                       // Apache Parquet (.parquet)
)

// String returns the format's name as ParseFormat reads it.
func (f Format) String() string {
	switch f {
	case FormatArrowStream:
		return "arrow-stream"
	case FormatArrowFile:
		return "arrow"
	case FormatParquet:
		return "parquet"
	}
	return fmt.Sprintf("format(%d)", uint8(f))
}

// Ext returns the usual file name extension of the format.
func (f Format) Ext() string {
	switch f {
	case FormatArrowStream:
		return ".arrows"
	case FormatArrowFile:
		return ".arrow"
	case FormatParquet:
		return ".parquet"
	}
	return ""
}

// ParseFormat reads a format name: "arrow" (or "arrow-file", "ipc",
// "feather"), "arrow-stream" (or "arrows", "stream"), "parquet".
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "arrow", "arrow-file", "ipc", "feather":
		return FormatArrowFile, nil
	case "arrow-stream", "arrows", "stream":
		return FormatArrowStream, nil
	case "parquet":
		return FormatParquet, nil
	}
	return 0, fmt.Errorf("dataset: format %q: expected arrow, arrow-stream or parquet", s)
}

// Keys of the Arrow schema metadata (and Parquet key/value metadata) that
// make a dataset file self-describing.
const (
	// MetaSchema holds the Meadow schema as JSON: kind, and each column's
	// name, type, role and nullability.
	MetaSchema = "meadow.schema"
	// MetaVersion holds FileFormatVersion.
	MetaVersion = "meadow.version"
	// MetaRole is the per-field metadata key holding the column's role, so
	// that generic tools that show field metadata show it too.
	MetaRole = "meadow.role"
)

// FileFormatVersion is the version of the layout described here: the
// column type mapping and the metadata keys.
const FileFormatVersion = "1"

// arrowType returns the Arrow type of a column type. List elements are
// non-nullable: a Meadow list never holds a null.
func arrowType(t ColumnType) (arrow.DataType, error) {
	switch t {
	case TypeString:
		return arrow.BinaryTypes.String, nil
	case TypeInt64:
		return arrow.PrimitiveTypes.Int64, nil
	case TypeBytes:
		return arrow.BinaryTypes.Binary, nil
	case TypeUint32List:
		return arrow.ListOfNonNullable(arrow.PrimitiveTypes.Uint32), nil
	case TypeInt32List:
		return arrow.ListOfNonNullable(arrow.PrimitiveTypes.Int32), nil
	case TypeUint64List:
		return arrow.ListOfNonNullable(arrow.PrimitiveTypes.Uint64), nil
	case TypeFloat64:
		return arrow.PrimitiveTypes.Float64, nil
	case TypeBool:
		return arrow.FixedWidthTypes.Boolean, nil
	case TypeStringList:
		return arrow.ListOfNonNullable(arrow.BinaryTypes.String), nil
	case TypeInt64List:
		return arrow.ListOfNonNullable(arrow.PrimitiveTypes.Int64), nil
	}
	return nil, fmt.Errorf("dataset: column type %s has no Arrow type", t)
}

// typeMatches reports whether an Arrow type read from a file is the one t
// maps to. List element fields may be named anything and be nullable (as
// other writers make them); nulls in them are rejected row by row.
func typeMatches(t ColumnType, dt arrow.DataType) bool {
	want, err := arrowType(t)
	if err != nil {
		return false
	}
	if wl, ok := want.(*arrow.ListType); ok {
		gl, ok := dt.(*arrow.ListType)
		return ok && arrow.TypeEqual(wl.Elem(), gl.Elem())
	}
	return arrow.TypeEqual(want, dt)
}

// ArrowSchema returns the Arrow schema of s: one field per column, the
// Meadow schema as JSON under MetaSchema, FileFormatVersion under
// MetaVersion, each field's role under MetaRole, and any extra key/value
// pairs given (a dataset or task id, say; they may not use the meadow.
// keys above).
func ArrowSchema(s Schema, extra map[string]string) (*arrow.Schema, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	js, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("dataset: encoding schema: %w", err)
	}
	fields := make([]arrow.Field, len(s.Columns))
	for i, c := range s.Columns {
		dt, err := arrowType(c.Type)
		if err != nil {
			return nil, err
		}
		fields[i] = arrow.Field{
			Name:     c.Name,
			Type:     dt,
			Nullable: c.Nullable,
			Metadata: arrow.NewMetadata([]string{MetaRole}, []string{string(c.Role)}),
		}
	}
	keys := []string{MetaSchema, MetaVersion}
	vals := []string{string(js), FileFormatVersion}
	// Sorted, so that the same rows and metadata make the same bytes.
	for _, k := range slices.Sorted(maps.Keys(extra)) {
		if k == MetaSchema || k == MetaVersion {
			return nil, fmt.Errorf("dataset: metadata key %q is reserved", k)
		}
		keys = append(keys, k)
		vals = append(vals, extra[k])
	}
	md := arrow.NewMetadata(keys, vals)
	return arrow.NewSchema(fields, &md), nil
}

// SchemaFromArrow recovers the Meadow schema of a file from its Arrow
// schema's metadata and checks that the Arrow fields are what that schema
// maps to: the same names in the same order, the same types. It fails with
// ErrNoSchema when the metadata is missing and ErrSchemaMismatch when the
// fields disagree with it.
func SchemaFromArrow(as *arrow.Schema) (Schema, error) {
	md := as.Metadata()
	i := md.FindKey(MetaSchema)
	if i < 0 {
		return Schema{}, fmt.Errorf("%w: no %q key in the schema metadata", ErrNoSchema, MetaSchema)
	}
	if v := md.FindKey(MetaVersion); v >= 0 && md.Values()[v] != FileFormatVersion {
		return Schema{}, fmt.Errorf("%w: %s %q: expected %q", ErrSchemaMismatch, MetaVersion, md.Values()[v], FileFormatVersion)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(md.Values()[i])))
	dec.DisallowUnknownFields()
	var s Schema
	if err := dec.Decode(&s); err != nil {
		return Schema{}, fmt.Errorf("%w: %s: %v", ErrSchemaMismatch, MetaSchema, err)
	}
	if err := s.Validate(); err != nil {
		return Schema{}, fmt.Errorf("%w: %s: %v", ErrSchemaMismatch, MetaSchema, trimPrefix(err.Error()))
	}
	if as.NumFields() != len(s.Columns) {
		return Schema{}, fmt.Errorf("%w: the file has %d columns, its Meadow schema %d", ErrSchemaMismatch, as.NumFields(), len(s.Columns))
	}
	for j, c := range s.Columns {
		f := as.Field(j)
		if f.Name != c.Name {
			return Schema{}, fmt.Errorf("%w: column %d is %q in the file, %q in its Meadow schema", ErrSchemaMismatch, j, f.Name, c.Name)
		}
		if !typeMatches(c.Type, f.Type) {
			return Schema{}, fmt.Errorf("%w: column %q has Arrow type %s: expected %s for %s", ErrSchemaMismatch, c.Name, f.Type, mustArrowType(c.Type), c.Type)
		}
	}
	return s, nil
}

func mustArrowType(t ColumnType) arrow.DataType {
	dt, _ := arrowType(t)
	return dt
}

// Equal reports whether two schemas are the same: kind, and every column's
// name, type, role and nullability, in order.
func (s Schema) Equal(o Schema) bool {
	if s.Kind != o.Kind || len(s.Columns) != len(o.Columns) {
		return false
	}
	for i := range s.Columns {
		if s.Columns[i] != o.Columns[i] {
			return false
		}
	}
	return true
}
