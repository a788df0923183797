package dataset

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/meadow-net/meadow/api"
)

// stageSchema has a column of each filterable type, a list and the
// provenance columns.
func stageSchema(t *testing.T) Schema {
	t.Helper()
	s := Schema{Kind: KindCompute, Columns: []Column{
		{Name: ColSourceHash, Type: TypeBytes, Role: RoleContent},
		{Name: "lang", Type: TypeString, Role: RoleContent, Nullable: true},
		{Name: "keep", Type: TypeBool, Role: RoleContent},
		{Name: "words", Type: TypeInt64, Role: RoleContent},
		{Name: "score", Type: TypeFloat64, Role: RoleContent, Nullable: true},
		{Name: "lines", Type: TypeStringList, Role: RoleContent},
	}}
	s.Columns = append(s.Columns, provenanceColumns...)
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	return s
}

func where(col, op, value string) api.Condition {
	return api.Condition{Column: col, Op: op, Value: json.RawMessage(value)}
}

// TestStageKeep is the filter's rules, one table row per rule.
func TestStageKeep(t *testing.T) {
	s := stageSchema(t)
	row := func(lang any, keep bool, words int64, score any) Row {
		return Row{[]byte{1}, lang, keep, words, score, []string{"a"}, "0xnode", int64(1), nil}
	}
	en := row("en", true, 120, 0.75)
	de := row("de", false, 80, 0.65)
	null := row(nil, true, 0, nil)
	for _, c := range []struct {
		name  string
		where []api.Condition
		keeps []bool // en, de, null
	}{
		{"string eq", []api.Condition{where("lang", "eq", `"en"`)}, []bool{true, false, false}},
		{"string ne; null meets nothing", []api.Condition{where("lang", "ne", `"en"`)}, []bool{false, true, false}},
		{"string in", []api.Condition{where("lang", "in", `["de","fr"]`)}, []bool{false, true, false}},
		{"bool eq", []api.Condition{where("keep", "eq", `true`)}, []bool{true, false, true}},
		{"bool ne", []api.Condition{where("keep", "ne", `true`)}, []bool{false, true, false}},
		{"int ge", []api.Condition{where("words", "ge", `100`)}, []bool{true, false, false}},
		{"int lt", []api.Condition{where("words", "lt", `100`)}, []bool{false, true, true}},
		{"int in", []api.Condition{where("words", "in", `[0, 80]`)}, []bool{false, true, true}},
		{"float ge, exact at the boundary", []api.Condition{where("score", "ge", `0.65`)}, []bool{true, true, false}},
		{"float gt", []api.Condition{where("score", "gt", `0.65`)}, []bool{true, false, false}},
		{"float le written with an exponent", []api.Condition{where("score", "le", `6.5e-1`)}, []bool{false, true, false}},
		{"and", []api.Condition{where("keep", "eq", `true`), where("words", "gt", `-1`)}, []bool{true, false, true}},
		{"none", nil, []bool{true, true, true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, err := NewStage(s, nil, c.where, []api.Carry{{Column: "lang"}})
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range []Row{en, de, null} {
				if got := st.Keep(r); got != c.keeps[i] {
					t.Errorf("row %d: keep %v, want %v", i, got, c.keeps[i])
				}
			}
		})
	}
}

// TestStageRefusals: every binding error names its field.
func TestStageRefusals(t *testing.T) {
	s := stageSchema(t)
	outputs := []Column{{Name: "quality_keep"}}
	for _, c := range []struct {
		name  string
		where []api.Condition
		carry []api.Carry
		field string
	}{
		{"missing column", []api.Condition{where("nope", "eq", `"x"`)}, nil, "compute.where[0].column"},
		{"provenance column", []api.Condition{where(ColNode, "eq", `"x"`)}, nil, "compute.where[0].column"},
		{"list column", []api.Condition{where("lines", "eq", `"x"`)}, nil, "compute.where[0].column"},
		{"string against a number", []api.Condition{where("lang", "eq", `5`)}, nil, "compute.where[0].value"},
		{"order on a string", []api.Condition{where("lang", "lt", `5`)}, nil, "compute.where[0].op"},
		{"bool in", []api.Condition{where("keep", "in", `[true]`)}, nil, "compute.where[0].op"},
		{"bool against a string", []api.Condition{where("keep", "eq", `"true"`)}, nil, "compute.where[0].value"},
		{"int against a fraction", []api.Condition{where("words", "ge", `1.5`)}, nil, "compute.where[0].value"},
		{"int against an exponent", []api.Condition{where("words", "ge", `1e3`)}, nil, "compute.where[0].value"},
		{"int out of range", []api.Condition{where("words", "ge", `99999999999999999999`)}, nil, "compute.where[0].value"},
		{"float against a string", []api.Condition{where("score", "ge", `"0.5"`)}, nil, "compute.where[0].value"},
		{"float overflow", []api.Condition{where("score", "ge", `1e999`)}, nil, "compute.where[0].value"},
		{"second condition", []api.Condition{where("lang", "eq", `"en"`), where("lang", "eq", `1`)}, nil, "compute.where[1].value"},
		{"carry missing", nil, []api.Carry{{Column: "nope"}}, "compute.carry[0].column"},
		{"carry provenance", nil, []api.Carry{{Column: ColFetchedAt}}, "compute.carry[0].column"},
		{"carry as source_hash", nil, []api.Carry{{Column: "lang", As: ColSourceHash}}, "compute.carry[0].as"},
		{"carry onto a kernel output", nil, []api.Carry{{Column: "keep", As: "quality_keep"}}, "compute.carry[0].as"},
		{"carry source_hash unrenamed", nil, []api.Carry{{Column: ColSourceHash}}, "compute.carry[0].column"},
		{"carry twice", nil, []api.Carry{{Column: "lang"}, {Column: "keep", As: "lang"}}, "compute.carry[1].as"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewStage(s, outputs, c.where, c.carry)
			var fe *api.FieldError
			if !errors.As(err, &fe) || fe.Field != c.field {
				t.Fatalf("error %v: want a field error naming %s", err, c.field)
			}
		})
	}
}

