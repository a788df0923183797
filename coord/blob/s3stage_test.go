package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"crypto/sha256"
	"encoding/base64"

	"github.com/meadow-net/meadow/dataset"

	"github.com/minio/minio-go/v7"
)

// putStaged PUTs body through a staged URL with its headers, edited by
// edit, and returns the store's status.
func putStaged(t *testing.T, sp StagedPut, body []byte, edit func(*http.Request)) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, sp.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range sp.Headers {
		req.Header.Set(k, v)
	}
	req.ContentLength = int64(len(body))
	req.Header.Del("Content-Length")
	if edit != nil {
		edit(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if i := bytes.Index(msg, []byte("</Code>")); i > 0 {
		msg = msg[:i]
	}
	t.Logf("PUT %d bytes: %d %s", len(body), resp.StatusCode, msg[bytes.LastIndexByte(msg, '>')+1:])
	return resp.StatusCode
}

// What the gateway enforces on a presigned PUT whose signature covers
// Content-Length and x-amz-checksum-sha256: the bytes named, and nothing
// else. Each refused PUT stores nothing.
func TestS3PresignedPutEnforced(t *testing.T) {
	ctx := context.Background()
	s := newTestS3(t, nil, nil)
	b, h := randomBlob(t, 200_000)
	key := s.StagingKey("t1", "0xAbC")
	sp, err := s.PresignStagedPut(ctx, key, int64(len(b)), h, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	other := bytes.Clone(b)
	other[100] ^= 1
	tests := []struct {
		name string
		body []byte
		edit func(*http.Request)
	}{
		{name: "other bytes of the same size", body: other},
		{name: "one byte more", body: append(bytes.Clone(b), 0)},
		{name: "one byte less", body: b[:len(b)-1]},
		{name: "without the checksum header", body: b, edit: func(r *http.Request) { r.Header.Del("X-Amz-Checksum-Sha256") }},
		{name: "another checksum, matching the bytes sent", body: other, edit: func(r *http.Request) {
			r.Header.Set("X-Amz-Checksum-Sha256", sha256B64(other))
		}},
		{name: "another key", body: b, edit: func(r *http.Request) { r.URL.Path += "x" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code := putStaged(t, sp, tt.body, tt.edit); code < 400 {
				t.Fatalf("the gateway accepted it: %d", code)
			}
			if _, err := s.StatStaged(ctx, key); !errors.Is(err, ErrNotFound) {
				t.Fatalf("after a refused PUT: StatStaged = %v, want ErrNotFound", err)
			}
		})
	}
	if code := putStaged(t, sp, b, nil); code != http.StatusOK {
		t.Fatalf("the right bytes: %d", code)
	}
	o, err := s.StatStaged(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if o.Size != int64(len(b)) || o.SHA256 != sha256B64(b) {
		t.Fatalf("staged object %+v: want size %d and SHA-256 %s", o, len(b), sha256B64(b))
	}
	// A second PUT through the same URL may replace the object, but only
	// with the same bytes: the URL names them.
	if code := putStaged(t, sp, other, nil); code < 400 {
		t.Fatalf("replacing through the same URL with other bytes: %d", code)
	}
	if err := s.Promote(ctx, o, h, int64(len(b))); err != nil {
		t.Fatal(err)
	}
	if got, ok := readAll(t, s, h); !ok || !bytes.Equal(got, b) {
		t.Fatal("the promoted blob does not read back")
	}
	oi, err := s.stat(ctx, h)
	if err != nil || oi.ChecksumSHA256 != sha256B64(b) {
		t.Fatalf("promoted blob: checksum %q, %v", oi.ChecksumSHA256, err)
	}
	if err := s.RemoveStaged(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StatStaged(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after RemoveStaged: %v", err)
	}
}

// Promote copies only the version that was checked: a staged object
// replaced after its check is not copied.
func TestS3PromotePinsVersion(t *testing.T) {
	ctx := context.Background()
	s := newTestS3(t, nil, nil)
	b, h := randomBlob(t, 50_000)
	key := s.StagingKey("t1", "0xabc")
	if _, err := s.c.PutObject(ctx, s.cfg.Bucket, key, bytes.NewReader(b), int64(len(b)), minio.PutObjectOptions{DisableMultipart: true}); err != nil {
		t.Fatal(err)
	}
	o, err := s.StatStaged(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Clone(b)
	bad[0] ^= 1
	if _, err := s.c.PutObject(ctx, s.cfg.Bucket, key, bytes.NewReader(bad), int64(len(bad)), minio.PutObjectOptions{DisableMultipart: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.Promote(ctx, o, h, int64(len(b))); err == nil {
		t.Fatal("Promote copied a version other than the one checked")
	}
	if _, err := s.Stat(ctx, h); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after a refused Promote: Stat = %v", err)
	}
}

func TestS3SweepStaged(t *testing.T) {
	ctx := context.Background()
	s := newTestS3(t, nil, nil)
	b, h := randomBlob(t, 1000)
	if _, err := s.Put(ctx, bytes.NewReader(b), h, 0); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		key := s.StagingKey("t"+strconv.Itoa(i), "0xabc")
		if _, err := s.c.PutObject(ctx, s.cfg.Bucket, key, bytes.NewReader(b), int64(len(b)), minio.PutObjectOptions{DisableMultipart: true}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.SweepStaged(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("sweep of nothing old: %d, %v", n, err)
	}
	if n, err := s.SweepStaged(ctx, time.Now().Add(time.Minute)); err != nil || n != 3 {
		t.Fatalf("sweep: %d, %v; want 3", n, err)
	}
	if _, err := s.Stat(ctx, h); err != nil {
		t.Fatalf("the sweep touched a blob: %v", err)
	}
}

func sha256B64(b []byte) string {
	sum := sha256.Sum256(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// readAll reads blob h whole from s.
func readAll(t *testing.T, s *S3, h dataset.Hash) ([]byte, bool) {
	t.Helper()
	r, _, err := s.Open(context.Background(), h)
	if err != nil {
		t.Log(err)
		return nil, false
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Log(err)
		return nil, false
	}
	return b, true
}

// BenchmarkStagedPut is a node's upload of a blob to the bucket: "presigned",
// a plain net/http PUT of the file to a URL from PresignStagedPut with its
// signed headers (what a node does); "minio-PutObject", the SDK's PutObject
// of the same file with its default signed payload, and "-unsigned" without
// it (the cheapest transfer there is), the baselines. This process's CPU per
// GB (cpu-s/GB) is the uploader's; the gateway is a separate process.
//
//	go test ./coord/blob -run '^$' -bench StagedPut -benchtime 10x
func BenchmarkStagedPut(b *testing.B) {
	ctx := context.Background()
	const size = 64 << 20
	data, h := randomBlob(b, size)
	path := filepath.Join(b.TempDir(), "blob")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	s := newTestS3(b, nil, nil)
	key := s.StagingKey("t1", "0xabc")
	report := func(b *testing.B, cpu time.Duration) {
		b.ReportMetric(cpu.Seconds()/(float64(b.N)*size/1e9), "cpu-s/GB")
	}
	b.Run(fmt.Sprintf("%dMiB/presigned", size>>20), func(b *testing.B) {
		b.SetBytes(size)
		cpu0 := cpuTime(b)
		for b.Loop() {
			sp, err := s.PresignStagedPut(ctx, key, size, h, time.Minute)
			if err != nil {
				b.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPut, sp.URL, f)
			if err != nil {
				b.Fatal(err)
			}
			for k, v := range sp.Headers {
				req.Header.Set(k, v)
			}
			req.Header.Del("Content-Length")
			req.ContentLength = size
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			f.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatal(resp.Status)
			}
		}
		report(b, cpuTime(b)-cpu0)
	})
	for _, unsigned := range []bool{false, true} {
		name := "minio-PutObject"
		if unsigned {
			name += "-unsigned"
		}
		b.Run(fmt.Sprintf("%dMiB/%s", size>>20, name), func(b *testing.B) {
			b.SetBytes(size)
			cpu0 := cpuTime(b)
			for b.Loop() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				_, err = s.c.PutObject(ctx, s.cfg.Bucket, key, f, size, minio.PutObjectOptions{DisableMultipart: true, DisableContentSha256: unsigned})
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
			}
			report(b, cpuTime(b)-cpu0)
		})
	}
}
