package lang

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pemistahl/lingua-go"
)

// benchText is about n bytes of English prose (a paragraph of the golden
// set repeated).
func benchText(n int) string {
	var p string
	for _, in := range goldenTexts() {
		if in.name == "english" {
			p = in.text + " "
		}
	}
	return strings.Repeat(p, n/len(p)+1)[:n]
}

// BenchmarkDetect is Detect on English text of a few sizes: a short row,
// a typical page's main text, and the 16 KiB prefix cap.
func BenchmarkDetect(b *testing.B) {
	d := testDetector(b)
	for _, n := range []int{200, 4 << 10, DefaultMaxBytes} {
		text := benchText(n)
		d.Detect(text) // load the models outside the timing
		b.Run(fmt.Sprintf("bytes=%d", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for i := 0; i < b.N; i++ {
				d.Detect(text)
			}
		})
	}
}

// BenchmarkDetectLingua is the bare library call on the same input, the
// baseline Detect is compared with (issue 13: goal ≥ 0.8×).
func BenchmarkDetectLingua(b *testing.B) {
	testDetector(b)
	det := lingua.NewLanguageDetectorBuilder().FromAllLanguages().WithLowAccuracyMode().Build()
	for _, n := range []int{200, 4 << 10, DefaultMaxBytes} {
		text := benchText(n)
		det.ComputeLanguageConfidenceValues(text)
		b.Run(fmt.Sprintf("bytes=%d", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for i := 0; i < b.N; i++ {
				det.ComputeLanguageConfidenceValues(text)
			}
		})
	}
}

const loadChildEnv = "MEADOW_LANG_LOAD_CHILD"

// TestLoadCost measures, in a fresh process (lingua's models are
// process-wide), how long New(DefaultConfig()) takes with every model
// preloaded and how much memory the models hold; DESIGN.md quotes the
// figures. It fails if the heap passes 200 MB, four times what was
// measured: a lingua upgrade or a config change that costs home nodes that
// much must be a decision.
func TestLoadCost(t *testing.T) {
	if os.Getenv(loadChildEnv) == "1" {
		loadChild()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestLoadCost$", "-test.count=1")
	cmd.Env = append(os.Environ(), loadChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var ms, heap, rss int64
	for _, line := range strings.Split(string(out), "\n") {
		if _, err := fmt.Sscanf(line, "load_ms=%d heap_mb=%d rss_mb=%d", &ms, &heap, &rss); err == nil {
			break
		}
	}
	t.Logf("New(DefaultConfig()) with all %d languages preloaded: %d ms, heap %d MB, peak RSS %d MB", len(AllLanguages()), ms, heap, rss)
	if heap == 0 || heap > 200 {
		t.Fatalf("heap after loading: %d MB; expected about 50 (child output:\n%s)", heap, out)
	}
}

func loadChild() {
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	start := time.Now()
	if _, err := New(DefaultConfig()); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	elapsed := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&m1)
	fmt.Printf("load_ms=%d heap_mb=%d rss_mb=%d\n", elapsed.Milliseconds(), (m1.HeapAlloc-m0.HeapAlloc)>>20, peakRSS()>>20)
}

// peakRSS is VmHWM from /proc/self/status, in bytes (0 where there is no
// /proc).
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		var kb int64
		if _, err := fmt.Sscanf(s.Text(), "VmHWM: %d kB", &kb); err == nil {
			return kb << 10
		}
	}
	return 0
}
