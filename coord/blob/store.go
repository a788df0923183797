package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/meadow-net/meadow/dataset"
)

// tempPrefix starts the name of a blob being written. Such files live in the
// blob's own fan-out directory, so that the final rename never crosses a
// file system, and are removed when a Store opens.
const tempPrefix = ".tmp-"

// copyBufSize is the chunk Put reads, hashes and writes at a time. With
// io.Copy's 32 KiB, Put of a 64 MiB blob measured about 15% slower on the
// dev-2c machine; 1 MiB was no faster than 256 KiB within that machine's
// noise.
const copyBufSize = 256 << 10

// errRead marks a Put that failed because its reader did (a client that
// went away, a peer that cut the connection), not because of the store.
var errRead = errors.New("blob: reading the bytes failed")

// Info describes a stored blob.
type Info struct {
	Hash    dataset.Hash
	Size    int64
	ModTime time.Time
}

// Store is a directory of blobs, each named by the lowercase hex SHA-256 of
// its bytes and fanned out by its first two bytes: the blob abcd12… lives at
// DIR/ab/cd/abcd12…. A blob is visible under its name only once its bytes
// have been checked against the name and made durable, so a reader never sees
// a partial or wrong blob. A Store is safe for concurrent use; one directory
// must be used by one process at a time.
type Store struct {
	dir string
	log *slog.Logger
	m   *Metrics

	// commit serialises, per stripe of names, the step that decides whether
	// a Put creates a blob or finds it there, so that the answer (201 or
	// 200, and the metrics) is exact and no Put returns before the name it
	// found is durable.
	commit [256]sync.Mutex

	// dirs holds the fan-out directories known to be durable in their
	// parent; mkdir serialises creating (and syncing) the others.
	dirs  sync.Map
	mkdir sync.Mutex

	bufs sync.Pool
}

// Option configures a Store.
type Option func(*Store)

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(s *Store) { s.log = l } }

// WithMetrics sets the collectors the store updates (default: none).
func WithMetrics(m *Metrics) Option { return func(s *Store) { s.m = m } }

// NewStore opens the blob directory dir, creating it if needed. It removes
// temporary files a crashed Put left behind and counts the blobs held, for
// the metrics; that walk reads every fan-out directory once, which takes
// about a second per million blobs on a local SSD.
func NewStore(dir string, opts ...Option) (*Store, error) {
	if dir == "" {
		return nil, fmt.Errorf("%w: blob directory: expected a path", ErrInvalidConfig)
	}
	s := &Store{dir: filepath.Clean(dir), log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(s)
	}
	s.log = s.log.With("component", "blob")
	s.bufs.New = func() any { b := make([]byte, copyBufSize); return &b }
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, fmt.Errorf("blob: create store directory: %w", err)
	}
	if err := syncDir(filepath.Dir(s.dir)); err != nil {
		return nil, fmt.Errorf("blob: sync %s: %w", filepath.Dir(s.dir), err)
	}
	var n, size, temps int64
	err := s.scan(func(path string) {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("cannot remove leftover temporary file", "path", path, "err", err)
			return
		}
		temps++
	}, func(i Info) error {
		n++
		size += i.Size
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("blob: scan %s: %w", s.dir, err)
	}
	if temps > 0 {
		s.log.Info("removed temporary files of interrupted writes", "count", temps)
	}
	s.m.setLocal(n, size)
	return s, nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

// ParseHash reads a blob name: exactly 64 lowercase hex digits, the one
// spelling a blob has in paths and URLs. The error wraps ErrInvalidHash.
func ParseHash(s string) (dataset.Hash, error) {
	var h dataset.Hash
	ok := len(s) == 64
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = '0' <= c && c <= '9' || 'a' <= c && c <= 'f'
	}
	if !ok {
		v := s
		if len(v) > 80 {
			v = v[:80] + "…"
		}
		return h, fmt.Errorf("%w: hash %q: expected 64 lowercase hex digits", ErrInvalidHash, v)
	}
	_, _ = hex.Decode(h[:], []byte(s))
	return h, nil
}

// path returns the blob's file name and its fan-out directories.
func (s *Store) path(h dataset.Hash) (file, dir1, dir2 string) {
	name := h.String()
	dir1 = filepath.Join(s.dir, name[:2])
	dir2 = filepath.Join(dir1, name[2:4])
	return filepath.Join(dir2, name), dir1, dir2
}

// Put reads a blob from r, hashing it as it goes, and stores it under want.
// It returns the blob's size. The bytes go to a temporary file in the blob's
// directory; the file is synced, checked against want and renamed to its
// name, and the directory synced, so that once Put returns nil the blob
// survives a crash. Bytes that do not hash to want give a *DigestError, more
// than maxSize bytes a *SizeError; either way nothing is left behind.
// maxSize <= 0 means no cap.
//
// Put is idempotent and safe to call concurrently for the same blob: if the
// blob is already stored, Put returns its size without reading r. ctx is
// checked between chunks.
func (s *Store) Put(ctx context.Context, r io.Reader, want dataset.Hash, maxSize int64) (size int64, err error) {
	size, _, err = s.put(ctx, r, want, maxSize)
	return size, err
}

