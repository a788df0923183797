package api

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestStageValidate: what the spec alone says about where and carry, each
// refusal naming its field.
func TestStageValidate(t *testing.T) {
	c := func(col, op, v string) Condition { return Condition{Column: col, Op: op, Value: json.RawMessage(v)} }
	many := make([]Condition, MaxConditions+1)
	for i := range many {
		many[i] = c("lang", OpEq, `"en"`)
	}
	for _, tc := range []struct {
		name  string
		where []Condition
		carry []Carry
		field string // "" for valid
	}{
		{"valid", []Condition{c("lang", OpIn, `["en", "de"]`), c("score", OpGe, `0.65`), c("keep", OpEq, `true`)},
			[]Carry{{Column: CarryRowHash, As: "id"}, {Column: "url"}, {Column: "text", As: "body"}}, ""},
		{"bad column", []Condition{c("Lang", OpEq, `"en"`)}, nil, "compute.where[0].column"},
		{"bad op", []Condition{c("lang", "like", `"en"`)}, nil, "compute.where[0].op"},
		{"null", []Condition{c("lang", OpEq, `null`)}, nil, "compute.where[0].value"},
		{"object", []Condition{c("lang", OpEq, `{"a":1}`)}, nil, "compute.where[0].value"},
		{"array for eq", []Condition{c("lang", OpEq, `["en"]`)}, nil, "compute.where[0].value"},
		{"scalar for in", []Condition{c("lang", OpIn, `"en"`)}, nil, "compute.where[0].value"},
		{"empty in", []Condition{c("lang", OpIn, `[]`)}, nil, "compute.where[0].value"},
		{"mixed in", []Condition{c("lang", OpIn, `["en", 1]`)}, nil, "compute.where[0].value"},
		{"nested in", []Condition{c("lang", OpIn, `[["en"]]`)}, nil, "compute.where[0].value"},
		{"order on a string", []Condition{c("lang", OpGe, `"en"`)}, nil, "compute.where[0].value"},
		{"not JSON", []Condition{c("lang", OpEq, `en`)}, nil, "compute.where[0].value"},
		{"too many", many, nil, "compute.where"},
		{"row hash unnamed", nil, []Carry{{Column: CarryRowHash}}, "compute.carry[0].as"},
		{"bad carry column", nil, []Carry{{Column: "$other", As: "x"}}, "compute.carry[0].column"},
		{"bad as", nil, []Carry{{Column: "url", As: "URL"}}, "compute.carry[0].as"},
		{"twice", nil, []Carry{{Column: "url"}, {Column: "text", As: "url"}}, "compute.carry[1].as"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := JobSpec{Kind: JobCompute, Compute: &ComputeSpec{Input: "ds-j-0000000000000001", Kernel: KernelPII, Where: tc.where, Carry: tc.carry}}.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			found := false
			for _, fe := range FieldErrors(err) {
				found = found || fe.Field == tc.field
			}
			if !found {
				t.Fatalf("error %v does not name %s", err, tc.field)
			}
		})
	}
}

// TestStageDecode: a job spec with where and carry decodes strictly, and a
// task carries both.
func TestStageDecode(t *testing.T) {
	body := `{"kind":"compute","compute":{"input":"ds-j-0000000000000001","kernel":"pii","where":[{"column":"lang","op":"eq","value":"en"}],"carry":[{"column":"$row_hash","as":"id"}]}}`
	var s JobSpec
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(s.Compute.Where) != 1 || string(s.Compute.Where[0].Value) != `"en"` || s.Compute.Carry[0].OutputName() != "id" {
		t.Fatalf("decoded %+v", s.Compute)
	}
	c := s.Compute.clone()
	c.Where[0].Value[1] = 'X'
	if strings.Contains(string(s.Compute.Where[0].Value), "X") {
		t.Fatal("clone shares the condition's value")
	}
}
