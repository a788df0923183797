package state

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/meadow-net/meadow/api"
)

// TestNodeRecordCoversNode keeps the record the coordinators answer
// (api.NodeRecord, which the node's dashboard reads) in step with the
// state's Node: every field of a Node with every field set comes out of
// Record under the same JSON name with the same value, and the record has
// no field the state lacks.
func TestNodeRecordCoversNode(t *testing.T) {
	n := Node{
		Address: "0x00000000000000000000000000000000000000aa", Operator: "0x00000000000000000000000000000000000000bb",
		IP: "203.0.113.7", Network: "203.0.113.0/24",
		Caps:         api.Capabilities{CPUCores: 4, MaxConcurrent: 2, RenderJS: true},
		RegisteredAt: 1_700_000_000_000, Referrer: "0x00000000000000000000000000000000000000cc", Reputation: 812_000, Agreeing: 7,
		Units: 3640, RowsAccepted: 1820, RowsRejected: 12, PendingUnits: 40, Tasks: 91, Expired: 2,
	}
	v := reflect.ValueOf(n)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Fatalf("set Node.%s in this test: a field left zero is not checked", v.Type().Field(i).Name)
		}
	}
	fromNode, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	var want, got map[string]any
	json.Unmarshal(fromNode, &want)
	fromRecord, _ := json.Marshal(n.Record())
	json.Unmarshal(fromRecord, &got)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Node.Record() JSON\n%s\nwant the state's\n%s", fromRecord, fromNode)
	}
	var back api.NodeRecord
	dec := json.NewDecoder(bytes.NewReader(fromNode))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&back); err != nil {
		t.Fatalf("the state's node does not decode as api.NodeRecord: %v", err)
	}
	if err := back.Validate(); err != nil {
		t.Fatalf("valid record refused: %v", err)
	}
}
