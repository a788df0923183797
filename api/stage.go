package api

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// A compute job is one stage of a pipeline when it filters its input rows
// (compute.where) and carries input columns into its output
// (compute.carry): a pretraining pipeline's quality stage, say, reads the
// language stage's rows whose language is "en", and carries their text and
// url on, so that the next stage reads them from the quality dataset alone.
// Every replica applies the same filter to the same verified rows and copies
// the same values, so a stage is cross-checked like any compute job. The
// checks here need no schema; the coordinators check the columns and the
// values' types against the input dataset's schema at submission
// (dataset.NewStage), and nodes again before they run the task.

// Condition keeps an input row when its column compares to Value as Op
// says. A job's conditions must all hold (they are joined by "and"); a null
// value satisfies none of them.
type Condition struct {
	// Column is a content column of the input dataset of type string, bool,
	// int64 or float64.
	Column string `json:"column"`
	// Op is eq, ne, lt, le, gt, ge (numbers only) or in.
	Op string `json:"op"`
	// Value is a JSON string, number or boolean of the column's type; for
	// in, an array of 1 to MaxInValues of them.
	Value json.RawMessage `json:"value"`
}

// The operators of a Condition.
const (
	OpEq = "eq"
	OpNe = "ne"
	OpLt = "lt"
	OpLe = "le"
	OpGt = "gt"
	OpGe = "ge"
	OpIn = "in"
)

// Ops lists the operators of a Condition.
func Ops() []string { return []string{OpEq, OpNe, OpLt, OpLe, OpGt, OpGe, OpIn} }

// OrderOp reports whether op compares order, which only numbers have.
func OrderOp(op string) bool { return op == OpLt || op == OpLe || op == OpGt || op == OpGe }

// Carry copies an input column into every output row, after the kernel's
// columns.
type Carry struct {
	// Column is a content column of the input dataset, CarryRowHash, or
	// CarryAll.
	Column string `json:"column"`
	// As names the output column (default: Column's name). Required for
	// CarryRowHash; not with CarryAll.
	As string `json:"as,omitempty"`
	// Except, with CarryAll only, names input columns not to carry.
	Except []string `json:"except,omitempty"`
}

// CarryRowHash, as a Carry's column, carries the input row's own hash, as
// 64 lowercase hex digits (a string): a stable id of the row the pipeline
// started from when the first stage carries it.
const CarryRowHash = "$row_hash"

// CarryAll, as a Carry's column, carries every content column of the input
// under its own name, in the input's order, but source_hash, the columns
// in its Except and the columns another carry entry of the job names
// (which carries them its own way, renamed say).
const CarryAll = "*"

// Limits of a stage.
const (
	MaxConditions = 16
	MaxCarry      = 64
	MaxInValues   = 256
	// MaxConditionValueBytes bounds one condition's value as JSON.
	MaxConditionValueBytes = 16 << 10
)

// OutputName is the name of the column c writes.
func (c Carry) OutputName() string {
	if c.As != "" {
		return c.As
	}
	return c.Column
}

// ValueKind is the JSON kind of a scalar condition value.
type ValueKind int

// The kinds of condition values.
const (
	KindInvalid ValueKind = iota
	KindString
	KindNumber
	KindBool
)

func (k ValueKind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindNumber:
		return "number"
	case KindBool:
		return "boolean"
	}
	return "invalid"
}

// ConditionValues decodes a condition's value: one scalar, or for in the
// array's elements, each as its JSON text (a number's digits as written, a
// string's decoded text, "true" or "false") with its kind. It fails on
// anything else: null, objects, nested arrays, an empty or mixed array.
func (c Condition) ConditionValues() ([]string, ValueKind, bool) {
	var raw []json.RawMessage
	v := bytes.TrimSpace(c.Value)
	if c.Op == OpIn {
		if len(v) == 0 || v[0] != '[' || json.Unmarshal(v, &raw) != nil || len(raw) == 0 || len(raw) > MaxInValues {
			return nil, KindInvalid, false
		}
	} else {
		raw = []json.RawMessage{v}
	}
	out := make([]string, len(raw))
	kind := KindInvalid
	for i, r := range raw {
		s, k := scalar(r)
		if k == KindInvalid || (kind != KindInvalid && k != kind) {
			return nil, KindInvalid, false
		}
		out[i], kind = s, k
	}
	return out, kind, true
}

// StageColumns lists the input columns a stage reads, each once, in the
// order they first appear (CarryRowHash is no column); all is true, and
// cols nil, when it carries every column (CarryAll).
func StageColumns(where []Condition, carry []Carry) (cols []string, all bool) {
	for _, c := range carry {
		if c.Column == CarryAll {
			return nil, true
		}
	}
	for _, c := range where {
		if !slices.Contains(cols, c.Column) {
			cols = append(cols, c.Column)
		}
	}
	for _, c := range carry {
		if c.Column != CarryRowHash && !slices.Contains(cols, c.Column) {
			cols = append(cols, c.Column)
		}
	}
	return cols, false
}

