package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
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
