package crawl

import (
	"context"
	"errors"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/api"
)

func TestNonPublic(t *testing.T) {
	tests := []struct {
		addr   string
		public bool
		why    string // a substring of the reason, for refused addresses
	}{
		{addr: "93.184.216.34", public: true},
		{addr: "8.8.8.8", public: true},
		{addr: "2606:2800:220:1:248:1893:25c8:1946", public: true},
		{addr: "::ffff:93.184.216.34", public: true},
		{addr: "64:ff9b::5db8:d822", public: true}, // NAT64 of 93.184.216.34
		{addr: "2002:5db8:d822::1", public: true},  // 6to4 of 93.184.216.34

		{addr: "0.0.0.0", why: "this network"},
		{addr: "0.1.2.3", why: "this network"},
		{addr: "10.1.2.3", why: "private"},
		{addr: "100.64.0.1", why: "CGNAT"},
		{addr: "100.127.255.254", why: "CGNAT"},
		{addr: "100.100.100.200", why: "metadata"},
		{addr: "127.0.0.1", why: "loopback"},
		{addr: "127.255.255.254", why: "loopback"},
		{addr: "169.254.1.1", why: "link-local"},
		{addr: "169.254.169.254", why: "metadata"},
		{addr: "168.63.129.16", why: "metadata"},
		{addr: "172.16.0.1", why: "private"},
		{addr: "172.31.255.255", why: "private"},
		{addr: "192.0.0.170", why: "IETF"},
		{addr: "192.0.2.1", why: "documentation"},
		{addr: "192.88.99.1", why: "6to4 relay"},
		{addr: "192.168.1.1", why: "private"},
		{addr: "198.18.0.1", why: "benchmarking"},
		{addr: "198.19.255.255", why: "benchmarking"},
		{addr: "198.51.100.7", why: "documentation"},
		{addr: "203.0.113.9", why: "documentation"},
		{addr: "224.0.0.251", why: "multicast"},
		{addr: "239.255.255.250", why: "multicast"},
		{addr: "240.0.0.1", why: "reserved"},
		{addr: "255.255.255.255", why: "broadcast"},

		{addr: "::", why: "unspecified"},
		{addr: "::1", why: "loopback"},
		{addr: "::ffff:127.0.0.1", why: "IPv4-mapped loopback"},
		{addr: "::ffff:10.0.0.1", why: "IPv4-mapped private"},
		{addr: "::ffff:169.254.169.254", why: "IPv4-mapped the cloud metadata"},
		{addr: "::127.0.0.1", why: "IPv4-compatible"},
		{addr: "::8.8.8.8", why: "IPv4-compatible"},
		{addr: "::ffff:0:a00:1", why: "IPv4-translated"},
		{addr: "64:ff9b::a00:1", why: "NAT64 of private"},
		{addr: "64:ff9b::7f00:1", why: "NAT64 of loopback"},
		{addr: "64:ff9b::a9fe:a9fe", why: "NAT64 of the cloud metadata"},
		{addr: "64:ff9b:1::1", why: "local-use NAT64"},
		{addr: "2002:a00:1::1", why: "6to4 of private"},
		{addr: "2002:7f00:1::", why: "6to4 of loopback"},
		{addr: "2001:0:4136:e378:8000:63bf:3fff:fdd2", why: "Teredo"},
		{addr: "2001:2::1", why: "IETF protocol"},
		{addr: "2001:db8::1", why: "documentation"},
		{addr: "3fff::1", why: "documentation"},
		{addr: "100::1", why: "discard"},
		{addr: "5f00::1", why: "SRv6"},
		{addr: "fc00::1", why: "unique local"},
		{addr: "fd12:3456:789a::1", why: "unique local"},
		{addr: "fd00:ec2::254", why: "metadata"},
		{addr: "fe80::1", why: "link-local"},
		{addr: "fec0::1", why: "site-local"},
		{addr: "ff02::1", why: "multicast"},
		{addr: "ff05::1:3", why: "multicast"},
		{addr: "4000::1", why: "outside 2000::/3"},
		{addr: "fe80::1%eth0", why: "interface-scoped"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			why := NonPublic(netip.MustParseAddr(tt.addr))
			switch {
			case tt.public && why != "":
				t.Errorf("NonPublic(%s) = %q, want public", tt.addr, why)
			case !tt.public && !strings.Contains(why, tt.why):
				t.Errorf("NonPublic(%s) = %q, want a reason containing %q", tt.addr, why, tt.why)
			}
		})
	}
}

