package crawl

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Resolver looks up the addresses of a host name. *net.Resolver implements it;
// tests pass a fake so that public-looking names reach loopback test servers.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// ContextDialer opens a connection to an address. *net.Dialer implements it.
type ContextDialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// defaultPorts are the ports a Policy allows when Policy.Ports is nil: the
// web's two default ports and their two common alternates. Every other port is
// refused, so that a job cannot use home connections to probe mail servers,
// databases or admin consoles on public hosts (the abuse reports would land on
// the home user's ISP account).
var defaultPorts = []uint16{80, 443, 8080, 8443}

// DefaultPorts returns the ports a Policy allows when Policy.Ports is nil:
// 80, 443, 8080 and 8443.
func DefaultPorts() []uint16 { return slices.Clone(defaultPorts) }

// Policy decides which URLs and addresses a node may connect to. Its zero
// value is the production policy: only public unicast addresses, on
// DefaultPorts(), resolved with the system resolver.
//
// Every connection a node makes for a crawl goes through DialContext: colly's
// transport dials with it, and Chromium reaches the web only through a
// forward proxy (Proxy) that dials with it. DialContext resolves the name
// once, checks every answer, and connects to a checked IP literal, so a DNS
// answer that changes between the check and the connection (rebinding) is
// never used.
type Policy struct {
	// Resolver resolves host names; nil means net.DefaultResolver.
	Resolver Resolver
	// Dialer opens the checked connections; nil means a net.Dialer with a
	// 10 s timeout.
	Dialer ContextDialer
	// Ports are the TCP ports allowed on public addresses; nil means
	// DefaultPorts().
	Ports []uint16
	// AnyPort allows every port on public addresses, for what the
	// coordinators name rather than a job (an object store's endpoint:
	// S3-compatible stores often listen on 9000). Ports is then unused.
	AnyPort bool
	// AllowList lists prefixes that are allowed although not public, on any
	// port. It exists for tests and for `meadow dev`, whose sites listen on
	// loopback; Validate(true) refuses a policy that sets it.
	AllowList []netip.Prefix
}

// Validate checks the policy. In production mode an AllowList is an error:
// a home node must never reach a non-public address.
func (p *Policy) Validate(production bool) error {
	if production && len(p.AllowList) > 0 {
		return fmt.Errorf("%w: policy.allow_list %v: expected empty in production (it lets the node reach non-public addresses; only tests and meadow dev may set it)", ErrInvalidConfig, p.AllowList)
	}
	for i, pf := range p.AllowList {
		if !pf.IsValid() {
			return fmt.Errorf("%w: policy.allow_list[%d] %q: expected a valid prefix", ErrInvalidConfig, i, pf)
		}
	}
	for i, port := range p.Ports {
		if port == 0 {
			return fmt.Errorf("%w: policy.ports[%d] 0: expected a port in 1..65535", ErrInvalidConfig, i)
		}
	}
	return nil
}

// CheckURL checks what can be checked of a URL before any connection: the
// scheme (http or https), the host (no local names; an IP literal must be
// public) and, when no allow-list is set, the port. The rest is checked at
// dial time, after DNS.
func (p *Policy) CheckURL(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	default:
		return refuse(ReasonScheme, "scheme %q: only http and https are fetched", u.Scheme)
	}
	host := u.Hostname()
	if host == "" {
		return refuse(ReasonUnsafeAddress, "url %q has no host", u.Redacted())
	}
	port, err := urlPort(u)
	if err != nil {
		return err
	}
	addr, literal, err := p.literal(host)
	if err != nil {
		return err
	}
	if literal {
		return p.CheckAddr(addr, port)
	}
	if len(p.AllowList) == 0 {
		return p.checkPort(port)
	}
	return nil
}

func urlPort(u *url.URL) (uint16, error) {
	ps := u.Port()
	if ps == "" {
		if strings.EqualFold(u.Scheme, "https") {
			return 443, nil
		}
		return 80, nil
	}
	n, err := strconv.ParseUint(ps, 10, 16)
	if err != nil || n == 0 {
		return 0, refuse(ReasonUnsafeAddress, "port %q is not a valid port", ps)
	}
	return uint16(n), nil
}

