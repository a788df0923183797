//go:build soak

package scalesim_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/internal/scalesim"
)

// envInt reads a whole number from the environment.
func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(strings.ReplaceAll(v, "_", ""))
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: expected a whole number", name, v)
	}
	return n
}

// TestSoakScale steps the active node population up against one real
// three-member cluster and prints a row of figures per step, then measures
// the state's size per registered node and per task, and the snapshot of
// it. The environment chooses the sizes (small by default):
//
//	MEADOW_SCALESIM_NODES     active populations, comma-separated (1000,3000)
//	MEADOW_SCALESIM_STEP      seconds per step (60)
//	MEADOW_SCALESIM_PERIOD    seconds between a node's pulls (30)
//	MEADOW_SCALESIM_REGISTER  registered nodes to reach after the steps (0: no more)
//	MEADOW_SCALESIM_TASKS     pending tasks to add after that (0: none)
//	MEADOW_SCALESIM_PROFILE   a directory for a CPU profile of each step
//	MEADOW_SCALESIM_UPLOAD    0: nodes never upload (the control plane alone)
//	MEADOW_SCALESIM_AFTER     active nodes of one more step after that (0: none)
//	MEADOW_SCALESIM_MAX_WRITES the leader's admission bound (256; 0: none)
//
// Stepping stops once a step's p99 lease latency passes 5 s.
func TestSoakScale(t *testing.T) {
	var steps []int
	for _, f := range strings.Split(os.Getenv("MEADOW_SCALESIM_NODES"), ",") {
		if f = strings.TrimSpace(strings.ReplaceAll(f, "_", "")); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			t.Fatalf("MEADOW_SCALESIM_NODES: %q is not a node count", f)
		}
		steps = append(steps, n)
	}
	if len(steps) == 0 {
		steps = []int{1000, 3000}
	}
	stepDur := time.Duration(envInt(t, "MEADOW_SCALESIM_STEP", 60)) * time.Second
	cfg := scalesim.DefaultConfig()
	cfg.Period = time.Duration(envInt(t, "MEADOW_SCALESIM_PERIOD", 30)) * time.Second
	register := envInt(t, "MEADOW_SCALESIM_REGISTER", 0)
	tasks := envInt(t, "MEADOW_SCALESIM_TASKS", 0)
	profile := os.Getenv("MEADOW_SCALESIM_PROFILE")
	cfg.Upload = os.Getenv("MEADOW_SCALESIM_UPLOAD") != "0"
	cfg.MaxWrites = envInt(t, "MEADOW_SCALESIM_MAX_WRITES", cfg.MaxWrites)
	ctx := context.Background()

	s := scalesim.New(t, cfg)
	out := os.Stdout
	fmt.Fprintf(out, "period %s, step %s, task size %d, %d /24s, uploads %v, max writes %d\n", cfg.Period, stepDur, cfg.TaskSize, cfg.Nets, cfg.Upload, cfg.MaxWrites)
	fmt.Fprintln(out, scalesim.Header)
	for _, n := range steps {
		n0 := s.Registered()
		if d, err := s.Register(ctx, n); err != nil {
			t.Fatal(err)
		} else if d > 0 {
			fmt.Fprintf(out, "# registered %d nodes in all; the %d new ones at %.0f/s\n", n, n-n0, float64(n-n0)/d.Seconds())
		}
		// Every lease may take a fresh task (the second replica of a task
		// waits for its domain's rate): stock one task per lease of the
		// step, with a margin.
		need := s.Tasks() + int64(float64(n)*stepDur.Seconds()/cfg.Period.Seconds()*1.2) + 100
		t0 := time.Now()
		if err := s.Stock(ctx, need); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(out, "# %d tasks submitted in all (%.1f s)\n", s.Tasks(), time.Since(t0).Seconds())
		var pf *os.File
		if profile != "" {
			var err error
			if pf, err = os.Create(filepath.Join(profile, fmt.Sprintf("cpu-%d.pprof", n))); err != nil {
				t.Fatal(err)
			}
		}
		var st scalesim.Step
		var err error
		if pf != nil {
			st, err = s.Run(ctx, n, stepDur, pf)
			pf.Close()
		} else {
			st, err = s.Run(ctx, n, stepDur, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		scalesim.Fprint(out, st)
		if st.LastErr != "" {
			fmt.Fprintf(out, "# last error: %s\n", st.LastErr)
		}
		if st.Ops[scalesim.OpWork].P99 > 5*time.Second {
			fmt.Fprintf(out, "# p99 lease latency past 5 s: stepping stops\n")
			break
		}
	}

	// The state's size: the heap each registered node and each pending
	// task adds, for three members in this process, each holding the FSM's
	// state and the snapshot copy (coord/replica.go).
	keep := steps[len(steps)-1]
	s.Forget(keep)
	h0 := scalesim.HeapAfterGC()
	if register > s.Registered() {
		n0 := s.Registered()
		d, err := s.Register(ctx, register)
		if err != nil {
			t.Fatal(err)
		}
		s.Forget(keep)
		h1 := scalesim.HeapAfterGC()
		fmt.Fprintf(out, "# registered %d more nodes at %.0f/s; heap +%.1f MB: %.0f B per node per member (3 members in this process)\n",
			register-n0, float64(register-n0)/d.Seconds(), float64(h1-h0)/(1<<20), float64(h1-h0)/3/float64(register-n0))
		h0 = h1
	}
	if tasks > 0 {
		t0, n0 := time.Now(), s.Tasks()
		if err := s.Stock(ctx, n0+int64(tasks)); err != nil {
			t.Fatal(err)
		}
		d := time.Since(t0)
		h1 := scalesim.HeapAfterGC()
		fmt.Fprintf(out, "# submitted %d more tasks (%d URLs each) in %.1f s; heap +%.1f MB: %.0f B per task per member\n",
			tasks, cfg.TaskSize, d.Seconds(), float64(h1-h0)/(1<<20), float64(h1-h0)/3/float64(tasks))
	}
	if after := envInt(t, "MEADOW_SCALESIM_AFTER", 0); after > 0 {
		// The same active nodes again, now among the large registered
		// population and with the tasks added.
		if after > keep {
			t.Fatalf("MEADOW_SCALESIM_AFTER=%d: at most the last step's %d nodes", after, keep)
		}
		if err := s.Stock(ctx, s.Tasks()+int64(float64(after)*stepDur.Seconds()/cfg.Period.Seconds()*1.2)+100); err != nil {
			t.Fatal(err)
		}
		st, err := s.Run(ctx, after, stepDur, nil)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(out, "# again, with the population above registered:")
		scalesim.Fprint(out, st)
	}
	sd, sl := s.Snapshot()
	fmt.Fprintf(out, "# final: %d registered nodes, %d tasks; snapshot %.1f MB in %.2f s; heap %.0f MB; load %s\n",
		s.Registered(), s.Tasks(), float64(sl)/(1<<20), sd.Seconds(), float64(scalesim.HeapAfterGC())/(1<<20), loadavg())
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
