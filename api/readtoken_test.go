package api

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

func TestReadTokenMintAndVerify(t *testing.T) {
	key := testKey(t, 1)
	other := testKey(t, 2)
	mint := func(scope string, ttl time.Duration, chain uint64) string {
		t.Helper()
		s, _, err := MintReadToken(key, scope, ttl, testNow, chain, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := mint("dataset:ds-j-1", 24*time.Hour, DevChainID)
	// A forgery: the claims of a good token with the scope widened,
	// re-encoded, under the old signature; and a token signed by another
	// key in the buyer's name.
	claims, sig, err := ParseReadToken(good)
	if err != nil {
		t.Fatal(err)
	}
	claims.Scope = ScopeAll
	cb, _ := json.Marshal(claims)
	widened := ReadTokenPrefix + base64.RawURLEncoding.EncodeToString(cb) + "." + base64.RawURLEncoding.EncodeToString(sig[:])
	stolen, _, err := MintReadToken(other, "all", time.Hour, testNow, DevChainID, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sc, ssig, _ := ParseReadToken(stolen)
	sc.Buyer = crypto.PubkeyToAddress(key.PublicKey)
	sb, _ := json.Marshal(sc)
	impersonated := ReadTokenPrefix + base64.RawURLEncoding.EncodeToString(sb) + "." + base64.RawURLEncoding.EncodeToString(ssig[:])

	tests := []struct {
		name  string
		token string
		now   time.Time
		chain uint64
		want  error
		msg   string
	}{
		{name: "good", token: good, now: testNow.Add(time.Hour), chain: DevChainID},
		{name: "all", token: mint("all", time.Minute, DevChainID), now: testNow, chain: DevChainID},
		{name: "another chain", token: mint("job:j-1", time.Hour, 31337), now: testNow, chain: DevChainID, want: ErrWrongDomain, msg: "chain id 31337; this network is chain id 1337"},
		{name: "expired", token: good, now: testNow.Add(24 * time.Hour), chain: DevChainID, want: ErrExpired},
		{name: "issued in the future", token: good, now: testNow.Add(-time.Hour), chain: DevChainID, want: ErrInvalid},
		{name: "widened scope", token: widened, now: testNow, chain: DevChainID, want: ErrBadSignature},
		{name: "in another buyer's name", token: impersonated, now: testNow, chain: DevChainID, want: ErrBadSignature},
		{name: "garbage", token: "mrt1.abc", now: testNow, chain: DevChainID, want: ErrMalformed},
		{name: "not a token", token: "Bearer x", now: testNow, chain: DevChainID, want: ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := VerifyReadToken(tt.token, tt.now, 0, tt.chain)
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if got.Buyer != crypto.PubkeyToAddress(key.PublicKey) {
					t.Errorf("buyer %s", got.Buyer.Hex())
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
			if tt.msg != "" && !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err %q, want it to say %q", err, tt.msg)
			}
		})
	}
}

func TestReadTokenBadInput(t *testing.T) {
	key := testKey(t, 1)
	for _, tt := range []struct {
		name, scope, field string
		ttl                time.Duration
	}{
		{name: "ttl over 30 days", scope: "all", ttl: 31 * 24 * time.Hour, field: "ttl"},
		{name: "zero ttl", scope: "all", ttl: 0, field: "ttl"},
		{name: "unknown scope", scope: "everything", ttl: time.Hour, field: "scope"},
		{name: "scope without id", scope: "dataset:", ttl: time.Hour, field: "scope"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := MintReadToken(key, tt.scope, tt.ttl, testNow, DevChainID, rand.Reader)
			fes := FieldErrors(err)
			if len(fes) == 0 || fes[0].Field != tt.field {
				t.Fatalf("err %v, want one naming %q", err, tt.field)
			}
		})
	}
}

// TestReadTokenDigestMatchesGoEthereum checks the token's EIP-712 digest
// against go-ethereum's generic implementation, so that a wallet's
// eth_signTypedData_v4 of the same typed data makes a valid token.
func TestReadTokenDigestMatchesGoEthereum(t *testing.T) {
	_, tok, err := MintReadToken(testKey(t, 3), "dataset:ds-j-1", time.Hour, testNow, 1337, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	td := apitypes.TypedData{
		Types: apitypes.Types{
			"EIP712Domain": {{Name: "name", Type: "string"}, {Name: "version", Type: "string"}, {Name: "chainId", Type: "uint256"}},
			"MeadowReadToken": {{Name: "buyer", Type: "address"}, {Name: "id", Type: "string"}, {Name: "scope", Type: "string"},
				{Name: "issued", Type: "uint64"}, {Name: "expiry", Type: "uint64"}},
		},
		PrimaryType: "MeadowReadToken",
	}
	raw := `{"name":"Meadow","version":"1","chainId":1337}`
	if err := json.Unmarshal([]byte(raw), &td.Domain); err != nil {
		t.Fatal(err)
	}
	td.Message = apitypes.TypedDataMessage{"buyer": tok.Buyer.Hex(), "id": tok.ID, "scope": tok.Scope,
		"issued": itoa(tok.Issued), "expiry": itoa(tok.Expiry)}
	want, _, err := apitypes.TypedDataAndHash(td)
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Digest(); !bytes.Equal(got[:], want) {
		t.Fatalf("digest %x, go-ethereum %x", got, want)
	}
}

// FuzzParseReadToken: no input panics the parser, and whatever it accepts
// is valid and re-encodes to the same text.
func FuzzParseReadToken(f *testing.F) {
	s, _, err := MintReadToken(testKey(f, 1), "dataset:ds-j-1", time.Hour, testNow, DevChainID, rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(s)
	f.Add("mrt1..")
	f.Add("mrt1.e30.AA")
	f.Fuzz(func(t *testing.T, s string) {
		tok, sig, err := ParseReadToken(s)
		if err != nil {
			return
		}
		if err := tok.Validate(); err != nil {
			t.Fatalf("accepted invalid claims: %v", err)
		}
		cb, _ := json.Marshal(tok)
		if back := ReadTokenPrefix + base64.RawURLEncoding.EncodeToString(cb) + "." + base64.RawURLEncoding.EncodeToString(sig[:]); back != s {
			t.Fatalf("accepted %q, which re-encodes to %q", s, back)
		}
	})
}
