package crawl

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// FindChromium returns the Chromium binary to run: explicit if set, else
// $MEADOW_CHROMIUM, else /usr/bin/chromium, chromium or chromium-browser on
// the PATH. It fails with ErrChromiumNotFound, whose message says how to
// install it.
func FindChromium(explicit string) (string, error) {
	try := func(p string) (string, bool) {
		if p == "" {
			return "", false
		}
		if strings.ContainsRune(p, filepath.Separator) {
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p, true
			}
			return "", false
		}
		if lp, err := exec.LookPath(p); err == nil {
			return lp, true
		}
		return "", false
	}
	if explicit != "" {
		if p, ok := try(explicit); ok {
			return p, nil
		}
		return "", fmt.Errorf("%w (chromium_path %q does not exist)", ErrChromiumNotFound, explicit)
	}
	for _, c := range []string{os.Getenv("MEADOW_CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, ok := try(c); ok {
			return p, nil
		}
	}
	return "", ErrChromiumNotFound
}

// browser is one Chromium process, reused for every rendered page; each
// page gets its own tab in a fresh browser context (no cookies or storage
// carried from page to page, so that replicas see the same page).
type browser struct {
	log   *slog.Logger
	cfg   Config
	proxy *Proxy // the pages' proxy: dials through the policy
	// closed is Chromium's own proxy, which refuses everything: the
	// browser's background services (sign-in, updates, …) that run even
	// headless never reach the network; only page contexts, which are given
	// proxy, do.
	closed *Proxy
	dir    string
	tabs   chan struct{}

	// bctx is the browser's chromedp context. chromedp keeps a browser's
	// state in its context, so this one lives as long as the browser: it is
	// the one context kept in a struct, and it is ended only by close.
	bctx        context.Context
	cancelBctx  context.CancelFunc
	cancelAlloc context.CancelFunc

	closeOnce sync.Once
	closeErr  error
}

// chromiumFlags are the switches every Meadow Chromium runs with. Beyond
// headless operation they keep Chromium from reaching anything except
// through a proxy (proxyURL, the refuse-everything one; pages get theirs per
// browser context): it resolves no names itself (every name maps to
// NOTFOUND but the proxies' address; the proxy resolves and checks),
// loopback is not exempt from the proxy, QUIC is off (it would not use the
// HTTP proxy), WebRTC may not send UDP outside the proxy, and the background
// services that phone home or browse the LAN (component updates, sync,
// cast discovery, …) are off.
func chromiumFlags(cfg Config, proxyURL, dir string) []chromedp.ExecAllocatorOption {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(dir),
		chromedp.UserAgent(cfg.UserAgent),
		chromedp.ProxyServer(proxyURL),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("force-webrtc-ip-handling-policy", "disable_non_proxied_udp"),
		chromedp.Flag("webrtc-ip-handling-policy", "disable_non_proxied_udp"),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("dns-prefetch-disable", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,DialMediaRouteProvider,OptimizationHints,AutofillServerCommunication,CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
	}
	// Chromium's sandbox protects the user from a hostile page; it cannot
	// start as root, so only a node running as root goes without it.
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	if cfg.insecureChromium {
		opts = append(opts, chromedp.IgnoreCertErrors)
	}
	return opts
}

