package devnet

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/node"
)

// TestTwoGroupsEndToEnd runs the dev network as two work groups of three
// coordinators, with real nodes crawling the demo site, through the
// groups' journey (GroupsJourney): each node registers and works in its
// home group only, a buyer's job in each group is paid, downloaded and
// verified and read through the other, and one epoch, settled by the first
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
		if want := m.Groups[i%2].ID; nd.Group != want || m.Groups[m.Home(api.NodeKey(nd.Address()))].ID != want {
			t.Fatalf("%s is at home in %s (the map says %s), want %s", nd.Name, nd.Group, m.Groups[m.Home(api.NodeKey(nd.Address()))].ID, want)
		}
	}
	sum := nw.GroupsJourney(ctx, JourneyOptions{OutDir: t.TempDir(), Log: func(s Step) { t.Logf("%v %s: %s", s.OK, s.Name, s.Detail) }})
	if !sum.OK {
		t.Fatalf("journey failed at %q: %s", sum.Failed, sum.Error)
	}
	if g := sum.Groups; g == nil || len(g.Groups) != 2 || g.Groups[0].Job == "" || g.Groups[1].Job == "" || len(g.Groups[1].Nodes) != 2 {
		t.Fatalf("groups summary: %+v", sum.Groups)
	}
	if len(sum.Jobs) != 2 || !sum.Jobs[0].ProofOK || !sum.Jobs[1].ProofOK || !sum.Jobs[1].RegistryOK {
		t.Fatalf("the groups' datasets were not all verified: %+v", sum.Jobs)
	}
	for _, ni := range sum.Nodes {
		if ni.Meadow == "0" || ni.ClaimedMeadow != ni.Meadow || ni.Group == "" || ni.WorkUnits == 0 {
			t.Errorf("%s (%s): settled %s, claimed %s, %d units", ni.Name, ni.Group, ni.Meadow, ni.ClaimedMeadow, ni.WorkUnits)
		}
	}
	// node3 was referred by node1 (both in g1), node4 by node2 (both in
	// g2): both referrers are paid, g2's from its report.
	if sum.Epoch == nil || len(sum.Epoch.Referrers) != 2 {
		t.Fatalf("referrers paid: %+v, want node1 and node2", sum.Epoch)
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
