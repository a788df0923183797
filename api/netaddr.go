package api

import (
	"net/netip"
	"strconv"
	"strings"
)

// A crawl URL whose host is an IP literal of a non-public range, or the
// name localhost, is refused when the job is submitted (Checks.PublicURLs):
// every node would refuse to fetch it, so the job could only end "done"
// with no rows. Names are not resolved here; nodes check every resolved
// address at dial time. api may not import crawl, whose policy is the
// authority at fetch time; this list covers the same ranges.

// nonPublicRange is a range no node fetches from, with its name.
type nonPublicRange struct {
	prefix netip.Prefix
	name   string
}

func ranges(pairs ...string) []nonPublicRange {
	out := make([]nonPublicRange, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, nonPublicRange{netip.MustParsePrefix(pairs[i]), pairs[i+1]})
	}
	return out
}

// Most specific first, so that the metadata addresses are named as such.
var (
	nonPublicV4 = ranges(
		"169.254.169.254/32", "the cloud metadata address",
		"100.100.100.200/32", "a cloud metadata address",
		"168.63.129.16/32", "a cloud metadata address",
		"0.0.0.0/8", "in 0.0.0.0/8 (this network)",
		"10.0.0.0/8", "private (10.0.0.0/8)",
		"100.64.0.0/10", "shared address space (CGNAT, 100.64.0.0/10)",
		"127.0.0.0/8", "loopback (127.0.0.0/8)",
		"169.254.0.0/16", "link-local (169.254.0.0/16)",
		"172.16.0.0/12", "private (172.16.0.0/12)",
		"192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24)",
		"192.0.2.0/24", "documentation (192.0.2.0/24)",
		"192.168.0.0/16", "private (192.168.0.0/16)",
		"198.18.0.0/15", "benchmarking (198.18.0.0/15)",
		"198.51.100.0/24", "documentation (198.51.100.0/24)",
		"203.0.113.0/24", "documentation (203.0.113.0/24)",
		"224.0.0.0/4", "multicast (224.0.0.0/4)",
		"240.0.0.0/4", "reserved (240.0.0.0/4)",
	)
	nonPublicV6 = ranges(
		"fd00:ec2::254/128", "the cloud metadata address (fd00:ec2::254)",
		"::/128", "unspecified (::)",
		"::1/128", "loopback (::1)",
		"2001:db8::/32", "documentation (2001:db8::/32)",
		"fc00::/7", "unique local (fc00::/7)",
		"fe80::/10", "link-local (fe80::/10)",
		"fec0::/10", "site-local (fec0::/10)",
		"ff00::/8", "multicast (ff00::/8)",
	)
	// IPv6 prefixes that carry an IPv4 address, judged by that address.
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
	global6   = netip.MustParsePrefix("2000::/3")
)

// NonPublicAddr returns why ip is not a public unicast address, or "" when
// it is.
func NonPublicAddr(ip netip.Addr) string {
	switch {
	case !ip.IsValid():
		return "not a valid address"
	case ip.Zone() != "":
		return "an interface-scoped address"
	case ip.Is4In6():
		if why := NonPublicAddr(ip.Unmap()); why != "" {
			return "IPv4-mapped " + why
		}
		return ""
	case ip.Is4():
		for _, r := range nonPublicV4 {
			if r.prefix.Contains(ip) {
				return r.name
			}
		}
		if ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
			return "broadcast"
		}
		return ""
	}
	for _, r := range nonPublicV6 {
		if r.prefix.Contains(ip) {
			return r.name
		}
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip):
		if why := NonPublicAddr(netip.AddrFrom4([4]byte(b[12:16]))); why != "" {
			return "NAT64 of " + why
		}
	case sixToFour.Contains(ip):
		if why := NonPublicAddr(netip.AddrFrom4([4]byte(b[2:6]))); why != "" {
			return "6to4 of " + why
		}
	case !global6.Contains(ip):
		return "reserved (outside 2000::/3)"
	}
	return ""
}

// NonPublicHost returns why a URL's host (as url.URL.Hostname gives it) is
// one no node fetches from: an IP literal, in any spelling a resolver
// accepts (127.1, 0x7f.0.0.1, 2130706433), of a non-public range, or the
// name localhost or a name under it. allow exempts prefixes (tests and
// meadow dev crawl a loopback site); localhost names count as 127.0.0.1
// and ::1. "" means the host may be fetched as far as can be told without
// DNS.
func NonPublicHost(host string, allow []netip.Prefix) string {
	h := strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	var addrs []netip.Addr
	var why string
	if a, err := netip.ParseAddr(h); err == nil {
		addrs, why = []netip.Addr{a}, NonPublicAddr(a)
	} else if a, ok := looseIPv4(h); ok {
		addrs, why = []netip.Addr{a}, NonPublicAddr(a)
	} else if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		addrs = []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1}), netip.IPv6Loopback()}
		why = "the name localhost (loopback)"
	}
	if why == "" {
		return ""
	}
	for _, a := range addrs {
		for _, p := range allow {
			if p.Contains(a.Unmap()) {
				return ""
			}
		}
	}
	return why
}

// looseIPv4 parses the forms of an IPv4 address that inet_aton (and so
// some resolvers and browsers) accept: one to four parts, each decimal,
// octal (leading 0) or hex (0x), the last filling the remaining bytes.
func looseIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) == 0 || len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		base := 10
		switch {
		case strings.HasPrefix(p, "0x"):
			p, base = p[2:], 16
		case len(p) > 1 && p[0] == '0':
			p, base = p[1:], 8
		}
		if p == "" && base != 16 {
			return netip.Addr{}, false
		}
		if p == "" {
			p = "0"
		}
		v, err := strconv.ParseUint(p, base, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 255 {
			return netip.Addr{}, false
		}
		n |= v << (8 * (3 - i))
	}
	last := vals[len(vals)-1]
	if last >= 1<<(8*(5-len(vals))) {
		return netip.Addr{}, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}
