package api

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

var testNow = time.Unix(1_767_225_000, 0)

func testKey(t testing.TB, i int) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("meadow api test key " + strconv.Itoa(i))))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func testCommitment() Commitment {
	return Commitment{TaskID: "t-1", LeaseID: "l-1", Root: Hash{1, 2, 3}, Rows: 3}
}

func signed(t testing.TB, edit func(*Envelope)) Envelope {
	t.Helper()
	e, err := Sign(testKey(t, 1), MethodCommit, testCommitment(), 5, testNow.Add(time.Minute), DevDomain())
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(&e)
	}
	return e
}

func TestSignVerify(t *testing.T) {
	e := signed(t, nil)
	got, err := e.Verify(testNow, DevDomain())
	if err != nil {
		t.Fatal(err)
	}
	if want := crypto.PubkeyToAddress(testKey(t, 1).PublicKey); got != want || e.Signer != want {
		t.Fatalf("signer %s, want %s", got.Hex(), want.Hex())
	}
	if v := e.Signature[64]; v != 27 && v != 28 {
		t.Fatalf("v = %d, want 27 or 28", v)
	}
	// It survives a JSON round trip through strict decoding.
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var e2 Envelope
	if err := DecodeJSON(bytes.NewReader(b), MaxRequestSize, &e2); err != nil {
		t.Fatal(err)
	}
	if _, err := e2.Verify(testNow, DevDomain()); err != nil {
		t.Fatalf("after a round trip: %v", err)
	}
}

