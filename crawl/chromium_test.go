package crawl

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// rendered returns spec with rendering on.
func rendered(spec api.CrawlSpec) api.CrawlSpec {
	spec.RenderJS = true
	return spec
}

// TestRenderedMatchesStatic: a page whose HTML is the same with or without
// JavaScript gives the same row through colly and through Chromium; a page
// that builds its content in script gives it only through Chromium, including
// what it loads after the load event.
func TestRenderedMatchesStatic(t *testing.T) {
	requireChromium(t)
	w := newTestWorld(t)
	// An https site too, so that Chromium's CONNECT tunnels carry a page.
	secure := httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(rw, r)
			return
		}
		htmlPage(rw, samePage)
	}))
	secure.StartTLS()
	t.Cleanup(secure.Close)
	w.res.set("secure.site-f.com", []netip.Addr{allowedIP})
	cfg := w.config()
	roots := x509.NewCertPool()
	roots.AddCert(secure.Certificate())
	cfg.tlsConfig = &tls.Config{RootCAs: roots, ServerName: "example.com"} // a name httptest's certificate holds
	cfg.insecureChromium = true
	c := newTestCrawler(t, cfg)
	_, securePort, _ := net.SplitHostPort(secure.Listener.Addr().String())

	names := make([]string, len(sameSpec.Fields))
	for i, f := range sameSpec.Fields {
		names[i] = f.Name
	}
	schema, err := dataset.CrawlSchema(names)
	if err != nil {
		t.Fatal(err)
	}
	prov := dataset.Provenance{Node: "0x0000000000000000000000000000000000000001", FetchedAt: 1}
	paths := []string{"/same", "/redirect-good", "/latin1", "/gzip", "/text", "/gone"}
	urls := make([]string, len(paths))
	for i, p := range paths {
		urls[i] = w.url(p)
	}
	paths = append(paths, "https /same")
	urls = append(urls, "https://secure.site-f.com:"+securePort+"/same")
	ctx := context.Background()
	static, err := c.Fetch(ctx, urls, sameSpec)
	if err != nil {
		t.Fatal(err)
	}
	js, err := c.Fetch(ctx, urls, rendered(sameSpec))
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range paths {
		s, r := static[i], js[i]
		if s.Page == nil || r.Page == nil {
			t.Errorf("%s: static %s; rendered %s", p, describe(s), describe(r))
			continue
		}
		if s.Rendered || !r.Rendered {
			t.Errorf("%s: Rendered = %v, %v", p, s.Rendered, r.Rendered)
		}
		srow := dataset.CrawlRow(schema, *s.Page, prov)
		rrow := dataset.CrawlRow(schema, *r.Page, prov)
		if !reflect.DeepEqual(srow, rrow) {
			t.Errorf("%s: rows differ\nstatic:   %#v\nrendered: %#v", p, srow, rrow)
		}
		if strings.Join(s.Links, " ") != strings.Join(r.Links, " ") {
			t.Errorf("%s: links differ: %q vs %q", p, s.Links, r.Links)
		}
		if r.Bytes <= 0 {
			t.Errorf("%s: rendered bytes %d", p, r.Bytes)
		}
	}

	s := fetchOne(t, c, w.url("/js-only"), headingSpec)
	r := fetchOne(t, c, w.url("/js-only"), rendered(headingSpec))
	if s.Page == nil || r.Page == nil {
		t.Fatalf("js-only: static %s; rendered %s", describe(s), describe(r))
	}
	if s.Page.Fields["heading"] != nil {
		t.Errorf("static js-only heading = %q, want null", *s.Page.Fields["heading"])
	}
	if got := deref(r.Page.Fields["heading"]); got != "Built by JS" {
		t.Errorf("rendered js-only heading = %v, want %q", got, "Built by JS")
	}
	for _, want := range []string{"dynamic text", "loaded after the load event"} {
		if !strings.Contains(r.Page.Text, want) {
			t.Errorf("rendered js-only text %q lacks %q", collapse(r.Page.Text), want)
		}
	}
	if mem := c.BrowserMemory(); mem <= 0 {
		t.Errorf("BrowserMemory = %d", mem)
	}
	// Only pages reach the network: Chromium's own services (sign-in,
	// component updates, …) never got as far as a DNS lookup.
	w.res.mu.Lock()
	for name := range w.res.calls {
		if name != goodHost && name != "secure.site-f.com" {
			t.Errorf("something looked up %q", name)
		}
	}
	w.res.mu.Unlock()
	if w.bad.accepted.Load() != 0 {
		t.Error("the forbidden server was reached")
	}
}