// put is Put that also reports whether this call created the blob.
func (s *Store) put(ctx context.Context, r io.Reader, want dataset.Hash, maxSize int64) (size int64, created bool, err error) {
	if maxSize <= 0 {
		maxSize = 1<<63 - 2
	}
	file, dir1, dir2 := s.path(want)
	if fi, err := os.Stat(file); err == nil {
		if fi.Size() > maxSize {
			return 0, false, &SizeError{Hash: want, Max: maxSize, Size: fi.Size()}
		}
		return fi.Size(), false, nil
	}
	if err := s.ensureDir(dir1, s.dir); err != nil {
		return 0, false, err
	}
	if err := s.ensureDir(dir2, dir1); err != nil {
		return 0, false, err
	}
	tmp, err := os.CreateTemp(dir2, tempPrefix+"*")
	if err != nil {
		return 0, false, fmt.Errorf("blob: create temporary file: %w", err)
	}
	tmpName := tmp.Name()
	defer func() {
		if tmp != nil {
			_ = tmp.Close()
		}
		if err != nil {
			_ = os.Remove(tmpName)
		}
	}()

	hsh := sha256.New()
	bp := s.bufs.Get().(*[]byte)
	defer s.bufs.Put(bp)
	buf := *bp
	for {
		if err := ctx.Err(); err != nil {
			return 0, false, fmt.Errorf("blob %s: write interrupted: %w", want, err)
		}
		n, rerr := r.Read(buf)
		if n > 0 {
			size += int64(n)
			if size > maxSize {
				s.m.reject("size")
				return 0, false, &SizeError{Hash: want, Max: maxSize, Size: maxSize + 1}
			}
			hsh.Write(buf[:n])
			if _, err := tmp.Write(buf[:n]); err != nil {
				return 0, false, fmt.Errorf("blob %s: write: %w", want, err)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return 0, false, fmt.Errorf("%w: blob %s: %w", errRead, want, rerr)
		}
	}
	var got dataset.Hash
	hsh.Sum(got[:0])
	if got != want {
		s.m.reject("digest")
		return 0, false, &DigestError{Want: want, Got: got, Size: size}
	}
	if err := tmp.Sync(); err != nil {
		return 0, false, fmt.Errorf("blob %s: sync: %w", want, err)
	}
	err = tmp.Close()
	tmp = nil
	if err != nil {
		return 0, false, fmt.Errorf("blob %s: close: %w", want, err)
	}

	mu := &s.commit[want[0]]
	mu.Lock()
	defer mu.Unlock()
	if _, serr := os.Lstat(file); serr == nil {
		// A concurrent Put stored the same bytes first; its rename and
		// directory sync happened under this lock.
		_ = os.Remove(tmpName)
		return size, false, nil
	}
	if err = os.Rename(tmpName, file); err != nil {
		return 0, false, fmt.Errorf("blob %s: rename: %w", want, err)
	}
	if err = syncDir(dir2); err != nil {
		return 0, false, fmt.Errorf("blob %s: sync directory: %w", want, err)
	}
	s.m.addStored(size)
	return size, true, nil
}

// ensureDir creates dir (in parent) if needed and makes sure its entry is
// durable. It syncs parent the first time a process sees dir, even if dir
// existed, because a crash may have come between an earlier mkdir and its
// sync; that is at most 65,792 syncs in a process's life.
func (s *Store) ensureDir(dir, parent string) error {
	if _, ok := s.dirs.Load(dir); ok {
		return nil
	}
	s.mkdir.Lock()
	defer s.mkdir.Unlock()
	if _, ok := s.dirs.Load(dir); ok {
		return nil
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("blob: create directory: %w", err)
	}
	if err := syncDir(parent); err != nil {
		return fmt.Errorf("blob: sync %s: %w", parent, err)
	}
	s.dirs.Store(dir, struct{}{})
	return nil
}

// syncDir makes the entries of a directory durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Open opens a stored blob for reading and returns its size. The caller
// closes the reader, an *os.File (so that ServeRange sends it with
// sendfile). A blob removed while open stays readable through the file.
// Reads are not checked against the name: Check does that, and the peers'
// Put checks every copy they receive.
func (s *Store) Open(_ context.Context, h dataset.Hash) (io.ReadSeekCloser, int64, error) {
	f, n, err := s.openFile(h)
	if err != nil {
		return nil, 0, err
	}
	return f, n, nil
}

// openFile is Open for the callers in this package that need the file.
func (s *Store) openFile(h dataset.Hash) (*os.File, int64, error) {
	file, _, _ := s.path(h)
	f, err := os.Open(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 0, fmt.Errorf("%w: %s", ErrNotFound, h)
		}
		return nil, 0, fmt.Errorf("blob %s: open: %w", h, err)
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, 0, fmt.Errorf("blob %s: stat: %w", h, err)
	}
	return f, fi.Size(), nil
}

// Has reports whether the blob is stored.
func (s *Store) Has(h dataset.Hash) bool {
	file, _, _ := s.path(h)
	_, err := os.Lstat(file)
	return err == nil
}

