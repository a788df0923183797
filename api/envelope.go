package api

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// EIP-712 definitions of the signed request. A wallet or the browser
// extension signs the same typed data with eth_signTypedData_v4; the vectors
// in testdata/envelope_vectors.json pin it byte for byte.
const (
	// DomainType is the EIP-712 domain's type. There is no verifyingContract:
	// requests go to coordinators, not to a contract.
	DomainType = "EIP712Domain(string name,string version,uint256 chainId)"
	// RequestType is the signed struct's type.
	RequestType = "MeadowRequest(address signer,uint64 nonce,uint64 expiry,string method,bytes32 bodyHash)"

	DomainName    = "Meadow"
	DomainVersion = "1"
	// DevChainID is the chain id of the development chain: go-ethereum's
	// simulated backend (devnet, `meadow dev`) and `geth --dev` both use
	// 1337 and cannot be given another, so the defaults of every command
	// follow the chain. (It was 31337, Hardhat's and anvil's, which no dev
	// network of ours ran: a buyer's default signature failed in meadow dev.)
	DevChainID = 1337

	// MaxExpiry is how far after the verifier's clock an expiry may lie: an
	// envelope is usable for at most this long if captured.
	MaxExpiry = 10 * time.Minute
	// MaxNonce is the largest nonce, 2^53-1, the largest integer
	// JavaScript's numbers hold exactly.
	MaxNonce = 1<<53 - 1
	// EnvelopeHeader is the HTTP header that carries an envelope when the
	// request body is something else (an upload's blob).
	EnvelopeHeader = "Meadow-Envelope"
	// maxHeaderEnvelope bounds an envelope in a header.
	maxHeaderEnvelope = 8 << 10
)

var (
	domainTypeHash  = crypto.Keccak256Hash([]byte(DomainType))
	requestTypeHash = crypto.Keccak256Hash([]byte(RequestType))
	// secp256k1N2 is half the curve order: a signature's s must not exceed
	// it (EIP-2), so that each message has one valid signature per key.
	secp256k1N2 = new(big.Int).Rsh(crypto.S256().Params().N, 1)
)

// Domain is the EIP-712 domain requests are signed in. The chain id is the
// chain the network's contracts live on, so a signature made for the dev
// network is worthless on another.
type Domain struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	ChainID uint64 `json:"chainId"`
}

// DomainFor returns Meadow's domain on the chain chainID.
func DomainFor(chainID uint64) Domain {
	return Domain{Name: DomainName, Version: DomainVersion, ChainID: chainID}
}

// DevDomain returns the domain of the development network (DevChainID).
func DevDomain() Domain { return DomainFor(DevChainID) }

// Separator returns the EIP-712 domain separator:
// keccak256(typeHash ‖ keccak256(name) ‖ keccak256(version) ‖ uint256(chainId)).
func (d Domain) Separator() common.Hash {
	var chain [32]byte
	binary.BigEndian.PutUint64(chain[24:], d.ChainID)
	return crypto.Keccak256Hash(domainTypeHash[:], crypto.Keccak256([]byte(d.Name)),
		crypto.Keccak256([]byte(d.Version)), chain[:])
}

// Envelope is a signed request: the body of every node, buyer and operator
// call. The signature covers, as EIP-712 typed data
// MeadowRequest(signer, nonce, expiry, method, bodyHash), all other fields,
// with bodyHash = keccak256 of Body's exact bytes.
//
// Body is compact JSON in one spelling: as Go's encoding/json writes it, no
// white space outside strings and <, >, &, U+2028 and U+2029 escaped as
// \u003c, \u003e, \u0026, \u2028, \u2029. Verify rejects any other spelling
// (ErrBodyNotCanonical), so an envelope that verified once still verifies
// after any Go code re-encodes it (a follower forwarding it to the leader).
// In JavaScript, JSON.stringify the body and then apply those five escapes.
type Envelope struct {
	Signer common.Address `json:"signer"`
	// Nonce is 1 to MaxNonce, fresh for the signer (see CheckNonce); a
	// NonceSource makes them from the clock.
	Nonce uint64 `json:"nonce"`
	// Expiry is unix seconds; Verify accepts it while it is after the
	// clock and at most MaxExpiry ahead.
	Expiry    int64           `json:"expiry"`
	Method    string          `json:"method"`
	Body      json.RawMessage `json:"body"`
	Signature Signature       `json:"signature"`
}

