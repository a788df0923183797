package contracts

import (
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// TestReadRegistry: the operator set, threshold and a dataset's recorded
// root are read from a registry named by address alone (no Attach), before
// and after the dataset is posted; an address without code is ErrNotDeployed.
func TestReadRegistry(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	reader := NewChain(n.chain.Backend(), "simulated") // nothing attached
	e, err := reader.ReadRegistry(ctx, n.addrs.Registry, "ds-1")
	if err != nil {
		t.Fatal(err)
	}
	if e.Threshold != 2 || len(e.Operators) != 3 || e.Operators[1] != addr(n.ops[1]) || e.Posted || e.Key != DatasetKey("ds-1") {
		t.Fatalf("before posting: %+v", e)
	}
	ds := Dataset{ID: DatasetKey("ds-1"), Root: crypto.Keccak256Hash([]byte("root")), Rows: 42}
	if _, err := n.chain.PostDataset(ctx, n.deployer, ds, n.signDataset(t, ds, n.ops[:2]...)); err != nil {
		t.Fatal(err)
	}
	e, err = reader.ReadRegistry(ctx, n.addrs.Registry, "ds-1")
	if err != nil || !e.Posted || e.Root != ds.Root || e.Rows != 42 {
		t.Fatalf("after posting: %+v, %v", e, err)
	}
	if _, err := reader.ReadRegistry(ctx, common.HexToAddress("0x00000000000000000000000000000000000000aa"), "ds-1"); !errors.Is(err, ErrNotDeployed) {
		t.Fatalf("no contract there: %v, want ErrNotDeployed", err)
	}
	if _, err := reader.ReadRegistry(ctx, common.Address{}, "ds-1"); !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("zero address: %v, want ErrInvalidConfig", err)
	}
}
