package s3gw

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFindMissing: without the gateway in .cache/bin or on PATH, Find fails
// naming the binary and the command that installs it.
func TestFindMissing(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	_, err := Find(dir)
	if !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), Binary) || !strings.Contains(err.Error(), "make deps") {
		t.Fatalf("Find without the gateway: %v; want ErrNotInstalled naming %s and make deps", err, Binary)
	}
}

// TestStartKill starts the gateway from .cache/bin with random keys, makes
// a bucket twice (the second is no error), checks that the keys are not on
// its command line, and kills it.
func TestStartKill(t *testing.T) {
	wd, _ := os.Getwd()
	bin, err := Find(wd)
	if err != nil {
		t.Fatal(err)
	}
	access, secret, err := NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Start(ctx, Config{Binary: bin, Root: filepath.Join(t.TempDir(), "root"), AccessKey: access, SecretKey: secret, Log: filepath.Join(t.TempDir(), "gw.log")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Kill()
	for range 2 {
		if err := s.MakeBucket(ctx, "meadow-dev"); err != nil {
			t.Fatal(err)
		}
	}
	if fi, err := os.Stat(filepath.Join(s.Root, "meadow-dev")); err != nil || !fi.IsDir() {
		t.Fatalf("the bucket is not a directory of the root: %v", err)
	}
	if cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(s.PID()) + "/cmdline"); err == nil && strings.Contains(string(cmdline), secret) {
		t.Fatalf("the secret key is on the gateway's command line: %q", cmdline)
	}
	s.Kill()
	select {
	case <-s.Exited():
	default:
		t.Fatal("Kill returned before the gateway exited")
	}
}
