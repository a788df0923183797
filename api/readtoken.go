package api

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Read tokens let ordinary HTTP tools (curl, a data pipeline) read what a
// buyer may read, without signing each request: a buyer mints a token with
// its key, scoped to one dataset, one job or all it may read, expiring at
// most MaxReadTokenTTL after it was issued, and sends it as
// "Authorization: Bearer TOKEN" on GET routes. Any coordinator verifies it
// alone (the signature and the clock); revocation goes through Raft.
// Writes stay signed envelopes.
//
// A token is
//
//	mrt1.BASE64URL(claims JSON).BASE64URL(65-byte signature)
//
// (base64url without padding). The claims are ReadToken's JSON exactly as Go
// writes it (one spelling). The signature is EIP-712, r‖s‖v, in the domain
// of requests (DomainFor(chain_id)), over
//
//	MeadowReadToken(address buyer,string id,string scope,uint64 issued,uint64 expiry)
//
// so a wallet can mint one with eth_signTypedData_v4. chain_id is in the
// claims so that a coordinator can tell a token for another network
// (ErrWrongDomain) from a forgery.

const (
	// ReadTokenPrefix starts every read token; the 1 is its version.
	ReadTokenPrefix = "mrt1."
	// ReadTokenType is the signed struct's EIP-712 type.
	ReadTokenType = "MeadowReadToken(address buyer,string id,string scope,uint64 issued,uint64 expiry)"
	// MaxReadTokenTTL bounds a token's life: a leaked token is worth at
	// most this long, revoked or not.
	MaxReadTokenTTL = 30 * 24 * time.Hour
	// MaxReadTokenSize bounds a token's text.
	MaxReadTokenSize = 2048
	// ScopeAll is the scope of every job and dataset the buyer may read
	// (including the dataset list).
	ScopeAll = "all"
	// BearerPrefix starts an Authorization header that carries a token.
	BearerPrefix = "Bearer "

	// MethodTokenRevoke revokes one of the signer's read tokens (POST
	// RouteTokenRevoke, body TokenRevoke).
	MethodTokenRevoke = "buyer.token.revoke"
	// RouteTokenRevoke is the revocation route.
	RouteTokenRevoke = "/v1/tokens/revoke"
)

// ErrWrongDomain means a token (or request) was signed for another chain
// than the verifier's: the message names both chain ids.
var ErrWrongDomain = errors.New("api: signed for another domain")

