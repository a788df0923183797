package state

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
)

// TestReportEpoch walks a work group's reports through the cases the
// settling group can put it in: asked twice for one epoch, an epoch
// posted, an epoch left out, an epoch asked again after it was posted.
func TestReportEpoch(t *testing.T) {
	s := New()
	a, err := s.RegisterNode(Registration{Address: "0x00000000000000000000000000000000000000aa", IP: "10.0.0.1"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	a.PendingUnits = 10
	rep, err := s.ReportEpoch("g2", 1, 0, false)
	if err != nil || rep.Units[a.Address] != 10 || a.PendingUnits != 0 {
		t.Fatalf("report of epoch 1: %+v %v, pending %d", rep, err, a.PendingUnits)
	}
	a.PendingUnits = 4 // earned after the report
	if again, err := s.ReportEpoch("g2", 1, 0, false); err != nil || again.Units[a.Address] != 10 || a.PendingUnits != 4 {
		t.Fatalf("epoch 1 asked again: %+v %v (pending %d): want the same report, the new units still pending", again, err, a.PendingUnits)
	}
	if s.ReportedUnits(a.Address) != 10 {
		t.Fatalf("reported units %d", s.ReportedUnits(a.Address))
	}
	// Epoch 1 was left out (included still 0): epoch 2 carries it.
	rep, err = s.ReportEpoch("g2", 2, 0, false)
	if err != nil || rep.Units[a.Address] != 14 || len(s.Rewards.Reports) != 1 {
		t.Fatalf("epoch 2 after epoch 1 left out: %+v %v, %d reports kept", rep, err, len(s.Rewards.Reports))
	}
	// Epoch 2 posted: epoch 3 pays only what came after.
	a.PendingUnits = 7
	rep, err = s.ReportEpoch("g2", 3, 2, false)
	if err != nil || rep.Units[a.Address] != 7 || len(s.Rewards.Reports) != 1 {
		t.Fatalf("epoch 3 after epoch 2 posted: %+v %v", rep, err)
	}
	// Asking for a posted epoch, or going back, is refused.
	for _, tt := range []struct{ epoch, included uint64 }{{2, 2}, {0, 0}, {2, 1}} {
		if _, err := s.ReportEpoch("g2", tt.epoch, tt.included, false); !errors.Is(err, ErrConflict) {
			t.Fatalf("report of epoch %d with %d included: %v, want a conflict", tt.epoch, tt.included, err)
		}
	}
}

// TestSettleWithGroupReports settles a group's own node with another
// group's report, and records which report was posted.
func TestSettleWithGroupReports(t *testing.T) {
	m := api.GroupMap{Format: api.GroupMapFormat, ChainID: 1, Epoch: 1}
	for i, st := range api.EvenGroupStarts(2) {
		m.Groups = append(m.Groups, api.Group{ID: fmt.Sprintf("g%d", i+1), Start: st, Members: []string{fmt.Sprintf("http://g%d:1", i+1)}})
	}
	addrIn := func(g int, skip int) string {
		for i := 0; ; i++ {
			a := fmt.Sprintf("0x%040x", i)
			if m.Home(a) == g {
				if skip == 0 {
					return a
				}
				skip--
			}
		}
	}
	s := New()
	own, err := s.RegisterNode(Registration{Address: addrIn(0, 0), IP: "10.0.0.1"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	own.PendingUnits = 30
	other := GroupReport{Group: "g2", Epoch: 1, Units: map[string]uint64{addrIn(1, 0): 10}}
	if err := other.Validate(m, "g2", 1); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		rep  GroupReport
		want string
	}{
		{GroupReport{Group: "g2", Epoch: 2, Units: other.Units}, "expected group"},
		{GroupReport{Group: "g2", Epoch: 1, Units: map[string]uint64{addrIn(0, 1): 10}}, "at home in group g1"},
		{GroupReport{Group: "g2", Epoch: 1, Units: map[string]uint64{addrIn(1, 0): 0}}, "positive"},
		{GroupReport{Group: "g2", Epoch: 1, Units: map[string]uint64{strings.ToUpper(addrIn(1, 0)): 1}}, "lowercase"},
	} {
		if err := bad.rep.Validate(m, "g2", 1); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Fatalf("report %+v: %v, want %q", bad.rep, err, bad.want)
		}
	}
	p, err := s.ProposeEpoch(EpochSettle{Epoch: 1, Emission: big.NewInt(1300), RevenueShare: new(big.Int), Groups: []GroupReport{other}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.TotalUnits != 40 || p.Groups["g2"] != 1 || len(p.Balances) != 2 {
		t.Fatalf("proposal: %d units, groups %v, %d balances", p.TotalUnits, p.Groups, len(p.Balances))
	}
	// A node reported by two groups is refused.
	dup := GroupReport{Group: "g3", Epoch: 1, Units: map[string]uint64{addrIn(1, 0): 5}}
	if _, err := s.ProposeEpoch(EpochSettle{Epoch: 1, Emission: big.NewInt(1300), RevenueShare: new(big.Int), Groups: []GroupReport{other, dup}}, 1); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a node in two reports: %v", err)
	}
	p, _ = s.ProposeEpoch(EpochSettle{Epoch: 1, Emission: big.NewInt(1300), RevenueShare: new(big.Int), Groups: []GroupReport{other}}, 1)
	if _, err := s.EpochPosted(1, p.Root, common.Hash{1}, 2); err != nil {
		t.Fatal(err)
	}
	if s.Rewards.Included["g2"] != 1 || own.PendingUnits != 0 {
		t.Fatalf("after the post: included %v, own pending %d", s.Rewards.Included, own.PendingUnits)
	}
}
