package rewards

import (
	"bytes"
	"encoding/hex"
	"fmt"
)

// Address is an EVM account: the 20 bytes a node's secp256k1 key hashes to,
// and the account its rewards are claimed by.
type Address [20]byte

// ParseAddress parses "0x" followed by exactly 40 hex digits, in either case.
// It does not check an EIP-55 mixed-case checksum: the address is data the
// coordinator already authenticated by signature, not something typed by hand.
func ParseAddress(s string) (Address, error) {
	var a Address
	if len(s) != 42 || s[0] != '0' || s[1] != 'x' {
		return a, fmt.Errorf("%w: %q: want 0x followed by 40 hex digits", ErrInvalidAddress, s)
	}
	if _, err := hex.Decode(a[:], []byte(s[2:])); err != nil {
		return Address{}, fmt.Errorf("%w: %q: want 0x followed by 40 hex digits", ErrInvalidAddress, s)
	}
	return a, nil
}

// String returns the address as "0x" and 40 lowercase hex digits.
func (a Address) String() string {
	var buf [42]byte
	buf[0], buf[1] = '0', 'x'
	hex.Encode(buf[2:], a[:])
	return string(buf[:])
}

// MarshalText encodes the address as String does, so that an Address works
// as a JSON value and as a JSON object key.
func (a Address) MarshalText() ([]byte, error) {
	return []byte(a.String()), nil
}

// UnmarshalText parses the address as ParseAddress does.
func (a *Address) UnmarshalText(text []byte) error {
	p, err := ParseAddress(string(text))
	if err != nil {
		return err
	}
	*a = p
	return nil
}

// compareAddress orders addresses by their bytes, which is also the order of
// their lowercase hex strings.
func compareAddress(a, b Address) int {
	return bytes.Compare(a[:], b[:])
}

// addressPrefix returns an address's first 16 bits, the bucket bucketSort
// and entryIndex place it in.
func addressPrefix(a Address) uint16 {
	return uint16(a[0])<<8 | uint16(a[1])
}
