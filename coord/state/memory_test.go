package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"testing"

	"github.com/meadow-net/meadow/api"
)

// BenchmarkTaskMemory reports the live heap a pending crawl task costs one
// copy of the state, built as the FSM builds it: each job's NewJob decoded
// from the JSON of its log entry (so every string is an allocation of its
// own, as on a member), the job split by SplitJob, 10,000 tasks a job. The
// 1-URL kind is like BenchmarkSnapshotStall's tasks (whose URLs, unlike
// these, are not in their job's list); the 25-URL kind is a crawl
// task of the default size (docs/ARCHITECTURE.md, the limits of one Raft
// group); restored-B/task is the same state decoded from its snapshot, as a
// member that restarts holds it. MEADOW_MEMORY_TASKS sets the number of
// tasks (200,000 by default);
// MEADOW_MEMORY_PROFILE=PATH writes the heap profile with the state built
// (PATH.urls1, PATH.urls25), to see where a task's bytes go:
//
//	MEADOW_MEMORY_TASKS=1000000 MEADOW_MEMORY_PROFILE=/tmp/heap go test ./coord/state -run '^$' -bench TaskMemory -benchtime 1x
//	go tool pprof -sample_index=inuse_space -top /tmp/heap.urls1
func BenchmarkTaskMemory(b *testing.B) {
	tasks := 200_000
	if v, err := strconv.Atoi(os.Getenv("MEADOW_MEMORY_TASKS")); err == nil && v > 0 {
		tasks = v
	}
	for _, urls := range []int{1, 25} {
		b.Run(fmt.Sprintf("urls=%d/tasks=%d", urls, tasks), func(b *testing.B) {
			for range b.N {
				var err error
				runtime.GC()
				before := heapInuse()
				s := New()
				const perJob = 10_000
				for j := 0; j*perJob < tasks; j++ {
					submitDecoded(b, s, fmt.Sprintf("j%d", j), min(perJob, tasks-j*perJob), urls)
				}
				runtime.GC()
				after := heapInuse()
				b.ReportMetric(float64(after-before)/float64(tasks), "B/task")
				if path := os.Getenv("MEADOW_MEMORY_PROFILE"); path != "" {
					writeHeapProfile(b, fmt.Sprintf("%s.urls%d", path, urls))
				}
				// The same state restored from its snapshot, as a member
				// that restarts or installs a snapshot holds it.
				var snap bytes.Buffer
				if err := s.Encode(&snap); err != nil {
					b.Fatal(err)
				}
				s = nil
				runtime.GC()
				before = heapInuse() - uint64(snap.Cap())
				if s, err = Decode(&snap); err != nil {
					b.Fatal(err)
				}
				snap = bytes.Buffer{}
				runtime.GC()
				b.ReportMetric(float64(heapInuse()-before)/float64(tasks), "restored-B/task")
				runtime.KeepAlive(s)
			}
		})
	}
}

// writeHeapProfile writes the heap profile as of the last collection.
func writeHeapProfile(tb testing.TB, path string) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		tb.Fatal(err)
	}
}

func heapInuse() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// submitDecoded submits a crawl job of n tasks of urls URLs each, the job's
// NewJob going through JSON first as a log entry's body does.
func submitDecoded(tb testing.TB, s *State, id string, n, urls int) {
	tb.Helper()
	spec := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{TaskSize: urls}}
	for i := range n * urls {
		spec.Crawl.URLs = append(spec.Crawl.URLs, fmt.Sprintf("https://site%d.example.com/%s/page/%d", i/urls%50, id, i))
	}
	spec = spec.WithDefaults()
	nj := NewJob{ID: id, Spec: spec}
	var err error
	if nj.Tasks, err = s.SplitJob(id, spec); err != nil {
		tb.Fatal(err)
	}
	body, err := json.Marshal(nj)
	if err != nil {
		tb.Fatal(err)
	}
	var decoded NewJob
	if err := json.Unmarshal(body, &decoded); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.SubmitJob(decoded, 1); err != nil {
		tb.Fatal(err)
	}
}
