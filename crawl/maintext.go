package crawl

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute/extract"
	"github.com/meadow-net/meadow/dataset"
)

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

// mainTextOptions turns a crawl spec's extract object into the extractor's
// options; nil when extraction is off. The error names the field.
func mainTextOptions(e *api.ExtractSpec) (*extract.Options, error) {
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
		return nil, fmt.Errorf("%w: extract.max_bytes %d: expected at most %d", ErrInvalidRule, e.MaxBytes, api.ExtractMaxBytesLimit)
	}
	o.LatestDate = e.LatestTime()
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidRule, err)
	}
	return &o, nil
}

// MainText returns what a crawl with spec's extraction rules records as
// the main text of one HTML document: doc is the document as fetched (the
// static path's body before decoding, or Chromium's DOM with contentType
// "text/html; charset=utf-8"), pageURL its final URL, contentType the
// response's Content-Type. The crawl path does exactly this; tests and
// benchmarks call it to compare with the bare extractor.
func MainText(doc []byte, pageURL, contentType string, spec api.CrawlSpec) (*dataset.MainText, error) {
	rules, err := CompileRules(spec)
	if err != nil {
		return nil, err
	}
	if rules.main == nil {
		return nil, fmt.Errorf("%w: extract.enabled: expected true", ErrInvalidRule)
	}
	u, _ := url.Parse(pageURL)
	x, err := rules.extract(decode(doc, contentType), u, false)
	if err != nil {
		return nil, err
	}
	return rules.mainText(doc, x.root, pageURL, nil), nil
}

// mainText is the extraction of one HTML document: raw as fetched, root
// the same document parsed, with script, style, noscript, template and
// the spec's exclude matches removed, as for every other column. The
// buyer's exclude list names the volatile parts of a page (a clock, an
// ad); the extractor must not see them either, or replicas would disagree
// (trafilatura's date search reads a clock in a header as the page's
// date). So the extractor reads root serialized, after the checks it would
// make on the bytes themselves (size, empty, binary), made here on raw,
// in its order: serializing would hide them (an empty or binary body
// serializes as a small HTML document).
func (r *Rules) mainText(raw []byte, root *html.Node, pageURL string, log *slog.Logger) *dataset.MainText {
	o := *r.main
	switch {
	case len(raw) > o.MaxBytes:
		return &dataset.MainText{Status: api.ExtractTooLarge}
	case len(bytes.TrimSpace(raw)) == 0:
		return &dataset.MainText{Status: api.ExtractEmpty}
	case !strings.HasPrefix(http.DetectContentType(raw), "text/"):
		return &dataset.MainText{Status: api.ExtractNotHTML}
	}
	var buf bytes.Buffer
	buf.Grow(len(raw))
	if err := html.Render(&buf, root); err != nil {
		if log != nil {
			log.Warn("main text: serializing the cleaned page", "url", pageURL, "err", err)
		}
		return &dataset.MainText{Status: api.ExtractFailed}
	}
	o.MaxBytes = maxCleanedBytes * o.MaxBytes
	return extractDoc(buf.Bytes(), pageURL, renderedContentType, o, log)
}

// extractDoc runs the extractor. A panic inside the library is recovered
// into the status failed (logged), so that one odd page never takes the
// node down; it is a function of the bytes like any other outcome.
func extractDoc(doc []byte, pageURL, contentType string, o extract.Options, log *slog.Logger) (m *dataset.MainText) {
	defer func() {
		if p := recover(); p != nil {
			if log != nil {
				log.Warn("main-text extraction panicked", "url", pageURL, "panic", fmt.Sprint(p))
			}
			m = &dataset.MainText{Status: api.ExtractFailed}
		}
	}()
	o.ContentType = contentType
	res, err := extract.Extract(doc, pageURL, o)
	if err != nil {
		if log != nil {
			log.Debug("no main text", "url", pageURL, "err", err)
		}
		return &dataset.MainText{Status: extractStatus(err)}
	}
	return &dataset.MainText{
		Status:   api.ExtractOK,
		Text:     res.Text,
		Markdown: res.Markdown,
		Title:    res.Title,
		Author:   res.Author,
		Date:     res.Date,
		Language: res.Language,
	}
}

// extractStatus maps the extractor's sentinel errors to the
// extract_status column.
func extractStatus(err error) string {
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
