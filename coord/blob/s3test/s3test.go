// Package s3test starts a real S3-compatible object store for tests: Versity's
// S3 gateway over a posix directory, as a separate process on a loopback port
// picked at run time (coord/blob/s3gw, which `meadow dev --object-store`
// uses too), with fixed test credentials. Only tests import this package.
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/meadow-net/meadow/coord/blob/s3gw"
)

// Binary is the gateway's executable name; Version the one scripts/deps.sh
// installs.
const (
	Binary  = s3gw.Binary
	Version = s3gw.Version
)

// The credentials the gateway is started with.
const (
	AccessKey = "meadowtestaccess"
	SecretKey = "meadowtestsecret0123456789"
)

// Server is a running gateway. Its Root is the posix directory it serves:
// ROOT/BUCKET/KEY is the object KEY of BUCKET, so a test can change an
// object's bytes behind it; its output goes to ROOT/.gateway.log.
type Server struct {
	*s3gw.Server
}

// FindBinary returns the gateway's path: .cache/bin under the module root,
// else PATH. A test that cannot find it fails, naming the command that
// installs it.
func FindBinary(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	p, err := s3gw.Find(dir)
	if err != nil {
		tb.Fatalf("the S3-compatible test server: %v", err)
	}
	return p
}

// Start starts a gateway over a fresh directory and waits until it answers.
// It is stopped, and its directory removed, when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s, err := start(FindBinary(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
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
	s, err := s3gw.Start(context.Background(), s3gw.Config{Binary: bin, Root: root, AccessKey: AccessKey, SecretKey: SecretKey})
	if err != nil {
		_ = os.RemoveAll(root)
		return nil, err
	}
	return &Server{s}, nil
}

// Close kills the server and removes its directory.
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
	if err := s.MakeBucket(context.Background(), name); err != nil {
		tb.Fatal(err)
	}
	return name
}
