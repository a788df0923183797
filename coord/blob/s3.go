package blob

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/meadow-net/meadow/dataset"
)

// Verify modes of an S3 backend: how a Put checks the stored object before
// it returns nil.
const (
	// VerifyChecksum sends the blob's SHA-256 with the PUT
	// (x-amz-checksum-sha256), so that the server refuses bytes that do not
	// match it, then reads the object's size and stored SHA-256 back with a
	// HEAD. One transfer of the bytes.
	VerifyChecksum = "checksum"
	// VerifyReadBack does the same and then GETs the whole object and hashes
	// it: two transfers, for a store that does not keep SHA-256 checksums.
	VerifyReadBack = "readback"
)

// S3Config configures an S3 backend.
type S3Config struct {
	// Endpoint is the store's host:port, without a scheme.
	Endpoint string
	// Bucket holds the blobs; it must exist.
	Bucket string
	// Region is the bucket's region (empty: the client asks the store).
	Region string
	// Prefix is put before every key, such as "meadow/blobs/"; a blob's key
	// is Prefix + "ab/cd/abcd…", the disk store's layout.
	Prefix string
	// AccessKey and SecretKey are the credentials. The coordinator reads
	// them from the environment or a 0600 file, never from its config.
	AccessKey, SecretKey string
	// UseTLS selects https.
	UseTLS bool
	// Verify is VerifyChecksum (the default) or VerifyReadBack.
	Verify string
	// SpoolDir is where a body that is not a file is written, and hashed,
	// before any of it is sent, so that bytes with the wrong digest never
	// reach the bucket (default os.TempDir()).
	SpoolDir string
	// Transport carries the requests (default: minio-go's, with its TLS
	// settings); tests and private CAs set it.
	Transport http.RoundTripper
	// MaxRetries bounds the client's retries of one request (default 3, so
	// that an unreachable store fails an upload in seconds, not minutes).
	MaxRetries int
	// Logger receives warnings (default: discard).
	Logger *slog.Logger
	// Metrics are updated by writes and checks (default: none).
	Metrics *Metrics
}

// Validate checks the config; the error wraps ErrInvalidConfig and names
// the field.
func (c S3Config) Validate() error {
	var errs []error
	bad := func(field, expected string) {
		errs = append(errs, fmt.Errorf("%w: %s: expected %s", ErrInvalidConfig, field, expected))
	}
	if c.Endpoint == "" || strings.Contains(c.Endpoint, "://") || strings.Contains(c.Endpoint, "/") {
		bad("endpoint", fmt.Sprintf("host:port without a scheme or path, got %q", c.Endpoint))
	}
	if len(c.Bucket) < 3 || len(c.Bucket) > 63 || strings.ContainsAny(c.Bucket, "/ _") {
		bad("bucket", fmt.Sprintf("an S3 bucket name (3 to 63 characters, no slash), got %q", c.Bucket))
	}
	if strings.HasPrefix(c.Prefix, "/") || (c.Prefix != "" && !strings.HasSuffix(c.Prefix, "/")) {
		bad("prefix", fmt.Sprintf("empty or a key prefix ending in / and not starting with one, got %q", c.Prefix))
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		bad("access_key, secret_key", "both set")
	}
	if c.Verify != "" && c.Verify != VerifyChecksum && c.Verify != VerifyReadBack {
		bad("verify", fmt.Sprintf("%q or %q, got %q", VerifyChecksum, VerifyReadBack, c.Verify))
	}
	if c.MaxRetries < 0 {
		bad("max_retries", "0 or more")
	}
	return errors.Join(errs...)
}

