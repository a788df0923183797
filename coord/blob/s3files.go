package blob

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/meadow-net/meadow/dataset"
)

// Files are objects under a name rather than a hash: a dataset's Parquet and
// Arrow files and its manifest, in the layout buyers' tools read from the
// bucket (docs/ARCHITECTURE.md, "Datasets as files in the bucket"). Like
// blobs, a file is stored with its SHA-256 for the store to verify and is
// checked before PutFile returns; unlike blobs, nothing reads a file back
// through Meadow: buyers fetch it with a presigned GET and check it against
// the dataset's signed manifest.

// FileKey is the object key of the file called name: the prefix, then name.
func (s *S3) FileKey(name string) string { return s.cfg.Prefix + name }

// checkFileName refuses names that are not a relative, clean path.
func checkFileName(name string) error {
	if name == "" || strings.HasPrefix(name, "/") || path.Clean(name) != name || strings.HasPrefix(name, "../") || name == ".." {
		return fmt.Errorf("%w: file name %q: expected a relative path such as datasets/ID/ID.parquet", ErrInvalidConfig, name)
	}
	return nil
}

// PutFile stores size bytes of r, whose SHA-256 is sum, as the file name
// with the media type contentType, unless the store already holds exactly
// those bytes there. It returns nil once the stored object has been checked
// (its size and SHA-256 from the store, or read back in VerifyReadBack
// mode).
func (s *S3) PutFile(ctx context.Context, name string, r io.ReadSeeker, size int64, sum dataset.Hash, contentType string) error {
	if err := checkFileName(name); err != nil {
		return err
	}
	key := s.FileKey(name)
	b64 := base64.StdEncoding.EncodeToString(sum[:])
	if ok, err := s.holdsFile(ctx, key, size, sum, b64); err != nil || ok {
		return err
	}
	_, err := s.c.PutObject(ctx, s.cfg.Bucket, key, r, size, minio.PutObjectOptions{
		ContentType:          contentType,
		DisableMultipart:     true,
		UserMetadata:         map[string]string{"x-amz-checksum-sha256": b64},
		DisableContentSha256: true,
	})
	if err != nil {
		return fmt.Errorf("%w: %s: put file %s: %w", ErrStore, s.name, name, err)
	}
	ok, err := s.holdsFile(ctx, key, size, sum, b64)
	if err == nil && !ok {
		err = fmt.Errorf("%w: %s: file %s: the stored object is not the %d bytes with SHA-256 %s just written", ErrStore, s.name, name, size, sum)
	}
	return err
}

// holdsFile reports whether the object key holds size bytes with SHA-256
// sum (b64, base64): from the store's HEAD, or by reading it all in
// VerifyReadBack mode.
func (s *S3) holdsFile(ctx context.Context, key string, size int64, sum dataset.Hash, b64 string) (bool, error) {
	oi, err := s.c.StatObject(ctx, s.cfg.Bucket, key, minio.StatObjectOptions{Checksum: true})
	switch {
	case isNotFound(err):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("%w: %s: stat %s: %w", ErrStore, s.name, key, err)
	case oi.Size != size:
		return false, nil
	case s.verify == VerifyChecksum:
		return oi.ChecksumSHA256 == b64, nil
	}
	opts := minio.GetObjectOptions{}
	_ = opts.SetMatchETag(oi.ETag)
	obj, err := s.c.GetObject(ctx, s.cfg.Bucket, key, opts)
	if err != nil {
		return false, fmt.Errorf("%w: %s: read %s back: %w", ErrStore, s.name, key, err)
	}
	defer obj.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, ctxReader{ctx, obj}, make([]byte, copyBufSize))
	if err != nil {
		return false, fmt.Errorf("%w: %s: read %s back: %w", ErrStore, s.name, key, err)
	}
	var got dataset.Hash
	h.Sum(got[:0])
	return n == size && got == sum, nil
}

// PresignFile returns a URL through which anyone holding it may GET the
// file name (ranges included) for ttl, answered as an attachment called
// filename.
func (s *S3) PresignFile(ctx context.Context, name string, ttl time.Duration, filename string) (string, error) {
	if err := checkFileName(name); err != nil {
		return "", err
	}
	q := url.Values{}
	if filename != "" {
		q.Set("response-content-disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	}
	u, err := s.c.PresignedGetObject(ctx, s.cfg.Bucket, s.FileKey(name), ttl, q)
	if err != nil {
		return "", fmt.Errorf("%w: %s: presign GET of %s: %w", ErrStore, s.name, name, err)
	}
	return u.String(), nil
}

// usageMaxAge is how long Usage reuses the last count of the bucket.
const usageMaxAge = 15 * time.Second

// usage is the last count of the bucket's blobs.
type usage struct {
	at       time.Time
	n, bytes int64
}

// Usage returns the number of blobs in the bucket under the prefix and
// their bytes (dataset files and other objects are not blobs). It lists
// the bucket when the last count is older than usageMaxAge and no count
// is running; otherwise it returns the last count, which is zero before
// the first.
func (s *S3) Usage(ctx context.Context) (n, bytes int64, err error) {
	if u := s.lastUsage(); !u.at.IsZero() && time.Since(u.at) < usageMaxAge {
		return u.n, u.bytes, nil
	}
	if !s.countMu.TryLock() {
		u := s.lastUsage()
		return u.n, u.bytes, nil
	}
	defer s.countMu.Unlock()
	return s.count(ctx)
}

// Count lists the bucket now and sets the meadow_blob_local_* gauges to
// what it found, and meadow_blob_local_counted_timestamp_seconds to when.
// With a shared bucket the store this member holds its blobs in is the
// bucket, and a count of what this process happened to write since it
// started would differ from member to member; between two counts the
// gauges follow this member's own writes and removals.
func (s *S3) Count(ctx context.Context) (n, bytes int64, err error) {
	s.countMu.Lock()
	defer s.countMu.Unlock()
	return s.count(ctx)
}

func (s *S3) count(ctx context.Context) (n, bytes int64, err error) {
	err = s.Walk(ctx, func(i Info) error {
		n++
		bytes += i.Size
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	now := time.Now()
	s.usageMu.Lock()
	s.usage = usage{at: now, n: n, bytes: bytes}
	s.usageMu.Unlock()
	s.m.setLocal(n, bytes)
	s.m.setCounted(now)
	return n, bytes, nil
}

func (s *S3) lastUsage() usage {
	s.usageMu.Lock()
	defer s.usageMu.Unlock()
	return s.usage
}
