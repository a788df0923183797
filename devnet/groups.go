package devnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/node"
)

// A dev network of several work groups (Config.Groups): each group an
// ordinary cluster of Config.Coordinators members, every member holding the
// same group map, signed by the dev operators' threshold and written to
// DIR/groups.json for `meadow operator groups show`.

// GroupsFileName is the group map's file in the network's directory.
const GroupsFileName = "groups.json"

// Groups returns the group map of a network of several groups, or nil.
func (n *Network) Groups() *api.GroupMap { return n.groups }

// GroupURLs returns the base URLs of group i's coordinators (of every
// coordinator on a network of one group).
func (n *Network) GroupURLs(i int) []string {
	if n.groups == nil {
		return n.CoordURLs
	}
	return n.groups.Groups[i].Members
}

func (n *Network) startGroups(ctx context.Context) error {
	// Every member holds the map from its start, and the map names every
	// member's address: the addresses are picked first.
	m := api.GroupMap{Format: api.GroupMapFormat, ChainID: n.chainID, Epoch: 1}
	addrs := make([][]string, n.cfg.Groups)
	for g, start := range api.EvenGroupStarts(n.cfg.Groups) {
		grp := api.Group{ID: fmt.Sprintf("g%d", g+1), Start: start}
		for range n.cfg.Coordinators {
			// Picked before the member binds it: a port taken in
			// between fails Start, which may be run again.
			a, err := freeLoopbackAddr("")
			if err != nil {
				return fmt.Errorf("devnet: groups: %w", err)
			}
			addrs[g] = append(addrs[g], a)
			grp.Members = append(grp.Members, "http://"+a)
		}
		m.Groups = append(m.Groups, grp)
	}
	for _, k := range n.Chain.Operators[:n.Chain.Threshold] {
		if err := m.Sign(k); err != nil {
			return err
		}
	}
	raw, err := api.MarshalGroupMap(m)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(n.dir, GroupsFileName), raw, 0o644); err != nil {
		return fmt.Errorf("devnet: groups: %w", err)
	}
	n.groups = &m
	for g, grp := range m.Groups {
		first := len(n.Coords)
		for i := range n.cfg.Coordinators {
			join := ""
			if i > 0 {
				join = addrs[g][0]
			}
			k := g*n.cfg.Coordinators + i
			if err := n.startMember(ctx, k, fmt.Sprintf("%s-c%d", grp.ID, i+1), addrs[g][i], join, coord.WithGroups(m, grp.ID)); err != nil {
				return err
			}
		}
		if err := n.waitVoters(ctx, n.Coords[first], n.cfg.Coordinators); err != nil {
			return err
		}
	}
	return nil
}

// homeNode makes dir hold a node key whose home is group g, drawing keys
// until one is (half the draws on average with two groups), and returns
// the group's id. On a network of one group it leaves dir alone.
func (n *Network) homeNode(dir string, g int) (string, error) {
	if n.groups == nil {
		return "", nil
	}
	for {
		id, err := node.LoadOrCreateIdentity(dir)
		if err != nil {
			return "", err
		}
		if n.groups.Home(api.NodeKey(id.Address)) == g {
			return n.groups.Groups[g].ID, nil
		}
		if err := os.RemoveAll(dir); err != nil {
			return "", err
		}
	}
}

// referrerFor is the node that referred node i (issue 15): the one before
// it, or on a network of several groups the last one before it in its own
// group; nil for none.
func (n *Network) referrerFor(i int, group string) *Node {
	for j := i - 1; j >= 0; j-- {
		if n.Nodes[j].Group == group {
			return n.Nodes[j]
		}
		if n.groups == nil {
			return nil
		}
	}
	return nil
}

// settlerURL is the i-th (modulo) running coordinator of the group that
// settles: every coordinator on a network of one group, the map's first
// group on one of several, where rewards, proofs and relayed claims are.
func (n *Network) settlerURL(i int) string {
	if n.groups == nil {
		return n.liveURL(i)
	}
	urls := n.GroupURLs(0)
	return urls[((i%len(urls))+len(urls))%len(urls)]
}

// homeURL is a running coordinator of nd's home group (of the network, on
// one group), where its record is.
func (n *Network) homeURL(nd *Node) string {
	if n.groups == nil {
		return n.liveURL(0)
	}
	return n.GroupURLs(n.groups.Home(api.NodeKey(nd.Address())))[0]
}

// GroupsSummary is a network of several groups, in a journey's summary.
type GroupsSummary struct {
	// MapFile is the signed group map (meadow operator groups show).
	MapFile string         `json:"map_file"`
	Epoch   uint64         `json:"epoch"`
	Groups  []GroupSummary `json:"groups"`
}

// GroupSummary is one work group: its members, the nodes at home in it and
// the job the journey ran there.
type GroupSummary struct {
	ID      string   `json:"id"`
	Members []string `json:"members"`
	Nodes   []string `json:"nodes"`
	Job     string   `json:"job,omitempty"`
}

