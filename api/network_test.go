package api

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

func testNetwork() Network {
	return Network{
		Format: NetworkFormat, Name: "test", ChainID: 1337,
		Coordinators: []string{"http://127.0.0.1:8080", "https://coord2.example:8443"},
		Contracts: NetworkContracts{
			Distributor: common.HexToAddress("0x01"), Registry: common.HexToAddress("0x02"),
			Token: common.HexToAddress("0x03"), Stable: common.HexToAddress("0x04"), Marketplace: common.HexToAddress("0x05"),
		},
		Operators: []common.Address{common.HexToAddress("0x10"), common.HexToAddress("0x11")}, Threshold: 2,
	}
}

func TestNetworkFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "network.json")
	if err := WriteNetwork(path, testNetwork()); err != nil {
		t.Fatal(err)
	}
	got, err := LoadNetwork(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.ChainID != 1337 || len(got.Coordinators) != 2 || got.Contracts.Marketplace != common.HexToAddress("0x05") {
		t.Fatalf("round trip: %+v", got)
	}
	if got.Domain().ChainID != 1337 {
		t.Fatalf("domain: %+v", got.Domain())
	}
}

func TestNetworkFileErrorsNameTheField(t *testing.T) {
	for _, tc := range []struct {
		edit  func(*Network)
		field string
	}{
		{func(n *Network) { n.Format = "meadow-network/2" }, "format"},
		{func(n *Network) { n.ChainID = 0 }, "chain_id"},
		{func(n *Network) { n.Coordinators = nil }, "coordinators"},
		{func(n *Network) { n.Coordinators[1] = "ftp://x" }, "coordinators[1]"},
		{func(n *Network) { n.Coordinators[1] = n.Coordinators[0] }, "coordinators[1]"},
		{func(n *Network) { n.ChainRPC = []string{"http://a/?x=1"} }, "chain_rpc[0]"},
		{func(n *Network) { n.Contracts.Stable = common.Address{} }, "contracts.stable"},
		{func(n *Network) { n.Threshold = 3 }, "threshold"},
		{func(n *Network) { n.Name = "" }, "name"},
	} {
		n := testNetwork()
		n.Coordinators = append([]string(nil), n.Coordinators...)
		tc.edit(&n)
		err := n.Validate()
		fes := FieldErrors(err)
		if len(fes) == 0 || fes[0].Field != tc.field {
			t.Errorf("%s: got %v", tc.field, err)
		}
	}
	path := filepath.Join(t.TempDir(), "n.json")
	os.WriteFile(path, []byte(`{"format":"meadow-network/1","chain_idd":1}`), 0o644)
	if _, err := LoadNetwork(path); !errors.Is(err, ErrUnknownField) || !strings.Contains(err.Error(), path) {
		t.Fatalf("unknown key: %v, want ErrUnknownField naming the file", err)
	}
}

func FuzzParseNetwork(f *testing.F) {
	good, _ := MarshalNetwork(testNetwork())
	f.Add(good)
	f.Add([]byte(`{"format":"meadow-network/1"}`))
	f.Add([]byte(`[]`))
	withCA := testNetwork()
	withCA.CoordinatorCA = testCertPEM(f, "cluster CA", true)
	withCA2, _ := MarshalNetwork(withCA)
	f.Add(withCA2)
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := ParseNetwork(data)
		if err != nil {
			return
		}
		out, err := MarshalNetwork(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseNetwork(out); err != nil {
			t.Fatalf("re-parsing a written network file: %v", err)
		}
	})
}
