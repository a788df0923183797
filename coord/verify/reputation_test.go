package verify

import (
	"errors"
	"testing"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/rewards"
)

func TestUpdate(t *testing.T) {
	tests := []struct {
		name            string
		rep             Reputation
		accepted, wrong int
		want            Reputation
	}{
		{name: "all rows agree: 1/32 of the way up", rep: InitialReputation, accepted: 100, want: 500_000 + 500_000/32},
		{name: "2% drift scores 0.92", rep: InitialReputation, accepted: 98, wrong: 2, want: 500_000 + 420_000/32},
		{name: "2% drift above 0.92 falls half the way", rep: 960_000, accepted: 98, wrong: 2, want: 940_000},
		{name: "a quarter wrong scores 0: halves", rep: 800_000, accepted: 75, wrong: 25, want: 400_000},
		{name: "30% altered halves", rep: InitialReputation, accepted: 70, wrong: 30, want: 250_000},
		{name: "no rows: unchanged", rep: 600_000, want: 600_000},
		{name: "negative counts: unchanged", rep: 600_000, accepted: -1, wrong: 3, want: 600_000},
		{name: "never above the maximum", rep: MaxReputation, accepted: 10, want: MaxReputation},
		{name: "a value past the maximum is clamped first", rep: 2 * MaxReputation, accepted: 10, want: MaxReputation},
		{name: "falls to zero", rep: 1, accepted: 0, wrong: 5, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Update(tt.rep, tt.accepted, tt.wrong); got != tt.want {
				t.Fatalf("Update(%d, %d, %d) = %d, want %d", tt.rep, tt.accepted, tt.wrong, got, tt.want)
			}
		})
	}
}

// TestUpdateCourse runs a node through many tasks and checks where its
// reputation goes: honest nodes stay above the floor, even on drifting pages
// and after an unlucky task now and then; a node that alters rows falls
// below it within a few tasks, from anywhere. A node below the floor gets no
// more tasks, so the run stops there.
func TestUpdateCourse(t *testing.T) {
	tests := []struct {
		name    string
		start   Reputation
		tasks   []int // wrong rows out of 100, cycled
		n       int
		out     bool       // falls below the floor
		outBy   int        // when out: within this many tasks
		atLeast Reputation // when not out: the reputation after n tasks
		atMost  Reputation // when not out and not 0: the same, at most
	}{
		{name: "exact node climbs", start: InitialReputation, tasks: []int{0}, n: 100, atLeast: 970_000},
		{name: "2% drift settles near 0.92", start: InitialReputation, tasks: []int{2}, n: 200, atLeast: 910_000, atMost: 921_000},
		{name: "a bad task in thirty stays above the floor", start: InitialReputation, tasks: append([]int{30}, make([]int, 29)...), n: 3000, atLeast: 600_000},
		{name: "a bad task in ten ends below the floor", start: MaxReputation, tasks: append([]int{30}, make([]int, 9)...), n: 3000, out: true, outBy: 100},
		{name: "new node altering 30% is out after two tasks", start: InitialReputation, tasks: []int{30}, n: 100, out: true, outBy: 2},
		{name: "trusted node altering 30% is out after three tasks", start: MaxReputation, tasks: []int{30}, n: 100, out: true, outBy: 3},
		{name: "deflating half its rows is out after three tasks", start: MaxReputation, tasks: []int{50}, n: 100, out: true, outBy: 3},
		{name: "10% wrong rows stay in", start: InitialReputation, tasks: []int{10}, n: 1000, atLeast: 590_000, atMost: 600_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := tt.start
			for i := range tt.n {
				w := tt.tasks[i%len(tt.tasks)]
				rep = Update(rep, 100-w, w)
				if !rep.Eligible() {
					if !tt.out {
						t.Fatalf("below the floor after %d tasks (%d)", i+1, rep)
					}
					if i+1 > tt.outBy {
						t.Fatalf("below the floor after %d tasks, want within %d", i+1, tt.outBy)
					}
					return
				}
			}
			if tt.out {
				t.Fatalf("still at %d after %d tasks, want below the floor", rep, tt.n)
			}
			if rep < tt.atLeast || tt.atMost != 0 && rep > tt.atMost {
				t.Fatalf("reputation %d after %d tasks, want %d..%d", rep, tt.n, tt.atLeast, tt.atMost)
			}
		})
	}
}

func TestEligible(t *testing.T) {
	if !InitialReputation.Eligible() || !Floor.Eligible() || (Floor - 1).Eligible() {
		t.Fatal("Eligible must hold from Floor up, and for a new node")
	}
}

func TestWorkUnits(t *testing.T) {
	tests := []struct {
		name     string
		kind     api.JobKind
		renderJS bool
		kernel   string
		rows     int
		want     uint64
		err      error
	}{
		{name: "static crawl", kind: api.JobCrawl, rows: 98, want: 980},
		{name: "crawl rendered with JS", kind: api.JobCrawl, renderJS: true, rows: 10, want: 300},
		{name: "minhash", kind: api.JobCompute, kernel: api.KernelMinHash, rows: 1000, want: 2000},
		{name: "embed", kind: api.JobCompute, kernel: api.KernelEmbed, rows: 3, want: 60},
		{name: "tokens", kind: api.JobCompute, kernel: api.KernelTokens, rows: 7, want: 7},
		{name: "no rows", kind: api.JobCompute, kernel: api.KernelTokens, rows: 0, want: 0},
		{name: "unknown kind", kind: "mine", rows: 1, err: ErrUnknownKind},
		{name: "unknown kernel", kind: api.JobCompute, kernel: "sha3", rows: 1, err: rewards.ErrUnknownKernel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := WorkUnits(tt.kind, tt.renderJS, tt.kernel, tt.rows)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if got != tt.want {
				t.Fatalf("units %d, want %d", got, tt.want)
			}
		})
	}
}

// TestEveryKernelEarns: a coordinator credits work for every kernel a job
// may name; a kernel added to api without a rate in rewards would verify
// tasks and pay nobody for them.
func TestEveryKernelEarns(t *testing.T) {
	for _, k := range api.Kernels() {
		if units, err := WorkUnits(api.JobCompute, false, k, 10); err != nil || units == 0 {
			t.Errorf("WorkUnits(compute, %q, 10 rows) = %d, %v; want a positive rate", k, units, err)
		}
	}
}
