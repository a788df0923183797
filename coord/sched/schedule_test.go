package sched

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/api"
)

// TestDiversity leases a task's first replica to one node and checks who may
// take the second.
func TestDiversity(t *testing.T) {
	tests := []struct {
		name          string
		first, second NodeView
		sharedOK      bool
		gets          bool
	}{
		{
			name:   "same /24",
			first:  node(t, "0xa", "", "203.0.113.10"),
			second: node(t, "0xb", "", "203.0.113.200"),
		},
		{
			name:   "neighbouring /24s",
			first:  node(t, "0xa", "", "203.0.113.10"),
			second: node(t, "0xb", "", "203.0.114.10"),
			gets:   true,
		},
		{
			name:   "same operator, different networks",
			first:  node(t, "0xa", "0xop", "203.0.113.10"),
			second: node(t, "0xb", "0xop", "198.51.100.7"),
		},
		{
			name:   "a node whose operator is the other node",
			first:  node(t, "0xa", "", "203.0.113.10"),
			second: node(t, "0xb", "0xa", "198.51.100.7"),
		},
		{
			name:   "same IPv6 /48",
			first:  node(t, "0xa", "", "2001:db8:1:1::1"),
			second: node(t, "0xb", "", "2001:db8:1:ff00::2"),
		},
		{
			name:   "different IPv6 /48s",
			first:  node(t, "0xa", "", "2001:db8:1::1"),
			second: node(t, "0xb", "", "2001:db8:2::1"),
			gets:   true,
		},
		{
			name:   "IPv4-mapped IPv6 in the same /24 as IPv4",
			first:  node(t, "0xa", "", "203.0.113.10"),
			second: node(t, "0xb", "", "::ffff:203.0.113.99"),
		},
		{
			name:     "shared network allowed on the devnet",
			first:    node(t, "0xa", "", "127.0.0.1"),
			second:   node(t, "0xb", "", "127.0.0.1"),
			sharedOK: true,
			gets:     true,
		},
		{
			name:     "but never the same operator",
			first:    node(t, "0xa", "0xop", "127.0.0.1"),
			second:   node(t, "0xb", "0xop", "127.0.0.1"),
			sharedOK: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, computeTask("t1", 1))
			req := Request{Node: tt.first, Max: 1, Now: 1000, LeaseMs: 60_000, SharedNetworkOK: tt.sharedOK}
			if p := h.request(req); len(p.Leases) != 1 {
				t.Fatalf("first node got %v", ids(p))
			}
			req.Node = tt.second
			p := h.request(req)
			if got := len(p.Leases) == 1; got != tt.gets {
				t.Fatalf("second node got %v (idle %q), want a lease: %v", ids(p), p.Idle, tt.gets)
			}
			if tt.gets && (p.Leases[0].Replica != 1 || p.Leases[0].Want != 0) {
				t.Fatalf("second lease %+v, want replica 1 and nothing more wanted", p.Leases[0])
			}
			if _, pending := h.q.Task("t1"); pending == tt.gets {
				t.Fatalf("task pending after the second request: %v", pending)
			}
		})
	}
}

// TestNeverTwice checks that a node never gets a task it held, even after
// its lease expired and the task came back, and that the task goes to
// someone else.
func TestNeverTwice(t *testing.T) {
	a := node(t, "0xa", "", "203.0.113.1")
	b := node(t, "0xb", "", "198.51.100.1")
	c := node(t, "0xc", "", "192.0.2.1")
	h := newHarness(t, computeTask("t1", 1))
	h.ask(a, 4, 1000)
	if p := h.ask(a, 4, 1001); len(p.Leases) != 0 {
		t.Fatalf("a got %v again", ids(p))
	}
	h.ask(b, 4, 1002)
	if h.q.Len() != 0 {
		t.Fatal("the task is still pending with both replicas leased")
	}
	// b's lease expires: the state puts the task back with one replica
	// wanted and both holders kept.
	requeued := computeTask("t1", 1)
	requeued.Want = 1
	requeued.Holders = []Holder{{Address: "0xa", Network: a.Network}, {Address: "0xb", Network: b.Network}}
	if err := h.q.Requeue(requeued); err != nil {
		t.Fatal(err)
	}
	for _, n := range []NodeView{a, b} {
		if p := h.ask(n, 4, 2000); len(p.Leases) != 0 {
			t.Fatalf("%s got %v back", n.Address, ids(p))
		}
	}
	p := h.ask(c, 4, 2000)
	if !slices.Equal(ids(p), []string{"t1"}) || p.Leases[0].Replica != 2 {
		t.Fatalf("c got %+v, want t1 as replica 2", p.Leases)
	}
}

