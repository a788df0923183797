package state

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/sched"
	"github.com/meadow-net/meadow/coord/verify"
)

// Node is a registered home node.
type Node struct {
	// Address is the node's identity: the Ethereum address of its key,
	// lowercase 0x-hex. Operator is the address of whoever runs it; one
	// operator's nodes never hold two replicas of one task.
	Address  string `json:"address"`
	Operator string `json:"operator"`

	// IP is the address the node's requests come from, as the leader saw
	// it; Network is its /24 (IPv4) or /48 (IPv6) prefix, the unit of the
	// diversity rule.
	IP      string `json:"ip"`
	Network string `json:"network"`

	Caps         api.Capabilities `json:"caps"`
	RegisteredAt int64            `json:"registered_at"` // unix ms

	// Referrer is the registered node this node named at its first
	// registration (lowercase 0x-hex), empty when none; it never changes
	// (referrals.go).
	Referrer string `json:"referrer,omitempty"`

	// Reputation, in parts per million, follows verify.Update after each
	// verified replicated task; below verify.Floor the node gets no leases.
	Reputation uint32 `json:"reputation"`
	// Agreeing counts the node's verified replicated tasks in a row in
	// which it agreed with the majority (verify.Record); one disagreement
	// resets it. It drives adaptive replication.
	Agreeing int `json:"agreeing"`
	// Units are the work units earned: rows accepted into verified tasks.
	Units uint64 `json:"units"`
	// RowsAccepted and RowsRejected count the node's revealed rows in
	// verified tasks by the majority's verdict: only accepted rows earn.
	RowsAccepted uint64 `json:"rows_accepted,omitempty"`
	RowsRejected uint64 `json:"rows_rejected,omitempty"`
	// PendingUnits are the units not yet settled in an epoch posted on
	// chain.
	PendingUnits uint64 `json:"pending_units,omitempty"`
	// Tasks counts decided tasks the node revealed; Expired its leases that
	// ran past their deadline.
	Tasks   uint64 `json:"tasks"`
	Expired uint64 `json:"expired"`
}

// InitialReputation is a new node's reputation (verify's).
const InitialReputation = uint32(verify.InitialReputation)

// Registration is what a node sends, plus the IP the leader saw.
type Registration struct {
	Address  string           `json:"address"`
	Operator string           `json:"operator,omitempty"` // empty: the node is its own operator
	IP       string           `json:"ip"`
	Caps     api.Capabilities `json:"caps"`
	// Referrer is the registered node that brought this one, named at the
	// first registration only; empty: none, or keep the one named then.
	Referrer string `json:"referrer,omitempty"`
}

var (
	addrRE = regexp.MustCompile(`^0x[0-9a-f]{40}$`)
	idRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$`)
)

// Validate checks a registration; addresses must be lowercase 0x-hex.
func (r Registration) Validate() error {
	if !addrRE.MatchString(r.Address) {
		return invalidf("registration.address %q: expected a lowercase 0x-prefixed 20-byte hex address", r.Address)
	}
	if r.Operator != "" && !addrRE.MatchString(r.Operator) {
		return invalidf("registration.operator %q: expected a lowercase 0x-prefixed 20-byte hex address", r.Operator)
	}
	if r.Referrer != "" && !addrRE.MatchString(r.Referrer) {
		return invalidf("registration.referrer %q: expected a lowercase 0x-prefixed 20-byte hex address", r.Referrer)
	}
	if r.Referrer != "" && r.Referrer == r.Address {
		return invalidf("registration.referrer %s: expected another node than the one registering", r.Referrer)
	}
	if _, err := NetworkOf(r.IP); err != nil {
		return err
	}
	return nil
}

// RegisterNode adds a node, or updates the IP and capabilities of a known one
// (its reputation, earnings and referrer stay). A referrer is accepted at the
// first registration only (checkReferrer). now is the leader's time in unix
// ms.
func (s *State) RegisterNode(r Registration, now int64) (*Node, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	network, _ := NetworkOf(r.IP)
	n, ok := s.Nodes[r.Address]
	if err := s.checkReferrer(r, n); err != nil {
		return nil, err
	}
	if !ok {
		n = &Node{Address: r.Address, RegisteredAt: now, Reputation: InitialReputation, Referrer: r.Referrer}
		s.Nodes[r.Address] = n
	}
	// A node without an operator is its own: the diversity rule then
	// compares it by address.
	n.Operator = r.Operator
	if n.Operator == "" {
		n.Operator = r.Address
	}
	n.IP = r.IP
	n.Network = network
	n.Caps = r.Caps
	return n, nil
}

// NetworkOf returns the diversity network of an IP address (sched's rule:
// its /24 for IPv4, its /48 for IPv6).
func NetworkOf(ip string) (string, error) {
	n, err := sched.NetworkOf(strings.TrimSpace(ip))
	if err != nil {
		return "", invalidf("ip %q: %v", ip, err)
	}
	return n, nil
}

// Node returns a copy of a node's record.
func (s *State) Node(addr string) (Node, error) {
	n, ok := s.Nodes[addr]
	if !ok {
		return Node{}, notFound("node", addr)
	}
	return *n, nil
}

func (n *Node) String() string { return fmt.Sprintf("node %s", n.Address) }

// Record is the node as GET /v1/node/{address} answers it (api.NodeRecord,
// the type the node reads back), with its IP and network. Every field of
// Node is in it (TestNodeRecordCoversNode).
func (n Node) Record() api.NodeRecord {
	return api.NodeRecord{
		Address: n.Address, Operator: n.Operator, IP: n.IP, Network: n.Network,
		Caps: n.Caps, RegisteredAt: n.RegisteredAt, Referrer: n.Referrer, Reputation: n.Reputation, Agreeing: n.Agreeing,
		Units: n.Units, PendingUnits: n.PendingUnits, RowsAccepted: n.RowsAccepted, RowsRejected: n.RowsRejected,
		Tasks: n.Tasks, Expired: n.Expired,
	}
}

// Domain is one host's network-wide crawl rate (sched.DomainRate): the
// interval between two fetches from it anywhere in the network, from the
// longest robots.txt Crawl-delay nodes reported, and when it is next free.
type Domain struct {
	DelayMs  int64 `json:"delay_ms,omitempty"`
	NextFree int64 `json:"next_free,omitempty"`
}

// SetDomainDelays records robots.txt Crawl-delay values (ms by host name)
// reported by nodes; a longer delay replaces a shorter one, as the politest
// reading is the one the network keeps.
func (s *State) SetDomainDelays(delays map[string]int64) {
	for _, host := range sortedKeys(delays) {
		d := s.Domains[host]
		if delays[host] > d.DelayMs {
			d.DelayMs = delays[host]
			s.Domains[host] = d
		}
	}
}

// SetNextFree records when a host is next free, as a scheduling round moved
// it; an earlier time never replaces a later one.
func (s *State) SetNextFree(host string, at int64) {
	d := s.Domains[host]
	if at > d.NextFree {
		d.NextFree = at
		s.Domains[host] = d
	}
}
