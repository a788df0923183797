package coord_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
)

// benchPropose measures small writes (node registrations, ~200 bytes each)
// through a 3-member loopback cluster with real fsyncs, from `clients`
// concurrent callers, and reports throughput and latency percentiles.
func benchPropose(b *testing.B, window time.Duration, clients int) {
	c := coordtest.NewTestCluster(b, 3, coordtest.WithConfig(func(_ int, cfg *coord.Config) {
		cfg.BatchWindow = window
		// Production timing: the benchmark must not trip elections on
		// a busy machine.
		cfg.HeartbeatTimeout = time.Second
		cfg.ElectionTimeout = time.Second
		cfg.LeaderLeaseTimeout = 500 * time.Millisecond
		cfg.SnapshotThreshold = 1 << 30
		cfg.WALSegmentSize = coord.DefaultConfig().WALSegmentSize
	}))
	leader := c.WaitLeader().C
	ctx := context.Background()
	regs := make([]state.Registration, b.N)
	for i := range regs {
		regs[i] = reg(i)
	}
	var (
		next    atomic.Int64
		mu      sync.Mutex
		lat     = make([]time.Duration, 0, b.N)
		wg      sync.WaitGroup
		failed  atomic.Int64
		lastErr atomic.Value
	)
	b.ResetTimer()
	start := time.Now()
	for w := 0; w < clients; w++ {
		wg.Go(func() {
			mine := make([]time.Duration, 0, b.N/clients+1)
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					break
				}
				t0 := time.Now()
				if _, err := leader.RegisterNode(ctx, regs[i]); err != nil {
					failed.Add(1)
					lastErr.Store(err)
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		err, _ := lastErr.Load().(error)
		if !errors.Is(err, coord.ErrLeadershipLost) && !errors.Is(err, coord.ErrNotLeader) {
			b.Fatalf("%d writes failed, last: %v", n, err)
		}
		b.Logf("%d writes failed during a leader change: %v", n, err)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "ops/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkPropose compares one log entry per command (unbatched) with
// MsgBatch entries (batched, 2 ms window) at several numbers of concurrent
// callers:
//
//	go test ./coord -run '^$' -bench Propose -benchtime 20000x
func BenchmarkPropose(b *testing.B) {
	for _, mode := range []struct {
		name   string
		window time.Duration
	}{{"unbatched", 0}, {"batched", 2 * time.Millisecond}} {
		for _, clients := range []int{1, 64, 512, 4096} {
			b.Run(fmt.Sprintf("%s/clients=%d", mode.name, clients), func(b *testing.B) {
				benchPropose(b, mode.window, clients)
			})
		}
	}
}
