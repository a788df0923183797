package verify

import "errors"

// Sentinel errors. Every error this package returns wraps one of them with
// what was found and what was expected, so callers test with errors.Is and
// users read what was wrong.
var (
	// ErrRevealMismatch says a reveal does not match its commitment: another
	// task or lease, another number of row hashes, or hashes that do not give
	// the committed content root.
	ErrRevealMismatch = errors.New("verify: reveal does not match commitment")
	// ErrMissingRow says an uploaded blob lacks a row whose hash the task
	// accepted.
	ErrMissingRow = errors.New("verify: accepted row missing from blob")
	// ErrUnknownKind says a task kind has no work-unit rate.
	ErrUnknownKind = errors.New("verify: unknown task kind")
)
