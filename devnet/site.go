package devnet

import "github.com/meadow-net/meadow/devnet/internal/demosite"

// Site is the demo web site: static articles, JavaScript-rendered pages,
// near-duplicate mirrors, a robots.txt with a disallowed path and a
// Crawl-delay, a volatile clock and a random ad on every page (which the
// demo job's extraction rules exclude), and text in several scripts. It
// lives in devnet/internal/demosite, which imports nothing of Meadow, so
// that the arm64 digest of the demo corpus (devnet/internal/pipedigest)
// makes the same pages without building the whole network.
type Site = demosite.Site

// SiteConfig shapes the demo web site.
type SiteConfig = demosite.Config

// DefaultSiteConfig is a few hundred pages: enough to split into many
// tasks, small enough to crawl in seconds.
func DefaultSiteConfig() SiteConfig { return demosite.DefaultConfig() }

// NewSite builds the site's handler.
func NewSite(cfg SiteConfig) *Site { return demosite.New(cfg) }

// Pages that main-text extraction (crawl.extract, issue 13) refuses or
// finds at its limits, under /odd/: none is linked from any page, so a
// crawl reaches them only when its URL list names them.
const (
	OddBlank  = demosite.OddBlank  // text/html with an empty body: extraction says empty
	OddBinary = demosite.OddBinary // text/html whose bytes are binary: not_html
	OddImage  = demosite.OddImage  // a PNG image: not_html
	OddNav    = demosite.OddNav    // HTML of navigation only: no main text
	OddLong   = demosite.OddLong   // an article of about 48 KiB (too_large under a smaller max_bytes)
)

// OddPages returns the paths of the odd pages.
func OddPages() []string { return demosite.OddPages() }