// CheckAddr reports whether the policy allows connecting to ip on port: nil,
// or a *Refusal with ReasonUnsafeAddress saying which range ip is in.
func (p *Policy) CheckAddr(ip netip.Addr, port uint16) error {
	if ip.Zone() != "" {
		return refuse(ReasonUnsafeAddress, "%s has a zone (an interface-scoped address)", ip)
	}
	plain := ip.Unmap()
	for _, pf := range p.AllowList {
		if pf.Contains(plain) {
			return nil
		}
	}
	if why := NonPublic(ip); why != "" {
		return refuse(ReasonUnsafeAddress, "%s is %s", ip, why)
	}
	return p.checkPort(port)
}

func (p *Policy) checkPort(port uint16) error {
	if p.AnyPort {
		return nil
	}
	ports := p.Ports
	if ports == nil {
		ports = defaultPorts
	}
	if !slices.Contains(ports, port) {
		return refuse(ReasonUnsafeAddress, "port %d is not allowed (allowed: %v)", port, ports)
	}
	return nil
}

// DialContext connects to address ("host:port") if the policy allows it. It
// resolves host once, refuses the whole name if any answer is not allowed (a
// name that mixes public and private answers is a rebinding attempt), and
// dials the checked IP literals in order until one connects.
func (p *Policy) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, refuse(ReasonUnsafeAddress, "network %q: only tcp is dialed", network)
	}
	host, portStr, err := net.SplitHostPort(address)
	if err != nil {
		return nil, refuse(ReasonUnsafeAddress, "address %q: %v", address, err)
	}
	pn, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil || pn == 0 {
		return nil, refuse(ReasonUnsafeAddress, "address %q: invalid port", address)
	}
	port := uint16(pn)
	addrs, err := p.Resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	for _, a := range addrs {
		if err := p.CheckAddr(a, port); err != nil {
			if len(addrs) > 1 {
				r := AsRefusal(err)
				r.Detail = fmt.Sprintf("%s resolves to %v, and %s", host, addrs, r.Detail)
			}
			return nil, err
		}
	}
	d := p.Dialer
	if d == nil {
		d = &net.Dialer{Timeout: 10 * time.Second}
	}
	var errs []error
	for _, a := range addrs {
		conn, err := d.DialContext(ctx, network, netip.AddrPortFrom(a.Unmap(), port).String())
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

// Resolve returns the addresses of host: the address itself for an IP
// literal (including the numeric forms a browser accepts, such as
// 0x7f.1 or 2130706433), a refusal for a local name (localhost, *.local,
// single-label names, …) that must not even be looked up, since the lookup
// itself would reach the LAN (mDNS, the router's DNS); otherwise the
// resolver's answers.
func (p *Policy) Resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	addr, literal, err := p.literal(host)
	if err != nil {
		return nil, err
	}
	if literal {
		return []netip.Addr{addr}, nil
	}
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	var r Resolver = net.DefaultResolver
	if p.Resolver != nil {
		r = p.Resolver
	}
	addrs, err := r.LookupNetIP(ctx, "ip", name)
	if err != nil {
		return nil, &Refusal{Reason: ReasonHTTPError, Detail: fmt.Sprintf("resolve %s: %v", name, err), Err: err}
	}
	if len(addrs) == 0 {
		return nil, refuse(ReasonHTTPError, "resolve %s: no addresses", name)
	}
	return addrs, nil
}

