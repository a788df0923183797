package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// The S3-compatible server of the tests is Versity's S3 gateway
// (github.com/versity/versitygw, Apache-2.0) over a posix directory: a
// separate process, built by scripts/deps.sh into .cache/bin, never linked
// into Meadow's binaries.
const (
	s3Binary    = "versitygw"
	s3AccessKey = "meadowtestaccess"
	s3SecretKey = "meadowtestsecret0123456789"
)

// s3Server is a running gateway.
type s3Server struct {
	Endpoint string // 127.0.0.1:PORT
	Root     string // the posix directory: ROOT/BUCKET/KEY
	cmd      *exec.Cmd
	done     chan struct{}
	logPath  string
}

// findS3Binary returns the gateway's path: .cache/bin at the module root,
// then PATH.
func findS3Binary(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			p := filepath.Join(d, ".cache", "bin", s3Binary)
			if _, err := os.Stat(p); err == nil {
				return p
			}
			break
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	if p, err := exec.LookPath(s3Binary); err == nil {
		return p
	}
	tb.Fatalf("the S3-compatible test server %s is not in .cache/bin or on PATH: run `bash scripts/deps.sh` (or `make deps`), which builds it with `go install github.com/versity/versitygw/cmd/versitygw@%s`", s3Binary, versitygwVersion)
	return ""
}

// versitygwVersion is the gateway version scripts/deps.sh installs.
const versitygwVersion = "v1.8.0"

// startS3Server starts a gateway on a loopback port picked now, over a
// fresh directory, and waits until it answers. The caller stops it.
func startS3Server(tb testing.TB) *s3Server {
	tb.Helper()
	bin := findS3Binary(tb)
	root, err := os.MkdirTemp("", "meadow-s3-")
	if err != nil {
		tb.Fatal(err)
	}
	var lastErr error
	for range 5 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		srv := &s3Server{Endpoint: addr, Root: root, done: make(chan struct{}), logPath: filepath.Join(root, ".gateway.log")}
		logf, err := os.Create(srv.logPath)
		if err != nil {
			tb.Fatal(err)
		}
		srv.cmd = exec.Command(bin, "--access", s3AccessKey, "--secret", s3SecretKey, "--port", addr, "posix", root)
		srv.cmd.Stdout, srv.cmd.Stderr = logf, logf
		if err := srv.cmd.Start(); err != nil {
			logf.Close()
			tb.Fatalf("start %s: %v", bin, err)
		}
		go func() { _ = srv.cmd.Wait(); logf.Close(); close(srv.done) }()
		if lastErr = srv.waitReady(10 * time.Second); lastErr == nil {
			return srv
		}
		srv.Kill()
	}
	tb.Fatalf("the S3 test server did not start: %v", lastErr)
	return nil
}

// waitReady polls until the gateway answers a ListBuckets, or it exits.
func (s *s3Server) waitReady(timeout time.Duration) error {
	c := s.client()
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := c.ListBuckets(ctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-s.done:
			log, _ := os.ReadFile(s.logPath)
			return fmt.Errorf("gateway exited: %s", strings.TrimSpace(string(log)))
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("gateway on %s not ready after %v: %v", s.Endpoint, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// client is a plain minio-go client of the gateway.
func (s *s3Server) client() *minio.Client {
	c, err := minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(s3AccessKey, s3SecretKey, ""), MaxRetries: 1})
	if err != nil {
		panic(err)
	}
	return c
}

// Kill stops the gateway by its process id and waits for it to exit.
func (s *s3Server) Kill() {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
	}
	<-s.done
}

// newBucket creates a bucket with a fresh name.
func (s *s3Server) newBucket(tb testing.TB) string {
	tb.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "meadow-" + hex.EncodeToString(b[:])
	if err := s.client().MakeBucket(context.Background(), name, minio.MakeBucketOptions{}); err != nil {
		tb.Fatalf("create bucket %s: %v", name, err)
	}
	return name
}

// sharedS3 is one gateway for the package's tests; each test takes its own
// bucket. TestMain stops it.
var sharedS3 struct {
	once sync.Once
	srv  *s3Server
	err  string
}

// testS3 returns the shared gateway, starting it on first use.
func testS3(tb testing.TB) *s3Server {
	tb.Helper()
	sharedS3.once.Do(func() {
		// A failure is reported to every test that needs the server.
		ft := &fatalRecorder{TB: tb}
		func() {
			defer func() { _ = recover() }()
			sharedS3.srv = startS3Server(ft)
		}()
		sharedS3.err = ft.msg
	})
	if sharedS3.srv == nil {
		tb.Fatal(sharedS3.err)
	}
	return sharedS3.srv
}

// fatalRecorder records a Fatal instead of ending the test that happened
// to start the shared server.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Fatal(args ...any) { f.msg = fmt.Sprint(args...); panic(f) }
func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic(f)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedS3.srv != nil {
		sharedS3.srv.Kill()
		_ = os.RemoveAll(sharedS3.srv.Root)
	}
	os.Exit(code)
}

// newTestS3 returns an S3 backend over a fresh bucket of the shared
// gateway (or of srv, when given).
func newTestS3(tb testing.TB, srv *s3Server, edit func(*S3Config)) *S3 {
	tb.Helper()
	if srv == nil {
		srv = testS3(tb)
	}
	m, err := NewMetrics(nil)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := S3Config{
		Endpoint: srv.Endpoint, Bucket: srv.newBucket(tb), Prefix: "blobs/",
		AccessKey: s3AccessKey, SecretKey: s3SecretKey, SpoolDir: tb.TempDir(),
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