// GroupsJourney is the journey of a network of several work groups
// (Config.Groups): the group map checked against the network file's
// operators, and every node registered in its home group only (the others
// answer 421 naming it); a crawl job submitted to each group, paid,
// downloaded and verified as Journey does, and read back through the first
// group; then one epoch, settled by the first group from the others'
// reports, and claimed by every node through its relayers.
func (n *Network) GroupsJourney(ctx context.Context, opts JourneyOptions) Summary {
	j := n.newJourney(ctx, opts)
	m := n.groups
	if m == nil {
		return j.fail("groups", errors.New("devnet: a network of one group: its journey is Journey"))
	}
	t0 := time.Now()
	trust := api.TrustOf(n.NetworkFile())
	if trust == nil {
		return j.fail("groups: map", errors.New("the network file lists no operators to check the group map with"))
	}
	if err := trust.Verify(*m); err != nil {
		return j.fail("groups: map", err)
	}
	sum := &GroupsSummary{MapFile: filepath.Join(n.dir, GroupsFileName), Epoch: m.Epoch}
	for _, g := range m.Groups {
		sum.Groups = append(sum.Groups, GroupSummary{ID: g.ID, Members: g.Members})
	}
	j.s.Groups = sum
	for _, nd := range n.Nodes {
		addr := api.NodeKey(nd.Address())
		home := m.Home(addr)
		if err := waitFor(ctx, 30*time.Second, nd.Name+"'s registration in "+m.Groups[home].ID, func() bool {
			return getJSON(ctx, n.GroupURLs(home)[0]+"/v1/node/"+addr, &api.NodeRecord{}) == nil
		}); err != nil {
			return j.fail("groups: nodes", err)
		}
		other := n.GroupURLs((home + 1) % len(m.Groups))[0]
		if err := wrongGroup(ctx, other+"/v1/node/"+addr, m.Groups[home].ID); err != nil {
			return j.fail("groups: nodes", fmt.Errorf("%s asked of another group: %w", nd.Name, err))
		}
		sum.Groups[home].Nodes = append(sum.Groups[home].Nodes, nd.Name)
	}
	var homes []string
	for _, g := range sum.Groups {
		homes = append(homes, fmt.Sprintf("%s: %s", g.ID, strings.Join(g.Nodes, ", ")))
	}
	j.step("groups", fmt.Sprintf("%d groups of %d coordinators; map epoch %d signed by %d of the network's %d operators; nodes registered at home only (the other group answers 421 naming it): %s",
		len(m.Groups), n.cfg.Coordinators, m.Epoch, len(m.Signatures), len(trust.Operators), strings.Join(homes, "; ")), t0)

	static, _ := n.Site.ArticleURLs(n.SiteURL)
	per := len(static) / len(m.Groups)
	for g, grp := range m.Groups {
		b, err := buyer.New(buyer.Config{Coordinators: n.GroupURLs(g), Key: n.Chain.Buyer, ChainID: n.chainID, Groups: trust})
		if err != nil {
			return j.fail("buyer client", err)
		}
		js, failed, err := j.run(ctx, b, "crawl in "+grp.ID, crawlJob("demo site, static pages, in "+grp.ID, static[g*per:(g+1)*per], false))
		if err != nil {
			return j.fail(failed, err)
		}
		if home := m.Home(api.JobKey(js.ID)); home != g {
			return j.fail("crawl in "+grp.ID, fmt.Errorf("%s minted job %s, whose home is %s", grp.ID, js.ID, m.Groups[home].ID))
		}
		sum.Groups[g].Job = js.ID
	}
	t0 = time.Now()
	reader, err := buyer.New(buyer.Config{Coordinators: n.GroupURLs(0), Key: n.Chain.Buyer, ChainID: n.chainID, Groups: trust})
	if err != nil {
		return j.fail("buyer client", err)
	}
	for _, g := range sum.Groups[1:] {
		st, err := reader.Status(ctx, g.Job)
		if err != nil || st.ID != g.Job || st.State != api.JobDone {
			return j.fail("groups: read across", fmt.Errorf("job %s of %s read through %s: %+v %v", g.Job, g.ID, m.Groups[0].ID, st, err))
		}
	}
	j.step("groups: read across", fmt.Sprintf("the buyer, knowing only %s's members, read the other groups' jobs: the client followed their 421 answers after checking the map's signatures", m.Groups[0].ID), t0)
	t0 = time.Now()
	ds, err := reader.Datasets(ctx)
	if err != nil {
		return j.fail("groups: datasets", err)
	}
	listed := map[string]bool{}
	for _, d := range ds {
		listed[d.ID] = true
	}
	for _, js := range j.s.Jobs {
		if !listed[js.Dataset] {
			return j.fail("groups: datasets", fmt.Errorf("the buyer's dataset list (%d datasets) lacks %s, of job %s", len(ds), js.Dataset, js.ID))
		}
	}
	j.step("groups: datasets", fmt.Sprintf("the buyer's list has its %d datasets of %d groups, one request to each group", len(ds), len(m.Groups)), t0)
	if failed, err := n.settleAndClaim(ctx, j.s, j.revenue, j.step); err != nil {
		return j.fail(failed, err)
	}
	j.s.OK = true
	return j.finish()
}

// wrongGroup checks that u is answered 421 wrong_group naming group.
func wrongGroup(ctx context.Context, u, group string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var eb api.ErrorBody
	_ = json.NewDecoder(resp.Body).Decode(&eb)
	if resp.StatusCode != http.StatusMisdirectedRequest || eb.Error.Code != api.CodeWrongGroup || eb.Error.Group != group {
		return fmt.Errorf("%s: %d %s %q, want 421 %s naming %s", u, resp.StatusCode, eb.Error.Code, eb.Error.Group, api.CodeWrongGroup, group)
	}
	return nil
}
