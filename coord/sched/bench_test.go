package sched

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
)

// The benchmark's network: 100,000 nodes and 1,000,000 pending tasks.
const (
	benchNodes = 100_000
	benchTasks = 1_000_000
)

// benchTask returns task i of the benchmark's mix: 40% static crawls over
// 50,000 hosts, 10% JS crawls over 10,000 hosts (20 URLs a task), 40% CPU
// compute over three kernels, 10% GPU compute needing 16 or 40 GiB.
func benchTask(i int) TaskView {
	t := TaskView{ID: fmt.Sprintf("task-%08d", i), JobID: fmt.Sprintf("job-%04d", i/10_000), Want: 2, CreatedIndex: uint64(i)}
	spread := int(uint64(i) * 0x9e3779b97f4a7c15 >> 40) // Fibonacci hashing: hosts spread evenly
	switch r := i % 10; {
	case r < 4:
		t.Kind, t.Domain, t.URLs = api.JobCrawl, fmt.Sprintf("site%05d.example", spread%50_000), 20
	case r < 5:
		t.Kind, t.Domain, t.URLs, t.NeedJS = api.JobCrawl, fmt.Sprintf("app%05d.example", spread%10_000), 20, true
	case r < 9:
		t.Kind, t.Kernel = api.JobCompute, api.Kernels()[i%3]
	default:
		t.Kind, t.Kernel, t.NeedGPU, t.MinGPUMemMiB = api.JobCompute, api.KernelEmbed, true, int64(16_384*(1+i%2*3/2))
	}
	return t
}

// benchNode returns node i: a tenth run by operators of ten nodes each,
// networks drawn from 60,000 /24s (so some share), 30% with Chromium, 10%
// with a 24 or 80 GiB GPU.
func benchNode(i int, rng *rand.Rand) NodeView {
	n := NodeView{
		Address:    fmt.Sprintf("0x%040x", i),
		Network:    fmt.Sprintf("%d.%d.%d.0/24", 1+rng.IntN(200), rng.IntN(256), rng.IntN(256)%235),
		Caps:       api.Capabilities{CPUCores: 4, MaxConcurrent: 8, RenderJS: i%10 < 3},
		Reputation: 500_000 + uint32(rng.IntN(500_000)),
	}
	if i%10 == 0 {
		n.Operator = fmt.Sprintf("0x%040x", 1<<40+i/100)
	}
	if i%10 == 9 {
		n.Caps.GPUs = []api.GPU{{Model: "g", MemoryMiB: int64(24_576 + i%2*57_344), ComputeCapability: "8.9"}}
	}
	return n
}

// BenchmarkSchedule: nodes of a 100,000-node network ask, one after another,
// for 4 tasks each from a queue of 1,000,000 pending tasks (refilled when it
// falls below 900,000), with the clock moving 1 ms a request. It reports
// lease decisions per second, the heap the queue and node views take
// (heap-MiB, B/task), and the time to build the queue, as a new leader does.
func BenchmarkSchedule(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)

	nodes := make([]NodeView, benchNodes)
	for i := range nodes {
		nodes[i] = benchNode(i, rng)
	}
	tasks := make([]TaskView, benchTasks)
	for i := range tasks {
		tasks[i] = benchTask(i)
	}
	q, err := NewQueue(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for _, t := range tasks {
		if err := q.Put(t); err != nil {
			b.Fatal(err)
		}
	}
	build := time.Since(start)
	tasks = nil
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := after.HeapInuse - before.HeapInuse

	next := benchTasks
	var leases, idle int
	now := int64(1_000_000)
	i := 0
	b.ResetTimer()
	for b.Loop() {
		n := nodes[i%benchNodes]
		i++
		now++
		p := q.Assign(Request{Node: n, Max: 4, Now: now, LeaseMs: 600_000, MinReputation: 250_000})
		leases += len(p.Leases)
		if len(p.Leases) == 0 {
			idle++
		}
		if q.Len() < benchTasks*9/10 {
			b.StopTimer()
			for range benchTasks / 10 {
				if err := q.Put(benchTask(next)); err != nil {
					b.Fatal(err)
				}
				next++
			}
			b.StartTimer()
		}
	}
	pc, rd, w := queueStats(q)
	b.Logf("tasks by class %v, ready lanes %v, waiting domains %d, idle %d", pc, rd, w, idle)
	b.ReportMetric(float64(leases)/b.Elapsed().Seconds(), "leases/s")
	b.ReportMetric(float64(leases)/float64(b.N), "leases/op")
	b.ReportMetric(float64(idle)/float64(b.N), "idle/op")
	b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
	b.ReportMetric(build.Seconds(), "build-s")
	runtime.KeepAlive(nodes)
}

// BenchmarkQueueMemory reports the heap one pending task takes in the
// queue alone (no node views), built as a new leader builds it.
func BenchmarkQueueMemory(b *testing.B) {
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		q, _ := NewQueue(DefaultConfig())
		for i := range benchTasks {
			if err := q.Put(benchTask(i)); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/benchTasks, "B/task")
		runtime.KeepAlive(q)
	}
}

// queueStats counts the queue's tasks by class, its ready lanes by class,
// and its waiting domains, for the benchmark's log.
func queueStats(q *Queue) (perClass [numClasses]int, ready [numClasses]int, waiting int) {
	for _, e := range q.tasks {
		perClass[e.lane.key.class]++
	}
	for c := range numClasses {
		ready[c] = len(q.ready[c])
	}
	return perClass, ready, len(q.waiting)
}

// BenchmarkScheduleBarred is the worst case that ScanLimit bounds: a node
// whose operator holds the first replica of every task at the head of the
// line reads ScanLimit tasks and gets nothing.
func BenchmarkScheduleBarred(b *testing.B) {
	q, _ := NewQueue(DefaultConfig())
	for i := range 100_000 {
		t := benchTask(i)
		t.Kind, t.Domain, t.URLs, t.NeedJS, t.NeedGPU, t.MinGPUMemMiB, t.Kernel = api.JobCompute, "", 0, false, false, 0, api.KernelMinHash
		t.Want = 1
		t.Holders = []Holder{{Address: "0xother", Operator: "0xop", Network: "192.0.2.0/24"}}
		if err := q.Put(t); err != nil {
			b.Fatal(err)
		}
	}
	n := NodeView{Address: "0xnode", Operator: "0xop", Network: "198.51.100.0/24",
		Caps: api.Capabilities{CPUCores: 4, MaxConcurrent: 8}, Reputation: 500_000}
	for b.Loop() {
		if p := q.Assign(Request{Node: n, Max: 4, Now: 1, LeaseMs: 1000}); len(p.Leases) != 0 {
			b.Fatal("a barred node got a lease")
		}
	}
}
