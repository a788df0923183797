package wasm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	wapi "github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/sys"

	"github.com/meadow-net/meadow/dataset"
)

// Result is what a successful run produced.
type Result struct {
	// Rows holds one row per input text, in order: the declared columns'
	// values, in declaration order, as string, int64, float64, bool,
	// []string or []int64.
	Rows []dataset.Row
	// FuelUsed is the deterministic measure of the work done: the same on
	// every machine for the same module, input and limits. On a
	// KindFuelExhausted failure it is Limits.Fuel.
	FuelUsed uint64
	// InputBytes is the size of the module's stdin.
	InputBytes int64
	// OutputBytes is what the module wrote to stdout (counted up to the cap).
	OutputBytes int64
}

// args is the argument list every module sees: argv[0] only.
var args = []string{"kernel"}

// Epoch is the wall-clock time every module sees before it sleeps:
// 2000-01-01T00:00:00Z, in Unix nanoseconds.
const Epoch = 946684800 * 1e9

// RandomSeed starts the module's random stream: random_get returns the
// bytes of SHA-256(RandomSeed ‖ uint64 big-endian i) for i = 0, 1, 2, ...
// concatenated, the same on every run.
const RandomSeed = "meadow/wasm/random/v1"

// Run runs the module over texts: each becomes a line {"<inputColumn>":
// "<text>"} of stdin, and stdout must hold one JSON object per text with
// exactly the columns out (docs/wasm.md). What the module does wrong is a
// *Failure (its Kind says what) with the Result's FuelUsed, InputBytes and
// OutputBytes filled; misuse (bad limits, bad columns) wraps ErrBadLimits,
// ErrBadSchema or ErrBadInput; a canceled ctx returns ctx's error.
func (m *Module) Run(ctx context.Context, inputColumn string, texts []string, out []Column, lim Limits) (Result, error) {
	if err := ValidateColumns(out); err != nil {
		return Result{}, err
	}
	if err := lim.Validate(m.rt.opts.memCeiling); err != nil {
		return Result{}, err
	}
	if inputColumn == "" {
		return Result{}, fmt.Errorf("%w: input column name is empty", ErrBadInput)
	}
	if err := m.rt.enter(); err != nil {
		return Result{}, err
	}
	defer m.rt.exit()
	e, err := m.rt.acquire(ctx, m)
	if err != nil {
		return Result{}, err
	}
	defer m.rt.release(ctx, e)

	in, outBuf := m.rt.bufs.get(), m.rt.bufs.get()
	if in == nil {
		in = &byteBuf{}
	}
	if outBuf == nil {
		outBuf = &byteBuf{}
	}
	in.b = appendInput(in.b[:0], inputColumn, texts)
	stdin := in.b
	res := Result{InputBytes: int64(len(stdin))}
	if h := min(e.outHint.Load(), lim.MaxOutputBytes); int64(cap(outBuf.b)) < h {
		// As much room as the module's last run wrote, at once.
		outBuf.b = make([]byte, 0, h)
	}
	stdout := &capWriter{buf: outBuf.b[:0], max: lim.MaxOutputBytes}
	// Runs after the instance is closed (deferred below): nothing reads
	// stdin or writes stdout any more, and no row refers to either
	// (parseOutput copies what it keeps).
	defer func() {
		e.outHint.Store(int64(len(stdout.buf)))
		outBuf.b = stdout.buf[:0]
		m.rt.bufs.put(in)
		m.rt.bufs.put(outBuf)
	}()
	stderr := &headWriter{max: lim.MaxStderr}
	fail := func(k Kind, format string, args ...any) (Result, error) {
		res.OutputBytes = int64(len(stdout.buf))
		return res, &Failure{Kind: k, Row: -1, Message: fmt.Sprintf(format, args...), Stderr: string(stderr.buf)}
	}
	if e.info.memMin > lim.MemoryPages {
		return fail(KindMemoryExceeded, "the module's memory starts at %d pages, above the limit of %d", e.info.memMin, lim.MemoryPages)
	}

	mem := &memAllocator{limit: uint64(lim.MemoryPages) * PageSize, pool: &m.rt.mems, hint: e.memHint.Load()}
	defer func() { // after the instance is closed (deferred below)
		mem.release()
		if mem.size > 0 {
			e.memHint.Store(mem.size)
		}
	}()
	st := &runState{limit: lim.Fuel}
	runCtx := context.WithValue(experimental.WithMemoryAllocator(ctx, mem), runKey{}, st)
	clock := &virtualClock{}
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions().
		WithArgs(args...).
		WithStdin(bytes.NewReader(stdin)).
		WithStdout(stdout).
		WithStderr(stderr).
		WithWalltime(clock.walltime, 1).
		WithNanotime(clock.nanotime, 1).
		WithNanosleep(clock.sleep).
		WithOsyield(func() {}).
		WithRandSource(&randStream{})
	inst, err := m.rt.rt.InstantiateModule(runCtx, e.compiled, cfg)
	if err != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		if mem.refused {
			return fail(KindMemoryExceeded, "instantiating: %v", err)
		}
		return fail(KindTrap, "instantiating: %s", firstLine(err))
	}
	defer inst.Close(context.WithoutCancel(ctx))
	st.fuel = inst.ExportedGlobal(exportFuel).(wapi.MutableGlobal)
	depth := inst.ExportedGlobal(exportDepth).(wapi.MutableGlobal)
	st.granted = min(fuelSlice, lim.Fuel)
	st.fuel.Set(st.granted)
	stop := startWatchdog(ctx, m.rt.done, lim.WallTime, func() { st.halt.Store(true) })
	m.rt.running.Add(1)
	var callErr error
	for _, name := range []string{exportStart, "_start"} {
		if name == exportStart && !e.info.hasStart {
			continue
		}
		depth.Set(uint64(lim.CallDepth))
		if _, callErr = inst.ExportedFunction(name).Call(runCtx); callErr != nil {
			break
		}
	}
	m.rt.running.Add(-1)
	timedOut := stop()
	res.FuelUsed = min(st.used(), lim.Fuel)
	res.OutputBytes = int64(len(stdout.buf))

	var exit *sys.ExitError
	exited := errors.As(callErr, &exit)
	code := uint32(0)
	if exited {
		code = exit.ExitCode()
	}
	failed := callErr != nil && !(exited && code == 0)
	switch {
	case ctx.Err() != nil:
		return res, ctx.Err()
	case isClosed(m.rt.done):
		return res, ErrClosed
	case timedOut:
		return fail(KindWallTime, "the run took longer than %s (the machine's safety net, not a deterministic verdict)", lim.WallTime)
	case stdout.overflow:
		return fail(KindOutputTooLarge, "the module wrote more than %d bytes to stdout", lim.MaxOutputBytes)
	case failed && mem.refused:
		return fail(KindMemoryExceeded, "the module asked for more than %d pages (%d MiB) of memory and failed (%s)", lim.MemoryPages, uint64(lim.MemoryPages)*PageSize>>20, describeEnd(callErr, exited, code))
	case st.exhausted:
		return fail(KindFuelExhausted, "the module used all its %d fuel", lim.Fuel)
	case failed && int32(depth.Get()) < 0:
		return fail(KindTrap, "call depth exceeded: more than %d nested calls", lim.CallDepth)
	case failed && exited:
		res, err := fail(KindExitCode, "the module exited with code %d", code)
		err.(*Failure).ExitCode = code
		return res, err
	case failed:
		return fail(KindTrap, "%s", firstLine(callErr))
	}
	rows, f := parseOutput(stdout.buf, out, len(texts))
	if f != nil {
		f.Stderr = string(stderr.buf)
		return res, f
	}
	res.Rows = rows
	return res, nil
}