// literal parses host as an IP address. It returns literal=false for a name
// that may be resolved, and a refusal for a name that must not be.
func (p *Policy) literal(host string) (netip.Addr, bool, error) {
	h := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), ".")
	if a, err := netip.ParseAddr(h); err == nil {
		return a, true, nil
	}
	if strings.Contains(h, ":") || strings.Contains(h, "%") {
		return netip.Addr{}, false, refuse(ReasonUnsafeAddress, "host %q is not a valid address", host)
	}
	name := strings.ToLower(h)
	if endsInNumber(name) {
		a, ok := parseLooseIPv4(name)
		if !ok {
			return netip.Addr{}, false, refuse(ReasonUnsafeAddress, "host %q ends in a number but is not an IPv4 address", host)
		}
		return a, true, nil
	}
	if why := localName(name); why != "" {
		return netip.Addr{}, false, refuse(ReasonUnsafeAddress, "host %q is %s", host, why)
	}
	return netip.Addr{}, false, nil
}

// localNameSuffixes are names that only mean something on a local network
// (RFC 6761, RFC 6762, RFC 8375, ICANN's .internal, common router names) or
// that can never be a public site.
var localNameSuffixes = []string{
	"localhost", "local", "home.arpa", "internal", "lan", "home", "corp",
	"intranet", "private", "localdomain", "test", "example", "invalid",
	"onion", "fritz.box",
}

func localName(name string) string {
	if name == "" {
		return "empty"
	}
	if !strings.Contains(name, ".") {
		return "a single-label name (resolved by the local network)"
	}
	for _, s := range localNameSuffixes {
		if name == s || strings.HasSuffix(name, "."+s) {
			return "a local or reserved name (." + s + ")"
		}
	}
	return ""
}

// endsInNumber follows the WHATWG URL standard: a host whose last label is
// decimal digits or 0x-hex is parsed as IPv4, so that 2130706433 and 0x7f.1
// mean 127.0.0.1 here as they do in Chromium and in getaddrinfo.
func endsInNumber(name string) bool {
	labels := strings.Split(name, ".")
	last := labels[len(labels)-1]
	if last == "" && len(labels) > 1 {
		last = labels[len(labels)-2]
	}
	if last == "" {
		return false
	}
	if strings.Trim(last, "0123456789") == "" {
		return true
	}
	if strings.HasPrefix(last, "0x") && strings.Trim(last[2:], "0123456789abcdef") == "" {
		return true
	}
	return false
}

// parseLooseIPv4 parses the IPv4 forms of the WHATWG URL standard and
// inet_aton: one to four parts, each decimal, octal (leading 0) or hex (0x),
// the last part filling the remaining bytes.
func parseLooseIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) == 0 || len(parts) > 4 {
		return netip.Addr{}, false
	}
	nums := make([]uint64, len(parts))
	for i, part := range parts {
		if part == "" {
			return netip.Addr{}, false
		}
		base := 10
		switch {
		case strings.HasPrefix(part, "0x"):
			base, part = 16, part[2:]
			if part == "" {
				part = "0"
			}
		case len(part) > 1 && part[0] == '0':
			base, part = 8, part[1:]
		}
		n, err := strconv.ParseUint(part, base, 64)
		if err != nil || n > 0xffffffff {
			return netip.Addr{}, false
		}
		nums[i] = n
	}
	for _, n := range nums[:len(nums)-1] {
		if n > 255 {
			return netip.Addr{}, false
		}
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(5-len(nums))) {
		return netip.Addr{}, false
	}
	v := last
	for i, n := range nums[:len(nums)-1] {
		v |= n << (8 * (3 - i))
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

type namedPrefix struct {
	prefix netip.Prefix
	name   string
}

func prefixes(pairs ...string) []namedPrefix {
	out := make([]namedPrefix, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, namedPrefix{netip.MustParsePrefix(pairs[i]), pairs[i+1]})
	}
	return out
}

