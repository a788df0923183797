// Package crawl fetches web pages and extracts rows from them: colly for
// static pages, chromedp driving Chromium for pages that need JavaScript, both
// ending in the same extraction code. It owns the URL safety policy (only
// public addresses, checked at dial time and on every redirect, also for
// Chromium through a forward proxy), robots.txt and politeness.
//
// A node makes one Crawler with New(DefaultConfig() + its limits) and calls
// Fetch for each task; each URL gives a Result with a dataset.Page or a
// Refusal whose Reason is the api refusal code. ValidateRules checks a spec's
// selectors with the engine extraction uses. See DESIGN.md.
package crawl
