package coord_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
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
	"github.com/meadow-net/meadow/rewards"
)

// settleNet is a 3-member cluster settling on an in-process chain whose
// distributor was deployed with the members' operator keys, 2 of 3.
type settleNet struct {
	c         *coordtest.Cluster
	chain     *contracts.Chain
	buyer     *ecdsa.PrivateKey
	nodes     []*ecdsa.PrivateKey
	operators []*ecdsa.PrivateKey
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func keyAddr(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

func newSettleNet(t *testing.T, nodes int) *settleNet {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	n := &settleNet{buyer: newKey(t)}
	deployer := newKey(t)
	funded := []common.Address{keyAddr(deployer), keyAddr(n.buyer)}
	var opAddrs []common.Address
	for i := 0; i < 3; i++ {
		k := newKey(t)
		n.operators = append(n.operators, k)
		opAddrs = append(opAddrs, keyAddr(k))
	}
	for i := 0; i < nodes; i++ {
		k := newKey(t)
		n.nodes = append(n.nodes, k)
		funded = append(funded, keyAddr(k))
	}
	ch, err := contracts.NewSimulated(append(funded, opAddrs...)...)
	if err != nil {
		t.Fatalf("in-process chain: %v", err)
	}
	t.Cleanup(ch.Close)
	n.chain = ch
	if _, err := ch.Deploy(ctx, deployer, contracts.DeployConfig{Operators: opAddrs, Threshold: 2, Treasury: keyAddr(deployer)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.MintTestStable(ctx, deployer, keyAddr(n.buyer), big.NewInt(1_000_000_000)); err != nil {
		t.Fatal(err)
	}
	n.c = coordtest.NewTestCluster(t, 3,
		coordtest.WithConfig(func(i int, c *coord.Config) {
			c.ChainPoll = 20 * time.Millisecond
			c.ChainConfirmations = 0
		}),
		coordtest.WithMemberOptions(func(i int) []coord.Option {
			return []coord.Option{coord.WithChain(ch, n.operators[i])}
		}))
	for i, k := range n.nodes {
		r := state.Registration{
			Address: strings.ToLower(keyAddr(k).Hex()),
			IP:      fmt.Sprintf("10.9.%d.1", i),
		}
		coordtest.WaitFor(t, 20*time.Second, "registration", func() bool {
			_, err := n.c.WaitLeader().C.RegisterNode(ctx, r)
			return err == nil
		})
	}
	return n
}

func (n *settleNet) nodeAddr(i int) string { return strings.ToLower(keyAddr(n.nodes[i]).Hex()) }

// work runs one crawl job of rows rows through two replicas, nodes a and b,
// both revealing the same hashes, and returns the job id.
func (n *settleNet) work(t *testing.T, rows int, a, b int) string {
	t.Helper()
	return runCrawl(t, n.c.WaitLeader().C, keyAddr(n.buyer), rows, n.nodeAddr(a), n.nodeAddr(b))
}

// runCrawl runs one crawl job of rows rows on leader through the given
// nodes as replicas, each revealing the same hashes, and returns its id.
func runCrawl(t *testing.T, leader *coord.Coordinator, buyer common.Address, rows int, nodes ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var urls []string
	for i := 0; i < rows; i++ {
		urls = append(urls, fmt.Sprintf("https://a.example/%d", i))
	}
	job, err := leader.SubmitJob(ctx, buyer, api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: urls}})
	if err != nil {
		t.Fatal(err)
	}
	hs := rowHashes(0, rows)
	for _, node := range nodes {
		// As a node does: an answer without a lease says when to ask
		// again (the network-wide per-domain interval may hold the second
		// replica back for a moment).
		var (
			resp api.WorkResponse
			err  error
		)
		for try := 0; try < 200; try++ {
			resp, err = leader.Work(ctx, node, api.WorkRequest{MaxTasks: 1})
			if err != nil || len(resp.Leases) > 0 {
				break
			}
			time.Sleep(time.Duration(max(resp.RetryAfter, 5)) * time.Millisecond)
		}
		if err != nil || len(resp.Leases) != 1 {
			t.Fatalf("work for node %s: %+v %v", node, resp, err)
		}
		l := resp.Leases[0]
		if _, err := leader.Commit(ctx, node, api.Commitment{TaskID: l.Task.ID, LeaseID: l.ID, Root: root(hs), Rows: int64(rows)}); err != nil {
			t.Fatal(err)
		}
		if _, err := leader.Reveal(ctx, node, api.Reveal{TaskID: l.Task.ID, LeaseID: l.ID, RowHashes: hs}); err != nil {
			t.Fatal(err)
		}
	}
	return job.ID
}

// pay has the buyer pay amount for job jobID on chain and waits until the
// leader has recorded it.
func (n *settleNet) pay(ctx context.Context, t *testing.T, jobID string, amount *big.Int) {
	t.Helper()
	if _, err := n.chain.Pay(ctx, n.buyer, contracts.JobKey(jobID), amount); err != nil {
		t.Fatal(err)
	}
	n.c.WaitFor("payment recorded", func() bool {
		j, err := n.c.WaitLeader().C.Job(jobID)
		return err == nil && j.PaidAmount().Cmp(amount) == 0
	})
}

func (n *settleNet) settle(t *testing.T, addr, body string) (int, api.SettleResponse, string) {
	t.Helper()
	code, raw := httpPost(t, addr, "/v1/cluster/settle", body)
	var r api.SettleResponse
	if code == http.StatusOK {
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatal(err)
		}
	}
	return code, r, string(raw)
}

// TestSettlementOnChain: work earns units, a buyer's payment is recorded
// once, an epoch is settled with the members' signatures and posted, each
// node's proof from any member claims its balance on chain exactly once.
func TestSettlementOnChain(t *testing.T) {
	n := newSettleNet(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	jobID := n.work(t, 4, 0, 1)

	// Rows accepted: 4 static crawl rows, 10 units each, to each replica.
	leader := n.c.WaitLeader()
	for _, i := range []int{0, 1} {
		nd, err := leader.C.Node(n.nodeAddr(i))
		if err != nil || nd.PendingUnits != 40 {
			t.Fatalf("node %d: %+v %v, want 40 pending units", i, nd, err)
		}
	}

	// The buyer pays; the watcher records it, once.
	amount := big.NewInt(5_000_000)
	n.pay(ctx, t, jobID, amount)

	// Settlement needs a chain-backed epoch number that is next.
	if code, _, raw := n.settle(t, leader.Config.HTTPAddr, `{"epoch":2}`); code != http.StatusConflict || !strings.Contains(raw, "expected 1") {
		t.Fatalf("settle epoch 2 first: %d %s", code, raw)
	}
	// Through a follower: forwarded to the leader.
	code, res, raw := n.settle(t, n.c.Followers()[0].Config.HTTPAddr, `{}`)
	if code != http.StatusOK {
		t.Fatalf("settle: %d %s", code, raw)
	}
	if res.Epoch != 1 || len(res.Signers) < 2 || res.Tx == (common.Hash{}) || res.Units != 80 || res.Leaves != 2 {
		t.Fatalf("settle: %+v", res)
	}
	ep, chainRoot, err := n.chain.LatestRoot(ctx)
	if err != nil || ep != 1 || chainRoot != res.Root {
		t.Fatalf("chain root %d %s %v, want 1 %s", ep, chainRoot.Hex(), err, res.Root.Hex())
	}
	emission, _ := new(big.Int).SetString(res.Emission, 10)
	share, _ := new(big.Int).SetString(res.RevenueShare, 10)
	if want := new(big.Int).Div(new(big.Int).Mul(amount, big.NewInt(7000)), big.NewInt(10000)); share.Cmp(want) != 0 {
		t.Fatalf("revenue share %s, want %s (70%% of %s)", share, want, amount)
	}

	// Each node's rewards, read from a follower, claim on chain.
	f := n.c.Followers()[1]
	coordtest.WaitFor(t, 10*time.Second, "follower applied the post", func() bool {
		var r api.NodeRewards
		httpGet(t, f.Config.HTTPAddr, "/v1/node/"+n.nodeAddr(0)+"/rewards", &r)
		return r.Epoch == 1
	})
	var paidMeadow = new(big.Int)
	for _, i := range []int{0, 1} {
		var r api.NodeRewards
		httpGet(t, f.Config.HTTPAddr, "/v1/node/"+n.nodeAddr(i)+"/rewards", &r)
		if err := r.Validate(); err != nil {
			t.Fatal(err)
		}
		if r.PendingUnits != 0 || r.Units != 40 || len(r.History) != 1 || r.Root != res.Root || len(r.Proof) == 0 {
			t.Fatalf("node %d rewards %+v", i, r)
		}
		m, _ := new(big.Int).SetString(r.Meadow, 10)
		s, _ := new(big.Int).SetString(r.Stable, 10)
		acct, _ := rewards.ParseAddress(n.nodeAddr(i))
		cl := contracts.NewClaimFromHashes(rewards.Leaf{Account: acct, Meadow: m, Stable: s}, r.Proof)
		got, err := n.chain.Claim(ctx, n.nodes[i], cl)
		if err != nil || got.Meadow.Cmp(m) != 0 || got.Stable.Cmp(s) != 0 {
			t.Fatalf("node %d claim: %+v %v, want %s %s", i, got, err, m, s)
		}
		again, err := n.chain.Claim(ctx, n.nodes[i], cl)
		if err != nil || again.Meadow.Sign() != 0 || again.Stable.Sign() != 0 {
			t.Fatalf("node %d second claim: %+v %v, want nothing", i, again, err)
		}
		paidMeadow.Add(paidMeadow, m)
	}
	// Equal work, equal shares; what rounding leaves is carried, not lost.
	if paidMeadow.Cmp(emission) > 0 || new(big.Int).Sub(emission, paidMeadow).Cmp(big.NewInt(2)) >= 0 {
		t.Fatalf("paid %s of emission %s", paidMeadow, emission)
	}
	// Node 2 did nothing and has no leaf.
	var r2 api.NodeRewards
	httpGet(t, f.Config.HTTPAddr, "/v1/node/"+n.nodeAddr(2)+"/rewards", &r2)
	if r2.Meadow != "0" || len(r2.Proof) != 0 {
		t.Fatalf("idle node rewards %+v", r2)
	}

	// A second epoch with no new work still posts (balances stay, pools carry).
	code, res2, raw := n.settle(t, leader.Config.HTTPAddr, `{"epoch":2}`)
	if code != http.StatusOK || res2.Epoch != 2 || res2.Units != 0 {
		t.Fatalf("settle epoch 2: %d %s", code, raw)
	}
	if d, err := n.c.WaitLeader().C.StateDigest(); err != nil || d == "" {
		t.Fatal(err)
	}
	n.c.WaitConverged()
}

// TestSettleWithoutWork: nothing to settle before any node earned anything,
// and the state is unchanged.
func TestSettleWithoutWork(t *testing.T) {
	n := newSettleNet(t, 0)
	leader := n.c.WaitLeader()
	before, _ := leader.C.StateDigest()
	code, _, raw := n.settle(t, leader.Config.HTTPAddr, "")
	if code != http.StatusBadRequest && code != http.StatusConflict {
		t.Fatalf("settle with no work: %d %s", code, raw)
	}
	if !strings.Contains(raw, "epoch 1") {
		t.Fatalf("settle with no work: %s, want the epoch named", raw)
	}
	// The proposal command was refused by the state: nothing changed.
	after, _ := leader.C.StateDigest()
	if before != after {
		t.Fatalf("state changed by a refused settlement")
	}
}

// TestSettleNeedsChain: a cluster without a chain says so.
func TestSettleNeedsChain(t *testing.T) {
	c := coordtest.NewTestCluster(t, 1)
	code, raw := httpPost(t, c.WaitLeader().Config.HTTPAddr, "/v1/cluster/settle", "")
	if code != http.StatusConflict || !strings.Contains(string(raw), "no chain configured") {
		t.Fatalf("settle without chain: %d %s", code, raw)
	}
	if code, _ := httpPostToken(t, c.WaitLeader().Config.HTTPAddr, "/v1/cluster/settle", "", ""); code != http.StatusUnauthorized {
		t.Fatalf("settle without token: %d, want 401", code)
	}
}
