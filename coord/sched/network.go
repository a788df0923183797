package sched

import (
	"fmt"
	"net/netip"
	"strings"
)

// Diversity prefixes: replicas of one task never share an IPv4 /24 or an
// IPv6 /48, the blocks a home ISP, a cloud tenant or one site typically
// gets, so that one party cannot cheaply hold a task's majority.
const (
	IPv4Prefix = 24
	IPv6Prefix = 48
)

// NetworkOf returns the diversity network of an IP address, in CIDR form:
// "a.b.c.0/24" for IPv4, the /48 for IPv6 ("2001:db8:1::/48"). An
// IPv4-mapped IPv6 address (::ffff:a.b.c.d), as a dual-stack listener
// reports IPv4 peers, is treated as the IPv4 address, and an IPv6 zone is
// dropped. Surrounding white space is ignored. Anything else is an error
// wrapping ErrInvalidIP.
func NetworkOf(ip string) (string, error) {
	s := strings.TrimSpace(ip)
	a, err := netip.ParseAddr(s)
	if err != nil {
		return "", fmt.Errorf("%w: ip %q: expected an IPv4 or IPv6 address", ErrInvalidIP, ip)
	}
	a = a.Unmap().WithZone("")
	bits := IPv6Prefix
	if a.Is4() {
		bits = IPv4Prefix
	}
	p, err := a.Prefix(bits)
	if err != nil { // unreachable for a parsed address and these lengths
		return "", fmt.Errorf("%w: ip %q: %v", ErrInvalidIP, ip, err)
	}
	return p.String(), nil
}
