package blob

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// Errors returned by the package. Callers compare with errors.Is; most come
// wrapped with the detail of the failed call (the hash, the peer, the sizes).
var (
	// ErrInvalidHash is returned for a blob name that is not 64 lowercase
	// hex digits.
	ErrInvalidHash = errors.New("blob: invalid hash")

	// ErrNotFound is returned for a blob the store does not hold, or that no
	// peer holds.
	ErrNotFound = errors.New("blob: not found")

	// ErrDigestMismatch is wrapped by *DigestError: the bytes do not hash to
	// the name they were offered under.
	ErrDigestMismatch = errors.New("blob: digest mismatch")

	// ErrTooLarge is wrapped by *SizeError: the bytes exceed the size cap.
	ErrTooLarge = errors.New("blob: too large")

	// ErrNoToken is returned by a Replicator or Handler that has no cluster
	// token configured and is asked to talk to a peer: peer pushes and
	// fetches are disabled until the operator sets the same --cluster-token
	// on every coordinator.
	ErrNoToken = errors.New("blob: no cluster token configured; set the same --cluster-token on every coordinator")

	// ErrUnauthorized is returned for a peer request that carries no
	// Meadow-Cluster-Token header (HTTP 401).
	ErrUnauthorized = errors.New("blob: missing " + TokenHeader + " header")

	// ErrForbidden is returned for a peer request whose token does not match
	// this coordinator's cluster token (HTTP 403).
	ErrForbidden = errors.New("blob: wrong cluster token")

	// ErrNoQuorum is returned by Replicate when a majority of the cluster did
	// not hold the blob before the context ended. The caller must not
	// acknowledge the upload.
	ErrNoQuorum = errors.New("blob: not stored on a majority of the cluster")

	// ErrUnavailable is returned by Fetch when no peer could supply a valid
	// copy of the blob.
	ErrUnavailable = errors.New("blob: no peer could supply the blob")

	// ErrClosed is returned by a Replicator after Close.
	ErrClosed = errors.New("blob: replicator closed")

	// ErrPresignUnsupported is returned by a Backend that cannot hand out
	// presigned URLs (a coordinator's own disk).
	ErrPresignUnsupported = errors.New("blob: presigned URLs are not supported by this store")

	// ErrStore is wrapped by every failure of an object store to store,
	// check or serve a blob (unreachable, refusing writes, missing bucket);
	// the error names the store. An upload that gets it is not
	// acknowledged.
	ErrStore = errors.New("blob: object store failed")

	// ErrInvalidConfig is returned by Config.Validate; the wrapping error
	// names the field.
	ErrInvalidConfig = errors.New("blob: invalid config")
)

// DigestError reports bytes that do not hash to the expected name. It wraps
// ErrDigestMismatch.
type DigestError struct {
	Want dataset.Hash // the name the bytes were offered under
	Got  dataset.Hash // what they hash to
	Size int64        // how many bytes were read
}

// Error names the expected and the actual digest.
func (e *DigestError) Error() string {
	return fmt.Sprintf("blob: digest mismatch: expected sha256 %s, got %s over %d bytes", e.Want, e.Got, e.Size)
}

// Unwrap returns ErrDigestMismatch.
func (e *DigestError) Unwrap() error { return ErrDigestMismatch }

// SizeError reports bytes beyond the size cap. It wraps ErrTooLarge.
type SizeError struct {
	Hash dataset.Hash // the blob's name
	Max  int64        // the cap
	Size int64        // the size declared or found; Max+1 when reading stopped at the cap
}

// Error names the cap and the size.
func (e *SizeError) Error() string {
	if e.Size == e.Max+1 {
		return fmt.Sprintf("blob %s: more than %d bytes: expected at most %d", e.Hash, e.Max, e.Max)
	}
	return fmt.Sprintf("blob %s: %d bytes: expected at most %d", e.Hash, e.Size, e.Max)
}

// Unwrap returns ErrTooLarge.
func (e *SizeError) Unwrap() error { return ErrTooLarge }

// PeerError is an error answer from a peer coordinator: its HTTP status and,
// when it sent one, its api.ErrorBody.
type PeerError struct {
	Peer   string // the peer's id
	Status int
	Detail api.ErrorDetail
}

// Error names the peer, the status and the peer's message.
func (e *PeerError) Error() string {
	msg := e.Detail.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("blob: peer %s answered %d %s: %s", e.Peer, e.Status, e.Detail.Code, msg)
}

// Is matches the sentinel that the peer's status stands for, so that a
// caller handles a remote 404 like a local one.
func (e *PeerError) Is(target error) bool {
	switch e.Status {
	case http.StatusNotFound:
		return target == ErrNotFound
	case http.StatusUnauthorized:
		return target == ErrUnauthorized
	case http.StatusForbidden:
		return target == ErrForbidden
	case http.StatusRequestEntityTooLarge:
		return target == ErrTooLarge
	}
	return false
}
