// Package demosite is the demo web site of the dev network: static
// articles, JavaScript-rendered pages, near-duplicate mirrors, odd pages
// for main-text extraction, a robots.txt with a disallowed path and a
// Crawl-delay. devnet serves it on loopback (devnet.Site is this Site);
// it imports nothing of Meadow, so that a program can make the site's
// pages in-process for little build cost (devnet/internal/pipedigest,
// the arm64 digest of the demo corpus).
package demosite

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Config shapes the demo web site.
type Config struct {
	Articles   int     // static article pages, /articles/N
	JSPages    int     // pages whose content only JavaScript renders, /js/N
	Mirrors    int     // near-duplicates of the first articles, /mirror/N
	CrawlDelay float64 // robots.txt Crawl-delay in seconds
	Seed       uint64  // makes the text reproducible
}

// DefaultConfig is a few hundred pages: enough to split into many tasks,
// small enough to crawl in seconds.
func DefaultConfig() Config {
	return Config{Articles: 200, JSPages: 40, Mirrors: 30, CrawlDelay: 0.01, Seed: 7}
}

// Site is the demo web site: static articles, JavaScript-rendered pages,
// near-duplicate mirrors, a robots.txt with a disallowed path and a
// Crawl-delay, a volatile clock and a random ad on every page (which the demo
// job's extraction rules exclude), and text in several scripts.
type Site struct {
	cfg  Config
	mux  *http.ServeMux
	hits atomic.Int64
	// privateHits counts requests to the path robots.txt disallows; a polite
	// crawler never makes one.
	privateHits atomic.Int64
}

// New builds the site's handler.
func New(cfg Config) *Site {
	s := &Site{cfg: cfg, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /robots.txt", s.robots)
	s.mux.HandleFunc("GET /{$}", s.index)
	s.mux.HandleFunc("GET /articles/{n}", s.article)
	s.mux.HandleFunc("GET /mirror/{n}", s.mirror)
	s.mux.HandleFunc("GET /js/{n}", s.jsPage)
	s.mux.HandleFunc("GET /js/{n}/data.json", s.jsData)
	s.mux.HandleFunc("GET /odd/{name}", s.odd)
	s.mux.HandleFunc("GET /private/", func(w http.ResponseWriter, r *http.Request) {
		s.privateHits.Add(1)
		http.Error(w, "robots.txt asked you not to come here", http.StatusForbidden)
	})
	return s
}

// ServeHTTP serves the site.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.hits.Add(1)
	s.mux.ServeHTTP(w, r)
}

// Hits is the number of requests served; PrivateHits those to the disallowed
// path.
func (s *Site) Hits() int64        { return s.hits.Load() }
func (s *Site) PrivateHits() int64 { return s.privateHits.Load() }

// ArticleURLs lists the paths of the static articles and mirrors, the
// JavaScript pages separately.
func (s *Site) ArticleURLs(base string) (static, js []string) {
	for i := 0; i < s.cfg.Articles; i++ {
		static = append(static, fmt.Sprintf("%s/articles/%d", base, i))
	}
	for i := 0; i < s.cfg.Mirrors; i++ {
		static = append(static, fmt.Sprintf("%s/mirror/%d", base, i))
	}
	for i := 0; i < s.cfg.JSPages; i++ {
		js = append(js, fmt.Sprintf("%s/js/%d", base, i))
	}
	return static, js
}

// Pages that main-text extraction (crawl.extract, issue 13) refuses or
// finds at its limits, under /odd/: none is linked from any page, so a
// crawl reaches them only when its URL list names them. OddPages lists
// their paths.
const (
	OddBlank  = "/odd/blank"    // text/html with an empty body: extraction says empty
	OddBinary = "/odd/binary"   // text/html whose bytes are binary: not_html
	OddImage  = "/odd/logo.png" // a PNG image: not_html
	OddNav    = "/odd/nav"      // HTML of navigation only: no main text
	OddLong   = "/odd/long"     // an article of about 48 KiB (too_large under a smaller max_bytes)
)

