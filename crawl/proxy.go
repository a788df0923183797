package crawl

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"strings"
	"sync"
	"time"
)

// DialFunc opens a connection; Policy.DialContext is one.
type DialFunc func(ctx context.Context, network, address string) (net.Conn, error)

// refusalHeader marks a response that the proxy made itself to refuse a
// request, so that the page loader can tell it from a site's own 403. Its
// value starts with the proxy's random token, so a site cannot forge it.
const refusalHeader = "X-Meadow-Refusal"

// Proxy is a forward HTTP proxy on 127.0.0.1 through which Chromium reaches
// the web: plain requests in absolute form, and CONNECT tunnels for https and
// WebSockets. Every connection it opens goes through its dial function (the
// Policy's), so sub-resources, redirects, WebSockets and anything a page's
// script asks for are checked like the crawler's own fetches.
type Proxy struct {
	dial  DialFunc
	log   *slog.Logger
	ln    net.Listener
	srv   *http.Server
	rp    *httputil.ReverseProxy
	token string

	// tunnelIdle closes a CONNECT tunnel with no traffic for this long.
	tunnelIdle time.Duration

	mu       sync.Mutex
	tunnels  map[net.Conn]struct{}
	refusals map[string]*Refusal // by "host:port", the most recent; bounded
	closed   bool
	wg       sync.WaitGroup
}

// maxRefusalNotes bounds the proxy's memory of recent refusals.
const maxRefusalNotes = 1024

// NewProxy starts a proxy on a free port of 127.0.0.1 that opens connections
// with dial. Close stops it.
func NewProxy(dial DialFunc, logger *slog.Logger) (*Proxy, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("crawl: proxy listen: %w", err)
	}
	tok := make([]byte, 12)
	rand.Read(tok)
	p := &Proxy{
		log:        logger.With("component", "crawl.proxy"),
		ln:         ln,
		token:      hex.EncodeToString(tok),
		tunnelIdle: 2 * time.Minute,
		tunnels:    make(map[net.Conn]struct{}),
		refusals:   make(map[string]*Refusal),
	}
	p.dial = func(ctx context.Context, network, address string) (net.Conn, error) {
		if address == ln.Addr().String() {
			return nil, refuse(ReasonUnsafeAddress, "%s is the proxy itself", address)
		}
		return dial(ctx, network, address)
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           p.dial,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       30 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		DisableCompression:    true, // pass the site's encoding through to Chromium untouched
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL = pr.In.URL
			pr.Out.Host = pr.In.Host
		},
		Transport:     tr,
		FlushInterval: -1,
		ErrorLog:      slog.NewLogLogger(p.log.Handler(), slog.LevelDebug),
		ErrorHandler:  p.roundTripError,
	}
	p.srv = &http.Server{
		Handler:           p,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          slog.NewLogLogger(p.log.Handler(), slog.LevelDebug),
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.srv.Serve(ln)
	}()
	return p, nil
}

// URL returns the proxy's address as Chromium's --proxy-server wants it.
func (p *Proxy) URL() string { return "http://" + p.ln.Addr().String() }

// Close stops the proxy and every open tunnel.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	for c := range p.tunnels {
		c.Close()
	}
	p.mu.Unlock()
	err := p.srv.Close()
	p.rp.Transport.(*http.Transport).CloseIdleConnections()
	p.wg.Wait()
	return err
}

// Refused returns the most recent refusal of a connection to authority
// ("host:port"), or nil. Chromium reports a refused CONNECT only as
// ERR_TUNNEL_CONNECTION_FAILED; this says why.
func (p *Proxy) Refused(authority string) *Refusal {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refusals[strings.ToLower(authority)]
}

func (p *Proxy) noteRefusal(authority string, r *Refusal) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.refusals) >= maxRefusalNotes {
		clear(p.refusals)
	}
	p.refusals[strings.ToLower(authority)] = r
}

