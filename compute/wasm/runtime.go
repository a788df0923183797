package wasm

import (
	"container/list"
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
	wapi "github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// WASIModule is the only module a buyer's module may import from.
const WASIModule = wasi_snapshot_preview1.ModuleName

// Features are the WebAssembly features a module may use: WebAssembly 2.0
// (bulk memory, multi-value, non-trapping float-to-int, reference types,
// sign extension, mutable globals) without SIMD. Threads, tail calls,
// exceptions and the other later proposals are off.
const Features = wapi.CoreFeaturesV2 &^ wapi.CoreFeatureSIMD

// Defaults of the Runtime's options.
const (
	// DefaultMemoryCeiling is the largest Limits.MemoryPages a Runtime
	// accepts unless WithMemoryCeiling says otherwise: 1 GiB.
	DefaultMemoryCeiling = 16384
	// DefaultCacheEntries is how many compiled modules a Runtime keeps.
	DefaultCacheEntries = 16
	// DefaultCacheBytes bounds the cached modules' total size (of their
	// instrumented bytes; compiled code is a few times larger).
	DefaultCacheBytes = 256 << 20
	// DefaultMaxModuleBytes is the largest module Load accepts.
	DefaultMaxModuleBytes = 32 << 20
	// tableCeiling caps every table, in elements.
	tableCeiling = 1 << 20
	// maxLocals caps each function's locals, parameters included: the
	// engine allocates them up front, so a forged count must not reach it.
	maxLocals = 50_000
)

// Option configures New.
type Option func(*options)

type options struct {
	interpreter    bool
	memCeiling     uint32
	cacheEntries   int
	cacheBytes     int64
	maxModuleBytes int
}

// WithInterpreter runs modules in wazero's interpreter instead of its
// compiler. Results are the same (the tests check it); it is for tests and
// for comparing engines. Without it the compiler is used where wazero has
// one (amd64 and arm64), the interpreter elsewhere.
func WithInterpreter() Option { return func(o *options) { o.interpreter = true } }

// WithMemoryCeiling sets the largest Limits.MemoryPages runs may use, in
// 64 KiB pages (at most 65536). Module memories whose maximum is above it
// are clamped to it; one whose minimum is above it is refused.
func WithMemoryCeiling(pages uint32) Option { return func(o *options) { o.memCeiling = pages } }

// WithCache bounds the compiled-module cache: at most entries modules and
// bytes of instrumented module bytes. The least recently used go first.
func WithCache(entries int, bytes int64) Option {
	return func(o *options) { o.cacheEntries, o.cacheBytes = entries, bytes }
}

// WithMaxModuleBytes sets the largest module Load accepts.
func WithMaxModuleBytes(n int) Option { return func(o *options) { o.maxModuleBytes = n } }

// Runtime loads and runs buyers' modules. It is safe for concurrent use:
// any number of Loads and Runs may proceed at once. Compiled modules are
// cached by the SHA-256 of their original bytes.
type Runtime struct {
	rt   wazero.Runtime
	wasi map[string]funcType
	opts options

	mu      sync.Mutex
	closed  bool
	done    chan struct{}  // closed by Close: runs in progress stop
	active  sync.WaitGroup // Loads and Runs in progress; Close waits for them
	running atomic.Int32   // modules executing now (for tests)
	cache   map[[32]byte]*entry
	mems    weakPool[memBuf]  // linear memories of finished runs (memory.go)
	bufs    weakPool[byteBuf] // their stdin and stdout buffers
	lru     *list.List        // of *entry, most recently used first
	bytes   int64
	stats   CacheStats
}

// CacheStats counts the compiled-module cache's work.
type CacheStats struct {
	Hits      uint64 // Loads (and Runs of evicted modules) that found the module compiled
	Misses    uint64 // Loads that instrumented and compiled
	Evictions uint64 // modules dropped to stay within the bounds
	Entries   int    // modules cached now
	Bytes     int64  // their instrumented size
}

// entry is one cached module. ready is closed once compiled or err is set.
type entry struct {
	key      [32]byte
	wasm     []byte // instrumented
	info     moduleInfo
	ready    chan struct{}
	err      error
	compiled wazero.CompiledModule
	refs     int  // Runs in progress and Loads waiting
	evicted  bool // out of the cache; closed when refs reaches 0
	elem     *list.Element
	memHint  atomic.Uint64 // bytes of linear memory its last run reached (memAllocator.hint)
	outHint  atomic.Int64  // bytes its last run wrote to stdout
}

// New starts a Runtime with the WASI host functions instantiated once.
func New(ctx context.Context, opts ...Option) (*Runtime, error) {
	o := options{
		memCeiling:     DefaultMemoryCeiling,
		cacheEntries:   DefaultCacheEntries,
		cacheBytes:     DefaultCacheBytes,
		maxModuleBytes: DefaultMaxModuleBytes,
	}
	for _, f := range opts {
		f(&o)
	}
	switch {
	case o.memCeiling < 1 || o.memCeiling > 65536:
		return nil, fmt.Errorf("%w: memory ceiling %d pages: expected 1 to 65536", ErrBadLimits, o.memCeiling)
	case o.cacheEntries < 1 || o.cacheBytes < 1:
		return nil, fmt.Errorf("%w: cache of %d entries, %d bytes: expected at least 1 of each", ErrBadLimits, o.cacheEntries, o.cacheBytes)
	case o.maxModuleBytes < 8:
		return nil, fmt.Errorf("%w: max module bytes %d: expected at least 8", ErrBadLimits, o.maxModuleBytes)
	}
	cfg := wazero.NewRuntimeConfig()
	if o.interpreter {
		cfg = wazero.NewRuntimeConfigInterpreter()
	}
	// No WithCloseOnContextDone: the meter's tick is the kill switch
	// (startWatchdog says why).
	cfg = cfg.WithCoreFeatures(Features).
		WithMemoryLimitPages(o.memCeiling).
		WithDebugInfoEnabled(false) // custom sections are dropped anyway
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("wasm: instantiating WASI: %w", err)
	}
	_, err := rt.NewHostModuleBuilder(TickModule).NewFunctionBuilder().
		WithGoModuleFunction(wapi.GoModuleFunc(tick), nil, nil).
		Export(TickName).Instantiate(ctx)
	if err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("wasm: instantiating the meter's host function: %w", err)
	}
	wasi := map[string]funcType{}
	for name, d := range rt.Module(WASIModule).ExportedFunctionDefinitions() {
		wasi[name] = funcType{params: append([]byte(nil), d.ParamTypes()...), results: append([]byte(nil), d.ResultTypes()...)}
	}
	return &Runtime{rt: rt, wasi: wasi, opts: o, done: make(chan struct{}), cache: map[[32]byte]*entry{}, lru: list.New()}, nil
}