// S3 keeps blobs in a bucket of an S3-compatible object store, which every
// coordinator of the cluster shares: the store's durability replaces the
// majority-of-members rule, so a blob stored here needs no Replicator.
//
// Put hashes the bytes before any of them is sent (a wrong digest or an
// oversize body never reaches the bucket), PUTs them in one request with
// their SHA-256 as the checksum the server must verify, and returns nil only
// once the stored object's size and SHA-256 have been read back from the
// store. Reads come from the bucket: a reader that reads a whole object
// hashes it and returns a *DigestError instead of its last bytes if they
// were changed in the bucket, and a Range is served only from an object
// whose whole bytes this process has checked (ServeRange asks).
type S3 struct {
	c      *minio.Client
	cfg    S3Config
	name   string
	log    *slog.Logger
	m      *Metrics
	verify string

	// checked remembers objects this process hashed in full and found
	// good, by the version the store reported (ETag, size, mtime), so that
	// a Range of a large blob does not reread it every time. An object
	// rewritten in the bucket gets a new version and is checked again.
	mu      sync.Mutex
	checked map[dataset.Hash]objVersion

	countMu sync.Mutex // held while the bucket is listed (Count)
	usageMu sync.Mutex
	usage   usage // the last count of the bucket's blobs
}

// objVersion identifies one write of an object.
type objVersion struct {
	etag  string
	size  int64
	mtime time.Time
}

// maxChecked bounds the memory of S3.checked (about 100 bytes an entry).
const maxChecked = 100_000

// NewS3 returns an S3 backend. It does not contact the store; Ping does.
func NewS3(cfg S3Config) (*S3, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Verify == "" {
		cfg.Verify = VerifyChecksum
	}
	if cfg.SpoolDir == "" {
		cfg.SpoolDir = os.TempDir()
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 3
	}
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:           credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:          cfg.UseTLS,
		Region:          cfg.Region,
		Transport:       cfg.Transport,
		TrailingHeaders: true, // lets a PUT carry x-amz-checksum-sha256
		MaxRetries:      cfg.MaxRetries,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: endpoint %q: %v", ErrInvalidConfig, cfg.Endpoint, err)
	}
	scheme := "http"
	if cfg.UseTLS {
		scheme = "https"
	}
	s := &S3{
		c: c, cfg: cfg, verify: cfg.Verify, m: cfg.Metrics, log: cfg.Logger,
		name:    "s3 " + scheme + "://" + cfg.Endpoint + "/" + cfg.Bucket + "/" + cfg.Prefix,
		checked: make(map[dataset.Hash]objVersion),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.With("component", "blob", "store", s.name)
	return s, nil
}

// String names the store: "s3 http://host:port/bucket/prefix".
func (s *S3) String() string { return s.name }

// Shared is true: every coordinator reads and writes the same bucket.
func (s *S3) Shared() bool { return true }

// Client returns the minio-go client, for tests and benchmarks that talk to
// the bucket directly.
func (s *S3) Client() *minio.Client { return s.c }

// Key returns the object key of blob h.
func (s *S3) Key(h dataset.Hash) string {
	n := h.String()
	return s.cfg.Prefix + n[:2] + "/" + n[2:4] + "/" + n
}

// fail wraps an error of the store in ErrStore, naming the store and the
// operation.
func (s *S3) fail(op string, h dataset.Hash, err error) error {
	if h == (dataset.Hash{}) {
		return fmt.Errorf("%w: %s: %s: %w", ErrStore, s.name, op, err)
	}
	return fmt.Errorf("%w: %s: %s blob %s: %w", ErrStore, s.name, op, h, err)
}

// isNotFound reports whether the store answered that the key does not exist
// (and not that the bucket does not).
func isNotFound(err error) bool {
	er := minio.ToErrorResponse(err)
	return er.Code == "NoSuchKey" || er.StatusCode == http.StatusNotFound && er.Code != "NoSuchBucket"
}

// Ping checks that the bucket can be reached and exists.
func (s *S3) Ping(ctx context.Context) error {
	ok, err := s.c.BucketExists(ctx, s.cfg.Bucket)
	if err != nil {
		return s.fail("reach the bucket", dataset.Hash{}, err)
	}
	if !ok {
		return s.fail("reach the bucket", dataset.Hash{}, fmt.Errorf("bucket %q does not exist", s.cfg.Bucket))
	}
	return nil
}

// stat is StatObject with the stored checksum.
func (s *S3) stat(ctx context.Context, h dataset.Hash) (minio.ObjectInfo, error) {
	oi, err := s.c.StatObject(ctx, s.cfg.Bucket, s.Key(h), minio.StatObjectOptions{Checksum: true})
	if err != nil {
		if isNotFound(err) {
			return oi, fmt.Errorf("%w: %s", ErrNotFound, h)
		}
		return oi, s.fail("stat", h, err)
	}
	return oi, nil
}

