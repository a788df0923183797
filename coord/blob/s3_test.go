package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/meadow-net/meadow/coord/blob/s3test"
)

// The gateway verifies the SHA-256 a PUT carries: bytes that do not match
// are refused and nothing is stored. S3.Put relies on this (VerifyChecksum)
// instead of reading every object back.
func TestS3ServerVerifiesChecksum(t *testing.T) {
	s := newTestS3(t, nil, nil)
	b, h := randomBlob(t, 100_000)
	_, other := randomBlob(t, 10)
	ctx := context.Background()
	_, err := s.c.PutObject(ctx, s.cfg.Bucket, s.Key(h), bytes.NewReader(b), int64(len(b)), minio.PutObjectOptions{
		DisableMultipart: true,
		UserMetadata:     map[string]string{"x-amz-checksum-sha256": base64.StdEncoding.EncodeToString(other[:])},
	})
	if err == nil {
		t.Fatal("the gateway stored bytes whose SHA-256 differs from the checksum sent with them")
	}
	if _, err := s.Stat(ctx, h); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after a refused PUT: Stat = %v, want ErrNotFound", err)
	}
}

// A corrupted object (bytes changed in the bucket, by rot under the
// gateway or by a PUT around Meadow) is found by Check and by a full read,
// and is never served: a Range is refused with 502, and a full GET ends
// before its last bytes.
func TestS3CorruptedObjectNotServed(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		corrupt func(t *testing.T, s *testBackend, h [32]byte, b []byte)
	}{
		{name: "rewritten under the gateway", corrupt: func(t *testing.T, s *testBackend, h [32]byte, b []byte) {
			bad := bytes.Clone(b)
			bad[len(bad)-1] ^= 1
			s.rewrite(t, h, bad)
		}},
		{name: "replaced by a PUT", corrupt: func(t *testing.T, s *testBackend, h [32]byte, b []byte) {
			bad := bytes.Clone(b)
			bad[7] ^= 1
			if _, err := s.s3.c.PutObject(ctx, s.s3.cfg.Bucket, s.s3.Key(h), bytes.NewReader(bad), int64(len(bad)), minio.PutObjectOptions{DisableMultipart: true}); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newS3Backend(t)
			b, h := randomBlob(t, 600_000)
			if _, err := s.Put(ctx, bytes.NewReader(b), h, 0); err != nil {
				t.Fatal(err)
			}
			srv := startServer(t, NewHandler(s.Backend, HandlerConfig{Token: testToken}).Serve, true)
			url := srv.url() + PathPrefix + h.String()
			peer := map[string]string{TokenHeader: testToken}
			// A Range of the good object is served (and its check
			// remembered), before the corruption.
			if resp, got := do(t, "GET", url, nil, map[string]string{TokenHeader: testToken, "Range": "bytes=10-19"}); resp.StatusCode != 206 || !bytes.Equal(got, b[10:20]) {
				t.Fatalf("Range of the good object: %d %q", resp.StatusCode, got)
			}

			tt.corrupt(t, s, h, b)

			var de *DigestError
			if err := s.Check(ctx, h); !errors.As(err, &de) || de.Want != h {
				t.Fatalf("Check = %v, want *DigestError", err)
			}
			r, _, err := s.Open(ctx, h)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			r.Close()
			if !errors.As(err, &de) || len(got) >= len(b) {
				t.Fatalf("full read: %d bytes, %v; want fewer than %d and a *DigestError", len(got), err, len(b))
			}
			resp, body := do(t, "GET", url, nil, map[string]string{TokenHeader: testToken, "Range": "bytes=10-19"})
			if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(body), "digest mismatch") {
				t.Fatalf("Range of the corrupted object: %d %s", resp.StatusCode, body)
			}
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set(TokenHeader, peer[TokenHeader])
			if resp, err := http.DefaultClient.Do(req); err == nil {
				got, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err == nil && sha256.Sum256(got) == h {
					t.Fatal("a full GET of the corrupted object delivered the blob")
				}
				if err == nil {
					t.Fatalf("a full GET of the corrupted object ended cleanly with %d of %d bytes", len(got), len(b))
				}
			}
			// Putting the good bytes again replaces the bad object.
			if _, err := s.Put(ctx, bytes.NewReader(b), h, 0); err != nil {
				t.Fatal(err)
			}
			if err := s.Check(ctx, h); err != nil && tt.name == "replaced by a PUT" {
				t.Fatalf("after putting the good bytes again: %v", err)
			}
		})
	}
}

