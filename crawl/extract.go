package crawl

import (
	"bytes"
	"fmt"
	"mime"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute/extract"
	"github.com/meadow-net/meadow/crawl/htmldoc"
	"github.com/meadow-net/meadow/dataset"
)

// DefaultTextSelector picks the page's main text when a spec names none.
const DefaultTextSelector = "body"

// maxLinks bounds the links reported for one page.
const maxLinks = 1000

// Rules are a crawl spec's extraction rules, compiled once per task.
type Rules struct {
	fields  []fieldRule
	text    cascadia.SelectorGroup
	exclude []cascadia.SelectorGroup
	// main is the main-text extractor's options when the spec turns it
	// on (crawl.extract), else nil.
	main *extract.Options
}

type fieldRule struct {
	name string
	sel  cascadia.SelectorGroup
	attr string
}

// ValidateRules compiles every selector of spec (fields, text_selector,
// exclude) with the same CSS engine extraction uses, and checks its
// extract options with the extractor's own rules; the error names the
// field. The coordinator cannot import crawl, so api checks syntax only;
// the node calls this before it leases a crawl task.
func ValidateRules(spec api.CrawlSpec) error {
	_, err := CompileRules(spec)
	return err
}

// CompileRules compiles spec's extraction rules.
func CompileRules(spec api.CrawlSpec) (*Rules, error) {
	r := &Rules{}
	seen := make(map[string]bool, len(spec.Fields))
	for i, f := range spec.Fields {
		where := fmt.Sprintf("fields[%d] %q", i, f.Name)
		switch {
		case f.Name == "":
			return nil, fmt.Errorf("%w: fields[%d].name: expected a non-empty name", ErrInvalidRule, i)
		case seen[f.Name]:
			return nil, fmt.Errorf("%w: %s: duplicate field name", ErrInvalidRule, where)
		case strings.ContainsAny(f.Attr, " \t\r\n\f/>=\"'"):
			return nil, fmt.Errorf("%w: %s.attr %q: expected an attribute name", ErrInvalidRule, where, f.Attr)
		}
		seen[f.Name] = true
		sel, err := htmldoc.CompileSelector(f.Selector)
		if err != nil {
			return nil, fmt.Errorf("%w: %s.selector %q: %v", ErrInvalidRule, where, f.Selector, err)
		}
		r.fields = append(r.fields, fieldRule{name: f.Name, sel: sel, attr: strings.ToLower(f.Attr)})
	}
	ts := spec.TextSelector
	if ts == "" {
		ts = DefaultTextSelector
	}
	var err error
	if r.text, err = htmldoc.CompileSelector(ts); err != nil {
		return nil, fmt.Errorf("%w: text_selector %q: %v", ErrInvalidRule, ts, err)
	}
	if r.exclude, err = htmldoc.CompileExclude(spec.Exclude); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidRule, err)
	}
	if r.main, err = htmldoc.ExtractOptions(spec.Extract); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidRule, err)
	}
	return r, nil
}

// Extract applies spec's rules to an HTML document (UTF-8) fetched from
// baseURL, and returns a page with Fields and Text set (the caller fills in
// URL, FinalURL, Status and ContentType). Exclude matches and script, style,
// noscript and template elements are removed first; each field is the text
// of its selector's first match in document order, or the value of Attr
// (made absolute for href and src); Text is the text of the text selector's
// first match. Text is the concatenation of the element's text nodes (the
// DOM's textContent), not normalized: dataset normalizes when it encodes.
func Extract(htmlDoc []byte, baseURL string, spec api.CrawlSpec) (dataset.Page, error) {
	rules, err := CompileRules(spec)
	if err != nil {
		return dataset.Page{}, err
	}
	base, _ := url.Parse(baseURL)
	x, err := rules.extract(htmlDoc, base, false)
	if err != nil {
		return dataset.Page{}, err
	}
	return dataset.Page{Fields: x.fields, Text: x.text}, nil
}

// extraction is what one document gives.
type extraction struct {
	fields map[string]*string
	text   string
	// root is the document after the removals (script, style, noscript,
	// template and the spec's exclude): what main-text extraction reads.
	root   *html.Node
	links  []string // absolute http(s) URLs, without fragment, in document order
	robots metaRobots
}

// extract parses one document; withLinks asks for its links too.
func (r *Rules) extract(htmlDoc []byte, pageURL *url.URL, withLinks bool) (extraction, error) {
	root, err := html.Parse(bytes.NewReader(htmlDoc))
	if err != nil {
		return extraction{}, err
	}
	doc := goquery.NewDocumentFromNode(root)
	x := extraction{fields: make(map[string]*string, len(r.fields))}
	x.robots = readMetaRobots(root)
	base := documentBase(root, pageURL)

	htmldoc.Clean(root, r.exclude)
	for _, f := range r.fields {
		n := cascadia.Query(root, f.sel)
		if n == nil {
			x.fields[f.name] = nil
			continue
		}
		if f.attr == "" {
			s := doc.FindNodes(n).Text()
			x.fields[f.name] = &s
			continue
		}
		v, ok := attr(n, f.attr)
		if !ok {
			x.fields[f.name] = nil
			continue
		}
		if f.attr == "href" || f.attr == "src" {
			v = resolve(base, v)
		}
		x.fields[f.name] = &v
	}
	if n := cascadia.Query(root, r.text); n != nil {
		x.text = doc.FindNodes(n).Text()
	}
	if withLinks && !x.robots.noFollow {
		x.links = links(root, base)
	}
	x.root = root
	return x, nil
}

func attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

// documentBase is the HTML standard's document base URL: the first <base
// href> resolved against the page's URL, else the page's URL.
func documentBase(root *html.Node, pageURL *url.URL) *url.URL {
	if pageURL == nil {
		pageURL = &url.URL{}
	}
	n := cascadia.Query(root, baseSel)
	if n == nil {
		return pageURL
	}
	href, _ := attr(n, "href")
	u, err := pageURL.Parse(strings.TrimSpace(href))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return pageURL
	}
	return u
}

var (
	baseSel  = cascadia.MustCompile("base[href]")
	linkSel  = cascadia.MustCompile("a[href], area[href]")
	metaSel  = cascadia.MustCompile("meta[name][content]")
	asciiWS  = " \t\n\f\r"
	noFollow = "nofollow"
)

// resolve makes v absolute against base, as a browser's href/src property
// would; a value that does not parse is returned as it is.
func resolve(base *url.URL, v string) string {
	v = strings.Trim(v, asciiWS)
	if base == nil {
		return v
	}
	u, err := base.Parse(v)
	if err != nil {
		return v
	}
	return u.String()
}

func links(root *html.Node, base *url.URL) []string {
	var out []string
	seen := make(map[string]bool)
	for _, n := range cascadia.QueryAll(root, linkSel) {
		if rel, ok := attr(n, "rel"); ok && hasToken(rel, noFollow) {
			continue
		}
		href, _ := attr(n, "href")
		u, err := base.Parse(strings.Trim(href, asciiWS))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			continue
		}
		u.Fragment, u.RawFragment = "", ""
		s := u.String()
		if seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
		if len(out) == maxLinks {
			break
		}
	}
	return out
}

func hasToken(list, tok string) bool {
	for _, f := range strings.FieldsFunc(strings.ToLower(list), func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
	}) {
		if f == tok {
			return true
		}
	}
	return false
}

// metaRobots is what a page's robots meta tags (and X-Robots-Tag headers)
// say to Meadow.
type metaRobots struct {
	noIndex  bool // noindex, none: the page must not go into a dataset
	noFollow bool // nofollow, none: its links are not reported
	noAI     bool // noai: the page opts out of AI training
}

func (m *metaRobots) add(directives string) {
	for _, d := range strings.Split(strings.ToLower(directives), ",") {
		d = strings.Trim(d, asciiWS)
		// A directive may name an agent: "meadowbot: noindex". Only ours
		// and unnamed ones count.
		if agent, rest, ok := strings.Cut(d, ":"); ok {
			if strings.Trim(agent, asciiWS) != strings.ToLower(RobotsToken) {
				continue
			}
			d = strings.Trim(rest, asciiWS)
		}
		switch d {
		case "noindex":
			m.noIndex = true
		case "nofollow":
			m.noFollow = true
		case "none":
			m.noIndex, m.noFollow = true, true
		case "noai":
			m.noAI = true
		}
	}
}

func (m metaRobots) refusal() *Refusal {
	switch {
	case m.noIndex:
		return refuse(ReasonRobots, "the page says noindex")
	case m.noAI:
		return refuse(ReasonRobots, "the page says noai")
	}
	return nil
}

func readMetaRobots(root *html.Node) metaRobots {
	var m metaRobots
	for _, n := range cascadia.QueryAll(root, metaSel) {
		name, _ := attr(n, "name")
		name = strings.ToLower(strings.Trim(name, asciiWS))
		if name != "robots" && name != strings.ToLower(RobotsToken) {
			continue
		}
		content, _ := attr(n, "content")
		m.add(content)
	}
	return m
}

// contentKind sorts a response by its media type: HTML is extracted, other
// text becomes the page's text, anything else gives a row with no text.
type contentKind int

const (
	kindOther contentKind = iota
	kindHTML
	kindText
)

// mediaType returns the lower-case media type of a Content-Type value
// without its parameters: the content_type column, so that a charset spelled
// differently by two servers of one site does not split the replicas.
func mediaType(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
		mt = strings.ToLower(strings.Trim(mt, asciiWS))
	}
	return mt
}

func kindOf(mt string) contentKind {
	switch {
	case mt == "text/html" || mt == "application/xhtml+xml":
		return kindHTML
	case strings.HasPrefix(mt, "text/"):
		return kindText
	}
	return kindOther
}
