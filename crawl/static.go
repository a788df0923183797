package crawl

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/gocolly/colly/v2"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/crawl/htmldoc"
	"github.com/meadow-net/meadow/dataset"
)

// maxRedirects is how many redirects one fetch follows, as browsers do.
const maxRedirects = 10

// newCollector makes the collector every static fetch clones. It is built
// with Init and fields rather than colly.NewCollector, which would let
// COLLY_* environment variables override the node's settings.
func (c *Crawler) newCollector(rt http.RoundTripper) *colly.Collector {
	col := &colly.Collector{}
	col.Init()
	col.UserAgent = c.cfg.UserAgent
	col.MaxBodySize = 0               // meteredTransport enforces the cap and refuses, instead of truncating
	col.IgnoreRobotsTxt = true        // robots.txt is ours: colly ignores Crawl-delay and reads unbounded bodies
	col.AllowURLRevisit = true        // tasks may repeat URLs; retries revisit
	col.ParseHTTPErrorResponse = true // a 404 page is a row; 5xx is judged by the crawler
	col.SetClient(&http.Client{
		Transport: rt,
		Timeout:   c.cfg.FetchTimeout,
		Jar:       nil, // no cookies: replicas must see the same page
	})
	col.SetRedirectHandler(c.checkRedirect)
	return col
}

// checkRedirect runs before every redirect hop of a static fetch: the
// scheme, literal addresses and ports (the dial checks resolved names), and
// robots.txt of the new location.
func (c *Crawler) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return refuse(ReasonHTTPError, "more than %d redirects", maxRedirects)
	}
	if err := c.cfg.Policy.CheckURL(req.URL); err != nil {
		return err
	}
	rb, n, err := c.robots.get(req.Context(), req.URL, false)
	if s := sinkFrom(req.Context()); s != nil {
		s.bytes.Add(n)
	}
	if err != nil {
		return err
	}
	if !rb.Allowed(req.URL.RequestURI()) {
		return refuse(ReasonRobots, "redirect to %s: robots.txt disallows it for %s", req.URL.Redacted(), RobotsToken)
	}
	return nil
}

// checkHop checks a redirect target of the rendered path: the policy's URL
// checks and robots.txt (the proxy checks the addresses).
func (c *Crawler) checkHop(ctx context.Context, raw string) *Refusal {
	u, err := url.Parse(raw)
	if err != nil {
		return refuse(ReasonScheme, "%q is not a valid URL", raw)
	}
	if err := c.cfg.Policy.CheckURL(u); err != nil {
		return AsRefusal(err)
	}
	rb, _, err := c.robots.get(ctx, u, false)
	if err != nil {
		return toRefusal(ctx, err)
	}
	if !rb.Allowed(u.RequestURI()) {
		return refuse(ReasonRobots, "redirect to %s: robots.txt disallows it for %s", u.Redacted(), RobotsToken)
	}
	return nil
}

// fetchStatic gets one URL with colly.
func (c *Crawler) fetchStatic(ctx context.Context, u *url.URL) (*fetched, error) {
	sink := &fetchSink{max: c.cfg.MaxBodyBytes}
	col := c.base.Clone()
	col.Context = context.WithValue(ctx, sinkKey{}, sink)
	var resp *colly.Response
	col.OnResponse(func(r *colly.Response) { resp = r })
	err := col.Visit(u.String())
	f := &fetched{bytes: sink.bytes.Load()}
	if err != nil {
		return f, err
	}
	if resp == nil {
		return f, refuse(ReasonHTTPError, "no response")
	}
	f.finalURL = resp.Request.URL
	f.status = resp.StatusCode
	f.setResponse(*resp.Headers, sink.body)
	return f, nil
}

// setResponse fills in what the static path keeps of a response's header
// and body: the Content-Type (sniffed when absent), Retry-After, the
// headers, and the body decoded to UTF-8 (HTML and text only).
func (f *fetched) setResponse(h http.Header, body []byte) {
	f.contentType = h.Get("Content-Type")
	if f.contentType == "" && len(body) > 0 {
		f.contentType = http.DetectContentType(body)
	}
	f.retryAfter = h.Get("Retry-After")
	f.header = make(map[string]string, len(h))
	for k, v := range h {
		f.header[k] = strings.Join(v, ", ")
	}
	switch kindOf(mediaType(f.contentType)) {
	case kindHTML:
		f.raw = body
		f.body = decode(body, f.contentType)
	case kindText:
		f.body = decode(body, f.contentType)
	}
}

