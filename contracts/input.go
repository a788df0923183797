package contracts

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// MaxUint256 is 2^256-1, the largest amount a contract can hold.
var MaxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// CheckUint256 reports ErrInvalidAmount, naming field, unless x is a
// uint256: present, not negative, below 2^256.
func CheckUint256(field string, x *big.Int) error {
	switch {
	case x == nil:
		return fmt.Errorf("%w: %s is missing", ErrInvalidAmount, field)
	case x.Sign() < 0:
		return fmt.Errorf("%w: %s is %s, want 0 or more", ErrInvalidAmount, field, x)
	case x.BitLen() > 256:
		return fmt.Errorf("%w: %s is %s, which overflows uint256 (at most 2^256-1)", ErrInvalidAmount, field, x)
	}
	return nil
}

// ParseAmount parses a uint256 amount in base units, decimal or 0x-prefixed
// hex; field names it in errors.
func ParseAmount(field, s string) (*big.Int, error) {
	t := strings.TrimSpace(s)
	x, ok := new(big.Int), false
	if strings.HasPrefix(t, "0x") || strings.HasPrefix(t, "0X") {
		_, ok = x.SetString(t[2:], 16)
	} else {
		_, ok = x.SetString(t, 10)
	}
	if !ok || t == "" {
		return nil, fmt.Errorf("%w: %s is %q, want a whole number of base units (decimal or 0x hex)", ErrInvalidAmount, field, s)
	}
	if err := CheckUint256(field, x); err != nil {
		return nil, err
	}
	return x, nil
}

// ParseAddress parses a 0x-prefixed 20-byte hex address; field names it in
// errors. An address in mixed case must carry a valid EIP-55 checksum, so a
// mistyped character is caught rather than sent funds to.
func ParseAddress(field, s string) (common.Address, error) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "0x") && !strings.HasPrefix(t, "0X") || len(t) != 42 || !common.IsHexAddress(t) {
		return common.Address{}, fmt.Errorf("%w: %s is %q, want 0x followed by 40 hex digits", ErrInvalidAddress, field, s)
	}
	a := common.HexToAddress(t)
	body := t[2:]
	if body != strings.ToLower(body) && body != strings.ToUpper(body) && a.Hex() != "0x"+body {
		return common.Address{}, fmt.Errorf("%w: %s is %q, whose EIP-55 checksum is wrong (expected %s)", ErrInvalidAddress, field, s, a.Hex())
	}
	return a, nil
}
