//go:build !nodeonly

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
)

// TestBuyerNetworkFile: --network gives the buyer commands their chain id
// and coordinators; an explicit --chain-id that disagrees is refused naming
// both, and a bad file is refused naming the file and the field.
func TestBuyerNetworkFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "network.json")
	n := api.Network{Format: api.NetworkFormat, Name: "t", ChainID: 4242, Coordinators: []string{"http://127.0.0.1:1"},
		Contracts: api.NetworkContracts{Distributor: common.Address{1}, Registry: common.Address{2}, Token: common.Address{3},
			Stable: common.Address{4}, Marketplace: common.Address{5}}}
	if err := api.WriteNetwork(file, n); err != nil {
		t.Fatal(err)
	}
	f := &buyerFlags{network: file, coord: []string{"http://default:8080"}, chainID: api.DevChainID}
	if err := f.applyNetwork(&app{}); err != nil {
		t.Fatal(err)
	}
	if f.chainID != 4242 || len(f.coord) != 1 || f.coord[0] != "http://127.0.0.1:1" {
		t.Errorf("from the network file: chain %d, coordinators %v", f.chainID, f.coord)
	}

	key := filepath.Join(dir, "buyer.key")
	out, err := meadow(t, "buyer", "job", "status", "j-1", "--network", file, "--chain-id", "1337", "--key", key)
	if err == nil || !strings.Contains(err.Error(), "--chain-id 1337") || !strings.Contains(err.Error(), "chain 4242") {
		t.Errorf("--chain-id against the file: %v\n%s", err, out)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"format":"meadow-network/1","chain_id":0}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = meadow(t, "buyer", "job", "status", "j-1", "--network", bad, "--key", key)
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "chain_id") {
		t.Errorf("a bad network file: %v", err)
	}
}
