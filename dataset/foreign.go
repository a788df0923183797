package dataset

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Files other tools wrote. A buyer who converts a dataset (DuckDB's COPY,
// pandas, Polars) keeps its rows but usually loses the meadow.schema
// metadata, and may widen, narrow or reorder columns. Such a file is read
// by column name against a Meadow schema that comes from the manifest
// (VerifyOptions.Manifest) or, without one, is inferred from the names and
// types (inferSchema). Every check of the Reader still applies to the
// columns as converted.

// columnMap takes a foreign file's batches to the Meadow schema's layout:
// idx[j] is the file column of Meadow column j; widen[j] says that it is
// a narrower integer read as int64 (every value is kept exactly, so the
// row's hash is the one the original file had).
type columnMap struct {
	idx   []int
	widen []bool
}

// foreignSchema is the Meadow schema and column map of a file without
// meadow.schema metadata: expect's columns (a manifest's) matched by name,
// or the schema inferSchema finds.
func foreignSchema(as *arrow.Schema, expect *Schema) (Schema, *columnMap, error) {
	var s Schema
	if expect != nil {
		s = *expect
	} else {
		var err error
		if s, err = inferSchema(as); err != nil {
			return Schema{}, nil, err
		}
	}
	cm, err := matchColumns(s, as)
	if err != nil {
		return Schema{}, nil, err
	}
	return s, cm, nil
}

// narrowInts are the integer types read as int64 without loss.
var narrowInts = []arrow.Type{arrow.INT8, arrow.INT16, arrow.INT32, arrow.UINT8, arrow.UINT16, arrow.UINT32}

func intCompatible(dt arrow.DataType) bool {
	return dt.ID() == arrow.INT64 || slices.Contains(narrowInts, dt.ID())
}

// matchColumns finds each column of s in as by name and checks its type:
// the type s's column maps to, or for int64 a narrower integer. Columns of
// the file that s does not name are not read. It returns nil when the file
// is laid out exactly as s.
func matchColumns(s Schema, as *arrow.Schema) (*columnMap, error) {
	cm := &columnMap{idx: make([]int, len(s.Columns)), widen: make([]bool, len(s.Columns))}
	identity := as.NumFields() == len(s.Columns)
	for j, c := range s.Columns {
		k := -1
		for i, f := range as.Fields() {
			if f.Name == c.Name {
				if k >= 0 {
					return nil, fmt.Errorf("%w: column %q appears twice in the file", ErrSchemaMismatch, c.Name)
				}
				k = i
			}
		}
		if k < 0 {
			return nil, fmt.Errorf("%w: column %q (%s) is not in the file, whose columns are %s", ErrSchemaMismatch, c.Name, c.Type, fieldNames(as))
		}
		dt := as.Field(k).Type
		switch {
		case typeMatches(c.Type, dt):
		case c.Type == TypeInt64 && intCompatible(dt):
			cm.widen[j] = true
		default:
			exp := mustArrowType(c.Type).String()
			if c.Type == TypeInt64 {
				exp += " or a narrower integer"
			}
			return nil, fmt.Errorf("%w: column %q has type %s in the file: expected %s for the Meadow type %s", ErrSchemaMismatch, c.Name, dt, exp, c.Type)
		}
		cm.idx[j] = k
		identity = identity && k == j && !cm.widen[j]
	}
	if identity {
		return nil, nil
	}
	return cm, nil
}

func fieldNames(as *arrow.Schema) string {
	names := make([]string, as.NumFields())
	for i, f := range as.Fields() {
		names[i] = fmt.Sprintf("%q", f.Name)
	}
	return strings.Join(names, ", ")
}

// inferSchema finds the Meadow schema of a file that does not carry one:
// kind compute when it has a source_hash column, crawl when it has url;
// node, fetched_at and signature are provenance (moved last, in that
// order), every other column is content in file order; types from the
// Arrow types (utf8 → string, integers → int64, binary → bytes, lists of
// uint32, int32 or uint64); every column nullable, since other tools do not
// keep nullability (a null where the original had a value still changes
// the row's hash).
func inferSchema(as *arrow.Schema) (Schema, error) {
	var s Schema
	switch {
	case as.HasField(ColSourceHash):
		s.Kind = KindCompute
	case as.HasField(ColURL):
		s.Kind = KindCrawl
	default:
		return Schema{}, fmt.Errorf("%w: no %q key in the schema metadata, and no %q or %q column to infer a crawl or compute schema from (give the manifest, which holds the schema)",
			ErrNoSchema, MetaSchema, ColURL, ColSourceHash)
	}
	var prov []Column
	for _, f := range as.Fields() {
		c := Column{Name: f.Name, Role: RoleContent, Nullable: true}
		switch dt := f.Type; {
		case dt.ID() == arrow.STRING:
			c.Type = TypeString
		case intCompatible(dt):
			c.Type = TypeInt64
		case dt.ID() == arrow.BINARY:
			c.Type = TypeBytes
		case dt.ID() == arrow.LIST:
			switch dt.(*arrow.ListType).Elem().ID() {
			case arrow.UINT32:
				c.Type = TypeUint32List
			case arrow.INT32:
				c.Type = TypeInt32List
			case arrow.UINT64:
				c.Type = TypeUint64List
			case arrow.STRING:
				c.Type = TypeStringList
			case arrow.INT64:
				c.Type = TypeInt64List
			}
		case dt.ID() == arrow.FLOAT64:
			c.Type = TypeFloat64
		case dt.ID() == arrow.BOOL:
			c.Type = TypeBool
		}
		if c.Type == 0 {
			return Schema{}, fmt.Errorf("%w: column %q has type %s, which no Meadow type maps to (expected utf8, an integer, float64, bool, binary, or a list of uint32, int32, uint64, int64 or utf8)", ErrSchemaMismatch, f.Name, f.Type)
		}
		switch f.Name {
		case ColNode, ColFetchedAt, ColSignature:
			c.Role = RoleProvenance
			prov = append(prov, c)
			continue
		}
		s.Columns = append(s.Columns, c)
	}
	slices.SortFunc(prov, func(a, b Column) int { return provOrder(a.Name) - provOrder(b.Name) })
	s.Columns = append(s.Columns, prov...)
	if err := s.Validate(); err != nil {
		return Schema{}, fmt.Errorf("%w: the schema inferred from the file's columns: %v", ErrSchemaMismatch, trimPrefix(err.Error()))
	}
	return s, nil
}

func provOrder(name string) int {
	return map[string]int{ColNode: 0, ColFetchedAt: 1, ColSignature: 2}[name]
}

// apply returns rec laid out as the Meadow schema: its columns picked and
// ordered by name, narrower integers widened to int64. Each widened column
// is validated first, since its values are read to copy them.
func (cm *columnMap) apply(rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, len(cm.idx))
	fields := make([]arrow.Field, len(cm.idx))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for j, k := range cm.idx {
		if k >= int(rec.NumCols()) {
			return nil, fmt.Errorf("%w: %d columns in a batch: expected at least %d", ErrCorrupt, rec.NumCols(), k+1)
		}
		src := rec.Column(k)
		f := rec.Schema().Field(k)
		if cm.widen[j] {
			w, err := widenInt(src)
			if err != nil {
				return nil, fmt.Errorf("%w: column %q: %v", ErrCorrupt, f.Name, err)
			}
			cols[j] = w
			f.Type = arrow.PrimitiveTypes.Int64
		} else {
			src.Retain()
			cols[j] = src
		}
		fields[j] = arrow.Field{Name: f.Name, Type: f.Type, Nullable: true}
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rec.NumRows()), nil
}

