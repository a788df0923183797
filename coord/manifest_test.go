package coord_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/dataset"
)

// TestManifestWaitsForQuorum: right after a dataset completes, its
// manifest is not signed yet (the leader signs it when it posts the root to
// the registry, here every second). The manifest route says so (409, field
// "signatures", Retry-After) instead of serving it unsigned, and a buyer's
// client waits: every manifest it returns, and every 200 the route gives,
// carries at least the registry's threshold of operator signatures, which
// verify against the registry's operators.
func TestManifestWaitsForQuorum(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	deployer, buyerKey := newKey(t), newKey(t)
	var ops []*ecdsa.PrivateKey
	var opAddrs []common.Address
	for range 3 {
		k := newKey(t)
		ops, opAddrs = append(ops, k), append(opAddrs, keyAddr(k))
	}
	ch, err := contracts.NewSimulated(append([]common.Address{keyAddr(deployer), keyAddr(buyerKey)}, opAddrs...)...)
	if err != nil {
		t.Fatalf("in-process chain: %v", err)
	}
	t.Cleanup(ch.Close)
	const threshold = 2
	if _, err := ch.Deploy(ctx, deployer, contracts.DeployConfig{Operators: opAddrs, Threshold: threshold, Treasury: keyAddr(deployer)}); err != nil {
		t.Fatal(err)
	}
	c := coordtest.NewTestCluster(t, 3,
		coordtest.WithConfig(func(i int, cfg *coord.Config) {
			cfg.ChainPoll = time.Second * coordtest.Scale()
			cfg.ChainConfirmations = 0
		}),
		coordtest.WithMemberOptions(func(i int) []coord.Option {
			return []coord.Option{coord.WithChain(ch, ops[i])}
		}))
	job := doneDataset(t, c, keyAddr(buyerKey))
	ds := state.DatasetID(job)
	f := c.Followers()[0].Config.HTTPAddr
	reader := &signer{key: buyerKey}

	// The route, read at once: a 409 naming the signatures, or a signed
	// manifest; never an unsigned one.
	code, body, eb := readAs(t, f, "/v1/datasets/"+ds+"/manifest", reader, "", nil)
	switch code {
	case http.StatusConflict:
		if eb.Error.Field != "signatures" {
			t.Fatalf("manifest at once: 409 %+v; want field signatures", eb)
		}
	case http.StatusOK:
		var m dataset.Manifest
		if err := json.Unmarshal(body, &m); err != nil || len(m.Signatures) < threshold {
			t.Fatalf("manifest at once: 200 with %d signatures (%v): %s", len(m.Signatures), err, body)
		}
	default:
		t.Fatalf("manifest at once: %d %s", code, body)
	}

	b, err := buyer.New(buyer.Config{Coordinators: []string{"http://" + f}, Key: buyerKey, ChainID: api.DevChainID})
	if err != nil {
		t.Fatal(err)
	}
	m, raw, err := b.Manifest(ctx, ds)
	if err != nil {
		t.Fatalf("the buyer's manifest: %v", err)
	}
	if len(m.Signatures) < threshold {
		t.Fatalf("the buyer's client returned a manifest with %d signatures, want at least %d: %s", len(m.Signatures), threshold, raw)
	}
	var trusted []string
	for _, a := range opAddrs {
		trusted = append(trusted, a.Hex())
	}
	if err := m.VerifySignatures(dataset.EthereumVerifier, threshold, trusted); err != nil {
		t.Fatalf("the manifest's signatures against the operators: %v", err)
	}
}
