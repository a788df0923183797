package blob

import (
	"context"
	"io"
	"time"

	"github.com/meadow-net/meadow/dataset"
)

// Backend is where a coordinator keeps its blobs: its own disk (Store, the
// default) or an S3-compatible object store that every coordinator of the
// cluster shares (S3). The coordinator, the Handler and the tests use blobs
// only through it, so the whole suite runs against each backend.
//
// Every backend keeps the same promises: a blob is visible under its name
// only once its bytes have been checked against the name (size within the
// cap, SHA-256) and made durable, so Put's nil is what an upload may be
// acknowledged on; bytes that do not hash to their name are never returned
// as a good blob (Check finds them; a reader that reaches the end of a full
// read returns a *DigestError instead of the last bytes).
type Backend interface {
	// String names the store in errors and logs ("disk /var/lib/meadow/blobs",
	// "s3 http://127.0.0.1:9000/meadow/blobs/").
	String() string

	// Shared reports whether the store is one that every coordinator of the
	// cluster reads and writes (an object store), whose own durability then
	// replaces the rule that a majority of members hold a copy: a blob Put
	// there needs no Replicator. False for a coordinator's own disk.
	Shared() bool

	// Put reads a blob from r and stores it under want, returning its size.
	// Bytes that do not hash to want give a *DigestError, more than maxSize
	// bytes (maxSize <= 0: no cap) a *SizeError; either way nothing is
	// stored. Put is idempotent: a blob already stored is not read again.
	// Once Put returns nil the blob is durable.
	Put(ctx context.Context, r io.Reader, want dataset.Hash, maxSize int64) (int64, error)

	// Open opens a stored blob for reading and returns its size; the error
	// wraps ErrNotFound if it is not stored. The caller closes the reader.
	Open(ctx context.Context, h dataset.Hash) (io.ReadSeekCloser, int64, error)

	// Stat describes a stored blob; the error wraps ErrNotFound if it is not.
	Stat(ctx context.Context, h dataset.Hash) (Info, error)

	// Check rereads a stored blob and returns a *DigestError if its bytes no
	// longer hash to its name. It leaves the blob in place.
	Check(ctx context.Context, h dataset.Hash) error

	// Remove deletes a blob, durably; the error wraps ErrNotFound if it was
	// not stored.
	Remove(ctx context.Context, h dataset.Hash) error

	// Walk calls fn for every stored blob in ascending order of hash and
	// stops at the first error fn returns, which Walk returns.
	Walk(ctx context.Context, fn func(Info) error) error

	// PresignGet returns a URL through which anyone holding it may GET the
	// blob (Range included) until ttl has passed, without passing through a
	// coordinator. A backend that cannot sign URLs (the disk) returns
	// ErrPresignUnsupported.
	PresignGet(ctx context.Context, h dataset.Hash, ttl time.Duration) (string, error)

	// PresignPut returns a URL through which the holder may PUT the blob's
	// size bytes until ttl has passed. The bytes land under the blob's name
	// unchecked: the coordinator must Check the object before it
	// acknowledges anything. ErrPresignUnsupported where the backend cannot
	// sign URLs.
	PresignPut(ctx context.Context, h dataset.Hash, size int64, ttl time.Duration) (string, error)
}

// creator is a Backend that can tell a Put that created the blob from one
// that found it there, for the peer protocol's 201 and 200.
type creator interface {
	put(ctx context.Context, r io.Reader, want dataset.Hash, maxSize int64) (size int64, created bool, err error)
}

// putCreated is Put that also reports, where the backend knows, whether the
// call created the blob.
func putCreated(ctx context.Context, b Backend, r io.Reader, want dataset.Hash, maxSize int64) (int64, bool, error) {
	if c, ok := b.(creator); ok {
		return c.put(ctx, r, want, maxSize)
	}
	n, err := b.Put(ctx, r, want, maxSize)
	return n, err == nil, err
}

// List returns the hashes of every blob b holds, in ascending order.
func List(ctx context.Context, b Backend) ([]dataset.Hash, error) {
	var out []dataset.Hash
	err := b.Walk(ctx, func(i Info) error {
		out = append(out, i.Hash)
		return nil
	})
	return out, err
}

// Has reports whether b holds h. An error other than ErrNotFound (a store
// that cannot be reached) counts as not held.
func Has(ctx context.Context, b Backend, h dataset.Hash) bool {
	_, err := b.Stat(ctx, h)
	return err == nil
}
