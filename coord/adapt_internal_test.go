package coord

import (
	"testing"

	"github.com/meadow-net/meadow/coord/verify"
)

// A trusted node (a long record of agreeing) may run a task alone, or have
// it spot-checked, unless the task's job checks every task: then every
// first lease asks for the job's k, whatever the seed.
func TestAdaptChecksEveryTask(t *testing.T) {
	trusted := verify.Record{ConsecutiveAgreements: 100}
	a := adapt(trusted, func(job string) bool { return job == "j-pipeline" })
	alone := 0
	for seed := uint64(0); seed < 1000; seed++ {
		if r, spot := a("j-pipeline", 2, seed); r != 2 || spot {
			t.Fatalf("seed %d: a job that checks every task got %d replicas (spot check %v), want 2", seed, r, spot)
		}
		if r, _ := a("j-other", 2, seed); r == 1 {
			alone++
		}
	}
	if alone < 600 || alone > 900 {
		t.Fatalf("another job's tasks ran alone %d times in 1000, want about 750 (adaptive replication)", alone)
	}
	if r, _ := a("j-pipeline", 3, 7); r != 3 {
		t.Fatalf("k 3: %d replicas", r)
	}
}