// refusalFrom reads the proxy's refusal marker from a response's headers.
func (p *Proxy) refusalFrom(h map[string]string) (Reason, bool) {
	for k, v := range h {
		if !strings.EqualFold(k, refusalHeader) {
			continue
		}
		tok, reason, ok := strings.Cut(v, " ")
		if ok && tok == p.token {
			return Reason(reason), true
		}
	}
	return "", false
}

// ServeHTTP proxies one request.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		p.connect(w, r)
		return
	}
	if !r.URL.IsAbs() || r.URL.Host == "" {
		http.Error(w, "meadow proxy: expected an absolute URL", http.StatusBadRequest)
		return
	}
	switch strings.ToLower(r.URL.Scheme) {
	case "http": // https and ws(s) come as CONNECT
	default:
		p.refuseRequest(w, r.URL.Host, refuse(ReasonScheme, "scheme %q through the proxy", r.URL.Scheme))
		return
	}
	p.rp.ServeHTTP(w, r)
}

func (p *Proxy) roundTripError(w http.ResponseWriter, r *http.Request, err error) {
	if rf := AsRefusal(err); rf != nil {
		p.refuseRequest(w, r.URL.Host, rf)
		return
	}
	p.log.Debug("proxy round trip failed", "url", r.URL.Redacted(), "err", err)
	w.WriteHeader(http.StatusBadGateway)
}

func (p *Proxy) refuseRequest(w http.ResponseWriter, authority string, rf *Refusal) {
	if !strings.Contains(authority, ":") {
		authority += ":80"
	}
	p.noteRefusal(authority, rf)
	p.log.Info("refused", "target", authority, "reason", rf.Reason, "detail", rf.Detail)
	w.Header().Set(refusalHeader, p.token+" "+string(rf.Reason))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	io.WriteString(w, rf.Error()+"\n")
}

func (p *Proxy) connect(w http.ResponseWriter, r *http.Request) {
	authority := r.Host
	if _, _, err := net.SplitHostPort(authority); err != nil {
		http.Error(w, "meadow proxy: CONNECT needs host:port", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	upstream, err := p.dial(ctx, "tcp", authority)
	cancel()
	if err != nil {
		if rf := AsRefusal(err); rf != nil {
			p.refuseRequest(w, authority, rf)
			return
		}
		p.log.Debug("proxy connect failed", "target", authority, "err", err)
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		upstream.Close()
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	client, brw, err := hj.Hijack()
	if err != nil {
		upstream.Close()
		return
	}
	if !p.track(client, upstream) {
		client.Close()
		upstream.Close()
		return
	}
	defer p.untrack(client, upstream)
	if _, err := io.WriteString(client, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		return
	}
	p.splice(client, brw.Reader, upstream)
}

func (p *Proxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	for _, c := range conns {
		p.tunnels[c] = struct{}{}
	}
	return true
}

func (p *Proxy) untrack(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		c.Close()
		delete(p.tunnels, c)
	}
}

// splice copies both ways until both directions end or the tunnel idles.
func (p *Proxy) splice(client net.Conn, buffered *bufio.Reader, upstream net.Conn) {
	var wg sync.WaitGroup
	wg.Add(2)
	cp := func(dst net.Conn, src io.Reader, srcConn net.Conn) {
		defer wg.Done()
		buf := make([]byte, 32<<10)
		for {
			srcConn.SetReadDeadline(time.Now().Add(p.tunnelIdle))
			n, err := src.Read(buf)
			if n > 0 {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					break
				}
			}
			if err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					// Idle: end the whole tunnel.
					client.Close()
					upstream.Close()
				}
				break
			}
		}
		if cw, ok := dst.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		} else {
			dst.Close()
		}
	}
	var fromClient io.Reader = client
	if buffered != nil && buffered.Buffered() > 0 {
		fromClient = io.MultiReader(io.LimitReader(buffered, int64(buffered.Buffered())), client)
	}
	go cp(upstream, fromClient, client)
	go cp(client, upstream, upstream)
	wg.Wait()
}
