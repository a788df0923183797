package crawl

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
)

// testWorld is a public-looking site (www.site-a.com → 127.0.0.1), a "LAN"
// server (127.0.0.2, also behind lan.site-b.com), and a resolver that a
// rebinding attacker controls.
type testWorld struct {
	res     *fakeResolver
	dialer  *countingDialer
	good    *site
	bad     *site
	retries atomic.Int64
}

const (
	goodHost   = "www.site-a.com"
	badHost    = "lan.site-b.com"
	rebindHost = "rebind.site-c.com"
)

func newTestWorld(t testing.TB) *testWorld {
	t.Helper()
	w := &testWorld{res: newFakeResolver(), dialer: &countingDialer{}}
	w.bad = newSite(t, forbiddenIP, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		htmlPage(rw, "<html><body>the router's admin page</body></html>")
	}))
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(rw http.ResponseWriter, r *http.Request) {
		fmt.Fprint(rw, "User-agent: *\nDisallow: /private\n\nUser-agent: MeadowBot\nDisallow: /no-meadow\nDisallow: /private\n")
	})
	mux.HandleFunc("/same", func(rw http.ResponseWriter, r *http.Request) { htmlPage(rw, samePage) })
	mux.HandleFunc("/js-only", func(rw http.ResponseWriter, r *http.Request) { htmlPage(rw, jsOnlyPage) })
	mux.HandleFunc("/data.json", func(rw http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
		rw.Header().Set("Content-Type", "application/json")
		fmt.Fprint(rw, `{"late":"loaded after the load event"}`)
	})
	mux.HandleFunc("/text", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(rw, "plain text body\nsecond line")
	})
	mux.HandleFunc("/latin1", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html; charset=ISO-8859-1")
		rw.Write([]byte("<html><body><h1 class=t>caf\xe9</h1></body></html>"))
	})
	mux.HandleFunc("/gzip", func(rw http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			htmlPage(rw, "<html><body><h1 class=t>plain</h1></body></html>")
			return
		}
		rw.Header().Set("Content-Type", "text/html")
		rw.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(rw)
		fmt.Fprint(zw, "<html><body><h1 class=t>zipped</h1></body></html>")
		zw.Close()
	})
	mux.HandleFunc("/gzip-bomb", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html")
		rw.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(rw)
		zw.Write(bytes.Repeat([]byte("A"), 1<<20)) // 1 MiB of A: about 1 KiB on the wire
		zw.Close()
	})
	mux.HandleFunc("/big", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html")
		rw.Header().Set("Content-Length", fmt.Sprint(1<<20))
		rw.Write(bytes.Repeat([]byte("x"), 1<<20))
	})
	mux.HandleFunc("/big-chunked", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html")
		chunk := bytes.Repeat([]byte("<p>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</p>\n"), 256)
		for range 64 {
			if _, err := rw.Write(chunk); err != nil {
				return
			}
			rw.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/slow", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html")
		fmt.Fprint(rw, "<html><body>")
		for range 300 {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
			fmt.Fprint(rw, "<p>drip</p>")
			rw.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/redirect-lan", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, w.bad.url("", "/admin"), http.StatusFound)
	})
	mux.HandleFunc("/redirect-lan-name", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, w.bad.url(badHost, "/admin"), http.StatusFound)
	})
	mux.HandleFunc("/redirect-metadata", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	mux.HandleFunc("/redirect-file", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "file:///etc/passwd", http.StatusFound)
	})
	mux.HandleFunc("/redirect-good", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "/same", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/redirect-private", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "/private/x", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/private/", func(rw http.ResponseWriter, r *http.Request) { htmlPage(rw, "<p>private</p>") })
	mux.HandleFunc("/no-meadow", func(rw http.ResponseWriter, r *http.Request) { htmlPage(rw, "<p>not for meadow</p>") })
	mux.HandleFunc("/unavailable", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Retry-After", "0")
		http.Error(rw, "busy", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/busy-once", func(rw http.ResponseWriter, r *http.Request) {
		if w.retries.Add(1) == 1 {
			rw.Header().Set("Retry-After", "1")
			http.Error(rw, "slow down", http.StatusTooManyRequests)
			return
		}
		htmlPage(rw, "<html><body><h1 class=t>after retry</h1></body></html>")
	})
	mux.HandleFunc("/retry-later", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Retry-After", "3600")
		http.Error(rw, "come back in an hour", http.StatusTooManyRequests)
	})
	mux.HandleFunc("/gone", func(rw http.ResponseWriter, r *http.Request) { http.Error(rw, "not here", http.StatusNotFound) })
	mux.HandleFunc("/noindex", func(rw http.ResponseWriter, r *http.Request) {
		htmlPage(rw, `<html><head><meta name="robots" content="noindex"></head><body>x</body></html>`)
	})
	mux.HandleFunc("/noai-header", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("X-Robots-Tag", "noai")
		htmlPage(rw, `<html><body>x</body></html>`)
	})
	mux.HandleFunc("/subresources", func(rw http.ResponseWriter, r *http.Request) {
		htmlPage(rw, fmt.Sprintf(`<html><head><link rel="stylesheet" href="%[1]s"></head><body>
<h1 class="t">with LAN sub-resources</h1><img src="%[1]s"><img src="%[2]s"><iframe src="%[1]s"></iframe>
<script>
fetch(%[1]q).catch(function(){});
try { var ws = new WebSocket(%[3]q); } catch (e) {}
try { var wss = new WebSocket(%[4]q); } catch (e) {}
var pc; try { pc = new RTCPeerConnection({iceServers:[{urls:'stun:127.0.0.2:%[5]s'}]}); pc.createDataChannel('x'); pc.createOffer().then(function(o){ return pc.setLocalDescription(o); }); } catch (e) {}
</script></body></html>`,
			w.bad.url("", "/x.png"), w.bad.url(badHost, "/y.png"),
			"ws://"+forbiddenIP.String()+":"+w.bad.port()+"/ws", "wss://"+forbiddenIP.String()+":"+w.bad.port()+"/ws", w.bad.port()))
	})
	w.good = newSite(t, allowedIP, mux)
	w.res.set(goodHost, []netip.Addr{allowedIP})
	w.res.set(badHost, []netip.Addr{forbiddenIP})
	w.res.set(rebindHost, []netip.Addr{allowedIP}, []netip.Addr{forbiddenIP})
	return w
}

