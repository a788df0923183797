package dataset_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/fxamacker/cbor/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/dataset/internal/vectors"
)

// TestVectorsUpToDate rebuilds the golden vectors in memory and compares
// them with dataset/testdata byte for byte: a change of format must come
// with regenerated files (make vectors), and review of their diff.
func TestVectorsUpToDate(t *testing.T) {
	files, err := vectors.Files()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatalf("%v (run make vectors)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/%s differs from what the code makes now: run `make vectors` and review the diff", name)
		}
	}
}

func readVectors(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// specNormalize is the normalization rule from the specification, written
// independently of the package: NFC, then split on White_Space and join
// with single spaces.
func specNormalize(s string) string {
	return strings.Join(strings.FieldsFunc(norm.NFC.String(s), func(r rune) bool { return unicode.Is(unicode.White_Space, r) }), " ")
}

func TestVectorsNormalize(t *testing.T) {
	var f struct{ Cases []vectors.TextCase }
	readVectors(t, "normalize.json", &f)
	if len(f.Cases) < 20 {
		t.Fatalf("only %d cases", len(f.Cases))
	}
	for _, c := range f.Cases {
		if hex.EncodeToString([]byte(c.Input)) != c.InputHex || hex.EncodeToString([]byte(c.Output)) != c.OutputHex {
			t.Errorf("%s: hex fields do not match the strings", c.Name)
		}
		if got := specNormalize(c.Input); got != c.Output {
			t.Errorf("%s: spec gives %+q, file says %+q", c.Name, got, c.Output)
		}
		if got := dataset.NormalizeText(c.Input); got != c.Output {
			t.Errorf("%s: NormalizeText gives %+q, file says %+q", c.Name, got, c.Output)
		}
	}
}

// TestVectorsRows recomputes each canonical encoding with an independent
// CBOR encoder (fxamacker/cbor in RFC 8949 core deterministic mode, floats
// kept in their 9-byte form) and each hash with crypto/sha256, and checks
// the strict decoder round trip.
func TestVectorsRows(t *testing.T) {
	var f struct{ Sets []vectors.RowSet }
	readVectors(t, "rows.json", &f)
	opts := cbor.CoreDetEncOptions()
	opts.ShortestFloat = cbor.ShortestFloatNone
	em, err := opts.EncMode()
	if err != nil {
		t.Fatal(err)
	}
	sawType := map[dataset.ColumnType]bool{}
	var sawLong, sawNull, sawEmpty bool
	for _, set := range f.Sets {
		for _, c := range set.Cases {
			row, err := vectors.RowFromJSON(set.Schema, c.Row)
			if err != nil {
				t.Fatalf("%s/%s: %v", set.Name, c.Name, err)
			}
			var content []any
			for i, col := range set.Schema.Columns {
				if col.Role != dataset.RoleContent {
					continue
				}
				v := row[i]
				if s, ok := v.(string); ok {
					v = specNormalize(s)
					sawEmpty = sawEmpty || s == ""
				}
				sawNull = sawNull || v == nil
				sawType[col.Type] = sawType[col.Type] || v != nil
				content = append(content, v)
			}
			want, err := em.Marshal(content)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(want) != c.Canonical {
				t.Errorf("%s/%s: independent CBOR %x, file %s", set.Name, c.Name, want, truncate(c.Canonical))
			}
			if h := sha256.Sum256(want); hex.EncodeToString(h[:]) != c.RowHash {
				t.Errorf("%s/%s: SHA-256 differs", set.Name, c.Name)
			}
			sawLong = sawLong || strings.HasPrefix(c.Canonical[18:], "7a") || strings.Contains(c.Canonical, "7a00011170")
			dec, err := dataset.DecodeCanonical(set.Schema, want)
			if err != nil {
				t.Errorf("%s/%s: decode: %v", set.Name, c.Name, err)
				continue
			}
			again, _ := dataset.AppendCanonical(nil, set.Schema, dec)
			if !bytes.Equal(again, want) {
				t.Errorf("%s/%s: decode/encode round trip", set.Name, c.Name)
			}
		}
	}
	if !sawLong || !sawNull || !sawEmpty {
		t.Errorf("vectors lack a case: 4-byte length %v, null %v, empty string %v", sawLong, sawNull, sawEmpty)
	}
	for _, ct := range []dataset.ColumnType{dataset.TypeString, dataset.TypeInt64, dataset.TypeBytes, dataset.TypeUint32List, dataset.TypeInt32List,
		dataset.TypeUint64List, dataset.TypeFloat64, dataset.TypeBool, dataset.TypeStringList, dataset.TypeInt64List} {
		if !sawType[ct] {
			t.Errorf("no row vector has a %s value", ct)
		}
	}
}

// TestJSNumber: floats in the vectors are written as JavaScript prints
// them (these are what node prints for each), and read back exactly.
func TestJSNumber(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {1, "1"}, {-1, "-1"}, {0.1, "0.1"}, {100, "100"}, {1.0 / 3, "0.3333333333333333"},
		{123456789012, "123456789012"}, {1 << 53, "9007199254740992"}, {1e20, "100000000000000000000"},
		{1e21, "1e+21"}, {1.5e21, "1.5e+21"}, {1e-6, "0.000001"}, {1.5e-6, "0.0000015"}, {1e-7, "1e-7"}, {1.5e-7, "1.5e-7"},
		{math.MaxFloat64, "1.7976931348623157e+308"}, {-math.MaxFloat64, "-1.7976931348623157e+308"},
		{math.SmallestNonzeroFloat64, "5e-324"}, {0x1p-1022, "2.2250738585072014e-308"}, {-2.5e-300, "-2.5e-300"},
	} {
		got := vectors.JSNumber(tt.v)
		if got != tt.want {
			t.Errorf("JSNumber(%v) = %q, want %q", tt.v, got, tt.want)
		}
		if back, err := strconv.ParseFloat(got, 64); err != nil || back != tt.v {
			t.Errorf("%q reads back as %v, %v", got, back, err)
		}
	}
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func sha(parts ...[]byte) [32]byte {
	return sha256.Sum256(bytes.Join(parts, nil))
}

// specMTH is RFC 6962's Merkle Tree Hash as the RFC writes it.
func specMTH(d [][]byte) [32]byte {
	if len(d) == 0 {
		return sha256.Sum256(nil)
	}
	if len(d) == 1 {
		return sha([]byte{0}, d[0])
	}
	k := 1
	for k*2 < len(d) {
		k *= 2
	}
	l, r := specMTH(d[:k]), specMTH(d[k:])
	return sha([]byte{1}, l[:], r[:])
}

func decodeHexes(t *testing.T, hs []string) [][]byte {
	out := make([][]byte, len(hs))
	for i, h := range hs {
		b, err := hex.DecodeString(h)
		if err != nil || len(b) != 32 {
			t.Fatalf("bad hash %q", h)
		}
		out[i] = b
	}
	return out
}

func TestVectorsRoots(t *testing.T) {
	var f struct{ Cases []vectors.RootCase }
	readVectors(t, "roots.json", &f)
	for _, c := range f.Cases {
		in := decodeHexes(t, c.RowHashes)
		sorted := decodeHexes(t, c.Sorted)
		// Sorted must be the input, sorted bytewise.
		check := append([][]byte(nil), in...)
		for i := 1; i < len(check); i++ {
			for j := i; j > 0 && bytes.Compare(check[j-1], check[j]) > 0; j-- {
				check[j-1], check[j] = check[j], check[j-1]
			}
		}
		for i := range check {
			if !bytes.Equal(check[i], sorted[i]) {
				t.Fatalf("%s: sorted differs at %d", c.Name, i)
			}
		}
		root := specMTH(sorted)
		if hex.EncodeToString(root[:]) != c.Root {
			t.Errorf("%s: RFC 6962 root %x, file %s", c.Name, root, c.Root)
		}
	}
}

// specVerify is RFC 9162, section 2.1.3.2, with crypto/sha256.
func specVerify(index, size uint64, rowHash []byte, path [][]byte, root []byte) bool {
	if index >= size {
		return false
	}
	fn, sn := index, size-1
	r := sha([]byte{0}, rowHash)
	for _, p := range path {
		if sn == 0 {
			return false
		}
		if fn&1 == 1 || fn == sn {
			r = sha([]byte{1}, p, r[:])
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = sha([]byte{1}, r[:], p)
		}
		fn >>= 1
		sn >>= 1
	}
	return sn == 0 && bytes.Equal(r[:], root)
}

func TestVectorsProofs(t *testing.T) {
	var f struct{ Cases []vectors.ProofCase }
	readVectors(t, "proofs.json", &f)
	if len(f.Cases) < 50 {
		t.Fatalf("only %d proofs", len(f.Cases))
	}
	for _, c := range f.Cases {
		rh := decodeHexes(t, []string{c.RowHash})[0]
		root := decodeHexes(t, []string{c.Root})[0]
		path := decodeHexes(t, c.Path)
		if !specVerify(c.Index, c.Size, rh, path, root) {
			t.Errorf("%s #%d: does not verify by RFC 9162", c.Set, c.Index)
		}
		p := dataset.InclusionProof{Version: dataset.ProofVersion, Index: c.Index, Size: c.Size}
		copy(p.RowHash[:], rh)
		for _, h := range path {
			var x dataset.Hash
			copy(x[:], h)
			p.Path = append(p.Path, x)
		}
		var r dataset.Hash
		copy(r[:], root)
		if err := dataset.CheckProof(p, r); err != nil {
			t.Errorf("%s #%d: CheckProof: %v", c.Set, c.Index, err)
		}
	}
}

func TestVectorsInvalid(t *testing.T) {
	var f struct {
		Schema     dataset.Schema
		Cases      []vectors.InvalidCase
		WasmSchema dataset.Schema        `json:"wasm_schema"`
		WasmCases  []vectors.InvalidCase `json:"wasm_cases"`
	}
	readVectors(t, "invalid_canonical.json", &f)
	if len(f.WasmCases) < 10 {
		t.Fatalf("only %d cases for the wasm schema", len(f.WasmCases))
	}
	for _, set := range []struct {
		s     dataset.Schema
		cases []vectors.InvalidCase
	}{{f.Schema, f.Cases}, {f.WasmSchema, f.WasmCases}} {
		for i, c := range set.cases {
			b, _ := hex.DecodeString(c.Hex)
			_, err := dataset.DecodeCanonical(set.s, b)
			if (i == 0) != (err == nil) {
				t.Errorf("%s: got %v", c.Name, err)
			}
		}
	}
}

func TestVectorsManifest(t *testing.T) {
	var f struct {
		Manifest       json.RawMessage
		JCS            string
		Digest, Signer string
		TestPrivateKey string `json:"test_private_key"`
	}
	readVectors(t, "manifest.json", &f)
	m, err := dataset.ParseManifest(f.Manifest)
	if err != nil {
		t.Fatal(err)
	}
	d := sha256.Sum256(append([]byte("meadow-manifest-v1\n"), f.JCS...))
	if hex.EncodeToString(d[:]) != f.Digest {
		t.Fatal("digest is not SHA-256 of the domain and the JCS text")
	}
	if got, _ := m.Digest(); got.String() != f.Digest {
		t.Fatalf("Digest %s, file %s", got, f.Digest)
	}
	if err := m.VerifySignatures(dataset.EthereumVerifier, 1, []string{f.Signer}); err != nil {
		t.Fatal(err)
	}
	key, _ := crypto.HexToECDSA(f.TestPrivateKey)
	if crypto.PubkeyToAddress(key.PublicKey).Hex() != f.Signer {
		t.Fatal("signer is not the test key's address")
	}
}
