package api

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func TestNodeRecordValidate(t *testing.T) {
	good := NodeRecord{Address: "0x00000000000000000000000000000000000000aa", Operator: "0x00000000000000000000000000000000000000bb", Reputation: 500_000, Units: 10, PendingUnits: 4}
	tests := []struct {
		name  string
		edit  func(r *NodeRecord)
		field string
	}{
		{name: "good", edit: func(*NodeRecord) {}},
		{name: "checksummed address", edit: func(r *NodeRecord) { r.Address = "0x00000000000000000000000000000000000000AA" }, field: "address"},
		{name: "short operator", edit: func(r *NodeRecord) { r.Operator = "0x12" }, field: "operator"},
		{name: "reputation past a million", edit: func(r *NodeRecord) { r.Reputation = MaxReputation + 1 }, field: "reputation"},
		{name: "more pending than earned", edit: func(r *NodeRecord) { r.PendingUnits = 11 }, field: "pending_units"},
		{name: "negative registration", edit: func(r *NodeRecord) { r.RegisteredAt = -1 }, field: "registered_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			tt.edit(&r)
			err := r.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("error %v, want one naming %s", err, tt.field)
			}
		})
	}
}

// FuzzDecodeNodeRecord: a node reads its record from any coordinator's
// answer; every input is refused with one of the decoder's errors, or gives
// a record that passes Validate and survives a round trip.
func FuzzDecodeNodeRecord(f *testing.F) {
	for _, s := range []string{
		`{"address":"0x00000000000000000000000000000000000000aa","operator":"0x00000000000000000000000000000000000000aa","caps":{"render_js":false,"cpu_cores":2,"max_concurrent":2},"registered_at":1700000000000,"reputation":512000,"agreeing":3,"units":3640,"pending_units":40,"rows_accepted":1820,"rows_rejected":2,"tasks":91,"expired":1}`,
		`{"address":"0x00000000000000000000000000000000000000aa","units":1,"pending_units":2}`,
		`{"address":"0xAA"}`,
		`{"units":"3640"}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	sentinels := []error{ErrInvalid, ErrMalformed, ErrEmptyBody, ErrTrailingData, ErrTooLarge}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r NodeRecord
		if err := Unmarshal(data, &r); err != nil {
			for _, se := range sentinels {
				if errors.Is(err, se) {
					return
				}
			}
			t.Fatalf("error wraps none of the sentinels: %v", err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back NodeRecord
		if err := Unmarshal(b, &back); err != nil {
			t.Fatalf("an accepted record does not decode again: %v\n%s", err, b)
		}
		if !reflect.DeepEqual(r, back) {
			t.Fatalf("round trip changed the record:\n%+v\n%+v", r, back)
		}
	})
}
