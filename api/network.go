package api

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// NetworkFormat names the network file's format and version. A file of a
// later format is refused rather than half understood.
const NetworkFormat = "meadow-network/1"

// MaxNetworkFileSize bounds a network file (it lists a handful of URLs).
const MaxNetworkFileSize = 64 << 10

// Network is the network file: everything a node, buyer or verifier needs to
// find and trust one Meadow network, so that no chain id or URL has to be
// guessed. A release ships the public network's file; `meadow operator
// deploy` writes one for the chain it deployed to; `meadow dev` writes the
// dev network's. It is JSON, read strictly (an unknown key is an error).
type Network struct {
	// Format is NetworkFormat.
	Format string `json:"format"`
	// Name is a short label for people ("mainnet", "dev").
	Name string `json:"name"`
	// ChainID is the chain the contracts live on and the EIP-712 domain of
	// every signed request.
	ChainID uint64 `json:"chain_id"`
	// Coordinators are the coordinators' API base URLs (http or https);
	// clients fail over among them.
	Coordinators []string `json:"coordinators"`
	// ChainRPC are JSON-RPC endpoints of the chain that users may use to
	// read balances or pay (optional: a user may bring their own).
	ChainRPC []string `json:"chain_rpc,omitempty"`
	// Contracts are the deployed contracts' addresses.
	Contracts NetworkContracts `json:"contracts"`
	// Operators are the operators' signing addresses and Threshold how many
	// of them must sign a reward root (as the distributor was deployed with).
	Operators []common.Address `json:"operators,omitempty"`
	Threshold int              `json:"threshold,omitempty"`
	// ReleaseSigner is the address whose EIP-191 signature a release's
	// SHA256SUMS must carry for nodes to update to it (zero: no updates).
	ReleaseSigner common.Address `json:"release_signer,omitzero"`
	// CoordinatorCA is the PEM certificate(s) of the CA that signed the
	// coordinators' certificates, for a cluster with its own CA (empty:
	// the system's roots verify them). Clients trust it for the
	// coordinators only, as with --coord-ca, never for the sites a node
	// crawls.
	CoordinatorCA string `json:"coordinator_ca,omitempty"`
	// Dev marks a development network: its chain has a faucet and its keys
	// are throwaway. Commands that are for dev networks only (the buyer
	// faucet) refuse a network without it.
	Dev bool `json:"dev,omitempty"`
}

// NetworkContracts are the contract addresses of a network; the JSON keys
// are those of contracts.Addresses.
type NetworkContracts struct {
	Distributor common.Address `json:"distributor"`
	Registry    common.Address `json:"registry"`
	Token       common.Address `json:"token"`
	Stable      common.Address `json:"stable"`
	Marketplace common.Address `json:"marketplace"`
	// DeployBlock is the block the distributor was created in.
	DeployBlock uint64 `json:"deploy_block"`
	// CommunityFactory creates communities; absent from files of networks
	// deployed before communities (which still load). A file that names
	// one needs a binary that knows the key, as the file is read strictly.
	CommunityFactory common.Address `json:"community_factory,omitzero"`
}

// Validate checks every field and names each wrong one.
func (n Network) Validate() error {
	var v validator
	if n.Format != NetworkFormat {
		v.add("format", quote(n.Format), fmt.Sprintf("%q", NetworkFormat))
	}
	v.text("name", n.Name, 64, true)
	if n.ChainID == 0 || n.ChainID > MaxNonce {
		v.add("chain_id", fmt.Sprint(n.ChainID), "a chain id from 1 to 2^53-1")
	}
	if len(n.Coordinators) == 0 || len(n.Coordinators) > 16 {
		v.add("coordinators", fmt.Sprintf("%d URLs", len(n.Coordinators)), "1 to 16 coordinator base URLs")
	}
	seen := map[string]bool{}
	for i, u := range n.Coordinators {
		f := at("coordinators", i)
		if exp := checkBaseURL(u); exp != "" {
			v.add(f, quote(u), exp)
		} else if seen[u] {
			v.add(f, quote(u), "each coordinator once")
		}
		seen[u] = true
	}
	if len(n.ChainRPC) > 16 {
		v.add("chain_rpc", fmt.Sprintf("%d URLs", len(n.ChainRPC)), "at most 16 JSON-RPC URLs")
	}
	for i, u := range n.ChainRPC {
		if exp := checkBaseURL(u); exp != "" {
			v.add(at("chain_rpc", i), quote(u), exp)
		}
	}
	for _, c := range []struct {
		name string
		addr common.Address
	}{{"distributor", n.Contracts.Distributor}, {"registry", n.Contracts.Registry}, {"token", n.Contracts.Token},
		{"stable", n.Contracts.Stable}, {"marketplace", n.Contracts.Marketplace}} {
		if c.addr == (common.Address{}) {
			v.add("contracts."+c.name, "", "the contract's address (0x and 40 hex digits, not zero)")
		}
	}
	for i, a := range n.Operators {
		if a == (common.Address{}) {
			v.add(at("operators", i), a.Hex(), "an operator's address, not zero")
		}
	}
	if n.CoordinatorCA != "" {
		if _, err := ParseCACerts([]byte(n.CoordinatorCA)); err != nil {
			v.add("coordinator_ca", err.Error(), "the PEM certificate(s) of the CA that signed the coordinators' certificates")
		}
	}
	switch {
	case len(n.Operators) == 0 && n.Threshold != 0:
		v.add("threshold", itoa(int64(n.Threshold)), "0 when no operators are listed")
	case len(n.Operators) > 0 && (n.Threshold < 1 || n.Threshold > len(n.Operators)):
		v.add("threshold", itoa(int64(n.Threshold)), fmt.Sprintf("from 1 to the %d operators listed", len(n.Operators)))
	}
	return v.err()
}

// checkBaseURL returns what was expected of a service's base URL, or "".
func checkBaseURL(s string) string {
	if exp := CheckURL(s); exp != "" {
		return exp
	}
	if strings.ContainsAny(s, "?#") {
		return "a base URL without query or fragment"
	}
	return ""
}

// Domain is the EIP-712 domain requests to this network are signed in.
func (n Network) Domain() Domain { return DomainFor(n.ChainID) }

// ParseNetwork reads a network file's bytes strictly and validates them.
func ParseNetwork(data []byte) (Network, error) {
	if len(data) > MaxNetworkFileSize {
		return Network{}, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxNetworkFileSize)
	}
	var n Network
	if err := Unmarshal(data, &n); err != nil {
		return Network{}, err
	}
	return n, nil
}

// LoadNetwork reads and validates the network file at path; its errors name
// the file.
func LoadNetwork(path string) (Network, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Network{}, fmt.Errorf("network file: %w", err)
	}
	n, err := ParseNetwork(data)
	if err != nil {
		return Network{}, fmt.Errorf("network file %s: %w", path, err)
	}
	return n, nil
}

// WriteNetwork validates n and writes it to path (0644: it holds no secret).
func WriteNetwork(path string, n Network) error {
	if err := n.Validate(); err != nil {
		return fmt.Errorf("network file %s: %w", path, err)
	}
	data, err := MarshalNetwork(n)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// MarshalNetwork encodes n as the indented JSON of a network file.
func MarshalNetwork(n Network) ([]byte, error) {
	data, err := json.MarshalIndent(n, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("network file: %w", err)
	}
	return append(data, '\n'), nil
}
