package crawl

import (
	"net/netip"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/api"
)

// FuzzExtract: any bytes extract without panicking, and twice to the same
// result (replicas must agree).
func FuzzExtract(f *testing.F) {
	f.Add([]byte(samePage))
	f.Add([]byte(jsOnlyPage))
	f.Add([]byte("<table><td>a<td>b</table><p>unclosed<div>x"))
	f.Add([]byte("<base href='javascript:x'><a href='//h/x'>l</a><template><a href=/t></a></template>"))
	f.Add([]byte("\x00\xff<meta name=robots content='none'><h1 class=t>\xe9</h1>"))
	rules, err := CompileRules(api.CrawlSpec{
		Fields: []api.FieldRule{
			{Name: "h", Selector: "h1.t, h2"},
			{Name: "href", Selector: "a", Attr: "href"},
			{Name: "src", Selector: "img", Attr: "src"},
			{Name: "nth", Selector: "li:nth-child(2n+1) > span"},
		},
		TextSelector: "body",
		Exclude:      []string{".ad", "nav"},
	})
	if err != nil {
		f.Fatal(err)
	}
	base, _ := url.Parse("https://example.com/dir/page.html")
	f.Fuzz(func(t *testing.T, doc []byte) {
		a, err := rules.extract(doc, base, true)
		if err != nil {
			return
		}
		b, err := rules.extract(doc, base, true)
		if err != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("two extractions differ: %+v vs %+v (%v)", a, b, err)
		}
		for _, l := range a.links {
			if !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") || strings.Contains(l, "#") {
				t.Errorf("link %q is not an absolute http(s) URL without fragment", l)
			}
		}
	})
}

// FuzzParseRobots: any robots.txt parses, answers the same twice, and never
// forbids /robots.txt itself.
func FuzzParseRobots(f *testing.F) {
	f.Add([]byte("User-agent: *\nDisallow: /private\nAllow: /private/open\nCrawl-delay: 2\n"), "/private/x?y=1")
	f.Add([]byte("User-agent: MeadowBot\nDisallow: /*.pdf$\n"), "/a.pdf")
	f.Add([]byte("user-agent:meadowbot\r\ndisallow:/%7e*\r\n"), "/~x")
	f.Add([]byte("User-agent: *\nDisallow: /****************************x$\n"), strings.Repeat("/a", 100))
	f.Add([]byte("\xef\xbb\xbfUser-agent: *\nCrawl-delay: 1e400\nDisallow: /\n"), "/")
	f.Fuzz(func(t *testing.T, body []byte, path string) {
		r := ParseRobots(body, RobotsToken)
		a := r.Allowed(path)
		if r2 := ParseRobots(body, RobotsToken); r2.Allowed(path) != a || r2.CrawlDelay != r.CrawlDelay {
			t.Fatal("two parses differ")
		}
		if !r.Allowed("/robots.txt") {
			t.Error("/robots.txt disallowed")
		}
		if r.CrawlDelay < 0 || r.CrawlDelay > maxCrawlDelayParsed {
			t.Errorf("CrawlDelay %s out of range", r.CrawlDelay)
		}
	})
}

// FuzzCheckURL: whatever a URL looks like, a host the policy lets through
// as an IP literal is public, and the policy never panics.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"http://example.com/", "http://0x7f.1/", "http://[::ffff:10.0.0.1]/", "http://[64:ff9b::a00:1]:8080/",
		"https://1.2.3.4:443/", "http://2130706433/", "http://[fe80::1%25eth0]/", "HTTP://93.184.216.34./"} {
		f.Add(s)
	}
	p := &Policy{}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		if p.CheckURL(u) != nil {
			return
		}
		if a, literal, _ := p.literal(u.Hostname()); literal && NonPublic(a) != "" {
			t.Errorf("%q allowed, but %s is %s", raw, a, NonPublic(a))
		}
	})
}

// FuzzParseLooseIPv4 checks the numeric host parser against netip on the
// dotted-decimal forms both accept.
func FuzzParseLooseIPv4(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "0x7f.1", "2130706433", "1.2.3", "00.0x0.0", "255.255.255.255", "1.2.3.4."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := parseLooseIPv4(s)
		if want, err := netip.ParseAddr(s); err == nil && want.Is4() {
			if !ok || a != want {
				t.Errorf("parseLooseIPv4(%q) = %s, %v; netip says %s", s, a, ok, want)
			}
		}
	})
}
