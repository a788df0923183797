package scalesim

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// walMeter measures how many bytes a member appends to its Raft log: the
// greatest used length seen of each segment file under DataDir/wal, summed,
// so that segments removed after a snapshot still count. raft-wal
// preallocates each segment (zeros) and appends frames from its start, so
// a segment's used length is where its zero tail begins.
type walMeter struct {
	dir  string
	mu   sync.Mutex
	base map[string]int64 // sizes when measuring began
	max  map[string]int64
}

func newWALMeter(dataDir string) *walMeter {
	w := &walMeter{dir: filepath.Join(dataDir, "wal"), max: map[string]int64{}}
	w.base = w.sizes()
	for k, v := range w.base {
		w.max[k] = v
	}
	return w
}

func (w *walMeter) sizes() map[string]int64 {
	out := map[string]int64{}
	ents, _ := os.ReadDir(w.dir)
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".wal") {
			continue
		}
		if n, err := usedLen(filepath.Join(w.dir, e.Name())); err == nil {
			out[e.Name()] = n
		}
	}
	return out
}

func (w *walMeter) poll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for k, v := range w.sizes() {
		w.max[k] = max(w.max[k], v)
	}
}

// sample polls every 200 ms until ctx ends; the function it returns stops
// it and returns the bytes appended since newWALMeter.
func (w *walMeter) sample(ctx context.Context) func() int64 {
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				w.poll()
			}
		}
	}()
	return func() int64 {
		<-done
		w.poll()
		w.mu.Lock()
		defer w.mu.Unlock()
		var n int64
		for k, v := range w.max {
			n += v - w.base[k]
		}
		return n
	}
}

// usedLen finds, by bisection over 4 KiB blocks, the first block from
// which a file holds only zeros. A run of 4 KiB of zeros inside the frames
// would end it early; log entries (JSON commands) do not hold one.
func usedLen(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	const block = 4096
	buf := make([]byte, block)
	zero := func(b int64) bool {
		n, _ := f.ReadAt(buf, b*block)
		for _, c := range buf[:n] {
			if c != 0 {
				return false
			}
		}
		return true
	}
	lo, hi := int64(0), (fi.Size()+block-1)/block // the answer lies in [lo, hi]
	for lo < hi {
		mid := (lo + hi) / 2
		if zero(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo * block, nil
}

// newestSnapshot is the size of the newest snapshot's state.bin under a
// member's data dir (hashicorp/raft's file snapshot store).
func newestSnapshot(dataDir string) int64 {
	ents, _ := os.ReadDir(filepath.Join(dataDir, "snapshots"))
	var newest string
	for _, e := range ents {
		if e.IsDir() && !strings.HasSuffix(e.Name(), ".tmp") && e.Name() > newest {
			newest = e.Name()
		}
	}
	if newest == "" {
		return 0
	}
	fi, err := os.Stat(filepath.Join(dataDir, "snapshots", newest, "state.bin"))
	if err != nil {
		return 0
	}
	return fi.Size()
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rss is the process's resident set in bytes (Linux), 0 where unknown.
func rss() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// loadavg is the machine's load averages (1, 5, 15 minutes), as
// /proc/loadavg has them.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
