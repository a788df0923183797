package blob

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/meadow-net/meadow/dataset"
)

// Staged uploads (issue 16, "bytes bypass the coordinators"). A node PUTs
// its task blob straight into the bucket, under a staging key, through a
// URL the leader presigned; a coordinator then reads the staged object,
// checks it (its SHA-256, the accepted rows, the rows' signatures), puts
// the blob under its content-addressed name (a server-side copy when every
// row is kept) and removes the staging object. Nothing under a blob's name
// is ever written by a node: a blob's key keeps its promise (checked bytes
// only) whatever a node sends.

// StagingDir is the folder, under the store's prefix, of staged uploads:
// PREFIX/uploads/TASK/NODE, one object per lease, so that what a node can
// stage is bounded by its leases, whatever digests it names (a new URL's
// PUT replaces the last). Walk skips it (its keys are not blob names);
// SweepStaged removes what was left there.
const StagingDir = "uploads/"

// StagedPut is a presigned PUT of a staged upload.
type StagedPut struct {
	// URL is the presigned URL; it is a bearer credential for one key.
	URL string
	// Headers must be sent with the PUT exactly as given: they are part of
	// the signature (Content-Length, the SHA-256 checksum the store checks
	// the bytes against), so the store refuses any other size or digest.
	Headers map[string]string
	// Key is the staging key, under the store's prefix.
	Key string
	// Expires is when the URL stops working.
	Expires time.Time
}

// StagingKey returns the staging key of node's upload for task. Task ids
// and addresses come from the state (api's ID rule: no slash), never from
// a request as such.
func (s *S3) StagingKey(task, node string) string {
	return s.cfg.Prefix + StagingDir + task + "/" + strings.ToLower(node)
}

// PresignStagedPut signs a PUT of size bytes hashing to sum under key, valid
// for ttl. Content-Length and x-amz-checksum-sha256 are signed headers: a
// PUT of another size fails the signature, and one whose bytes do not hash
// to sum is refused by the store (BadDigest) and stores nothing
// (TestS3PresignedPutEnforced checks both against the gateway).
func (s *S3) PresignStagedPut(ctx context.Context, key string, size int64, sum dataset.Hash, ttl time.Duration) (StagedPut, error) {
	hdr := http.Header{}
	hdr.Set("Content-Length", strconv.FormatInt(size, 10))
	hdr.Set("X-Amz-Checksum-Sha256", base64.StdEncoding.EncodeToString(sum[:]))
	hdr.Set("Content-Type", ContentType)
	exp := time.Now().Add(ttl)
	u, err := s.c.PresignHeader(ctx, http.MethodPut, s.cfg.Bucket, key, ttl, nil, hdr)
	if err != nil {
		return StagedPut{}, s.fail("presign the staged PUT of", sum, err)
	}
	out := StagedPut{URL: u.String(), Key: key, Expires: exp, Headers: map[string]string{}}
	for k := range hdr {
		out.Headers[k] = hdr.Get(k)
	}
	return out, nil
}

// StagedObject is a staged upload's object as the store reports it.
type StagedObject struct {
	Key  string
	Size int64
	// ETag pins the version: OpenStaged and Promote refuse another.
	ETag string
	// SHA256 is the checksum the store keeps (base64), empty if none.
	SHA256 string
}

// StatStaged describes the object under a staging key; the error wraps
// ErrNotFound when there is none and ErrStore when the store fails.
func (s *S3) StatStaged(ctx context.Context, key string) (StagedObject, error) {
	oi, err := s.c.StatObject(ctx, s.cfg.Bucket, key, minio.StatObjectOptions{Checksum: true})
	if err != nil {
		if isNotFound(err) {
			return StagedObject{}, fmt.Errorf("%w: staged upload %s", ErrNotFound, key)
		}
		return StagedObject{}, fmt.Errorf("%w: %s: stat staged upload %s: %w", ErrStore, s.name, key, err)
	}
	return StagedObject{Key: key, Size: oi.Size, ETag: oi.ETag, SHA256: oi.ChecksumSHA256}, nil
}