func TestCapabilities(t *testing.T) {
	gpu := func(mib int64) api.GPU { return api.GPU{Model: "test", MemoryMiB: mib, ComputeCapability: "8.9"} }
	jsTask := crawlTask("js", "spa.example", 1, 1)
	jsTask.NeedJS = true
	gpuTask := TaskView{ID: "gpu", JobID: "job", Kind: api.JobCompute, Kernel: api.KernelEmbed, NeedGPU: true, MinGPUMemMiB: 16_000, Want: 2, CreatedIndex: 2}
	embedCPU := TaskView{ID: "embed", JobID: "job", Kind: api.JobCompute, Kernel: api.KernelEmbed, Want: 2, CreatedIndex: 3}
	tests := []struct {
		name  string
		caps  api.Capabilities
		kinds []api.JobKind
		want  []string
	}{
		{name: "plain node", caps: api.Capabilities{CPUCores: 2, MaxConcurrent: 8}, want: []string{"static", "embed"}},
		{name: "with Chromium", caps: api.Capabilities{RenderJS: true, CPUCores: 2, MaxConcurrent: 8}, want: []string{"js", "static", "embed"}},
		{name: "GPU too small", caps: api.Capabilities{CPUCores: 2, MaxConcurrent: 8, GPUs: []api.GPU{gpu(8_000)}}, want: []string{"static", "embed"}},
		{name: "GPU big enough", caps: api.Capabilities{CPUCores: 2, MaxConcurrent: 8, GPUs: []api.GPU{gpu(8_000), gpu(24_000)}}, want: []string{"gpu", "static", "embed"}},
		{name: "kernels listed", caps: api.Capabilities{CPUCores: 2, MaxConcurrent: 8, Kernels: []string{api.KernelMinHash}}, want: []string{"static"}},
		{name: "crawl only", caps: api.Capabilities{RenderJS: true, CPUCores: 2, MaxConcurrent: 8, GPUs: []api.GPU{gpu(80_000)}}, kinds: []api.JobKind{api.JobCrawl}, want: []string{"js", "static"}},
		{name: "compute only", caps: api.Capabilities{RenderJS: true, CPUCores: 2, MaxConcurrent: 8, GPUs: []api.GPU{gpu(80_000)}}, kinds: []api.JobKind{api.JobCompute}, want: []string{"gpu", "embed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, crawlTask("static", "static.example", 1, 0), jsTask, gpuTask, embedCPU)
			n := node(t, "0xa", "", "203.0.113.1")
			n.Caps = tt.caps
			p := h.request(Request{Node: n, Max: 10, Kinds: tt.kinds, Now: 1000, LeaseMs: 60_000})
			got := ids(p)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNodeLimits(t *testing.T) {
	tests := []struct {
		name string
		edit func(*NodeView)
		max  int
		want int
		idle Idle
	}{
		{name: "room for all", edit: func(n *NodeView) {}, max: 5, want: 5},
		{name: "below the reputation floor", edit: func(n *NodeView) { n.Reputation = 249_999 }, max: 5, idle: IdleReputation},
		{name: "at the floor", edit: func(n *NodeView) { n.Reputation = 250_000 }, max: 5, want: 5},
		{name: "all slots taken", edit: func(n *NodeView) { n.Active = 64 }, max: 5, idle: IdleFull},
		{name: "two slots left", edit: func(n *NodeView) { n.Active = 62 }, max: 5, want: 2},
		{name: "own limit over caps", edit: func(n *NodeView) { n.MaxConcurrent = 3 }, max: 5, want: 3},
		{name: "nothing asked", edit: func(n *NodeView) {}, max: 0, idle: IdleNothingAsked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tasks []TaskView
			for i := range 10 {
				tasks = append(tasks, computeTask(string(rune('a'+i)), uint64(i)))
			}
			h := newHarness(t, tasks...)
			n := node(t, "0xa", "", "203.0.113.1")
			tt.edit(&n)
			p := h.ask(n, tt.max, 1000)
			if len(p.Leases) != tt.want || p.Idle != tt.idle {
				t.Fatalf("%d leases, idle %q; want %d, %q", len(p.Leases), p.Idle, tt.want, tt.idle)
			}
		})
	}
}

// TestDomainRate: with a Crawl-delay of 1 s, tasks of one URL on one host
// start at most once a second network-wide, however many nodes ask.
func TestDomainRate(t *testing.T) {
	var tasks []TaskView
	for i := range 100 {
		tasks = append(tasks, crawlTask(string(rune('A'+i%26))+string(rune('a'+i/26)), "slow.example", 1, uint64(i)))
	}
	h := newHarness(t, tasks...)
	if err := h.q.SetDomain(DomainRate{Host: "slow.example", IntervalMs: 1000}); err != nil {
		t.Fatal(err)
	}
	var nodes []NodeView
	for i := range 50 {
		nodes = append(nodes, node(t, "0x"+string(rune('a'+i%26))+string(rune('a'+i/26)), "", "10.0."+itoa(i)+".1"))
	}
	starts := map[int64]int{} // by second
	for now := int64(0); now < 10_000; now += 50 {
		n := nodes[int(now/50)%len(nodes)]
		p := h.ask(n, 8, now)
		starts[now/1000] += len(p.Leases)
		if len(p.Leases) == 0 {
			if p.Idle != IdleRateLimited {
				t.Fatalf("at %d: idle %q, want rate_limited", now, p.Idle)
			}
			next := (now/1000 + 1) * 1000
			if p.RetryAfterMs != next-now {
				t.Fatalf("at %d: retry after %d ms, want %d", now, p.RetryAfterMs, next-now)
			}
		}
		for _, u := range p.DomainUpdates {
			if u.Host != "slow.example" || u.NextFree != now+1000 {
				t.Fatalf("domain update %+v at %d", u, now)
			}
		}
	}
	for sec := range int64(10) {
		if starts[sec] != 1 {
			t.Errorf("second %d: %d task starts, want 1", sec, starts[sec])
		}
	}
}

// TestDomainRateURLs: a task of 20 URLs holds its domain for 20 intervals
// (a Crawl-delay of 1.5 s: 30 s),
// and its lease for as long on top of the lease time.
func TestDomainRateURLs(t *testing.T) {
	h := newHarness(t, crawlTask("big", "site.example", 20, 1), crawlTask("next", "site.example", 1, 2))
	h.q.SetDomain(DomainRate{Host: "site.example", IntervalMs: 1500})
	a := node(t, "0xa", "", "203.0.113.1")
	b := node(t, "0xb", "", "198.51.100.1")
	p := h.ask(a, 8, 1000)
	if !slices.Equal(ids(p), []string{"big"}) || p.Leases[0].Deadline != 1000+60_000+30_000 {
		t.Fatalf("got %+v, want big until %d", p.Leases, 1000+60_000+30_000)
	}
	if p := h.ask(b, 8, 30_999); len(p.Leases) != 0 || p.RetryAfterMs != 1 {
		t.Fatalf("at 30999: %v, retry %d; want nothing, retry 1", ids(p), p.RetryAfterMs)
	}
	if p := h.ask(b, 8, 31_000); !slices.Equal(ids(p), []string{"big"}) {
		t.Fatalf("at 31000: %v, want the second replica of big first", ids(p))
	}
}

// TestDomainsInterleave: one node asking for many tasks gets one task of
// each free domain, oldest first, and compute tasks besides.
func TestDomainsInterleave(t *testing.T) {
	h := newHarness(t,
		crawlTask("a1", "a.example", 1, 1), crawlTask("a2", "a.example", 1, 2),
		crawlTask("b1", "b.example", 1, 3), crawlTask("b2", "b.example", 1, 4),
		computeTask("c1", 5), computeTask("c2", 6),
		crawlTask("d1", "d.example", 1, 7),
	)
	p := h.ask(node(t, "0xa", "", "203.0.113.1"), 10, 1000)
	if want := []string{"a1", "b1", "c1", "c2", "d1"}; !slices.Equal(ids(p), want) {
		t.Fatalf("got %v, want %v", ids(p), want)
	}
}

// TestFIFO: tasks go out in the order they were created, across lanes and
// classes, with higher priorities first; a replica still wanted by an old
// task goes before a new task; a node with Chromium takes JS crawls first.
func TestFIFO(t *testing.T) {
	urgent := computeTask("urgent", 100)
	urgent.Priority = 1
	old := computeTask("old", 0)
	old.Want = 1
	old.Holders = []Holder{{Address: "0xz", Network: "192.0.2.0/24"}}
	h := newHarness(t,
		computeTask("c3", 3), crawlTask("w2", "x.example", 1, 2), computeTask("c1", 1),
		crawlTask("w4", "y.example", 1, 4), urgent, old,
	)
	js := TaskView{ID: "j5", JobID: "job", Kind: api.JobCrawl, NeedJS: true, Domain: "z.example", URLs: 1, Want: 2, CreatedIndex: 5}
	h.put(js)
	n := node(t, "0xa", "", "203.0.113.1")
	n.Caps.RenderJS = true
	var got []string
	for i := range 7 {
		p := h.ask(n, 1, int64(1000+i))
		got = append(got, ids(p)...)
	}
	if want := []string{"j5", "urgent", "old", "c1", "w2", "c3", "w4"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// TestAdapt: a trusted node's task may run alone (it leaves the pool) or be
// spot-checked; only a task's first lease asks.
func TestAdapt(t *testing.T) {
	tests := []struct {
		name      string
		replicas  int
		spot      bool
		want      int
		stillHere bool
	}{
		{name: "alone", replicas: 1, want: 0},
		{name: "spot check", replicas: 2, spot: true, want: 1, stillHere: true},
		{name: "as asked", replicas: 2, want: 1, stillHere: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, computeTask("t1", 1))
			var calls []uint64
			adapt := func(job string, k int, seed uint64) (int, bool) {
				if k != 2 || job != "job" {
					t.Errorf("Adapt got job %q k %d, want job and 2", job, k)
				}
				calls = append(calls, seed)
				return tt.replicas, tt.spot
			}
			req := Request{Node: node(t, "0xa", "", "203.0.113.1"), Max: 4, Now: 1, LeaseMs: 1000, Adapt: adapt, Seed: 77}
			p := h.request(req)
			if len(p.Leases) != 1 || p.Leases[0].Want != tt.want || p.Leases[0].SpotCheck != tt.spot {
				t.Fatalf("leases %+v, want one with want %d spot %v", p.Leases, tt.want, tt.spot)
			}
			if !slices.Equal(calls, []uint64{77}) {
				t.Fatalf("Adapt seeds %v, want [77]", calls)
			}
			if _, ok := h.q.Task("t1"); ok != tt.stillHere {
				t.Fatalf("task pending: %v, want %v", ok, tt.stillHere)
			}
			req.Node = node(t, "0xb", "", "198.51.100.1")
			h.request(req)
			if len(calls) != 1 {
				t.Fatal("Adapt asked again for a task's second lease")
			}
		})
	}
}

func TestQueuePutErrors(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*TaskView)
		field string
	}{
		{name: "no id", edit: func(t *TaskView) { t.ID = "" }, field: "id"},
		{name: "negative want", edit: func(t *TaskView) { t.Want = -1 }, field: "want"},
		{name: "too many replicas", edit: func(t *TaskView) { t.Want = api.ReplicationLimit + 1 }, field: "want"},
		{name: "unknown kind", edit: func(t *TaskView) { t.Kind = "mine" }, field: "kind"},
		{name: "crawl without domain", edit: func(t *TaskView) { t.Domain = "" }, field: "domain"},
		{name: "crawl without URLs", edit: func(t *TaskView) { t.URLs = 0 }, field: "urls"},
		{name: "crawl on a GPU", edit: func(t *TaskView) { t.NeedGPU = true }, field: "need_gpu"},
		{name: "negative GPU memory", edit: func(t *TaskView) { t.MinGPUMemMiB = -1 }, field: "min_gpu_mem_mib"},
		{name: "compute with a domain", edit: func(t *TaskView) { t.Kind = api.JobCompute }, field: "domain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, _ := NewQueue(DefaultConfig())
			task := crawlTask("t1", "a.example", 3, 1)
			tt.edit(&task)
			err := q.Put(task)
			if !errors.Is(err, ErrInvalidTask) || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("Put: %v, want ErrInvalidTask naming %s", err, tt.field)
			}
			if q.Len() != 0 {
				t.Fatal("a rejected task is in the queue")
			}
		})
	}
	q, _ := NewQueue(DefaultConfig())
	if err := q.SetDomain(DomainRate{Host: "", IntervalMs: 1}); !errors.Is(err, ErrInvalidDomain) {
		t.Fatalf("SetDomain without host: %v", err)
	}
	if _, err := NewQueue(Config{MinIntervalMs: -1}); !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("NewQueue with a negative interval: %v", err)
	}
}

