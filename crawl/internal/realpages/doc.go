// Package realpages measures main-text extraction on real-world HTML that
// no one in this project wrote: pages of documentation that Debian packages
// install (crawl/testdata/realpages). It turns a page into its visible lines,
// keeps hand-made labels of those lines (main text or boilerplate) as
// hashes, pinned to the package version, and scores an extraction against
// them: the precision and recall of kept lines. It is test support for
// crawl's TestRealPages and the labelling tool crawl/internal/cmd/realpages;
// no production code imports it.
package realpages