func startBrowser(cfg Config, dial DialFunc, logger *slog.Logger) (*browser, error) {
	path, err := FindChromium(cfg.ChromiumPath)
	if err != nil {
		return nil, err
	}
	px, err := NewProxy(dial, logger)
	if err != nil {
		return nil, err
	}
	closed, err := NewProxy(func(context.Context, string, string) (net.Conn, error) {
		return nil, refuse(ReasonUnsafeAddress, "chromium's own background traffic is not let out")
	}, slog.New(slog.DiscardHandler))
	if err != nil {
		px.Close()
		return nil, err
	}
	dir, err := os.MkdirTemp("", "meadow-chromium-")
	if err != nil {
		px.Close()
		closed.Close()
		return nil, fmt.Errorf("crawl: chromium profile dir: %w", err)
	}
	b := &browser{
		log:    logger.With("component", "crawl.chromium"),
		cfg:    cfg,
		proxy:  px,
		closed: closed,
		dir:    dir,
		tabs:   make(chan struct{}, cfg.MaxTabs),
	}
	opts := append([]chromedp.ExecAllocatorOption{chromedp.ExecPath(path)}, chromiumFlags(cfg, closed.URL(), dir)...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBctx := chromedp.NewContext(actx, chromedp.WithLogf(b.logf), chromedp.WithErrorf(b.logf))
	b.bctx, b.cancelBctx, b.cancelAlloc = bctx, cancelBctx, cancelAlloc
	// The browser lives as long as the context of its first action, so
	// the start runs on bctx itself; a timer bounds it instead.
	startTimer := time.AfterFunc(60*time.Second, cancelBctx)
	err = chromedp.Do(bctx)
	startTimer.Stop()
	if err != nil {
		b.close()
		return nil, fmt.Errorf("crawl: start chromium %s: %w", path, err)
	}
	b.log.Info("chromium started", "path", path, "pid", b.pid())
	return b, nil
}

func (b *browser) logf(format string, args ...any) {
	b.log.Debug(fmt.Sprintf(format, args...))
}

func (b *browser) pid() int {
	if c := chromedp.FromContext(b.bctx); c != nil && c.Browser != nil {
		if p := c.Browser.Process(); p != nil {
			return p.Pid
		}
	}
	return 0
}

func (b *browser) alive() bool { return b.bctx.Err() == nil }

// close ends Chromium gracefully (Browser.close, then the process), stops
// the proxy and removes the profile directory.
func (b *browser) close() error {
	b.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(b.bctx, 10*time.Second)
		err := chromedp.Cancel(ctx)
		cancel()
		b.cancelBctx()
		b.cancelAlloc()
		if err != nil && !errors.Is(err, context.Canceled) {
			b.closeErr = err
		}
		if perr := b.proxy.Close(); perr != nil && b.closeErr == nil {
			b.closeErr = perr
		}
		b.closed.Close()
		// Chromium's helpers may still write to the profile for a moment.
		for range 50 {
			if err := os.RemoveAll(b.dir); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	return b.closeErr
}

// newTab opens a tab in a new browser context (no cookies, storage or cache
// shared with any other page) whose traffic goes through the pages' proxy.
func (b *browser) newTab(parent context.Context, opts ...chromedp.ContextOption) (context.Context, context.CancelFunc) {
	opts = append(opts, chromedp.WithNewBrowserContext(func(p *target.CreateBrowserContextParams) {
		p.ProxyServer = b.proxy.URL()
		p.ProxyBypassList = "<-loopback>"
	}))
	return chromedp.NewContext(parent, opts...)
}

// pageWatch follows one tab's network events: the document request and its
// response, bytes per request, and the lifecycle of the navigation. Its
// methods run on chromedp's event loop and only record.
type pageWatch struct {
	maxDoc, maxPage int64
	abort           context.CancelFunc

	mu       sync.Mutex
	frame    string // the tab's main frame (a page target's id)
	docReq   network.RequestID
	loader   string
	docURL   string // the URL of the document request's last hop
	resp     *network.Response
	docBytes int64
	perReq   map[network.RequestID]int64
	total    int64
	tooLarge string
	blocked  *Refusal // why gate stopped a hop of the navigation
	gate     func(*fetch.EventRequestPaused)

	// inflight are the requests that started and have not ended; active
	// is when the last one started or ended.
	inflight map[network.RequestID]bool
	active   time.Time
}

// quiet is how long the network must be idle after the load event before
// the DOM is taken: Puppeteer's networkidle0 rule (no request for 500 ms).
const quiet = 500 * time.Millisecond

// settled reports whether no request has been in flight for quiet.
func (w *pageWatch) settled(now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.inflight) == 0 && now.Sub(w.active) >= quiet
}

func (w *pageWatch) event(ev any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		w.inflight[ev.RequestID] = true
		w.active = time.Now()
		if ev.Type == network.ResourceTypeDocument && string(ev.FrameID) == w.frame &&
			(w.docReq == "" || ev.RequestID == w.docReq) {
			w.docReq, w.loader = ev.RequestID, string(ev.LoaderID)
			if ev.Request != nil {
				w.docURL = ev.Request.URL
			}
		}
	case *network.EventResponseReceived:
		if ev.RequestID == w.docReq && w.docReq != "" {
			w.resp = ev.Response
		}
	case *network.EventDataReceived:
		w.perReq[ev.RequestID] += ev.EncodedDataLength
		w.total += ev.EncodedDataLength
		if ev.RequestID == w.docReq {
			w.docBytes += ev.DataLength
			if w.docBytes > w.maxDoc && w.tooLarge == "" {
				w.tooLarge = fmt.Sprintf("the document is over the %d-byte cap", w.maxDoc)
				w.abort()
			}
		}
		if w.total > w.maxPage && w.tooLarge == "" {
			w.tooLarge = fmt.Sprintf("the page pulled more than %d bytes", w.maxPage)
			w.abort()
		}
	case *network.EventLoadingFinished:
		n := int64(ev.EncodedDataLength)
		w.total += n - w.perReq[ev.RequestID]
		w.perReq[ev.RequestID] = n
		delete(w.inflight, ev.RequestID)
		w.active = time.Now()
	case *network.EventLoadingFailed:
		delete(w.inflight, ev.RequestID)
		w.active = time.Now()
	case *fetch.EventRequestPaused:
		// The gate runs commands, which a listener must not: hand it off.
		go w.gate(ev)
	}
}

