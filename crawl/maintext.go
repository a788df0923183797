package crawl

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute/extract"
	"github.com/meadow-net/meadow/dataset"
)

// renderedContentType is what the rendered path tells the extractor about
// the bytes it extracts: the DOM Chromium serialized, which is UTF-8
// whatever the page was sent in (a <meta charset> left in it must not make
// the extractor decode it again).
const renderedContentType = "text/html; charset=utf-8"

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

// MainText runs the extractor on one document as the crawl path does:
// doc is the bytes as fetched (the static path's body before any decoding,
// or the rendered DOM with contentType renderedContentType), pageURL the
// final URL, contentType the response's Content-Type (for its charset).
// A document the extractor refuses gives its status, never an error: the
// row records it, and every replica with the same bytes records the same.
// Tests and benchmarks call it to compare with the bare extractor.
func MainText(doc []byte, pageURL, contentType string, e *api.ExtractSpec) (*dataset.MainText, error) {
	o, err := mainTextOptions(e)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, fmt.Errorf("%w: extract.enabled: expected true", ErrInvalidRule)
	}
	return mainText(doc, pageURL, contentType, *o, nil), nil
}

// mainText extracts doc with o. A panic inside the library is recovered
// into the status failed (logged), so one odd page never takes the node
// down; it is a function of the bytes like any other outcome.
func mainText(doc []byte, pageURL, contentType string, o extract.Options, log *slog.Logger) (m *dataset.MainText) {
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
