package coord_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
)

// benchCluster starts a 3-member loopback cluster with real fsyncs and
// production timing, batching with window (0: one Raft entry per command)
// and hashicorp/raft grouping up to groupCommit queued entries in one disk
// write (0: the default), and returns its leader.
func benchCluster(b *testing.B, window time.Duration, groupCommit int) *coord.Coordinator {
	c := coordtest.NewTestCluster(b, 3, coordtest.WithConfig(func(_ int, cfg *coord.Config) {
		cfg.BatchWindow = window
		if groupCommit > 0 {
			cfg.RaftGroupCommit = groupCommit
		}
		// Production timing: the benchmark must not trip elections on
		// a busy machine.
		cfg.HeartbeatTimeout = time.Second
		cfg.ElectionTimeout = time.Second
		cfg.LeaderLeaseTimeout = 500 * time.Millisecond
		cfg.SnapshotThreshold = 1 << 30
		cfg.WALSegmentSize = coord.DefaultConfig().WALSegmentSize
		// MEADOW_BENCH_SNAPSHOT_COPY=off measures the members without the
		// copy of the state that snapshots are written from: what the
		// copy's second apply of every entry costs.
		cfg.NoSnapshotCopy = os.Getenv("MEADOW_BENCH_SNAPSHOT_COPY") == "off"
	}))
	return c.WaitLeader().C
}

// runOps runs op for i in [0, b.N) from `clients` concurrent callers and
// reports throughput and latency percentiles of the acknowledged ones.
func runOps(b *testing.B, clients int, op func(i int) error) {
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
				if err := op(i); err != nil {
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
			b.Fatalf("%d operations failed, last: %v", n, err)
		}
		b.Logf("%d operations failed during a leader change: %v", n, err)
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

// benchPropose measures small writes (node registrations, ~200 bytes each).
func benchPropose(b *testing.B, window time.Duration, clients int) {
	leader := benchCluster(b, window, 0)
	ctx := context.Background()
	regs := make([]state.Registration, b.N)
	for i := range regs {
		regs[i] = reg(i)
	}
	runOps(b, clients, func(i int) error {
		_, err := leader.RegisterNode(ctx, regs[i])
		return err
	})
}

// benchLeaseCommit measures lease-and-commit operations: a lease of a
// pending task granted to a node, then that node's commitment, two commands
// in two Raft writes, timed together from the grant's proposal to the
// commitment's acknowledgement. The tasks (one URL each, replication 1) and
// 256 nodes in distinct /24s are set up first.
func benchLeaseCommit(b *testing.B, window time.Duration, groupCommit, clients int) {
	leader := benchCluster(b, window, groupCommit)
	ctx := context.Background()
	const nodes = 256
	for i := 0; i < nodes; i++ {
		if _, err := leader.RegisterNode(ctx, reg(i)); err != nil {
			b.Fatal(err)
		}
	}
	tasks := make([]string, 0, b.N)
	for len(tasks) < b.N {
		n := min(10_000, b.N-len(tasks))
		urls := make([]string, n)
		for j := range urls {
			urls[j] = fmt.Sprintf("https://site-%d.example/page/%d", len(tasks)+j, j)
		}
		job, err := leader.SubmitJob(ctx, common.Address{1}, api.JobSpec{Kind: api.JobCrawl, Replication: 1, MaxReplication: 1,
			Crawl: &api.CrawlSpec{URLs: urls, TaskSize: 1}})
		if err != nil {
			b.Fatal(err)
		}
		for j := 0; j < n; j++ {
			tasks = append(tasks, fmt.Sprintf("%s.t%06d", job.ID, j))
		}
	}
	h := api.Hash{1}
	runOps(b, clients, func(i int) error {
		node := addr(i % nodes)
		ls, errs, err := leader.GrantLeases(ctx, []state.Grant{{TaskID: tasks[i], Node: node, Deadline: leader.Now() + 600_000}})
		if err != nil {
			return err
		}
		if errs[0] != nil {
			return errs[0]
		}
		_, err = leader.Commit(ctx, node, api.Commitment{TaskID: tasks[i], LeaseID: ls[0].ID, Root: h, Rows: 1})
		return err
	})
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

// BenchmarkLeaseCommit is the measure: lease-and-commit operations
// per second, unbatched (one Raft entry per command) and batched, in the
// same run:
//
//	go test ./coord -run '^$' -bench LeaseCommit -benchtime 20000x
//
// "unbatched" keeps hashicorp/raft's own grouping of concurrent applies into
// one disk write; "unbatched-raw" turns that off too (RaftGroupCommit 1: one
// disk write and one AppendEntries per command), the baseline without any
// batching.
func BenchmarkLeaseCommit(b *testing.B) {
	for _, mode := range []struct {
		name        string
		window      time.Duration
		groupCommit int
	}{{"unbatched-raw", 0, 1}, {"unbatched", 0, 0}, {"batched", 2 * time.Millisecond, 0}} {
		for _, clients := range []int{1, 512, 4096} {
			b.Run(fmt.Sprintf("%s/clients=%d", mode.name, clients), func(b *testing.B) {
				benchLeaseCommit(b, mode.window, mode.groupCommit, clients)
			})
		}
	}
}
