package dataset

import (
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/meadow-net/meadow/api"
)

// Stage is a compute job's row filter (compute.where) and carried columns
// (compute.carry), bound to its input dataset's schema: the coordinators
// bind it at submission to refuse a job no node could run, and every node
// binds it to the rows it reads. Its rules (api/stage.go):
//
//   - A condition's column is a content column of type string, bool, int64
//     or float64. Strings and booleans take eq, ne and in; numbers every
//     operator. An int64 column compares with integers only (a JSON number
//     with a fraction or an exponent is refused), exactly; a float64 column
//     with the value parsed as the nearest float64 (strconv.ParseFloat,
//     correctly rounded on every machine), by IEEE comparison.
//   - A null value meets no condition, ne included.
//   - A carried column is a content column (provenance differs from replica
//     to replica, so it cannot be carried) or api.CarryRowHash; its output
//     name must not be source_hash, a provenance column's or a kernel
//     output's. A carried column keeps its type and nullability; the row
//     hash is a string of 64 lowercase hex digits.
type Stage struct {
	where []cond
	carry []carried
}

type cond struct {
	col  int
	typ  ColumnType
	op   string
	strs []string  // string values
	ints []int64   // int64 values
	flts []float64 // float64 values
	bool bool      // the bool value
}

type carried struct {
	col int // -1: the row hash
	out Column
}

// NewStage binds where and carry to schema s, the input rows' schema.
// outputs are the kernel's output columns, whose names a carried column
// may not take. Errors are *api.FieldError naming compute.where[i] or
// compute.carry[i]. A Stage with neither is nil, with no error.
func NewStage(s Schema, outputs []Column, where []api.Condition, carry []api.Carry) (*Stage, error) {
	if len(where) == 0 && len(carry) == 0 {
		return nil, nil
	}
	st := &Stage{}
	for i, c := range where {
		p := fmt.Sprintf("compute.where[%d]", i)
		ci := s.Index(c.Column)
		if ci < 0 || s.Columns[ci].Role != RoleContent {
			return nil, &api.FieldError{Field: p + ".column", Value: strconv.Quote(c.Column), Expected: "a content column of the input dataset (" + contentNames(s) + ")"}
		}
		b, err := bindCond(p, s.Columns[ci], ci, c)
		if err != nil {
			return nil, err
		}
		st.where = append(st.where, b)
	}
	taken := map[string]bool{ColSourceHash: true}
	for _, c := range provenanceColumns {
		taken[c.Name] = true
	}
	for _, c := range outputs {
		taken[c.Name] = true
	}
	// CarryAll stands for every content column but source_hash, those in
	// its except list, and those another entry names.
	named := map[string]bool{}
	for _, c := range carry {
		if c.Column != api.CarryAll {
			named[c.Column] = true
		}
	}
	var expanded []api.Carry
	origin := []int{} // carry index each expanded entry comes from
	for i, c := range carry {
		if c.Column != api.CarryAll {
			expanded, origin = append(expanded, c), append(origin, i)
			continue
		}
		for _, e := range c.Except {
			if ci := s.Index(e); ci < 0 || s.Columns[ci].Role != RoleContent {
				return nil, &api.FieldError{Field: fmt.Sprintf("compute.carry[%d].except", i), Value: strconv.Quote(e), Expected: "a content column of the input dataset (" + contentNames(s) + ")"}
			}
		}
		for _, col := range s.Columns {
			if col.Role != RoleContent || col.Name == ColSourceHash || named[col.Name] || slices.Contains(c.Except, col.Name) {
				continue
			}
			expanded, origin = append(expanded, api.Carry{Column: col.Name}), append(origin, i)
		}
	}
	for k, c := range expanded {
		i := origin[k]
		p := fmt.Sprintf("compute.carry[%d]", i)
		name := c.OutputName()
		if taken[name] {
			field := p + ".as"
			if c.As == "" {
				field = p + ".column"
			}
			if carry[i].Column == api.CarryAll {
				field = p + ".except"
			}
			return nil, &api.FieldError{Field: field, Value: strconv.Quote(name), Expected: "an output column name that is not source_hash, a provenance column's, a kernel output's or another carried column's (set as to rename it)"}
		}
		taken[name] = true
		if c.Column == api.CarryRowHash {
			st.carry = append(st.carry, carried{col: -1, out: Column{Name: name, Type: TypeString, Role: RoleContent}})
			continue
		}
		ci := s.Index(c.Column)
		if ci < 0 || s.Columns[ci].Role != RoleContent {
			return nil, &api.FieldError{Field: p + ".column", Value: strconv.Quote(c.Column), Expected: "a content column of the input dataset (" + contentNames(s) + ") or " + api.CarryRowHash}
		}
		out := s.Columns[ci]
		out.Name = name
		st.carry = append(st.carry, carried{col: ci, out: out})
	}
	return st, nil
}