func TestParseLooseIPv4(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when not an address
	}{
		{in: "127.0.0.1", want: "127.0.0.1"},
		{in: "2130706433", want: "127.0.0.1"},
		{in: "0x7f000001", want: "127.0.0.1"},
		{in: "0x7f.1", want: "127.0.0.1"},
		{in: "127.1", want: "127.0.0.1"},
		{in: "0177.0.0.01", want: "127.0.0.1"},
		{in: "10.0x10.1", want: "10.16.0.1"},
		{in: "169.254.43518", want: "169.254.169.254"},
		{in: "1.2.3.4.", want: "1.2.3.4"},
		{in: "256.1.1.1"},
		{in: "1.2.3.4.5"},
		{in: "4294967296"},
		{in: "1.2.65536"},
		{in: "08.1.1.1"},
		{in: "1..1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			a, ok := parseLooseIPv4(tt.in)
			switch {
			case tt.want == "" && ok:
				t.Errorf("parseLooseIPv4(%q) = %s, want no address", tt.in, a)
			case tt.want != "" && (!ok || a.String() != tt.want):
				t.Errorf("parseLooseIPv4(%q) = %s, %v; want %s", tt.in, a, ok, tt.want)
			}
		})
	}
}

func TestPolicyCheckURL(t *testing.T) {
	p := &Policy{}
	tests := []struct {
		url    string
		reason Reason // "" when allowed
	}{
		{url: "http://example.com/"},
		{url: "https://example.com:8443/x"},
		{url: "HTTP://EXAMPLE.COM/"},
		{url: "http://93.184.216.34/"},
		{url: "http://[2606:2800:220:1:248:1893:25c8:1946]/"},

		{url: "file:///etc/passwd", reason: ReasonScheme},
		{url: "gopher://example.com:70/", reason: ReasonScheme},
		{url: "ftp://example.com/", reason: ReasonScheme},
		{url: "javascript:alert(1)", reason: ReasonScheme},
		{url: "data:text/html,hi", reason: ReasonScheme},
		{url: "ws://example.com/", reason: ReasonScheme},

		{url: "http://localhost/", reason: ReasonUnsafeAddress},
		{url: "http://LOCALHOST./", reason: ReasonUnsafeAddress},
		{url: "http://foo.localhost/", reason: ReasonUnsafeAddress},
		{url: "http://printer.local/", reason: ReasonUnsafeAddress},
		{url: "http://router/", reason: ReasonUnsafeAddress},
		{url: "http://fritz.box/", reason: ReasonUnsafeAddress},
		{url: "http://nas.home.arpa/", reason: ReasonUnsafeAddress},
		{url: "http://metadata.google.internal/", reason: ReasonUnsafeAddress},
		{url: "http://127.0.0.1/", reason: ReasonUnsafeAddress},
		{url: "http://2130706433/", reason: ReasonUnsafeAddress},
		{url: "http://0x7f000001/", reason: ReasonUnsafeAddress},
		{url: "http://0177.0.0.1/", reason: ReasonUnsafeAddress},
		{url: "http://127.1/", reason: ReasonUnsafeAddress},
		{url: "http://169.254.169.254/latest/meta-data/", reason: ReasonUnsafeAddress},
		{url: "http://[::1]/", reason: ReasonUnsafeAddress},
		{url: "http://[::ffff:7f00:1]/", reason: ReasonUnsafeAddress},
		{url: "http://[fe80::1%25eth0]/", reason: ReasonUnsafeAddress},
		{url: "http://[fd00:ec2::254]/", reason: ReasonUnsafeAddress},
		{url: "http://1.2.3.999/", reason: ReasonUnsafeAddress},
		{url: "http:///nohost", reason: ReasonUnsafeAddress},

		{url: "http://93.184.216.34:25/", reason: ReasonUnsafeAddress},
		{url: "http://example.com:6379/", reason: ReasonUnsafeAddress},
		{url: "http://example.com:22/", reason: ReasonUnsafeAddress},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatalf("url.Parse: %v", err)
			}
			err = p.CheckURL(u)
			if tt.reason == "" {
				if err != nil {
					t.Errorf("CheckURL = %v, want allowed", err)
				}
				return
			}
			r := AsRefusal(err)
			if r == nil || r.Reason != tt.reason {
				t.Errorf("CheckURL = %v, want reason %s", err, tt.reason)
			}
		})
	}
}

// AnyPort lifts the port rule on public addresses only: an object store's
// endpoint may listen on 9000, a LAN address stays refused on every port.
func TestPolicyAnyPort(t *testing.T) {
	p := &Policy{AnyPort: true}
	for raw, ok := range map[string]bool{
		"http://93.184.216.34:9000/bucket/k": true,
		"https://s3.example.com:9443/b/k":    true,
		"http://192.168.1.1:9000/b/k":        false,
		"http://127.0.0.1:9000/b/k":          false,
		"http://nas.local:9000/b/k":          false,
		"http://169.254.169.254/latest":      false,
	} {
		u, _ := url.Parse(raw)
		if err := p.CheckURL(u); (err == nil) != ok {
			t.Errorf("CheckURL(%s) = %v, want allowed %v", raw, err, ok)
		}
	}
}

func TestPolicyValidate(t *testing.T) {
	p := Policy{AllowList: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
	if err := p.Validate(true); !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "allow_list") {
		t.Errorf("Validate(production) with an allow-list = %v, want an error naming allow_list", err)
	}
	if err := p.Validate(false); err != nil {
		t.Errorf("Validate(development) = %v", err)
	}
	if err := (&Policy{Ports: []uint16{80, 0}}).Validate(true); err == nil || !strings.Contains(err.Error(), "ports[1]") {
		t.Errorf("Validate with port 0 = %v, want an error naming ports[1]", err)
	}
	cfg := DefaultConfig()
	cfg.Policy = p
	if _, err := New(cfg); err == nil {
		t.Error("New accepted an allow-list without Development")
	}
}

