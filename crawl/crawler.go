package crawl

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// DefaultUserAgent is the User-Agent a node sends: it names the network and a
// page that tells site owners what the crawler is and how to reach us.
func DefaultUserAgent(version string) string {
	if version == "" {
		version = "dev"
	}
	return RobotsToken + "/" + version + " (+https://meadow.network/bot)"
}

// ByteBudget lets the node cap the bytes a crawler downloads (per day, say).
// Allow is asked before each URL; Spend is told what each URL cost, refused
// or not.
type ByteBudget interface {
	Allow() bool
	Spend(n int64)
}

// Config configures a Crawler. Start from DefaultConfig.
type Config struct {
	// UserAgent is sent on every request, by colly and by Chromium.
	UserAgent string
	// Policy decides which addresses may be reached.
	Policy Policy
	// Development allows Policy.AllowList (loopback test sites). Only tests
	// and `meadow dev` set it; the node's flags never expose it.
	Development bool

	// MaxBodyBytes caps one response body (decoded); a larger one is
	// refused as too_large.
	MaxBodyBytes int64
	// MaxPageBytes caps everything a rendered page pulls in (document,
	// scripts, images, …).
	MaxPageBytes int64
	// FetchTimeout bounds one fetch: connect, redirects and body, or a
	// page's navigation until its load event.
	FetchTimeout time.Duration

	// MaxConcurrent bounds the fetches in flight, over all tasks.
	MaxConcurrent int
	// PerDomainConcurrency and PerDomainDelay are the politeness per host:
	// requests at once, and time between two request starts. A robots.txt
	// Crawl-delay raises the delay and brings the concurrency to one.
	PerDomainConcurrency int
	PerDomainDelay       time.Duration
	// MaxCrawlDelay is the longest Crawl-delay the node honours; a site
	// asking for more is refused (reason robots) rather than blocking a
	// task for minutes.
	MaxCrawlDelay time.Duration

	// MaxRetries is how many times a 429 or 503 answer is retried, after
	// the server's Retry-After (or 1 s, 2 s, …); MaxRetryAfter is the
	// longest Retry-After waited for.
	MaxRetries    int
	MaxRetryAfter time.Duration

	// RenderJS lets tasks with render_js run; ChromiumPath names the
	// binary ("" searches $MEADOW_CHROMIUM, then chromium, chromium-browser).
	RenderJS     bool
	ChromiumPath string
	// RenderIdle bounds the wait for the network to go idle after a
	// page's load event; MaxTabs bounds the pages rendered at once.
	RenderIdle time.Duration
	MaxTabs    int

	// Budget, if set, is asked before and told after every URL.
	Budget ByteBudget
	// Logger receives the crawler's logs; nil discards them.
	Logger *slog.Logger

	// tlsConfig and insecureChromium let tests use httptest's TLS servers.
	tlsConfig        *tls.Config
	insecureChromium bool
}

// DefaultConfig returns the settings a home node starts from.
func DefaultConfig() Config {
	return Config{
		UserAgent:            DefaultUserAgent("dev"),
		MaxBodyBytes:         8 << 20,
		MaxPageBytes:         32 << 20,
		FetchTimeout:         30 * time.Second,
		MaxConcurrent:        4,
		PerDomainConcurrency: 1,
		PerDomainDelay:       time.Second,
		MaxCrawlDelay:        60 * time.Second,
		MaxRetries:           2,
		MaxRetryAfter:        30 * time.Second,
		RenderJS:             true,
		RenderIdle:           5 * time.Second,
		MaxTabs:              2,
	}
}

