package contracts

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// TestDeployDetailedReportsEachCreation checks that a deployment lists its
// six creations (the network's three, then the community contracts' three)
// with the gas each used and what it cost, that the addresses it returns
// are those of the receipts, and that the Chain is attached to them. The log has each creation's gas under Osaka rules and
// under go-ethereum's dev-chain rules (docs/BENCHMARKS.md):
//
//	go test ./contracts -run TestDeployDetailedReportsEachCreation -v
func TestDeployDetailedReportsEachCreation(t *testing.T) {
	t.Run("osaka", func(t *testing.T) { deployDetailed(t, newTestNetWith(t, osaka)) })
	t.Run("dev-chain", func(t *testing.T) { deployDetailed(t, newTestNet(t)) })
}

func deployDetailed(t *testing.T, n *testNet) {
	ctx := testCtx(t)
	d, err := n.chain.DeployDetailed(ctx, n.deployer, DeployConfig{
		Operators: []common.Address{addr(n.ops[0]), addr(n.ops[1]), addr(n.ops[2])}, Threshold: 2, Treasury: n.treasury,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name string
		addr common.Address
	}{{"StableToken", d.Stable}, {"RewardsDistributor", d.Distributor}, {"DatasetRegistry", d.Registry},
		{"ERC6551Registry", common.Address{}}, {"ERC6551Account", common.Address{}}, {"CommunityFactory", d.CommunityFactory}}
	cm, err := n.chain.Communities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want[3].addr, want[4].addr = cm.Addresses().Registry, cm.Addresses().Implementation
	if len(d.Creations) != len(want) {
		t.Fatalf("creations %+v, want %d", d.Creations, len(want))
	}
	for i, w := range want {
		cr := d.Creations[i]
		if cr.Contract != w.name || cr.Address != w.addr || cr.GasUsed == 0 || cr.Fee == nil || cr.Fee.Sign() <= 0 {
			t.Errorf("creation %d = %+v, want %s at %s with its gas and fee", i, cr, w.name, w.addr.Hex())
		}
		rcpt, err := n.chain.Backend().TransactionReceipt(ctx, cr.Tx)
		if err != nil || rcpt.ContractAddress != cr.Address || rcpt.GasUsed != cr.GasUsed || rcpt.BlockNumber.Uint64() != cr.Block {
			t.Errorf("creation %s: the chain's receipt %+v (%v) disagrees with %+v", cr.Contract, rcpt, err, cr)
		}
		t.Logf("%-18s %9d gas", cr.Contract, cr.GasUsed)
	}
	if d.DeployBlock != d.Creations[1].Block || n.chain.Addresses() != d.Addresses {
		t.Errorf("deploy block %d, chain attached to %+v; want the distributor's block %d and %+v", d.DeployBlock, n.chain.Addresses(), d.Creations[1].Block, d.Addresses)
	}
	var sum uint64
	for _, cr := range d.Creations {
		sum += cr.GasUsed
	}
	if d.GasUsed() != sum || d.Fee().Sign() <= 0 {
		t.Errorf("totals: %d gas, %s wei", d.GasUsed(), d.Fee())
	}
	t.Logf("%-18s %9d gas", "total", d.GasUsed())
}

// TestDeployWithoutGasMoney: a deployer with no ether is refused before any
// transaction, and one that runs out part way gets ErrInsufficientFunds
// naming the account, its balance and what was already deployed.
func TestDeployWithoutGasMoney(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	cfg := DeployConfig{Operators: []common.Address{addr(n.ops[0]), addr(n.ops[1])}, Threshold: 2, Treasury: n.treasury}

	broke := testKey(t, "broke deployer")
	head, err := n.chain.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = n.chain.DeployDetailed(ctx, broke, cfg)
	if !errors.Is(err, ErrInsufficientFunds) || !strings.Contains(err.Error(), addr(broke).Hex()) || !strings.Contains(err.Error(), "holds 0 ether on chain 1337") {
		t.Fatalf("deploy from an empty account = %v, want ErrInsufficientFunds naming it, its 0 balance and the chain", err)
	}
	if after, _ := n.chain.Head(ctx); after != head {
		t.Errorf("head moved from %d to %d: a refused deployment sent something", head, after)
	}
	if n.chain.Addresses() != n.addrs {
		t.Errorf("the chain's addresses changed to %+v", n.chain.Addresses())
	}

	// Enough for the stable token (about 0.6 M gas), not for the distributor.
	price, err := n.chain.Backend().SuggestGasPrice(ctx)
	if err != nil {
		t.Fatal(err)
	}
	poor := testKey(t, "poor deployer")
	budget := new(big.Int).Mul(price, big.NewInt(3*1_500_000))
	if _, err := n.chain.SendEther(ctx, n.deployer, addr(poor), budget); err != nil {
		t.Fatal(err)
	}
	d, err := n.chain.DeployDetailed(ctx, poor, cfg)
	if !errors.Is(err, ErrInsufficientFunds) || !strings.Contains(err.Error(), addr(poor).Hex()) ||
		!strings.Contains(err.Error(), "deploy RewardsDistributor") || !strings.Contains(err.Error(), "already deployed, and paid for: StableToken at") {
		t.Fatalf("deploy running out of ether = %v, want ErrInsufficientFunds at the distributor naming the stable token deployed", err)
	}
	if len(d.Creations) != 1 || d.Stable == (common.Address{}) || d.Distributor != (common.Address{}) {
		t.Errorf("partial deployment %+v, want the stable token only", d)
	}

	// SendEther from an empty account says the same.
	if _, err := n.chain.SendEther(ctx, broke, addr(poor), big.NewInt(1)); !errors.Is(err, ErrInsufficientFunds) || !strings.Contains(err.Error(), addr(broke).Hex()) {
		t.Errorf("SendEther from an empty account = %v, want ErrInsufficientFunds naming it", err)
	}
}

// neverMined is a backend whose transactions are never mined.
type neverMined struct{ Backend }

func (neverMined) TransactionReceipt(context.Context, common.Hash) (*types.Receipt, error) {
	return nil, ethereum.NotFound
}

// TestReceiptTimeout: a transaction that is not mined within the receipt
// timeout fails with ErrReceiptTimeout naming its hash, before the
// context's own deadline.
func TestReceiptTimeout(t *testing.T) {
	n := newTestNet(t)
	c := NewChain(neverMined{n.chain.Backend()}, "stuck")
	c.SetReceiptTimeout(300*time.Millisecond, 20*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	_, err := c.DeployDetailed(ctx, n.deployer, DeployConfig{Operators: []common.Address{addr(n.ops[0]), addr(n.ops[1])}, Threshold: 2, Treasury: n.treasury})
	if !errors.Is(err, ErrReceiptTimeout) || !strings.Contains(err.Error(), "deploy StableToken: transaction 0x") || !strings.Contains(err.Error(), "not mined within 300ms") {
		t.Fatalf("deploy on a chain that never mines = %v, want ErrReceiptTimeout naming the transaction", err)
	}
	if el := time.Since(start); el > 30*time.Second {
		t.Errorf("gave up after %s, want about the 300ms timeout", el)
	}
}

// TestDeploymentNamesItsCommunityFactory: Deploy records the community
// factory in the Chain's addresses; Attach forgets it and AttachCommunities
// records it again; an addresses file written before communities (no
// community_factory) reads the same, and one without a factory writes none.
func TestDeploymentNamesItsCommunityFactory(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	f := n.chain.Addresses().CommunityFactory
	if f == (common.Address{}) || f != n.addrs.CommunityFactory {
		t.Fatalf("the chain's community factory %s, Deploy's %s: want Deploy's, not zero", f.Hex(), n.addrs.CommunityFactory.Hex())
	}
	cm, err := n.chain.Communities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := cm.IsCommunity(ctx, f); err != nil || ok {
		t.Fatalf("IsCommunity(the factory) = %v, %v; want false from a factory that answers", ok, err)
	}
	if _, err := n.chain.Attach(ctx, n.addrs.Distributor, n.addrs.Registry, n.addrs.DeployBlock); err != nil {
		t.Fatal(err)
	}
	if _, err := n.chain.Communities(ctx); !errors.Is(err, ErrNotDeployed) {
		t.Fatalf("Communities after Attach = %v, want ErrNotDeployed (Attach names no factory)", err)
	}
	if _, err := n.chain.AttachCommunities(ctx, f); err != nil {
		t.Fatal(err)
	}
	if n.chain.Addresses() != n.addrs {
		t.Fatalf("after Attach and AttachCommunities: %+v, want %+v", n.chain.Addresses(), n.addrs)
	}
	if _, err := n.chain.AttachCommunities(ctx, n.addrs.Distributor); err == nil {
		t.Fatal("AttachCommunities(the distributor) succeeded; want an error (no factory there)")
	}

	var old Addresses
	if err := json.Unmarshal([]byte(`{"distributor":"0x0000000000000000000000000000000000000001","registry":"0x0000000000000000000000000000000000000002","deploy_block":7}`), &old); err != nil || old.CommunityFactory != (common.Address{}) || old.DeployBlock != 7 {
		t.Fatalf("an old file: %+v, %v", old, err)
	}
	if b, _ := json.Marshal(old); strings.Contains(string(b), "community_factory") {
		t.Fatalf("addresses without a factory marshal as %s; want no community_factory", b)
	}
	if b, _ := json.Marshal(n.addrs); !strings.Contains(string(b), `"community_factory":"`+strings.ToLower(f.Hex())+`"`) {
		t.Fatalf("addresses marshal as %s; want community_factory %s", b, f.Hex())
	}
}