// OddPages returns the paths of the odd pages.
func OddPages() []string { return []string{OddBlank, OddBinary, OddImage, OddNav, OddLong} }

// oddPNG is a 1×1 transparent PNG.
var oddPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func (s *Site) odd(w http.ResponseWriter, r *http.Request) {
	switch "/odd/" + r.PathValue("name") {
	case OddBlank:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	case OddBinary:
		// Control bytes, valid UTF-8: a server that labels a file wrongly.
		// The row's text stays encodable; the extractor sniffs binary.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08 not a page \x0e\x0f\x10\x11"))
	case OddImage:
		w.Header().Set("Content-Type", "image/png")
		w.Write(oddPNG)
	case OddNav:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Site map</title></head>`+
			`<body><nav><ul><li><a href="/">Home</a></li><li><a href="/articles/0">Articles</a></li><li><a href="/js/0">Scripts</a></li></ul></nav></body></html>`)
	case OddLong:
		p := s.articlePage(0)
		p.Title = "A long article"
		var paras []string
		for len(strings.Join(paras, "")) < 48<<10 {
			paras = append(paras, s.articlePage(len(paras)).Paragraphs...)
		}
		p.Paragraphs = paras
		s.render(w, p)
	default:
		http.NotFound(w, r)
	}
}

func (s *Site) robots(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "User-agent: *\nDisallow: /private/\nCrawl-delay: %s\n", strconv.FormatFloat(s.cfg.CrawlDelay, 'f', -1, 64))
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Title}}</title>
<meta name="author" content="{{.Author}}">{{if .Script}}
<script>{{.Script}}</script>{{end}}</head>
<body>
<header><nav><a href="/">Home</a> · <a href="/private/admin">Staff only</a></nav>
<div class="clock">Served at {{.Clock}}</div></header>
<main>
<h1 class="title">{{.Title}}</h1>
<p class="byline">By <span class="author">{{.Author}}</span></p>
<article id="body">{{range .Paragraphs}}<p>{{.}}</p>
{{end}}</article>
</main>
<aside class="ad">{{.Ad}}</aside>
<footer>{{range .Links}}<a href="{{.}}">{{.}}</a> {{end}}</footer>
</body></html>
`))

type page struct {
	Lang, Title, Author, Clock, Ad string
	Paragraphs                     []string
	Links                          []string
	Script                         template.JS
}

func (s *Site) index(w http.ResponseWriter, _ *http.Request) {
	var links []string
	for i := 0; i < s.cfg.Articles; i += 10 {
		links = append(links, fmt.Sprintf("/articles/%d", i))
	}
	for i := 0; i < s.cfg.JSPages; i += 10 {
		links = append(links, fmt.Sprintf("/js/%d", i))
	}
	s.render(w, page{Lang: "en", Title: "Meadow demo site", Author: "Meadow", Paragraphs: []string{"A site for the local network to crawl."}, Links: links})
}

func (s *Site) number(w http.ResponseWriter, r *http.Request, limit int) (int, bool) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 || n >= limit {
		http.NotFound(w, r)
		return 0, false
	}
	return n, true
}

func (s *Site) article(w http.ResponseWriter, r *http.Request) {
	n, ok := s.number(w, r, s.cfg.Articles)
	if !ok {
		return
	}
	s.render(w, s.articlePage(n))
}

// mirror serves a near-duplicate of article n: the same text with one
// sentence changed, the kind of page near-duplicate detection should group.
func (s *Site) mirror(w http.ResponseWriter, r *http.Request) {
	n, ok := s.number(w, r, s.cfg.Mirrors)
	if !ok {
		return
	}
	p := s.articlePage(n)
	p.Title += " (mirror)"
	p.Paragraphs = append([]string(nil), p.Paragraphs...)
	p.Paragraphs[len(p.Paragraphs)-1] = "This copy was republished by a mirror site."
	s.render(w, p)
}

