package crawl

import (
	"errors"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/api"
)

const samePage = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Same either way</title><base href="/docs/">
<meta name="description" content="A page for the tests">
<style>p { color: red }</style></head>
<body>
<h1 class="t">Hello,  <em>world</em></h1>
<a id="next" href="page2.html#part">next</a> <a href="https://elsewhere.example.org/x">out</a>
<a rel="nofollow" href="/hidden">hidden</a> <a href="mailto:x@example.com">mail</a>
<div class="ad">AD shown at 12:00:01</div>
<p>Text with <b>bold</b> &amp; an entity&nbsp;and ü, <img src="../img/a.png" alt="A"></p>
<script>var clock = Date.now();</script><noscript>enable JS</noscript><template><p>tpl</p></template>
<table><tr><td>cell</td></tr></table>
</body></html>`

var sameSpec = api.CrawlSpec{
	Fields: []api.FieldRule{
		{Name: "title", Selector: "title"},
		{Name: "heading", Selector: "h1.t"},
		{Name: "next", Selector: "a#next", Attr: "href"},
		{Name: "image", Selector: "p img", Attr: "src"},
		{Name: "alt", Selector: "p img", Attr: "alt"},
		{Name: "description", Selector: `meta[name="description"]`, Attr: "content"},
		{Name: "missing", Selector: ".nope"},
		{Name: "no_attr", Selector: "h1", Attr: "data-x"},
		{Name: "ad", Selector: ".ad"},
	},
	Exclude: []string{".ad"},
}

func TestExtract(t *testing.T) {
	p, err := Extract([]byte(samePage), "http://site.example.com/a/b.html", sameSpec)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"title":       "Same either way",
		"heading":     "Hello,  world",
		"next":        "http://site.example.com/docs/page2.html#part",
		"image":       "http://site.example.com/img/a.png",
		"alt":         "A",
		"description": "A page for the tests",
	}
	for name, w := range want {
		if got := p.Fields[name]; got == nil || *got != w {
			t.Errorf("field %s = %v, want %q", name, deref(got), w)
		}
	}
	for _, name := range []string{"missing", "no_attr", "ad"} {
		if v, ok := p.Fields[name]; !ok || v != nil {
			t.Errorf("field %s = %v (present %v), want null", name, deref(v), ok)
		}
	}
	text := collapse(p.Text)
	for _, s := range []string{"Hello, world", "Text with bold & an entity\u00a0and ü", "cell"} {
		if !strings.Contains(p.Text, s) && !strings.Contains(text, s) {
			t.Errorf("text %q lacks %q", text, s)
		}
	}
	for _, s := range []string{"AD shown", "clock", "enable JS", "tpl", "color"} {
		if strings.Contains(p.Text, s) {
			t.Errorf("text %q contains removed content %q", text, s)
		}
	}
}

func TestExtractLinksAndRobots(t *testing.T) {
	rules, err := CompileRules(sameSpec)
	if err != nil {
		t.Fatal(err)
	}
	base := mustURL(t, "http://site.example.com/a/b.html")
	x, err := rules.extract([]byte(samePage), base, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"http://site.example.com/docs/page2.html", "https://elsewhere.example.org/x"}
	if strings.Join(x.links, " ") != strings.Join(want, " ") {
		t.Errorf("links = %q, want %q", x.links, want)
	}
	for _, tt := range []struct {
		meta                    string
		noIndex, noFollow, noAI bool
	}{
		{meta: `<meta name="robots" content="noindex">`, noIndex: true},
		{meta: `<meta name="ROBOTS" content="NoFollow, noarchive">`, noFollow: true},
		{meta: `<meta name="robots" content="none">`, noIndex: true, noFollow: true},
		{meta: `<meta name="meadowbot" content="noai">`, noAI: true},
		{meta: `<meta name="googlebot" content="noindex">`},
		{meta: `<meta name="robots" content="googlebot: noindex">`},
		{meta: `<meta name="robots" content="meadowbot: noindex">`, noIndex: true},
	} {
		x, err := rules.extract([]byte("<html><head>"+tt.meta+`</head><body><a href="/l">l</a></body></html>`), base, true)
		if err != nil {
			t.Fatal(err)
		}
		got := x.robots
		if got.noIndex != tt.noIndex || got.noFollow != tt.noFollow || got.noAI != tt.noAI {
			t.Errorf("%s: robots = %+v", tt.meta, got)
		}
		if tt.noFollow != (len(x.links) == 0) {
			t.Errorf("%s: links = %q", tt.meta, x.links)
		}
	}
}

func TestValidateRules(t *testing.T) {
	tests := []struct {
		name string
		spec api.CrawlSpec
		want string // a substring of the error; "" for valid
	}{
		{name: "valid", spec: sameSpec},
		{name: "bad field selector", spec: api.CrawlSpec{Fields: []api.FieldRule{{Name: "a", Selector: "p"}, {Name: "price", Selector: "div["}}}, want: `fields[1] "price".selector "div["`},
		{name: "empty selector", spec: api.CrawlSpec{Fields: []api.FieldRule{{Name: "a", Selector: " "}}}, want: `fields[0] "a".selector`},
		{name: "pseudo-element", spec: api.CrawlSpec{Fields: []api.FieldRule{{Name: "a", Selector: "p::before"}}}, want: `fields[0] "a".selector`},
		{name: "no name", spec: api.CrawlSpec{Fields: []api.FieldRule{{Selector: "p"}}}, want: "fields[0].name"},
		{name: "duplicate", spec: api.CrawlSpec{Fields: []api.FieldRule{{Name: "a", Selector: "p"}, {Name: "a", Selector: "q"}}}, want: `fields[1] "a": duplicate`},
		{name: "bad attr", spec: api.CrawlSpec{Fields: []api.FieldRule{{Name: "a", Selector: "p", Attr: "on click"}}}, want: `fields[0] "a".attr`},
		{name: "bad text selector", spec: api.CrawlSpec{TextSelector: "main >"}, want: `text_selector "main >"`},
		{name: "bad exclude", spec: api.CrawlSpec{Exclude: []string{".ok", "#"}}, want: `exclude[1] "#"`},
		{name: "too long", spec: api.CrawlSpec{Exclude: []string{strings.Repeat("p ", 600)}}, want: "exclude[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateRules(tt.spec)
			if tt.want == "" {
				if err != nil {
					t.Errorf("ValidateRules = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidRule) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ValidateRules = %v, want ErrInvalidRule naming %q", err, tt.want)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	latin1 := []byte("<p>caf\xe9</p>")
	if got := string(decode(latin1, "text/html; charset=iso-8859-1")); got != "<p>café</p>" {
		t.Errorf("header charset: %q", got)
	}
	if got := string(decode(append([]byte(`<meta charset="windows-1252">`), latin1...), "text/html")); !strings.HasSuffix(got, "<p>café</p>") {
		t.Errorf("meta charset: %q", got)
	}
	if got := string(decode([]byte("<p>café</p>"), "text/html")); got != "<p>café</p>" {
		t.Errorf("unlabelled UTF-8: %q", got)
	}
	if got := string(decode([]byte("\xef\xbb\xbf<p>x</p>"), "text/html")); got != "<p>x</p>" {
		t.Errorf("BOM: %q", got)
	}
}

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}