var (
	readTokenTypeHash = crypto.Keccak256Hash([]byte(ReadTokenType))
	reTokenID         = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

// ReadToken is a read token's claims.
type ReadToken struct {
	// ID is 16 random bytes in lowercase hex: what a revocation names.
	ID    string         `json:"id"`
	Buyer common.Address `json:"buyer"`
	// Scope is "dataset:ID", "job:ID" or "all" (ParseScope).
	Scope   string `json:"scope"`
	ChainID uint64 `json:"chain_id"`
	// Issued and Expiry are unix seconds; Expiry-Issued is at most
	// MaxReadTokenTTL.
	Issued int64 `json:"issued"`
	Expiry int64 `json:"expiry"`
}

// Scope is a parsed token scope: Kind "all", "dataset" or "job", and the
// dataset's or job's id.
type Scope struct {
	Kind string
	ID   string
}

// ScopeExpected describes a valid scope.
const ScopeExpected = `"dataset:ID", "job:ID" or "all"`

// ParseScope reads a scope.
func ParseScope(s string) (Scope, error) {
	if s == ScopeAll {
		return Scope{Kind: ScopeAll}, nil
	}
	kind, id, ok := strings.Cut(s, ":")
	if ok && (kind == "dataset" || kind == "job") && reID.MatchString(id) {
		return Scope{Kind: kind, ID: id}, nil
	}
	return Scope{}, &FieldError{Field: "scope", Value: quote(s), Expected: ScopeExpected + " with an id of 1 to 128 letters, digits, '.', '_', ':' or '-'"}
}

func (s Scope) String() string {
	if s.Kind == ScopeAll {
		return ScopeAll
	}
	return s.Kind + ":" + s.ID
}

// Validate checks the claims' form (not the signature or the clock).
func (t ReadToken) Validate() error {
	var v validator
	if !reTokenID.MatchString(t.ID) {
		v.add("id", quote(t.ID), "32 lowercase hex digits")
	}
	if t.Buyer == (common.Address{}) {
		v.add("buyer", "", "the buyer's address")
	}
	if _, err := ParseScope(t.Scope); err != nil {
		v.addErr(err)
	}
	if t.ChainID == 0 || t.ChainID > MaxNonce {
		v.add("chain_id", fmt.Sprint(t.ChainID), "a chain id from 1 to 2^53-1")
	}
	switch {
	case t.Issued <= 0:
		v.add("issued", itoa(t.Issued), "unix seconds")
	case t.Expiry <= t.Issued:
		v.add("expiry", itoa(t.Expiry), "unix seconds after issued")
	case t.Expiry-t.Issued > int64(MaxReadTokenTTL/time.Second):
		v.add("expiry", itoa(t.Expiry), fmt.Sprintf("at most %s after issued (%d)", MaxReadTokenTTL, t.Issued))
	}
	return v.err()
}

// StructHash returns the EIP-712 hashStruct of the MeadowReadToken.
func (t ReadToken) StructHash() common.Hash {
	var buyer, issued, expiry [32]byte
	copy(buyer[12:], t.Buyer[:])
	binary.BigEndian.PutUint64(issued[24:], uint64(t.Issued))
	binary.BigEndian.PutUint64(expiry[24:], uint64(t.Expiry))
	return crypto.Keccak256Hash(readTokenTypeHash[:], buyer[:], crypto.Keccak256([]byte(t.ID)),
		crypto.Keccak256([]byte(t.Scope)), issued[:], expiry[:])
}

// Digest returns the hash that is signed, in the domain of the token's chain.
func (t ReadToken) Digest() common.Hash {
	sep, st := DomainFor(t.ChainID).Separator(), t.StructHash()
	return crypto.Keccak256Hash([]byte{0x19, 0x01}, sep[:], st[:])
}

// MintReadToken makes a token for key's address: scope, valid from now for
// ttl (at most MaxReadTokenTTL), on chain chainID, with an id read from
// random. It returns the token's text and its claims.
func MintReadToken(key *ecdsa.PrivateKey, scope string, ttl time.Duration, now time.Time, chainID uint64, random io.Reader) (string, ReadToken, error) {
	if ttl <= 0 || ttl > MaxReadTokenTTL {
		return "", ReadToken{}, &FieldError{Field: "ttl", Value: ttl.String(), Expected: fmt.Sprintf("a duration from 1s to %s", MaxReadTokenTTL)}
	}
	var id [16]byte
	if _, err := io.ReadFull(random, id[:]); err != nil {
		return "", ReadToken{}, fmt.Errorf("api: token id: %w", err)
	}
	t := ReadToken{ID: hex.EncodeToString(id[:]), Buyer: crypto.PubkeyToAddress(key.PublicKey), Scope: scope,
		ChainID: chainID, Issued: now.Unix(), Expiry: now.Add(ttl).Unix()}
	if t.Expiry == t.Issued {
		t.Expiry++
	}
	if err := t.Validate(); err != nil {
		return "", ReadToken{}, err
	}
	d := t.Digest()
	sig, err := crypto.Sign(d[:], key)
	if err != nil {
		return "", ReadToken{}, fmt.Errorf("api: signing the token: %w", err)
	}
	sig[64] += 27
	claims, err := json.Marshal(t)
	if err != nil {
		return "", ReadToken{}, err
	}
	return ReadTokenPrefix + base64.RawURLEncoding.EncodeToString(claims) + "." + base64.RawURLEncoding.EncodeToString(sig), t, nil
}

// ParseReadToken reads a token's text strictly: the prefix, the claims in
// their one spelling and valid, a 65-byte signature. It does not verify the
// signature or the clock (VerifyReadToken does).
func ParseReadToken(s string) (ReadToken, Signature, error) {
	var sig Signature
	if len(s) > MaxReadTokenSize {
		return ReadToken{}, sig, fmt.Errorf("%w: a read token of more than %d bytes", ErrTooLarge, MaxReadTokenSize)
	}
	rest, ok := strings.CutPrefix(s, ReadTokenPrefix)
	if !ok {
		return ReadToken{}, sig, fmt.Errorf("%w: read token: expected %q, the claims and the signature", ErrMalformed, ReadTokenPrefix)
	}
	c64, s64, ok := strings.Cut(rest, ".")
	if !ok || strings.Contains(s64, ".") {
		return ReadToken{}, sig, fmt.Errorf("%w: read token: expected two base64url parts after %q, separated by a dot", ErrMalformed, ReadTokenPrefix)
	}
	claims, err := base64.RawURLEncoding.Strict().DecodeString(c64)
	if err != nil {
		return ReadToken{}, sig, fmt.Errorf("%w: read token claims: expected base64url without padding", ErrMalformed)
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s64)
	if err != nil || len(raw) != len(sig) {
		return ReadToken{}, sig, fmt.Errorf("%w: read token signature: expected base64url of 65 bytes", ErrMalformed)
	}
	copy(sig[:], raw)
	var t ReadToken
	if err := Unmarshal(claims, &t); err != nil {
		return ReadToken{}, sig, err
	}
	if canon, err := json.Marshal(t); err != nil || !bytes.Equal(canon, claims) {
		return ReadToken{}, sig, fmt.Errorf("%w: read token claims are not in their one spelling (compact JSON, keys in order, as Go writes them)", ErrMalformed)
	}
	return t, sig, nil
}

// VerifyReadToken parses a token and checks it for a verifier on chain
// chainID at now, allowing skew of clock difference: the chain
// (ErrWrongDomain, naming both), the time (ErrExpired; issued in the future
// is ErrInvalid) and the signature by the buyer (ErrBadSignature). It
// returns the claims; revocation and scope are the caller's.
func VerifyReadToken(s string, now time.Time, skew time.Duration, chainID uint64) (ReadToken, error) {
	t, sig, err := ParseReadToken(s)
	if err != nil {
		return ReadToken{}, err
	}
	if t.ChainID != chainID {
		return ReadToken{}, fmt.Errorf("%w: the token was signed for chain id %d; this network is chain id %d (domain {name %q, version %q, chainId %d}): mint it with this network's file",
			ErrWrongDomain, t.ChainID, chainID, DomainName, DomainVersion, chainID)
	}
	slack := int64(max(skew, 0) / time.Second)
	switch n := now.Unix(); {
	case t.Expiry+slack <= n:
		return ReadToken{}, fmt.Errorf("%w: read token %s expired at %d (now %d): mint a new one", ErrExpired, t.ID, t.Expiry, n)
	case t.Issued > n+slack:
		return ReadToken{}, fmt.Errorf("%w: read token %s issued at %d, after now (%d): is a clock wrong?", ErrInvalid, t.ID, t.Issued, n)
	}
	if got, err := recoverDigest(t.Digest(), sig); err != nil {
		return ReadToken{}, err
	} else if got != t.Buyer {
		return ReadToken{}, fmt.Errorf("%w: read token %s made by %s, not by its buyer %s", ErrBadSignature, t.ID, got.Hex(), t.Buyer.Hex())
	}
	return t, nil
}

// recoverDigest returns the address that made sig (r‖s‖v, v 27/28 or 0/1,
// low s) over digest.
func recoverDigest(digest common.Hash, sig Signature) (common.Address, error) {
	switch sig[64] {
	case 27, 28:
		sig[64] -= 27
	case 0, 1:
	default:
		return common.Address{}, fmt.Errorf("%w: v is %d, expected 27 or 28", ErrBadSignature, sig[64])
	}
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:64])
	if !crypto.ValidateSignatureValues(sig[64], r, s, false) {
		return common.Address{}, fmt.Errorf("%w: r or s out of range", ErrBadSignature)
	}
	if s.Cmp(secp256k1N2) > 0 {
		return common.Address{}, fmt.Errorf("%w: s is in the upper half of the curve order (EIP-2)", ErrBadSignature)
	}
	pub, err := crypto.SigToPub(digest[:], sig[:])
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return crypto.PubkeyToAddress(*pub), nil
}

// TokenRevoke is the body of MethodTokenRevoke: the id of one of the
// signer's tokens.
type TokenRevoke struct {
	ID string `json:"id"`
}

// Validate checks the id's form.
func (r TokenRevoke) Validate() error {
	var v validator
	if !reTokenID.MatchString(r.ID) {
		v.add("id", quote(r.ID), "a read token's id, 32 lowercase hex digits")
	}
	return v.err()
}

// TokenRevoked is the answer to a revocation.
type TokenRevoked struct {
	ID    string         `json:"id"`
	Buyer common.Address `json:"buyer"`
	// Until is when the coordinators forget the revocation (unix ms): by
	// then every token the buyer could have minted with this id before the
	// revocation has expired.
	Until int64 `json:"until"`
}

// Validate checks the answer.
func (r TokenRevoked) Validate() error {
	var v validator
	if !reTokenID.MatchString(r.ID) {
		v.add("id", quote(r.ID), "32 lowercase hex digits")
	}
	if r.Buyer == (common.Address{}) {
		v.add("buyer", "", "the buyer's address")
	}
	return v.err()
}
