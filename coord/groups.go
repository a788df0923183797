package coord

import (
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/state"
)

// Work groups (docs/ARCHITECTURE.md, "Work groups"). A coordinator started
// with a group map is a member of one group, an ordinary cluster that
// serves only what the map makes its own: the nodes whose address hashes
// into its range, and the jobs, datasets and pipelines whose id does. Any
// other such request is answered 421 wrong_group with the home group's id
// and the map's epoch, before anything of it is opened or forwarded;
// clients holding the operators' keys verify the map (GET /v1/groups) and
// send the request there. A group mints only ids in its own range.

// groups is a coordinator's place in a group map.
type groups struct {
	m    api.GroupMap
	self int // index of this coordinator's group in m.Groups
	raw  []byte
}

// WithGroups makes the coordinator a member of group self of m. m's
// signatures are checked by its clients against the network's operators;
// New checks its form and that it names self.
func WithGroups(m api.GroupMap, self string) Option {
	return func(o *options) { o.groups, o.groupSelf = &m, self }
}

func newGroups(m *api.GroupMap, self string, chainID uint64) (*groups, error) {
	if m == nil {
		if self != "" {
			return nil, invalidf("group %q: expected a group map to find it in (--group-map)", self)
		}
		return nil, nil
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("%w: group map: %w", ErrInvalid, err)
	}
	if m.ChainID != chainID {
		return nil, invalidf("group map: for chain %d: expected this coordinator's chain %d (--chain-id)", m.ChainID, chainID)
	}
	if len(m.Signatures) == 0 {
		return nil, invalidf("group map: unsigned: expected the operators' signatures (meadow operator groups sign), which nodes and buyers check before they follow it")
	}
	for i, g := range m.Groups {
		if g.ID == self {
			raw, err := api.MarshalGroupMap(*m)
			if err != nil {
				return nil, err
			}
			return &groups{m: *m, self: i, raw: raw}, nil
		}
	}
	ids := make([]string, len(m.Groups))
	for i, g := range m.Groups {
		ids[i] = g.ID
	}
	return nil, invalidf("group %q: expected one of the map's groups (%s)", self, strings.Join(ids, ", "))
}

// ID is this coordinator's group id ("" without a map).
func (g *groups) ID() string {
	if g == nil {
		return ""
	}
	return g.m.Groups[g.self].ID
}

// mine reports whether key (api.NodeKey, api.JobKey) is this group's: always
// without a map.
func (g *groups) mine(key string) bool {
	return g == nil || g.m.Home(key) == g.self
}

// check returns the wrong-group refusal of key, described as what, or nil.
func (g *groups) check(what, key string) error {
	if g.mine(key) {
		return nil
	}
	return &api.WrongGroupError{What: what, Group: g.m.Groups[g.m.Home(key)].ID, Epoch: g.m.Epoch}
}

// checkNode refuses a node method ("node.…": registration, work,
// commitments, reveals, refusals, uploads, signed reads) signed by a node
// of another group.
func (g *groups) checkNode(method string, signer common.Address) error {
	if !strings.HasPrefix(method, "node.") {
		return nil
	}
	key := api.NodeKey(signer)
	return g.check("node "+key, key)
}

// checkPath refuses a request whose route names a job, dataset, pipeline or
// node of another group; it reports whether it answered.
func (c *Coordinator) checkPath(ctx *fasthttp.RequestCtx, path string) bool {
	if c.groups == nil {
		return false
	}
	var what, id string
	for _, p := range [...]struct{ prefix, what string }{
		{"/v1/jobs/", "job"}, {"/v1/datasets/", "dataset"}, {api.RoutePipelines + "/", "pipeline"}, {"/v1/node/", "node"},
	} {
		if rest, ok := strings.CutPrefix(path, p.prefix); ok {
			id, _, _ = strings.Cut(rest, "/")
			what = p.what
			break
		}
	}
	if id == "" {
		return false
	}
	key := api.JobKey(id)
	if what == "node" {
		if !common.IsHexAddress(id) {
			return false // a node route of its own ("register", "work", …)
		}
		key = api.NodeKey(common.HexToAddress(id))
		if strings.HasSuffix(path, "/rewards") {
			// Balances and proofs are the settling group's.
			if c.groups.settler() {
				return false
			}
			c.reply(ctx, nil, &api.WrongGroupError{What: "the rewards of node " + id, Group: c.groups.m.Groups[0].ID, Epoch: c.groups.m.Epoch})
			return true
		}
	}
	if err := c.groups.check(what+" "+id, key); err != nil {
		c.reply(ctx, nil, err)
		return true
	}
	return false
}

// serveGroups answers GET /v1/groups: the signed map, or 404 on a network
// of one group.
func (c *Coordinator) serveGroups(ctx *fasthttp.RequestCtx) {
	if !c.readOnly(ctx) {
		return
	}
	if c.groups == nil {
		c.reply(ctx, nil, fmt.Errorf("%w: group map: this network has one group", state.ErrNotFound))
		return
	}
	c.setFreshness(ctx)
	ctx.SetContentType("application/json")
	ctx.SetBody(c.groups.raw)
}

// newID draws an id "prefix-" and 16 hex digits from the leader's random
// source that is this group's (api.JobKey): a group mints only ids in its
// own range, so that anyone with the map finds the job from its id.
func (c *Coordinator) newID(prefix string) string {
	c.randMu.Lock()
	defer c.randMu.Unlock()
	for {
		id := fmt.Sprintf("%s-%016x", prefix, c.rand.Uint64())
		if c.groups.mine(api.JobKey(id)) {
			return id
		}
	}
}
