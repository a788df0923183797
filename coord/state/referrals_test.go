package state

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/rewards"
)

func nodeAddr(i int) string { return fmt.Sprintf("0x%040x", i) }

// register registers node i from ip, with an optional operator and
// referrer (node numbers, 0 for none).
func register(t testing.TB, s *State, i int, ip string, operator, referrer int) {
	t.Helper()
	r := Registration{Address: nodeAddr(i), IP: ip}
	if operator != 0 {
		r.Operator = nodeAddr(operator)
	}
	if referrer != 0 {
		r.Referrer = nodeAddr(referrer)
	}
	if _, err := s.RegisterNode(r, int64(i)); err != nil {
		t.Fatalf("register node %d: %v", i, err)
	}
}

// TestRegisterReferrer: a referrer is named once, at the first
// registration, signed; it must be another registered node; a later
// registration keeps it, may repeat it, and cannot add, change or drop it;
// a refused registration changes nothing.
func TestRegisterReferrer(t *testing.T) {
	base := func(t *testing.T) *State {
		s := New()
		register(t, s, 1, "203.0.113.1", 0, 0)
		register(t, s, 2, "198.51.100.2", 0, 0)
		register(t, s, 3, "192.0.2.3", 0, 1) // 3 was brought by 1
		return s
	}
	tests := []struct {
		name     string
		reg      Registration
		want     error
		wantMsg  string
		referrer string // node 4's or the re-registered node's referrer after
	}{
		{name: "new node names a registered referrer", reg: Registration{Address: nodeAddr(4), IP: "192.0.2.44", Referrer: nodeAddr(2)}, referrer: nodeAddr(2)},
		{name: "new node names none", reg: Registration{Address: nodeAddr(4), IP: "192.0.2.44"}, referrer: ""},
		{name: "an unregistered referrer", reg: Registration{Address: nodeAddr(4), IP: "192.0.2.44", Referrer: nodeAddr(9)},
			want: ErrInvalid, wantMsg: "registration.referrer " + nodeAddr(9) + ": expected a registered node"},
		{name: "self-referral", reg: Registration{Address: nodeAddr(4), IP: "192.0.2.44", Referrer: nodeAddr(4)},
			want: ErrInvalid, wantMsg: "registration.referrer"},
		{name: "not an address", reg: Registration{Address: nodeAddr(4), IP: "192.0.2.44", Referrer: "0xABC"},
			want: ErrInvalid, wantMsg: `registration.referrer "0xABC"`},
		{name: "re-registration keeps the referrer", reg: Registration{Address: nodeAddr(3), IP: "192.0.2.33"}, referrer: nodeAddr(1)},
		{name: "re-registration may repeat it", reg: Registration{Address: nodeAddr(3), IP: "192.0.2.33", Referrer: nodeAddr(1)}, referrer: nodeAddr(1)},
		{name: "re-registration cannot change it", reg: Registration{Address: nodeAddr(3), IP: "192.0.2.33", Referrer: nodeAddr(2)},
			want: ErrConflict, wantMsg: "cannot change", referrer: nodeAddr(1)},
		{name: "re-registration cannot add one", reg: Registration{Address: nodeAddr(2), IP: "198.51.100.2", Referrer: nodeAddr(1)},
			want: ErrConflict, wantMsg: "first registration only", referrer: ""},
		{name: "a cycle cannot form", reg: Registration{Address: nodeAddr(1), IP: "203.0.113.1", Referrer: nodeAddr(3)},
			want: ErrConflict, wantMsg: "first registration only", referrer: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base(t)
			var before bytes.Buffer
			s.Encode(&before)
			_, err := s.RegisterNode(tt.reg, 100)
			if tt.want != nil {
				if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.wantMsg) {
					t.Fatalf("error %v, want %v mentioning %q", err, tt.want, tt.wantMsg)
				}
				var after bytes.Buffer
				s.Encode(&after)
				if !bytes.Equal(before.Bytes(), after.Bytes()) {
					t.Fatal("a refused registration changed the state")
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if n, ok := s.Nodes[tt.reg.Address]; ok && n.Referrer != tt.referrer {
				t.Fatalf("referrer %q, want %q", n.Referrer, tt.referrer)
			}
		})
	}
}

