package api

import (
	"encoding/hex"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// Hex conventions on the wire (docs/ARCHITECTURE.md records them):
//
//   - Meadow's own SHA-256 values (row hashes, content and dataset roots,
//     blob digests) are Hash: exactly 64 lowercase hex digits, no 0x, as
//     sha256sum prints them. One spelling, so they compare as strings.
//   - Ethereum values (addresses, the reward root, signatures) are 0x-prefixed
//     as wallets and contracts write them. Addresses are written in EIP-55
//     mixed case and read in any case by JSON; a human-typed address goes
//     through ParseAddress, which also checks the EIP-55 checksum.

// Hash is a SHA-256 digest: a row hash, a content root, a dataset root, a
// blob's digest. In JSON it is 64 lowercase hex digits without 0x.
type Hash [32]byte

// HashExpected describes Hash's text form, for error messages.
const HashExpected = "64 lowercase hex digits without 0x"

var hashType = reflect.TypeFor[Hash]()

// ParseHash reads the text form of a Hash.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if err := h.UnmarshalText([]byte(s)); err != nil {
		return Hash{}, &FieldError{Field: "hash", Value: quote(s), Expected: HashExpected}
	}
	return h, nil
}

// String returns the 64 lowercase hex digits.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// IsZero reports whether h is all zero bytes (unset).
func (h Hash) IsZero() bool { return h == Hash{} }

// MarshalText writes the 64 lowercase hex digits.
func (h Hash) MarshalText() ([]byte, error) {
	out := make([]byte, 64)
	hex.Encode(out, h[:])
	return out, nil
}

// UnmarshalText reads exactly 64 lowercase hex digits. Its error is a
// *json.UnmarshalTypeError so that encoding/json adds the field's path.
func (h *Hash) UnmarshalText(b []byte) error {
	if len(b) != 64 || !isLowerHex(b) {
		return &json.UnmarshalTypeError{Value: "string " + quote(string(b)), Type: hashType}
	}
	_, _ = hex.Decode(h[:], b)
	return nil
}

func isLowerHex(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Signature is a secp256k1 signature r‖s‖v, v 27 or 28, as
// eth_signTypedData_v4 returns it. In JSON it is 0x and 130 hex digits
// (either case read, lowercase written).
type Signature [65]byte

// SignatureExpected describes Signature's text form, for error messages.
const SignatureExpected = "0x and 130 hex digits (r‖s‖v)"

var signatureType = reflect.TypeFor[Signature]()

// String returns 0x and 130 lowercase hex digits.
func (s Signature) String() string { return "0x" + hex.EncodeToString(s[:]) }

// MarshalText writes 0x and 130 lowercase hex digits.
func (s Signature) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads 0x and 130 hex digits of either case.
func (s *Signature) UnmarshalText(b []byte) error {
	if len(b) != 2+130 || b[0] != '0' || (b[1] != 'x' && b[1] != 'X') {
		return &json.UnmarshalTypeError{Value: "string " + quote(string(b)), Type: signatureType}
	}
	if _, err := hex.Decode(s[:], b[2:]); err != nil {
		return &json.UnmarshalTypeError{Value: "string " + quote(string(b)), Type: signatureType}
	}
	return nil
}

// AddressExpected describes the address forms ParseAddress accepts.
const AddressExpected = "0x and 40 hex digits, all lowercase, all uppercase or EIP-55 mixed case"

// ParseAddress reads an Ethereum address typed by a person (a flag, a config
// file): 0x and 40 hex digits, either all one case or mixed case that passes
// the EIP-55 checksum, so that a mistyped payout address is caught.
func ParseAddress(s string) (common.Address, error) {
	bad := &FieldError{Field: "address", Value: quote(s), Expected: AddressExpected}
	if len(s) != 42 || s[0] != '0' || s[1] != 'x' {
		return common.Address{}, bad
	}
	raw, err := hex.DecodeString(s[2:])
	if err != nil {
		return common.Address{}, bad
	}
	a := common.BytesToAddress(raw)
	digits := s[2:]
	if digits != strings.ToLower(digits) && digits != strings.ToUpper(digits) && a.Hex() != s {
		// Deliberately no hint of the right spelling: copying it would defeat
		// the checksum.
		bad.Expected = "mixed case that matches the EIP-55 checksum (a digit is probably wrong)"
		return common.Address{}, bad
	}
	return a, nil
}
