package coord_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/minio/minio-go/v7"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/blob/s3test"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/dataset"
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
	store := &coord.ObjectStoreConfig{Endpoint: srv.Endpoint, Bucket: bucket, Prefix: "meadow/", AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey, CountEvery: time.Second}
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

	// A blob that reaches the bucket another way (another member, a
	// restore) shows in every member's /metrics within a count or two
	// (count_every 1s here), with no console read to trigger a listing.
	other := make([]byte, 4321)
	_, _ = rand.Read(other)
	oh := dataset.Hash(sha256.Sum256(other)).String()
	if _, err := srv.Client().PutObject(ctx, bucket, "meadow/"+oh[:2]+"/"+oh[2:4]+"/"+oh, bytes.NewReader(other), int64(len(other)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, m := range c.Members {
		var got map[string]string
		deadline := time.Now().Add(15 * time.Second)
		for {
			got = scrape(t, m.Config.HTTPAddr)
			if got["meadow_blob_local_blobs"] == "2" && got["meadow_blob_local_bytes"] == fmt.Sprint(len(body)+len(other)) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s's /metrics: local_blobs %s, local_bytes %s; the bucket holds 2 blobs of %d bytes", m.Config.ID,
					got["meadow_blob_local_blobs"], got["meadow_blob_local_bytes"], len(body)+len(other))
			}
			time.Sleep(100 * time.Millisecond)
		}
		if ts, _ := strconv.ParseFloat(got["meadow_blob_local_counted_timestamp_seconds"], 64); ts < float64(time.Now().Add(-time.Minute).Unix()) {
			t.Fatalf("%s's counted timestamp %v: want the last few seconds", m.Config.ID, got["meadow_blob_local_counted_timestamp_seconds"])
		}
	}

	// Every member's console counts the bucket's blobs, not what it wrote
	// itself: the same figures the bucket's listing gives.
	var listed, listedBytes int64
	for oi := range srv.Client().ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true, Prefix: "meadow/"}) {
		listed++
		listedBytes += oi.Size
	}
	for _, m := range c.Members {
		v, err := m.C.Console(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !v.Blobs.Shared || v.Blobs.Blobs != listed || v.Blobs.Bytes != listedBytes {
			t.Fatalf("%s's console: %+v; the bucket lists %d objects of %d bytes", m.Config.ID, v.Blobs, listed, listedBytes)
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
		{name: "count every", edit: func(o *coord.ObjectStoreConfig) { o.CountEvery = 500 * time.Millisecond }, field: "config.object_store.count_every"},
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

// With an object store a dataset download is a redirect to a presigned GET
// of the dataset's file in the bucket, which the coordinator put there with
// the manifest beside it (datasets/ID/ID.parquet, datasets/ID/manifest.json):
// the file verifies against that manifest as `meadow verify --manifest`
// checks it, ranges are served by the store, a second member finds the file
// in place rather than sending it again, and the buyer's client follows the
// redirect without its envelope.
func TestObjectStoreDatasetFiles(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	store := &coord.ObjectStoreConfig{Endpoint: srv.Endpoint, Bucket: bucket, Prefix: "meadow/", AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey}
	c := coordtest.NewTestCluster(t, 3, coordtest.WithConfig(func(_ int, cfg *coord.Config) { cfg.ObjectStore = store }))
	b := newSigner(t)
	job := doneDataset(t, c, crypto.PubkeyToAddress(b.key.PublicKey))
	ds := state.DatasetID(job)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	download := func(member string) *http.Response {
		t.Helper()
		env, err := api.Sign(b.key, api.MethodDatasetGet, map[string]string{"dataset_id": ds, "format": "parquet"}, b.nonces.Next(time.Now()), time.Now().Add(time.Minute), api.DevDomain())
		if err != nil {
			t.Fatal(err)
		}
		h, _ := env.Header()
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+member+"/v1/datasets/"+ds+"/data?format=parquet", nil)
		req.Header.Set(api.EnvelopeHeader, h)
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTemporaryRedirect {
			t.Fatalf("download from %s: %d, want 307 to the bucket", member, resp.StatusCode)
		}
		return resp
	}
	resp := download(c.Followers()[0].Config.HTTPAddr)
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Host != srv.Endpoint || loc.Query().Get("X-Amz-Signature") == "" {
		t.Fatalf("Location %q: want a presigned URL of %s", resp.Header.Get("Location"), srv.Endpoint)
	}
	fileKey, manifestKey := "meadow/"+coord.DatasetFile(ds, dataset.FormatParquet), "meadow/"+coord.DatasetManifestFile(ds)
	if want := "/" + bucket + "/" + fileKey; loc.Path != want {
		t.Fatalf("Location path %s, want %s", loc.Path, want)
	}

	// The presigned URL alone reads the file, whole and in ranges.
	get := func(rng string) (int, []byte, http.Header) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, "GET", loc.String(), nil)
		if rng != "" {
			req.Header.Set("Range", rng)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, body, resp.Header
	}
	code, file, hdr := get("")
	if code != 200 || !strings.Contains(hdr.Get("Content-Disposition"), ds+".parquet") {
		t.Fatalf("GET presigned: %d, Content-Disposition %q", code, hdr.Get("Content-Disposition"))
	}
	if code, part, _ := get("bytes=0-3"); code != http.StatusPartialContent || string(part) != "PAR1" {
		t.Fatalf("GET presigned range: %d %q", code, part)
	}

	// The bucket holds the file and the manifest, and the file verifies
	// against that manifest.
	obj, err := srv.Client().GetObject(ctx, bucket, manifestKey, minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mb, err := io.ReadAll(obj)
	obj.Close()
	if err != nil {
		t.Fatalf("manifest in the bucket: %v", err)
	}
	var m dataset.Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		t.Fatalf("manifest in the bucket: %v", err)
	}
	path := filepath.Join(t.TempDir(), ds+".parquet")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err := dataset.Verify(ctx, path, dataset.VerifyOptions{Manifest: &m})
	if err != nil || rep.Rows != 4 {
		t.Fatalf("verify the bucket's file against the bucket's manifest: %v (%d rows)", err, rep.Rows)
	}
	before, err := srv.Client().StatObject(ctx, bucket, fileKey, minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}

	// Another member finds the same bytes in place: nothing is put again.
	time.Sleep(1100 * time.Millisecond) // LastModified has a resolution of one second
	download(c.WaitLeader().Config.HTTPAddr)
	after, err := srv.Client().StatObject(ctx, bucket, fileKey, minio.StatObjectOptions{})
	if err != nil || !after.LastModified.Equal(before.LastModified) {
		t.Fatalf("the second member's download rewrote the file: %v -> %v (%v)", before.LastModified, after.LastModified, err)
	}

	// The buyer's client follows the redirect and gets the same bytes.
	bc, err := buyer.New(buyer.Config{Coordinators: []string{"http://" + c.Followers()[0].Config.HTTPAddr}, Key: b.key, ChainID: api.DevChainID})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "got.parquet")
	if n, err := bc.Download(ctx, ds, api.FormatParquet, out); err != nil || n != int64(len(file)) {
		t.Fatalf("buyer download through the redirect: %d bytes, %v; want %d", n, err, len(file))
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, file) {
		t.Fatal("the buyer's download differs from the bucket's file")
	}
}
