package node

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/compute/wasm"
)

// Buyers' WebAssembly modules run in one sandbox per node (compute/wasm),
// started on the first wasm task, so that a node that never runs one pays
// nothing for it. Compiled modules are cached by hash, bounded by the
// sandbox's cache. The user opts out with the no_wasm cap.

// wasmState is the node's sandbox and what it runs now, for the dashboard.
type wasmState struct {
	mu      sync.Mutex
	rt      *wasm.Runtime
	running map[string]int // module hash → tasks running it
}

// runtime returns the sandbox, starting it on first use.
func (w *wasmState) runtime(ctx context.Context) (*wasm.Runtime, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.rt != nil {
		return w.rt, nil
	}
	rt, err := wasm.New(context.WithoutCancel(ctx))
	if err != nil {
		return nil, fmt.Errorf("node: wasm sandbox: %w", err)
	}
	w.rt = rt
	return rt, nil
}

// cacheStats reads the sandbox's cache counters: zero before it started.
// The sandbox's lock is taken after w.mu is let go: a dashboard read does
// not hold both while a task is loading its module.
func (w *wasmState) cacheStats() WasmCache {
	w.mu.Lock()
	rt := w.rt
	w.mu.Unlock()
	if rt == nil {
		return WasmCache{}
	}
	s := rt.CacheStats()
	return WasmCache{Hits: s.Hits, Misses: s.Misses, Evictions: s.Evictions, Entries: s.Entries, Bytes: s.Bytes}
}

// close stops the sandbox, if it started.
func (w *wasmState) close(ctx context.Context) {
	w.mu.Lock()
	rt := w.rt
	w.rt = nil
	w.mu.Unlock()
	if rt != nil {
		_ = rt.Close(ctx)
	}
}

// begin notes that a task runs module h until the returned func is called.
func (w *wasmState) begin(h string) func() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running == nil {
		w.running = map[string]int{}
	}
	w.running[h]++
	return func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.running[h]--; w.running[h] <= 0 {
			delete(w.running, h)
		}
	}
}

// modules lists the modules running now, sorted.
func (w *wasmState) modules() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for h := range w.running {
		out = append(out, h)
	}
	slices.Sort(out)
	return out
}

// kernels are the kernels this node offers to run: every built-in one, and
// wasm unless the user turned buyers' modules off.
func (n *Node) kernels() []string {
	ks := compute.Kernels()
	if !n.meter.Limits().NoWasm {
		ks = append(ks, api.KernelWasm)
	}
	return ks
}

// wasmKernel prepares a wasm task's kernel: the module fetched like an
// input blob (checked against its SHA-256) and loaded into the sandbox.
// The returned func ends the task's entry on the dashboard.
func (n *Node) wasmKernel(ctx context.Context, taskID string, t *api.ComputeTask) (compute.Kernel, func(), error) {
	if t.Wasm == nil {
		return nil, nil, fmt.Errorf("node: task %s: wasm task without its wasm parameters", taskID)
	}
	if n.meter.Limits().NoWasm {
		return nil, nil, fmt.Errorf("node: task %s: runs a buyer's WebAssembly module, which this node's no_wasm cap turns off", taskID)
	}
	path, err := n.fetchBlob(ctx, taskID, t.Wasm.Module)
	if err != nil {
		return nil, nil, fmt.Errorf("node: task %s: wasm module: %w", taskID, err)
	}
	b, err := os.ReadFile(path)
	os.Remove(path)
	if err != nil {
		return nil, nil, err
	}
	rt, err := n.wasm.runtime(ctx)
	if err != nil {
		return nil, nil, err
	}
	misses := rt.CacheStats().Misses
	k, err := compute.NewWasm(ctx, rt, b, *t.Wasm, t.Column)
	if err != nil {
		return nil, nil, fmt.Errorf("node: task %s: %w", taskID, err)
	}
	if rt.CacheStats().Misses != misses {
		// Compiling a module takes about 30 times its size of heap for
		// a moment (~95 MB for a 3 MB Go module), which Go would keep
		// mapped for minutes; a home node hands it back at once
		// (docs/BENCHMARKS.md, "Resident memory of a node").
		debug.FreeOSMemory()
	}
	h := strings.ToLower(t.Wasm.Module.String())
	n.log.Info("running a buyer's WebAssembly module", "task", taskID, "module", h)
	end := n.wasm.begin(h)
	return k, func() {
		end()
		if len(n.wasm.modules()) == 0 {
			// A module's linear memory (tens of MB for a Go module) is
			// garbage once its runs end; hand it back now rather than
			// when Go's scavenger gets to it, minutes later.
			debug.FreeOSMemory()
		}
	}, nil
}
