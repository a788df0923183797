package extract

import (
	"runtime"
	"sync"
	"testing"
)

// TestDeterminism extracts every golden input repeatedly from four
// goroutines at once, under GOMAXPROCS 1 and 4, and requires the result
// of the first run every time (text, Markdown and metadata, by hash). Map
// order, the clock and goroutine scheduling must not reach the output.
func TestDeterminism(t *testing.T) {
	inputs := goldenInputs(t)
	pages := make([][]byte, len(inputs))
	want := make([]goldenCase, len(inputs))
	for i, in := range inputs {
		pages[i] = in.page()
		want[i] = runGolden(t, in, pages[i])
	}
	const rounds = 2
	for _, procs := range []int{1, 4} {
		prev := runtime.GOMAXPROCS(procs)
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for k := 0; k < rounds; k++ {
					for j := range inputs {
						i := (j + g*7) % len(inputs) // each goroutine in another order
						if got := runGolden(t, inputs[i], pages[i]); got != want[i] {
							t.Errorf("%s (GOMAXPROCS %d): got %+v, first run %+v", inputs[i].name, procs, got, want[i])
						}
					}
				}
			}(g)
		}
		wg.Wait()
		runtime.GOMAXPROCS(prev)
	}
}
