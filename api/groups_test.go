package api

import (
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

func testGroupMap(t testing.TB, n int, keys ...*ecdsa.PrivateKey) GroupMap {
	t.Helper()
	m := GroupMap{Format: GroupMapFormat, ChainID: 1337, Epoch: 1}
	for i, s := range EvenGroupStarts(n) {
		m.Groups = append(m.Groups, Group{ID: fmt.Sprintf("g%d", i+1), Start: s,
			Members: []string{fmt.Sprintf("http://127.0.0.%d:7000", i+1), fmt.Sprintf("http://127.0.0.%d:7001", i+1)}})
	}
	for _, k := range keys {
		if err := m.Sign(k); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func TestEvenGroupStarts(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want []string
	}{
		{1, []string{"0x0000000000000000"}},
		{2, []string{"0x0000000000000000", "0x8000000000000000"}},
		{4, []string{"0x0000000000000000", "0x4000000000000000", "0x8000000000000000", "0xc000000000000000"}},
		{3, []string{"0x0000000000000000", "0x5555555555555555", "0xaaaaaaaaaaaaaaaa"}},
	} {
		if got := EvenGroupStarts(tt.n); strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("EvenGroupStarts(%d) = %v, want %v", tt.n, got, tt.want)
		}
	}
}

// TestGroupHome checks Home against the definition (the last group whose
// start is at most the key's hash) at the edges of every range, and that
// even ranges share keys out about evenly.
func TestGroupHome(t *testing.T) {
	m := testGroupMap(t, 4)
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	count := make([]int, 4)
	for i := range 4000 {
		key := fmt.Sprintf("0x%040x", i)
		h := KeyHash(key)
		want := int(h >> 62)
		if got := m.Home(key); got != want {
			t.Fatalf("Home(%q) = %d, want %d (hash %016x)", key, got, want, h)
		}
		count[want]++
	}
	for i, c := range count {
		if c < 850 || c > 1150 {
			t.Errorf("group %d got %d of 4000 keys; expected about 1000", i, c)
		}
	}
	// JobKey: a pipeline's stages live with the pipeline.
	if JobKey("p-00000000000000ab.crawl") != "p-00000000000000ab" || JobKey("j-1") != "j-1" ||
		JobKey("ds-j-1") != "j-1" || JobKey("ds-p-2.tokens") != "p-2" {
		t.Fatal("JobKey")
	}
	// The hash is keccak256's first eight bytes: a vector fixed here so
	// that every implementation (the extension's too) places keys alike.
	if got := KeyHash("0x00000000000000000000000000000000000000aa"); got != 0xf253efd7a2f2f2a5 { // js-sha3 keccak256, first 8 bytes
		t.Errorf("KeyHash = %016x", got)
	}
}

func TestGroupMapValidate(t *testing.T) {
	key, _ := crypto.GenerateKey()
	good := testGroupMap(t, 3, key)
	tests := []struct {
		name  string
		edit  func(*GroupMap)
		field string
	}{
		{"format", func(m *GroupMap) { m.Format = "meadow-groups/2" }, "format"},
		{"chain", func(m *GroupMap) { m.ChainID = 0 }, "chain_id"},
		{"epoch", func(m *GroupMap) { m.Epoch = 0 }, "epoch"},
		{"no groups", func(m *GroupMap) { m.Groups = nil }, "groups"},
		{"bad id", func(m *GroupMap) { m.Groups[1].ID = "G 2" }, "groups[1].id"},
		{"dup id", func(m *GroupMap) { m.Groups[2].ID = "g1" }, "groups[2].id"},
		{"first start", func(m *GroupMap) { m.Groups[0].Start = "0x0000000000000001" }, "groups[0].start"},
		{"start order", func(m *GroupMap) { m.Groups[2].Start = m.Groups[1].Start }, "groups[2].start"},
		{"start form", func(m *GroupMap) { m.Groups[1].Start = "0x5555" }, "groups[1].start"},
		{"start upper", func(m *GroupMap) { m.Groups[1].Start = "0x555555555555555A" }, "groups[1].start"},
		{"no members", func(m *GroupMap) { m.Groups[0].Members = nil }, "groups[0].members"},
		{"member url", func(m *GroupMap) { m.Groups[0].Members[1] = "ftp://x" }, "groups[0].members[1]"},
		{"member twice", func(m *GroupMap) { m.Groups[2].Members[0] = m.Groups[0].Members[0] }, "groups[2].members[0]"},
		{"sig length", func(m *GroupMap) { m.Signatures[0].Signature = m.Signatures[0].Signature[:64] }, "signatures[0].signature"},
		{"zero signer", func(m *GroupMap) { m.Signatures[0].Signer = common.Address{} }, "signatures[0].signer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m GroupMap
			b, _ := json.Marshal(good)
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			tt.edit(&m)
			err := m.Validate()
			fes := FieldErrors(err)
			if len(fes) == 0 || fes[0].Field != tt.field {
				t.Fatalf("Validate() = %v, want an error naming %s", err, tt.field)
			}
		})
	}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestGroupMapSignatures(t *testing.T) {
	k1, _ := crypto.GenerateKey()
	k2, _ := crypto.GenerateKey()
	stranger, _ := crypto.GenerateKey()
	ops := []common.Address{crypto.PubkeyToAddress(k1.PublicKey), crypto.PubkeyToAddress(k2.PublicKey)}
	trust := GroupTrust{ChainID: 1337, Operators: ops, Threshold: 2}

	m := testGroupMap(t, 2, k1, k2)
	if err := trust.Verify(m); err != nil {
		t.Fatalf("a map signed by both operators: %v", err)
	}
	// Signing again replaces the signer's signature.
	if err := m.Sign(k1); err != nil || len(m.Signatures) != 2 {
		t.Fatalf("re-sign: %v, %d signatures", err, len(m.Signatures))
	}
	for _, tt := range []struct {
		name string
		m    func() GroupMap
		want string
	}{
		{"one of two", func() GroupMap { return testGroupMap(t, 2, k1) }, "1 signatures by the network's 2 operators"},
		{"a stranger's does not count", func() GroupMap { return testGroupMap(t, 2, k1, stranger) }, "1 signatures"},
		{"changed after signing", func() GroupMap {
			m := testGroupMap(t, 2, k1, k2)
			m.Groups[1].Members[0] = "http://evil.example:7000"
			return m
		}, "is not"},
		{"other chain", func() GroupMap {
			m := testGroupMap(t, 2)
			m.ChainID = 1
			_ = m.Sign(k1)
			_ = m.Sign(k2)
			return m
		}, "chain 1"},
		{"signer swapped", func() GroupMap {
			m := testGroupMap(t, 2, k1, k2)
			m.Signatures[0].Signer = ops[1]
			m.Signatures[1].Signer = ops[0]
			return m
		}, "is not"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := trust.Verify(tt.m())
			if !errors.Is(err, ErrBadSignature) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Verify = %v, want ErrBadSignature with %q", err, tt.want)
			}
		})
	}
	if err := (GroupTrust{ChainID: 1337}).Verify(m); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("no operators: %v", err)
	}
}

