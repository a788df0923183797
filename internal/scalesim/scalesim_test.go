package scalesim_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/meadow-net/meadow/internal/scalesim"
)

// TestSmoke runs 40 simulated nodes against a real cluster for a few
// seconds, pulling a task every second each: leases are granted, tasks are
// committed, revealed and uploaded without an error. Tasks are one URL
// each, so that the per-domain rate (1 s) lets a task's second replica be
// leased within the run.
func TestSmoke(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cfg := scalesim.DefaultConfig()
	cfg.Period, cfg.Nets, cfg.TaskSize = time.Second, 8, 1
	s := scalesim.New(t, cfg)
	if _, err := s.Register(ctx, 40); err != nil {
		t.Fatal(err)
	}
	if err := s.Stock(ctx, 400); err != nil {
		t.Fatal(err)
	}
	st, err := s.Run(ctx, 40, 5*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	scalesim.Fprint(os.Stderr, st)
	if st.Leases < 40 {
		t.Errorf("%d leases granted in %s to 40 nodes pulling every second", st.Leases, st.Duration)
	}
	for op, l := range st.Ops {
		if l.Errors > 0 {
			t.Errorf("%s: %d errors, last: %s", scalesim.Op(op), l.Errors, st.LastErr)
		}
	}
	if st.Ops[scalesim.OpReveal].N == 0 || st.Ops[scalesim.OpUpload].N == 0 {
		t.Errorf("reveals %d, uploads %d: want some of each", st.Ops[scalesim.OpReveal].N, st.Ops[scalesim.OpUpload].N)
	}
	if st.Applied == 0 || st.WALBytes == 0 {
		t.Errorf("%d entries applied, %d WAL bytes: want some", st.Applied, st.WALBytes)
	}
}
