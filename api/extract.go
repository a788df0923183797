package api

import (
	"strings"
	"time"
)

// ExtractSpec turns on main-text extraction in a crawl (issue 13): every
// row of the job carries the page's main text without navigation, footers
// and ads (go-trafilatura, the extractor FineWeb uses), as plain text and
// as Markdown, with the title, author, publication date and declared
// language the page gives, and an extraction status. See
// docs/ARCHITECTURE.md, "Main text in the crawl path (issue 13)", and
// ExtractColumns for the columns.
//
// The options are the extractor's that change its output; a task carries
// them with every default written in, so replicas extract alike.
type ExtractSpec struct {
	// Enabled is the switch: true adds the columns. An extract object with
	// enabled false may carry no other option.
	Enabled bool `json:"enabled"`
	// Focus is trafilatura's trade-off: precision (the default, FineWeb's
	// setting), balanced or recall.
	Focus string `json:"focus,omitempty"`
	// Fallback lets trafilatura compare its result with readability's and
	// DOM Distiller's and keep the better one; absent means true (the
	// published setting).
	Fallback *bool `json:"fallback,omitempty"`
	// ExcludeTables drops <table> content from the main text.
	ExcludeTables bool `json:"exclude_tables,omitempty"`
	// MaxBytes is the largest page extracted, in bytes as fetched (the
	// rendered DOM for render_js); a longer page gives the status
	// too_large. Default 1 MiB (where Common Crawl truncates), at most
	// 2 MiB: the extractor's time grows faster than the page.
	MaxBytes int `json:"max_bytes,omitempty"`
	// LatestDate is the latest publication date accepted, YYYY-MM-DD: a
	// page that claims a later one gets no date. Default 2099-12-31. It is
	// a value of the job, never a node's clock.
	LatestDate string `json:"latest_date,omitempty"`
}

// The focuses of ExtractSpec and the defaults and limits of its numbers.
const (
	ExtractPrecision = "precision"
	ExtractBalanced  = "balanced"
	ExtractRecall    = "recall"

	DefaultExtractFocus      = ExtractPrecision
	DefaultExtractMaxBytes   = 1 << 20
	ExtractMaxBytesLimit     = 2 << 20
	DefaultExtractLatestDate = "2099-12-31"
)

// ExtractFocuses returns the focuses ExtractSpec.Focus may name.
func ExtractFocuses() []string { return []string{ExtractPrecision, ExtractBalanced, ExtractRecall} }

// Extraction statuses: the value of the extract_status column. ok means the
// main-text columns hold the extractor's result; every other status is a
// refusal the extractor defines for the page's bytes, so every replica
// records the same one, and the main-text columns are null.
const (
	// ExtractOK: main text found.
	ExtractOK = "ok"
	// ExtractEmpty: the document has no bytes, or only white space.
	ExtractEmpty = "empty"
	// ExtractTooLarge: the document is longer than max_bytes.
	ExtractTooLarge = "too_large"
	// ExtractNotHTML: the response is not HTML (its media type is not
	// text/html or application/xhtml+xml, or its bytes sniff as binary).
	ExtractNotHTML = "not_html"
	// ExtractNoText: the extractor found no main text (a page of
	// navigation only, say).
	ExtractNoText = "no_text"
	// ExtractFailed: the extractor broke down on the page (a panic in the
	// library, recovered); a function of the bytes like the others.
	ExtractFailed = "failed"
)

// ExtractStatuses returns every value of the extract_status column.
func ExtractStatuses() []string {
	return []string{ExtractOK, ExtractEmpty, ExtractTooLarge, ExtractNotHTML, ExtractNoText, ExtractFailed}
}

// On reports whether e asks for extraction (a nil e does not).
func (e *ExtractSpec) On() bool { return e != nil && e.Enabled }

// FallbackOn returns Fallback with its default (true) applied.
func (e *ExtractSpec) FallbackOn() bool { return e.Fallback == nil || *e.Fallback }

// LatestTime returns LatestDate (or its default) as midnight UTC.
func (e *ExtractSpec) LatestTime() time.Time {
	d := e.LatestDate
	if d == "" {
		d = DefaultExtractLatestDate
	}
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		t, _ = time.Parse(time.DateOnly, DefaultExtractLatestDate)
	}
	return t
}

func (e *ExtractSpec) clone() *ExtractSpec {
	if e == nil {
		return nil
	}
	out := *e
	if e.Fallback != nil {
		f := *e.Fallback
		out.Fallback = &f
	}
	return &out
}

// withDefaults writes the defaults into an enabled spec; a disabled one is
// left as it is (its tasks carry none).
func (e *ExtractSpec) withDefaults() {
	if !e.Enabled {
		return
	}
	if e.Focus == "" {
		e.Focus = DefaultExtractFocus
	}
	if e.Fallback == nil {
		t := true
		e.Fallback = &t
	}
	if e.MaxBytes == 0 {
		e.MaxBytes = DefaultExtractMaxBytes
	}
	if e.LatestDate == "" {
		e.LatestDate = DefaultExtractLatestDate
	}
}

// check validates e at path p. In a task (resolved) extraction is on and
// every option is written in, so that a node never applies defaults of its
// own.
func (e *ExtractSpec) check(v *validator, p string, resolved bool) {
	if !e.Enabled {
		var set []string
		if e.Focus != "" {
			set = append(set, "focus")
		}
		if e.Fallback != nil {
			set = append(set, "fallback")
		}
		if e.ExcludeTables {
			set = append(set, "exclude_tables")
		}
		if e.MaxBytes != 0 {
			set = append(set, "max_bytes")
		}
		if e.LatestDate != "" {
			set = append(set, "latest_date")
		}
		switch {
		case resolved:
			v.add(sub(p, "enabled"), "false", "true in a task (a task without extraction has no extract object)")
		case len(set) > 0:
			v.add(sub(p, "enabled"), "false", "true when extract options are set ("+strings.Join(set, ", ")+"), or no extract options")
		}
		return
	}
	oneOf(v, sub(p, "focus"), e.Focus, ExtractFocuses(), resolved)
	if resolved && e.Fallback == nil {
		v.add(sub(p, "fallback"), "", "true or false, written in")
	}
	v.num(sub(p, "max_bytes"), int64(e.MaxBytes), 1, ExtractMaxBytesLimit, itoa(DefaultExtractMaxBytes), resolved)
	switch {
	case e.LatestDate == "" && resolved:
		v.add(sub(p, "latest_date"), "", "a date YYYY-MM-DD, written in")
	case e.LatestDate != "":
		if t, err := time.Parse(time.DateOnly, e.LatestDate); err != nil || t.Format(time.DateOnly) != e.LatestDate || t.Year() < 1970 {
			v.add(sub(p, "latest_date"), quote(e.LatestDate), "a date YYYY-MM-DD from 1970-01-01 on (or absent for "+DefaultExtractLatestDate+")")
		}
	}
}
