// Package release reads and checks a release's SHA256SUMS and its signature.
//
// A release is a set of archives and a SHA256SUMS file, in the format
// sha256sum(1) writes and `sha256sum -c` checks: one line per file, 64
// lowercase hex digits, two spaces, the file's name. SHA256SUMS.sig holds
// the release key's signature of the SUMS file's exact bytes as 0x and 130
// hex digits: an EIP-191 "personal_sign" signature (r ‖ s ‖ v, v 27 or 28),
// so any Ethereum wallet or tool can make or check one. The signer's address
// is pinned in the network file (api.Network.ReleaseSigner); a node updates
// only to a release whose SUMS that address signed, and only to an archive
// whose bytes hash to the SUMS line for it.
package release

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Names of a release's checksum file and its signature.
const (
	SumsFile = "SHA256SUMS"
	SigFile  = "SHA256SUMS.sig"
)

// Limits of a SUMS file: a release has a few dozen files.
const (
	MaxSumsSize  = 64 << 10
	MaxFiles     = 256
	maxNameBytes = 200
)

// ErrBadSignature means a SUMS file was not signed by the expected key.
var ErrBadSignature = errors.New("release: SHA256SUMS is not signed by the release key")

// Sum is one line of a SUMS file.
type Sum struct {
	Name   string
	SHA256 [32]byte
}

// Sums is a parsed SUMS file, in file order.
type Sums []Sum

// ParseSums parses a SUMS file strictly: every line is `HEX  NAME` with a
// plain file name (no directories), each name once. Errors name the line.
func ParseSums(data []byte) (Sums, error) {
	if len(data) > MaxSumsSize {
		return nil, fmt.Errorf("release: %s: more than %d bytes", SumsFile, MaxSumsSize)
	}
	if len(data) == 0 || data[len(data)-1] != '\n' {
		return nil, fmt.Errorf("release: %s: expected lines ending in a newline", SumsFile)
	}
	var out Sums
	seen := map[string]bool{}
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		where := fmt.Sprintf("release: %s line %d", SumsFile, i+1)
		hexSum, name, ok := strings.Cut(line, "  ")
		if !ok || len(hexSum) != 64 || strings.ToLower(hexSum) != hexSum {
			return nil, fmt.Errorf("%s %s: expected 64 lowercase hex digits, two spaces and a file name", where, strconv.Quote(short(line)))
		}
		var s Sum
		if _, err := hex.Decode(s.SHA256[:], []byte(hexSum)); err != nil {
			return nil, fmt.Errorf("%s: expected 64 lowercase hex digits", where)
		}
		if !validName(name) {
			return nil, fmt.Errorf("%s: file name %s: expected a plain file name of letters, digits, '.', '-' and '_'", where, strconv.Quote(short(name)))
		}
		if seen[name] {
			return nil, fmt.Errorf("%s: file name %s listed twice", where, strconv.Quote(name))
		}
		seen[name] = true
		s.Name = name
		out = append(out, s)
		if len(out) > MaxFiles {
			return nil, fmt.Errorf("release: %s: more than %d files", SumsFile, MaxFiles)
		}
	}
	return out, nil
}

func validName(s string) bool {
	if s == "" || len(s) > maxNameBytes || s == "." || s == ".." || s[0] == '.' || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func short(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// Bytes writes the SUMS file, names sorted.
func (s Sums) Bytes() []byte {
	sorted := slices.Clone(s)
	slices.SortFunc(sorted, func(a, b Sum) int { return strings.Compare(a.Name, b.Name) })
	var b bytes.Buffer
	for _, e := range sorted {
		fmt.Fprintf(&b, "%x  %s\n", e.SHA256, e.Name)
	}
	return b.Bytes()
}

// Lookup returns the checksum of the file named name.
func (s Sums) Lookup(name string) ([32]byte, bool) {
	for _, e := range s {
		if e.Name == name {
			return e.SHA256, true
		}
	}
	return [32]byte{}, false
}

// Check hashes r and compares it with the SUMS line for name.
func (s Sums) Check(name string, r io.Reader) error {
	want, ok := s.Lookup(name)
	if !ok {
		return fmt.Errorf("release: %s is not listed in %s", name, SumsFile)
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return fmt.Errorf("release: hashing %s: %w", name, err)
	}
	if got := h.Sum(nil); !bytes.Equal(got, want[:]) {
		return fmt.Errorf("release: %s has sha256 %x, %s says %x", name, got, SumsFile, want)
	}
	return nil
}

// digest is the EIP-191 personal_sign hash of msg.
func digest(msg []byte) []byte {
	return crypto.Keccak256([]byte("\x19Ethereum Signed Message:\n"+strconv.Itoa(len(msg))), msg)
}

// Sign signs a SUMS file's bytes with the release key and returns the
// contents of SigFile.
func Sign(key *ecdsa.PrivateKey, sums []byte) ([]byte, error) {
	sig, err := crypto.Sign(digest(sums), key)
	if err != nil {
		return nil, fmt.Errorf("release: signing: %w", err)
	}
	sig[64] += 27
	return []byte("0x" + hex.EncodeToString(sig) + "\n"), nil
}

// secp256k1 half order: a signature's s must not exceed it (EIP-2).
var halfN = new(big.Int).Rsh(crypto.S256().Params().N, 1)

// Signer recovers the address that signed sums from SigFile's contents.
func Signer(sums, sigFile []byte) (common.Address, error) {
	text := strings.TrimSpace(string(sigFile))
	h, ok := strings.CutPrefix(text, "0x")
	if !ok || len(h) != 130 {
		return common.Address{}, fmt.Errorf("release: %s: expected 0x and 130 hex digits", SigFile)
	}
	sig, err := hex.DecodeString(h)
	if err != nil {
		return common.Address{}, fmt.Errorf("release: %s: expected 0x and 130 hex digits", SigFile)
	}
	if sig[64] != 27 && sig[64] != 28 {
		return common.Address{}, fmt.Errorf("release: %s: expected v of 27 or 28, got %d", SigFile, sig[64])
	}
	if new(big.Int).SetBytes(sig[32:64]).Cmp(halfN) > 0 {
		return common.Address{}, fmt.Errorf("release: %s: s is in the upper half of the curve order (EIP-2)", SigFile)
	}
	sig[64] -= 27
	pub, err := crypto.SigToPub(digest(sums), sig)
	if err != nil {
		return common.Address{}, fmt.Errorf("release: %s: %w", SigFile, err)
	}
	return crypto.PubkeyToAddress(*pub), nil
}

// Verify checks that sums was signed by signer and parses it.
func Verify(sums, sigFile []byte, signer common.Address) (Sums, error) {
	if signer == (common.Address{}) {
		return nil, fmt.Errorf("%w: no release key is configured (the network file's release_signer)", ErrBadSignature)
	}
	got, err := Signer(sums, sigFile)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	if got != signer {
		return nil, fmt.Errorf("%w: signed by %s, expected %s", ErrBadSignature, got.Hex(), signer.Hex())
	}
	return ParseSums(sums)
}
