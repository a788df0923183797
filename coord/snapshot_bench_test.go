package coord

import (
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

// countSink is a snapshot sink that counts the bytes and keeps none.
type countSink struct{ n atomic.Int64 }

func (s *countSink) Write(p []byte) (int, error) { s.n.Add(int64(len(p))); return len(p), nil }
func (*countSink) ID() string                    { return "count" }
func (*countSink) Cancel() error                 { return nil }
func (*countSink) Close() error                  { return nil }

// BenchmarkSnapshotStall is Raft's FSM goroutine while a snapshot of a large
// state is taken: entries applied at about 4,000 a second, Snapshot called
// between two of them, Persist run on a goroutine of its own into a sink
// that counts bytes. It reports the longest single FSM call (how long
// applies stopped), how long Persist took, the snapshot's size and the heap
// in use, for the members' FSM ("copy": snapshots written from the copy of
// the state) and for a bare one (the state encoded under the FSM's lock).
//
// MEADOW_SNAPSHOT_TASKS sets the state's size in pending tasks (200,000 by
// default; docs/BENCHMARKS.md has 1,000,000 and more), and
// MEADOW_SNAPSHOT_NODES how many nodes are registered besides (none by
// default):
//
//	MEADOW_SNAPSHOT_TASKS=1000000 go test -run '^$' -bench SnapshotStall -benchtime 1x ./coord
func BenchmarkSnapshotStall(b *testing.B) {
	tasks := 200_000
	if v, err := strconv.Atoi(os.Getenv("MEADOW_SNAPSHOT_TASKS")); err == nil && v > 0 {
		tasks = v
	}
	nodes := 0
	if v, err := strconv.Atoi(os.Getenv("MEADOW_SNAPSHOT_NODES")); err == nil && v > 0 {
		nodes = v
	}
	for _, mode := range []struct {
		name string
		new  func(*slog.Logger) *fsm
	}{{"copy", newFSM}, {"bare", newBareFSM}} {
		b.Run(fmt.Sprintf("%s/tasks=%d/nodes=%d", mode.name, tasks, nodes), func(b *testing.B) {
			f := mode.new(slog.New(slog.DiscardHandler))
			defer f.close()
			var index uint64
			apply := func(data []byte) {
				index++
				f.Apply(&raft.Log{Index: index, Type: raft.LogCommand, Data: data})
			}
			const perJob = 10_000
			for j := 0; j*perJob < tasks; j++ {
				apply(jobEntry(b, fmt.Sprintf("j%d", j), min(perJob, tasks-j*perJob)))
			}
			// Registered nodes, apart from the 4,096 the loop below
			// registers again.
			for i := range nodes {
				apply(registerEntry(b, 1_000_000_000+i))
			}
			waitCaughtUp(b, f)
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			heap := float64(ms.HeapInuse) / (1 << 20)

			// Small entries, as leases and commits are; encoded beforehand
			// so that the loop measures the FSM alone.
			small := make([][]byte, 4096)
			for i := range small {
				small[i] = registerEntry(b, i)
			}
			next := 0
			b.ResetTimer()
			var longest, persistTook time.Duration
			var size int64
			for range b.N {
				for range 100 {
					apply(small[next%len(small)])
					next++
				}
				start := time.Now()
				snap, err := f.Snapshot()
				if err != nil {
					b.Fatal(err)
				}
				longest = max(longest, time.Since(start))
				sink := &countSink{}
				done := make(chan error, 1)
				go func() {
					t0 := time.Now()
					err := snap.Persist(sink)
					persistTook = time.Since(t0)
					snap.Release()
					done <- err
				}()
				tick := time.NewTicker(250 * time.Microsecond)
			loop:
				for {
					select {
					case err := <-done:
						if err != nil {
							b.Fatal(err)
						}
						break loop
					case <-tick.C:
						t0 := time.Now()
						apply(small[next%len(small)])
						next++
						if d := time.Since(t0); d > longest {
							longest = d
							if os.Getenv("MEADOW_SNAPSHOT_DEBUG") != "" {
								b.Logf("stall of %s at %s into the snapshot", d, t0.Sub(start))
							}
						}
					}
				}
				tick.Stop()
				size = sink.n.Load()
			}
			b.StopTimer()
			catchUp := time.Now()
			waitCaughtUp(b, f)
			b.ReportMetric(heap, "heap-MiB") // after ResetTimer, which clears metrics
			b.ReportMetric(float64(longest.Microseconds())/1000, "max-stall-ms")
			b.ReportMetric(persistTook.Seconds(), "persist-s")
			b.ReportMetric(float64(size)/(1<<20), "snapshot-MiB")
			b.ReportMetric(float64(time.Since(catchUp).Microseconds())/1000, "catch-up-ms")
		})
	}
}

// waitCaughtUp waits until the copy of f's state (if any) has applied
// everything queued for it.
func waitCaughtUp(b *testing.B, f *fsm) {
	if f.rep == nil {
		return
	}
	deadline := time.Now().Add(10 * time.Minute)
	for f.rep.behind() > 0 {
		if time.Now().After(deadline) {
			b.Fatal("the copy of the state did not catch up in 10 minutes")
		}
		time.Sleep(time.Millisecond)
	}
}
