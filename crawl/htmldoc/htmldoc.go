// Package htmldoc is what a crawl makes of one fetched HTML document
// before it picks fields: the body decoded to UTF-8 as a browser would,
// the parsed tree cleaned of what is never text (script, style, noscript,
// template) and of the task's exclude matches, and the main text the
// extractor finds in the cleaned tree (crawl.extract).
//
// It is the part of the crawl path with no network, no Chromium and no
// dataset encoding, so that it also builds for js/wasm: the browser
// extension runs this very code (ext/wasm) for the main-text columns, and
// its rows agree with a Go node's bit for bit. Package crawl uses it for
// both fetch paths.
package htmldoc

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute/extract"
)

// maxSelectorLen bounds a selector, so that a spec cannot make every node
// compile a megabyte of CSS.
const maxSelectorLen = 1024

// alwaysRemoved are never part of any text: code, styles, and content that a
// browser does or does not show depending on whether scripts run, which
// would make the static and rendered paths disagree.
const alwaysRemoved = "script, style, noscript, template"

var alwaysRemovedSel = cascadia.MustCompile(alwaysRemoved)

// renderedContentType is what the rendered path says of the document it
// extracts (Chromium's serialized DOM) and what the extractor is told of
// the cleaned document: UTF-8, whatever the page was sent in, so that a
// <meta charset> left in it does not make the extractor decode it again.
const renderedContentType = "text/html; charset=utf-8"

// maxCleanedBytes bounds the cleaned document the extractor reads, as a
// multiple of max_bytes: serializing a parsed tree can grow a page a little
// (quotes, closing tags the parser added); a page it grows past this is
// refused as too_large rather than extracted at an unbounded cost.
const maxCleanedBytes = 4

// Decode converts a body to UTF-8 the way a browser would: a BOM, then the
// Content-Type charset, then a <meta> charset in the first 1024 bytes, then
// UTF-8 if the bytes are valid UTF-8, else windows-1252.
func Decode(body []byte, contentType string) []byte {
	enc, name, _ := charset.DetermineEncoding(body, contentType)
	if name == "utf-8" {
		return bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return body
	}
	return out
}

// CompileSelector compiles one selector of a crawl spec with the engine
// extraction uses; the error says what was expected (the caller names the
// field).
func CompileSelector(s string) (cascadia.SelectorGroup, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("expected a CSS selector")
	}
	if len(s) > maxSelectorLen {
		return nil, fmt.Errorf("%d bytes: expected at most %d", len(s), maxSelectorLen)
	}
	return cascadia.ParseGroup(s)
}

// CompileExclude compiles a spec's exclude list; the error names the entry.
func CompileExclude(exclude []string) ([]cascadia.SelectorGroup, error) {
	var out []cascadia.SelectorGroup
	for i, e := range exclude {
		sel, err := CompileSelector(e)
		if err != nil {
			return nil, fmt.Errorf("exclude[%d] %q: %v", i, e, err)
		}
		out = append(out, sel)
	}
	return out, nil
}

// Clean detaches from root script, style, noscript and template elements
// and every match of exclude (outermost first, so that a match inside a
// removed subtree is simply gone with it).
func Clean(root *html.Node, exclude []cascadia.SelectorGroup) {
	removeAll(root, alwaysRemovedSel)
	for _, e := range exclude {
		removeAll(root, e)
	}
}

