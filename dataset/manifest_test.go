package dataset

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
)

func testManifest(tb testing.TB) *Manifest {
	tb.Helper()
	s, _ := sampleCrawlRows(tb)
	r1 := ContentRoot([]Hash{sum256([]byte("a")), sum256([]byte("b"))})
	r2 := ContentRoot([]Hash{sum256([]byte("c"))})
	return &Manifest{
		Version:   ManifestVersion,
		DatasetID: "ds-1",
		JobID:     "job-7",
		Kind:      KindCrawl,
		Schema:    s,
		Tasks: []ManifestTask{
			{TaskID: "job-7:0", Root: r1, Rows: 2, BlobSHA256: sum256([]byte("blob0"))},
			{TaskID: "job-7:1", Root: r2, Rows: 1, BlobSHA256: sum256([]byte("blob1"))},
		},
		TotalRows:  3,
		Root:       ContentRoot([]Hash{sum256([]byte("a")), sum256([]byte("b")), sum256([]byte("c"))}),
		CreatedAt:  time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC),
		Signatures: []Signature{},
	}
}

func TestManifestRoundTrip(t *testing.T) {
	m := testManifest(t)
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseManifest(js)
	if err != nil {
		t.Fatalf("%v\n%s", err, js)
	}
	js2, _ := json.MarshalIndent(back, "", "  ")
	if string(js) != string(js2) {
		t.Fatalf("round trip changed the manifest:\n%s\n%s", js, js2)
	}
	if !strings.Contains(string(js), `"created_at": "2026-11-23T05:00:00Z"`) {
		t.Fatalf("created_at not in RFC 3339 UTC:\n%s", js)
	}
}

func TestManifestErrorsNameTheField(t *testing.T) {
	good, _ := json.Marshal(testManifest(t))
	var base map[string]any
	if err := json.Unmarshal(good, &base); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		edit   func(m map[string]any)
		raw    string
		field  string
		expect string
	}{
		{name: "bad task root", edit: func(m map[string]any) { task(m, 1)["root"] = "zz" }, field: "tasks[1].root", expect: `tasks[1].root "zz": expected 64 lowercase hex digits`},
		{name: "upper-case root", edit: func(m map[string]any) { m["root"] = strings.ToUpper(m["root"].(string)) }, field: "root"},
		{name: "unknown field", edit: func(m map[string]any) { m["extra"] = 1 }, field: "extra", expect: "unknown field"},
		{name: "unknown task field", edit: func(m map[string]any) { task(m, 0)["x"] = 1 }, field: "x", expect: "unknown field"},
		{name: "missing version", edit: func(m map[string]any) { delete(m, "version") }, field: "version", expect: "missing"},
		{name: "version", edit: func(m map[string]any) { m["version"] = 2 }, field: "version", expect: "expected 1"},
		{name: "rows sum", edit: func(m map[string]any) { m["total_rows"] = 4 }, field: "total_rows", expect: "expected 3"},
		{name: "fractional rows", edit: func(m map[string]any) { m["total_rows"] = 3.5 }, field: "total_rows", expect: "integer"},
		{name: "negative rows", edit: func(m map[string]any) { task(m, 0)["rows"] = -1 }, field: "tasks[0].rows"},
		{name: "duplicate task", edit: func(m map[string]any) { task(m, 1)["task_id"] = "job-7:0" }, field: "tasks[1].task_id", expect: "duplicate of tasks[0]"},
		{name: "bad id", edit: func(m map[string]any) { m["dataset_id"] = "a b" }, field: "dataset_id"},
		{name: "kind", edit: func(m map[string]any) { m["kind"] = "compute" }, field: "schema.kind"},
		{name: "created_at zone", edit: func(m map[string]any) { m["created_at"] = "2026-11-23T06:00:00+01:00" }, field: "created_at"},
		{name: "created_at zeros", edit: func(m map[string]any) { m["created_at"] = "2026-11-23T05:00:00.000Z" }, field: "created_at"},
		{name: "bad signer", edit: func(m map[string]any) {
			m["signatures"] = []any{map[string]any{"signer": "0x12", "signature": "0x00"}}
		}, field: "signatures[0].signer"},
		{name: "bad signature hex", edit: func(m map[string]any) {
			m["signatures"] = []any{map[string]any{"signer": "0x00000000000000000000000000000000000000aa", "signature": "zz"}}
		}, field: "signatures[0].signature"},
		{name: "schema type", edit: func(m map[string]any) {
			m["schema"].(map[string]any)["columns"].([]any)[0].(map[string]any)["type"] = "float"
		}, field: "schema.columns[0].type", expect: "expected one of"},
		{name: "schema unknown field", edit: func(m map[string]any) {
			m["schema"].(map[string]any)["columns"].([]any)[1].(map[string]any)["width"] = 3
		}, field: "schema.columns[1].width", expect: "unknown field"},
		{name: "schema duplicate column", edit: func(m map[string]any) {
			cols := m["schema"].(map[string]any)["columns"].([]any)
			cols[1].(map[string]any)["name"] = "url"
		}, field: "schema.columns[1].name", expect: "duplicate column"},
		{name: "trailing", raw: string(good) + "{}", field: "(document)", expect: "nothing after"},
		{name: "empty", raw: "", field: "(document)"},
		{name: "not json", raw: "{", field: "(document)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := []byte(tt.raw)
			if tt.edit != nil {
				var m map[string]any
				_ = json.Unmarshal(good, &m)
				tt.edit(m)
				doc, _ = json.Marshal(m)
			}
			_, err := ParseManifest(doc)
			var me *ManifestError
			if !errors.As(err, &me) || !errors.Is(err, ErrInvalidManifest) || me.Field != tt.field || !strings.Contains(err.Error(), tt.expect) {
				t.Fatalf("got %v (field %q), want field %q and %q", err, fieldOf(me), tt.field, tt.expect)
			}
			t.Log(err)
		})
	}
}

