package coord

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/coord/state"
)

// Settlement across work groups (coord/state/groupreport.go has the
// rules). The map's first group settles for the network: its leader asks
// every other group for its report of the epoch over the cluster route
// below (the operators' cluster token, shared by every group's members),
// and settles those reports' units with its own nodes' in one root. A group
// that does not answer is left out of the epoch; its units stay in its
// report and go into its next one.

// groupReportRoute is where a work group answers the settling group.
const groupReportRoute = "/v1/cluster/groups/report"

// groupReportRequest asks a group for its report of Epoch; Included is the
// last epoch of its reports the settling group has posted.
type groupReportRequest struct {
	Epoch    uint64 `json:"epoch"`
	Included uint64 `json:"included"`
}

type groupReportCmd struct {
	Group           string `json:"group"`
	Epoch           uint64 `json:"epoch"`
	Included        uint64 `json:"included"`
	SharedNetworkOK bool   `json:"shared_network_ok,omitempty"`
}

func (f *fsm) applyGroupReport(body []byte, index uint64) any {
	var c groupReportCmd
	decode(MsgGroupReport, body, index, &c)
	rep, err := f.st.ReportEpoch(c.Group, c.Epoch, c.Included, c.SharedNetworkOK)
	if err != nil {
		return err
	}
	return rep
}

// settler reports whether this coordinator's group settles the network's
// epochs: a network of one group, or the map's first group.
func (g *groups) settler() bool { return g == nil || g.self == 0 }

// serveGroupReport answers the settling group's request for this group's
// report (a cluster route: the caller has the cluster token).
func (c *Coordinator) serveGroupReport(ctx *fasthttp.RequestCtx) {
	c.serveWrite(ctx, func(rctx context.Context) (any, error) {
		var r groupReportRequest
		if err := decodeBody(ctx, &r); err != nil {
			return nil, err
		}
		if c.groups == nil || c.groups.settler() {
			return nil, fmt.Errorf("%w: this coordinator's group reports to nobody: it settles (or the network has one group)", state.ErrConflict)
		}
		if r.Epoch == 0 {
			return nil, invalidf("epoch: expected the epoch being settled, from 1")
		}
		res, err := c.propose(rctx, MsgGroupReport, groupReportCmd{
			Group: c.groups.ID(), Epoch: r.Epoch, Included: r.Included, SharedNetworkOK: c.cfg.SharedNetworkOK,
		})
		if err != nil {
			return nil, err
		}
		return res.(state.GroupReport), nil
	})
}

// gatherReports asks every other group for its report of epoch, each
// member of a group in turn until one answers. A group whose members all
// fail is left out (logged): its units wait for the next epoch.
func (c *Coordinator) gatherReports(ctx context.Context, epoch uint64) []state.GroupReport {
	var included map[string]uint64
	c.fsm.read(func(st *state.State) {
		included = map[string]uint64{}
		for g, e := range st.Rewards.Included {
			included[g] = e
		}
	})
	var out []state.GroupReport
	m := c.groups.m
	for i, g := range m.Groups {
		if i == c.groups.self {
			continue
		}
		body, _ := json.Marshal(groupReportRequest{Epoch: epoch, Included: included[g.ID]})
		var (
			rep  state.GroupReport
			last error
		)
		for _, member := range g.Members {
			mctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			last = c.postJSON(mctx, member, groupReportRoute, body, &rep)
			cancel()
			if last == nil {
				last = rep.Validate(m, g.ID, epoch)
				if last == nil {
					break
				}
			}
		}
		if last != nil {
			c.log.Warn("group left out of the epoch: its units wait for the next", "group", g.ID, "epoch", epoch, "err", last)
			continue
		}
		out = append(out, rep)
	}
	return out
}