func TestVerifyRejects(t *testing.T) {
	other := crypto.PubkeyToAddress(testKey(t, 2).PublicKey)
	n := crypto.S256().Params().N
	tests := []struct {
		name   string
		env    Envelope
		now    time.Time
		domain Domain
		want   error
	}{
		{name: "valid", env: signed(t, nil)},
		{name: "valid just before expiry", env: signed(t, nil), now: testNow.Add(time.Minute - time.Second)},
		{name: "valid at the farthest expiry", env: signed(t, nil), now: testNow.Add(time.Minute - MaxExpiry)},
		{name: "v as 0 or 1", env: signed(t, func(e *Envelope) { e.Signature[64] -= 27 })},
		{name: "expired", env: signed(t, nil), now: testNow.Add(time.Minute), want: ErrExpired},
		{name: "expiry too far", env: signed(t, nil), now: testNow.Add(time.Minute - MaxExpiry - time.Second), want: ErrExpiryTooFar},
		{name: "other domain", env: signed(t, nil), domain: DomainFor(1), want: ErrBadSignature},
		{name: "other signer claimed", env: signed(t, func(e *Envelope) { e.Signer = other }), want: ErrBadSignature},
		{name: "body changed", env: signed(t, func(e *Envelope) { e.Body = []byte(strings.Replace(string(e.Body), `"rows":3`, `"rows":4`, 1)) }), want: ErrBadSignature},
		{name: "nonce changed", env: signed(t, func(e *Envelope) { e.Nonce++ }), want: ErrBadSignature},
		{name: "expiry changed", env: signed(t, func(e *Envelope) { e.Expiry++ }), want: ErrBadSignature},
		{name: "method changed", env: signed(t, func(e *Envelope) { e.Method = MethodReveal }), want: ErrBadSignature},
		{name: "v out of range", env: signed(t, func(e *Envelope) { e.Signature[64] = 29 }), want: ErrBadSignature},
		{name: "zero signature", env: signed(t, func(e *Envelope) { e.Signature = Signature{} }), want: ErrBadSignature},
		{name: "high s", env: signed(t, func(e *Envelope) {
			// (r, n-s, v^1) is the same signature's malleable twin.
			s := new(big.Int).SetBytes(e.Signature[32:64])
			new(big.Int).Sub(n, s).FillBytes(e.Signature[32:64])
			e.Signature[64] = 27 + (e.Signature[64] - 27) ^ 1
		}), want: ErrBadSignature},
		{name: "no signer", env: signed(t, func(e *Envelope) { e.Signer = common.Address{} }), want: ErrInvalid},
		{name: "nonce zero", env: signed(t, func(e *Envelope) { e.Nonce = 0 }), want: ErrInvalid},
		{name: "nonce above 2^53", env: signed(t, func(e *Envelope) { e.Nonce = MaxNonce + 1 }), want: ErrInvalid},
		{name: "bad method", env: signed(t, func(e *Envelope) { e.Method = "Node Commit" }), want: ErrInvalid},
		{name: "empty body", env: signed(t, func(e *Envelope) { e.Body = nil }), want: ErrInvalid},
		{name: "array body", env: signed(t, func(e *Envelope) { e.Body = []byte(`[1]`) }), want: ErrInvalid},
		{name: "body with spaces", env: signed(t, func(e *Envelope) { e.Body = []byte(`{"a": 1}`) }), want: ErrBodyNotCanonical},
		{name: "body with raw ampersand", env: signed(t, func(e *Envelope) { e.Body = []byte(`{"a":"x&y"}`) }), want: ErrBodyNotCanonical},
		{name: "body not utf8", env: signed(t, func(e *Envelope) { e.Body = []byte("{\"a\":\"\xff\"}") }), want: ErrBodyNotCanonical},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now, domain := tt.now, tt.domain
			if now.IsZero() {
				now = testNow
			}
			if domain == (Domain{}) {
				domain = DevDomain()
			}
			_, err := tt.env.Verify(now, domain)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Verify = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSignRejectsBadInput(t *testing.T) {
	key := testKey(t, 1)
	if _, err := Sign(key, "Bad Method", testCommitment(), 1, testNow, DevDomain()); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad method: %v", err)
	}
	if _, err := Sign(key, MethodCommit, testCommitment(), 0, testNow, DevDomain()); !errors.Is(err, ErrInvalid) {
		t.Errorf("nonce 0: %v", err)
	}
	if _, err := Sign(key, MethodCommit, []int{1}, 1, testNow, DevDomain()); !errors.Is(err, ErrInvalid) {
		t.Errorf("array body: %v", err)
	}
	if _, err := Sign(key, MethodCommit, make(chan int), 1, testNow, DevDomain()); err == nil {
		t.Error("unencodable body: no error")
	}
}

func TestSignCanonicalizesRawBody(t *testing.T) {
	raw := json.RawMessage("{ \"url\" : \"https://x.example/?a=1&b=<2>\" }")
	e, err := Sign(testKey(t, 1), MethodRefuse, raw, 1, testNow.Add(time.Minute), DevDomain())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"url":"https://x.example/?a=1\u0026b=\u003c2\u003e"}`
	if string(e.Body) != want {
		t.Fatalf("body %s, want %s", e.Body, want)
	}
	// Re-encoding the envelope, as a forwarding follower would, keeps it valid.
	b, _ := json.Marshal(struct{ E Envelope }{e})
	var back struct{ E Envelope }
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if _, err := back.E.Verify(testNow, DevDomain()); err != nil {
		t.Fatalf("after re-encoding: %v", err)
	}
}

// TestDigestMatchesGoEthereum checks the hand-written EIP-712 hashing
// against go-ethereum's generic implementation, through the typed-data JSON
// a wallet would be given.
func TestDigestMatchesGoEthereum(t *testing.T) {
	for i, d := range []Domain{DevDomain(), DomainFor(1), DomainFor(0), {Name: "Other", Version: "2", ChainID: 1<<64 - 1}} {
		e := signed(t, func(e *Envelope) { e.Nonce = MaxNonce - uint64(i); e.Method = "job.submit" })
		b, err := json.Marshal(e.TypedData(d))
		if err != nil {
			t.Fatal(err)
		}
		var td apitypes.TypedData
		if err := json.Unmarshal(b, &td); err != nil {
			t.Fatal(err)
		}
		want, _, err := apitypes.TypedDataAndHash(td)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.Digest(d); !bytes.Equal(got[:], want) {
			t.Fatalf("domain %+v: digest %x, go-ethereum %x", d, got, want)
		}
		sep, err := td.HashStruct("EIP712Domain", td.Domain.Map())
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Separator(); !bytes.Equal(got[:], sep) {
			t.Fatalf("separator %x, go-ethereum %x", got, []byte(sep))
		}
	}
}

func TestOpen(t *testing.T) {
	e := signed(t, nil)
	var c Commitment
	signer, err := e.Open(testNow, DevDomain(), MethodCommit, &c)
	if err != nil {
		t.Fatal(err)
	}
	if signer != e.Signer || c != testCommitment() {
		t.Fatalf("Open gave %s %+v", signer.Hex(), c)
	}
	if _, err := e.Open(testNow, DevDomain(), MethodReveal, &Reveal{}); !errors.Is(err, ErrWrongMethod) {
		t.Fatalf("wrong method: %v", err)
	}
	bad, err := Sign(testKey(t, 1), MethodCommit, Commitment{TaskID: "t", LeaseID: "l", Rows: -1, Root: Hash{1}}, 6, testNow.Add(time.Minute), DevDomain())
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.Open(testNow, DevDomain(), MethodCommit, &c)
	checkFieldErr(t, err, "body.rows", "-1")
	extra, err := Sign(testKey(t, 1), MethodCommit, map[string]any{"task_id": "t", "surprise": 1}, 7, testNow.Add(time.Minute), DevDomain())
	if err != nil {
		t.Fatal(err)
	}
	if _, err = extra.Open(testNow, DevDomain(), MethodCommit, &c); !errors.Is(err, ErrUnknownField) {
		t.Fatalf("unknown field in body: %v", err)
	}
}

func TestEnvelopeHeader(t *testing.T) {
	e := signed(t, nil)
	h, err := e.Header()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseEnvelopeHeader(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := back.Verify(testNow, DevDomain()); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseEnvelopeHeader("!!"); !errors.Is(err, ErrMalformed) {
		t.Fatalf("bad base64: %v", err)
	}
	if _, err := ParseEnvelopeHeader(strings.Repeat("A", maxHeaderEnvelope+1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("too long: %v", err)
	}
}

// vectorFile mirrors api/internal/genvectors's output; the test recomputes
// every value from the inputs with this package's functions.
type vectorFile struct {
	Vectors []struct {
		Name            string          `json:"name"`
		PrivateKey      string          `json:"private_key"`
		Address         string          `json:"address"`
		Domain          Domain          `json:"domain"`
		Method          string          `json:"method"`
		Nonce           uint64          `json:"nonce"`
		Expiry          int64           `json:"expiry"`
		BodyValue       json.RawMessage `json:"body_value"`
		Body            string          `json:"body"`
		BodyHex         string          `json:"body_hex"`
		BodyHash        string          `json:"body_hash"`
		DomainSeparator string          `json:"domain_separator"`
		StructHash      string          `json:"struct_hash"`
		Digest          string          `json:"digest"`
		Signature       string          `json:"signature"`
		TypedData       json.RawMessage `json:"typed_data"`
		Envelope        string          `json:"envelope"`
		VerifyAt        int64           `json:"verify_at"`
	} `json:"vectors"`
}

func TestEnvelopeVectors(t *testing.T) {
	b, err := os.ReadFile("testdata/envelope_vectors.json")
	if err != nil {
		t.Fatalf("%v (generate it: go run ./api/internal/genvectors)", err)
	}
	var f vectorFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) < 4 {
		t.Fatalf("only %d vectors", len(f.Vectors))
	}
	for _, v := range f.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			key, err := crypto.HexToECDSA(strings.TrimPrefix(v.PrivateKey, "0x"))
			if err != nil {
				t.Fatal(err)
			}
			eq := func(what, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s: got %s, file has %s", what, got, want)
				}
			}
			e, err := Sign(key, v.Method, json.RawMessage(v.BodyValue), v.Nonce, time.Unix(v.Expiry, 0), v.Domain)
			if err != nil {
				t.Fatal(err)
			}
			eq("address", e.Signer.Hex(), v.Address)
			eq("body", string(e.Body), v.Body)
			eq("body_hex", hex.EncodeToString(e.Body), v.BodyHex)
			eq("body_hash", e.BodyHash().Hex(), v.BodyHash)
			eq("domain_separator", v.Domain.Separator().Hex(), v.DomainSeparator)
			eq("struct_hash", e.StructHash().Hex(), v.StructHash)
			eq("digest", e.Digest(v.Domain).Hex(), v.Digest)
			eq("signature", e.Signature.String(), v.Signature)
			env, _ := json.Marshal(e)
			eq("envelope", string(env), v.Envelope)
			td, _ := json.Marshal(e.TypedData(v.Domain))
			var want bytes.Buffer
			_ = json.Compact(&want, v.TypedData)
			eq("typed_data", string(td), want.String())

			var parsed Envelope
			if err := Unmarshal([]byte(v.Envelope), &parsed); err != nil {
				t.Fatal(err)
			}
			if _, err := parsed.Verify(time.Unix(v.VerifyAt, 0), v.Domain); err != nil {
				t.Fatalf("the file's envelope does not verify: %v", err)
			}
		})
	}
}

// FuzzEnvelope decodes arbitrary envelopes and verifies them: no panics,
// errors from the package's sentinels, and nothing but a real signature
// verifies.
func FuzzEnvelope(f *testing.F) {
	e := signed(f, nil)
	good, _ := json.Marshal(e)
	f.Add(good)
	f.Add([]byte(`{"signer":"0x0000000000000000000000000000000000000001","nonce":1,"expiry":1767225060,"method":"node.commit","body":{},"signature":"0x` + strings.Repeat("00", 65) + `"}`))
	f.Add([]byte(`{"signer":"0x1","nonce":-1,"body":[]}`))
	// The seed corpus holds the vectors' envelopes, signed by their keys.
	known := map[common.Address]bool{e.Signer: true}
	b, err := os.ReadFile("testdata/envelope_vectors.json")
	if err != nil {
		f.Fatal(err)
	}
	var vf vectorFile
	if err := json.Unmarshal(b, &vf); err != nil {
		f.Fatal(err)
	}
	for _, v := range vf.Vectors {
		known[common.HexToAddress(v.Address)] = true
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var env Envelope
		if err := Unmarshal(data, &env); err != nil {
			return
		}
		signer, err := env.Verify(testNow, DevDomain())
		if err != nil {
			return
		}
		if !known[signer] {
			t.Fatalf("an envelope verified for %s, which no test key signs", signer.Hex())
		}
	})
}
