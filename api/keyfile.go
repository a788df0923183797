package api

import (
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/crypto"
)

// LoadOrCreateKey reads the secp256k1 key in the file at path, creating it
// (mode 0600, in a 0700 directory) when it does not exist. A key file that
// others can read is refused rather than used: whoever reads it can sign as
// its owner and claim its rewards.
func LoadOrCreateKey(path string) (*ecdsa.PrivateKey, error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return createKey(path)
	case err != nil:
		return nil, fmt.Errorf("api: key %s: %w", path, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("api: key %s: %w", path, err)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("api: key %s has mode %04o: expected 0600 (run chmod 600 %s)", path, perm, path)
	}
	key, err := crypto.HexToECDSA(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, fmt.Errorf("api: key %s: expected 64 hex digits of a secp256k1 private key: %w", path, err)
	}
	return key, nil
}

func createKey(path string) (*ecdsa.PrivateKey, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("api: key directory %s: %w", dir, err)
	}
	key, err := crypto.GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("api: generate key: %w", err)
	}
	// Write a temporary file and link it into place, so that a crash never
	// leaves a half-written key, and two processes starting at once end up
	// with one key.
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("api: key %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	werr := tmp.Chmod(0o600)
	if werr == nil {
		_, werr = tmp.WriteString(hex.EncodeToString(crypto.FromECDSA(key)) + "\n")
	}
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, fmt.Errorf("api: key %s: %w", path, werr)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return LoadOrCreateKey(path) // another process made it first: use theirs
		}
		return nil, fmt.Errorf("api: key %s: %w", path, err)
	}
	return key, nil
}