func task(m map[string]any, i int) map[string]any { return m["tasks"].([]any)[i].(map[string]any) }

func fieldOf(e *ManifestError) string {
	if e == nil {
		return ""
	}
	return e.Field
}

func TestManifestSignatures(t *testing.T) {
	m := testManifest(t)
	var addrs []string
	for i := 0; i < 3; i++ {
		key, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		addr := crypto.PubkeyToAddress(key.PublicKey).Hex()
		addrs = append(addrs, addr)
		if err := m.AddSignature(addr, func(d Hash) ([]byte, error) { return crypto.Sign(d[:], key) }); err != nil {
			t.Fatal(err)
		}
	}
	js, _ := json.Marshal(m)
	m2, err := ParseManifest(js)
	if err != nil {
		t.Fatal(err)
	}
	if err := m2.VerifySignatures(EthereumVerifier, 3, addrs); err != nil {
		t.Fatal(err)
	}
	if err := m2.VerifySignatures(EthereumVerifier, 3, addrs[:2]); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("quorum of allowed signers: %v", err)
	}
	// Any change to the signed content breaks every signature.
	m2.TotalRows, m2.Tasks[1].Rows = 4, 2
	if err := m2.VerifySignatures(EthereumVerifier, 1, addrs); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("tampered manifest: %v", err)
	}
	// A signature claimed by the wrong signer fails.
	m3, _ := ParseManifest(js)
	m3.Signatures[0].Signer = addrs[1]
	if err := m3.VerifySignatures(EthereumVerifier, 1, addrs); !errors.Is(err, ErrBadSignature) || !strings.Contains(err.Error(), "signatures[0]") {
		t.Fatalf("wrong signer: %v", err)
	}
	// Trusting nobody, or a quorum of none, checks nothing: refused.
	if err := m2.VerifySignatures(EthereumVerifier, 1, nil); !errors.Is(err, ErrBadSignature) || !strings.Contains(err.Error(), "no trusted signers") {
		t.Fatalf("no trusted signers: %v", err)
	}
	if err := m.VerifySignatures(EthereumVerifier, 0, addrs); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("quorum 0: %v", err)
	}
	// A stranger's valid signature does not count towards the quorum.
	stranger, _ := crypto.GenerateKey()
	m4, _ := ParseManifest(js)
	m4.Signatures = m4.Signatures[:1]
	sa := crypto.PubkeyToAddress(stranger.PublicKey).Hex()
	if err := m4.AddSignature(sa, func(d Hash) ([]byte, error) { return crypto.Sign(d[:], stranger) }); err != nil {
		t.Fatal(err)
	}
	if err := m4.VerifySignatures(EthereumVerifier, 2, addrs); !errors.Is(err, ErrBadSignature) || !strings.Contains(err.Error(), sa) {
		t.Fatalf("a stranger's signature counted: %v", err)
	}
	// The digest does not depend on the signatures.
	d1, _ := m.Digest()
	m.Signatures = nil
	d2, _ := m.Digest()
	if d1 != d2 {
		t.Fatal("digest depends on the signatures")
	}
}

func TestJCSString(t *testing.T) {
	got := string(appendJCSString(nil, "a\"\\\b\t\n\f\r\x01\x1f\x7fé\u2028</>&"))
	want := `"a\"\\\b\t\n\f\r\u0001\u001f` + "\x7fé\u2028</>&" + `"`
	if got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	v := map[string]any{"b": json.Number("1"), "a": []any{true, nil, "x"}, "\u00e9": json.Number("-2"), "Z": map[string]any{}}
	b, err := appendJCS(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"Z":{},"a":[true,null,"x"],"b":1,"é":-2}` {
		t.Fatalf("got %s", b)
	}
	if _, err := appendJCS(nil, json.Number("1.5")); err == nil {
		t.Fatal("fraction accepted")
	}
}

func FuzzParseManifest(f *testing.F) {
	good, _ := json.Marshal(testManifest(f))
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"version":1,"tasks":[{"root":"zz"}]}`))
	f.Add([]byte(strings.Replace(string(good), `"rows":2`, `"rows":1e3`, 1)))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseManifest(b)
		if err != nil {
			if !errors.Is(err, ErrInvalidManifest) {
				t.Fatalf("error does not wrap ErrInvalidManifest: %v", err)
			}
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("parsed manifest does not validate: %v", err)
		}
		js, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := ParseManifest(js)
		if err != nil {
			t.Fatalf("re-encoded manifest does not parse: %v\n%s", err, js)
		}
		js2, _ := json.Marshal(m2)
		if string(js) != string(js2) {
			t.Fatalf("not stable:\n%s\n%s", js, js2)
		}
		if _, err := m.Digest(); err != nil {
			t.Fatal(err)
		}
	})
}
