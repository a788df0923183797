package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
)

// BenchmarkPut compares Store.Put with plain baselines over the same bytes
// in the same run: os.WriteFile followed by crypto/sha256 of the buffer (what
// a store that neither streams nor syncs would cost), and the same plus an
// fsync of the file (the durability Put pays for).
//
//	go test ./coord/blob -run '^$' -bench BenchmarkPut -benchtime 40x
func BenchmarkPut(b *testing.B) {
	for _, size := range []int{4 << 20, 64 << 20} {
		data, h := randomBlob(b, size)
		name := fmt.Sprintf("%dMiB", size>>20)
		b.Run(name+"/store.Put", func(b *testing.B) {
			s, _ := newTestStore(b)
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, err := s.Put(context.Background(), bytes.NewReader(data), h, 0); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := s.Remove(context.Background(), h); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
		for _, fsync := range []bool{false, true} {
			label := "/os.WriteFile+sha256"
			if fsync {
				label += "+fsync"
			}
			b.Run(name+label, func(b *testing.B) {
				p := filepath.Join(b.TempDir(), h.String())
				b.SetBytes(int64(size))
				for b.Loop() {
					if err := os.WriteFile(p, data, 0o600); err != nil {
						b.Fatal(err)
					}
					if sha256.Sum256(data) != h {
						b.Fatal("digest")
					}
					if fsync {
						f, err := os.Open(p)
						if err != nil {
							b.Fatal(err)
						}
						if err := f.Sync(); err != nil {
							b.Fatal(err)
						}
						f.Close()
					}
					b.StopTimer()
					if err := os.Remove(p); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
			})
		}
	}
}

// BenchmarkReplicate measures Replicate of a 4 MiB blob from one member of
// a three-member cluster to its two peers on loopback: until a majority
// holds it (the ack latency an upload pays), and until all three do.
//
//	go test ./coord/blob -run '^$' -bench BenchmarkReplicate -benchtime 40x
func BenchmarkReplicate(b *testing.B) {
	const size = 4 << 20
	for _, all := range []bool{false, true} {
		name := "4MiB/majority"
		if all {
			name = "4MiB/all"
		}
		b.Run(name, func(b *testing.B) {
			nodes := newCluster(b, 3, func(c *Config) {
				if all {
					c.Quorum = func(n int) int { return n }
				}
			})
			a := nodes[0]
			ctx := context.Background()
			var total time.Duration
			n := 0
			b.SetBytes(size)
			for b.Loop() {
				b.StopTimer()
				data, h := randomBlob(b, size)
				a.put(b, data, h)
				b.StartTimer()
				start := time.Now()
				if err := a.rep.Replicate(ctx, h); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
				n++
				b.StopTimer()
				// Let the push to the third member finish before the next
				// round, so rounds do not overlap, then clean up.
				waitFor(b, 30*time.Second, "all members", func() bool {
					return nodes[1].store.Has(h) && nodes[2].store.Has(h)
				})
				for _, nd := range nodes {
					if err := nd.store.Remove(context.Background(), h); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(total.Microseconds())/float64(n)/1000, "ms/replicate")
		})
	}
}

// BenchmarkBackend compares upload (Put) and download (Open and read to the
// end) through each backend, with the same bytes in the same run: the disk
// store; the S3 backend against the test gateway (Versity's, posix, on
// loopback), with the default check (the store verifies the SHA-256 sent
// with the PUT, then one HEAD) and with a full read-back; and plain
// minio-go PutObject and GetObject of the same object on the same gateway,
// the floor the S3 backend adds its checks to. The body comes from a file,
// as the coordinator passes it.
//
//	go test ./coord/blob -run '^$' -bench BenchmarkBackend -benchtime 10x -count 3
func BenchmarkBackend(b *testing.B) {
	ctx := context.Background()
	for _, size := range []int{4 << 20, 64 << 20} {
		data, h := randomBlob(b, size)
		path := filepath.Join(b.TempDir(), "blob")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			b.Fatal(err)
		}
		open := func(b *testing.B) *os.File {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			return f
		}
		name := fmt.Sprintf("%dMiB", size>>20)
		backends := []struct {
			name string
			new  func(b *testing.B) Backend
		}{
			{name: "disk", new: func(b *testing.B) Backend { s, _ := newTestStore(b); return s }},
			{name: "s3", new: func(b *testing.B) Backend { return newTestS3(b, nil, nil) }},
			{name: "s3-readback", new: func(b *testing.B) Backend {
				return newTestS3(b, nil, func(c *S3Config) { c.Verify = VerifyReadBack })
			}},
		}
		for _, be := range backends {
			b.Run(name+"/upload/"+be.name, func(b *testing.B) {
				s := be.new(b)
				b.SetBytes(int64(size))
				for b.Loop() {
					f := open(b)
					if _, err := s.Put(ctx, f, h, 0); err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					f.Close()
					if err := s.Remove(ctx, h); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
			})
		}
		for _, be := range backends[:2] {
			b.Run(name+"/download/"+be.name, func(b *testing.B) {
				s := be.new(b)
				f := open(b)
				if _, err := s.Put(ctx, f, h, 0); err != nil {
					b.Fatal(err)
				}
				f.Close()
				buf := make([]byte, copyBufSize)
				b.SetBytes(int64(size))
				for b.Loop() {
					r, _, err := s.Open(ctx, h)
					if err != nil {
						b.Fatal(err)
					}
					if n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{r}, buf); err != nil || n != int64(size) {
						b.Fatal(n, err)
					}
					r.Close()
				}
			})
		}
		// The plain PutObject signs the payload (a SHA-256 of the body in
		// the request signature, minio-go's default over http); S3.Put sends
		// an unsigned payload with a signed SHA-256 checksum instead, so
		// both are measured.
		for _, unsigned := range []bool{false, true} {
			label := "/upload/minio-PutObject"
			if unsigned {
				label += "-unsigned"
			}
			b.Run(name+label, func(b *testing.B) {
				srv := testS3(b)
				c, bucket := srv.Client(), srv.NewBucket(b)
				b.SetBytes(int64(size))
				for b.Loop() {
					f := open(b)
					if _, err := c.PutObject(ctx, bucket, "blob", f, int64(size), minio.PutObjectOptions{DisableMultipart: true, DisableContentSha256: unsigned}); err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					f.Close()
					if err := c.RemoveObject(ctx, bucket, "blob", minio.RemoveObjectOptions{}); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
			})
		}
		b.Run(name+"/download/minio-GetObject", func(b *testing.B) {
			srv := testS3(b)
			c, bucket := srv.Client(), srv.NewBucket(b)
			if _, err := c.PutObject(ctx, bucket, "blob", bytes.NewReader(data), int64(size), minio.PutObjectOptions{DisableMultipart: true}); err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, copyBufSize)
			b.SetBytes(int64(size))
			for b.Loop() {
				o, err := c.GetObject(ctx, bucket, "blob", minio.GetObjectOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{o}, buf); err != nil || n != int64(size) {
					b.Fatal(n, err)
				}
				o.Close()
			}
		})
	}
}