// Stat describes a stored blob.
func (s *S3) Stat(ctx context.Context, h dataset.Hash) (Info, error) {
	oi, err := s.stat(ctx, h)
	if err != nil {
		return Info{}, err
	}
	return Info{Hash: h, Size: oi.Size, ModTime: oi.LastModified}, nil
}

// Put stores a blob; see the type's comment for the checks.
func (s *S3) Put(ctx context.Context, r io.Reader, want dataset.Hash, maxSize int64) (int64, error) {
	size, _, err := s.put(ctx, r, want, maxSize)
	return size, err
}

func (s *S3) put(ctx context.Context, r io.Reader, want dataset.Hash, maxSize int64) (int64, bool, error) {
	if maxSize <= 0 {
		maxSize = 1<<63 - 2
	}
	sum := base64.StdEncoding.EncodeToString(want[:])
	oi, err := s.stat(ctx, want)
	switch {
	case err == nil && s.verify == VerifyChecksum && oi.ChecksumSHA256 != sum:
		// Every object Put writes carries its SHA-256; one without it,
		// or with another, was written around Meadow: replace it.
		s.log.Warn("object under a blob's name lacks its SHA-256 checksum; replacing it", "hash", want, "stored", oi.ChecksumSHA256)
	case err == nil && oi.Size > maxSize:
		return 0, false, &SizeError{Hash: want, Max: maxSize, Size: oi.Size}
	case err == nil && s.verify == VerifyReadBack:
		// The store keeps no SHA-256 to trust: an object found here is a
		// blob already held only once it hashes to its name (at once if
		// this process hashed this version before). A bad one, left by a
		// Put whose read-back failed, is replaced.
		cerr := s.checkVersion(ctx, want, oi)
		if cerr == nil {
			return oi.Size, false, nil
		}
		if !errors.Is(cerr, ErrDigestMismatch) {
			return 0, false, cerr
		}
	case err == nil:
		return oi.Size, false, nil
	case !errors.Is(err, ErrNotFound):
		return 0, false, err
	}

	body, size, done, err := s.spool(ctx, r, want, maxSize)
	if err != nil {
		return 0, false, err
	}
	defer done()
	_, err = s.c.PutObject(ctx, s.cfg.Bucket, s.Key(want), body, size, minio.PutObjectOptions{
		ContentType:      ContentType,
		DisableMultipart: true,
		// The server checks the bytes it received against this and
		// refuses them (BadDigest) if they differ, so a transfer that
		// corrupted them stores nothing.
		UserMetadata: map[string]string{"x-amz-checksum-sha256": sum},
		// The checksum header is signed and the store verifies the body
		// against it, so hashing the body a second time for the request
		// signature (SigV4 payload signing) adds nothing.
		DisableContentSha256: true,
	})
	if err != nil {
		if err := ctx.Err(); err != nil {
			return 0, false, fmt.Errorf("blob %s: write interrupted: %w", want, err)
		}
		return 0, false, s.fail("put", want, err)
	}
	if err := s.checkStored(ctx, want, size, sum); err != nil {
		return 0, false, err
	}
	s.m.addStored(size)
	return size, true, nil
}

// checkStored confirms that the object now under want's name has size bytes
// and SHA-256 want: from the store's HEAD, and in VerifyReadBack mode by
// reading it all back.
func (s *S3) checkStored(ctx context.Context, want dataset.Hash, size int64, sum string) error {
	oi, err := s.stat(ctx, want)
	if err != nil {
		return s.fail("check the stored object of", want, err)
	}
	if oi.Size != size {
		return s.fail("check the stored object of", want, fmt.Errorf("the store holds %d bytes: expected %d", oi.Size, size))
	}
	if s.verify == VerifyReadBack {
		s.forget(want)
		return s.checkVersion(ctx, want, oi)
	}
	if oi.ChecksumSHA256 != sum {
		if oi.ChecksumSHA256 == "" {
			return s.fail("check the stored object of", want, fmt.Errorf("the store keeps no SHA-256 checksum; set verify to %q", VerifyReadBack))
		}
		return s.fail("check the stored object of", want, fmt.Errorf("the store reports SHA-256 %s: expected %s", oi.ChecksumSHA256, sum))
	}
	s.remember(want, oi)
	return nil
}

