package api

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// TestCommunityFactoryIsOptional: the network file and GET /v1/chain name
// the community factory when the network has one and leave the key out
// otherwise, so that files and answers of networks deployed before
// communities read (and write) as they did.
func TestCommunityFactoryIsOptional(t *testing.T) {
	f := common.HexToAddress("0xfac")
	old := testNetwork()
	b, err := MarshalNetwork(old)
	if err != nil || strings.Contains(string(b), "community_factory") {
		t.Fatalf("a network without a factory: %v\n%s; want no community_factory", err, b)
	}
	if n, err := ParseNetwork(b); err != nil || n.Contracts.CommunityFactory != (common.Address{}) {
		t.Fatalf("an old network file: %+v, %v", n, err)
	}
	withF := testNetwork()
	withF.Contracts.CommunityFactory = f
	if b, err = MarshalNetwork(withF); err != nil || !strings.Contains(string(b), `"community_factory": "`+strings.ToLower(f.Hex())+`"`) {
		t.Fatalf("a network with a factory: %v\n%s", err, b)
	}
	if n, err := ParseNetwork(b); err != nil || n.Contracts.CommunityFactory != f {
		t.Fatalf("read back: %+v, %v", n.Contracts, err)
	}

	info := ChainInfo{ChainID: 1337, Distributor: common.Address{1}, Registry: common.Address{2}}
	if b, _ := json.Marshal(info); strings.Contains(string(b), "community_factory") {
		t.Fatalf("chain info without a factory: %s", b)
	}
	info.CommunityFactory = f
	b, _ = json.Marshal(info)
	var back ChainInfo
	if err := json.Unmarshal(b, &back); err != nil || back.CommunityFactory != f || back.Validate() != nil {
		t.Fatalf("chain info with a factory: %s -> %+v, %v", b, back, err)
	}
}
