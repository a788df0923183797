// Package wasm runs a buyer's WebAssembly module as a deterministic, metered
// compute kernel, in wazero.
//
// A module is a WASI preview 1 command (what GOOS=wasip1 GOARCH=wasm go
// build makes; Rust or C for wasm32-wasip1 too). It reads the task's rows
// on stdin as JSON Lines and writes one JSON object per row on stdout with
// the output columns the job declares (docs/wasm.md is the module author's
// guide). New starts a Runtime; Load validates a module, instruments it with
// a fuel meter and compiles it (cached by SHA-256); Module.Run runs it over
// one task's texts within Limits and returns the parsed rows or a *Failure.
//
// What the sandbox guarantees:
//
//   - Determinism: the same module, input and Limits give the same rows,
//     the same FuelUsed and the same failure Kind on every machine and
//     engine (compiler or interpreter, amd64 or arm64), except a
//     KindWallTime failure. The module sees no file system, no network, no
//     environment variables, fixed arguments (["kernel"]), a virtual clock that
//     starts at Epoch and moves only when the module sleeps, and a fixed
//     random stream (RandomSeed). Threads, SIMD and other proposals are
//     off (Features). NaNs are made canonical wherever their bits could be
//     observed (stores, reinterpretations, copysign), so NaN payloads that
//     differ between x86 and ARM never reach memory or integers; -0 in a
//     float64 output becomes 0.
//   - Metering: fuel used is the number of the module's own WebAssembly
//     instructions executed (block, loop, end and nop excepted), charged a
//     straight-line segment at a time (DESIGN.md), plus 1 per 64 bytes that
//     bulk memory operations touch; running out traps at the same
//     instruction everywhere.
//   - Bounds: memory (Limits.MemoryPages), stdout (MaxOutputBytes), stderr
//     kept (MaxStderr), nested calls (CallDepth), tables (2^20 elements),
//     locals (50,000 per function), module size (32 MiB by default), and
//     wall time as a safety net. A module cannot crash or stall the node
//     past these: its traps, exits and panics end only its own run, and it
//     calls back into Go at least every fuel slice (about a millisecond),
//     so Go's garbage collector and scheduler are never held up longer.
//     Close stops runs in progress and waits for them.
//   - Only wasi_snapshot_preview1 functions may be imported; anything else
//     is refused at Load, naming the import.
//
// What it does not guarantee:
//
//   - Compiling is bounded only by the module's size: wazero cannot be
//     interrupted while it compiles, so a large, pathological module costs
//     the node compile time (once per module, thanks to the cache).
//   - Host work is not metered: WASI calls (reading stdin, writing stdout)
//     cost their instruction only, and memory.grow is bounded by the memory
//     cap rather than charged.
//   - The call-depth limit is deterministic as long as each frame fits in
//     the engine's stack budget (400 MB over MaxCallDepth frames, about
//     260 KiB a frame); a module with larger frames could hit the engine's
//     own limit first: still a trap, but the fuel used at that point could
//     differ between machines.
//   - Output types beyond the dataset package's own (float64, bool,
//     list<string>, list<int64>) are returned as Go values; storing them
//     in a dataset needs matching dataset column types.
package wasm