// An unreachable store (its process killed), a missing bucket and wrong
// credentials each make Put fail with ErrStore, naming the store, and
// nothing is acknowledged or left behind.
func TestS3FaultsRefuseUploads(t *testing.T) {
	ctx := context.Background()
	b, h := randomBlob(t, 200_000)
	check := func(t *testing.T, s *S3, err error) {
		t.Helper()
		if !errors.Is(err, ErrStore) || !strings.Contains(err.Error(), s.String()) {
			t.Fatalf("Put = %v, want ErrStore naming %s", err, s)
		}
		if got := files(t, s.cfg.SpoolDir); len(got) != 0 {
			t.Fatalf("spool files left behind: %v", got)
		}
	}
	t.Run("unreachable", func(t *testing.T) {
		srv := s3test.Start(t)
		s := newTestS3(t, srv, nil)
		_, old := randomBlob(t, 1000)
		srv.Kill()
		start := time.Now()
		_, err := s.Put(ctx, bytes.NewReader(b), h, 0)
		check(t, s, err)
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("Put took %v to fail against a dead store", d)
		}
		// Reads fail with ErrStore too, not ErrNotFound: the blob may well
		// be there.
		if _, err := s.Stat(ctx, old); !errors.Is(err, ErrStore) || errors.Is(err, ErrNotFound) {
			t.Fatalf("Stat against a dead store = %v, want ErrStore", err)
		}
		if err := s.Ping(ctx); !errors.Is(err, ErrStore) {
			t.Fatalf("Ping = %v", err)
		}
	})
	t.Run("killed during the PUT", func(t *testing.T) {
		srv := s3test.Start(t)
		s := newTestS3(t, srv, func(c *S3Config) {
			c.Transport = roundTripFunc(func(req *http.Request) (*http.Response, error) {
				if req.Method == http.MethodPut {
					srv.Kill()
				}
				return http.DefaultTransport.RoundTrip(req)
			})
		})
		_, err := s.Put(ctx, bytes.NewReader(b), h, 0)
		check(t, s, err)
	})
	t.Run("no such bucket", func(t *testing.T) {
		s := newTestS3(t, nil, func(c *S3Config) { c.Bucket = "meadow-no-such-bucket" })
		_, err := s.Put(ctx, bytes.NewReader(b), h, 0)
		check(t, s, err)
		if err := s.Ping(ctx); !errors.Is(err, ErrStore) || !strings.Contains(err.Error(), "does not exist") {
			t.Fatalf("Ping = %v, want the bucket named as missing", err)
		}
	})
	t.Run("wrong credentials", func(t *testing.T) {
		s := newTestS3(t, nil, func(c *S3Config) { c.SecretKey = "not-the-secret" })
		_, err := s.Put(ctx, bytes.NewReader(b), h, 0)
		check(t, s, err)
		good := newTestS3(t, nil, nil)
		good.cfg.Bucket = s.cfg.Bucket
		if _, err := good.Stat(ctx, h); !errors.Is(err, ErrNotFound) {
			t.Fatalf("the refused blob: Stat = %v, want ErrNotFound", err)
		}
	})
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// VerifyReadBack reads every object back after the PUT; it stores and
// serves like the default; and, with no checksum of the store to trust, a
// Put that finds an object under the name rereads it and replaces it if it
// is bad.
func TestS3ReadBack(t *testing.T) {
	srv := testS3(t)
	s := newTestS3(t, srv, func(c *S3Config) { c.Verify = VerifyReadBack })
	ctx := context.Background()
	b, h := randomBlob(t, 300_000)
	if n, err := s.Put(ctx, bytes.NewReader(b), h, 0); err != nil || n != int64(len(b)) {
		t.Fatalf("Put = %d, %v", n, err)
	}
	if err := s.Check(ctx, h); err != nil {
		t.Fatal(err)
	}
	bad := bytes.Clone(b)
	bad[0] ^= 1
	p := filepath.Join(srv.Root, s.cfg.Bucket, filepath.FromSlash(s.Key(h)))
	if err := os.WriteFile(p, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	// A new mtime: the version differs from the one found good.
	if err := os.Chtimes(p, time.Now().Add(time.Hour), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Put(ctx, bytes.NewReader(b), h, 0); err != nil || n != int64(len(b)) {
		t.Fatalf("Put over a bad object = %d, %v", n, err)
	}
	if err := s.Check(ctx, h); err != nil {
		t.Fatalf("after Put over a bad object: %v", err)
	}
}

func TestS3PresignGet(t *testing.T) {
	s := newTestS3(t, nil, nil)
	ctx := context.Background()
	b, h := randomBlob(t, 10_000)
	if _, err := s.Put(ctx, bytes.NewReader(b), h, 0); err != nil {
		t.Fatal(err)
	}
	u, err := s.PresignGet(ctx, h, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	resp, got := do(t, "GET", u, nil, map[string]string{"Range": "bytes=0-99"})
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(got, b[:100]) {
		t.Fatalf("presigned GET: %d, %d bytes", resp.StatusCode, len(got))
	}
	d, _ := newTestStore(t)
	if _, err := d.PresignGet(ctx, h, time.Minute); !errors.Is(err, ErrPresignUnsupported) {
		t.Fatalf("disk PresignGet = %v, want ErrPresignUnsupported", err)
	}
}

func TestS3ConfigValidate(t *testing.T) {
	good := S3Config{Endpoint: "127.0.0.1:9000", Bucket: "meadow", Prefix: "blobs/", AccessKey: "a", SecretKey: "s"}
	tests := []struct {
		name  string
		edit  func(*S3Config)
		field string
	}{
		{name: "good", edit: func(*S3Config) {}},
		{name: "scheme in endpoint", edit: func(c *S3Config) { c.Endpoint = "http://127.0.0.1:9000" }, field: "endpoint"},
		{name: "no bucket", edit: func(c *S3Config) { c.Bucket = "" }, field: "bucket"},
		{name: "prefix without slash", edit: func(c *S3Config) { c.Prefix = "blobs" }, field: "prefix"},
		{name: "no secret", edit: func(c *S3Config) { c.SecretKey = "" }, field: "secret_key"},
		{name: "unknown verify", edit: func(c *S3Config) { c.Verify = "trust" }, field: "verify"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.edit(&c)
			err := c.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tt.field+": expected") && !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("Validate = %v, want an error naming %s", err, tt.field)
			}
		})
	}
}