// TestReferralsAreAcyclic: whatever order nodes register in, naming any
// node as referrer, following referrers from any node ends: a referrer is
// registered before it is named and never changes.
func TestReferralsAreAcyclic(t *testing.T) {
	s := New()
	const nodes = 300
	for i := 1; i <= nodes; i++ {
		ref := (i * 7919) % (nodes + 50) // often a node not registered yet: refused
		r := Registration{Address: nodeAddr(i), IP: fmt.Sprintf("10.%d.%d.1", i/200, i%200), Referrer: nodeAddr(ref)}
		if _, err := s.RegisterNode(r, int64(i)); err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatal(err)
			}
			r.Referrer = ""
			register(t, s, i, r.IP, 0, 0)
		}
		// Every node then tries to name every other as its referrer again.
		for j := 1; j < i; j += 37 {
			s.RegisterNode(Registration{Address: nodeAddr(j), IP: "10.9.9.9", Referrer: nodeAddr(i)}, int64(i))
		}
	}
	for addr := range s.Nodes {
		seen := map[string]bool{}
		for a := addr; a != ""; a = s.Nodes[a].Referrer {
			if seen[a] {
				t.Fatalf("referrers from %s loop at %s", addr, a)
			}
			seen[a] = true
		}
	}
}

// TestSettleReferralRules: the state passes a referral into settlement only
// when the referee has verified work, and each tier only when it shares
// neither operator nor network with the referee; the referee earns the
// same with or without its referrers.
func TestSettleReferralRules(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, s *State) // registers node 10, the referee, among others
		worked bool                         // node 10 has accepted rows
		shared bool                         // SharedNetworkOK, the development network's setting
		first  int                          // wanted tier-1 referrer (0: none)
		second int                          // wanted tier-2 referrer (0: none)
	}{
		{name: "both tiers", worked: true, first: 2, second: 1, setup: func(t *testing.T, s *State) {
			register(t, s, 1, "203.0.113.1", 0, 0)
			register(t, s, 2, "198.51.100.2", 0, 1)
			register(t, s, 10, "192.0.2.10", 0, 2)
		}},
		{name: "no verified work yet", worked: false, setup: func(t *testing.T, s *State) {
			register(t, s, 1, "203.0.113.1", 0, 0)
			register(t, s, 2, "198.51.100.2", 0, 1)
			register(t, s, 10, "192.0.2.10", 0, 2)
		}},
		{name: "same operator", worked: true, second: 1, setup: func(t *testing.T, s *State) {
			register(t, s, 1, "203.0.113.1", 0, 0)
			register(t, s, 2, "198.51.100.2", 77, 1)
			register(t, s, 10, "192.0.2.10", 77, 2)
		}},
		{name: "the referee's operator is the referrer", worked: true, second: 1, setup: func(t *testing.T, s *State) {
			register(t, s, 1, "203.0.113.1", 0, 0)
			register(t, s, 2, "198.51.100.2", 0, 1)
			register(t, s, 10, "192.0.2.10", 2, 2)
		}},
		{name: "same /24", worked: true, first: 2, setup: func(t *testing.T, s *State) {
			register(t, s, 1, "192.0.2.200", 0, 0)
			register(t, s, 2, "198.51.100.2", 0, 1)
			register(t, s, 10, "192.0.2.10", 0, 2)
		}},
		{name: "same /24 on the development network", worked: true, shared: true, first: 2, second: 1, setup: func(t *testing.T, s *State) {
			register(t, s, 1, "127.0.0.1", 0, 0)
			register(t, s, 2, "127.0.0.1", 0, 1)
			register(t, s, 10, "127.0.0.1", 0, 2)
		}},
		{name: "same operator on the development network", worked: true, shared: true, second: 1, setup: func(t *testing.T, s *State) {
			register(t, s, 1, "127.0.0.1", 0, 0)
			register(t, s, 2, "127.0.0.1", 77, 1)
			register(t, s, 10, "127.0.0.1", 77, 2)
		}},
		{name: "same /48", worked: true, second: 1, setup: func(t *testing.T, s *State) {
			register(t, s, 1, "2001:db8:1::1", 0, 0)
			register(t, s, 2, "2001:db8:2:ffff::9", 0, 1)
			register(t, s, 10, "2001:db8:2::10", 0, 2)
		}},
		{name: "no referrer", worked: true, setup: func(t *testing.T, s *State) {
			register(t, s, 10, "192.0.2.10", 0, 0)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			tt.setup(t, s)
			n := s.Nodes[nodeAddr(10)]
			n.PendingUnits = 100
			if tt.worked {
				n.RowsAccepted = 10
			}
			refs := s.settleReferrals(map[string]uint64{n.Address: 100}, tt.shared)
			want := rewards.Referral{}
			if tt.first != 0 {
				want.First, _ = rewards.ParseAddress(nodeAddr(tt.first))
			}
			if tt.second != 0 {
				want.Second, _ = rewards.ParseAddress(nodeAddr(tt.second))
			}
			a, _ := rewards.ParseAddress(n.Address)
			var got rewards.Referral
			if i := slices.IndexFunc(refs, func(r rewards.Referee) bool { return r.Account == a }); i >= 0 {
				got = refs[i].Referral
			}
			if got != want {
				t.Fatalf("referral %+v, want %+v", got, want)
			}

			// Settled: referrers are paid their shares, the referee its
			// whole part of the node pool (13,000 = 10,000 + 3,000 reserve).
			p, err := s.ProposeEpoch(EpochSettle{Epoch: 1, Emission: big.NewInt(13_000), RevenueShare: big.NewInt(0), SharedNetworkOK: tt.shared}, 1)
			if err != nil {
				t.Fatal(err)
			}
			paid := map[string]testPayout{}
			for _, po := range p.Payouts {
				paid[po.Account.String()] = testPayout{po.Meadow, po.Referral}
			}
			if got := paid[n.Address].own; got.Int64() != 10_000 {
				t.Fatalf("referee paid %s, want the whole node pool 10000", got)
			}
			wantRef := map[string]int64{}
			if tt.first != 0 {
				wantRef[nodeAddr(tt.first)] = 2_000
			}
			if tt.second != 0 {
				wantRef[nodeAddr(tt.second)] = 1_000
			}
			var total int64
			for acct, po := range paid {
				if po.referral != nil {
					total += po.referral.Int64()
					if wantRef[acct] != po.referral.Int64() {
						t.Fatalf("%s earned referral %s, want %d", acct, po.referral, wantRef[acct])
					}
					delete(wantRef, acct)
				}
			}
			if len(wantRef) != 0 {
				t.Fatalf("referrers not paid: %v", wantRef)
			}
			if p.Referral.Int64() != total || p.Emission.Int64() != 10_000+total || p.Unminted.Int64() != 3_000-total {
				t.Fatalf("proposal mints %s, referral %s, unminted %s; shares sum to %d", p.Emission, p.Referral, p.Unminted, total)
			}
			if !tt.worked {
				return
			}
			// The posted epoch's balances include the referral shares.
			if _, err := s.EpochPosted(1, p.Root, p.Root, 2); err != nil {
				t.Fatal(err)
			}
			if tt.first != 0 {
				b := s.Rewards.Balances[rewards.Address(mustAddr(t, nodeAddr(tt.first)))]
				if b.Meadow.Int64() != 2_000 {
					t.Fatalf("referrer's balance %s, want 2000", b.Meadow)
				}
			}
		})
	}
}

// testPayout is a test's view of one payout: own work and referral.
type testPayout struct{ own, referral *big.Int }

func mustAddr(t testing.TB, s string) rewards.Address {
	t.Helper()
	a, err := rewards.ParseAddress(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestReferrerSurvivesSnapshot: the referrer is part of the encoded state.
func TestReferrerSurvivesSnapshot(t *testing.T) {
	s := New()
	register(t, s, 1, "203.0.113.1", 0, 0)
	register(t, s, 2, "198.51.100.2", 0, 1)
	back := roundTrip(t, s)
	if got := back.Nodes[nodeAddr(2)].Referrer; got != nodeAddr(1) {
		t.Fatalf("referrer after a round trip %q, want %s", got, nodeAddr(1))
	}
}
