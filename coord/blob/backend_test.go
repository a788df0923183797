package blob

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/meadow-net/meadow/coord/blob/s3test"
	"github.com/meadow-net/meadow/dataset"
)

// testBackend is one backend under the shared suite, with what the suite
// needs to look behind it.
type testBackend struct {
	Backend
	kind string // "disk" or "s3"
	reg  *prometheus.Registry
	// leftovers lists everything the backend has written that a test can
	// see from outside: files under the disk store's directory; every key
	// in the bucket and every file in the spool directory for S3.
	leftovers func(t testing.TB) []string
	// rewrite replaces the stored bytes of h behind the backend's back:
	// the file on disk, or the file under the gateway's posix directory.
	rewrite func(t testing.TB, h dataset.Hash, b []byte)
	// s3 is the S3 backend and its server, for S3-only checks.
	s3  *S3
	srv *s3test.Server
}

// forEachBackend runs fn as a subtest per backend: the disk store and an S3
// backend over the test gateway.
func forEachBackend(t *testing.T, fn func(t *testing.T, tb *testBackend)) {
	t.Helper()
	for _, k := range backendKinds {
		t.Run(k.name, func(t *testing.T) { fn(t, k.open(t)) })
	}
}

// backendKinds are the backends the suite runs against.
var backendKinds = []struct {
	name string
	open func(testing.TB) *testBackend
}{
	{name: "disk", open: newDiskBackend},
	{name: "s3", open: newS3Backend},
}

func newDiskBackend(t testing.TB) *testBackend {
	s, reg := newTestStore(t)
	return &testBackend{
		Backend: s, kind: "disk", reg: reg,
		leftovers: func(t testing.TB) []string { return files(t, s.Dir()) },
		rewrite: func(t testing.TB, h dataset.Hash, b []byte) {
			n := h.String()
			p := filepath.Join(s.Dir(), n[:2], n[2:4], n)
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
		},
	}
}

func newS3Backend(t testing.TB) *testBackend {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	srv := testS3(t)
	s := newTestS3(t, srv, func(c *S3Config) { c.Metrics = m })
	return &testBackend{
		Backend: s, kind: "s3", reg: reg, s3: s, srv: srv,
		leftovers: func(t testing.TB) []string {
			var out []string
			for oi := range s.c.ListObjects(context.Background(), s.cfg.Bucket, minio.ListObjectsOptions{Recursive: true}) {
				if oi.Err != nil {
					t.Fatal(oi.Err)
				}
				out = append(out, oi.Key)
			}
			for _, f := range files(t, s.cfg.SpoolDir) {
				out = append(out, "spool/"+f)
			}
			return out
		},
		rewrite: func(t testing.TB, h dataset.Hash, b []byte) {
			p := filepath.Join(srv.Root, s.cfg.Bucket, filepath.FromSlash(s.Key(h)))
			// Keep the gateway's extended attributes (ETag, checksum):
			// the bytes change on disk and nothing else, as rot would.
			f, err := os.OpenFile(p, os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Write(b); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
		},
	}
}

// files lists every regular file under dir, relative to it; a directory
// that does not exist has none.
func files(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !strings.HasPrefix(d.Name(), ".gateway") {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