// Validate checks the envelope's form; Verify checks its signature and time.
func (e Envelope) Validate() error {
	var v validator
	if e.Signer == (common.Address{}) {
		v.add("signer", "", "the signer's address")
	}
	if e.Nonce == 0 || e.Nonce > MaxNonce {
		v.add("nonce", strconv.FormatUint(e.Nonce, 10), "an integer from 1 to 2^53-1")
	}
	if e.Expiry <= 0 {
		v.add("expiry", itoa(e.Expiry), "unix seconds")
	}
	if !reMethod.MatchString(e.Method) {
		v.add("method", quote(e.Method), "a method such as node.commit")
	}
	if err := checkBody(e.Body); err != nil {
		v.addErr(err)
	}
	return v.err()
}

// checkBody checks that a body is one canonical JSON object.
func checkBody(b []byte) error {
	if len(b) == 0 || b[0] != '{' || !json.Valid(b) {
		return &FieldError{Field: "body", Value: shortRaw(b), Expected: "a JSON object"}
	}
	if !utf8.Valid(b) {
		return fmt.Errorf("%w: not UTF-8", ErrBodyNotCanonical)
	}
	canon, err := json.Marshal(json.RawMessage(b))
	if err != nil || !bytes.Equal(canon, b) {
		return fmt.Errorf("%w: expected compact JSON with <, >, &, U+2028 and U+2029 escaped as encoding/json writes it", ErrBodyNotCanonical)
	}
	return nil
}

func shortRaw(b []byte) string {
	if len(b) > maxValueLen {
		return string(b[:maxValueLen]) + "…"
	}
	return string(b)
}

// BodyHash returns keccak256 of the body's bytes.
func (e Envelope) BodyHash() common.Hash { return crypto.Keccak256Hash(e.Body) }

// StructHash returns the EIP-712 hashStruct of the MeadowRequest.
func (e Envelope) StructHash() common.Hash {
	var signer, nonce, expiry [32]byte
	copy(signer[12:], e.Signer[:])
	binary.BigEndian.PutUint64(nonce[24:], e.Nonce)
	binary.BigEndian.PutUint64(expiry[24:], uint64(e.Expiry))
	bodyHash := e.BodyHash()
	return crypto.Keccak256Hash(requestTypeHash[:], signer[:], nonce[:], expiry[:],
		crypto.Keccak256([]byte(e.Method)), bodyHash[:])
}

// Digest returns the hash that is signed: keccak256(0x19 0x01 ‖
// domainSeparator ‖ hashStruct(request)).
func (e Envelope) Digest(d Domain) common.Hash {
	sep, st := d.Separator(), e.StructHash()
	return crypto.Keccak256Hash([]byte{0x19, 0x01}, sep[:], st[:])
}

// Sign makes an envelope: body is encoded with encoding/json (a
// json.RawMessage is compacted into the canonical spelling), and signed by
// key for method, nonce and expiry in domain. The signature is r‖s‖v with v
// 27 or 28, as eth_signTypedData_v4 gives.
func Sign(key *ecdsa.PrivateKey, method string, body any, nonce uint64, expiry time.Time, domain Domain) (Envelope, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return Envelope{}, fmt.Errorf("api: encoding the body: %w", err)
	}
	e := Envelope{
		Signer: crypto.PubkeyToAddress(key.PublicKey),
		Nonce:  nonce,
		Expiry: expiry.Unix(),
		Method: method,
		Body:   b,
	}
	if err := e.Validate(); err != nil {
		return Envelope{}, err
	}
	d := e.Digest(domain)
	sig, err := crypto.Sign(d[:], key)
	if err != nil {
		return Envelope{}, fmt.Errorf("api: signing: %w", err)
	}
	sig[64] += 27
	copy(e.Signature[:], sig)
	return e, nil
}

// Verify checks the envelope's form, that its expiry is after now and at
// most MaxExpiry ahead, and that its signature was made by Signer in
// domain; it returns the signer. The nonce is the caller's to check, after
// Verify (CheckNonce, NonceChecker), so that a forged request cannot use
// up a nonce. v may be 27, 28, 0 or 1; s must be in the lower half of the
// curve order (EIP-2).
func (e Envelope) Verify(now time.Time, domain Domain) (common.Address, error) {
	return e.VerifyWithin(now, 0, domain)
}

