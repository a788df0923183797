package state

import (
	"errors"
	"fmt"
)

// Errors returned by transitions. They are domain errors: the FSM returns
// them as the apply result, and the state is unchanged.
var (
	// ErrNotFound is returned for an unknown job, task, lease, node or dataset.
	ErrNotFound = errors.New("state: not found")
	// ErrInvalid is returned for a command whose arguments do not validate.
	ErrInvalid = errors.New("state: invalid")
	// ErrConflict is returned for a command that does not fit the current
	// state: a lease for a task that no longer needs one, a second
	// commitment, a reveal before a commitment.
	ErrConflict = errors.New("state: conflict")
	// ErrMismatch is returned for a reveal whose row hashes do not give the
	// committed content root or row count.
	ErrMismatch = errors.New("state: reveal does not match commitment")
	// ErrExpired is returned for a commitment or reveal on a lease past its
	// deadline.
	ErrExpired = errors.New("state: lease expired")
	// ErrForbidden is returned for a request whose signer may not do it:
	// reading another buyer's job, granting access to it (MayRead).
	ErrForbidden = errors.New("state: forbidden")
)

func notFound(what, id string) error { return fmt.Errorf("%w: %s %q", ErrNotFound, what, id) }

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

func conflictf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrConflict}, args...)...)
}

// FieldError is a domain error about one field of a request, such as a
// compute job whose input dataset does not exist: the HTTP layer names
// Field in its error body, and Err (wrapping ErrNotFound, ErrConflict or
// ErrInvalid) picks the status.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

func inField(field string, err error) error { return &FieldError{Field: field, Err: err} }
