package node

import (
	"crypto/ecdsa"
	"path/filepath"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
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
// first start; a key file others can read is refused (api.LoadOrCreateKey).
func LoadOrCreateIdentity(dataDir string) (*Identity, error) {
	key, err := api.LoadOrCreateKey(filepath.Join(dataDir, KeyFile))
	if err != nil {
		return nil, err
	}
	return &Identity{Key: key, Address: crypto.PubkeyToAddress(key.PublicKey)}, nil
}