func bindCond(p string, col Column, ci int, c api.Condition) (cond, error) {
	b := cond{col: ci, typ: col.Type, op: c.Op}
	vals, kind, ok := c.ConditionValues()
	bad := func(expected string) (cond, error) {
		return cond{}, &api.FieldError{Field: p + ".value", Value: strconv.Quote(string(c.Value)), Expected: expected}
	}
	if !ok || !slices.Contains(api.Ops(), c.Op) {
		return bad("a string, number or boolean (an array of them for in), and op one of eq, ne, lt, le, gt, ge, in")
	}
	switch col.Type {
	case TypeString, TypeBool:
		if api.OrderOp(c.Op) {
			return cond{}, &api.FieldError{Field: p + ".op", Value: strconv.Quote(c.Op), Expected: "eq, ne or in: column " + strconv.Quote(col.Name) + " is a " + col.Type.String() + ", which has no order"}
		}
		if col.Type == TypeString {
			if kind != api.KindString {
				return bad("a string: column " + strconv.Quote(col.Name) + " is a string")
			}
			b.strs = vals
			return b, nil
		}
		if kind != api.KindBool {
			return bad("true or false: column " + strconv.Quote(col.Name) + " is a bool")
		}
		if c.Op == api.OpIn {
			return cond{}, &api.FieldError{Field: p + ".op", Value: `"in"`, Expected: "eq or ne: column " + strconv.Quote(col.Name) + " is a bool"}
		}
		b.bool = vals[0] == "true"
		return b, nil
	case TypeInt64:
		for _, v := range vals {
			n, err := strconv.ParseInt(v, 10, 64)
			if kind != api.KindNumber || err != nil {
				return bad("an integer within int64: column " + strconv.Quote(col.Name) + " is an int64")
			}
			b.ints = append(b.ints, n)
		}
		return b, nil
	case TypeFloat64:
		for _, v := range vals {
			f, err := strconv.ParseFloat(v, 64)
			if kind != api.KindNumber || err != nil || math.IsInf(f, 0) {
				return bad("a finite number: column " + strconv.Quote(col.Name) + " is a float64")
			}
			b.flts = append(b.flts, f)
		}
		return b, nil
	}
	return cond{}, &api.FieldError{Field: p + ".column", Value: strconv.Quote(col.Name), Expected: "a column of type string, bool, int64 or float64 (it is a " + col.Type.String() + ")"}
}

// contentNames lists s's content columns for an error.
func contentNames(s Schema) string {
	var out string
	for _, c := range s.Columns {
		if c.Role != RoleContent {
			continue
		}
		if out != "" {
			out += ", "
		}
		out += c.Name
	}
	return out
}

// CarryColumns are the output columns the carried values fill, after the
// kernel's, in order.
func (st *Stage) CarryColumns() []Column {
	if st == nil {
		return nil
	}
	out := make([]Column, len(st.carry))
	for i, c := range st.carry {
		out[i] = c.out
	}
	return out
}

// Keep reports whether row (of the bound schema) meets every condition.
func (st *Stage) Keep(row Row) bool {
	if st == nil {
		return true
	}
	for _, c := range st.where {
		if !c.holds(row[c.col]) {
			return false
		}
	}
	return true
}

func (c cond) holds(v any) bool {
	switch x := v.(type) {
	case string:
		switch c.op {
		case api.OpEq:
			return x == c.strs[0]
		case api.OpNe:
			return x != c.strs[0]
		case api.OpIn:
			return slices.Contains(c.strs, x)
		}
	case bool:
		if c.op == api.OpEq {
			return x == c.bool
		}
		return x != c.bool
	case int64:
		if c.op == api.OpIn {
			return slices.Contains(c.ints, x)
		}
		return compare(c.op, x, c.ints[0])
	case float64:
		if c.op == api.OpIn {
			return slices.Contains(c.flts, x)
		}
		return compare(c.op, x, c.flts[0])
	}
	return false // null
}

func compare[T int64 | float64](op string, a, b T) bool {
	switch op {
	case api.OpEq:
		return a == b
	case api.OpNe:
		return a != b
	case api.OpLt:
		return a < b
	case api.OpLe:
		return a <= b
	case api.OpGt:
		return a > b
	case api.OpGe:
		return a >= b
	}
	return false
}

// Carried returns the carried values of row (of the bound schema), whose
// hash is rowHash.
func (st *Stage) Carried(row Row, rowHash []byte) []any {
	if st == nil {
		return nil
	}
	out := make([]any, len(st.carry))
	for i, c := range st.carry {
		if c.col < 0 {
			out[i] = hex.EncodeToString(rowHash)
		} else {
			out[i] = row[c.col]
		}
	}
	return out
}
