//go:build !nodeonly

package main

import (
	"fmt"

	"github.com/meadow-net/meadow/api"
)

// applyNetwork takes the coordinators and the chain id from the network
// file (--network, config key network, MEADOW_NETWORK) when one is given:
// its chain id replaces --chain-id's default, and its coordinators
// --coord's unless --coord was given on the command line. An explicit
// --chain-id that disagrees with the file is an error naming both, since
// every request signed with it would be refused. The file's coordinator
// CA, if any, is trusted as --coord-ca's.
func (f *buyerFlags) applyNetwork(a *app) error {
	n, ok, err := f.loadNetwork()
	if err != nil || !ok {
		return err
	}
	if f.flags != nil && f.flags.Changed("chain-id") && f.chainID != n.ChainID {
		return usageError(fmt.Errorf("--chain-id %d: the network file %s is for chain %d (leave --chain-id out, or use the other network's file)", f.chainID, f.network, n.ChainID))
	}
	f.chainID = n.ChainID
	f.groups = api.TrustOf(n)
	a.trustNetworkCA(n)
	if f.flags == nil || !f.flags.Changed("coord") {
		f.coord = append([]string(nil), n.Coordinators...)
	}
	return nil
}

// loadNetwork reads the network file, if one was given.
func (f *buyerFlags) loadNetwork() (api.Network, bool, error) {
	if f.network == "" {
		return api.Network{}, false, nil
	}
	n, err := api.LoadNetwork(f.network)
	if err != nil {
		return api.Network{}, false, usageError(fmt.Errorf("--network: %w", err))
	}
	return n, true, nil
}