// TestRenderedRefusals runs the static path's refusal table through Chromium.
func TestRenderedRefusals(t *testing.T) {
	requireChromium(t)
	w := newTestWorld(t)
	cfg := w.config()
	cfg.FetchTimeout = 2 * time.Second
	c := newTestCrawler(t, cfg)
	runRefusals(t, w, c, rendered(headingSpec), nil)
	for _, p := range []string{"/private/page", "/private/x", "/no-meadow"} {
		if hits := w.good.hitTimes(p); len(hits) != 0 {
			t.Errorf("Chromium requested the robots-disallowed %s %d times", p, len(hits))
		}
	}
}

// TestRenderedSubresources: a page that reaches for the LAN in every way a
// page can (images, styles, iframes, fetch, WebSockets, WebRTC) still renders,
// and none of it arrives.
func TestRenderedSubresources(t *testing.T) {
	requireChromium(t)
	w := newTestWorld(t)
	c := newTestCrawler(t, w.config())
	r := fetchOne(t, c, w.url("/subresources"), rendered(headingSpec))
	if r.Page == nil || deref(r.Page.Fields["heading"]) != "with LAN sub-resources" {
		t.Fatalf("got %s", describe(r))
	}
	if n := w.bad.accepted.Load(); n != 0 {
		t.Errorf("the forbidden server accepted %d connections", n)
	}
	for _, a := range []string{"127.0.0.2:" + w.bad.port(), badHost + ":" + w.bad.port()} {
		if c.browser.proxy.Refused(a) == nil {
			t.Errorf("the proxy has no refusal for %s", a)
		}
	}
}

// TestChromiumThroughProxy drives a tab directly, around the crawler's own
// checks, so that only the proxy stands between Chromium and the LAN: every
// forbidden target is refused by the proxy and never reached, while a
// public-looking name that the test resolver maps to the allow-listed
// server loads.
func TestChromiumThroughProxy(t *testing.T) {
	requireChromium(t)
	w := newTestWorld(t)
	c := newTestCrawler(t, w.config())
	b, err := c.startBrowser()
	if err != nil {
		t.Fatal(err)
	}
	navigate := func(t *testing.T, u string) (status int64, err error) {
		ctx, cancel := context.WithTimeout(b.bctx, 10*time.Second)
		defer cancel()
		tctx, tcancel := b.newTab(ctx)
		defer tcancel()
		resp, err := chromedp.Run(tctx, chromedp.NavigateResponse(u))
		if err != nil {
			return 0, err
		}
		if reason, ok := b.proxy.refusalFrom(headerMap(resp.Headers)); ok {
			return resp.Status, refuse(reason, "marked by the proxy")
		}
		return resp.Status, nil
	}
	t.Run("allowed name", func(t *testing.T) {
		status, err := navigate(t, w.url("/same"))
		if err != nil || status != 200 {
			t.Errorf("navigate = %d, %v", status, err)
		}
	})
	for _, tc := range []struct {
		name, url string
	}{
		{name: "lan address", url: w.bad.url("", "/")},
		{name: "lan name", url: w.bad.url(badHost, "/")},
		{name: "lan address https", url: "https://127.0.0.2:" + w.bad.port() + "/"},
		{name: "lan name https", url: "https://" + badHost + ":" + w.bad.port() + "/"},
		{name: "localhost", url: "http://localhost:" + w.bad.port() + "/"},
		{name: "loopback v6", url: "http://[::1]:" + w.bad.port() + "/"},
		{name: "metadata", url: "http://169.254.169.254/latest/meta-data/"},
		{name: "private", url: "http://192.168.1.1/"},
		{name: "redirect to lan", url: w.url("/redirect-lan")},
		{name: "redirect to lan name", url: w.url("/redirect-lan-name")},
		{name: "the proxy itself", url: b.proxy.URL() + "/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, err := navigate(t, tc.url)
			if err == nil {
				t.Errorf("navigate = %d, want a refusal", status)
			}
			if n := w.bad.accepted.Load(); n != 0 {
				t.Fatalf("the forbidden server accepted %d connections", n)
			}
		})
	}
}

// TestChromiumRestart: a crawler whose Chromium died starts a new one.
func TestChromiumRestart(t *testing.T) {
	requireChromium(t)
	w := newTestWorld(t)
	c := newTestCrawler(t, w.config())
	b, err := c.startBrowser()
	if err != nil {
		t.Fatal(err)
	}
	pid := b.pid()
	b.close()
	r := fetchOne(t, c, w.url("/same"), rendered(headingSpec))
	if r.Page == nil {
		t.Fatalf("after Chromium exited: %s", describe(r))
	}
	if c.browser.pid() == pid {
		t.Error("no new Chromium")
	}
}