func describeEnd(err error, exited bool, code uint32) string {
	if exited {
		return fmt.Sprintf("exit code %d", code)
	}
	return firstLine(err)
}

// firstLine is an engine error's first line: the trap, without the stack
// trace (whose wording is the engine's).
func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// fuelSlice is how much fuel the module gets at a time: when a slice runs
// out it calls tick, which grants the next one. 4 million is about a
// millisecond of compiled Go-built code on the dev VM, so Go's garbage
// collector and scheduler (which cannot stop machine code that never calls
// out) and the watchdog get in at least that often, for a call that costs
// well under a microsecond.
const fuelSlice = 4_000_000

// runKey is the context key of a run's *runState.
type runKey struct{}

// runState is what tick needs of a run. Only the run's own goroutine (the
// module's, and tick called from it) touches it, but for halt.
type runState struct {
	limit     uint64             // Limits.Fuel
	granted   uint64             // fuel given so far, slices included
	fuel      wapi.MutableGlobal // the module's fuel global: what is left of the slice
	halt      atomic.Bool        // set by the watchdog: stop at the next tick
	exhausted bool               // tick found the fuel spent
}

// used is the fuel spent so far: what was granted less what is left of
// the current slice (negative once a segment overdraws it).
func (st *runState) used() uint64 { return st.granted - uint64(int64(st.fuel.Get())) }