// OpenStaged reads the version o of a staged object. Errors of the store,
// opening or reading, wrap ErrStore; the caller hashes what it reads.
func (s *S3) OpenStaged(ctx context.Context, o StagedObject) (io.ReadCloser, error) {
	opts := minio.GetObjectOptions{}
	if o.ETag != "" {
		_ = opts.SetMatchETag(o.ETag)
	}
	obj, err := s.c.GetObject(ctx, s.cfg.Bucket, o.Key, opts)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: open staged upload %s: %w", ErrStore, s.name, o.Key, err)
	}
	return &stagedReader{s: s, key: o.Key, obj: obj}, nil
}

type stagedReader struct {
	s   *S3
	key string
	obj *minio.Object
}

func (r *stagedReader) Read(p []byte) (int, error) {
	n, err := r.obj.Read(p)
	if err != nil && err != io.EOF {
		return n, fmt.Errorf("%w: %s: read staged upload %s: %w", ErrStore, r.s.name, r.key, err)
	}
	return n, err
}

func (r *stagedReader) Close() error { return r.obj.Close() }

// Promote puts the staged object o, already read and checked by the caller
// (it hashes to h and has size bytes), under blob h's name with a
// server-side copy: the bytes do not pass through the coordinator again.
// The copy is pinned to o's version (If-Match), and the result is checked
// as Put's is (a HEAD: size and SHA-256). A blob already held is left as
// it is.
func (s *S3) Promote(ctx context.Context, o StagedObject, h dataset.Hash, size int64) error {
	sum := base64.StdEncoding.EncodeToString(h[:])
	if oi, err := s.stat(ctx, h); err == nil && oi.Size == size && (oi.ChecksumSHA256 == sum || s.verify == VerifyReadBack && s.checkVersion(ctx, h, oi) == nil) {
		return nil
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	src := minio.CopySrcOptions{Bucket: s.cfg.Bucket, Object: o.Key, MatchETag: o.ETag}
	dst := minio.CopyDestOptions{
		Bucket: s.cfg.Bucket, Object: s.Key(h),
		// Asks the store to compute and keep the copy's SHA-256, which
		// checkStored then compares with the name.
		ChecksumType: minio.ChecksumSHA256,
	}
	if _, err := s.c.CopyObject(ctx, dst, src); err != nil {
		if isNotFound(err) {
			return fmt.Errorf("%w: staged upload %s", ErrNotFound, o.Key)
		}
		return s.fail("copy the staged upload to", h, err)
	}
	if err := s.checkStored(ctx, h, size, sum); err != nil {
		return err
	}
	s.m.addStored(size)
	return nil
}

// RemoveStaged deletes a staging object (absent: nil).
func (s *S3) RemoveStaged(ctx context.Context, key string) error {
	if err := s.c.RemoveObject(ctx, s.cfg.Bucket, key, minio.RemoveObjectOptions{}); err != nil && !isNotFound(err) {
		return fmt.Errorf("%w: %s: remove staged upload %s: %w", ErrStore, s.name, key, err)
	}
	return nil
}

// SweepStaged removes staging objects last written before cutoff (uploads
// abandoned: a node that PUT and never reported, a check that failed) and
// returns how many it removed. The store's clock stamps LastModified, so
// the caller keeps a margin well past the URLs' lifetime.
func (s *S3) SweepStaged(ctx context.Context, cutoff time.Time) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := 0
	for oi := range s.c.ListObjects(ctx, s.cfg.Bucket, minio.ListObjectsOptions{Prefix: s.cfg.Prefix + StagingDir, Recursive: true}) {
		if oi.Err != nil {
			return n, fmt.Errorf("%w: %s: list staged uploads: %w", ErrStore, s.name, oi.Err)
		}
		if !oi.LastModified.Before(cutoff) {
			continue
		}
		if err := s.RemoveStaged(ctx, oi.Key); err != nil {
			return n, err
		}
		n++
	}
	return n, ctx.Err()
}
