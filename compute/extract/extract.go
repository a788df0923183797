package extract

import (
	"bytes"
	"fmt"
	"net/http"
	nurl "net/url"
	"strings"
	"time"
	"unicode/utf8"

	htmltomarkdown "github.com/JohannesKaufmann/html-to-markdown/v2"
	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/markusmobius/go-htmldate"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/unicode/norm"
)

// Focus is trafilatura's trade-off between keeping too much and too little.
type Focus string

// The three focuses of trafilatura.
const (
	FavorPrecision Focus = "precision" // less text, less boilerplate: datatrove's (FineWeb's) setting
	Balanced       Focus = "balanced"
	FavorRecall    Focus = "recall"
)

// DefaultMaxBytes is the largest page Extract reads by default: 1 MiB,
// where Common Crawl truncates its records (so FineWeb never extracted a
// longer page). Trafilatura's time grows faster than the page (about 4×
// for twice the size on repetitive pages: 0.9 MB took 1.2–2 s on the dev
// machine, DESIGN.md, "Cost"), so a larger cap needs measuring first.
const DefaultMaxBytes = 1 << 20

// latestDate is the latest publication date accepted when Options.LatestDate
// is zero. htmldate's own default is the machine's clock plus a year, which
// replicas would read differently; a fixed date keeps the result a function
// of the page.
var latestDate = time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC)

// Options are the extraction settings. They are part of the kernel's
// definition: replicas that cross-check each other use the same Options.
type Options struct {
	// MaxBytes is the largest page accepted; longer ones are refused with
	// ErrTooLarge. 0 means DefaultMaxBytes.
	MaxBytes int `json:"max_bytes,omitempty"`
	// ContentType is the response's Content-Type header, for its charset
	// parameter; empty means look in the page (BOM, <meta charset>), then
	// UTF-8 if it is valid, else windows-1252 (the HTML standard's
	// encoding sniffing).
	ContentType string `json:"content_type,omitempty"`
	// Focus is trafilatura's; FavorPrecision by default, as datatrove runs
	// it for FineWeb.
	Focus Focus `json:"focus,omitempty"`
	// Fallback lets trafilatura compare its result with readability's and
	// DOM Distiller's and keep the better one (trafilatura's default;
	// slower).
	Fallback bool `json:"fallback"`
	// ExcludeTables drops <table> content.
	ExcludeTables bool `json:"exclude_tables"`
	// LatestDate is the latest publication date accepted: a page that
	// claims a later one gets no date. Give it from the job (the task's
	// time set by the leader), never from a clock; zero means 2099-12-31.
	LatestDate time.Time `json:"latest_date,omitzero"`
}

// DefaultOptions are FineWeb's settings as datatrove's Trafilatura step has
// them: favor precision, no comments, deduplication on, tables kept, with
// fallback extractors.
func DefaultOptions() Options {
	return Options{MaxBytes: DefaultMaxBytes, Focus: FavorPrecision, Fallback: true}
}

// Validate checks the options without side effects.
func (o Options) Validate() error {
	if o.MaxBytes < 0 || o.MaxBytes > 1<<30 {
		return fmt.Errorf("%w: extract.max_bytes: expected 0 (default) or 1..1073741824, got %d", ErrOptions, o.MaxBytes)
	}
	switch o.Focus {
	case "", FavorPrecision, Balanced, FavorRecall:
	default:
		return fmt.Errorf("%w: extract.focus: expected precision, balanced or recall, got %q", ErrOptions, o.Focus)
	}
	if o.ContentType != "" && !utf8.ValidString(o.ContentType) {
		return fmt.Errorf("%w: extract.content_type: expected UTF-8 text, got %q", ErrOptions, o.ContentType)
	}
	return nil
}

// Result is a page's main content and metadata. Every field is a function
// of the page bytes, its URL and the Options only.
type Result struct {
	// Text is the main text as trafilatura writes it: paragraphs, headings
	// and list items on lines of their own.
	Text string `json:"text"`
	// Markdown is the same content converted to CommonMark.
	Markdown string `json:"markdown"`
	Title    string `json:"title,omitempty"`
	Author   string `json:"author,omitempty"`
	// Date is the publication date the page gives (meta tags, JSON-LD,
	// the URL, dates in the markup), YYYY-MM-DD, or empty.
	Date string `json:"date,omitempty"`
	// Language is the language the page declares (<html lang>, or the
	// Content-Language meta tag): the primary subtag, lowercase ("en" for
	// "en-US"), or empty. It is a hint: compute/lang identifies the text's
	// language.
	Language string `json:"language,omitempty"`
}

