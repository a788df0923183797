package lang

import (
	"math"
	"runtime"
	"sync"
	"testing"
)

// TestDeterminism runs every golden text many times, from several
// goroutines, under GOMAXPROCS 1 and 4, and requires the same Result each
// time. It also measures the noise in lingua's unrounded confidence (which
// sums logarithms in map order) and fails if it comes within reach of the
// rounding: DESIGN.md, "Confidence", quotes the figure it logs.
func TestDeterminism(t *testing.T) {
	d := testDetector(t)
	texts := goldenTexts()
	want := make([]Result, len(texts))
	lo := make([]float64, len(texts))
	hi := make([]float64, len(texts))
	for i, in := range texts {
		r, v := d.detect(in.text)
		want[i], lo[i], hi[i] = r, v, v
	}
	const rounds = 16
	var mu sync.Mutex
	for _, procs := range []int{1, 4} {
		prev := runtime.GOMAXPROCS(procs)
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := 0; k < rounds; k++ {
					for i, in := range texts {
						if len(in.text) > 4096 && k%4 != 0 {
							continue // the long texts cost most; fewer rounds
						}
						r, v := d.detect(in.text)
						mu.Lock()
						if r != want[i] {
							t.Errorf("%s (GOMAXPROCS %d): got %+v, first run gave %+v", in.name, procs, r, want[i])
						}
						lo[i], hi[i] = math.Min(lo[i], v), math.Max(hi[i], v)
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
		runtime.GOMAXPROCS(prev)
	}
	worst, worstName := 0.0, ""
	for i, in := range texts {
		if spread := hi[i] - lo[i]; spread > worst {
			worst, worstName = spread, in.name
		}
		// The distance of the unrounded per-mille value from the nearest
		// rounding boundary (k + 0.5).
		x := lo[i] * PerMille
		if margin := math.Abs(x - math.Floor(x) - 0.5); margin < 1e-9 && hi[i] < 1 {
			t.Errorf("%s: confidence %.17g lies %.3g from a rounding boundary: replicas could round it differently", in.name, lo[i], margin)
		}
	}
	t.Logf("largest spread of lingua's unrounded confidence over %d runs: %.3g (%s)", rounds*8, worst, worstName)
	if worst > 1e-9 {
		t.Errorf("lingua's confidence varies by %.3g between runs (%s); per-mille rounding assumes far less (DESIGN.md)", worst, worstName)
	}
}
