package verify

import (
	"math/rand/v2"
	"testing"
)

func TestRecordObserve(t *testing.T) {
	tests := []struct {
		name   string
		rec    Record
		agreed bool
		want   Record
	}{
		{name: "agreement counts", rec: Record{ConsecutiveAgreements: 3}, agreed: true, want: Record{ConsecutiveAgreements: 4}},
		{name: "one disagreement resets", rec: Record{ConsecutiveAgreements: 50}, agreed: false, want: Record{}},
		{name: "saturates", rec: Record{ConsecutiveAgreements: maxAgreements}, agreed: true, want: Record{ConsecutiveAgreements: maxAgreements}},
		{name: "a negative count starts over", rec: Record{ConsecutiveAgreements: -4}, agreed: true, want: Record{ConsecutiveAgreements: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rec.Observe(tt.agreed); got != tt.want {
				t.Fatalf("Observe = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReplication(t *testing.T) {
	trusted := Record{ConsecutiveAgreements: TrustAfter}
	tests := []struct {
		name    string
		rec     Record
		k       int
		solo    bool // some seed gives 1 replica
		replMax int  // no seed gives more
	}{
		{name: "untrusted keeps k", rec: Record{ConsecutiveAgreements: TrustAfter - 1}, k: 2, replMax: 2},
		{name: "untrusted keeps a larger k", rec: Record{}, k: 5, replMax: 5},
		{name: "k of 1 runs alone", rec: Record{}, k: 1, solo: true, replMax: 1},
		{name: "k of 0 runs alone", rec: Record{}, k: 0, solo: true, replMax: 1},
		{name: "trusted may run alone", rec: trusted, k: 2, solo: true, replMax: 2},
		{name: "trusted with k 3 keeps it", rec: trusted, k: 3, replMax: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sawSolo, sawK := false, false
			for seed := range uint64(1000) {
				r, spot := Replication(tt.rec, tt.k, seed)
				r2, spot2 := Replication(tt.rec, tt.k, seed)
				if r != r2 || spot != spot2 {
					t.Fatalf("seed %d: not deterministic", seed)
				}
				if r < 1 || r > tt.replMax {
					t.Fatalf("seed %d: %d replicas, want 1..%d", seed, r, tt.replMax)
				}
				if spot && r != 2 {
					t.Fatalf("seed %d: spot check with %d replicas", seed, r)
				}
				sawSolo = sawSolo || r == 1
				sawK = sawK || r == max(tt.k, 1)
			}
			if sawSolo != tt.solo {
				t.Errorf("ran alone: %v, want %v", sawSolo, tt.solo)
			}
			if !sawK {
				t.Errorf("never kept k = %d", tt.k)
			}
		})
	}
}

// sim runs tasks of a network of honest nodes, and optionally one cheater,
// through adaptive replication with k = 2. The cheater is honest while it
// is untrusted and alters every task once it is trusted.
type sim struct {
	rng     *rand.Rand
	records []Record
	reps    []Reputation

	tasks, replicas, spotChecks int
	undetected, caught, resets  int // the cheater's
	bannedAt                    int // task at which the cheater fell below the floor; 0 if never
}

const cheater = 0

func newSim(nodes int, seed uint64) *sim {
	s := &sim{rng: rand.New(rand.NewPCG(seed, 99)), records: make([]Record, nodes), reps: make([]Reputation, nodes)}
	for i := range s.reps {
		s.reps[i] = InitialReputation
	}
	return s
}

func (s *sim) run(tasks int, withCheater bool) {
	for range tasks {
		first := s.rng.IntN(len(s.records))
		if !s.reps[first].Eligible() {
			continue
		}
		s.tasks++
		n, spot := Replication(s.records[first], 2, s.rng.Uint64())
		s.replicas += n
		if spot {
			s.spotChecks++
		}
		cheats := withCheater && first == cheater && s.records[first].Trusted()
		if n == 1 {
			if cheats {
				s.undetected++
			}
			continue // unreplicated: nothing observed
		}
		others := make([]int, 0, n-1)
		for len(others) < n-1 {
			if o := s.rng.IntN(len(s.records)); o != first && o != cheater && s.reps[o].Eligible() {
				others = append(others, o)
			}
		}
		// The cheater's altered rows lose 2:1 once a third replica is
		// leased; honest replicas agree (with a little drift).
		s.observe(first, !cheats, cheats)
		for _, o := range others {
			s.observe(o, true, false)
		}
		if cheats {
			s.caught++
			if s.records[first].ConsecutiveAgreements == 0 {
				s.resets++
			}
			if !s.reps[first].Eligible() && s.bannedAt == 0 {
				s.bannedAt = s.tasks
			}
		}
	}
}

func (s *sim) observe(node int, agreed, altered bool) {
	s.records[node] = s.records[node].Observe(agreed)
	if altered {
		s.reps[node] = Update(s.reps[node], 70, 30)
	} else {
		s.reps[node] = Update(s.reps[node], 98, 2)
	}
}

// TestAdaptiveReplicationFactor measures the effective replication factor
// of a network of honest nodes (DESIGN.md quotes it) and checks it against
// the formula 2 - SoloPPM·(1 - SpotCheckPPM) once every node is trusted.
func TestAdaptiveReplicationFactor(t *testing.T) {
	s := newSim(200, 1)
	s.run(200_000, false)
	factor := float64(s.replicas) / float64(s.tasks)
	steady := 2 - float64(SoloPPM)/PPM*(1-float64(SpotCheckPPM)/PPM)
	t.Logf("honest network: %d tasks, %d replicas, effective replication %.3f (steady state %.3f), %d spot checks",
		s.tasks, s.replicas, factor, steady, s.spotChecks)
	if factor < 1.2 || factor > steady+0.02 || factor < steady-0.02 {
		t.Fatalf("effective replication %.3f, want %.3f ± 0.02 and at least 1.2", factor, steady)
	}
}

// TestAdaptiveReplicationCheater follows a node that earns trust honestly
// and then alters every task: its record resets at each catch, and its
// reputation falls below the floor after a few, bounding the tasks it
// altered unchecked.
func TestAdaptiveReplicationCheater(t *testing.T) {
	s := newSim(20, 2)
	s.run(200_000, true)
	t.Logf("cheater: %d altered tasks unchecked, %d caught (%d record resets), out at task %d of the network",
		s.undetected, s.caught, s.resets, s.bannedAt)
	if s.caught == 0 || s.resets != s.caught {
		t.Fatalf("caught %d times with %d record resets; every catch must reset the record", s.caught, s.resets)
	}
	if s.bannedAt == 0 {
		t.Fatal("the cheater never fell below the floor")
	}
	if s.undetected > 20 {
		t.Fatalf("%d altered tasks went unchecked before the cheater was out", s.undetected)
	}
}