func removeAll(root *html.Node, sel cascadia.Matcher) {
	for _, n := range cascadia.QueryAll(root, sel) {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
}

// ExtractOptions turns a crawl spec's extract object into the extractor's
// options; nil when extraction is off. The error names the field.
func ExtractOptions(e *api.ExtractSpec) (*extract.Options, error) {
	if !e.On() {
		return nil, nil
	}
	o := extract.DefaultOptions()
	if e.Focus != "" {
		o.Focus = extract.Focus(e.Focus)
	}
	o.Fallback = e.FallbackOn()
	o.ExcludeTables = e.ExcludeTables
	if e.MaxBytes != 0 {
		o.MaxBytes = e.MaxBytes
	}
	if e.MaxBytes > api.ExtractMaxBytesLimit {
		return nil, fmt.Errorf("extract.max_bytes %d: expected at most %d", e.MaxBytes, api.ExtractMaxBytesLimit)
	}
	o.LatestDate = e.LatestTime()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &o, nil
}

// MainText is one page's main-text columns: Status is api.ExtractOK or
// the extractor's refusal (api.ExtractStatuses); the rest are set only
// when it is ok, empty where the page gives nothing. It has
// dataset.MainText's fields (crawl converts one to the other, so the
// compiler keeps them alike; dataset may not import this package), and
// the JSON names the extension reads (ext/wasm).
type MainText struct {
	Status   string `json:"status"`
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
	Title    string `json:"title"`
	Author   string `json:"author"`
	Date     string `json:"date"`
	Language string `json:"language"`
}

// Extract is the main text of one HTML document: raw as fetched, root the
// same document parsed and cleaned (Clean), as for every other column.
// The buyer's exclude list names the volatile parts of a page (a clock,
// an ad); the extractor must not see them either, or replicas would
// disagree (trafilatura's date search reads a clock in a header as the
// page's date). So the extractor reads root serialized, after the checks
// it would make on the bytes themselves (size, empty, binary), made here
// on raw, in its order: serializing would hide them (an empty or binary
// body serializes as a small HTML document). log may be nil.
func Extract(raw []byte, root *html.Node, pageURL string, o extract.Options, log *slog.Logger) MainText {
	if m, refused := refusal(raw, o); refused {
		return m
	}
	var buf bytes.Buffer
	buf.Grow(len(raw))
	if err := html.Render(&buf, root); err != nil {
		if log != nil {
			log.Warn("main text: serializing the cleaned page", "url", pageURL, "err", err)
		}
		return MainText{Status: api.ExtractFailed}
	}
	o.MaxBytes = maxCleanedBytes * o.MaxBytes
	return extractDoc(buf.Bytes(), pageURL, renderedContentType, o, log)
}

// refusal is the answer for a document the extractor refuses from its
// bytes alone: too large, empty, or not text.
func refusal(raw []byte, o extract.Options) (MainText, bool) {
	switch {
	case len(raw) > o.MaxBytes:
		return MainText{Status: api.ExtractTooLarge}, true
	case len(bytes.TrimSpace(raw)) == 0:
		return MainText{Status: api.ExtractEmpty}, true
	case !strings.HasPrefix(http.DetectContentType(raw), "text/"):
		return MainText{Status: api.ExtractNotHTML}, true
	}
	return MainText{}, false
}

// Page is the main text a static fetch records for one response that
// the crawl reads as HTML: body as fetched (before charset decoding),
// pageURL its final URL, contentType the Content-Type the crawl goes by
// (the header, or the sniffed type when there is none). Only spec's
// exclude list and extract object matter here; the error names a field
// of either. This is what the extension's WebAssembly build calls; the
// crawl path reaches the same result through its rules.
func Page(body []byte, pageURL, contentType string, spec api.CrawlSpec) (MainText, error) {
	exclude, err := CompileExclude(spec.Exclude)
	if err != nil {
		return MainText{}, err
	}
	o, err := ExtractOptions(spec.Extract)
	if err != nil {
		return MainText{}, err
	}
	if o == nil {
		return MainText{}, errors.New("extract.enabled: expected true")
	}
	// Extract would answer these from the bytes alone: answered before
	// parsing, a 32 MiB page costs no parse here.
	if m, refused := refusal(body, *o); refused {
		return m, nil
	}
	root, err := html.Parse(bytes.NewReader(Decode(body, contentType)))
	if err != nil {
		return MainText{}, fmt.Errorf("parse HTML: %v", err)
	}
	Clean(root, exclude)
	return Extract(body, root, pageURL, *o, nil), nil
}

// extractDoc runs the extractor. A panic inside the library is recovered
// into the status failed (logged), so that one odd page never takes the
// node down; it is a function of the bytes like any other outcome.
func extractDoc(doc []byte, pageURL, contentType string, o extract.Options, log *slog.Logger) (m MainText) {
	defer func() {
		if p := recover(); p != nil {
			if log != nil {
				log.Warn("main-text extraction panicked", "url", pageURL, "panic", fmt.Sprint(p))
			}
			m = MainText{Status: api.ExtractFailed}
		}
	}()
	o.ContentType = contentType
	res, err := extract.Extract(doc, pageURL, o)
	if err != nil {
		if log != nil {
			log.Debug("no main text", "url", pageURL, "err", err)
		}
		return MainText{Status: status(err)}
	}
	return MainText{
		Status:   api.ExtractOK,
		Text:     res.Text,
		Markdown: res.Markdown,
		Title:    res.Title,
		Author:   res.Author,
		Date:     res.Date,
		Language: res.Language,
	}
}

// status maps the extractor's sentinel errors to the extract_status column.
func status(err error) string {
	switch {
	case errors.Is(err, extract.ErrEmpty):
		return api.ExtractEmpty
	case errors.Is(err, extract.ErrTooLarge):
		return api.ExtractTooLarge
	case errors.Is(err, extract.ErrNotHTML):
		return api.ExtractNotHTML
	case errors.Is(err, extract.ErrNoText):
		return api.ExtractNoText
	}
	return api.ExtractFailed
}