// spool returns the blob's bytes as a reader that can be sent (and resent
// on a retry), after hashing them and checking them against want and
// maxSize. A file is read in place; any other reader is copied to a
// temporary file in SpoolDir. done removes what spool made.
func (s *S3) spool(ctx context.Context, r io.Reader, want dataset.Hash, maxSize int64) (body io.ReadSeeker, size int64, done func(), err error) {
	done = func() {}
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			off, err := f.Seek(0, io.SeekCurrent)
			if err == nil {
				size = fi.Size() - off
				if size > maxSize {
					s.m.reject("size")
					return nil, 0, done, &SizeError{Hash: want, Max: maxSize, Size: size}
				}
				sr := io.NewSectionReader(f, off, size)
				if err := s.hashCheck(ctx, sr, want, size); err != nil {
					return nil, 0, done, err
				}
				return io.NewSectionReader(f, off, size), size, done, nil
			}
		}
	}
	tmp, err := os.CreateTemp(s.cfg.SpoolDir, "blob-spool-*")
	if err != nil {
		return nil, 0, done, fmt.Errorf("blob %s: spool: %w", want, err)
	}
	done = func() { _ = tmp.Close(); _ = os.Remove(tmp.Name()) }
	hsh := sha256.New()
	buf := make([]byte, copyBufSize)
	for {
		if err := ctx.Err(); err != nil {
			done()
			return nil, 0, func() {}, fmt.Errorf("blob %s: write interrupted: %w", want, err)
		}
		n, rerr := r.Read(buf)
		if n > 0 {
			size += int64(n)
			if size > maxSize {
				done()
				s.m.reject("size")
				return nil, 0, func() {}, &SizeError{Hash: want, Max: maxSize, Size: maxSize + 1}
			}
			hsh.Write(buf[:n])
			if _, err := tmp.Write(buf[:n]); err != nil {
				done()
				return nil, 0, func() {}, fmt.Errorf("blob %s: spool: %w", want, err)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			done()
			return nil, 0, func() {}, fmt.Errorf("%w: blob %s: %w", errRead, want, rerr)
		}
	}
	var got dataset.Hash
	hsh.Sum(got[:0])
	if got != want {
		done()
		s.m.reject("digest")
		return nil, 0, func() {}, &DigestError{Want: want, Got: got, Size: size}
	}
	return io.NewSectionReader(tmp, 0, size), size, done, nil
}

// hashCheck hashes size bytes of r and compares them with want.
func (s *S3) hashCheck(ctx context.Context, r io.Reader, want dataset.Hash, size int64) error {
	hsh := sha256.New()
	n, err := io.CopyBuffer(hsh, ctxReader{ctx, r}, make([]byte, copyBufSize))
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("blob %s: write interrupted: %w", want, err)
		}
		return fmt.Errorf("%w: blob %s: %w", errRead, want, err)
	}
	var got dataset.Hash
	hsh.Sum(got[:0])
	if got != want || n != size {
		s.m.reject("digest")
		return &DigestError{Want: want, Got: got, Size: n}
	}
	return nil
}

// Open opens a stored blob. The object is pinned to the version the HEAD
// saw (If-Match on its ETag), so a rewrite during the read fails it rather
// than mixing two objects' bytes.
func (s *S3) Open(ctx context.Context, h dataset.Hash) (io.ReadSeekCloser, int64, error) {
	oi, err := s.stat(ctx, h)
	if err != nil {
		return nil, 0, err
	}
	opts := minio.GetObjectOptions{}
	if oi.ETag != "" {
		_ = opts.SetMatchETag(oi.ETag)
	}
	obj, err := s.c.GetObject(ctx, s.cfg.Bucket, s.Key(h), opts)
	if err != nil {
		return nil, 0, s.fail("open", h, err)
	}
	return &s3Reader{s: s, h: h, obj: obj, info: oi, hsh: sha256.New()}, oi.Size, nil
}