// errStop ends a run from tick; the run's outcome comes from runState.
var errStop = errors.New("wasm: run stopped by the host")

// tick is the host function the instrumented module calls when its fuel
// slice is overdrawn (fuel < 0). It grants the next slice, or, when the
// run's fuel is spent or the watchdog asked, ends the run by panicking,
// which wazero turns into an error from the module's entry point. A slice
// ends the run at exactly the point a single global would have: the first
// check at which the fuel charged exceeds Limits.Fuel.
func tick(ctx context.Context, _ wapi.Module, _ []uint64) {
	st := ctx.Value(runKey{}).(*runState)
	used := st.used()
	switch {
	case st.halt.Load():
		panic(errStop)
	case used > st.limit:
		st.exhausted = true
		panic(errStop)
	}
	grant := min(fuelSlice, st.limit-used)
	st.granted = used + grant
	st.fuel.Set(grant)
}

// startWatchdog calls halt once wall time has passed, ctx is done or the
// Runtime is closing; stop ends the watchdog and reports whether wall time
// ran out. halt makes the module's next tick end the run: within a fuel
// slice, about a millisecond. wazero's own WithCloseOnContextDone calls
// back into the engine at every loop header instead and made a tight loop
// 50 times slower (2.67 s against 55 ms for 10^8 iterations on the dev VM).
func startWatchdog(ctx context.Context, closing <-chan struct{}, wall time.Duration, halt func()) (stop func() (timedOut bool)) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	var fired atomic.Bool
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTimer(wall)
		defer t.Stop()
		select {
		case <-done:
			return
		case <-t.C:
			fired.Store(true)
		case <-ctx.Done():
		case <-closing:
		}
		halt()
	}()
	return func() bool {
		close(done)
		wg.Wait()
		return fired.Load()
	}
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// capWriter keeps stdout up to max bytes; a write past it fails, and the
// module sees EIO.
type capWriter struct {
	buf      []byte
	max      int64
	overflow bool
}

// Write keeps p, or fails without keeping any of it past the cap.
func (w *capWriter) Write(p []byte) (int, error) {
	if int64(len(w.buf))+int64(len(p)) > w.max {
		w.overflow = true
		return 0, errors.New("wasm: output too large")
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}

// headWriter keeps the first max bytes of stderr and discards the rest;
// writes never fail.
type headWriter struct {
	buf []byte
	max int
}

// Write keeps what fits under the cap and reports all of p written.
func (w *headWriter) Write(p []byte) (int, error) {
	if room := w.max - len(w.buf); room > 0 {
		w.buf = append(w.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// virtualClock is the module's time: it stands still, except that sleeping
// advances it by exactly the time asked for (and returns at once). So a
// module sees the same times on every machine, and time.Sleep works. Both
// the wall clock and the monotonic clock read Epoch plus the time slept
// (Go's runtime refuses a monotonic clock that reads 0).
type virtualClock struct {
	elapsed int64 // nanoseconds slept
}

func (c *virtualClock) walltime() (int64, int32) {
	t := Epoch + c.elapsed
	return t / 1e9, int32(t % 1e9)
}

func (c *virtualClock) nanotime() int64 { return Epoch + c.elapsed }

func (c *virtualClock) sleep(ns int64) {
	if ns > 0 {
		c.elapsed += min(ns, math.MaxInt64-Epoch-c.elapsed)
	}
}

// randStream is the module's random source: SHA-256 in counter mode from
// RandomSeed, so every run reads the same bytes.
type randStream struct {
	ctr   uint64
	block [sha256.Size]byte
	n     int // bytes of block used
}

// Read fills p from the stream; it never fails.
func (s *randStream) Read(p []byte) (int, error) {
	total := len(p)
	for len(p) > 0 {
		if s.n == 0 || s.n == len(s.block) {
			var in [len(RandomSeed) + 8]byte
			copy(in[:], RandomSeed)
			binary.BigEndian.PutUint64(in[len(RandomSeed):], s.ctr)
			s.block = sha256.Sum256(in[:])
			s.ctr++
			s.n = 0
		}
		c := copy(p, s.block[s.n:])
		s.n += c
		p = p[c:]
	}
	return total, nil
}