// Stat describes a stored blob; the error wraps ErrNotFound if it is not.
func (s *Store) Stat(_ context.Context, h dataset.Hash) (Info, error) {
	file, _, _ := s.path(h)
	fi, err := os.Lstat(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Info{}, fmt.Errorf("%w: %s", ErrNotFound, h)
		}
		return Info{}, fmt.Errorf("blob %s: stat: %w", h, err)
	}
	return Info{Hash: h, Size: fi.Size(), ModTime: fi.ModTime()}, nil
}

// Remove deletes a blob, durably; the error wraps ErrNotFound if it was not
// stored. It is for garbage collection: the caller decides that no dataset
// or task still needs the blob, on this coordinator and its peers alike.
func (s *Store) Remove(_ context.Context, h dataset.Hash) error {
	file, _, dir2 := s.path(h)
	mu := &s.commit[h[0]]
	mu.Lock()
	defer mu.Unlock()
	fi, err := os.Lstat(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w: %s", ErrNotFound, h)
		}
		return fmt.Errorf("blob %s: stat: %w", h, err)
	}
	if err := os.Remove(file); err != nil {
		return fmt.Errorf("blob %s: remove: %w", h, err)
	}
	if err := syncDir(dir2); err != nil {
		return fmt.Errorf("blob %s: sync directory: %w", h, err)
	}
	s.m.addRemoved(fi.Size())
	return nil
}

// Check rehashes a stored blob and returns a *DigestError if its bytes no
// longer match its name (a disk that rotted, a file edited by hand). It
// leaves the blob in place: the caller removes it and fetches a good copy
// from a peer.
func (s *Store) Check(ctx context.Context, h dataset.Hash) error {
	f, _, err := s.openFile(h)
	if err != nil {
		return err
	}
	defer f.Close()
	hsh := sha256.New()
	bp := s.bufs.Get().(*[]byte)
	defer s.bufs.Put(bp)
	n, err := io.CopyBuffer(hsh, ctxReader{ctx, f}, *bp)
	if err != nil {
		return fmt.Errorf("blob %s: read: %w", h, err)
	}
	var got dataset.Hash
	hsh.Sum(got[:0])
	if got != h {
		return &DigestError{Want: h, Got: got, Size: n}
	}
	return nil
}

// Walk calls fn for every stored blob, in ascending order of hash, and stops
// at the first error fn returns, which Walk returns. Blobs stored or removed
// during the walk may or may not be seen.
func (s *Store) Walk(ctx context.Context, fn func(Info) error) error {
	return s.scan(nil, func(i Info) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(i)
	})
}

// String names the store: "disk DIR".
func (s *Store) String() string { return "disk " + s.dir }

// Shared is false: a coordinator's disk is its own, and a blob must be
// copied to a majority of members (Replicator) before it is acknowledged.
func (s *Store) Shared() bool { return false }

// PresignGet returns ErrPresignUnsupported: blobs on a coordinator's disk
// are read through the coordinator.
func (s *Store) PresignGet(context.Context, dataset.Hash, time.Duration) (string, error) {
	return "", fmt.Errorf("%w: %s", ErrPresignUnsupported, s)
}

// PresignPut returns ErrPresignUnsupported.
func (s *Store) PresignPut(context.Context, dataset.Hash, int64, time.Duration) (string, error) {
	return "", fmt.Errorf("%w: %s", ErrPresignUnsupported, s)
}

// ctxReader stops a long read when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// scan walks the fan-out tree. It calls temp for each temporary file (when
// temp is set) and fn for each blob; other names are skipped.
func (s *Store) scan(temp func(path string), fn func(Info) error) error {
	level1, err := readDir(s.dir)
	if err != nil {
		return err
	}
	for _, d1 := range level1 {
		if !d1.IsDir() || !isHex(d1.Name(), 2) {
			continue
		}
		p1 := filepath.Join(s.dir, d1.Name())
		level2, err := readDir(p1)
		if err != nil {
			return err
		}
		for _, d2 := range level2 {
			if !d2.IsDir() || !isHex(d2.Name(), 2) {
				continue
			}
			p2 := filepath.Join(p1, d2.Name())
			files, err := readDir(p2)
			if err != nil {
				return err
			}
			prefix := d1.Name() + d2.Name()
			for _, e := range files {
				name := e.Name()
				if strings.HasPrefix(name, tempPrefix) {
					if temp != nil {
						temp(filepath.Join(p2, name))
					}
					continue
				}
				if !e.Type().IsRegular() || !strings.HasPrefix(name, prefix) {
					continue
				}
				h, err := ParseHash(name)
				if err != nil {
					continue
				}
				fi, err := e.Info()
				if errors.Is(err, fs.ErrNotExist) {
					continue // removed during the walk
				}
				if err != nil {
					return err
				}
				if err := fn(Info{Hash: h, Size: fi.Size(), ModTime: fi.ModTime()}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// readDir lists a directory in name order; a directory removed meanwhile is
// empty.
func readDir(dir string) ([]fs.DirEntry, error) {
	es, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return es, err
}

// isHex reports whether s is n lowercase hex digits.
func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
