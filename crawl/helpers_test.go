package crawl

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
)

// Loopback addresses of the tests: allowed is allow-listed (it stands for
// "a public site"), forbidden is not (it stands for "the LAN").
var (
	allowedIP   = netip.MustParseAddr("127.0.0.1")
	forbiddenIP = netip.MustParseAddr("127.0.0.2")
)

// fakeResolver answers from a table. A name with several answers gives them
// in turn, one per lookup, the last one repeating: a rebinding attacker's
// DNS server.
type fakeResolver struct {
	mu      sync.Mutex
	answers map[string][][]netip.Addr
	calls   map[string]int
}

func newFakeResolver() *fakeResolver {
	return &fakeResolver{answers: make(map[string][][]netip.Addr), calls: make(map[string]int)}
}

func (r *fakeResolver) set(name string, answers ...[]netip.Addr) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answers[name] = answers
}

func (r *fakeResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.calls[host]
	r.calls[host]++
	a := r.answers[host]
	if len(a) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return a[min(n, len(a)-1)], nil
}

func (r *fakeResolver) lookups(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[name]
}

// countingDialer counts the connections the policy actually attempts.
type countingDialer struct {
	n     atomic.Int64
	inner net.Dialer
}

func (d *countingDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	d.n.Add(1)
	return d.inner.DialContext(ctx, network, address)
}

// site is an httptest server on a chosen loopback address that counts the
// connections it accepts and the requests it serves per path.
type site struct {
	*httptest.Server
	ip       netip.Addr
	accepted atomic.Int64
	mu       sync.Mutex
	hits     map[string][]time.Time
}

type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

func newSite(t testing.TB, ip netip.Addr, h http.Handler) *site {
	t.Helper()
	s := &site{ip: ip, hits: make(map[string][]time.Time)}
	ln, err := net.Listen("tcp", netip.AddrPortFrom(ip, 0).String())
	if err != nil {
		t.Fatalf("listen on %s: %v", ip, err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path] = append(s.hits[r.URL.Path], time.Now())
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	srv.Listener.Close()
	srv.Listener = &countingListener{Listener: ln, n: &s.accepted}
	srv.Start()
	t.Cleanup(srv.Close)
	s.Server = srv
	return s
}

func (s *site) port() string {
	_, p, _ := net.SplitHostPort(s.Listener.Addr().String())
	return p
}

// url returns http://host:port+path for a host name the fake resolver maps
// to this site (or the site's address when host is "").
func (s *site) url(host, path string) string {
	if host == "" {
		host = s.ip.String()
	}
	return "http://" + net.JoinHostPort(host, s.port()) + path
}

func (s *site) hitTimes(path string) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.hits[path]...)
}

// testConfig is a development config: loopback 127.0.0.1 allow-listed,
// names resolved by res, no politeness delay, short timeouts.
func testConfig(res Resolver, d ContextDialer) Config {
	cfg := DefaultConfig()
	cfg.Development = true
	cfg.Policy = Policy{
		Resolver:  res,
		Dialer:    d,
		AllowList: []netip.Prefix{netip.PrefixFrom(allowedIP, 32)},
	}
	cfg.PerDomainDelay = 0
	cfg.PerDomainConcurrency = 4
	cfg.FetchTimeout = 3 * time.Second
	cfg.MaxBodyBytes = 64 << 10
	cfg.MaxPageBytes = 256 << 10
	cfg.MaxRetryAfter = 2 * time.Second
	cfg.RenderIdle = 2 * time.Second
	return cfg
}

func newTestCrawler(t testing.TB, cfg Config) *Crawler {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

// requireChromium fails (never skips) a test that needs Chromium on a
// machine without it, saying how to install it.
func requireChromium(t testing.TB) {
	t.Helper()
	if _, err := FindChromium(""); err != nil {
		t.Fatalf("%v\nthis test needs Chromium: run `make deps`, or `apt-get install -y chromium`", err)
	}
}

func fetchOne(t testing.TB, c *Crawler, u string, spec api.CrawlSpec) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := c.Fetch(ctx, []string{u}, spec)
	if err != nil {
		t.Fatalf("Fetch(%s): %v", u, err)
	}
	if len(res) != 1 {
		t.Fatalf("Fetch(%s): %d results", u, len(res))
	}
	return res[0]
}

func describe(r Result) string {
	if r.Refusal != nil {
		return fmt.Sprintf("refused %s: %s", r.Refusal.Reason, r.Refusal.Detail)
	}
	if r.Page == nil {
		return "no page and no refusal"
	}
	return fmt.Sprintf("page status %d final %s text %q", r.Page.Status, r.Page.FinalURL, trunc(r.Page.Text, 80))
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func htmlPage(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, body)
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