func TestGroupMapRoundTrip(t *testing.T) {
	key, _ := crypto.GenerateKey()
	m := testGroupMap(t, 5, key)
	b, err := MarshalGroupMap(m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseGroupMap(b)
	if err != nil {
		t.Fatal(err)
	}
	d1, _ := m.Digest()
	d2, _ := back.Digest()
	if d1 != d2 {
		t.Fatal("digest changed through JSON")
	}
	if _, err := ParseGroupMap(append(b[:len(b)-2], []byte(`,"x":1}`)...)); !errors.Is(err, ErrUnknownField) {
		t.Fatalf("unknown key: %v", err)
	}
	if _, err := ParseGroupMap(make([]byte, MaxGroupMapSize+1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("too large: %v", err)
	}
}

func TestWrongGroupErrorBody(t *testing.T) {
	status, body, ok := ErrorFor(fmt.Errorf("x: %w", &WrongGroupError{What: "node 0xab", Group: "g2", Epoch: 7}))
	if !ok || status != 421 || body.Error.Code != CodeWrongGroup || body.Error.Group != "g2" || body.Error.GroupsEpoch != 7 {
		t.Fatalf("ErrorFor = %d %+v %v", status, body, ok)
	}
	if !errors.Is(body.Err(status), ErrWrongGroup) {
		t.Fatal("remote wrong_group is not ErrWrongGroup")
	}
}

// FuzzParseGroupMap: any input is refused with an error or gives a valid
// map that survives a round trip with the same digest, and whose Home is
// a group index for any key.
func FuzzParseGroupMap(f *testing.F) {
	key, _ := crypto.GenerateKey()
	good, _ := MarshalGroupMap(testGroupMap(f, 3, key))
	f.Add(good)
	f.Add([]byte(`{"format":"meadow-groups/1","chain_id":1,"epoch":1,"groups":[{"id":"a","start":"0x0000000000000000","members":["http://a:1"]}]}`))
	f.Add([]byte(`{"format":"meadow-groups/1","chain_id":1,"epoch":1,"groups":[{"id":"a","start":"0x0000000000000001","members":["http://a:1"]}]}`))
	f.Add([]byte(`{"groups":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseGroupMap(data)
		if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("parsed map does not validate: %v", err)
		}
		b, err := MarshalGroupMap(m)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseGroupMap(b)
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		d1, _ := m.Digest()
		d2, _ := back.Digest()
		if d1 != d2 {
			t.Fatal("digest changed")
		}
		for _, k := range []string{"", "x", string(data)} {
			if h := m.Home(k); h < 0 || h >= len(m.Groups) {
				t.Fatalf("Home(%q) = %d of %d groups", k, h, len(m.Groups))
			}
		}
	})
}
