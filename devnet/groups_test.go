package devnet

import (
	"context"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/node"
)

// TestTwoGroupsEndToEnd runs the dev network as two work groups of three
// coordinators, with real nodes crawling the demo site: each node
// registers and works in its home group only, a buyer's job submitted to
// each group is read through the other, and one epoch, settled by the first
// group from the second's report, pays every node of both groups (and the
// referrers of each group) through the relayers on chain.
func TestTwoGroupsEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cfg := DefaultConfig()
	cfg.Groups, cfg.Nodes, cfg.Faulty, cfg.JSNodes = 2, 4, 0, 0
	cfg.Dir = t.TempDir()
	cfg.Logger = testLogger(t)
	nw, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nw.Close)
	m := nw.Groups()
	trust := api.TrustOf(nw.NetworkFile())
	if m == nil || trust == nil {
		t.Fatal("a network of two groups without a map, or a network file without operators")
	}
	if err := trust.Verify(*m); err != nil {
		t.Fatalf("the dev map does not verify against the network file: %v", err)
	}
	for i, nd := range nw.Nodes {
		addr := api.NodeKey(nd.Address())
		if want := m.Groups[i%2].ID; nd.Group != want || m.Groups[m.Home(addr)].ID != want {
			t.Fatalf("%s is at home in %s (the map says %s), want %s", nd.Name, nd.Group, m.Groups[m.Home(addr)].ID, want)
		}
		if err := waitFor(ctx, 30*time.Second, nd.Name+"'s registration at home", func() bool {
			return getJSON(ctx, nw.GroupURLs(i % 2)[0]+"/v1/node/"+addr, &api.NodeRecord{}) == nil
		}); err != nil {
			t.Fatal(err)
		}
	}

	static, _ := nw.Site.ArticleURLs(nw.SiteURL)
	var jobs []string
	for g := range 2 {
		b, err := buyer.New(buyer.Config{Coordinators: nw.GroupURLs(g), Key: nw.Chain.Buyer, ChainID: nw.chainID, Groups: trust})
		if err != nil {
			t.Fatal(err)
		}
		job, err := b.Submit(ctx, crawlSpec(static[g*20:(g+1)*20]))
		if err != nil {
			t.Fatalf("submit to %s: %v", m.Groups[g].ID, err)
		}
		if home := m.Home(api.JobKey(job.ID)); home != g {
			t.Fatalf("%s minted %s, whose home is %s", m.Groups[g].ID, job.ID, m.Groups[home].ID)
		}
		jobs = append(jobs, job.ID)
	}
	// The buyer reads both jobs through the first group's members.
	reader, err := buyer.New(buyer.Config{Coordinators: nw.GroupURLs(0), Key: nw.Chain.Buyer, ChainID: nw.chainID, Groups: trust})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range jobs {
		st, err := reader.Wait(ctx, id, 300*time.Millisecond, nil)
		if err != nil || st.State != api.JobDone || st.Progress.RowsAccepted == 0 {
			t.Fatalf("job %s: %+v %v", id, st, err)
		}
	}

	// One epoch for both groups: settled by g1, claimed by every node
	// without gas through g1's relayers.
	var s Summary
	if where, err := nw.settleAndClaim(ctx, &s, new(big.Int), func(string, string, time.Time) {}); err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	for _, nd := range nw.Nodes {
		if c := nw.claims[nd.Name]; c.settled.Meadow.Sign() <= 0 {
			t.Errorf("%s (%s) was paid nothing in the epoch", nd.Name, nd.Group)
		}
	}
	// node3 was referred by node1 (both in g1), node4 by node2 (both in
	// g2): both referrers are paid, g2's from its report.
	if len(s.Epoch.Referrers) != 2 {
		t.Fatalf("referrers paid: %+v, want node1 and node2", s.Epoch.Referrers)
	}
	// A node's own client, homed in g2, reads its rewards: it follows the
	// 421 to g1, and gets what the claim was made from.
	nd := nw.Nodes[1]
	id, err := node.LoadOrCreateIdentity(nd.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := node.NewClient(node.ClientConfig{Coordinators: nw.GroupURLs(1), Key: id.Key, Domain: api.DomainFor(nw.chainID), Groups: trust})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Rewards(ctx, nd.Address().Hex())
	if err != nil || r.Epoch != 1 || r.Meadow != nw.claims[nd.Name].settled.Meadow.String() {
		t.Fatalf("%s's rewards through its own client: %+v %v", nd.Name, r, err)
	}
	if !strings.Contains(strings.Join(nw.GroupURLs(0), " "), c.Current()) {
		t.Fatalf("the rewards were answered by %s, not the settling group", c.Current())
	}
}
