//go:build !nodeonly

// The in-process chain: go-ethereum's simulated backend, which links most of
// go-ethereum (a full node: EVM, state, txpool, p2p, pebble). The node-only
// build (-tags nodeonly, `make node-bin`) has no use for it, and leaving it
// out takes about 15 MB off a home node's resident memory (see "Resident
// memory of a node" in docs/BENCHMARKS.md); simulated_none.go stands in.

package contracts

import (
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
)

// simBackend is the in-process chain behind a Chain from NewSimulated.
type simBackend = simulated.Backend

// NewSimulated starts an in-process chain (go-ethereum's simulated backend,
// chain id 1337, a real EVM) with each of funded given SimulatedFunds of
// ether. It mines one block per transaction Chain sends; Simulated gives
// access to mine more.
func NewSimulated(funded ...common.Address) (*Chain, error) {
	return newSimulated(funded)
}

func newSimulated(funded []common.Address, opts ...func(*node.Config, *ethconfig.Config)) (*Chain, error) {
	alloc := make(types.GenesisAlloc, len(funded))
	for _, a := range funded {
		alloc[a] = types.Account{Balance: new(big.Int).Set(SimulatedFunds)}
	}
	sim := simulated.NewBackend(alloc, opts...)
	c := &Chain{
		backend:     sim.Client(),
		endpoint:    SimulatedEndpoint,
		sim:         sim,
		closer:      func() { _ = sim.Close() },
		receiptPoll: 10 * time.Millisecond,
	}
	return c, nil
}

// Simulated returns the in-process backend (to move time with AdjustTime),
// or nil for a chain reached over JSON-RPC. Mine blocks with Mine rather
// than its Commit: concurrent Commits deadlock the simulated beacon.
func (c *Chain) Simulated() *simulated.Backend { return c.sim }
