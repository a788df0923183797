// Package s3gw runs Versity's S3 gateway (github.com/versity/versitygw,
// Apache-2.0), an S3-compatible object store over a posix directory, as a
// separate process on a loopback port picked at run time. It is the store
// that `meadow dev --object-store` starts for its coordinators, and the one
// the tests start (coord/blob/s3test). The gateway is never linked into
// Meadow's binaries: scripts/deps.sh (`make deps`) builds it into
// .cache/bin.
package s3gw

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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

// Find returns the gateway's path: .cache/bin under the module root (the
// first directory from dir upward that holds a go.mod), else PATH. The error
// wraps ErrNotInstalled and names the command that installs it.
func Find(dir string) (string, error) {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			p := filepath.Join(d, ".cache", "bin", Binary)
			if _, err := os.Stat(p); err == nil {
				return p, nil
			}
			break
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	if p, err := exec.LookPath(Binary); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%w: %s is neither in .cache/bin nor on PATH: run `make deps` (scripts/deps.sh), which builds it with `go install github.com/versity/versitygw/cmd/%s@%s`",
		ErrNotInstalled, Binary, Binary, Version)
}

// Config is a gateway to start.
type Config struct {
	// Binary is the gateway's path (Find).
	Binary string
	// Root is the posix directory it serves, created (0700) if missing:
	// ROOT/BUCKET/KEY is the object KEY of BUCKET.
	Root string
	// AccessKey and SecretKey are the credentials of the gateway's root
	// user. They reach it in its environment, never on its command line,
	// where any user of the machine could read them.
	AccessKey, SecretKey string
	// Log receives the gateway's output (default ROOT/.gateway.log).
	Log string
	// Ready bounds the wait for the gateway to answer (default 15 s).
	Ready time.Duration
}

// Server is a running gateway.
type Server struct {
	// Endpoint is its address, 127.0.0.1:PORT.
	Endpoint string
	// Root is the posix directory it serves.
	Root string
	// AccessKey and SecretKey are its root user's credentials.
	AccessKey, SecretKey string
	// Log is the file its output goes to.
	Log string

	cmd  *exec.Cmd
	done chan struct{}
	once sync.Once
}

// Start starts a gateway and waits until it answers. The port is picked
// free and then handed to the gateway; another process may take it in
// between, so a start that fails is tried again on another port, five times
// in all. The caller stops it with Kill; on Linux the kernel also kills it
// when the process that started it dies, and it runs in a process group of
// its own, so that a Ctrl-C at the terminal stops it only through its
// parent, after whatever still writes to it.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Binary == "" || cfg.Root == "" || cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, fmt.Errorf("%w: binary, root and both keys are required", ErrConfig)
	}
	if cfg.Log == "" {
		cfg.Log = filepath.Join(cfg.Root, ".gateway.log")
	}
	if cfg.Ready <= 0 {
		cfg.Ready = 15 * time.Second
	}
	if err := os.MkdirAll(cfg.Root, 0o700); err != nil {
		return nil, fmt.Errorf("s3gw: root: %w", err)
	}
	var lastErr error
	for range 5 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("s3gw: %w", err)
		}
		addr := ln.Addr().String()
		ln.Close()
		s := &Server{Endpoint: addr, Root: cfg.Root, AccessKey: cfg.AccessKey, SecretKey: cfg.SecretKey, Log: cfg.Log, done: make(chan struct{})}
		if err := s.spawn(cfg.Binary); err != nil {
			return nil, err
		}
		if lastErr = s.waitReady(ctx, cfg.Ready); lastErr == nil {
			return s, nil
		}
		s.Kill()
		if ctx.Err() != nil {
			break
		}
	}
	return nil, fmt.Errorf("s3gw: %s did not start: %w", cfg.Binary, lastErr)
}

// spawn starts the process, its output appended to the log.
func (s *Server) spawn(bin string) error {
	logf, err := os.OpenFile(s.Log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("s3gw: log: %w", err)
	}
	s.cmd = exec.Command(bin, "--port", s.Endpoint, "--quiet", "posix", s.Root)
	s.cmd.Env = append(gatewayEnviron(os.Environ()), "ROOT_ACCESS_KEY_ID="+s.AccessKey, "ROOT_SECRET_ACCESS_KEY="+s.SecretKey)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	s.cmd.SysProcAttr = childAttr()
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("s3gw: start %s: %w", bin, err)
	}
	go func() { _ = s.cmd.Wait(); logf.Close(); close(s.done) }()
	return nil
}

// gatewayEnviron is environ without the variables the gateway reads as
// settings (VGW_*, ROOT_*), so that none of the caller's changes it.
func gatewayEnviron(environ []string) []string {
	var out []string
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "VGW_") && !strings.HasPrefix(kv, "ROOT_") {
			out = append(out, kv)
		}
	}
	return out
}

// waitReady polls until the gateway answers a ListBuckets, or it exits.
func (s *Server) waitReady(ctx context.Context, timeout time.Duration) error {
	c := s.Client()
	deadline := time.Now().Add(timeout)
	for {
		tctx, cancel := context.WithTimeout(ctx, time.Second)
		_, err := c.ListBuckets(tctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-s.done:
			log, _ := os.ReadFile(s.Log)
			return fmt.Errorf("it exited: %s", strings.TrimSpace(string(log)))
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready on %s after %v: %v", s.Endpoint, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Client returns a plain minio-go client of the gateway.
func (s *Server) Client() *minio.Client {
	c, err := minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""), MaxRetries: 1})
	if err != nil {
		panic(err) // only a malformed endpoint fails, and ours is host:port
	}
	return c
}

// MakeBucket creates a bucket; one that the gateway already holds (a run
// over a directory kept from an earlier one) is no error.
func (s *Server) MakeBucket(ctx context.Context, name string) error {
	err := s.Client().MakeBucket(ctx, name, minio.MakeBucketOptions{})
	if err != nil && minio.ToErrorResponse(err).Code != "BucketAlreadyOwnedByYou" {
		return fmt.Errorf("s3gw: create bucket %s: %w", name, err)
	}
	return nil
}

// PID is the gateway's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Exited is closed once the gateway's process has exited.
func (s *Server) Exited() <-chan struct{} { return s.done }

// Kill stops the gateway (SIGKILL, by its process id) and waits for it to
// exit; later calls only wait. The gateway acknowledges an object once its
// file is in place, so there is nothing for a gentler signal to flush.
func (s *Server) Kill() {
	s.once.Do(func() {
		if s.cmd.Process != nil {
			_ = s.cmd.Process.Kill()
		}
	})
	<-s.done
}

// NewKeys returns a fresh random access key and secret key, for a gateway
// started for one run.
func NewKeys() (access, secret string, err error) {
	var b [30]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", fmt.Errorf("s3gw: keys: %w", err)
	}
	h := hex.EncodeToString(b[:])
	return "meadow" + h[:14], h[14:], nil
}

// WriteCredentials writes access and secret to path as the coordinators'
// --object-store-credentials-file reads them (access_key= and secret_key=
// lines), mode 0600. A file already there is replaced, not rewritten in
// place, so that its mode is ours.
func WriteCredentials(path, access, secret string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("s3gw: credentials: %w", err)
	}
	if err := os.WriteFile(path, []byte("access_key="+access+"\nsecret_key="+secret+"\n"), 0o600); err != nil {
		return fmt.Errorf("s3gw: credentials: %w", err)
	}
	return nil
}
