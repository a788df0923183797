package coord_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/blob/s3test"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// wasmModule returns a module-shaped body (the wasm header, then random
// bytes) of n bytes and its upload metadata.
func wasmModule(t *testing.T, n int) ([]byte, api.ModuleUpload) {
	t.Helper()
	b := make([]byte, n)
	_, _ = rand.Read(b)
	copy(b, []byte{0, 'a', 's', 'm', 1, 0, 0, 0})
	return b, api.ModuleUpload{SHA256: api.Hash(sha256.Sum256(b)), Size: int64(n)}
}

// With object_store set, every member keeps its blobs in the shared
// bucket: an upload is stored there once, no member writes a blob to its
// disk, every member serves it from the bucket, and with the store gone an
// upload fails with an error naming it and nothing is recorded.
func TestObjectStoreCluster(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	store := &coord.ObjectStoreConfig{Endpoint: srv.Endpoint, Bucket: bucket, Prefix: "meadow/", AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey}
	c := coordtest.NewTestCluster(t, 3, coordtest.WithConfig(func(_ int, cfg *coord.Config) { cfg.ObjectStore = store }))
	leader := c.WaitLeader().C
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	body, up := wasmModule(t, 300_000)
	if _, err := leader.UploadModule(ctx, naddr(0), up, bytes.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for oi := range srv.Client().ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
		keys = append(keys, oi.Key)
	}
	h := up.SHA256.String()
	if want := "meadow/" + h[:2] + "/" + h[2:4] + "/" + h; len(keys) != 1 || keys[0] != want {
		t.Fatalf("bucket holds %v, want [%s]", keys, want)
	}
	for _, m := range c.Members {
		if got, ok := m.C.BlobBytes(up.SHA256); !ok || !bytes.Equal(got, body) {
			t.Fatalf("%s: BlobBytes from the bucket: %v", m.Config.ID, ok)
		}
		if fs, _ := filepath.Glob(filepath.Join(m.Config.DataDir, "blobs", "*")); len(fs) != 0 {
			t.Fatalf("%s wrote blobs to its disk: %v", m.Config.ID, fs)
		}
		// The peer route serves it from the bucket too, ranges included.
		req, _ := http.NewRequest("GET", "http://"+m.C.HTTPAddr()+blob.PathPrefix+h, nil)
		req.Header.Set(blob.TokenHeader, m.Config.ClusterToken)
		req.Header.Set("Range", "bytes=8-15")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(got, body[8:16]) {
			t.Fatalf("%s: GET range: %d %q", m.Config.ID, resp.StatusCode, got)
		}
	}

	srv.Kill()
	body2, up2 := wasmModule(t, 50_000)
	_, err := leader.UploadModule(ctx, naddr(0), up2, bytes.NewReader(body2))
	if !errors.Is(err, blob.ErrStore) || !strings.Contains(err.Error(), srv.Endpoint) {
		t.Fatalf("upload with the store down: %v, want blob.ErrStore naming %s", err, srv.Endpoint)
	}
	for _, m := range c.Members {
		if _, ok := m.C.BlobBytes(up2.SHA256); ok {
			t.Fatalf("%s holds the refused module", m.Config.ID)
		}
	}
}

func TestObjectStoreConfig(t *testing.T) {
	good := func() *coord.ObjectStoreConfig {
		return &coord.ObjectStoreConfig{Endpoint: "127.0.0.1:9000", Bucket: "meadow"}
	}
	tests := []struct {
		name  string
		edit  func(*coord.ObjectStoreConfig)
		field string
	}{
		{name: "good", edit: func(*coord.ObjectStoreConfig) {}},
		{name: "scheme", edit: func(o *coord.ObjectStoreConfig) { o.Endpoint = "https://s3.example" }, field: "config.object_store.endpoint"},
		{name: "no bucket", edit: func(o *coord.ObjectStoreConfig) { o.Bucket = "" }, field: "config.object_store.bucket"},
		{name: "prefix", edit: func(o *coord.ObjectStoreConfig) { o.Prefix = "/x" }, field: "config.object_store.prefix"},
		{name: "verify", edit: func(o *coord.ObjectStoreConfig) { o.Verify = "trust" }, field: "config.object_store.verify"},
		{name: "file and env", edit: func(o *coord.ObjectStoreConfig) { o.CredentialsFile, o.AccessKeyEnv = "/c", "X" }, field: "config.object_store.credentials_file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := coordtest.TestConfig("c1", t.TempDir())
			cfg.Bootstrap = true
			cfg.ObjectStore = good()
			tt.edit(cfg.ObjectStore)
			err := cfg.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, coord.ErrInvalid) || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("Validate = %v, want an error naming %s", err, tt.field)
			}
		})
	}
}

// A credentials file others can read is refused, naming its mode; missing
// environment variables are named.
func TestObjectStoreCredentials(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s3.creds")
	if err := os.WriteFile(file, []byte("access_key=a\nsecret_key=s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	start := func(o *coord.ObjectStoreConfig) error {
		cfg := coordtest.TestConfig("c1", filepath.Join(dir, "data"))
		cfg.Bootstrap = true
		cfg.ObjectStore = o
		c, err := coord.New(cfg)
		if err == nil {
			c.Close()
		}
		return err
	}
	err := start(&coord.ObjectStoreConfig{Endpoint: "127.0.0.1:1", Bucket: "meadow", CredentialsFile: file})
	if !errors.Is(err, coord.ErrInvalid) || !strings.Contains(err.Error(), "0644") || !strings.Contains(err.Error(), "0600") {
		t.Fatalf("world-readable credentials file: %v", err)
	}
	t.Setenv("MEADOW_TEST_NO_SUCH_KEY", "")
	err = start(&coord.ObjectStoreConfig{Endpoint: "127.0.0.1:1", Bucket: "meadow", AccessKeyEnv: "MEADOW_TEST_NO_SUCH_KEY", SecretKeyEnv: "MEADOW_TEST_NO_SUCH_SECRET"})
	if !errors.Is(err, coord.ErrInvalid) || !strings.Contains(err.Error(), "MEADOW_TEST_NO_SUCH_KEY") {
		t.Fatalf("missing credentials: %v", err)
	}
	// Good credentials but nothing listening: the coordinator refuses to
	// start, naming the store.
	if err := os.Chmod(file, 0o600); err != nil {
		t.Fatal(err)
	}
	err = start(&coord.ObjectStoreConfig{Endpoint: "127.0.0.1:1", Bucket: "meadow", CredentialsFile: file})
	if !errors.Is(err, blob.ErrStore) || !strings.Contains(err.Error(), "127.0.0.1:1/meadow") {
		t.Fatalf("unreachable store at start: %v", err)
	}
}
