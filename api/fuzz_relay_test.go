package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// relaySeed is a well-formed relay request body.
const relaySeed = `{"account":"0xFe97F25EB6F30f110F93A7DCE5aeF6d318f3Ab20","cumulative_meadow":"2500000000000000000000","cumulative_stable":"7000000",` +
	`"proof":["0x5e1e7b6267bf68c2b0b1a496fcd3907e93ca1c95dc563e0ee1c23aa0c1235239"],"payout":"0x0000000000000000000000000000000000000000",` +
	`"fee_meadow":"25000000000000000000","fee_stable":"70000","deadline":1800000000,` +
	`"signature":"0x2f19d4e27f455171d9c6e2515bec5745a5b0a8f4414564c2d783eba72269e4bb5ba9f6373ec3e76ce03f3da7cb8972b2965ce7a05f58437c34d58d599e260a931c"}`

// FuzzDecodeRelayClaim: the body of POST /v1/rewards/relay either is
// refused with one of the decoder's errors, or is accepted as a value that
// encodes and decodes back to itself.
func FuzzDecodeRelayClaim(f *testing.F) {
	f.Add([]byte(relaySeed))
	f.Add([]byte(strings.Replace(relaySeed, `"deadline":1800000000`, `"deadline":0`, 1)))
	f.Add([]byte(strings.Replace(relaySeed, `"fee_stable":"70000"`, `"fee_stable":"70000000"`, 1)))
	f.Add([]byte(strings.Replace(relaySeed, `"cumulative_meadow":"2500000000000000000000"`, `"cumulative_meadow":"-1"`, 1)))
	f.Add([]byte(`{"account":"0x12"}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r RelayClaimRequest
		err := DecodeJSON(bytes.NewReader(data), MaxRequestSize, &r)
		if err != nil {
			for _, se := range []error{ErrInvalid, ErrMalformed, ErrEmptyBody, ErrTrailingData, ErrTooLarge} {
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
		var again RelayClaimRequest
		if err := DecodeJSON(bytes.NewReader(b), MaxRequestSize, &again); err != nil {
			t.Fatalf("an accepted body does not decode again: %v\n%s", err, b)
		}
		if !reflect.DeepEqual(r, again) {
			t.Fatalf("round trip changed the body:\n%+v\n%+v", r, again)
		}
	})
}

// TestRelayClaimRequestFields: each bad field is named.
func TestRelayClaimRequestFields(t *testing.T) {
	for _, tc := range []struct{ name, old, new, field string }{
		{"negative total", `"cumulative_meadow":"2500000000000000000000"`, `"cumulative_meadow":"-1"`, "cumulative_meadow"},
		{"past uint256", `"cumulative_stable":"7000000"`, `"cumulative_stable":"` + strings.Repeat("9", 78) + `"`, "cumulative_stable"},
		{"fee above the total", `"fee_stable":"70000"`, `"fee_stable":"70000000"`, "fee_stable"},
		{"no deadline", `"deadline":1800000000`, `"deadline":0`, "deadline"},
		{"bad address", `"payout":"0x0000000000000000000000000000000000000000"`, `"payout":"0x12"`, "payout"},
		{"bad proof hash", `"proof":["0x5e`, `"proof":["0xzz`, "proof[0]"},
		{"short signature", `"signature":"0x2f19`, `"signature":"0x`, "signature"},
		{"unknown key", `"deadline":`, `"nonce":1,"deadline":`, "nonce"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.Replace(relaySeed, tc.old, tc.new, 1)
			if body == relaySeed {
				t.Fatal("the edit changed nothing")
			}
			var r RelayClaimRequest
			err := DecodeJSON(strings.NewReader(body), MaxRequestSize, &r)
			fes := FieldErrors(err)
			if len(fes) == 0 || fes[0].Field != tc.field {
				t.Fatalf("error %v, want one naming %q", err, tc.field)
			}
		})
	}
	var r RelayClaimRequest
	if err := DecodeJSON(strings.NewReader(relaySeed), MaxRequestSize, &r); err != nil {
		t.Fatal(err)
	}
}