// VerifyWithin is Verify for a verifier whose clock may be up to skew off
// the signer's: an envelope is still accepted up to skew after its expiry,
// and its expiry may lie up to MaxExpiry+skew ahead. A coordinator passes the
// clock skew its cluster admits, so that members within that bound judge an
// envelope alike.
func (e Envelope) VerifyWithin(now time.Time, skew time.Duration, domain Domain) (common.Address, error) {
	if err := e.Validate(); err != nil {
		return common.Address{}, err
	}
	slack := int64(max(skew, 0) / time.Second)
	switch t := now.Unix(); {
	case e.Expiry+slack <= t:
		return common.Address{}, fmt.Errorf("%w: expiry %d is not after %d (allowing %ds of clock skew)", ErrExpired, e.Expiry, t, slack)
	case e.Expiry > t+int64(MaxExpiry/time.Second)+slack:
		return common.Address{}, fmt.Errorf("%w: expiry %d is more than %v after %d (allowing %ds of clock skew; is a clock wrong?)", ErrExpiryTooFar, e.Expiry, MaxExpiry, t, slack)
	}
	sig := e.Signature
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
	d := e.Digest(domain)
	pub, err := crypto.SigToPub(d[:], sig[:])
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	if got := crypto.PubkeyToAddress(*pub); got != e.Signer {
		return common.Address{}, fmt.Errorf("%w: made by %s, not by the signer %s (or in another domain)", ErrBadSignature, got.Hex(), e.Signer.Hex())
	}
	return e.Signer, nil
}

// Open is what an endpoint does with an envelope: check that it was signed
// for method, Verify it, and decode its body strictly into body (which is
// then validated). The nonce is still the caller's to check.
func (e Envelope) Open(now time.Time, domain Domain, method string, body Validator) (common.Address, error) {
	return e.OpenWithin(now, 0, domain, method, body)
}

// OpenWithin is Open with VerifyWithin's allowance for clock skew.
func (e Envelope) OpenWithin(now time.Time, skew time.Duration, domain Domain, method string, body Validator) (common.Address, error) {
	if e.Method != method {
		return common.Address{}, fmt.Errorf("%w: signed for %q, sent to %q", ErrWrongMethod, e.Method, method)
	}
	signer, err := e.VerifyWithin(now, skew, domain)
	if err != nil {
		return common.Address{}, err
	}
	if err := Unmarshal(e.Body, body); err != nil {
		for _, fe := range FieldErrors(err) {
			fe.Field = sub("body", fe.Field)
		}
		return common.Address{}, err
	}
	return signer, nil
}

// Header returns the envelope in the form EnvelopeHeader carries: its JSON,
// base64url without padding.
func (e Envelope) Header() (string, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return "", fmt.Errorf("api: encoding envelope: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// ParseEnvelopeHeader reads an envelope from an EnvelopeHeader value,
// strictly; it does not Verify it.
func ParseEnvelopeHeader(s string) (Envelope, error) {
	var e Envelope
	if len(s) > maxHeaderEnvelope {
		return e, fmt.Errorf("%w: %s header over %d bytes", ErrTooLarge, EnvelopeHeader, maxHeaderEnvelope)
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return e, fmt.Errorf("%w: %s header: expected base64url", ErrMalformed, EnvelopeHeader)
	}
	if err := Unmarshal(b, &e); err != nil {
		return Envelope{}, err
	}
	return e, nil
}

// TypedData returns the envelope as the typed data a wallet signs with
// eth_signTypedData_v4 (its JSON is the method's second parameter). The
// signature field is not part of it.
func (e Envelope) TypedData(d Domain) TypedData {
	return TypedData{
		Types: map[string][]TypedField{
			"EIP712Domain": {{"name", "string"}, {"version", "string"}, {"chainId", "uint256"}},
			"MeadowRequest": {{"signer", "address"}, {"nonce", "uint64"}, {"expiry", "uint64"},
				{"method", "string"}, {"bodyHash", "bytes32"}},
		},
		PrimaryType: "MeadowRequest",
		Domain:      d,
		Message: TypedMessage{
			Signer:   e.Signer.Hex(),
			Nonce:    e.Nonce,
			Expiry:   uint64(e.Expiry),
			Method:   e.Method,
			BodyHash: e.BodyHash().Hex(),
		},
	}
}

// TypedData is EIP-712 typed data in the JSON layout of eth_signTypedData_v4.
type TypedData struct {
	Types       map[string][]TypedField `json:"types"`
	PrimaryType string                  `json:"primaryType"`
	Domain      Domain                  `json:"domain"`
	Message     TypedMessage            `json:"message"`
}

// TypedField is one member of an EIP-712 struct type.
type TypedField struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// TypedMessage is the MeadowRequest message in typed-data JSON.
type TypedMessage struct {
	Signer   string `json:"signer"`
	Nonce    uint64 `json:"nonce"`
	Expiry   uint64 `json:"expiry"`
	Method   string `json:"method"`
	BodyHash string `json:"bodyHash"`
}
