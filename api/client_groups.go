package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// GroupsRoute serves a coordinator's signed group map (404 on a network of
// one group).
const GroupsRoute = "/v1/groups"

// GroupTrust is what a client checks a group map against before it sends
// anything to the members the map names: the network's chain and its
// operators' threshold (the network file's).
type GroupTrust struct {
	ChainID   uint64
	Operators []common.Address
	Threshold int
}

// TrustOf returns the GroupTrust of a network file, or nil when the file
// lists no operators (a client of it cannot verify a group map, so it does
// not follow wrong-group answers).
func TrustOf(n Network) *GroupTrust {
	if len(n.Operators) == 0 {
		return nil
	}
	return &GroupTrust{ChainID: n.ChainID, Operators: n.Operators, Threshold: n.Threshold}
}

// Verify checks that m is a map of the trusted network signed by its
// operators' threshold.
func (t GroupTrust) Verify(m GroupMap) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("group map: %w", err)
	}
	if m.ChainID != t.ChainID {
		return fmt.Errorf("%w: group map of chain %d: expected this network's chain %d", ErrBadSignature, m.ChainID, t.ChainID)
	}
	return m.VerifySignatures(t.Operators, t.Threshold)
}

// Groups returns the newest group map the client has verified, or nil.
func (c *Client) Groups() *GroupMap { return c.groups.Load() }

// FetchGroups reads the group map from the coordinators, verifies it
// against the client's trust and keeps it when it is newer than the one
// the client has. It returns the map the client keeps.
func (c *Client) FetchGroups(ctx context.Context) (*GroupMap, error) {
	if c.trust == nil {
		return nil, fmt.Errorf("group map: this client knows no operators to verify it with (the network file's operators and threshold)")
	}
	var m GroupMap
	if err := c.doOnce(ctx, c.getSend(GroupsRoute), &m, &call{race: true}); err != nil {
		return nil, fmt.Errorf("group map: %w", err)
	}
	if err := c.trust.Verify(m); err != nil {
		return nil, err
	}
	for {
		old := c.groups.Load()
		if old != nil && old.Epoch >= m.Epoch {
			return old, nil
		}
		if c.groups.CompareAndSwap(old, &m) {
			return &m, nil
		}
	}
}

// Follow makes the members of group id (in a verified map of at least
// epoch) the coordinators the client tries, fetching the map when the one
// it has is older or lacks the group.
func (c *Client) Follow(ctx context.Context, id string, epoch uint64) error {
	m := c.groups.Load()
	if m == nil || m.Epoch < epoch || !hasGroup(*m, id) {
		var err error
		if m, err = c.FetchGroups(ctx); err != nil {
			return err
		}
	}
	g, ok := m.Group(id)
	if !ok {
		return fmt.Errorf("group map epoch %d has no group %q", m.Epoch, id)
	}
	c.use(g.Members)
	return nil
}

// Home makes the members of key's home group (NodeKey, JobKey) the
// coordinators the client tries, by the verified map it has or fetches. It
// returns the group's id.
func (c *Client) Home(ctx context.Context, key string) (string, error) {
	m := c.groups.Load()
	if m == nil {
		var err error
		if m, err = c.FetchGroups(ctx); err != nil {
			return "", err
		}
	}
	g := m.Groups[m.Home(key)]
	c.use(g.Members)
	return g.ID, nil
}

func (c *Client) use(members []string) {
	if c.setURLs(members) {
		c.log.Info("coordinators of the home group", "members", c.list())
	}
}

// setURLs makes members the coordinators tried; it reports whether they
// changed.
func (c *Client) setURLs(members []string) bool {
	urls := make([]string, len(members))
	for i, u := range members {
		urls[i] = strings.TrimRight(u, "/")
	}
	if old := c.urls.Load(); old != nil && slices.Equal(urls, *old) {
		return false
	}
	c.urls.Store(&urls)
	c.current.Store(0)
	return true
}

func hasGroup(m GroupMap, id string) bool {
	_, ok := m.Group(id)
	return ok
}

// ForGroups returns a client for each group of the newest verified map
// (fetched when the client has none), in the map's order: each tries its
// group's members, and signs with this client's key and nonces. It is for
// reads that span groups (a buyer's datasets); nil, nil on a network of
// one group (no map: the coordinators answer 404).
func (c *Client) ForGroups(ctx context.Context) ([]*Client, *GroupMap, error) {
	m := c.groups.Load()
	if m == nil {
		var err error
		if m, err = c.FetchGroups(ctx); err != nil {
			var re *RemoteError
			if errors.As(err, &re) && re.Status == http.StatusNotFound {
				return nil, nil, nil
			}
			return nil, nil, err
		}
	}
	out := make([]*Client, len(m.Groups))
	for i, g := range m.Groups {
		gc := &Client{
			trust: c.trust, key: c.key, nonces: c.nonces, domain: c.domain, hc: c.hc, log: c.log, now: c.now,
			Attempts: c.Attempts, MaxBackoff: c.MaxBackoff, AttemptTimeout: c.AttemptTimeout, StreamTimeout: c.StreamTimeout,
		}
		gc.groups.Store(m)
		gc.setURLs(g.Members)
		out[i] = gc
	}
	return out, m, nil
}