// scalar decodes one JSON scalar.
func scalar(r json.RawMessage) (string, ValueKind) {
	r = bytes.TrimSpace(r)
	if len(r) == 0 || !json.Valid(r) {
		return "", KindInvalid
	}
	switch r[0] {
	case '"':
		var s string
		if json.Unmarshal(r, &s) != nil {
			return "", KindInvalid
		}
		return s, KindString
	case 't', 'f':
		return string(r), KindBool
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		if _, err := strconv.ParseFloat(string(r), 64); err != nil {
			return "", KindInvalid // out of float64's range
		}
		return string(r), KindNumber
	}
	return "", KindInvalid
}

// checkStage checks a stage's conditions and carried columns, at path p
// (the compute spec or task).
func checkStage(v *validator, p string, where []Condition, carry []Carry) {
	if len(where) > MaxConditions {
		v.add(sub(p, "where"), items(len(where)), "at most "+itoa(MaxConditions)+" conditions")
	}
	for i, c := range where {
		if i >= MaxConditions {
			break
		}
		cp := at(sub(p, "where"), i)
		if !reFieldName.MatchString(c.Column) {
			v.add(sub(cp, "column"), quote(c.Column), "a column name matching ^[a-z][a-z0-9_]{0,62}$")
		}
		if !slices.Contains(Ops(), c.Op) {
			v.add(sub(cp, "op"), quote(c.Op), "one of "+strings.Join(Ops(), ", "))
			continue
		}
		if len(c.Value) > MaxConditionValueBytes {
			v.add(sub(cp, "value"), items(len(c.Value))+" bytes", "at most "+itoa(MaxConditionValueBytes)+" bytes of JSON")
			continue
		}
		_, kind, ok := c.ConditionValues()
		switch {
		case !ok && c.Op == OpIn:
			v.add(sub(cp, "value"), quote(string(c.Value)), "an array of 1 to "+itoa(MaxInValues)+" strings, numbers or booleans, all of one kind")
		case !ok:
			v.add(sub(cp, "value"), quote(string(c.Value)), "a string, number or boolean")
		case OrderOp(c.Op) && kind != KindNumber:
			v.add(sub(cp, "value"), quote(string(c.Value)), "a number (op "+c.Op+" compares numbers)")
		}
	}
	if len(carry) > MaxCarry {
		v.add(sub(p, "carry"), items(len(carry)), "at most "+itoa(MaxCarry)+" columns")
	}
	seen := map[string]bool{}
	for i, c := range carry {
		if i >= MaxCarry {
			break
		}
		cp := at(sub(p, "carry"), i)
		if c.Column == CarryAll {
			if c.As != "" {
				v.add(sub(cp, "as"), quote(c.As), "absent: "+CarryAll+" carries each column under its own name")
			}
			if len(c.Except) > MaxCarry {
				v.add(sub(cp, "except"), items(len(c.Except)), "at most "+itoa(MaxCarry)+" column names")
			}
			for j, e := range c.Except {
				if j < MaxCarry && !reFieldName.MatchString(e) {
					v.add(at(sub(cp, "except"), j), quote(e), "a column name matching ^[a-z][a-z0-9_]{0,62}$")
				}
			}
			continue
		}
		if len(c.Except) > 0 {
			v.add(sub(cp, "except"), items(len(c.Except)), "absent: except goes with column "+quote(CarryAll)+" only")
		}
		if c.Column != CarryRowHash && !reFieldName.MatchString(c.Column) {
			v.add(sub(cp, "column"), quote(c.Column), "a column name matching ^[a-z][a-z0-9_]{0,62}$, "+CarryRowHash+" or "+CarryAll)
			continue
		}
		if c.Column == CarryRowHash && c.As == "" {
			v.add(sub(cp, "as"), `""`, "the output column's name (required when carrying "+CarryRowHash+")")
			continue
		}
		if c.As != "" && !reFieldName.MatchString(c.As) {
			v.add(sub(cp, "as"), quote(c.As), "a column name matching ^[a-z][a-z0-9_]{0,62}$")
			continue
		}
		name := c.OutputName()
		if seen[name] {
			v.add(sub(cp, "as"), quote(name), "an output column name no other carried column has")
		}
		seen[name] = true
	}
}

func cloneWhere(w []Condition) []Condition {
	if w == nil {
		return nil
	}
	out := make([]Condition, len(w))
	for i, c := range w {
		c.Value = append(json.RawMessage(nil), c.Value...)
		out[i] = c
	}
	return out
}

func cloneCarry(c []Carry) []Carry {
	if c == nil {
		return nil
	}
	out := make([]Carry, len(c))
	for i, x := range c {
		x.Except = slices.Clone(x.Except)
		out[i] = x
	}
	return out
}
