package blob

import (
	"os"
	"sync"
	"testing"

	"github.com/meadow-net/meadow/coord/blob/s3test"
)

// sharedS3 is one gateway for the package's tests; each test takes its own
// bucket, and TestMain stops it.
var sharedS3 struct {
	once sync.Once
	srv  *s3test.Server
	err  error
}

// testS3 returns the shared gateway, starting it on first use. A binary
// that is missing fails the test (s3test.FindBinary names the command).
func testS3(tb testing.TB) *s3test.Server {
	tb.Helper()
	s3test.FindBinary(tb)
	sharedS3.once.Do(func() { sharedS3.srv, sharedS3.err = s3test.StartShared(tb) })
	if sharedS3.err != nil {
		tb.Fatal(sharedS3.err)
	}
	return sharedS3.srv
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedS3.srv != nil {
		sharedS3.srv.Close()
	}
	os.Exit(code)
}

// newTestS3 returns an S3 backend over a fresh bucket of the shared gateway
// (or of srv, when given).
func newTestS3(tb testing.TB, srv *s3test.Server, edit func(*S3Config)) *S3 {
	tb.Helper()
	if srv == nil {
		srv = testS3(tb)
	}
	m, err := NewMetrics(nil)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := S3Config{
		Endpoint: srv.Endpoint, Bucket: srv.NewBucket(tb), Prefix: "blobs/",
		AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey, SpoolDir: tb.TempDir(),
		MaxRetries: 1, Metrics: m,
	}
	if edit != nil {
		edit(&cfg)
	}
	s, err := NewS3(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