// widenInt copies an array of a narrower integer type into an int64 array.
func widenInt(src arrow.Array) (arrow.Array, error) {
	if err := array.ValidateFull(src); err != nil {
		return nil, err
	}
	var get func(i int) int64
	switch a := src.(type) {
	case *array.Int8:
		get = func(i int) int64 { return int64(a.Value(i)) }
	case *array.Int16:
		get = func(i int) int64 { return int64(a.Value(i)) }
	case *array.Int32:
		get = func(i int) int64 { return int64(a.Value(i)) }
	case *array.Uint8:
		get = func(i int) int64 { return int64(a.Value(i)) }
	case *array.Uint16:
		get = func(i int) int64 { return int64(a.Value(i)) }
	case *array.Uint32:
		get = func(i int) int64 { return int64(a.Value(i)) }
	case *array.Int64:
		src.Retain()
		return src, nil
	default:
		return nil, fmt.Errorf("type %s: expected an integer", src.DataType())
	}
	b := array.NewInt64Builder(limitAllocator{})
	defer b.Release()
	b.Reserve(src.Len())
	for i := 0; i < src.Len(); i++ {
		if src.IsNull(i) {
			b.AppendNull()
		} else {
			b.Append(get(i))
		}
	}
	return b.NewArray(), nil
}