// StaticPage returns the page the static fetch path makes of one response
// that it keeps (no redirect, no retry): rawURL is the URL as the task gave
// it and the response's URL, status, header and body the response's. The
// error is the spec's (ErrInvalidRule) or the URL's refusal (*Refusal: a
// 5xx status, a robots directive in the header or the page, a document
// that does not parse). Fetch does exactly this after fetching; it lets a
// program run the crawl's extraction over pages it made itself, without a
// network: the arm64 digest of the demo corpus
// (devnet/internal/pipedigest) does.
func StaticPage(rawURL string, status int, header http.Header, body []byte, spec api.CrawlSpec) (*dataset.Page, error) {
	rules, err := CompileRules(spec)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(rawURL)
	if err != nil || !u.IsAbs() {
		return nil, refuse(ReasonScheme, "%q is not an absolute http(s) URL", rawURL)
	}
	if status >= 500 {
		return nil, refuse(ReasonHTTPError, "status %d", status)
	}
	f := &fetched{finalURL: u, status: status}
	f.setResponse(header, body)
	t := &task{c: &Crawler{log: slog.New(slog.DiscardHandler)}, rules: rules, spec: spec}
	p, _, err := t.page(rawURL, f)
	return p, err
}

// decode is htmldoc.Decode: colly's own charset handling is bypassed
// (meteredTransport keeps the raw bytes) so that the static path and
// Chromium decode alike.
func decode(body []byte, contentType string) []byte { return htmldoc.Decode(body, contentType) }

type sinkKey struct{}

// fetchSink collects, for one fetch, the raw body and the bytes downloaded.
// It travels in the request's context from fetchStatic to meteredTransport.
type fetchSink struct {
	max      int64
	truncate bool // robots.txt: read max bytes and stop, no error
	bytes    atomic.Int64
	body     []byte
}

func sinkFrom(ctx context.Context) *fetchSink {
	s, _ := ctx.Value(sinkKey{}).(*fetchSink)
	return s
}

// meteredTransport reads response bodies itself: it asks for gzip and
// decodes it, refuses a body over the cap (by Content-Length before reading,
// or once one byte too many arrived), counts the bytes, and keeps the raw
// body for fetchStatic. colly then gets a body that is already in memory.
type meteredTransport struct {
	base http.RoundTripper
}

func (m *meteredTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	sink := sinkFrom(req.Context())
	if sink == nil {
		return nil, errors.New("crawl: request without a fetch sink")
	}
	r2 := req.Clone(req.Context())
	r2.Header.Set("Accept-Encoding", "gzip")
	resp, err := m.base.RoundTrip(r2)
	if err != nil {
		return nil, err
	}
	sink.bytes.Add(headerBytes(resp))
	if resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.Header.Get("Location") != "" {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &sink.bytes}
		return resp, nil
	}
	defer resp.Body.Close()
	if !sink.truncate && resp.ContentLength > sink.max {
		return nil, refuse(ReasonTooLarge, "Content-Length %d is over the %d-byte cap", resp.ContentLength, sink.max)
	}
	var body io.Reader = &countingBody{ReadCloser: resp.Body, n: &sink.bytes}
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			return nil, refuse(ReasonHTTPError, "gzip body: %v", err)
		}
		body = zr
	default:
		return nil, refuse(ReasonHTTPError, "Content-Encoding %q was not asked for", enc)
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 && resp.Header.Get("Content-Encoding") == "" {
		buf.Grow(int(resp.ContentLength) + 1) // at most max+1: checked above
	}
	if _, err := buf.ReadFrom(io.LimitReader(body, sink.max+1)); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	if int64(len(data)) > sink.max {
		if !sink.truncate {
			return nil, refuse(ReasonTooLarge, "body is over the %d-byte cap", sink.max)
		}
		data = data[:sink.max]
	}
	sink.body = data
	// colly gets an empty body: the crawler reads sink.body, so colly's
	// own copy and charset pass would be wasted work.
	resp.Body = http.NoBody
	resp.ContentLength = 0
	resp.Header.Del("Content-Encoding")
	resp.Header.Del("Content-Length")
	resp.Uncompressed = true
	return resp, nil
}

// headerBytes estimates the size of a response's status line and headers.
func headerBytes(resp *http.Response) int64 {
	n := len(resp.Proto) + len(resp.Status) + 4
	for k, vs := range resp.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return int64(n + 2)
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}
