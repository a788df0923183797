package blob

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/dataset"
)

// cpuTime is this process's user and system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBlobRead is a node's read of a blob from a coordinator whose
// blobs are in the object store: "proxied", the member reads the object
// from the bucket, hashes it and streams it on (RedirectReads off, the way
// it was); "redirected", the member answers 307 with a presigned URL and the
// reader fetches it from the store (RedirectReads on); "minio-GetObject", the
// SDK reading the same object, the baseline. The gateway is a separate
// process, so this process's CPU time (cpu-s/GB) is the reader's plus, in
// the proxied case, the member's: the difference is what a coordinator
// spends on each GB it no longer carries.
//
//	go test ./coord/blob -run '^$' -bench BlobRead -benchtime 10x
func BenchmarkBlobRead(b *testing.B) {
	ctx := context.Background()
	const size = 64 << 20
	data, h := randomBlob(b, size)
	srv := testS3(b)
	s := newTestS3(b, srv, nil)
	if _, err := s.Put(ctx, bytes.NewReader(data), h, 0); err != nil {
		b.Fatal(err)
	}
	allow := func(*fasthttp.RequestCtx, dataset.Hash) error { return nil }
	read := func(b *testing.B, url string) {
		resp, err := http.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.CopyBuffer(io.Discard, resp.Body, make([]byte, copyBufSize))
		resp.Body.Close()
		if err != nil || n != size || resp.StatusCode != 200 {
			b.Fatal(resp.StatusCode, n, err)
		}
	}
	report := func(b *testing.B, cpu time.Duration) {
		b.ReportMetric(cpu.Seconds()/(float64(b.N)*size/1e9), "cpu-s/GB")
	}
	for _, redirect := range []bool{false, true} {
		name := "proxied"
		if redirect {
			name = "redirected"
		}
		b.Run(fmt.Sprintf("%dMiB/%s", size>>20, name), func(b *testing.B) {
			ts := startServer(b, NewHandler(s, HandlerConfig{AuthorizeRead: allow, RedirectReads: redirect}).Serve, false)
			url := ts.url() + PathPrefix + h.String()
			b.SetBytes(size)
			cpu0 := cpuTime(b)
			for b.Loop() {
				read(b, url)
			}
			report(b, cpuTime(b)-cpu0)
		})
	}
	b.Run(fmt.Sprintf("%dMiB/minio-GetObject", size>>20), func(b *testing.B) {
		b.SetBytes(size)
		cpu0 := cpuTime(b)
		for b.Loop() {
			o, err := s.c.GetObject(ctx, s.cfg.Bucket, s.Key(h), minio.GetObjectOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{o}, make([]byte, copyBufSize)); err != nil || n != size {
				b.Fatal(n, err)
			}
			o.Close()
		}
		report(b, cpuTime(b)-cpu0)
	})
}
