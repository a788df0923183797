package api

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

func TestHash(t *testing.T) {
	h, err := ParseHash(strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(h)
	if string(b) != `"`+strings.Repeat("ab", 32)+`"` {
		t.Fatalf("JSON %s", b)
	}
	if h.String() != strings.Repeat("ab", 32) || h.IsZero() || !(Hash{}).IsZero() {
		t.Fatal("String or IsZero")
	}
	for _, bad := range []string{"", strings.Repeat("AB", 32), "0x" + strings.Repeat("ab", 31), strings.Repeat("ab", 33), strings.Repeat("zz", 32)} {
		if _, err := ParseHash(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseHash(%q) = %v", bad, err)
		}
	}
}

func TestSignatureText(t *testing.T) {
	var s Signature
	s[0], s[64] = 0xAB, 27
	b, _ := json.Marshal(s)
	var back Signature
	if err := json.Unmarshal(b, &back); err != nil || back != s {
		t.Fatalf("round trip %s: %v", b, err)
	}
	if err := json.Unmarshal([]byte(strings.ToUpper(string(b))), &back); err != nil || back != s {
		t.Fatalf("uppercase: %v", err)
	}
	for _, bad := range []string{`"ab"`, `"` + strings.Repeat("0", 130) + `"`, `"0x` + strings.Repeat("zz", 65) + `"`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func TestParseAddress(t *testing.T) {
	const checksummed = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed" // EIP-55's example
	tests := []struct {
		name string
		in   string
		ok   bool
		want string
	}{
		{name: "checksummed", in: checksummed, ok: true},
		{name: "lowercase", in: strings.ToLower(checksummed), ok: true},
		{name: "uppercase digits", in: "0x" + strings.ToUpper(checksummed[2:]), ok: true},
		{name: "bad checksum", in: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", want: "EIP-55 checksum"},
		{name: "no prefix", in: checksummed[2:], want: "0x and 40 hex digits"},
		{name: "short", in: checksummed[:41], want: "0x and 40 hex digits"},
		{name: "not hex", in: "0x" + strings.Repeat("g", 40), want: "0x and 40 hex digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseAddress(tt.in)
			if tt.ok {
				if err != nil || a != common.HexToAddress(checksummed) {
					t.Fatalf("ParseAddress = %s, %v", a.Hex(), err)
				}
				return
			}
			checkFieldErr(t, err, "address", tt.want)
			if strings.Contains(err.Error(), checksummed) {
				t.Fatal("the error gives the right checksum away")
			}
		})
	}
}