// Check reads the whole object and returns a *DigestError if it does not
// hash to its name.
func (s *S3) Check(ctx context.Context, h dataset.Hash) error {
	oi, err := s.stat(ctx, h)
	if err != nil {
		return err
	}
	s.forget(h) // a check rereads, whatever was found before
	return s.checkVersion(ctx, h, oi)
}

// forget drops what was remembered of h.
func (s *S3) forget(h dataset.Hash) {
	s.mu.Lock()
	delete(s.checked, h)
	s.mu.Unlock()
}

// checkVersion hashes the object version oi of h in full, unless this
// process found that version good before.
func (s *S3) checkVersion(ctx context.Context, h dataset.Hash, oi minio.ObjectInfo) error {
	if s.isChecked(h, oi) {
		return nil
	}
	opts := minio.GetObjectOptions{}
	if oi.ETag != "" {
		_ = opts.SetMatchETag(oi.ETag)
	}
	obj, err := s.c.GetObject(ctx, s.cfg.Bucket, s.Key(h), opts)
	if err != nil {
		return s.fail("check", h, err)
	}
	defer obj.Close()
	hsh := sha256.New()
	n, err := io.CopyBuffer(hsh, obj, make([]byte, copyBufSize))
	if err != nil {
		if isNotFound(err) {
			return fmt.Errorf("%w: %s", ErrNotFound, h)
		}
		return s.fail("check", h, err)
	}
	var got dataset.Hash
	hsh.Sum(got[:0])
	if got != h {
		s.corrupt(h, got, n)
		return &DigestError{Want: h, Got: got, Size: n}
	}
	s.remember(h, oi)
	return nil
}

// corrupt records an object whose bytes do not hash to its name.
func (s *S3) corrupt(h, got dataset.Hash, n int64) {
	s.forget(h)
	s.m.reject("corrupt")
	s.log.Error("object in the store does not hash to its name: not served", "hash", h, "got", got, "size", n)
}

// remember records that version oi of h was found good.
func (s *S3) remember(h dataset.Hash, oi minio.ObjectInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.checked) >= maxChecked {
		for k := range s.checked { // drop an arbitrary tenth
			delete(s.checked, k)
			if len(s.checked) < maxChecked*9/10 {
				break
			}
		}
	}
	s.checked[h] = objVersion{etag: oi.ETag, size: oi.Size, mtime: oi.LastModified}
}

// isChecked reports whether version oi of h was found good.
func (s *S3) isChecked(h dataset.Hash, oi minio.ObjectInfo) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.checked[h]
	return ok && v == objVersion{etag: oi.ETag, size: oi.Size, mtime: oi.LastModified}
}

// Remove deletes a blob.
func (s *S3) Remove(ctx context.Context, h dataset.Hash) error {
	oi, err := s.stat(ctx, h)
	if err != nil {
		return err
	}
	if err := s.c.RemoveObject(ctx, s.cfg.Bucket, s.Key(h), minio.RemoveObjectOptions{}); err != nil {
		return s.fail("remove", h, err)
	}
	s.forget(h)
	s.m.addRemoved(oi.Size)
	return nil
}