// jsPage has no content in its HTML: a script fetches it and builds the DOM,
// so only a crawler that renders JavaScript sees the article.
func (s *Site) jsPage(w http.ResponseWriter, r *http.Request) {
	_, ok := s.number(w, r, s.cfg.JSPages)
	if !ok {
		return
	}
	script := template.JS(`document.addEventListener('DOMContentLoaded', async () => {
  const d = await (await fetch(location.pathname + '/data.json')).json();
  document.querySelector('h1.title').textContent = d.title;
  document.querySelector('span.author').textContent = d.author;
  const body = document.getElementById('body');
  for (const t of d.paragraphs) { const p = document.createElement('p'); p.textContent = t; body.appendChild(p); }
});`)
	s.render(w, page{Lang: "en", Title: "Loading…", Author: "", Clock: s.clock(), Ad: s.ad(), Script: script, Links: []string{"/"}})
}

func (s *Site) jsData(w http.ResponseWriter, r *http.Request) {
	n, ok := s.number(w, r, s.cfg.JSPages)
	if !ok {
		return
	}
	p := s.articlePage(100000 + n)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"title": p.Title, "author": p.Author, "paragraphs": p.Paragraphs})
}

func (s *Site) render(w http.ResponseWriter, p page) {
	if p.Clock == "" {
		p.Clock = s.clock()
	}
	if p.Ad == "" {
		p.Ad = s.ad()
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pageTmpl.Execute(w, p); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// The volatile parts: they differ between two fetches of the same page.
func (s *Site) clock() string { return time.Now().Format(time.RFC3339Nano) }
func (s *Site) ad() string {
	return fmt.Sprintf("Buy %d widgets today!", rand.IntN(1_000_000))
}

// Text in several scripts, with characters NFC normalization and white space
// collapsing must handle (a decomposed é, non-breaking spaces, tabs).
var (
	authors = []string{"Ada Lovelace", "José Martí", "Zoë Kravitz", "Søren Kierkegaard", "李白", "Nguyễn Du", "Анна Ахматова", "محمود درويش", "Rabindranath Tagore"}
	topics  = []string{"meadows", "bandwidth", "rivers", "数据集", "crawlers", "graphs", "погода", "Merkle trees", "café culture", "the sea"}
	words   = strings.Fields("the a network of home nodes fetches pages and checks rows against each other so that buyers trust data every field is hashed sorted and proven a quiet meadow holds many small flowers in spring light wind")
	extras  = []string{"naïve café", "Cafe\u0301 crème", "über\u00a0alles", "東京\tと\u3000大阪", "emoji 🌼 bloom", "שלום עולם", "ﬁne ligature"}
)

func (s *Site) articlePage(n int) page {
	r := rand.New(rand.NewPCG(s.cfg.Seed, uint64(n)))
	topic := topics[r.IntN(len(topics))]
	p := page{
		Lang:   "en",
		Title:  fmt.Sprintf("On %s, part %d", topic, n),
		Author: authors[r.IntN(len(authors))],
	}
	paras := 3 + r.IntN(4)
	for i := 0; i < paras; i++ {
		var b strings.Builder
		sentences := 3 + r.IntN(5)
		for j := 0; j < sentences; j++ {
			ws := 6 + r.IntN(10)
			for k := 0; k < ws; k++ {
				if k > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(words[r.IntN(len(words))])
			}
			if r.IntN(4) == 0 {
				b.WriteString(" — " + extras[r.IntN(len(extras))])
			}
			b.WriteString(". ")
		}
		p.Paragraphs = append(p.Paragraphs, b.String())
	}
	p.Paragraphs = append(p.Paragraphs, "Article "+strconv.Itoa(n)+" ends here.")
	next := (n + 1) % max(1, s.cfg.Articles)
	p.Links = []string{"/", fmt.Sprintf("/articles/%d", next)}
	if n < s.cfg.Mirrors {
		p.Links = append(p.Links, fmt.Sprintf("/mirror/%d", n))
	}
	return p
}
