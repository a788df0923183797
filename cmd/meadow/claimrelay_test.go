//go:build !nodeonly

package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/node"
)

// TestNodeClaimRelayed: `meadow node claim` for a node whose key holds no
// ether goes through a coordinator's relayer: it refuses a relayer fee
// above --max-fee before signing anything, pays the claim less the fee to
// --payout, shows fee and net amount, and a second run finds nothing to
// claim. The coordinators are a real 3-member cluster settling on a chain
// reached over JSON-RPC, as a home user's node reaches it.
func TestNodeClaimRelayed(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	deployer, buyer := mustKey(t), mustKey(t)
	funded := []common.Address{crypto.PubkeyToAddress(deployer.PublicKey), crypto.PubkeyToAddress(buyer.PublicKey)}
	var ops, relayers []*ecdsa.PrivateKey
	var opAddrs []common.Address
	for i := 0; i < 3; i++ {
		ops, relayers = append(ops, mustKey(t)), append(relayers, mustKey(t))
		opAddrs = append(opAddrs, crypto.PubkeyToAddress(ops[i].PublicKey))
		funded = append(funded, opAddrs[i], crypto.PubkeyToAddress(relayers[i].PublicKey))
	}
	ch, rpc, err := contracts.NewSimulatedRPC("127.0.0.1", 20*time.Millisecond, funded...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ch.Close)
	if _, err := ch.Deploy(ctx, deployer, contracts.DeployConfig{Operators: opAddrs, Threshold: 2, Treasury: funded[0]}); err != nil {
		t.Fatal(err)
	}
	chainID, err := ch.ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cl := coordtest.NewTestCluster(t, 3,
		coordtest.WithConfig(func(i int, c *coord.Config) {
			c.ChainID = chainID.Uint64()
			c.ChainPublicRPC = rpc
			c.ChainPoll, c.ChainConfirmations = 20*time.Millisecond, 0
		}),
		coordtest.WithMemberOptions(func(i int) []coord.Option {
			return []coord.Option{coord.WithChain(ch, ops[i]), coord.WithRelayer(relayers[i])}
		}))

	// Two nodes with keys in their data dirs, neither funded; both crawl
	// the same rows, which the leader accepts.
	dirs := []string{t.TempDir(), t.TempDir()}
	var ids []*node.Identity
	for i, d := range dirs {
		id, err := node.LoadOrCreateIdentity(d)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		r := state.Registration{Address: strings.ToLower(id.Address.Hex()), IP: fmt.Sprintf("10.7.%d.1", i)}
		coordtest.WaitFor(t, 20*time.Second, "registration", func() bool {
			_, err := cl.WaitLeader().C.RegisterNode(ctx, r)
			return err == nil
		})
	}
	leader := cl.WaitLeader().C
	if _, err := leader.SubmitJob(ctx, crypto.PubkeyToAddress(buyer.PublicKey), api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/1", "https://a.example/2"}}}); err != nil {
		t.Fatal(err)
	}
	var hs []api.Hash
	var ds []dataset.Hash
	for i := 0; i < 2; i++ {
		h := sha256.Sum256(fmt.Appendf(nil, "row %d", i))
		hs, ds = append(hs, api.Hash(h)), append(ds, dataset.Hash(h))
	}
	for _, id := range ids {
		addr := strings.ToLower(id.Address.Hex())
		var resp api.WorkResponse
		coordtest.WaitFor(t, 20*time.Second, "a lease for "+addr, func() bool {
			resp, err = leader.Work(ctx, addr, api.WorkRequest{MaxTasks: 1})
			return err == nil && len(resp.Leases) == 1
		})
		l := resp.Leases[0]
		if _, err := leader.Commit(ctx, addr, api.Commitment{TaskID: l.Task.ID, LeaseID: l.ID, Root: api.Hash(dataset.ContentRoot(ds)), Rows: 2}); err != nil {
			t.Fatal(err)
		}
		if _, err := leader.Reveal(ctx, addr, api.Reveal{TaskID: l.Task.ID, LeaseID: l.ID, RowHashes: hs}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := leader.Settle(ctx, 0); err != nil {
		t.Fatalf("settle: %v", err)
	}

	urls := make([]string, len(cl.Members))
	for i, m := range cl.Members {
		urls[i] = "http://" + m.Config.HTTPAddr
	}
	args := []string{"--data-dir", dirs[0], "--coord", strings.Join(urls, ","), "--chain-id", chainID.String()}
	payout := crypto.PubkeyToAddress(mustKey(t).PublicKey)

	// meadow node rewards says how the node will claim.
	if out, err := meadow(t, append([]string{"node", "rewards"}, args...)...); err != nil || !strings.Contains(out, "no ether: meadow node claim goes through a coordinator's relayer, for 1% of the claim") {
		t.Fatalf("node rewards: %v\n%s", err, out)
	}

	// The relayer asks 1%: --max-fee 0.5% refuses before anything is sent.
	if out, err := meadow(t, append([]string{"node", "claim", "--max-fee", "0.5%", "--payout", payout.Hex()}, args...)...); err == nil ||
		!strings.Contains(err.Error(), "above --max-fee 0.5%") {
		t.Fatalf("claim with --max-fee 0.5%%: %v\n%s", err, out)
	}
	for _, tc := range []struct{ args []string }{
		{[]string{"--max-fee", "6%"}},
		{[]string{"--max-fee", "1.234%"}},
		{[]string{"--payout", "0x1234"}},
	} {
		if out, err := meadow(t, append(append([]string{"node", "claim"}, tc.args...), args...)...); err == nil || !strings.Contains(err.Error(), tc.args[0]) {
			t.Fatalf("claim %v: %v\n%s; want an error naming %s", tc.args, err, out, tc.args[0])
		}
	}
	if m, _, err := ch.Claimed(ctx, ids[0].Address); err != nil || m.Sign() != 0 {
		t.Fatalf("claimed after refusals: %v %v", m, err)
	}

	out, err := meadow(t, append([]string{"node", "claim", "--payout", payout.Hex(), "--json"}, args...)...)
	if err != nil {
		t.Fatalf("relayed claim: %v\n%s", err, out)
	}
	var rep relayedClaimReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	paid, fee := amountOf(rep.PaidMeadow), amountOf(rep.FeeMeadow)
	if !rep.Relayed || rep.Payout != payout || paid.Sign() == 0 || fee.Cmp(contracts.RelayFee(paid, coord.DefaultRelayFeeBps)) != 0 {
		t.Fatalf("report %+v", rep)
	}
	// The numbers shown are the chain's.
	if bal, err := ch.BalanceOf(ctx, contracts.TokenMeadow, payout); err != nil || bal.Cmp(new(big.Int).Sub(paid, fee)) != 0 || rep.NetMeadow != bal.String() {
		t.Fatalf("payout holds %v %v, report says %s net", bal, err, rep.NetMeadow)
	}
	if bal, err := ch.BalanceOf(ctx, contracts.TokenMeadow, rep.Relayer); err != nil || bal.Cmp(fee) != 0 {
		t.Fatalf("relayer holds %v %v, want the fee %s", bal, err, fee)
	}
	if bal, err := ch.EtherBalance(ctx, ids[0].Address); err != nil || bal.Sign() != 0 {
		t.Fatalf("the node's ether: %v %v, want 0", bal, err)
	}
	if out, err := meadow(t, append([]string{"node", "claim"}, args...)...); err != nil || !strings.Contains(out, "nothing new to claim") {
		t.Fatalf("claim again: %v\n%s", err, out)
	}

	// The other node, in text, paid at its own address.
	out, err = meadow(t, "node", "claim", "--data-dir", dirs[1], "--coord", strings.Join(urls, ","), "--chain-id", chainID.String())
	if err != nil || !strings.Contains(out, "without gas") || !strings.Contains(out, "relay fee") || !strings.Contains(out, "received") ||
		!strings.Contains(out, ids[1].Address.Hex()) {
		t.Fatalf("relayed claim in text: %v\n%s", err, out)
	}
	t.Logf("meadow node claim, relayed:\n%s", out)

	// meadow coord refuses a relayer key others can read, and a fee above
	// the contract's cap, naming the flags.
	dir := t.TempDir()
	opFile, relayerFile := filepath.Join(dir, "operator.key"), filepath.Join(dir, "relayer.key")
	if err := os.WriteFile(opFile, []byte(hex.EncodeToString(crypto.FromECDSA(ops[0]))), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(relayerFile, []byte(hex.EncodeToString(crypto.FromECDSA(relayers[0]))), 0o644); err != nil {
		t.Fatal(err)
	}
	coordArgs := []string{"coord", "--id", "x", "--data-dir", t.TempDir(), "--raft-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--bootstrap",
		"--chain-id", chainID.String(), "--chain-rpc", rpc, "--distributor", ch.Addresses().Distributor.Hex(),
		"--registry", ch.Addresses().Registry.Hex(), "--operator-key", opFile}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--relayer-key", relayerFile}, "--relayer-key"},
		{[]string{"--relay-fee-bps", "600"}, "--relay-fee-bps 600"},
	} {
		if out, err := meadow(t, append(coordArgs, tc.args...)...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("coord %v: %v\n%s; want an error naming %s", tc.args, err, out, tc.want)
		}
	}
}
