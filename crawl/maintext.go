package crawl

import (
	"fmt"
	"log/slog"
	"net/url"

	"golang.org/x/net/html"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/crawl/htmldoc"
	"github.com/meadow-net/meadow/dataset"
)

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

// mainText is htmldoc.Extract with the spec's options, as a row's value.
func (r *Rules) mainText(raw []byte, root *html.Node, pageURL string, log *slog.Logger) *dataset.MainText {
	m := dataset.MainText(htmldoc.Extract(raw, root, pageURL, *r.main, log))
	return &m
}
