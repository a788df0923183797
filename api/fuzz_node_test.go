package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzDecodeNodeRequests feeds one input to the decoder of every node API
// body (and the operator's small bodies): each either refuses it with one of
// the decoder's errors, or accepts a value that encodes and decodes back to
// itself and passes Validate. The first byte picks the type.
func FuzzDecodeNodeRequests(f *testing.F) {
	h := `"0x` + string(bytes.Repeat([]byte("ab"), 32)) + `"`
	for i, s := range []string{
		`{"address":"0x00000000000000000000000000000000000000aa","capabilities":{"cpu_cores":2,"max_concurrent":2},"version":"dev"}`,
		`{"max_tasks":4,"kinds":["crawl"]}`,
		`{"task_id":"j-1.t000000","lease_id":"j-1.t000000.r0","root":` + h + `,"rows":3}`,
		`{"task_id":"j-1.t000000","lease_id":"j-1.t000000.r0","row_hashes":[` + h + `],"links":["https://a.example/"]}`,
		`{"task_id":"j-1.t000000","lease_id":"j-1.t000000.r0","sha256":` + h + `,"size":10}`,
		`{"task_id":"j-1.t000000","lease_id":"j-1.t000000.r0","url":"http://10.0.0.1/","reason":"unsafe_address","detail":"x"}`,
		`{"hash":` + h + `,"task_id":"j-1.t000000"}`,
		`{"epoch":3}`,
		`{"max_tasks":0}`,
		`{"task_id":"","lease_id":"x","row_hashes":["0x12"]}`,
		`{} {}`,
		`null`,
		`{"sha256":` + h + `,"size":1024}`,
		`{"sha256":` + h + `,"size":99999999999}`,
	} {
		f.Add(append([]byte{byte(i)}, s...))
	}
	news := []func() Validator{
		func() Validator { return &RegisterRequest{} },
		func() Validator { return &WorkRequest{} },
		func() Validator { return &Commitment{} },
		func() Validator { return &Reveal{} },
		func() Validator { return &Upload{} },
		func() Validator { return &Refusal{} },
		func() Validator { return &BlobGet{} },
		func() Validator { return &SettleRequest{} },
		func() Validator { return &ModuleUpload{} },
	}
	sentinels := []error{ErrInvalid, ErrMalformed, ErrEmptyBody, ErrTrailingData, ErrTooLarge}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		v := news[int(data[0])%len(news)]()
		err := DecodeJSON(bytes.NewReader(data[1:]), MaxRevealSize, v)
		if err != nil {
			for _, se := range sentinels {
				if errors.Is(err, se) {
					return
				}
			}
			t.Fatalf("%T: error wraps none of the sentinels: %v", v, err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%T: re-encoding an accepted body: %v", v, err)
		}
		w := news[int(data[0])%len(news)]()
		if err := DecodeJSON(bytes.NewReader(b), MaxRevealSize, w); err != nil {
			t.Fatalf("%T: an accepted body does not decode again: %v\n%s", v, err, b)
		}
		if !reflect.DeepEqual(v, w) {
			t.Fatalf("%T: round trip changed the body:\n%+v\n%+v", v, v, w)
		}
	})
}