// Validate checks the config; it changes nothing and starts nothing.
func (c Config) Validate() error {
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("%w: %s %v: expected %s", ErrInvalidConfig, field, v, want)
	}
	switch {
	case strings.TrimSpace(c.UserAgent) == "" || strings.ContainsAny(c.UserAgent, "\r\n"):
		return bad("user_agent", strconv.Quote(c.UserAgent), "a non-empty single line naming the network")
	case c.MaxBodyBytes <= 0:
		return bad("max_body_bytes", c.MaxBodyBytes, "a positive number of bytes")
	case c.MaxPageBytes < c.MaxBodyBytes:
		return bad("max_page_bytes", c.MaxPageBytes, fmt.Sprintf("at least max_body_bytes (%d)", c.MaxBodyBytes))
	case c.FetchTimeout <= 0:
		return bad("fetch_timeout", c.FetchTimeout, "a positive duration")
	case c.MaxConcurrent < 1:
		return bad("max_concurrent", c.MaxConcurrent, "at least 1")
	case c.PerDomainConcurrency < 1:
		return bad("per_domain_concurrency", c.PerDomainConcurrency, "at least 1")
	case c.PerDomainDelay < 0:
		return bad("per_domain_delay", c.PerDomainDelay, "zero or a positive duration")
	case c.MaxCrawlDelay < 0:
		return bad("max_crawl_delay", c.MaxCrawlDelay, "zero or a positive duration")
	case c.MaxRetries < 0 || c.MaxRetries > 10:
		return bad("max_retries", c.MaxRetries, "0 to 10")
	case c.MaxRetryAfter < 0:
		return bad("max_retry_after", c.MaxRetryAfter, "zero or a positive duration")
	case c.RenderJS && c.RenderIdle < 0:
		return bad("render_idle", c.RenderIdle, "zero or a positive duration")
	case c.RenderJS && c.MaxTabs < 1:
		return bad("max_tabs", c.MaxTabs, "at least 1")
	}
	return c.Policy.Validate(!c.Development)
}

// Result is what became of one URL of a task. Exactly one of Page and
// Refusal is set.
type Result struct {
	// URL is the URL as the task gave it.
	URL string
	// Page is the extracted page; nil when refused.
	Page *dataset.Page
	// Links are the page's links (absolute, without fragment, in document
	// order, at most 1000) within the spec's allowed domains, for a crawl
	// with seeds; the coordinator decides which become tasks.
	Links []string
	// Bytes is what fetching this URL downloaded: robots.txt when it was
	// fetched for it, redirects, retries, the body, and for a rendered
	// page every sub-resource. The node charges it to the day's cap.
	Bytes int64
	// CrawlDelay is the Crawl-delay robots.txt asks of the URL's host (0
	// when none), for the node to pass on to the coordinator.
	CrawlDelay time.Duration
	// Rendered says the page went through Chromium.
	Rendered bool
	// Refusal says why the URL was not fetched.
	Refusal *Refusal
}

// Crawler fetches and extracts pages for tasks. It is safe for concurrent
// use; its politeness limits and robots.txt cache are shared by all tasks.
type Crawler struct {
	cfg     Config
	log     *slog.Logger
	dial    DialFunc
	tr      *http.Transport
	client  *http.Client // robots.txt
	base    *colly.Collector
	robots  *robotsCache
	limiter *hostLimiter
	sem     chan struct{}

	bytesIn, bytesOut atomic.Int64

	browserMu sync.Mutex
	browser   *browser

	closeMu sync.RWMutex
	closed  bool
}