// Close stops runs in progress (they return ErrClosed at their next fuel
// check), waits for them and for Loads in progress, and releases every
// compiled module. Later calls return ErrClosed. Code must not be freed
// while a run executes it, hence the wait.
func (r *Runtime) Close(ctx context.Context) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	close(r.done)
	r.cache = map[[32]byte]*entry{}
	r.lru.Init()
	r.mu.Unlock()
	r.active.Wait()
	r.mems.drop()
	r.bufs.drop()
	return r.rt.Close(ctx)
}

// enter registers a Load or Run, or returns ErrClosed; exit ends it.
func (r *Runtime) enter() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	r.active.Add(1)
	return nil
}

func (r *Runtime) exit() { r.active.Done() }

// CacheStats returns the cache's counters.
func (r *Runtime) CacheStats() CacheStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stats
	s.Entries, s.Bytes = len(r.cache), r.bytes
	return s
}

// MemoryCeiling is the largest Limits.MemoryPages this Runtime accepts.
func (r *Runtime) MemoryCeiling() uint32 { return r.opts.memCeiling }

// checkImport allows exactly the WASI preview 1 functions wazero provides,
// with their signatures.
func (r *Runtime) checkImport(module, name string, t funcType) error {
	if module != WASIModule {
		return fmt.Errorf("only %s functions are available", WASIModule)
	}
	want, ok := r.wasi[name]
	if !ok {
		return fmt.Errorf("%s has no function %q", WASIModule, name)
	}
	if !t.equal(want) {
		return fmt.Errorf("imported with type %s; %s.%s has type %s", t, WASIModule, name, want)
	}
	return nil
}

// Module is a loaded module, ready to Run. It stays usable after the cache
// drops it (Run then compiles it again) until the Runtime is closed.
type Module struct {
	rt   *Runtime
	hash [32]byte
	mu   sync.Mutex
	e    *entry
}

// Hash is the SHA-256 of the module's original bytes: the cache key, and
// what a job spec names the module by.
func (m *Module) Hash() [32]byte { return m.hash }

