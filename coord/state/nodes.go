package state

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// Capabilities are what a node can do beyond fetching static pages.
type Capabilities struct {
	RenderJS bool `json:"render_js,omitempty"` // has Chromium for pages that need JavaScript
	GPU      bool `json:"gpu,omitempty"`       // has a GPU for compute tasks
	// MaxConcurrent is how many open leases the node takes at once (0: 1).
	MaxConcurrent int `json:"max_concurrent,omitempty"`
}

// Covers reports whether c has every capability that need asks for.
func (c Capabilities) Covers(need Capabilities) bool {
	return (c.RenderJS || !need.RenderJS) && (c.GPU || !need.GPU)
}

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

	Caps         Capabilities `json:"caps"`
	RegisteredAt int64        `json:"registered_at"` // unix ms

	// Reputation, in parts per million, moves toward each decided task's
	// share of the node's rows that were accepted (see reputation.go).
	Reputation uint32 `json:"reputation"`
	// Agreeing counts the node's replicated tasks in a row whose rows all
	// agreed with the majority; one disagreement resets it. It drives
	// adaptive replication.
	Agreeing uint32 `json:"agreeing"`
	// Units are the work units earned: rows accepted into verified tasks.
	Units uint64 `json:"units"`
	// Tasks counts decided tasks the node revealed; Expired its leases that
	// ran past their deadline.
	Tasks   uint64 `json:"tasks"`
	Expired uint64 `json:"expired"`
}

// InitialReputation is a new node's reputation: half way, so that a few lost
// tasks put a bad node below the floor and a few good ones lift a new node
// well clear of it.
const InitialReputation = 500_000

// Registration is what a node sends, plus the IP the leader saw.
type Registration struct {
	Address  string       `json:"address"`
	Operator string       `json:"operator,omitempty"` // empty: the node is its own operator
	IP       string       `json:"ip"`
	Caps     Capabilities `json:"caps"`
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
	if _, err := NetworkOf(r.IP); err != nil {
		return err
	}
	return nil
}

// RegisterNode adds a node, or updates the IP and capabilities of a known one
// (its reputation and earnings stay). now is the leader's time in unix ms.
func (s *State) RegisterNode(r Registration, now int64) (*Node, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	network, _ := NetworkOf(r.IP)
	n, ok := s.Nodes[r.Address]
	if !ok {
		n = &Node{Address: r.Address, RegisteredAt: now, Reputation: InitialReputation}
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

// NetworkOf returns the diversity network of an IP address: its /24 for IPv4
// (and IPv4-mapped IPv6), its /48 for IPv6.
func NetworkOf(ip string) (string, error) {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return "", invalidf("ip %q: expected an IPv4 or IPv6 address", ip)
	}
	a = a.Unmap()
	bits := 48
	if a.Is4() {
		bits = 24
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return "", invalidf("ip %q: %v", ip, err)
	}
	return p.String(), nil
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

// SetDomainDelays records robots.txt Crawl-delay values (ms by host name)
// reported by nodes; a longer delay replaces a shorter one, as the politest
// reading is the one the network keeps.
func (s *State) SetDomainDelays(delays map[string]int64) {
	for _, host := range sortedKeys(delays) {
		if d := delays[host]; d > s.DomainDelays[host] {
			s.DomainDelays[host] = d
		}
	}
}