// nonPublic4 lists the IPv4 ranges a node never connects to, more specific
// names first (IANA special-purpose registry, RFC 6890, plus cloud metadata
// endpoints, which matter when a node runs on a cloud VM).
var nonPublic4 = prefixes(
	"0.0.0.0/8", "in 0.0.0.0/8 (this network)",
	"10.0.0.0/8", "private (10.0.0.0/8)",
	"100.100.100.200/32", "a cloud metadata address (Alibaba)",
	"100.64.0.0/10", "shared address space (CGNAT, 100.64.0.0/10)",
	"127.0.0.0/8", "loopback (127.0.0.0/8)",
	"169.254.169.254/32", "the cloud metadata address (169.254.169.254)",
	"169.254.0.0/16", "link-local (169.254.0.0/16)",
	"168.63.129.16/32", "a cloud metadata address (Azure)",
	"172.16.0.0/12", "private (172.16.0.0/12)",
	"192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24)",
	"192.0.2.0/24", "documentation (192.0.2.0/24)",
	"192.88.99.0/24", "6to4 relay anycast (192.88.99.0/24)",
	"192.168.0.0/16", "private (192.168.0.0/16)",
	"198.18.0.0/15", "benchmarking (198.18.0.0/15)",
	"198.51.100.0/24", "documentation (198.51.100.0/24)",
	"203.0.113.0/24", "documentation (203.0.113.0/24)",
	"224.0.0.0/4", "multicast (224.0.0.0/4)",
	"255.255.255.255/32", "broadcast",
	"240.0.0.0/4", "reserved (240.0.0.0/4)",
)

// nonPublic6 lists the IPv6 ranges refused outright. NAT64 (64:ff9b::/96) and
// 6to4 (2002::/16) are checked by the IPv4 address they embed; IPv4-mapped
// addresses are checked as IPv4; anything outside 2000::/3 is refused.
var nonPublic6 = prefixes(
	"::/128", "unspecified (::)",
	"::1/128", "loopback (::1)",
	"::ffff:0:0:0/96", "IPv4-translated (::ffff:0:0:0/96)",
	"::/96", "IPv4-compatible (::/96, deprecated)",
	"64:ff9b:1::/48", "local-use NAT64 (64:ff9b:1::/48)",
	"100::/64", "discard-only (100::/64)",
	"2001::/32", "Teredo (2001::/32)",
	"2001::/23", "IETF protocol assignments (2001::/23)",
	"2001:db8::/32", "documentation (2001:db8::/32)",
	"3fff::/20", "documentation (3fff::/20)",
	"5f00::/16", "SRv6 SIDs (5f00::/16)",
	"fd00:ec2::254/128", "the cloud metadata address (fd00:ec2::254)",
	"fc00::/7", "unique local (fc00::/7)",
	"fe80::/10", "link-local (fe80::/10)",
	"fec0::/10", "site-local (fec0::/10, deprecated)",
	"ff00::/8", "multicast (ff00::/8)",
)

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
	global6   = netip.MustParsePrefix("2000::/3")
)

// NonPublic returns why ip is not a public unicast address ("private
// (10.0.0.0/8)", …), or "" when it is public. Addresses that embed an IPv4
// address (IPv4-mapped, NAT64, 6to4) are judged by that address.
func NonPublic(ip netip.Addr) string {
	if !ip.IsValid() {
		return "not a valid address"
	}
	if ip.Zone() != "" {
		return "an interface-scoped address"
	}
	if ip.Is4In6() {
		if why := NonPublic(ip.Unmap()); why != "" {
			return "IPv4-mapped " + why
		}
		return ""
	}
	if ip.Is4() {
		for _, np := range nonPublic4 {
			if np.prefix.Contains(ip) {
				return np.name
			}
		}
		return ""
	}
	for _, np := range nonPublic6 {
		if np.prefix.Contains(ip) {
			return np.name
		}
	}
	b := ip.As16()
	if nat64.Contains(ip) {
		if why := NonPublic(netip.AddrFrom4([4]byte(b[12:16]))); why != "" {
			return "NAT64 of " + why
		}
		return ""
	}
	if sixToFour.Contains(ip) {
		if why := NonPublic(netip.AddrFrom4([4]byte(b[2:6]))); why != "" {
			return "6to4 of " + why
		}
		return ""
	}
	if !global6.Contains(ip) {
		return "reserved (outside 2000::/3)"
	}
	return ""
}
