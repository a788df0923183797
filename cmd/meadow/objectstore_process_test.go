//go:build !nodeonly

package main

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/coord/blob/s3test"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// TestCoordProcessObjectStore starts a real `meadow coord` process with
// --object-store-* flags and its credentials in a 0600 file: a module
// uploaded through its API lands in the bucket and not on its disk, and
// with the store killed an upload fails. A coordinator named a bucket that
// does not exist refuses to start, naming the store.
func TestCoordProcessObjectStore(t *testing.T) {
	bin := cpBuild(t)
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	creds := filepath.Join(t.TempDir(), "s3.creds")
	if err := os.WriteFile(creds, []byte("access_key="+s3test.AccessKey+"\nsecret_key="+s3test.SecretKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	flags := func(bucket string) []string {
		return []string{"--object-store-endpoint", srv.Endpoint, "--object-store-bucket", bucket,
			"--object-store-prefix", "meadow/", "--object-store-credentials-file", creds}
	}

	c := cpStartClusterWith(t, bin, 1, func(_ int, p *cpProc) { p.extra = flags(bucket) })
	p := c.procs[0]
	if want := "s3 http://" + srv.Endpoint + "/" + bucket + "/meadow/"; !strings.Contains(p.tail(100), want) {
		t.Fatalf("the log does not name the object store %s:\n%s", want, p.tail(30))
	}
	b, err := buyer.New(buyer.Config{Coordinators: []string{p.url()}, Key: cpKey(t), ChainID: cpChainID})
	if err != nil {
		t.Fatal(err)
	}
	module := make([]byte, 100_000)
	_, _ = rand.Read(module)
	copy(module, "\x00asm\x01\x00\x00\x00")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m, err := b.UploadModule(ctx, module)
	if err != nil {
		t.Fatal(err)
	}
	h := m.SHA256.String()
	if _, err := srv.Client().StatObject(ctx, bucket, "meadow/"+h[:2]+"/"+h[2:4]+"/"+h, minio.StatObjectOptions{}); err != nil {
		t.Fatalf("the module is not in the bucket: %v", err)
	}
	if es, _ := os.ReadDir(filepath.Join(p.dir, "blobs")); len(es) != 0 {
		t.Fatalf("the coordinator wrote %d entries under its blobs directory", len(es))
	}

	srv.Kill()
	short, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	module[100] ^= 1
	if _, err := b.UploadModule(short, module); err == nil {
		t.Fatal("an upload succeeded with the object store killed")
	}

	// A bucket that does not exist: the process exits at start, naming it.
	srv2 := s3test.Start(t)
	bad := &cpProc{bin: bin, id: "c1", dir: filepath.Join(t.TempDir(), "c1"), logPath: filepath.Join(t.TempDir(), "c1.log"),
		raftAddr: coordtest.FreeAddrOn(t, "127.0.0.11"), httpAddr: coordtest.FreeAddr(t)}
	bad.extra = []string{"--object-store-endpoint", srv2.Endpoint, "--object-store-bucket", "meadow-missing", "--object-store-credentials-file", creds}
	bad.spawn(t)
	select {
	case <-bad.exited:
	case <-time.After(30 * time.Second):
		bad.kill(t)
		t.Fatal("a coordinator with a missing bucket kept running")
	}
	if log := bad.tail(20); !strings.Contains(log, `bucket "meadow-missing" does not exist`) || !strings.Contains(log, srv2.Endpoint) {
		t.Fatalf("the exit does not name the missing bucket and the store:\n%s", log)
	}
}
