// Package extract takes the main text out of an HTML page for pretraining
// data, as FineWeb does: go-trafilatura (the Go port of trafilatura, the
// extractor datatrove runs for FineWeb) finds the main content and drops
// navigation, sidebars and footers; html-to-markdown writes the same content
// as CommonMark. Extract returns the plain text (one line per paragraph,
// heading, list item or code line), the Markdown, and the title, author,
// publication date and declared language the page gives.
//
// What it guarantees, because replicas cross-check its output:
//
//   - Deterministic: the result is a function of the page bytes, its URL and
//     the Options. The publication date search never reads the clock (the
//     latest accepted date is pinned, and go-dateparser, which fills gaps
//     from the clock, is not run); decoding follows the HTML standard's
//     sniffing, not a statistical charset detector; the text writer walks the
//     tree in order. TestDeterminism runs every golden input from several
//     goroutines under GOMAXPROCS 1 and 4; TestGoldenArm64 checks
//     testdata/golden.json under qemu-aarch64.
//   - Defined for every input: an empty page, bytes that are not text (an
//     image, a PDF, binary data), a page over Options.MaxBytes (1 MiB by
//     default) or a page without main text give an error wrapping one of the
//     sentinels in errors.go, which a crawl row can record as a refusal;
//     invalid UTF-8 is read as U+FFFD. FuzzExtract checks it.
//
// DESIGN.md beside this file gives the settings and why, the real-page
// corpus and its hand labels, the measured precision and recall, the cost,
// and what the library gets wrong.
//
// Extract is safe for concurrent use. The package imports only its two
// libraries (and golang.org/x/net and x/text); it is wired into the crawl
// path elsewhere.
package extract
