package sched

import (
	"cmp"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/meadow-net/meadow/api"
)

// naiveView is the obvious View: every pending task in a map, sorted on
// every scan. It is the reference the Queue is checked against.
type naiveView struct {
	now   int64
	min   int64
	tasks map[string]*TaskView
	rates map[string]DomainRate
}

func (v *naiveView) rate(host string) DomainRate {
	if r, ok := v.rates[host]; ok {
		return r
	}
	return DomainRate{Host: host, IntervalMs: v.min}
}

func (v *naiveView) Scan(cs ClassSet, visit func(*TaskView, DomainRate) Step) {
	var list []*TaskView
	for _, t := range v.tasks {
		if t.Want > 0 && cs.Has(ClassOf(t)) && (t.Domain == "" || v.rate(t.Domain).NextFree <= v.now) {
			list = append(list, t)
		}
	}
	slices.SortFunc(list, func(a, b *TaskView) int {
		return cmp.Or(cmp.Compare(b.Priority, a.Priority), cmp.Compare(a.CreatedIndex, b.CreatedIndex), cmp.Compare(a.ID, b.ID))
	})
	skipped := map[laneKey]bool{}
	for _, t := range list {
		k := keyOf(t)
		if skipped[k] {
			continue
		}
		c := *t
		var r DomainRate
		if t.Domain != "" {
			r = v.rate(t.Domain)
		}
		switch visit(&c, r) {
		case Stop:
			return
		case SkipLane:
			skipped[k] = true
		}
	}
}

func (v *naiveView) Wake(cs ClassSet) int64 {
	var best int64
	for _, t := range v.tasks {
		if t.Domain == "" || !cs.Has(ClassOf(t)) {
			continue
		}
		if nf := v.rate(t.Domain).NextFree; nf > v.now && (best == 0 || nf < best) {
			best = nf
		}
	}
	return best
}

func (v *naiveView) apply(p Plan) {
	for _, a := range p.Leases {
		t := v.tasks[a.TaskID]
		t.Holders = append(slices.Clone(t.Holders), Holder{Address: a.Node, Operator: a.Operator, Network: a.Network})
		t.Want = a.Want
		if t.Want <= 0 {
			delete(v.tasks, a.TaskID)
		}
	}
	for _, u := range p.DomainUpdates {
		r := v.rate(u.Host)
		r.NextFree = u.NextFree
		v.rates[u.Host] = r
	}
}

// TestQueueMatchesNaive drives a Queue and the naive view through the same
// random run (tasks added, requeued and removed, rates set, nodes asking)
// and requires the same plan from both every time.
func TestQueueMatchesNaive(t *testing.T) {
	var leases, plans, rateLimited int
	defer func() {
		t.Logf("%d plans, %d leases, %d rate-limited answers", plans, leases, rateLimited)
		if leases < 1000 || rateLimited < 100 {
			t.Errorf("the run exercised too little: %d leases, %d rate-limited answers", leases, rateLimited)
		}
	}()
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 7))
		q, _ := NewQueue(DefaultConfig())
		v := &naiveView{min: DefaultMinIntervalMs, tasks: map[string]*TaskView{}, rates: map[string]DomainRate{}}
		hosts := []string{"a.example", "b.example", "c.example", "d.example", "e.example"}
		kernels := []string{api.KernelMinHash, api.KernelEmbed, api.KernelTokens}
		var nodes []NodeView
		for i := range 30 {
			n := NodeView{
				Address:  "0x" + itoa(i),
				Operator: "0xop" + itoa(i%12),
				Network:  "10." + itoa(i%9) + ".0.0/24",
				Caps: api.Capabilities{
					RenderJS: i%3 == 0, CPUCores: 2, MaxConcurrent: 1 + rng.IntN(16),
				},
				Reputation: uint32(rng.IntN(1_000_000)),
				Active:     rng.IntN(4),
			}
			if i%4 == 0 {
				n.Caps.GPUs = []api.GPU{{Model: "g", MemoryMiB: int64(8_000 * (1 + rng.IntN(4))), ComputeCapability: "8.0"}}
			}
			if i%5 == 0 {
				n.Caps.Kernels = []string{kernels[rng.IntN(3)]}
			}
			nodes = append(nodes, n)
		}
		put := func(task TaskView) {
			if err := q.Put(task); err != nil {
				t.Fatal(err)
			}
			if task.Want == 0 {
				delete(v.tasks, task.ID)
				return
			}
			c := task
			c.Holders = slices.Clone(task.Holders)
			v.tasks[task.ID] = &c
		}
		now := int64(0)
		next := 0
		for step := range 3000 {
			now += int64(rng.IntN(400))
			switch r := rng.IntN(100); {
			case r < 30:
				task := TaskView{ID: "t" + itoa(next), JobID: "j", Want: 1 + rng.IntN(3),
					CreatedIndex: uint64(rng.IntN(1000)), Priority: int32(rng.IntN(3) / 2)}
				next++
				if rng.IntN(2) == 0 {
					task.Kind, task.Domain, task.URLs, task.NeedJS = api.JobCrawl, hosts[rng.IntN(len(hosts))], 1+rng.IntN(5), rng.IntN(4) == 0
				} else {
					task.Kind, task.Kernel = api.JobCompute, kernels[rng.IntN(3)]
					if rng.IntN(3) == 0 {
						task.NeedGPU, task.MinGPUMemMiB = true, int64(8_000*rng.IntN(4))
					}
				}
				put(task)
			case r < 35 && len(v.tasks) > 0:
				// An expired lease: one more replica wanted, holders kept.
				old := *v.tasks[randomKey(rng, v.tasks)]
				old.Want++
				put(old)
			case r < 38 && len(v.tasks) > 0:
				id := randomKey(rng, v.tasks)
				q.Remove(id)
				delete(v.tasks, id)
			case r < 40:
				r := DomainRate{Host: hosts[rng.IntN(len(hosts))], IntervalMs: int64(rng.IntN(3000)), NextFree: now + int64(rng.IntN(2000))}
				if err := q.SetDomain(r); err != nil {
					t.Fatal(err)
				}
				r.IntervalMs = max(r.IntervalMs, DefaultMinIntervalMs)
				v.rates[r.Host] = r
			default:
				n := nodes[rng.IntN(len(nodes))]
				req := Request{Node: n, Max: 1 + rng.IntN(8), Now: now, LeaseMs: 30_000, MinReputation: 250_000,
					SharedNetworkOK: rng.IntN(10) == 0}
				if rng.IntN(3) == 0 {
					req.Kinds = []api.JobKind{[]api.JobKind{api.JobCrawl, api.JobCompute}[rng.IntN(2)]}
				}
				q.Advance(now)
				v.now = now
				want := Schedule(v, req)
				got := Schedule(q, req)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("seed %d step %d: queue plan\n%+v\nnaive plan\n%+v", seed, step, got, want)
				}
				q.Apply(got)
				v.apply(want)
				plans++
				leases += len(got.Leases)
				if got.Idle == IdleRateLimited {
					rateLimited++
				}
			}
			if q.Len() != len(v.tasks) {
				t.Fatalf("seed %d step %d: queue holds %d tasks, naive %d", seed, step, q.Len(), len(v.tasks))
			}
		}
	}
}

func randomKey[V any](rng *rand.Rand, m map[string]V) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys[rng.IntN(len(keys))]
}
