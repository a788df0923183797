// Package crawl fetches web pages and extracts rows from them: colly for
// static pages, chromedp driving Chromium for pages that need JavaScript, both
// ending in the same extraction code. It owns the URL safety policy (only
// public addresses, checked at dial time and on every redirect, also for
// Chromium through a forward proxy), robots.txt and politeness.
package crawl