// New makes a crawler. It starts nothing: Chromium starts with the first
// task that needs it.
func New(cfg Config) (*Crawler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Crawler{
		cfg:     cfg,
		log:     logger.With("component", "crawl"),
		limiter: newHostLimiter(cfg.PerDomainConcurrency, cfg.PerDomainDelay),
		sem:     make(chan struct{}, cfg.MaxConcurrent),
	}
	policy := cfg.Policy // a copy: later changes to cfg do not reach it
	c.dial = func(ctx context.Context, network, address string) (net.Conn, error) {
		conn, err := policy.DialContext(ctx, network, address)
		if err != nil {
			return nil, err
		}
		return &countingConn{Conn: conn, in: &c.bytesIn, out: &c.bytesOut}, nil
	}
	c.tr = &http.Transport{
		Proxy:                  nil, // never an environment proxy: it would dial for us, unchecked
		DialContext:            c.dial,
		TLSClientConfig:        cfg.tlsConfig,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           64,
		MaxIdleConnsPerHost:    max(2, cfg.PerDomainConcurrency),
		IdleConnTimeout:        30 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  cfg.FetchTimeout,
		MaxResponseHeaderBytes: 64 << 10,
		DisableCompression:     true, // meteredTransport asks for gzip and decodes it under the size cap
	}
	mt := &meteredTransport{base: c.tr}
	c.client = &http.Client{
		Transport: mt,
		Timeout:   cfg.FetchTimeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 { // RFC 9309: follow at least five hops
				return refuse(ReasonHTTPError, "robots.txt: more than 5 redirects")
			}
			return policy.CheckURL(req.URL)
		},
	}
	c.robots = newRobotsCache(c.client, cfg.UserAgent, c.limiter)
	c.base = c.newCollector(mt)
	return c, nil
}

// Close stops Chromium and the proxy, if they run, and closes idle
// connections. Fetch fails with ErrClosed afterwards.
func (c *Crawler) Close() error {
	c.closeMu.Lock()
	c.closed = true
	c.closeMu.Unlock()
	c.browserMu.Lock()
	b := c.browser
	c.browser = nil
	c.browserMu.Unlock()
	var err error
	if b != nil {
		err = b.close()
	}
	c.tr.CloseIdleConnections()
	return err
}

// Stats are a crawler's totals since New.
type Stats struct {
	// BytesIn and BytesOut count every byte on every connection the
	// crawler opened (colly's and the proxy's for Chromium), TLS included.
	BytesIn, BytesOut int64
}

// Stats returns the crawler's totals.
func (c *Crawler) Stats() Stats {
	return Stats{BytesIn: c.bytesIn.Load(), BytesOut: c.bytesOut.Load()}
}

// Fetch fetches each URL of a task and extracts it with spec's rules: one
// Result per URL, in input order. A URL that is refused gets a Refusal, not
// an error; the error is for the task as a whole (invalid rules, render_js
// without Chromium, a closed crawler, or ctx ending, in which case the URLs
// not yet done are refused with reason timeout).
func (c *Crawler) Fetch(ctx context.Context, urls []string, spec api.CrawlSpec) ([]Result, error) {
	c.closeMu.RLock()
	defer c.closeMu.RUnlock()
	if c.closed {
		return nil, ErrClosed
	}
	rules, err := CompileRules(spec)
	if err != nil {
		return nil, err
	}
	var b *browser
	if spec.RenderJS {
		if !c.cfg.RenderJS {
			return nil, ErrRenderDisabled
		}
		if b, err = c.startBrowser(); err != nil {
			return nil, err
		}
	}
	t := &task{c: c, rules: rules, spec: spec, browser: b, domains: allowedDomains(spec)}
	results := make([]Result, len(urls))
	var wg sync.WaitGroup
	for i, u := range urls {
		select {
		case c.sem <- struct{}{}:
		case <-ctx.Done():
			results[i] = Result{URL: u, Refusal: &Refusal{Reason: ReasonTimeout, Detail: "the task ended before this URL was fetched", Err: ctx.Err()}}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-c.sem }()
			results[i] = t.fetch(ctx, u)
		}()
	}
	wg.Wait()
	return results, ctx.Err()
}

func (c *Crawler) startBrowser() (*browser, error) {
	c.browserMu.Lock()
	defer c.browserMu.Unlock()
	if c.browser != nil && c.browser.alive() {
		return c.browser, nil
	}
	if c.browser != nil {
		c.log.Warn("chromium exited; starting it again")
		c.browser.close()
		c.browser = nil
	}
	b, err := startBrowser(c.cfg, c.dial, c.log)
	if err != nil {
		return nil, err
	}
	c.browser = b
	return b, nil
}