func (w *testWorld) config() Config { return testConfig(w.res, w.dialer) }

func (w *testWorld) url(path string) string { return w.good.url(goodHost, path) }

const jsOnlyPage = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>shell</title></head>
<body><div id="app"></div><div id="late"></div>
<script>
document.getElementById('app').innerHTML = '<h1 class="t">Built by JS</h1><p>dynamic text</p>';
document.title = 'built';
fetch('/data.json').then(function (r) { return r.json(); }).then(function (d) {
  document.getElementById('late').textContent = d.late;
});
</script></body></html>`

var headingSpec = api.CrawlSpec{Fields: []api.FieldRule{{Name: "heading", Selector: "h1.t"}}}

// refusalCase is one URL the crawler must refuse, for the static and the
// rendered path alike.
type refusalCase struct {
	name   string
	url    func(w *testWorld) string
	reason Reason
	// noDial: the crawler must not even try to connect (the policy refuses
	// before any dial). The forbidden server must never see a connection in
	// any case.
	noDial bool
}

func refusalCases() []refusalCase {
	lit := func(s string) func(*testWorld) string { return func(*testWorld) string { return s } }
	return []refusalCase{
		{name: "lan address", url: func(w *testWorld) string { return w.bad.url("", "/") }, reason: ReasonUnsafeAddress, noDial: true},
		{name: "lan name", url: func(w *testWorld) string { return w.bad.url(badHost, "/") }, reason: ReasonUnsafeAddress, noDial: true},
		{name: "lan address as decimal", url: func(w *testWorld) string { return "http://2130706434:" + w.bad.port() + "/" }, reason: ReasonUnsafeAddress, noDial: true},
		{name: "lan address as hex", url: func(w *testWorld) string { return "http://0x7f000002:" + w.bad.port() + "/" }, reason: ReasonUnsafeAddress, noDial: true},
		{name: "lan address mapped", url: func(w *testWorld) string { return "http://[::ffff:127.0.0.2]:" + w.bad.port() + "/" }, reason: ReasonUnsafeAddress, noDial: true},
		{name: "lan address https", url: func(w *testWorld) string { return "https://127.0.0.2:" + w.bad.port() + "/" }, reason: ReasonUnsafeAddress, noDial: true},
		{name: "private v4", url: lit("http://10.0.0.1/"), reason: ReasonUnsafeAddress, noDial: true},
		{name: "private v4 192.168", url: lit("http://192.168.1.1/"), reason: ReasonUnsafeAddress, noDial: true},
		{name: "cgnat", url: lit("http://100.64.0.1/"), reason: ReasonUnsafeAddress, noDial: true},
		{name: "metadata", url: lit("http://169.254.169.254/latest/meta-data/"), reason: ReasonUnsafeAddress, noDial: true},
		{name: "metadata v6", url: lit("http://[fd00:ec2::254]/"), reason: ReasonUnsafeAddress, noDial: true},
		{name: "loopback v6", url: lit("http://[::1]/"), reason: ReasonUnsafeAddress, noDial: true},
		{name: "link-local v6", url: lit("http://[fe80::1]/"), reason: ReasonUnsafeAddress, noDial: true},
		{name: "ula", url: lit("http://[fc00::1]/"), reason: ReasonUnsafeAddress, noDial: true},
		{name: "nat64 of private", url: lit("http://[64:ff9b::a00:1]/"), reason: ReasonUnsafeAddress, noDial: true},
		{name: "6to4 of private", url: lit("http://[2002:c0a8:101::1]/"), reason: ReasonUnsafeAddress, noDial: true},
		{name: "teredo", url: lit("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/"), reason: ReasonUnsafeAddress, noDial: true},
		{name: "multicast", url: lit("http://224.0.0.251/"), reason: ReasonUnsafeAddress, noDial: true},
		{name: "broadcast", url: lit("http://255.255.255.255/"), reason: ReasonUnsafeAddress, noDial: true},
		{name: "unspecified", url: lit("http://0.0.0.0/"), reason: ReasonUnsafeAddress, noDial: true},
		{name: "localhost", url: lit("http://localhost/"), reason: ReasonUnsafeAddress, noDial: true},
		{name: "mdns name", url: lit("http://printer.local/"), reason: ReasonUnsafeAddress, noDial: true},
		{name: "public address bad port", url: lit("http://93.184.216.34:25/"), reason: ReasonUnsafeAddress, noDial: true},
		{name: "file", url: lit("file:///etc/passwd"), reason: ReasonScheme, noDial: true},
		{name: "gopher", url: lit("gopher://www.site-a.com:70/"), reason: ReasonScheme, noDial: true},
		{name: "ftp", url: lit("ftp://www.site-a.com/"), reason: ReasonScheme, noDial: true},
		{name: "redirect to lan address", url: func(w *testWorld) string { return w.url("/redirect-lan") }, reason: ReasonUnsafeAddress},
		{name: "redirect to lan name", url: func(w *testWorld) string { return w.url("/redirect-lan-name") }, reason: ReasonUnsafeAddress},
		{name: "redirect to metadata", url: func(w *testWorld) string { return w.url("/redirect-metadata") }, reason: ReasonUnsafeAddress},
		{name: "redirect to file", url: func(w *testWorld) string { return w.url("/redirect-file") }, reason: ReasonScheme},
		{name: "redirect loop", url: func(w *testWorld) string { return w.url("/loop") }, reason: ReasonHTTPError},
		{name: "robots disallow", url: func(w *testWorld) string { return w.url("/private/page") }, reason: ReasonRobots},
		{name: "robots disallow for meadow", url: func(w *testWorld) string { return w.url("/no-meadow") }, reason: ReasonRobots},
		{name: "redirect into robots disallow", url: func(w *testWorld) string { return w.url("/redirect-private") }, reason: ReasonRobots},
		{name: "meta noindex", url: func(w *testWorld) string { return w.url("/noindex") }, reason: ReasonRobots},
		{name: "x-robots-tag noai", url: func(w *testWorld) string { return w.url("/noai-header") }, reason: ReasonRobots},
		{name: "too large", url: func(w *testWorld) string { return w.url("/big") }, reason: ReasonTooLarge},
		{name: "too large chunked", url: func(w *testWorld) string { return w.url("/big-chunked") }, reason: ReasonTooLarge},
		{name: "trickle", url: func(w *testWorld) string { return w.url("/slow") }, reason: ReasonTimeout},
		{name: "503 until retries run out", url: func(w *testWorld) string { return w.url("/unavailable") }, reason: ReasonHTTPError},
		{name: "retry-after too long", url: func(w *testWorld) string { return w.url("/retry-later") }, reason: ReasonHTTPError},
		{name: "unknown name", url: lit("http://nowhere.site-z.com/"), reason: ReasonHTTPError, noDial: true},
	}
}

// runRefusals fetches every case with c and checks the refusal, the dials
// and the forbidden server's connections.
func runRefusals(t *testing.T, w *testWorld, c *Crawler, spec api.CrawlSpec, skip map[string]bool) {
	for _, tc := range refusalCases() {
		if skip[tc.name] {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			dials := w.dialer.n.Load()
			r := fetchOne(t, c, tc.url(w), spec)
			if r.Refusal == nil || r.Refusal.Reason != tc.reason {
				t.Errorf("got %s; want refused %s", describe(r), tc.reason)
			}
			if r.Page != nil && r.Refusal != nil {
				t.Errorf("a refused result has a page")
			}
			if tc.noDial {
				if n := w.dialer.n.Load() - dials; n != 0 {
					t.Errorf("%d connections attempted, want none", n)
				}
			}
			if n := w.bad.accepted.Load(); n != 0 {
				t.Fatalf("the forbidden server accepted %d connections", n)
			}
		})
	}
}

func TestStaticRefusals(t *testing.T) {
	w := newTestWorld(t)
	cfg := w.config()
	cfg.FetchTimeout = time.Second
	c := newTestCrawler(t, cfg)
	runRefusals(t, w, c, headingSpec, nil)
	if hits := w.good.hitTimes("/private/page"); len(hits) != 0 {
		t.Errorf("a robots-disallowed path was requested %d times", len(hits))
	}
	if n := len(w.good.hitTimes("/unavailable")); n != cfg.MaxRetries+1 {
		t.Errorf("/unavailable was requested %d times, want %d (1 + MaxRetries)", n, cfg.MaxRetries+1)
	}
}

func TestStaticFetch(t *testing.T) {
	w := newTestWorld(t)
	c := newTestCrawler(t, w.config())
	tests := []struct {
		path, final, heading, ctype string
		status                      int64
		text                        string
	}{
		{path: "/same", final: "/same", heading: "Hello,  world", ctype: "text/html", status: 200},
		{path: "/redirect-good", final: "/same", heading: "Hello,  world", ctype: "text/html", status: 200},
		{path: "/latin1", final: "/latin1", heading: "café", ctype: "text/html", status: 200},
		{path: "/gzip", final: "/gzip", heading: "zipped", ctype: "text/html", status: 200},
		{path: "/busy-once", final: "/busy-once", heading: "after retry", ctype: "text/html", status: 200},
		{path: "/gone", final: "/gone", ctype: "text/plain", status: 404, text: "not here\n"},
		{path: "/text", final: "/text", ctype: "text/plain", status: 200, text: "plain text body\nsecond line"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := fetchOne(t, c, w.url(tt.path), headingSpec)
			if r.Page == nil {
				t.Fatalf("got %s", describe(r))
			}
			p := r.Page
			if p.URL != w.url(tt.path) || p.FinalURL != w.url(tt.final) || p.Status != tt.status || p.ContentType != tt.ctype {
				t.Errorf("page = %s %s %d %s; want %s %s %d %s", p.URL, p.FinalURL, p.Status, p.ContentType, w.url(tt.path), w.url(tt.final), tt.status, tt.ctype)
			}
			if got := deref(p.Fields["heading"]); (tt.heading == "" && got != nil) || (tt.heading != "" && got != tt.heading) {
				t.Errorf("heading = %v, want %q", got, tt.heading)
			}
			if tt.text != "" && p.Text != tt.text {
				t.Errorf("text = %q, want %q", p.Text, tt.text)
			}
			if r.Bytes <= 0 {
				t.Errorf("Bytes = %d, want > 0", r.Bytes)
			}
		})
	}
	if w.bad.accepted.Load() != 0 {
		t.Error("the forbidden server was reached")
	}
}

func TestStaticLinksAndOrder(t *testing.T) {
	w := newTestWorld(t)
	c := newTestCrawler(t, w.config())
	urls := []string{w.url("/same"), "http://10.0.0.1/", w.url("/text"), w.url("/private/a")}
	spec := api.CrawlSpec{Seeds: []string{w.url("/same")}}
	res, err := c.Fetch(context.Background(), urls, spec)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.URL != urls[i] {
			t.Errorf("result %d is for %s, want %s", i, r.URL, urls[i])
		}
	}
	if res[0].Page == nil || res[1].Refusal == nil || res[2].Page == nil || res[3].Refusal == nil {
		t.Fatalf("results: %s | %s | %s | %s", describe(res[0]), describe(res[1]), describe(res[2]), describe(res[3]))
	}
	want := []string{w.url("/docs/page2.html")} // elsewhere.example.org is outside the seeds' host
	if strings.Join(res[0].Links, " ") != strings.Join(want, " ") {
		t.Errorf("links = %q, want %q", res[0].Links, want)
	}
	// robots.txt is fetched once and charged to the first URL that needed it.
	if n := len(w.good.hitTimes("/robots.txt")); n != 1 {
		t.Errorf("robots.txt fetched %d times, want 1", n)
	}
	if st := c.Stats(); st.BytesIn <= 0 || st.BytesOut <= 0 {
		t.Errorf("Stats = %+v", st)
	}
}

// TestCrawlDelay: robots.txt asks for a Crawl-delay; the crawler spaces the
// requests to that host by at least that much, even with more concurrency
// allowed, and reports the delay.
func TestCrawlDelay(t *testing.T) {
	const delay = 300 * time.Millisecond
	res := newFakeResolver()
	s := newSite(t, allowedIP, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(rw, "User-agent: *\nCrawl-delay: 0.3\nDisallow: /nope\n")
			return
		}
		htmlPage(rw, "<html><body><h1 class=t>page</h1></body></html>")
	}))
	res.set("slow.site-d.com", []netip.Addr{allowedIP})
	cfg := testConfig(res, nil)
	cfg.PerDomainConcurrency = 4
	c := newTestCrawler(t, cfg)
	var urls []string
	for i := range 5 {
		urls = append(urls, s.url("slow.site-d.com", fmt.Sprintf("/p%d", i)))
	}
	out, err := c.Fetch(context.Background(), urls, headingSpec)
	if err != nil {
		t.Fatal(err)
	}
	var starts []time.Time
	for i, r := range out {
		if r.Page == nil {
			t.Fatalf("%s: %s", urls[i], describe(r))
		}
		if r.CrawlDelay != delay {
			t.Errorf("CrawlDelay = %s, want %s", r.CrawlDelay, delay)
		}
		starts = append(starts, s.hitTimes(fmt.Sprintf("/p%d", i))...)
	}
	// robots.txt comes first, before the delay is known; the pages after it
	// must keep the delay between them.
	sortTimes(starts)
	// The crawler spaces the request starts; the server sees each one a
	// little later, by a latency that jitters on a loaded machine. So the
	// whole run must span the delays in full, and each gap most of one.
	if span, want := starts[len(starts)-1].Sub(starts[0]), time.Duration(len(starts)-1)*delay; span < want-20*time.Millisecond {
		t.Errorf("%d requests spanned %s, want at least %s", len(starts), span, want)
	}
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < delay*7/10 {
			t.Errorf("requests %d and %d were %s apart, want about %s", i-1, i, gap, delay)
		}
	}

	// A Crawl-delay longer than the node accepts refuses the host.
	cfg.MaxCrawlDelay = 100 * time.Millisecond
	c2 := newTestCrawler(t, cfg)
	r := fetchOne(t, c2, urls[0], headingSpec)
	if r.Refusal == nil || r.Refusal.Reason != ReasonRobots || !strings.Contains(r.Refusal.Detail, "Crawl-delay") {
		t.Errorf("with MaxCrawlDelay below the site's: %s", describe(r))
	}
}

func sortTimes(ts []time.Time) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].Before(ts[j-1]); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

type testBudget struct {
	left  atomic.Int64
	spent atomic.Int64
}

func (b *testBudget) Allow() bool   { return b.left.Load() > 0 }
func (b *testBudget) Spend(n int64) { b.left.Add(-n); b.spent.Add(n) }

func TestBudget(t *testing.T) {
	w := newTestWorld(t)
	cfg := w.config()
	b := &testBudget{}
	b.left.Store(1)
	cfg.Budget = b
	cfg.MaxConcurrent = 1
	c := newTestCrawler(t, cfg)
	res, err := c.Fetch(context.Background(), []string{w.url("/same"), w.url("/text")}, headingSpec)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Page == nil || res[1].Refusal == nil || res[1].Refusal.Reason != ReasonCapReached {
		t.Errorf("results: %s | %s", describe(res[0]), describe(res[1]))
	}
	if b.spent.Load() != res[0].Bytes || res[0].Bytes == 0 {
		t.Errorf("spent %d, want the first result's %d bytes", b.spent.Load(), res[0].Bytes)
	}
}

func TestFetchErrors(t *testing.T) {
	w := newTestWorld(t)
	cfg := w.config()
	cfg.RenderJS = false
	c := newTestCrawler(t, cfg)
	if _, err := c.Fetch(context.Background(), []string{w.url("/same")}, api.CrawlSpec{RenderJS: true}); err != ErrRenderDisabled {
		t.Errorf("render_js on a crawler without it: %v", err)
	}
	if _, err := c.Fetch(context.Background(), []string{w.url("/same")}, api.CrawlSpec{TextSelector: "["}); err == nil {
		t.Error("an invalid selector was accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := c.Fetch(ctx, []string{w.url("/same"), w.url("/text")}, headingSpec)
	if err != context.Canceled || len(res) != 2 || res[0].Refusal == nil || res[0].Refusal.Reason != ReasonTimeout {
		t.Errorf("cancelled task: err %v, %d results", err, len(res))
	}
	c.Close()
	if _, err := c.Fetch(context.Background(), []string{w.url("/same")}, headingSpec); err != ErrClosed {
		t.Errorf("Fetch after Close: %v", err)
	}
}

// TestStaticRebinding: the name answers the allowed address first (robots.txt
// and the first page use that connection), then a forbidden one: the next new
// connection is refused, although the URL's host has not changed.
func TestStaticRebinding(t *testing.T) {
	w := newTestWorld(t)
	c := newTestCrawler(t, w.config())
	first := fetchOne(t, c, w.good.url(rebindHost, "/same"), headingSpec)
	if first.Page == nil {
		t.Fatalf("first fetch: %s", describe(first))
	}
	c.tr.CloseIdleConnections() // the next fetch must dial, and so resolve, again
	dials := w.dialer.n.Load()
	second := fetchOne(t, c, w.good.url(rebindHost, "/text"), headingSpec)
	if second.Refusal == nil || second.Refusal.Reason != ReasonUnsafeAddress {
		t.Errorf("after rebinding: %s; want unsafe_address", describe(second))
	}
	if n := w.dialer.n.Load() - dials; n != 0 {
		t.Errorf("%d connections attempted after rebinding, want none", n)
	}
	if n := w.res.lookups(rebindHost); n != 2 {
		t.Errorf("%d lookups, want 2 (one per new connection)", n)
	}
}
