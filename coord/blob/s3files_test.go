package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/dataset"
)

// A named file is stored with its SHA-256, found in place rather than sent
// again, replaced when the bytes under its name are not the ones asked for,
// refused when they do not hash to the sum given, and served by a presigned
// GET as an attachment; in both verify modes.
func TestS3PutFile(t *testing.T) {
	for _, mode := range []string{VerifyChecksum, VerifyReadBack} {
		t.Run(mode, func(t *testing.T) {
			srv := testS3(t)
			s := newTestS3(t, srv, func(c *S3Config) { c.Verify = mode })
			ctx := context.Background()
			b, _ := randomBlob(t, 50_000)
			sum := dataset.Hash(sha256.Sum256(b))
			name := "datasets/ds-1/ds-1.parquet"
			if err := s.PutFile(ctx, name, bytes.NewReader(b), int64(len(b)), sum, "application/vnd.apache.parquet"); err != nil {
				t.Fatal(err)
			}
			key := s.FileKey(name)
			first, err := s.c.StatObject(ctx, s.cfg.Bucket, key, minio.StatObjectOptions{})
			if err != nil || key != "blobs/"+name {
				t.Fatalf("stat %s: %v", key, err)
			}
			time.Sleep(1100 * time.Millisecond) // LastModified counts seconds
			if err := s.PutFile(ctx, name, bytes.NewReader(b), int64(len(b)), sum, "application/vnd.apache.parquet"); err != nil {
				t.Fatal(err)
			}
			if again, _ := s.c.StatObject(ctx, s.cfg.Bucket, key, minio.StatObjectOptions{}); !again.LastModified.Equal(first.LastModified) {
				t.Fatal("a second PutFile of the same bytes wrote them again")
			}

			// Other bytes written under the name through the store's API
			// are replaced.
			bad := bytes.Clone(b)
			bad[7] ^= 1
			if _, err := s.c.PutObject(ctx, s.cfg.Bucket, key, bytes.NewReader(bad), int64(len(bad)), minio.PutObjectOptions{DisableMultipart: true}); err != nil {
				t.Fatal(err)
			}
			if err := s.PutFile(ctx, name, bytes.NewReader(b), int64(len(b)), sum, "application/vnd.apache.parquet"); err != nil {
				t.Fatal(err)
			}
			if mode == VerifyReadBack {
				// Bytes changed behind the store itself, which keeps its
				// old checksum: only a read-back sees them (in checksum
				// mode the buyer's check against the manifest does).
				p := filepath.Join(srv.Root, s.cfg.Bucket, filepath.FromSlash(key))
				if err := os.WriteFile(p, bad, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.PutFile(ctx, name, bytes.NewReader(b), int64(len(b)), sum, "application/vnd.apache.parquet"); err != nil {
				t.Fatal(err)
			}
			u, err := s.PresignFile(ctx, name, time.Minute, "ds-1.parquet")
			if err != nil {
				t.Fatal(err)
			}
			resp, got := do(t, "GET", u, nil, nil)
			if resp.StatusCode != http.StatusOK || !bytes.Equal(got, b) || !strings.Contains(resp.Header.Get("Content-Disposition"), `filename=ds-1.parquet`) {
				t.Fatalf("presigned GET: %d, %d bytes, Content-Disposition %q", resp.StatusCode, len(got), resp.Header.Get("Content-Disposition"))
			}

			// A sum the bytes do not have stores nothing under a new name.
			other := "datasets/ds-2/ds-2.parquet"
			if err := s.PutFile(ctx, other, bytes.NewReader(b), int64(len(b)), dataset.Hash{1}, "x"); !errors.Is(err, ErrStore) {
				t.Fatalf("PutFile with a wrong sum = %v, want ErrStore", err)
			}
			if _, err := s.c.StatObject(ctx, s.cfg.Bucket, s.FileKey(other), minio.StatObjectOptions{}); err == nil && mode == VerifyChecksum {
				t.Fatal("a file with a wrong sum was stored")
			}
		})
	}
}

func TestS3FileNames(t *testing.T) {
	s := newTestS3(t, nil, nil)
	for _, name := range []string{"", "/abs", "../up", "a/../../b", "a//b", "a/./b", ".."} {
		if err := s.PutFile(context.Background(), name, bytes.NewReader(nil), 0, dataset.Hash{}, "x"); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("PutFile(%q) = %v, want a refusal of the name", name, err)
		}
		if _, err := s.PresignFile(context.Background(), name, time.Minute, ""); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("PresignFile(%q) = %v, want a refusal of the name", name, err)
		}
	}
}

