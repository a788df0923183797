package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Sentinel errors. Every error this package returns wraps one of them, so
// callers (the HTTP layers in particular) pick a status with errors.Is.
var (
	// ErrInvalid is wrapped by every *FieldError: the request was well formed
	// JSON but a field's value breaks a rule.
	ErrInvalid = errors.New("api: invalid request")
	// ErrUnknownField is wrapped (along with ErrInvalid) by the *FieldError
	// for a JSON key that the target type does not have.
	ErrUnknownField = errors.New("api: unknown field")
	// ErrMalformed means the body is not JSON.
	ErrMalformed = errors.New("api: malformed JSON")
	// ErrEmptyBody means the body held no JSON value at all.
	ErrEmptyBody = errors.New("api: empty body")
	// ErrTooLarge means the body exceeded the size the endpoint accepts.
	ErrTooLarge = errors.New("api: body too large")
	// ErrTrailingData means something other than white space followed the
	// JSON value.
	ErrTrailingData = errors.New("api: trailing data after the JSON value")

	// ErrBadSignature means an envelope's signature is malformed or was not
	// made by the envelope's signer over its contents.
	ErrBadSignature = errors.New("api: bad signature")
	// ErrExpired means an envelope's expiry is not after the verifier's clock.
	ErrExpired = errors.New("api: request expired")
	// ErrExpiryTooFar means an envelope's expiry lies more than MaxExpiry
	// after the verifier's clock.
	ErrExpiryTooFar = errors.New("api: expiry too far ahead")
	// ErrReplayed means an envelope's nonce was used before, or is older
	// than the signer's nonce window.
	ErrReplayed = errors.New("api: nonce already used")
	// ErrWrongMethod means an envelope was signed for another endpoint.
	ErrWrongMethod = errors.New("api: wrong method")
	// ErrBodyNotCanonical means an envelope's body is not in the one
	// spelling that survives re-encoding (see Envelope).
	ErrBodyNotCanonical = errors.New("api: body is not canonical JSON")
)

// FieldError says which field of a request is wrong, what it held and what
// was expected. It wraps ErrInvalid. Field is a JSON path such as
// "crawl.fields[2].selector"; Value is the offending value as it would be
// written in JSON (quoted for strings, shortened when long), or empty when the
// field is missing.
type FieldError struct {
	Field    string
	Value    string
	Expected string
	// Err, when set, is a more specific sentinel (ErrUnknownField).
	Err error
}

// Error formats the error as `api: FIELD VALUE: expected EXPECTED`.
func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString("api: ")
	b.WriteString(e.Field)
	if e.Value != "" {
		b.WriteByte(' ')
		b.WriteString(e.Value)
	}
	if e.Err == ErrUnknownField {
		b.WriteString(": unknown field")
		if e.Expected != "" {
			b.WriteString("; expected ")
			b.WriteString(e.Expected)
		}
		return b.String()
	}
	b.WriteString(": expected ")
	b.WriteString(e.Expected)
	return b.String()
}

// Unwrap returns ErrInvalid and, when set, the more specific Err.
func (e *FieldError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrInvalid, e.Err}
	}
	return []error{ErrInvalid}
}