// Load validates a module, instruments it with the meter (DESIGN.md) and
// compiles it, or finds it compiled in the cache. A module the sandbox
// cannot run is a *Failure of kind KindInvalidModule, KindForbiddenImport
// or KindMemoryExceeded whose message names what is wrong, e.g.
//
//	module: import "env"."foo": only wasi_snapshot_preview1 functions are available
func (r *Runtime) Load(ctx context.Context, wasm []byte) (*Module, error) {
	if len(wasm) > r.opts.maxModuleBytes {
		return nil, loadError(KindInvalidModule, "%d bytes: over the limit of %d", len(wasm), r.opts.maxModuleBytes)
	}
	if err := r.enter(); err != nil {
		return nil, err
	}
	defer r.exit()
	key := sha256.Sum256(wasm)
	e, err := r.get(ctx, key, func() ([]byte, moduleInfo, error) {
		return instrument(wasm, instrumentConfig{
			checkImport: r.checkImport,
			memCeiling:  r.opts.memCeiling,
			tableCeil:   tableCeiling,
			maxLocals:   maxLocals,
		})
	})
	if err != nil {
		return nil, err
	}
	r.release(ctx, e)
	return &Module{rt: r, hash: key, e: e}, nil
}

// get returns the entry for key, compiled, with a reference held: from the
// cache, or built and compiled now (one build per key at a time).
func (r *Runtime) get(ctx context.Context, key [32]byte, build func() ([]byte, moduleInfo, error)) (*entry, error) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, ErrClosed
	}
	if e, ok := r.cache[key]; ok {
		r.stats.Hits++
		e.refs++
		r.lru.MoveToFront(e.elem)
		r.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			r.release(context.WithoutCancel(ctx), e)
			return nil, ctx.Err()
		}
		if e.err != nil {
			r.release(ctx, e)
			return nil, e.err
		}
		return e, nil
	}
	r.stats.Misses++
	e := &entry{key: key, ready: make(chan struct{}), refs: 1}
	e.elem = r.lru.PushFront(e)
	r.cache[key] = e
	r.mu.Unlock()

	e.wasm, e.info, e.err = build()
	if e.err == nil {
		var err error
		if e.compiled, err = r.rt.CompileModule(ctx, e.wasm); err != nil {
			e.err = loadError(KindInvalidModule, "%v", err)
		}
	}
	r.mu.Lock()
	if e.err != nil {
		// Refusals are not cached: remove the entry, so a later Load tries again.
		if r.cache[key] == e {
			delete(r.cache, key)
			r.lru.Remove(e.elem)
		}
		e.evicted = true
	} else if !e.evicted {
		r.bytes += int64(len(e.wasm))
		r.evictLocked(ctx)
	}
	close(e.ready)
	r.mu.Unlock()
	if e.err != nil {
		r.release(ctx, e)
		return nil, e.err
	}
	return e, nil
}

// evictLocked drops least recently used modules until the cache is within
// its bounds, never the most recent one.
func (r *Runtime) evictLocked(ctx context.Context) {
	for r.lru.Len() > 1 && (r.lru.Len() > r.opts.cacheEntries || r.bytes > r.opts.cacheBytes) {
		old := r.lru.Back()
		e := old.Value.(*entry)
		select {
		case <-e.ready:
		default:
			// Still compiling (only possible for a module other than the
			// newest): leave it, and stop here rather than spin.
			return
		}
		r.lru.Remove(old)
		delete(r.cache, e.key)
		r.bytes -= int64(len(e.wasm))
		r.stats.Evictions++
		e.evicted = true
		if e.refs == 0 && e.compiled != nil {
			e.compiled.Close(context.WithoutCancel(ctx))
		}
	}
}

// release drops a reference; an evicted entry's compiled code is freed when
// its last user is done.
func (r *Runtime) release(ctx context.Context, e *entry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e.refs--
	if e.refs == 0 && e.evicted && e.compiled != nil && !r.closed {
		e.compiled.Close(context.WithoutCancel(ctx))
	}
}

// acquire returns m's compiled entry with a reference held, compiling it
// again if the cache dropped it.
func (r *Runtime) acquire(ctx context.Context, m *Module) (*entry, error) {
	m.mu.Lock()
	e := m.e
	m.mu.Unlock()
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, ErrClosed
	}
	if !e.evicted {
		e.refs++
		r.lru.MoveToFront(e.elem)
		r.mu.Unlock()
		return e, nil
	}
	r.mu.Unlock()
	ne, err := r.get(ctx, m.hash, func() ([]byte, moduleInfo, error) { return e.wasm, e.info, nil })
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.e = ne
	m.mu.Unlock()
	return ne, nil
}
