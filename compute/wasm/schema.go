package wasm

import (
	"fmt"
	"strings"

	"github.com/meadow-net/meadow/dataset"
)

// Type is the type of an output column, as job specs spell it.
type Type string

// The output column types. Each has one JSON form in the module's output
// and one Go type in Result.Rows.
const (
	TypeString     Type = "string"       // JSON string; Go string
	TypeInt64      Type = "int64"        // JSON integer, no fraction or exponent; Go int64
	TypeFloat64    Type = "float64"      // JSON number; Go float64, -0 read as 0
	TypeBool       Type = "bool"         // JSON true or false; Go bool
	TypeStringList Type = "list<string>" // JSON array of strings; Go []string
	TypeInt64List  Type = "list<int64>"  // JSON array of integers; Go []int64
)

var types = []Type{TypeString, TypeInt64, TypeFloat64, TypeBool, TypeStringList, TypeInt64List}

// Column is one output column a buyer declares: a name and a type.
type Column struct {
	Name string `json:"name"`
	Type Type   `json:"type"`
}

// MaxColumns is the most output columns a module may declare.
const MaxColumns = 64

// maxColumnNameLen is the longest column name.
const maxColumnNameLen = 64

// reservedColumns are the names meadow gives the columns it adds around a
// compute kernel's outputs (dataset.ComputeSchema): the source hash and the
// provenance columns.
func reservedColumns() map[string]bool {
	s, err := dataset.ComputeSchema(nil)
	if err != nil {
		// ComputeSchema of no outputs is a fixed, valid schema.
		panic("wasm: dataset.ComputeSchema(nil): " + err.Error())
	}
	m := make(map[string]bool, len(s.Columns))
	for _, c := range s.Columns {
		m[c.Name] = true
	}
	return m
}

var reserved = reservedColumns()

// ValidateColumns checks declared output columns: 1 to MaxColumns of them,
// each name a lowercase identifier ([a-z][a-z0-9_]*, at most 64 bytes),
// unique and not one of meadow's own columns (source_hash, node,
// fetched_at, signature), each type one of the Type constants. Errors wrap
// ErrBadSchema and name the column.
func ValidateColumns(cols []Column) error {
	if len(cols) == 0 || len(cols) > MaxColumns {
		return fmt.Errorf("%w: %d columns: expected 1 to %d", ErrBadSchema, len(cols), MaxColumns)
	}
	seen := make(map[string]bool, len(cols))
	for i, c := range cols {
		if !validName(c.Name) {
			return fmt.Errorf("%w: column %d name %q: expected a lowercase identifier ([a-z][a-z0-9_]*, at most %d bytes)", ErrBadSchema, i, c.Name, maxColumnNameLen)
		}
		if reserved[c.Name] {
			return fmt.Errorf("%w: column %d name %q: reserved for meadow's own columns (source_hash, node, fetched_at, signature)", ErrBadSchema, i, c.Name)
		}
		if seen[c.Name] {
			return fmt.Errorf("%w: column %d name %q: declared twice", ErrBadSchema, i, c.Name)
		}
		seen[c.Name] = true
		if !validType(c.Type) {
			return fmt.Errorf("%w: column %q type %q: expected one of %s", ErrBadSchema, c.Name, c.Type, typeList())
		}
	}
	return nil
}

func validName(s string) bool {
	if len(s) == 0 || len(s) > maxColumnNameLen || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func validType(t Type) bool {
	for _, k := range types {
		if t == k {
			return true
		}
	}
	return false
}

func typeList() string {
	s := make([]string, len(types))
	for i, t := range types {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// ParseSchema reads output columns written as "name:type" pairs separated
// by commas, e.g. "topic:string, score:int64, emails:list<string>" (spaces
// around names and types are ignored), and validates them.
func ParseSchema(s string) ([]Column, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("%w: empty: expected name:type pairs separated by commas", ErrBadSchema)
	}
	parts := strings.Split(s, ",")
	cols := make([]Column, 0, len(parts))
	for i, p := range parts {
		name, typ, ok := strings.Cut(p, ":")
		if !ok {
			return nil, fmt.Errorf("%w: column %d %q: expected name:type", ErrBadSchema, i, strings.TrimSpace(p))
		}
		cols = append(cols, Column{Name: strings.TrimSpace(name), Type: Type(strings.TrimSpace(typ))})
	}
	if err := ValidateColumns(cols); err != nil {
		return nil, err
	}
	return cols, nil
}