// render loads u in a new tab and returns the rendered document.
func (b *browser) render(ctx context.Context, u *url.URL, c *Crawler) (*fetched, error) {
	select {
	case b.tabs <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-b.tabs }()

	pctx, pcancel := context.WithCancel(b.bctx)
	defer pcancel()
	stop := context.AfterFunc(ctx, pcancel)
	defer stop()
	w := &pageWatch{
		maxDoc:   b.cfg.MaxBodyBytes,
		maxPage:  b.cfg.MaxPageBytes,
		abort:    pcancel,
		perReq:   make(map[network.RequestID]int64),
		inflight: make(map[network.RequestID]bool),
	}
	tctx, tcancel := b.newTab(pctx, chromedp.WithListener(w.event))
	defer tcancel()
	if err := chromedp.Do(tctx); err != nil {
		return nil, b.loadError(ctx, w, err)
	}
	w.mu.Lock()
	w.frame = string(chromedp.FromContext(tctx).Target.TargetID)
	w.gate = func(ev *fetch.EventRequestPaused) { b.gate(tctx, w, ev, c) }
	w.mu.Unlock()
	// Pause every document request, so that each hop of the navigation
	// (redirects included) is checked against the policy and robots.txt
	// before Chromium asks the proxy for it.
	if _, err := chromedp.Call(tctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
		{URLPattern: "*", ResourceType: network.ResourceTypeDocument},
	}}); err != nil {
		return nil, b.loadError(ctx, w, err)
	}

	f := &fetched{}
	defer func() {
		w.mu.Lock()
		f.bytes = w.total
		w.mu.Unlock()
	}()
	navCtx, navCancel := context.WithTimeout(tctx, b.cfg.FetchTimeout)
	resp, err := chromedp.Run(navCtx, chromedp.NavigateResponse(u.String()))
	navCancel()
	if err != nil {
		w.mu.Lock()
		resp = w.resp
		w.mu.Unlock()
		// A document that is not shown (a download) aborts the
		// navigation; its response still makes a row without text.
		if resp == nil || kindOf(mediaType(resp.MimeType)) == kindHTML || !strings.Contains(err.Error(), "ERR_ABORTED") {
			return f, b.loadError(ctx, w, err)
		}
	}
	if resp == nil {
		return f, refuse(ReasonHTTPError, "chromium: no response for %s", u.Redacted())
	}
	if reason, ok := b.proxy.refusalFrom(headerMap(resp.Headers)); ok {
		return f, b.proxyRefusal(reason, resp.URL)
	}
	final, err := url.Parse(resp.URL)
	if err != nil {
		return f, refuse(ReasonHTTPError, "final URL %q: %v", resp.URL, err)
	}
	f.finalURL = final
	f.status = int(resp.Status)
	f.header = headerMap(resp.Headers)
	for k, v := range f.header {
		switch {
		case strings.EqualFold(k, "Content-Type"):
			f.contentType = v
		case strings.EqualFold(k, "Retry-After"):
			f.retryAfter = v
		}
	}
	if f.contentType == "" {
		f.contentType = resp.MimeType
	}
	if final.String() != u.String() {
		// The gate checked every hop; this only backs it up.
		if rf := c.checkHop(ctx, final.String()); rf != nil {
			return f, rf
		}
	}
	if f.status == 429 || f.status >= 500 {
		return f, nil
	}

	switch kindOf(mediaType(f.contentType)) {
	case kindHTML:
		// Let scripts finish: wait for the network to go quiet, within
		// RenderIdle (a page that polls or streams never goes quiet).
		deadline := time.Now().Add(b.cfg.RenderIdle)
		tick := time.NewTicker(50 * time.Millisecond)
		for now := time.Now(); !w.settled(now) && now.Before(deadline) && tctx.Err() == nil; now = time.Now() {
			<-tick.C
		}
		tick.Stop()
		html, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.documentElement ? document.documentElement.outerHTML : ""`))
		if err != nil {
			return f, b.loadError(ctx, w, err)
		}
		if int64(len(html)) > b.cfg.MaxBodyBytes {
			return f, refuse(ReasonTooLarge, "the rendered document is over the %d-byte cap", b.cfg.MaxBodyBytes)
		}
		f.body = []byte(html)
		f.raw = f.body
	case kindText:
		w.mu.Lock()
		id := w.docReq
		w.mu.Unlock()
		body, err := chromedp.Call(tctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: id})
		if err != nil {
			return f, b.loadError(ctx, w, err)
		}
		f.body = body.Body
	}
	return f, nil
}

// gate lets a paused document request of the main frame go on if the
// policy and robots.txt allow its URL, and fails it otherwise; documents of
// other frames (iframes) go on, as sub-resources do, checked by the proxy.
func (b *browser) gate(tctx context.Context, w *pageWatch, ev *fetch.EventRequestPaused, c *Crawler) {
	w.mu.Lock()
	main := string(ev.FrameID) == w.frame
	w.mu.Unlock()
	var why *Refusal
	if main && ev.Request != nil {
		why = c.checkHop(tctx, ev.Request.URL)
	}
	if why == nil {
		chromedp.Call(tctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
		return
	}
	w.mu.Lock()
	if w.blocked == nil {
		w.blocked = why
	}
	w.mu.Unlock()
	chromedp.Call(tctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
}

// loadError turns a failed navigation into a refusal.
func (b *browser) loadError(ctx context.Context, w *pageWatch, err error) error {
	w.mu.Lock()
	tooLarge, docURL, blocked := w.tooLarge, w.docURL, w.blocked
	w.mu.Unlock()
	if blocked != nil {
		return blocked
	}
	if tooLarge != "" {
		return refuse(ReasonTooLarge, "%s", tooLarge)
	}
	if ctx.Err() != nil {
		return &Refusal{Reason: ReasonTimeout, Detail: "the task ended during rendering", Err: ctx.Err()}
	}
	var le *chromedp.LoadError
	if !errors.As(err, &le) {
		if errors.Is(err, context.DeadlineExceeded) {
			return &Refusal{Reason: ReasonTimeout, Detail: "rendering took longer than " + b.cfg.FetchTimeout.String(), Err: err}
		}
		if !b.alive() {
			return fmt.Errorf("crawl: chromium exited: %w", err)
		}
		return &Refusal{Reason: ReasonHTTPError, Detail: "chromium: " + err.Error(), Err: err}
	}
	switch strings.TrimPrefix(le.ErrorText, "net::") {
	case "ERR_TUNNEL_CONNECTION_FAILED", "ERR_PROXY_CONNECTION_FAILED":
		return b.proxyRefusal("", docURL)
	case "ERR_UNSAFE_PORT":
		return refuse(ReasonUnsafeAddress, "chromium: %s", le.ErrorText)
	case "ERR_UNSAFE_REDIRECT", "ERR_UNKNOWN_URL_SCHEME", "ERR_DISALLOWED_URL_SCHEME":
		return refuse(ReasonScheme, "chromium: %s", le.ErrorText)
	case "ERR_TIMED_OUT", "ERR_CONNECTION_TIMED_OUT":
		return refuse(ReasonTimeout, "chromium: %s", le.ErrorText)
	}
	return &Refusal{Reason: ReasonHTTPError, Detail: "chromium: " + le.ErrorText, Err: err}
}

// proxyRefusal is the refusal the proxy recorded for the URL's host, or a
// generic one with the reason it marked.
func (b *browser) proxyRefusal(reason Reason, rawURL string) error {
	if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
		port := u.Port()
		if port == "" {
			port = "80"
			if u.Scheme == "https" || u.Scheme == "wss" {
				port = "443"
			}
		}
		if rf := b.proxy.Refused(net.JoinHostPort(u.Hostname(), port)); rf != nil {
			return &Refusal{Reason: rf.Reason, Detail: rf.Detail + " (in chromium)"}
		}
	}
	if reason == "" {
		reason = ReasonHTTPError
	}
	return refuse(reason, "the proxy refused %s", rawURL)
}

func headerMap(h network.Headers) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		switch v := v.(type) {
		case string:
			out[k] = v
		default:
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

// BrowserMemory returns the memory of the crawler's Chromium, all its
// processes together, in bytes: the sum of their proportional set sizes
// (shared pages split among the processes that share them, so the total is
// what Chromium really costs), or of their resident sizes where the kernel
// gives no PSS. Linux only; 0 when Chromium is not running.
func (c *Crawler) BrowserMemory() int64 {
	c.browserMu.Lock()
	b := c.browser
	c.browserMu.Unlock()
	if b == nil {
		return 0
	}
	return processTreeMemory(b.pid())
}

// processTreeMemory sums the memory of pid and its descendants, from /proc.
func processTreeMemory(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	children := make(map[int][]int)
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The command name may hold spaces; fields after ")" are fixed.
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(f[1]); err == nil {
			children[ppid] = append(children[ppid], p)
		}
	}
	var total int64
	stack := []int{pid}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		stack = append(stack, children[p]...)
		dir := filepath.Join("/proc", strconv.Itoa(p))
		if kb, ok := procField(filepath.Join(dir, "smaps_rollup"), "Pss:"); ok {
			total += kb << 10
		} else if kb, ok := procField(filepath.Join(dir, "status"), "VmRSS:"); ok {
			total += kb << 10
		}
	}
	return total
}

// procField reads "Key:   123 kB" from a /proc file.
func procField(path, key string) (int64, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, key); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb, err == nil
			}
		}
	}
	return 0, false
}
