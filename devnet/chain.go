package devnet

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/contracts"
)

// Chain is the dev network's in-process chain (go-ethereum's simulated
// backend, a real EVM) with Meadow's contracts deployed: the operators' keys
// that sign roots, and a buyer funded with the test stable token.
type Chain struct {
	*contracts.Chain
	Addrs     contracts.Addresses
	Deployer  *ecdsa.PrivateKey
	Buyer     *ecdsa.PrivateKey
	Operators []*ecdsa.PrivateKey
	// Relayers are the coordinators' relayer keys (one each, in the
	// operators' order), funded at genesis: they send nodes' gasless
	// claims and pay their gas.
	Relayers  []*ecdsa.PrivateKey
	Threshold int
	// RPC is the chain's JSON-RPC endpoint on loopback, for the commands
	// a user runs beside the network (meadow buyer pay, meadow node claim).
	RPC string
}

// BuyerFunds is what the dev buyer starts with: 1,000,000 test stable tokens
// (6 decimals).
var BuyerFunds = new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(1_000_000))

// StartChain starts the chain and deploys the contracts with operators keys of
// which threshold must sign every root.
func StartChain(ctx context.Context, operators, threshold int) (*Chain, error) {
	newKey := func() *ecdsa.PrivateKey {
		k, err := crypto.GenerateKey()
		if err != nil {
			panic(err) // only when the system's randomness fails
		}
		return k
	}
	c := &Chain{Deployer: newKey(), Buyer: newKey(), Threshold: threshold}
	funded := []common.Address{crypto.PubkeyToAddress(c.Deployer.PublicKey), crypto.PubkeyToAddress(c.Buyer.PublicKey)}
	var opAddrs []common.Address
	for i := 0; i < operators; i++ {
		k := newKey()
		c.Operators = append(c.Operators, k)
		opAddrs = append(opAddrs, crypto.PubkeyToAddress(k.PublicKey))
	}
	funded = append(funded, opAddrs...)
	for i := 0; i < operators; i++ {
		k := newKey()
		c.Relayers = append(c.Relayers, k)
		funded = append(funded, crypto.PubkeyToAddress(k.PublicKey))
	}
	chain, rpc, err := contracts.NewSimulatedRPC("127.0.0.1", 50*time.Millisecond, funded...)
	if err != nil {
		return nil, fmt.Errorf("devnet: chain: %w", err)
	}
	c.Chain, c.RPC = chain, rpc
	addrs, err := chain.Deploy(ctx, c.Deployer, contracts.DeployConfig{
		Operators: opAddrs, Threshold: threshold, Treasury: crypto.PubkeyToAddress(c.Deployer.PublicKey),
	})
	if err != nil {
		chain.Close()
		return nil, fmt.Errorf("devnet: deploying the contracts: %w", err)
	}
	c.Addrs = addrs
	if _, err := chain.MintTestStable(ctx, c.Deployer, crypto.PubkeyToAddress(c.Buyer.PublicKey), BuyerFunds); err != nil {
		chain.Close()
		return nil, fmt.Errorf("devnet: funding the buyer: %w", err)
	}
	return c, nil
}

// BuyerAddress is the dev buyer's account.
func (c *Chain) BuyerAddress() common.Address { return crypto.PubkeyToAddress(c.Buyer.PublicKey) }
