package devnet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/meadow-net/meadow/api"
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
