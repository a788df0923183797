package state

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/rewards"
)

// TestRateOf: the rate the leader fixes at submission, by the job's spec.
func TestRateOf(t *testing.T) {
	crawl := func(js bool, extract bool) api.JobSpec {
		c := &api.CrawlSpec{URLs: []string{"https://example.com/"}, RenderJS: js}
		if extract {
			c.Extract = &api.ExtractSpec{Enabled: true}
		}
		return api.JobSpec{Kind: api.JobCrawl, Crawl: c}
	}
	compute := func(kernel string) api.JobSpec {
		return api.JobSpec{Kind: api.JobCompute, Compute: &api.ComputeSpec{Kernel: kernel}}
	}
	tests := []struct {
		name string
		spec api.JobSpec
		want uint64
		err  string
	}{
		{"static crawl", crawl(false, false), 10, ""},
		{"rendered crawl", crawl(true, false), 30, ""},
		{"static crawl with main text", crawl(false, true), 10 + rewards.MainTextUnits, ""},
		{"rendered crawl with main text", crawl(true, true), 30 + rewards.MainTextUnits, ""},
		{"extract present but off", api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{Extract: &api.ExtractSpec{}}}, 10, ""},
		{"tokens", compute(api.KernelTokens), 1, ""},
		{"embed", compute(api.KernelEmbed), 20, ""},
		{"dedup", compute(api.KernelDedup), 2, ""},
		{"wasm (fuel on top)", compute(api.KernelWasm), 1, ""},
		{"unknown kernel", compute("sha"), 0, `"sha"`},
		{"unknown kind", api.JobSpec{Kind: "mine"}, 0, `"mine"`},
	}
	// Every kernel a job spec may name has a rate: otherwise such a job
	// would be refused at submission.
	for _, k := range api.Kernels() {
		if r, err := RateOf(compute(k)); err != nil || r == 0 {
			t.Errorf("kernel %s: rate %d, %v", k, r, err)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RateOf(tt.spec)
			if tt.err != "" {
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("RateOf = %d, %v; want an invalid error naming %s", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("RateOf = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

// TestUnitsAtTheSubmittedRate: a verified task credits each agreeing node
// the job's rate fixed at submission; a job without one (from a log written
// before rates were fixed) is credited by the old rule, so replaying that
// log gives the balances it gave then, even for a main-text crawl.
func TestUnitsAtTheSubmittedRate(t *testing.T) {
	mainText := func(id string, rate uint64) NewJob {
		nj := crawlJob(id, 1, 2, 3)
		nj.Spec.Crawl.Extract = &api.ExtractSpec{Enabled: true}
		nj.Tasks[0].Crawl.Extract = nj.Spec.Crawl.Extract
		nj.UnitsPerRow = rate
		return nj
	}
	for _, tt := range []struct {
		name string
		rate uint64
		want uint64
	}{
		{"rate fixed at submission", 10 + rewards.MainTextUnits, 7 * (10 + rewards.MainTextUnits)},
		{"an old job, no rate", 0, 7 * 10},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			for i := range 2 {
				reg := Registration{Address: addr(i), IP: fmt.Sprintf("10.0.%d.1", i), Caps: api.Capabilities{MainText: true}}
				if _, err := s.RegisterNode(reg, 1); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.SubmitJob(mainText("j1", tt.rate), 10); err != nil {
				t.Fatal(err)
			}
			a := mustGrant(t, s, "j1.t0", addr(0), 20)
			b := mustGrant(t, s, "j1.t0", addr(1), 20)
			answer(t, s, a, rows(0, 7), 30)
			if r := answer(t, s, b, rows(0, 7), 31); r.Task != api.TaskVerified {
				t.Fatalf("verdict %+v", r)
			}
			for i := range 2 {
				n, _ := s.Node(addr(i))
				if n.Units != tt.want || n.PendingUnits != tt.want {
					t.Fatalf("node %d: %d units, %d pending; want %d", i, n.Units, n.PendingUnits, tt.want)
				}
			}
			st, err := s.JobStatus("j1")
			if err != nil || st.UnitsPerRow != tt.rate {
				t.Fatalf("status units_per_row %d, %v; want %d", st.UnitsPerRow, err, tt.rate)
			}
			// A snapshot keeps the rate, so a member restored from one
			// credits the job's later tasks as the others do.
			back := roundTrip(t, s)
			if j, err := back.Job("j1"); err != nil || j.UnitsPerRow != tt.rate {
				t.Fatalf("restored job %+v, want units_per_row %d", j, tt.rate)
			}
		})
	}
}

// TestSubmitJobRateBound: a rate past rewards.MaxRate is refused, naming the
// field, and adds nothing.
func TestSubmitJobRateBound(t *testing.T) {
	s := newTestState(t, 1)
	nj := crawlJob("j1", 1, 1, 1)
	nj.UnitsPerRow = rewards.MaxRate + 1
	_, err := s.SubmitJob(nj, 10)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "units_per_row") {
		t.Fatalf("SubmitJob: %v, want invalid naming units_per_row", err)
	}
	if len(s.Jobs) != 0 || len(s.Tasks) != 0 {
		t.Fatalf("state changed: %d jobs, %d tasks", len(s.Jobs), len(s.Tasks))
	}
	nj.UnitsPerRow = rewards.MaxRate
	if _, err := s.SubmitJob(nj, 10); err != nil {
		t.Fatalf("at the bound: %v", err)
	}
}