// allowedDomains is where discovered links may lead: the spec's allowed
// domains, else the hosts of its seeds; nil for a fixed URL list.
func allowedDomains(spec api.CrawlSpec) []string {
	if len(spec.Seeds) == 0 {
		return nil
	}
	if len(spec.AllowedDomains) > 0 {
		out := make([]string, len(spec.AllowedDomains))
		for i, d := range spec.AllowedDomains {
			out[i] = strings.TrimSuffix(strings.ToLower(d), ".")
		}
		return out
	}
	var out []string
	for _, s := range spec.Seeds {
		if u, err := url.Parse(s); err == nil && u.Hostname() != "" {
			out = append(out, strings.ToLower(u.Hostname()))
		}
	}
	return out
}

func domainAllowed(host string, domains []string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, d := range domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// task is one Fetch call's shared state.
type task struct {
	c       *Crawler
	rules   *Rules
	spec    api.CrawlSpec
	browser *browser
	domains []string
}

// fetched is what the static or the rendered path got for one URL.
type fetched struct {
	finalURL    *url.URL
	status      int
	contentType string            // the Content-Type header as sent
	header      map[string]string // response headers (first value), for X-Robots-Tag
	body        []byte            // HTML (UTF-8) or text; nil for other content
	bytes       int64
	retryAfter  string
	// raw is the HTML document as it came, for main-text extraction's
	// checks on it: the static path's body before decoding to UTF-8, the
	// rendered path's DOM.
	raw []byte
}

func (t *task) fetch(ctx context.Context, raw string) (res Result) {
	c := t.c
	res.URL = raw
	defer func() {
		if c.cfg.Budget != nil {
			c.cfg.Budget.Spend(res.Bytes)
		}
		if res.Refusal != nil {
			c.log.Debug("refused", "url", raw, "reason", res.Refusal.Reason, "detail", res.Refusal.Detail)
		}
	}()
	fail := func(err error) Result {
		res.Refusal = toRefusal(ctx, err)
		return res
	}
	if c.cfg.Budget != nil && !c.cfg.Budget.Allow() {
		return fail(refuse(ReasonCapReached, "the node's byte budget is spent"))
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() {
		return fail(refuse(ReasonScheme, "%q is not an absolute http(s) URL", raw))
	}
	if err := c.cfg.Policy.CheckURL(u); err != nil {
		return fail(err)
	}
	rb, n, err := c.robots.get(ctx, u, true)
	res.Bytes += n
	if err != nil {
		return fail(err)
	}
	res.CrawlDelay = rb.CrawlDelay
	if rb.CrawlDelay > c.cfg.MaxCrawlDelay {
		return fail(refuse(ReasonRobots, "robots.txt asks for a Crawl-delay of %s; this node waits at most %s", rb.CrawlDelay, c.cfg.MaxCrawlDelay))
	}
	c.limiter.setCrawlDelay(u.Hostname(), rb.CrawlDelay)
	if !rb.Allowed(u.RequestURI()) {
		return fail(refuse(ReasonRobots, "robots.txt disallows %s for %s", u.RequestURI(), RobotsToken))
	}

	var f *fetched
	for attempt := 0; ; attempt++ {
		release, err := c.limiter.acquire(ctx, u.Hostname())
		if err != nil {
			return fail(err)
		}
		if t.browser != nil {
			f, err = t.browser.render(ctx, u, t.c)
			res.Rendered = true
		} else {
			f, err = c.fetchStatic(ctx, u)
		}
		release()
		if f != nil {
			res.Bytes += f.bytes
		}
		if err != nil {
			return fail(err)
		}
		if f.status != http.StatusTooManyRequests && f.status != http.StatusServiceUnavailable {
			break
		}
		if attempt >= c.cfg.MaxRetries {
			return fail(refuse(ReasonHTTPError, "status %d after %d attempts", f.status, attempt+1))
		}
		wait := retryAfter(f.retryAfter, time.Now(), time.Duration(1<<attempt)*time.Second)
		if wait > c.cfg.MaxRetryAfter {
			return fail(refuse(ReasonHTTPError, "status %d with Retry-After %s, longer than this node waits (%s)", f.status, wait, c.cfg.MaxRetryAfter))
		}
		c.limiter.backOff(u.Hostname(), time.Now().Add(wait))
	}
	if f.status >= 500 {
		return fail(refuse(ReasonHTTPError, "status %d", f.status))
	}
	page, links, err := t.page(raw, f)
	if err != nil {
		return fail(err)
	}
	res.Page, res.Links = page, links
	return res
}

// page turns what was fetched into a row, with the same code for both paths.
func (t *task) page(raw string, f *fetched) (*dataset.Page, []string, error) {
	mt := mediaType(f.contentType)
	p := &dataset.Page{
		URL:         raw,
		FinalURL:    f.finalURL.String(),
		Status:      int64(f.status),
		ContentType: mt,
		Fields:      make(map[string]*string, len(t.rules.fields)),
	}
	for _, fr := range t.rules.fields {
		p.Fields[fr.name] = nil
	}
	var robots metaRobots
	for k, v := range f.header {
		if strings.EqualFold(k, "X-Robots-Tag") {
			robots.add(v)
		}
	}
	if rf := robots.refusal(); rf != nil {
		rf.Detail += " (X-Robots-Tag)"
		return nil, nil, rf
	}
	if t.rules.main != nil {
		// Set for every row; the HTML case below replaces it. The
		// extractor reads HTML documents only, so other media types get a
		// status from their type alone, the same on both fetch paths.
		p.Main = &dataset.MainText{Status: api.ExtractNotHTML}
	}
	var links []string
	switch kindOf(mt) {
	case kindHTML:
		x, err := t.rules.extract(f.body, f.finalURL, t.domains != nil)
		if err != nil {
			return nil, nil, refuse(ReasonHTTPError, "parse HTML: %v", err)
		}
		if rf := x.robots.refusal(); rf != nil {
			return nil, nil, rf
		}
		p.Fields, p.Text = x.fields, x.text
		if t.rules.main != nil {
			p.Main = t.rules.mainText(f.raw, x.root, p.FinalURL, t.c.log)
		}
		if !robots.noFollow {
			for _, l := range x.links {
				if lu, err := url.Parse(l); err == nil && domainAllowed(lu.Hostname(), t.domains) {
					links = append(links, l)
				}
			}
		}
	case kindText:
		p.Text = string(f.body)
	}
	return p, links, nil
}

// retryAfter reads a Retry-After value (seconds or an HTTP date); def when
// absent or unreadable.
func retryAfter(v string, now time.Time, def time.Duration) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return def
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return def
		}
		if s > 86400 {
			s = 86400
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
		return 0
	}
	return def
}

// toRefusal classifies a fetch error.
func toRefusal(ctx context.Context, err error) *Refusal {
	if r := AsRefusal(err); r != nil {
		return r
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled) && ctx.Err() != nil,
		errors.As(err, &ne) && ne.Timeout():
		return &Refusal{Reason: ReasonTimeout, Detail: err.Error(), Err: err}
	}
	return &Refusal{Reason: ReasonHTTPError, Detail: err.Error(), Err: err}
}

// countingConn counts the bytes that cross a connection.
type countingConn struct {
	net.Conn
	in, out *atomic.Int64
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.in.Add(int64(n))
	return n, err
}

func (c *countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.out.Add(int64(n))
	return n, err
}

// CloseWrite half-closes the connection, for the proxy's tunnels.
func (c *countingConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Conn.Close()
}