// TestDialRebinding: a name whose DNS answer turns from allowed to forbidden
// between two lookups. Each dial resolves once and connects to the address it
// checked; the second dial sees the forbidden answer and never connects.
func TestDialRebinding(t *testing.T) {
	good := newSite(t, allowedIP, nil)
	bad := newSite(t, forbiddenIP, nil)
	res := newFakeResolver()
	res.set("rebind.example.com", []netip.Addr{allowedIP}, []netip.Addr{forbiddenIP})
	res.set("mixed.example.com", []netip.Addr{allowedIP, forbiddenIP})
	d := &countingDialer{}
	p := &Policy{Resolver: res, Dialer: d, AllowList: []netip.Prefix{netip.PrefixFrom(allowedIP, 32)}}
	ctx := context.Background()

	conn, err := p.DialContext(ctx, "tcp", "rebind.example.com:"+good.port())
	if err != nil {
		t.Fatalf("first dial: %v", err)
	}
	if got := conn.RemoteAddr().String(); got != good.Listener.Addr().String() {
		t.Errorf("first dial reached %s, want the checked address %s", got, good.Listener.Addr())
	}
	conn.Close()
	if n := res.lookups("rebind.example.com"); n != 1 {
		t.Errorf("one dial made %d lookups, want 1 (a second lookup could be rebound)", n)
	}

	if _, err := p.DialContext(ctx, "tcp", "rebind.example.com:"+bad.port()); !errors.Is(err, ErrUnsafeAddress) {
		t.Errorf("second dial (rebound to %s) = %v, want unsafe_address", forbiddenIP, err)
	}
	if _, err := p.DialContext(ctx, "tcp", "mixed.example.com:"+bad.port()); !errors.Is(err, ErrUnsafeAddress) {
		t.Errorf("dial of a name with a forbidden answer among allowed ones = %v, want unsafe_address", err)
	}
	if _, err := p.DialContext(ctx, "udp", "rebind.example.com:53"); !errors.Is(err, ErrUnsafeAddress) {
		t.Errorf("udp dial = %v, want refused", err)
	}
	if n := d.n.Load(); n != 1 {
		t.Errorf("the dialer opened %d connections, want 1", n)
	}
	if n := bad.accepted.Load(); n != 0 {
		t.Errorf("the forbidden server accepted %d connections, want 0", n)
	}
}

// TestReasons: every refusal reason api knows has a sentinel here, and a
// refusal matches it with errors.Is.
func TestReasons(t *testing.T) {
	for _, r := range api.RefusalReasons() {
		s := reasonErrors[r]
		if s == nil {
			t.Errorf("reason %s has no sentinel error", r)
			continue
		}
		if err := error(refuse(r, "x")); !errors.Is(err, s) {
			t.Errorf("a %s refusal does not match %v", r, s)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig().Validate() = %v", err)
	}
	tests := []struct {
		field string
		set   func(*Config)
	}{
		{field: "user_agent", set: func(c *Config) { c.UserAgent = "" }},
		{field: "user_agent", set: func(c *Config) { c.UserAgent = "a\r\nX-Evil: 1" }},
		{field: "max_body_bytes", set: func(c *Config) { c.MaxBodyBytes = 0 }},
		{field: "max_page_bytes", set: func(c *Config) { c.MaxPageBytes = c.MaxBodyBytes - 1 }},
		{field: "fetch_timeout", set: func(c *Config) { c.FetchTimeout = 0 }},
		{field: "max_concurrent", set: func(c *Config) { c.MaxConcurrent = 0 }},
		{field: "per_domain_concurrency", set: func(c *Config) { c.PerDomainConcurrency = 0 }},
		{field: "per_domain_delay", set: func(c *Config) { c.PerDomainDelay = -1 }},
		{field: "max_retries", set: func(c *Config) { c.MaxRetries = 11 }},
		{field: "max_tabs", set: func(c *Config) { c.MaxTabs = 0 }},
		{field: "allow_list", set: func(c *Config) { c.Policy.AllowList = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")} }},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.set(&cfg)
			err := cfg.Validate()
			if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tt.field) {
				t.Errorf("Validate = %v, want an error naming %s", err, tt.field)
			}
		})
	}
}

func TestFindChromium(t *testing.T) {
	_, err := FindChromium("/nonexistent/chromium")
	if !errors.Is(err, ErrChromiumNotFound) || !strings.Contains(err.Error(), "apt-get install chromium") || !strings.Contains(err.Error(), "make deps") {
		t.Errorf("FindChromium(missing) = %v, want ErrChromiumNotFound saying how to install it", err)
	}
	t.Setenv("MEADOW_CHROMIUM", "/nonexistent/too")
	if p, err := FindChromium(""); err == nil && p == "/nonexistent/too" {
		t.Errorf("a missing $MEADOW_CHROMIUM was returned")
	}
}
