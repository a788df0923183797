package main

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/netip"
	"os"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/crawl"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/devnet"
)

// serveSite serves devnet's demo site on addr, with a few more pages under
// /x/ for the cases the extension must treat as the Go node does
// (redirects, charsets, robots directives, error statuses). It prints
// "LISTEN <base URL>" and serves until its standard input closes.
func serveSite(addr string) {
	site := devnet.NewSite(devnet.DefaultSiteConfig())
	mux := http.NewServeMux()
	mux.Handle("/", site)
	html := func(ct, body string, status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if ct == "" {
				w.Header()["Content-Type"] = nil // no header at all: the node sniffs
			} else {
				w.Header().Set("Content-Type", ct)
			}
			w.WriteHeader(status)
			fmt.Fprint(w, body)
		}
	}
	redirect := func(to string, code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Location", to); w.WriteHeader(code) }
	}
	page := `<!doctype html><html><head><title>Extra page</title></head><body><main><h1 class="title">Extra</h1>
<p class="byline">By <span class="author">Zoë Kravitz</span></p><article id="body"><p>café  crème</p></article></main></body></html>`
	mux.HandleFunc("GET /x/redirect", redirect("/articles/3", http.StatusFound))
	mux.HandleFunc("GET /x/redirect-chain", redirect("/x/redirect?from=chain", http.StatusMovedPermanently))
	mux.HandleFunc("GET /x/redirect-robots", redirect("/private/admin", http.StatusFound))
	mux.HandleFunc("GET /x/redirect-odd", redirect("../articles/4?q=a%20b#frag", http.StatusSeeOther))
	mux.HandleFunc("GET /x/redirect-ftp", redirect("ftp://example.com/file", http.StatusFound))
	mux.HandleFunc("GET /x/latin1", html("text/html; charset=ISO-8859-1", "<html><body><main><h1 class=title>caf\xe9</h1><article id=body>na\xefve \x93quoted\x94</article></main></body></html>", 200))
	mux.HandleFunc("GET /x/meta-charset", html("text/html", "<html><head><meta charset=koi8-r></head><body><main><h1 class=title>\xf0\xd2\xc9\xd7\xc5\xd4</h1></main></body></html>", 200))
	mux.HandleFunc("GET /x/no-content-type", html("", "<html><body><main><h1 class=title>sniffed</h1></main></body></html>", 200))
	mux.HandleFunc("GET /x/bad-utf8", html("text/html; charset=utf-8", "<html><body><main><h1 class=title>caf\xe9</h1></main></body></html>", 200))
	mux.HandleFunc("GET /x/text", html("text/plain; charset=utf-8", "plain  text\n\twith\u00a0spaces ", 200))
	mux.HandleFunc("GET /x/json", html("application/json", `{"a": 1}`, 200))
	mux.HandleFunc("GET /x/noindex", html("text/html; charset=utf-8", `<html><head><meta name="robots" content="noindex"></head><body>x</body></html>`, 200))
	mux.HandleFunc("GET /x/meadowbot-noai", html("text/html; charset=utf-8", `<html><head><meta name="MeadowBot" content="noai"></head><body>x</body></html>`, 200))
	mux.HandleFunc("GET /x/other-bot-noindex", html("text/html; charset=utf-8", `<html><head><meta name="robots" content="otherbot: noindex"></head><body><main><h1 class=title>kept</h1></main></body></html>`, 200))
	mux.HandleFunc("GET /x/x-robots", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Robots-Tag", "noai")
		html("text/html; charset=utf-8", page, 200)(w, r)
	})
	mux.HandleFunc("GET /x/not-found", html("text/html; charset=utf-8", page, 404))
	mux.HandleFunc("GET /x/gone", html("text/html; charset=utf-8", "<p>gone</p>", 410))
	mux.HandleFunc("GET /x/error", html("text/html; charset=utf-8", "<p>oops</p>", 500))
	mux.HandleFunc("GET /x/noscript", html("text/html; charset=utf-8", `<html><head><noscript><p>head noscript</p></noscript><title>T</title></head><body><main><p>a<noscript><p>b</p></noscript>c</p><h1 class=title>ns</h1></main></body></html>`, 200))
	mux.HandleFunc("GET /x/base", html("text/html; charset=utf-8", `<html><head><base href="/docs/"></head><body><main><h1 class=title>base</h1><a class=next href="page 2.html">n</a></main></body></html>`, 200))

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("LISTEN http://%s\n", ln.Addr())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	// Serve until standard input closes (the test ends).
	bufio.NewReader(os.Stdin).ReadString(0)
	srv.Close()
}

// crawlRequest is what -crawl reads from standard input.
type crawlRequest struct {
	URLs []string      `json:"urls"`
	Spec api.CrawlSpec `json:"spec"`
}

type crawlResult struct {
	URL     string            `json:"url"`
	Hash    string            `json:"hash,omitempty"`
	Row     []any             `json:"row,omitempty"`
	Refusal map[string]string `json:"refusal,omitempty"`
}

// crawlURLs fetches URLs with the Go node's crawler (static path, loopback
// allowed as in meadow dev, no politeness delay) and prints each URL's row
// hash and content values, or its refusal.
func crawlURLs() {
	var req crawlRequest
	dec := json.NewDecoder(os.Stdin)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		log.Fatal(err)
	}
	cfg := crawl.DefaultConfig()
	cfg.Development = true
	cfg.Policy.AllowList = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	cfg.PerDomainDelay = 0
	cfg.RenderJS = false
	c, err := crawl.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	var names []string
	for _, f := range req.Spec.Fields {
		names = append(names, f.Name)
	}
	s, err := dataset.CrawlSchemaWith(names, dataset.CrawlOptions{MainText: req.Spec.Extract.On()})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := c.Fetch(ctx, req.URLs, req.Spec)
	if err != nil {
		log.Fatal(err)
	}
	var out []crawlResult
	for _, r := range res {
		cr := crawlResult{URL: r.URL}
		if r.Refusal != nil {
			cr.Refusal = map[string]string{"reason": string(r.Refusal.Reason), "detail": r.Refusal.Detail}
		} else {
			row := dataset.CrawlRow(s, *r.Page, dataset.Provenance{})
			h, err := dataset.HashRow(s, row)
			if err != nil {
				cr.Refusal = map[string]string{"reason": "invalid_row", "detail": err.Error()}
			} else {
				cr.Hash = hex.EncodeToString(h[:])
				cr.Row = jsonRow(dataset.NormalizeRow(s, row)[:s.NumContent()])
			}
		}
		out = append(out, cr)
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}
