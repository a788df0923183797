package crawl

import (
	"testing"
	"time"
)

func TestParseRobots(t *testing.T) {
	const body = "# comment\r\n" +
		"Disallow: /before-any-group\n" +
		"User-agent: Googlebot\n" +
		"Disallow: /\n" +
		"\n" +
		"User-agent: meadowbot/2.0\n" +
		"User-agent: OtherBot\n" +
		"Disallow: /private\n" +
		"Allow: /private/open\n" +
		"Disallow: /*.pdf$\n" +
		"Disallow: /search*q=\n" +
		"Allow: /tie\n" +
		"Disallow: /tie\n" +
		"Crawl-delay: 2.5\n" +
		"Sitemap: https://example.com/sitemap.xml\n" +
		"User-agent: *\n" +
		"Disallow: /star-only\n" +
		"User-agent: MEADOWBOT\n" +
		"Disallow: /merged # second group for us\n" +
		"Disallow: /%7Euser\n" +
		"Disallow: /caf%c3%a9\n"
	r := ParseRobots([]byte(body), RobotsToken)
	tests := []struct {
		path  string
		allow bool
	}{
		{path: "/", allow: true},
		{path: "/before-any-group", allow: true},
		{path: "/star-only", allow: true}, // our own group applies, not *
		{path: "/private", allow: false},
		{path: "/private/x", allow: false},
		{path: "/private/open", allow: true},
		{path: "/private/open/deeper", allow: true},
		{path: "/doc.pdf", allow: false},
		{path: "/doc.pdf?x=1", allow: true}, // $ anchors the end
		{path: "/search?q=meadow", allow: false},
		{path: "/search/x?a=1&q=2", allow: false},
		{path: "/searchx", allow: true},
		{path: "/tie", allow: true}, // equal length: allow wins
		{path: "/merged/page", allow: false},
		{path: "/~user/home", allow: false}, // %7E is ~
		{path: "/café", allow: false},       // raw UTF-8 matches the escaped rule
		{path: "/caf%C3%A9", allow: false},
		{path: "/robots.txt", allow: true},
	}
	for _, tt := range tests {
		if got := r.Allowed(tt.path); got != tt.allow {
			t.Errorf("Allowed(%q) = %v, want %v", tt.path, got, tt.allow)
		}
	}
	if r.CrawlDelay != 2500*time.Millisecond {
		t.Errorf("CrawlDelay = %s, want 2.5s", r.CrawlDelay)
	}

	star := ParseRobots([]byte(body), "SomeoneElse")
	if star.Allowed("/star-only") || !star.Allowed("/private") {
		t.Errorf("an agent without its own group must get the * group")
	}
	if google := ParseRobots([]byte(body), "Googlebot"); google.Allowed("/anything") {
		t.Errorf("Googlebot's Disallow: / must apply to Googlebot")
	}
}

func TestParseRobotsEdgeCases(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		path  string
		allow bool
		delay time.Duration
	}{
		{name: "empty", body: "", path: "/x", allow: true},
		{name: "empty disallow allows", body: "User-agent: *\nDisallow:\n", path: "/x", allow: true},
		{name: "disallow all", body: "User-agent: *\nDisallow: /\n", path: "/x", allow: false},
		{name: "no newline at end", body: "User-agent: *\nDisallow: /x", path: "/x", allow: false},
		{name: "bom", body: "\ufeffUser-agent: *\nDisallow: /x\n", path: "/x", allow: false},
		{name: "case of keys", body: "USER-AGENT: *\nDISALLOW: /x\n", path: "/x", allow: false},
		{name: "paths are case-sensitive", body: "User-agent: *\nDisallow: /X\n", path: "/x", allow: true},
		{name: "wildcard middle", body: "User-agent: *\nDisallow: /a*/b*/c\n", path: "/a1/b2/c3", allow: false},
		{name: "wildcard anchored", body: "User-agent: *\nDisallow: /*x$\n", path: "/axbx", allow: false},
		{name: "wildcard anchored miss", body: "User-agent: *\nDisallow: /*x$\n", path: "/axb", allow: true},
		{name: "bad crawl-delay ignored", body: "User-agent: *\nCrawl-delay: soon\n", path: "/", allow: true},
		{name: "negative crawl-delay ignored", body: "User-agent: *\nCrawl-delay: -3\n", path: "/", allow: true},
		{name: "huge crawl-delay capped", body: "User-agent: *\nCrawl-delay: 1e300\n", path: "/", allow: true, delay: 24 * time.Hour},
		{name: "crawl-delay", body: "User-agent: *\nCrawl-delay: 1\n", path: "/", allow: true, delay: time.Second},
		{name: "rule after sitemap stays in group", body: "User-agent: *\nSitemap: /s\nDisallow: /x\n", path: "/x", allow: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ParseRobots([]byte(tt.body), RobotsToken)
			if got := r.Allowed(tt.path); got != tt.allow {
				t.Errorf("Allowed(%q) = %v, want %v", tt.path, got, tt.allow)
			}
			if r.CrawlDelay != tt.delay {
				t.Errorf("CrawlDelay = %s, want %s", r.CrawlDelay, tt.delay)
			}
		})
	}
}
