package extract

import "errors"

// Errors of Extract. Each is wrapped with what was found and what was
// expected; callers use errors.Is. A crawl row records the refusal (the
// error's sentinel text) instead of a text, so replicas agree on it.
var (
	// ErrEmpty: the page has no bytes, or only white space.
	ErrEmpty = errors.New("extract: empty page")
	// ErrTooLarge: the page is longer than Options.MaxBytes.
	ErrTooLarge = errors.New("extract: page too large")
	// ErrNotHTML: the bytes are not text (an image, a PDF, an archive,
	// binary data), by the WHATWG content sniffing rules.
	ErrNotHTML = errors.New("extract: not an HTML page")
	// ErrNoText: the extractor found no main text.
	ErrNoText = errors.New("extract: no main text")
	// ErrOptions is wrapped by every error of Options.Validate.
	ErrOptions = errors.New("extract: invalid options")
)