// Walk lists the blobs under the prefix in key order, which is hash order;
// other keys are skipped.
func (s *S3) Walk(ctx context.Context, fn func(Info) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for oi := range s.c.ListObjects(ctx, s.cfg.Bucket, minio.ListObjectsOptions{Prefix: s.cfg.Prefix, Recursive: true}) {
		if oi.Err != nil {
			return s.fail("list", dataset.Hash{}, oi.Err)
		}
		rest := strings.TrimPrefix(oi.Key, s.cfg.Prefix)
		if len(rest) != 70 || rest[2] != '/' || rest[5] != '/' {
			continue
		}
		h, err := ParseHash(rest[6:])
		if err != nil || rest[:2] != rest[6:8] || rest[3:5] != rest[8:10] {
			continue
		}
		if err := fn(Info{Hash: h, Size: oi.Size, ModTime: oi.LastModified}); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// PresignGet returns a presigned GET URL of the blob's object.
func (s *S3) PresignGet(ctx context.Context, h dataset.Hash, ttl time.Duration) (string, error) {
	u, err := s.c.PresignedGetObject(ctx, s.cfg.Bucket, s.Key(h), ttl, nil)
	if err != nil {
		return "", s.fail("presign GET of", h, err)
	}
	return u.String(), nil
}

// PresignPut returns a presigned PUT URL for the blob's object. The size is
// not part of the signature: the coordinator checks the object (Check)
// before it acknowledges the upload.
func (s *S3) PresignPut(ctx context.Context, h dataset.Hash, size int64, ttl time.Duration) (string, error) {
	_ = size
	u, err := s.c.PresignedPutObject(ctx, s.cfg.Bucket, s.Key(h), ttl)
	if err != nil {
		return "", s.fail("presign PUT of", h, err)
	}
	return u.String(), nil
}

// s3Reader reads one object version. Read from the start to the end, it
// hashes what it reads and, if the bytes do not match the name, returns a
// *DigestError in place of the last chunk, so that no consumer sees a
// complete wrong blob. ServeRange calls checkWhole before it serves a part.
type s3Reader struct {
	s    *S3
	h    dataset.Hash
	obj  *minio.Object
	info minio.ObjectInfo
	pos  int64
	hsh  hash.Hash // nil once the reads are no longer sequential from 0
	err  error     // a digest error, returned from then on
}

func (r *s3Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	size := r.info.Size
	if r.pos >= size {
		if r.hsh != nil {
			if err := r.finish(); err != nil {
				return 0, err
			}
		}
		return 0, io.EOF
	}
	if int64(len(p)) > size-r.pos {
		p = p[:size-r.pos]
	}
	n, err := r.obj.Read(p)
	if r.hsh != nil {
		r.hsh.Write(p[:n])
	}
	r.pos += int64(n)
	if err != nil && err != io.EOF {
		return n, r.s.fail("read", r.h, err)
	}
	if r.pos == size && r.hsh != nil {
		if ferr := r.finish(); ferr != nil {
			return 0, ferr
		}
	}
	if err == io.EOF && r.pos < size {
		return n, r.s.fail("read", r.h, io.ErrUnexpectedEOF)
	}
	return n, nil
}

// finish compares the hash of a whole sequential read with the name.
func (r *s3Reader) finish() error {
	var got dataset.Hash
	r.hsh.Sum(got[:0])
	r.hsh = nil
	if got != r.h {
		r.s.corrupt(r.h, got, r.pos)
		r.err = &DigestError{Want: r.h, Got: got, Size: r.pos}
		return r.err
	}
	r.s.remember(r.h, r.info)
	return nil
}

func (r *s3Reader) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = r.pos + offset
	case io.SeekEnd:
		abs = r.info.Size + offset
	default:
		return 0, errors.New("blob: seek: invalid whence")
	}
	if abs < 0 {
		return 0, errors.New("blob: seek: negative position")
	}
	if abs == r.pos {
		return abs, nil
	}
	if _, err := r.obj.Seek(abs, io.SeekStart); err != nil {
		return 0, r.s.fail("seek", r.h, err)
	}
	r.pos = abs
	if abs == 0 {
		r.hsh = sha256.New()
	} else {
		r.hsh = nil
	}
	return abs, nil
}

// checkWhole makes sure the object's whole bytes hash to its name before a
// part of it is served: at once if this process checked this version
// before, else by reading it all.
func (r *s3Reader) checkWhole(ctx context.Context) error {
	if r.err != nil {
		return r.err
	}
	if err := r.s.checkVersion(ctx, r.h, r.info); err != nil {
		if errors.Is(err, ErrDigestMismatch) {
			r.err = err
		}
		return err
	}
	return nil
}

func (r *s3Reader) Close() error { return r.obj.Close() }

// wholeChecker is a reader whose whole bytes must be checked before a part
// of it is served (an object in a store Meadow does not control).
type wholeChecker interface {
	checkWhole(ctx context.Context) error
}
