// Package s3test starts a real S3-compatible object store for tests: Versity's
// S3 gateway (github.com/versity/versitygw, Apache-2.0) over a posix
// directory, as a separate process on a loopback port picked at run time.
// scripts/deps.sh builds the gateway into .cache/bin; it is never linked
// into Meadow's binaries, and only tests import this package.
package s3test

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

// Binary is the gateway's executable name; Version the one scripts/deps.sh
// installs.
const (
	Binary  = "versitygw"
	Version = "v1.8.0"
)

// The credentials the gateway is started with.
const (
	AccessKey = "meadowtestaccess"
	SecretKey = "meadowtestsecret0123456789"
)

// Server is a running gateway.
type Server struct {
	// Endpoint is its address, 127.0.0.1:PORT.
	Endpoint string
	// Root is the posix directory it serves: ROOT/BUCKET/KEY is the object
	// KEY of BUCKET, so a test can change an object's bytes behind it.
	Root string

	cmd     *exec.Cmd
	done    chan struct{}
	logPath string
	once    sync.Once
}

// FindBinary returns the gateway's path: .cache/bin under the module root,
// else PATH. A test that cannot find it fails, naming the command that
// installs it.
func FindBinary(tb testing.TB) string {
	tb.Helper()
	if dir, err := os.Getwd(); err == nil {
		for d := dir; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				p := filepath.Join(d, ".cache", "bin", Binary)
				if _, err := os.Stat(p); err == nil {
					return p
				}
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if p, err := exec.LookPath(Binary); err == nil {
		return p
	}
	tb.Fatalf("the S3-compatible test server %s is neither in .cache/bin nor on PATH: run `bash scripts/deps.sh` (or `make deps`), which builds it with `go install github.com/versity/versitygw/cmd/%s@%s`", Binary, Binary, Version)
	return ""
}

// Start starts a gateway over a fresh directory and waits until it answers.
// It is stopped, and its directory removed, when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s, err := start(FindBinary(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Kill(); _ = os.RemoveAll(s.Root) })
	return s
}

// StartShared is Start for a server that outlives the test that starts it;
// the caller stops it with Close (from TestMain).
func StartShared(tb testing.TB) (*Server, error) {
	tb.Helper()
	return start(FindBinary(tb))
}

func start(bin string) (*Server, error) {
	root, err := os.MkdirTemp("", "meadow-s3-")
	if err != nil {
		return nil, err
	}
	var lastErr error
	// The port is picked free and then handed over: another process may
	// take it in between, so a few tries.
	for range 5 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		addr := ln.Addr().String()
		ln.Close()
		s := &Server{Endpoint: addr, Root: root, done: make(chan struct{}), logPath: filepath.Join(root, ".gateway.log")}
		logf, err := os.Create(s.logPath)
		if err != nil {
			return nil, err
		}
		s.cmd = exec.Command(bin, "--access", AccessKey, "--secret", SecretKey, "--port", addr, "--quiet", "posix", root)
		s.cmd.Stdout, s.cmd.Stderr = logf, logf
		if err := s.cmd.Start(); err != nil {
			logf.Close()
			return nil, fmt.Errorf("s3test: start %s: %w", bin, err)
		}
		go func() { _ = s.cmd.Wait(); logf.Close(); close(s.done) }()
		if lastErr = s.waitReady(15 * time.Second); lastErr == nil {
			return s, nil
		}
		s.Kill()
	}
	_ = os.RemoveAll(root)
	return nil, fmt.Errorf("s3test: the gateway did not start: %w", lastErr)
}

// waitReady polls until the gateway answers a ListBuckets, or it exits.
func (s *Server) waitReady(timeout time.Duration) error {
	c := s.Client()
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

// Client returns a plain minio-go client of the gateway.
func (s *Server) Client() *minio.Client {
	c, err := minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(AccessKey, SecretKey, ""), MaxRetries: 1})
	if err != nil {
		panic(err) // only a malformed endpoint fails, and ours is host:port
	}
	return c
}

// Kill stops the gateway (SIGKILL, by its process id) and waits for it to
// exit; later calls do nothing.
func (s *Server) Kill() {
	s.once.Do(func() {
		if s.cmd.Process != nil {
			_ = s.cmd.Process.Kill()
		}
	})
	<-s.done
}

// Close kills a shared server and removes its directory.
func (s *Server) Close() {
	s.Kill()
	_ = os.RemoveAll(s.Root)
}

// NewBucket creates a bucket with a fresh name and returns the name.
func (s *Server) NewBucket(tb testing.TB) string {
	tb.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "meadow-" + hex.EncodeToString(b[:])
	if err := s.Client().MakeBucket(context.Background(), name, minio.MakeBucketOptions{}); err != nil {
		tb.Fatalf("s3test: create bucket %s: %v", name, err)
	}
	return name
}