// TestStageCarried: carried columns keep their types and nullability, the
// row hash is carried as hex, and a column may be carried under two names.
func TestStageCarried(t *testing.T) {
	s := stageSchema(t)
	st, err := NewStage(s, []Column{{Name: "out"}}, nil, []api.Carry{
		{Column: api.CarryRowHash, As: "id"}, {Column: "lines"}, {Column: "score", As: "language_score"}, {Column: ColSourceHash, As: "parent"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []Column{
		{Name: "id", Type: TypeString, Role: RoleContent},
		{Name: "lines", Type: TypeStringList, Role: RoleContent},
		{Name: "language_score", Type: TypeFloat64, Role: RoleContent, Nullable: true},
		{Name: "parent", Type: TypeBytes, Role: RoleContent},
	}
	if got := st.CarryColumns(); !reflect.DeepEqual(got, want) {
		t.Fatalf("carried columns %+v, want %+v", got, want)
	}
	h := make([]byte, 32)
	h[0] = 0xab
	r := Row{[]byte{1}, "en", true, int64(3), 0.5, []string{"x", "y"}, "0xnode", int64(1), nil}
	got := st.Carried(r, h)
	if got[0] != hex.EncodeToString(h) || !reflect.DeepEqual(got[1], []string{"x", "y"}) || got[2] != 0.5 || !reflect.DeepEqual(got[3], []byte{1}) {
		t.Fatalf("carried %v", got)
	}
	if st, err := NewStage(s, nil, nil, nil); st != nil || err != nil || !st.Keep(r) || st.Carried(r, h) != nil || st.CarryColumns() != nil {
		t.Fatalf("an empty stage: %v %v", st, err)
	}
}

// FuzzStage binds arbitrary conditions and carried columns and runs them
// over a row of every type: never a panic, and a refusal is a field error.
func FuzzStage(f *testing.F) {
	f.Add("lang", "eq", `"en"`, "lines", "")
	f.Add("words", "in", `[1, 2, 3]`, "$row_hash", "id")
	f.Add("score", "ge", `0.65`, "score", "s")
	f.Add("keep", "ne", `false`, "keep", "source_hash")
	f.Add("words", "lt", `-9223372036854775808`, "words", "w")
	f.Fuzz(func(t *testing.T, col, op, value, carry, as string) {
		s := stageSchema(t)
		where := []api.Condition{{Column: col, Op: op, Value: json.RawMessage(value)}}
		st, err := NewStage(s, nil, where, []api.Carry{{Column: carry, As: as}})
		if err != nil {
			var fe *api.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is no field error", err)
			}
			return
		}
		for _, r := range []Row{
			{[]byte{1}, "en", true, int64(3), 0.5, []string{"x"}, "0xnode", int64(1), nil},
			{[]byte{}, nil, false, int64(-1), nil, []string{}, "", int64(0), nil},
		} {
			st.Keep(r)
			if c := st.Carried(r, make([]byte, 32)); len(c) != 1 {
				t.Fatalf("carried %v", c)
			}
		}
	})
}

// TestStageCarryAll: "*" carries every content column but source_hash,
// its exceptions and the columns other entries carry their own way; a
// kernel output's name it would take is refused naming its except.
func TestStageCarryAll(t *testing.T) {
	s := stageSchema(t)
	st, err := NewStage(s, []Column{{Name: "out"}}, nil, []api.Carry{{Column: "lang", As: "language"}, {Column: api.CarryAll, Except: []string{"lines"}}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range st.CarryColumns() {
		names = append(names, c.Name)
	}
	if want := []string{"language", "keep", "words", "score"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("carried %v, want %v", names, want)
	}
	r := Row{[]byte{1}, "en", true, int64(3), 0.5, []string{"x"}, "0xnode", int64(1), nil}
	if got := st.Carried(r, make([]byte, 32)); !reflect.DeepEqual(got, []any{"en", true, int64(3), 0.5}) {
		t.Fatalf("carried %v", got)
	}
	for _, c := range []struct {
		carry []api.Carry
		field string
	}{
		{[]api.Carry{{Column: api.CarryAll}}, "compute.carry[0].except"}, // words is a kernel output below
		{[]api.Carry{{Column: api.CarryAll, Except: []string{"nope"}}}, "compute.carry[0].except"},
	} {
		_, err := NewStage(s, []Column{{Name: "words"}}, nil, c.carry)
		var fe *api.FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Fatalf("%+v: error %v, want one naming %s", c.carry, err, c.field)
		}
	}
}