// With RedirectReads a reader's GET that AuthorizeRead allowed is a 307 to a
// presigned URL of the blob in the bucket; a HEAD, a peer's GET and a
// missing blob are answered by the handler itself; a refused read is still
// refused; over the disk store nothing changes.
func TestHandlerRedirectReads(t *testing.T) {
	s := newTestS3(t, nil, nil)
	ctx := context.Background()
	b, h := randomBlob(t, 20_000)
	if _, err := s.Put(ctx, bytes.NewReader(b), h, 0); err != nil {
		t.Fatal(err)
	}
	_, missing := randomBlob(t, 10)
	cfg := HandlerConfig{
		Token: testToken, RedirectReads: true,
		AuthorizeRead: func(c *fasthttp.RequestCtx, got dataset.Hash) error {
			if string(c.Request.Header.Peek("Meadow-Envelope")) != "lease-1" {
				return errors.New("no lease names this blob")
			}
			return nil
		},
	}
	srv := startServer(t, NewHandler(s, cfg).Serve, false)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(method string, hash dataset.Hash, header map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, srv.url()+PathPrefix+hash.String(), nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	reader := map[string]string{"Meadow-Envelope": "lease-1"}
	resp := get("GET", h, reader)
	if resp.StatusCode != http.StatusTemporaryRedirect {
		t.Fatalf("reader's GET: %d, want 307", resp.StatusCode)
	}
	r, got := do(t, "GET", resp.Header.Get("Location"), nil, map[string]string{"Range": "bytes=100-199"})
	if r.StatusCode != http.StatusPartialContent || !bytes.Equal(got, b[100:200]) {
		t.Fatalf("GET of the presigned URL: %d, %d bytes", r.StatusCode, len(got))
	}
	for _, tt := range []struct {
		name, method string
		hash         dataset.Hash
		header       map[string]string
		status       int
	}{
		{"reader's HEAD", "HEAD", h, reader, 200},
		{"peer's GET", "GET", h, map[string]string{TokenHeader: testToken}, 200},
		{"missing blob", "GET", missing, reader, 404},
		{"refused reader", "GET", h, map[string]string{"Meadow-Envelope": "other"}, 403},
	} {
		if resp := get(tt.method, tt.hash, tt.header); resp.StatusCode != tt.status {
			t.Errorf("%s: %d, want %d", tt.name, resp.StatusCode, tt.status)
		}
	}

	d, _ := newTestStore(t)
	if _, err := d.Put(ctx, bytes.NewReader(b), h, 0); err != nil {
		t.Fatal(err)
	}
	disk := startServer(t, NewHandler(d, cfg).Serve, false)
	if resp, got := do(t, "GET", disk.url()+PathPrefix+h.String(), nil, reader); resp.StatusCode != 200 || !bytes.Equal(got, b) {
		t.Fatalf("reader's GET over the disk store: %d", resp.StatusCode)
	}
}

// Two members sharing a bucket: each one's gauges follow its own writes
// until it counts the bucket, after which they are the bucket's (what the
// other wrote included) and the counted timestamp says when; Usage reuses
// a recent count instead of listing again.
func TestS3CountSharedBucket(t *testing.T) {
	srv := testS3(t)
	regA, regB := prometheus.NewRegistry(), prometheus.NewRegistry()
	mA, err := NewMetrics(regA)
	if err != nil {
		t.Fatal(err)
	}
	mB, err := NewMetrics(regB)
	if err != nil {
		t.Fatal(err)
	}
	a := newTestS3(t, srv, func(c *S3Config) { c.Metrics = mA })
	b := newTestS3(t, srv, func(c *S3Config) { c.Metrics = mB; c.Bucket = a.cfg.Bucket })
	ctx := context.Background()

	var sizes int64
	for i, s := range []*S3{a, b, b} {
		body, h := randomBlob(t, 1000*(i+1))
		if _, err := s.Put(ctx, bytes.NewReader(body), h, int64(len(body))); err != nil {
			t.Fatal(err)
		}
		sizes += int64(len(body))
	}
	if v := metricValue(t, regA, "meadow_blob_local_blobs"); v != 1 {
		t.Fatalf("A's local_blobs before a count = %v, want 1 (its own write)", v)
	}
	if v := metricValue(t, regA, "meadow_blob_local_counted_timestamp_seconds"); v != 0 {
		t.Fatalf("counted timestamp before a count = %v, want 0", v)
	}
	before := time.Now()
	n, size, err := a.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 || size != sizes {
		t.Fatalf("Count = %d blobs, %d bytes; want 3, %d", n, size, sizes)
	}
	if v := metricValue(t, regA, "meadow_blob_local_blobs"); v != 3 {
		t.Fatalf("A's local_blobs after a count = %v, want 3", v)
	}
	if v := metricValue(t, regA, "meadow_blob_local_bytes"); v != float64(sizes) {
		t.Fatalf("A's local_bytes after a count = %v, want %d", v, sizes)
	}
	if v := metricValue(t, regA, "meadow_blob_local_counted_timestamp_seconds"); v < float64(before.Unix()) || v > float64(time.Now().Unix()+1) {
		t.Fatalf("counted timestamp = %v, want about %d", v, before.Unix())
	}

	// A blob B writes now is in the bucket but not in A's last count:
	// Usage, within usageMaxAge, answers that count without listing.
	body, h := randomBlob(t, 500)
	if _, err := b.Put(ctx, bytes.NewReader(body), h, int64(len(body))); err != nil {
		t.Fatal(err)
	}
	if n, _, err := a.Usage(ctx); err != nil || n != 3 {
		t.Fatalf("Usage right after Count = %d, %v; want the count, 3", n, err)
	}
	if n, _, err := a.Count(ctx); err != nil || n != 4 {
		t.Fatalf("Count = %d, %v; want 4", n, err)
	}
	// A's removal of a blob B wrote moves A's gauges at once.
	if err := a.Remove(ctx, h); err != nil {
		t.Fatal(err)
	}
	if v := metricValue(t, regA, "meadow_blob_local_bytes"); v != float64(sizes) {
		t.Fatalf("A's local_bytes after its removal = %v, want %d", v, sizes)
	}
}