// Extract returns the main content of an HTML page. pageURL (may be empty)
// resolves relative links in the Markdown and is one of the places a date
// is looked for. Errors wrap ErrEmpty, ErrTooLarge, ErrNotHTML, ErrNoText or
// ErrOptions. Extract is safe for concurrent use.
func Extract(page []byte, pageURL string, opts Options) (Result, error) {
	if err := opts.Validate(); err != nil {
		return Result{}, err
	}
	maxBytes := opts.MaxBytes
	if maxBytes == 0 {
		maxBytes = DefaultMaxBytes
	}
	if len(page) > maxBytes {
		return Result{}, fmt.Errorf("%w: %d bytes, expected at most %d (extract.max_bytes)", ErrTooLarge, len(page), maxBytes)
	}
	if len(bytes.TrimSpace(page)) == 0 {
		return Result{}, fmt.Errorf("%w: %d bytes of white space, expected an HTML document", ErrEmpty, len(page))
	}
	if ct := http.DetectContentType(page); !strings.HasPrefix(ct, "text/") {
		return Result{}, fmt.Errorf("%w: the bytes sniff as %s, expected text/html", ErrNotHTML, ct)
	}
	doc, err := parse(page, opts.ContentType)
	if err != nil {
		return Result{}, err
	}
	lang := declaredLanguage(doc)

	topts := trafilatura.Options{
		Focus:           focusOf(opts.Focus),
		EnableFallback:  opts.Fallback,
		ExcludeComments: true,
		ExcludeTables:   opts.ExcludeTables,
		Deduplicate:     true,
		HtmlDateOptions: &htmldate.Options{
			UseOriginalDate: true,
			// No extensive search: it runs go-dateparser, which fills
			// missing parts of a date from the clock.
			SkipExtensiveSearch: true,
			MaxDate:             latestDate,
		},
	}
	if !opts.LatestDate.IsZero() {
		topts.HtmlDateOptions.MaxDate = opts.LatestDate
	}
	if u, err := nurl.Parse(pageURL); err == nil && pageURL != "" {
		topts.OriginalURL = u
	}
	res, err := trafilatura.ExtractDocument(doc, topts)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %v", ErrNoText, err)
	}
	if res == nil || res.ContentNode == nil {
		return Result{}, fmt.Errorf("%w: trafilatura kept nothing", ErrNoText)
	}
	text := clean(textOf(res.ContentNode))
	if text == "" {
		return Result{}, fmt.Errorf("%w: trafilatura kept no text", ErrNoText)
	}
	out := Result{
		Text:     text,
		Title:    clean(res.Metadata.Title),
		Author:   clean(res.Metadata.Author),
		Language: lang,
	}
	if !res.Metadata.Date.IsZero() {
		out.Date = res.Metadata.Date.Format("2006-01-02")
	}
	{
		var mdOpts []converter.ConvertOptionFunc
		if u := topts.OriginalURL; u != nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			mdOpts = append(mdOpts, converter.WithDomain(u.Scheme+"://"+u.Host))
		}
		md, err := htmltomarkdown.ConvertNode(res.ContentNode, mdOpts...)
		if err != nil {
			return Result{}, fmt.Errorf("%w: markdown: %v", ErrNoText, err)
		}
		out.Markdown = clean(string(md))
	}
	return out, nil
}

// parse decodes the page to UTF-8 (the HTML standard's sniffing: BOM,
// Content-Type, <meta>, then UTF-8 if valid, else windows-1252), replaces
// what still is not valid UTF-8 with U+FFFD, normalizes to NFC and parses
// it with the HTML5 algorithm. Every step is a pure function of the bytes.
func parse(page []byte, contentType string) (*html.Node, error) {
	enc, _, _ := charset.DetermineEncoding(page, contentType)
	decoded, err := enc.NewDecoder().Bytes(page)
	if err != nil {
		decoded = page
	}
	decoded = bytes.ToValidUTF8(decoded, []byte("\uFFFD"))
	decoded = norm.NFC.Bytes(decoded)
	doc, err := html.Parse(bytes.NewReader(decoded))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotHTML, err)
	}
	return doc, nil
}

// clean makes a field valid UTF-8 and trims white space at its ends.
func clean(s string) string {
	return strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
}

func focusOf(f Focus) trafilatura.ExtractionFocus {
	switch f {
	case Balanced:
		return trafilatura.Balanced
	case FavorRecall:
		return trafilatura.FavorRecall
	default:
		return trafilatura.FavorPrecision
	}
}

// declaredLanguage is the primary subtag of <html lang>, else of the
// first <meta http-equiv="content-language">, lowercase; empty when
// neither is a plausible language tag (2 or 3 ASCII letters).
func declaredLanguage(doc *html.Node) string {
	var htmlLang, metaLang string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "html":
				if htmlLang == "" {
					htmlLang = attr(n, "lang")
				}
			case "meta":
				if metaLang == "" && strings.EqualFold(attr(n, "http-equiv"), "content-language") {
					metaLang = attr(n, "content")
				}
			case "body":
				return // language declarations live in <html> and <head>
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, tag := range []string{htmlLang, metaLang} {
		if p := primarySubtag(tag); p != "" {
			return p
		}
	}
	return ""
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func primarySubtag(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, "-_,; "); i >= 0 {
		tag = tag[:i]
	}
	if len(tag) < 2 || len(tag) > 3 {
		return ""
	}
	for i := 0; i < len(tag); i++ {
		c := tag[i] | 0x20
		if c < 'a' || c > 'z' {
			return ""
		}
	}
	return strings.ToLower(tag)
}
