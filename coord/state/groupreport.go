package state

import (
	"fmt"
	"maps"
	"slices"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/rewards"
)

// Settlement across work groups (docs/ARCHITECTURE.md, "Work groups"). One
// group, the settling group (the map's first), settles every epoch for the
// whole network and posts one root, as a network of one group does. Before
// it settles epoch N it asks every other group for its report of N: the
// group commits, through its own log, the move of its nodes' pending work
// units into a report kept under N (ReportEpoch), so that asking again
// gets the same report and units earned later wait for N+1. The settling
// group puts the reports it got into its MsgEpochSettle (EpochSettle.Groups),
// so that every one of its members settles the same units, and records,
// once the root is posted, the epoch of each group's report it included
// (Rewards.Included). The next request to a group names that epoch: the
// group drops the reports up to it (paid), and folds any later report it
// still holds (made, then not included: the settling group did not hear
// the answer, or settled without this group) into the new one. Units are
// therefore paid once, and never lost.

// GroupReport is a work group's work units for an epoch the settling
// group settles.
type GroupReport struct {
	Group string `json:"group"`
	Epoch uint64 `json:"epoch"`
	// Units are the work units by node address (lowercase 0x-hex).
	Units map[string]uint64 `json:"units"`
	// Referrals are the referrals of the reported nodes, by the group's
	// records (referrers are nodes of the same group), already filtered by
	// the referral rules; sorted by referee.
	Referrals []rewards.Referee `json:"referrals,omitempty"`
}

// Validate checks a report before the settling group uses it: every node
// is home to group (the map's placement), units are positive, referrals
// sorted, each referee once and reported.
func (g GroupReport) Validate(m api.GroupMap, group string, epoch uint64) error {
	if g.Group != group || g.Epoch != epoch {
		return fmt.Errorf("report of group %q for epoch %d: expected group %q, epoch %d", g.Group, g.Epoch, group, epoch)
	}
	for addr, u := range g.Units {
		if a, err := rewards.ParseAddress(addr); err != nil || a.String() != addr {
			return fmt.Errorf("report of group %s: units[%q]: expected a node's lowercase 0x address", group, addr)
		}
		if u == 0 {
			return fmt.Errorf("report of group %s: units[%s]: expected a positive number of units", group, addr)
		}
		if m.Groups[m.Home(addr)].ID != group {
			return fmt.Errorf("report of group %s: node %s is at home in group %s: a group reports only its own nodes", group, addr, m.Groups[m.Home(addr)].ID)
		}
	}
	for i, r := range g.Referrals {
		if i > 0 && slices.Compare(g.Referrals[i-1].Account[:], r.Account[:]) >= 0 {
			return fmt.Errorf("report of group %s: referrals[%d]: expected referees sorted, each once", group, i)
		}
		if _, ok := g.Units[r.Account.String()]; !ok {
			return fmt.Errorf("report of group %s: referrals[%d]: referee %s has no units in the report", group, i, r.Account)
		}
	}
	return nil
}

// ReportEpoch is a work group's answer to the settling group's request for
// epoch: the report it made for epoch before, or a new one of every
// node's pending units, which it takes out of the nodes' pending units
// (they are the report's now). included is the last epoch of this group's
// reports the settling group has posted: reports up to it are dropped, and
// later ones folded into the new report. An epoch at or below included is
// refused: it is settled.
func (s *State) ReportEpoch(group string, epoch, included uint64, sharedNetOK bool) (GroupReport, error) {
	r := &s.Rewards
	if epoch == 0 || epoch <= included {
		return GroupReport{}, conflictf("epoch %d: expected an epoch after %d, the last of this group's reports posted", epoch, included)
	}
	for e := range r.Reports {
		if e > epoch {
			// A request for an epoch before one already reported: the
			// settling group went back, which it never does.
			return GroupReport{}, conflictf("epoch %d: this group already reported epoch %d", epoch, e)
		}
	}
	for e := range r.Reports {
		if e <= included {
			delete(r.Reports, e)
		}
	}
	if rep, ok := r.Reports[epoch]; ok {
		return *rep, nil
	}
	units := map[string]uint64{}
	for _, e := range slices.Sorted(maps.Keys(r.Reports)) {
		for a, u := range r.Reports[e].Units {
			units[a] += u
		}
		delete(r.Reports, e)
	}
	for addr, n := range s.Nodes {
		if n.PendingUnits > 0 {
			units[addr] += n.PendingUnits
			n.PendingUnits = 0
		}
	}
	rep := &GroupReport{Group: group, Epoch: epoch, Units: units, Referrals: s.settleReferrals(units, sharedNetOK)}
	if r.Reports == nil {
		r.Reports = map[uint64]*GroupReport{}
	}
	r.Reports[epoch] = rep
	return *rep, nil
}

// ReportedUnits is the units of node held in this group's reports, not yet
// posted: earned, and no longer pending here.
func (s *State) ReportedUnits(node string) uint64 {
	var u uint64
	for _, rep := range s.Rewards.Reports {
		u += rep.Units[node]
	}
	return u
}

// addGroupReports adds the other groups' reports to a settlement's units
// and referrals (which are sorted by referee, each once).
func addGroupReports(reps []GroupReport, units map[string]uint64, in *rewards.SettleInput) error {
	for _, rep := range reps {
		for addr, u := range rep.Units {
			a, err := rewards.ParseAddress(addr)
			if err != nil {
				return invalidf("groups: report of %s: node %q: %v", rep.Group, addr, err)
			}
			if _, dup := units[addr]; dup {
				return invalidf("groups: report of %s: node %s has units in another report too: a node is at home in one group", rep.Group, addr)
			}
			units[addr] = u
			in.Units[a] = u
		}
		in.Referrals = append(in.Referrals, rep.Referrals...)
	}
	slices.SortFunc(in.Referrals, func(x, y rewards.Referee) int { return slices.Compare(x.Account[:], y.Account[:]) })
	return nil
}
