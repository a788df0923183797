package state

import (
	"github.com/meadow-net/meadow/rewards"
)

// Referrals. A node may name a referrer when it first registers, in its
// signed registration; the referrer earns a share of the node's MEADOW
// rewards (rewards.Params' tiers: 20% to the referrer, 10% to the
// referrer's own referrer), paid from the epoch's referral reserve, never
// from the node's reward. The rules (docs/ARCHITECTURE.md, "Referrals"):
//
//   - The referrer is a registered node other than the node itself, named
//     at the first registration only: a later registration may repeat it
//     (a retried request) but not add, change or drop it.
//   - No cycle can form: a referrer must already be registered when it is
//     named, and a node's referrer never changes, so following referrers
//     always leads to older registrations.
//   - A referral earns only on rewards for verified work (accepted rows in
//     verified tasks): a referee with none gives its referrers nothing.
//   - A referrer that shares the referee's operator (either's operator, or
//     one's address as the other's operator) or its diversity network (the
//     /24 or /48 the replica rule of leases uses) earns nothing from it,
//     judged at each settlement on the nodes' current records. Each tier is
//     judged on its own against the referee.
//
// Registration does not refuse a referrer on the referee's network: the
// answer would tell the registering node where another node connects from.

// checkReferrer checks r's referrer against the state: n is the node's
// record, nil at its first registration.
func (s *State) checkReferrer(r Registration, n *Node) error {
	if n != nil {
		switch {
		case r.Referrer == "" || r.Referrer == n.Referrer:
			return nil // keeps the referrer (none, or the one named first)
		case n.Referrer == "":
			return conflictf("registration.referrer %s: node %s registered without a referrer, and a referrer is named at the first registration only", r.Referrer, n.Address)
		default:
			return conflictf("registration.referrer %s: node %s named referrer %s at its first registration; it cannot change", r.Referrer, n.Address, n.Referrer)
		}
	}
	if r.Referrer == "" {
		return nil
	}
	if _, ok := s.Nodes[r.Referrer]; !ok {
		return invalidf("registration.referrer %s: expected a registered node", r.Referrer)
	}
	return nil
}

// referralBarred reports whether referrer ref may earn nothing from
// referee n: one is the other, or they share an operator or a network (the
// diversity rule of replicas, leases.go, which sharedNetOK lifts as it does
// for replicas on the development network).
func referralBarred(n, ref *Node, sharedNetOK bool) bool {
	return ref.Address == n.Address ||
		ref.Operator == n.Operator || ref.Operator == n.Address || n.Operator == ref.Address ||
		(ref.Network == n.Network && !sharedNetOK)
}

// settleReferrals returns the referrals of the nodes settled this epoch
// (those in units), both tiers judged by the rules above; nodes without an
// eligible referrer are left out. Nil when there are none. Sorted by
// referee, as rewards.Settle takes them: node addresses are lowercase hex,
// whose order is their bytes' order.
func (s *State) settleReferrals(units map[string]uint64, sharedNetOK bool) []rewards.Referee {
	var out []rewards.Referee
	for _, addr := range sortedKeys(units) {
		n := s.Nodes[addr]
		if n == nil || n.Referrer == "" || n.RowsAccepted == 0 {
			continue
		}
		var r rewards.Referral
		first := s.Nodes[n.Referrer]
		if first != nil && !referralBarred(n, first, sharedNetOK) {
			r.First, _ = rewards.ParseAddress(first.Address)
		}
		if first != nil && first.Referrer != "" {
			if second := s.Nodes[first.Referrer]; second != nil && !referralBarred(n, second, sharedNetOK) {
				r.Second, _ = rewards.ParseAddress(second.Address)
			}
		}
		if r == (rewards.Referral{}) {
			continue
		}
		a, _ := rewards.ParseAddress(addr)
		out = append(out, rewards.Referee{Account: a, Referral: r})
	}
	return out
}