// FieldErrors returns every *FieldError in err's tree (errors.Join'ed
// validation results hold several), in order.
func FieldErrors(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(err error) {
		if fe, ok := err.(*FieldError); ok {
			out = append(out, fe)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			if e := u.Unwrap(); e != nil {
				walk(e)
			}
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

// maxValueLen bounds how much of a bad value an error echoes back.
const maxValueLen = 80

// quote formats a string value for a FieldError, shortened to maxValueLen
// runes so that an error never echoes a whole upload back.
func quote(s string) string {
	if utf8.RuneCountInString(s) > maxValueLen {
		r := []rune(s)
		return strconv.Quote(string(r[:maxValueLen])) + "…"
	}
	return strconv.Quote(s)
}

// ErrorCode is the machine-readable code in an error body.
type ErrorCode string

// The error codes servers send. Clients switch on these, never on messages.
const (
	CodeInvalid         ErrorCode = "invalid"          // 400: a field breaks a rule; Field names it
	CodeMalformed       ErrorCode = "malformed"        // 400: not JSON, empty, trailing data
	CodeTooLarge        ErrorCode = "too_large"        // 413
	CodeBadSig          ErrorCode = "bad_signature"    // 401
	CodeExpired         ErrorCode = "expired"          // 401: envelope expired or expiry too far ahead; re-sign
	CodeReplayed        ErrorCode = "replayed"         // 409: nonce used; re-sign with a fresh nonce
	CodeNotFound        ErrorCode = "not_found"        // 404
	CodeConflict        ErrorCode = "conflict"         // 409: the state does not allow it (lease gone, job done)
	CodePaymentRequired ErrorCode = "payment_required" // 402: the job's payments do not cover its price
	CodeNotLeader       ErrorCode = "not_leader"       // 503: retry on the leader
	CodeRateLimited     ErrorCode = "rate_limited"     // 429
	CodeUnavailable     ErrorCode = "unavailable"      // 503: no quorum, shutting down
	CodeInternal        ErrorCode = "internal"         // 500
)

// ErrorBody is the JSON body of every non-2xx response:
// {"error": {"code": "...", "field": "...", "message": "..."}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of an ErrorBody. Field is set for CodeInvalid.
type ErrorDetail struct {
	Code    ErrorCode `json:"code"`
	Field   string    `json:"field,omitempty"`
	Message string    `json:"message"`
	// Group and GroupsEpoch are set for CodeWrongGroup: the id of the
	// group that is home to the request, in the group map of that epoch.
	Group       string `json:"group,omitempty"`
	GroupsEpoch uint64 `json:"groups_epoch,omitempty"`
}

// Validate checks that the body carries a code and a message.
func (b ErrorBody) Validate() error {
	var v validator
	if !validErrorCode.MatchString(string(b.Error.Code)) {
		v.add("error.code", quote(string(b.Error.Code)), "a lowercase error code")
	}
	if b.Error.Message == "" {
		v.add("error.message", "", "a message")
	}
	return v.err()
}

// ErrorFor turns an error from this package into the HTTP status and body a
// server sends. ok is false for an error that wraps none of this package's
// sentinels; the server maps those itself (its own not-found, not-leader)
// or answers 500 without echoing the message.
func ErrorFor(err error) (status int, body ErrorBody, ok bool) {
	d := ErrorDetail{Message: err.Error()}
	var fe *FieldError
	var wg *WrongGroupError
	switch {
	case errors.As(err, &wg):
		status, d.Code, d.Group, d.GroupsEpoch = http.StatusMisdirectedRequest, CodeWrongGroup, wg.Group, wg.Epoch
	case errors.As(err, &fe):
		status, d.Code, d.Field = http.StatusBadRequest, CodeInvalid, fe.Field
	case errors.Is(err, ErrTooLarge):
		status, d.Code = http.StatusRequestEntityTooLarge, CodeTooLarge
	case errors.Is(err, ErrMalformed), errors.Is(err, ErrEmptyBody), errors.Is(err, ErrTrailingData),
		errors.Is(err, ErrBodyNotCanonical), errors.Is(err, ErrInvalid):
		status, d.Code = http.StatusBadRequest, CodeMalformed
	case errors.Is(err, ErrBadSignature), errors.Is(err, ErrWrongMethod):
		status, d.Code = http.StatusUnauthorized, CodeBadSig
	case errors.Is(err, ErrExpired), errors.Is(err, ErrExpiryTooFar):
		status, d.Code = http.StatusUnauthorized, CodeExpired
	case errors.Is(err, ErrReplayed):
		status, d.Code = http.StatusConflict, CodeReplayed
	default:
		return http.StatusInternalServerError, ErrorBody{Error: ErrorDetail{Code: CodeInternal, Message: "internal error"}}, false
	}
	return status, ErrorBody{Error: d}, true
}

// RemoteError is an error body a client received, with the HTTP status. It
// matches this package's sentinels with errors.Is by code, so a client
// retries on errors.Is(err, ErrReplayed) whichever side produced it.
type RemoteError struct {
	Status int
	ErrorDetail
}

// Err returns the body as a *RemoteError carrying status.
func (b ErrorBody) Err(status int) error {
	return &RemoteError{Status: status, ErrorDetail: b.Error}
}

// Error formats the remote error with its status and code.
func (e *RemoteError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("remote %d %s (%s): %s", e.Status, e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("remote %d %s: %s", e.Status, e.Code, e.Message)
}

// Is reports whether the remote code corresponds to target.
func (e *RemoteError) Is(target error) bool {
	switch e.Code {
	case CodeInvalid:
		return target == ErrInvalid
	case CodeMalformed:
		return target == ErrMalformed
	case CodeTooLarge:
		return target == ErrTooLarge
	case CodeBadSig:
		return target == ErrBadSignature
	case CodeExpired:
		return target == ErrExpired
	case CodeReplayed:
		return target == ErrReplayed
	case CodeWrongGroup:
		return target == ErrWrongGroup
	}
	return false
}
