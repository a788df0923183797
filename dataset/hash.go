package dataset

import (
	"encoding/hex"
	"fmt"
)

// Hash is a SHA-256 digest: a row hash, a Merkle node or root, a blob digest.
// Its text form is 64 lowercase hex digits.
type Hash [32]byte

// String returns the hash as 64 lowercase hex digits.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// MarshalText writes the hash as 64 lowercase hex digits.
func (h Hash) MarshalText() ([]byte, error) {
	b := make([]byte, 64)
	hex.Encode(b, h[:])
	return b, nil
}

// UnmarshalText reads exactly 64 hex digits, without a prefix.
func (h *Hash) UnmarshalText(b []byte) error {
	if len(b) != 64 {
		return fmt.Errorf("dataset: hash %q: expected 64 hex digits", truncate(string(b), 80))
	}
	if _, err := hex.Decode(h[:], b); err != nil {
		return fmt.Errorf("dataset: hash %q: expected 64 hex digits", truncate(string(b), 80))
	}
	return nil
}

// ParseHash reads a hash from 64 hex digits, in either case, with or without
// a 0x prefix, as a user may paste it from a manifest or a block explorer.
func ParseHash(s string) (Hash, error) {
	t := s
	if len(t) >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') {
		t = t[2:]
	}
	var h Hash
	if len(t) != 64 {
		return h, fmt.Errorf("dataset: hash %q: expected 64 hex digits", truncate(s, 80))
	}
	if _, err := hex.Decode(h[:], []byte(t)); err != nil {
		return h, fmt.Errorf("dataset: hash %q: expected 64 hex digits", truncate(s, 80))
	}
	return h, nil
}

// IsZero reports whether h is all zero bytes, the value of an unset Hash.
func (h Hash) IsZero() bool { return h == Hash{} }

// truncate shortens s for an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