// TestQueueBookkeeping follows tasks in and out of the queue: removal,
// replacement, lanes and domains that empty, and the clock.
func TestQueueBookkeeping(t *testing.T) {
	q, _ := NewQueue(DefaultConfig())
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(q.Put(crawlTask("a", "a.example", 1, 1)))
	must(q.Put(crawlTask("b", "a.example", 1, 2)))
	must(q.Put(computeTask("c", 3)))
	if q.Len() != 3 || len(q.lanes) != 2 || len(q.domains) != 1 {
		t.Fatalf("len %d lanes %d domains %d", q.Len(), len(q.lanes), len(q.domains))
	}
	// Replacing a task with another kernel moves it to another lane.
	moved := computeTask("c", 3)
	moved.Kernel = api.KernelTokens
	must(q.Put(moved))
	if got, _ := q.Task("c"); got.Kernel != api.KernelTokens || len(q.lanes) != 2 {
		t.Fatalf("task c after replacing: %+v, %d lanes", got, len(q.lanes))
	}
	// Want 0 removes.
	done := crawlTask("a", "a.example", 1, 1)
	done.Want = 0
	must(q.Put(done))
	if _, ok := q.Task("a"); ok || q.Len() != 2 {
		t.Fatal("a task with want 0 stayed")
	}
	if !q.Remove("b") || q.Remove("b") {
		t.Fatal("Remove must report whether the task was there")
	}
	if len(q.lanes) != 1 || len(q.domains) != 0 {
		t.Fatalf("empty lane or domain kept: %d lanes, %d domains", len(q.lanes), len(q.domains))
	}
	// A domain set explicitly is kept without tasks, and its interval
	// never goes below the network-wide default.
	must(q.SetDomain(DomainRate{Host: "slow.example", IntervalMs: 10, NextFree: 5000}))
	if r := q.Domain("slow.example"); r.IntervalMs != DefaultMinIntervalMs || r.NextFree != 5000 {
		t.Fatalf("domain %+v", r)
	}
	must(q.Put(crawlTask("s", "slow.example", 1, 9)))
	n := node(t, "0xa", "", "203.0.113.1")
	if p := q.Assign(Request{Node: n, Max: 4, Now: 4999, LeaseMs: 1}); slices.Contains(ids(p), "s") {
		t.Fatal("got a task of a domain that is not free")
	}
	q.Advance(100) // the clock never goes back
	if q.Now() != 4999 {
		t.Fatalf("clock %d after going back", q.Now())
	}
	if p := q.Assign(Request{Node: n, Max: 4, Now: 5000, LeaseMs: 1}); !slices.Contains(ids(p), "s") {
		t.Fatalf("at 5000 got %v, want s", ids(p))
	}
	// A lease of a task that left the queue is ignored by Apply.
	q.Apply(Plan{Leases: []Assignment{{TaskID: "gone", Node: "0xa", Want: 0}}})
}

// TestScanLimit: a node barred from more than ScanLimit tasks at the head
// of the line gets nothing rather than reading the whole queue; others do.
func TestScanLimit(t *testing.T) {
	h := newHarness(t)
	for i := range ScanLimit + 10 {
		task := computeTask("t"+itoa(i), uint64(i))
		task.Want = 1
		task.Holders = []Holder{{Address: "0xbig", Operator: "0xop", Network: "192.0.2.0/24"}}
		h.put(task)
	}
	h.put(computeTask("fresh", uint64(ScanLimit+10)))
	if p := h.ask(node(t, "0xb", "0xop", "198.51.100.1"), 1, 1000); len(p.Leases) != 0 || p.Idle != IdleNoTask {
		t.Fatalf("operator's node got %v (idle %q) past the scan limit", ids(p), p.Idle)
	}
	if p := h.ask(node(t, "0xc", "", "203.0.113.1"), 1, 1000); !slices.Equal(ids(p), []string{"t0"}) {
		t.Fatalf("another node got %v, want t0", ids(p))
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}
