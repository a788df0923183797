package devnet

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
)

// The files a dev network writes into its directory for the commands a user
// runs beside it.
const (
	// NetworkFileName is the dev network's network file (api.Network,
	// dev: true): meadow buyer --network DIR/network.json.
	NetworkFileName = "network.json"
)

// NetworkFile describes the running network as a network file: its chain
// id, coordinators, chain endpoint, contracts and operators, marked dev.
func (n *Network) NetworkFile() api.Network {
	a := n.Chain.Addrs
	var ops []common.Address
	for _, k := range n.Chain.Operators {
		ops = append(ops, crypto.PubkeyToAddress(k.PublicKey))
	}
	return api.Network{
		Format: api.NetworkFormat, Name: "dev", ChainID: n.chainID,
		Coordinators: append([]string(nil), n.CoordURLs...),
		ChainRPC:     []string{n.Chain.RPC},
		Contracts: api.NetworkContracts{Distributor: a.Distributor, Registry: a.Registry, Token: a.Token,
			Stable: a.Stable, Marketplace: a.Marketplace, DeployBlock: a.DeployBlock, CommunityFactory: a.CommunityFactory},
		Operators: ops, Threshold: n.Chain.Threshold,
		Dev: true,
	}
}

// NetworkFilePath is where Start wrote the network file.
func (n *Network) NetworkFilePath() string { return filepath.Join(n.dir, NetworkFileName) }

// writeUserFiles writes the network file and the dev buyer's key.
func (n *Network) writeUserFiles() error {
	if err := api.WriteNetwork(n.NetworkFilePath(), n.NetworkFile()); err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	key := hex.EncodeToString(crypto.FromECDSA(n.Chain.Buyer)) + "\n"
	if err := os.WriteFile(n.BuyerKeyFile(), []byte(key), 0o600); err != nil {
		return fmt.Errorf("devnet: buyer key file: %w", err)
	}
	return nil
}
