package rewards

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseAddress(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{name: "lowercase", in: "0x00000000000000000000000000000000000000ab", want: "0x00000000000000000000000000000000000000ab"},
		{name: "mixed case", in: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", want: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"},
		{name: "no prefix", in: "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00", wantErr: true},
		{name: "capital X", in: "0X5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", wantErr: true},
		{name: "too short", in: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea", wantErr: true},
		{name: "too long", in: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00", wantErr: true},
		{name: "not hex", in: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg", wantErr: true},
		{name: "empty", in: "", wantErr: true},
		{name: "spaces", in: " 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseAddress(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidAddress) || !strings.Contains(err.Error(), tt.in) {
					t.Fatalf("ParseAddress(%q) error = %v, want %v naming the value", tt.in, err, ErrInvalidAddress)
				}
				return
			}
			if err != nil || a.String() != tt.want {
				t.Fatalf("ParseAddress(%q) = %s, %v, want %s", tt.in, a, err, tt.want)
			}
		})
	}
}

func TestAddressJSON(t *testing.T) {
	in := map[Address]uint64{addr(1): 10, {0: 0xab}: 20}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"0x0000000000000000000000000000000000000001":10,"0xab00000000000000000000000000000000000000":20}`
	if string(data) != want {
		t.Fatalf("Marshal = %s, want %s", data, want)
	}
	var out map[Address]uint64
	if err := json.Unmarshal(data, &out); err != nil || len(out) != 2 || out[addr(1)] != 10 {
		t.Fatalf("Unmarshal = %v, %v", out, err)
	}
	var a Address
	if err := json.Unmarshal([]byte(`"0x12"`), &a); !errors.Is(err, ErrInvalidAddress) {
		t.Fatalf("Unmarshal of a short address: %v", err)
	}
}

func FuzzParseAddress(f *testing.F) {
	f.Add("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
	f.Add("0x0000000000000000000000000000000000000000")
	f.Add("0x")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAddress(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidAddress) {
				t.Fatalf("error %v does not wrap %v", err, ErrInvalidAddress)
			}
			return
		}
		if len(s) != 42 || s[:2] != "0x" {
			t.Fatalf("accepted %q", s)
		}
		if a.String() != "0x"+strings.ToLower(s[2:]) {
			t.Fatalf("String() = %s for %q", a, s)
		}
		b, err := ParseAddress(a.String())
		if err != nil || b != a {
			t.Fatalf("round trip of %s: %s, %v", a, b, err)
		}
	})
}
