package node

import (
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// KeyFile is the name of the node's private key in its data dir.
const KeyFile = "node.key"

// Identity is a node's secp256k1 key. Its Ethereum address is the node's
// identity on the network and the account its rewards are paid to.
type Identity struct {
	Key     *ecdsa.PrivateKey
	Address common.Address
}

// LoadOrCreateIdentity reads the key in dataDir, creating it (mode 0600) on
// first start. A key file that others can read is refused rather than used:
// whoever reads it can claim the node's rewards.
func LoadOrCreateIdentity(dataDir string) (*Identity, error) {
	path := filepath.Join(dataDir, KeyFile)
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return createIdentity(dataDir, path)
	case err != nil:
		return nil, fmt.Errorf("node: key %s: %w", path, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("node: key %s: %w", path, err)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("node: key %s has mode %04o: expected 0600 (run chmod 600 %s)", path, perm, path)
	}
	key, err := crypto.HexToECDSA(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, fmt.Errorf("node: key %s: expected 64 hex digits of a secp256k1 private key: %w", path, err)
	}
	return &Identity{Key: key, Address: crypto.PubkeyToAddress(key.PublicKey)}, nil
}

func createIdentity(dataDir, path string) (*Identity, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("node: data dir %s: %w", dataDir, err)
	}
	key, err := crypto.GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("node: generate key: %w", err)
	}
	// Write to a temporary file and rename, so that a crash never leaves a
	// half-written key that a restart would refuse.
	tmp, err := os.CreateTemp(dataDir, KeyFile+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("node: key %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("node: key %s: %w", path, err)
	}
	if _, err := tmp.WriteString(hex.EncodeToString(crypto.FromECDSA(key)) + "\n"); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("node: key %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("node: key %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("node: key %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		// Another process created the key first: use theirs.
		if errors.Is(err, fs.ErrExist) {
			return LoadOrCreateIdentity(dataDir)
		}
		return nil, fmt.Errorf("node: key %s: %w", path, err)
	}
	return &Identity{Key: key, Address: crypto.PubkeyToAddress(key.PublicKey)}, nil
}
