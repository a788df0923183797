package crawl

import (
	"errors"
	"fmt"

	"github.com/meadow-net/meadow/api"
)

// Reason says why a URL was refused: api's refusal reason, so that a node
// reports a crawl refusal to the coordinator as it is.
type Reason = api.RefusalReason

// The reasons a URL is refused (api's codes, named for this package).
const (
	// ReasonUnsafeAddress: the host resolved to, or redirected to, an address
	// that is not public (loopback, private, link-local, metadata, …), or the
	// port is not one the policy allows.
	ReasonUnsafeAddress = api.RefusedUnsafeAddress
	// ReasonScheme: the URL (or a redirect) is not http or https.
	ReasonScheme = api.RefusedScheme
	// ReasonRobots: robots.txt (or a robots meta tag or X-Robots-Tag header)
	// forbids it, or the site's Crawl-delay is longer than the node accepts.
	ReasonRobots = api.RefusedRobots
	// ReasonTooLarge: the response is larger than Config.MaxBodyBytes, or a
	// rendered page pulled more than Config.MaxPageBytes.
	ReasonTooLarge = api.RefusedTooLarge
	// ReasonTimeout: the fetch did not finish within Config.FetchTimeout.
	ReasonTimeout = api.RefusedTimeout
	// ReasonHTTPError: the server failed (5xx, 429 after the allowed retries,
	// too many redirects) or could not be reached.
	ReasonHTTPError = api.RefusedHTTPError
	// ReasonCapReached: the node's byte budget is spent.
	ReasonCapReached = api.RefusedCapReached
)

// Sentinel errors. A *Refusal matches the sentinel of its reason with
// errors.Is, so callers can write errors.Is(err, crawl.ErrUnsafeAddress).
var (
	ErrUnsafeAddress = errors.New("crawl: unsafe address")
	ErrScheme        = errors.New("crawl: scheme not allowed")
	ErrRobots        = errors.New("crawl: refused by robots.txt")
	ErrTooLarge      = errors.New("crawl: response too large")
	ErrTimeout       = errors.New("crawl: fetch timed out")
	ErrHTTPError     = errors.New("crawl: http error")
	ErrCapReached    = errors.New("crawl: byte cap reached")

	// ErrChromiumNotFound is returned when a page needs JavaScript and no
	// Chromium binary can be found.
	ErrChromiumNotFound = errors.New("crawl: chromium not found: install it with apt-get install chromium (make deps does)")
	// ErrRenderDisabled is returned by Fetch for a spec with RenderJS when
	// the crawler was configured without JavaScript rendering.
	ErrRenderDisabled = errors.New("crawl: the spec asks for render_js but this crawler has JavaScript rendering turned off")
	// ErrInvalidRule is wrapped by the errors of ValidateRules.
	ErrInvalidRule = errors.New("crawl: invalid extraction rule")
	// ErrInvalidConfig is wrapped by the errors of Config.Validate and
	// Policy.Validate.
	ErrInvalidConfig = errors.New("crawl: invalid config")
	// ErrClosed is returned by Fetch after Close.
	ErrClosed = errors.New("crawl: crawler closed")
)

var reasonErrors = map[Reason]error{
	ReasonUnsafeAddress: ErrUnsafeAddress,
	ReasonScheme:        ErrScheme,
	ReasonRobots:        ErrRobots,
	ReasonTooLarge:      ErrTooLarge,
	ReasonTimeout:       ErrTimeout,
	ReasonHTTPError:     ErrHTTPError,
	ReasonCapReached:    ErrCapReached,
}

// Refusal is the error of a URL the crawler would not, or could not, fetch.
// Reason is the code the node reports; Detail says what exactly happened
// ("10.0.0.1 is private (10.0.0.0/8)"), for logs and for the buyer.
type Refusal struct {
	Reason Reason
	Detail string
	Err    error // the underlying error, if any
}

// Error returns "crawl: refused (reason): detail".
func (r *Refusal) Error() string {
	if r.Detail == "" {
		return fmt.Sprintf("crawl: refused (%s)", r.Reason)
	}
	return fmt.Sprintf("crawl: refused (%s): %s", r.Reason, r.Detail)
}

// Unwrap returns the sentinel of the reason and the underlying error.
func (r *Refusal) Unwrap() []error {
	errs := make([]error, 0, 2)
	if s := reasonErrors[r.Reason]; s != nil {
		errs = append(errs, s)
	}
	if r.Err != nil {
		errs = append(errs, r.Err)
	}
	return errs
}

func refuse(reason Reason, format string, args ...any) *Refusal {
	return &Refusal{Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

// AsRefusal returns the *Refusal in err's chain, or nil.
func AsRefusal(err error) *Refusal {
	var r *Refusal
	if errors.As(err, &r) {
		return r
	}
	return nil
}
