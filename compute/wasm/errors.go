package wasm

import (
	"errors"
	"fmt"
)

// Sentinel errors for misuse of the package (bad arguments, a closed
// runtime). What a module does wrong is a *Failure instead.
var (
	// ErrBadLimits: a Limits field is out of range; the message names it.
	ErrBadLimits = errors.New("wasm: invalid limits")
	// ErrBadSchema: the declared output columns are malformed; the message
	// names the column and what was expected.
	ErrBadSchema = errors.New("wasm: invalid output columns")
	// ErrBadInput: the input column name is empty.
	ErrBadInput = errors.New("wasm: invalid input")
	// ErrClosed: the Runtime was closed.
	ErrClosed = errors.New("wasm: runtime closed")
)

// Kind classifies a Failure. Every kind but KindWallTime is deterministic:
// the same module, input and limits give the same kind on every machine, so
// replicas can agree on a failure as they agree on rows.
type Kind string

// The kinds of failure.
const (
	// KindFuelExhausted: the module used all its fuel.
	KindFuelExhausted Kind = "fuel_exhausted"
	// KindMemoryExceeded: the module asked for more linear memory than
	// Limits.MemoryPages (or its minimum is above it) and did not finish.
	KindMemoryExceeded Kind = "memory_exceeded"
	// KindOutputTooLarge: the module wrote more than Limits.MaxOutputBytes
	// to stdout.
	KindOutputTooLarge Kind = "output_too_large"
	// KindExitCode: the module exited with a code other than 0
	// (Failure.ExitCode).
	KindExitCode Kind = "exit_code"
	// KindBadOutput: the module exited 0 but its stdout does not match the
	// declared columns (Failure.Row and Failure.Field say where).
	KindBadOutput Kind = "bad_output"
	// KindTrap: the module trapped (unreachable, out-of-bounds access,
	// integer division by zero, call depth exceeded, ...).
	KindTrap Kind = "trap"
	// KindWallTime: the run outlived Limits.WallTime. This is the one
	// kind that depends on the machine: a safety net, never a verdict
	// about the module.
	KindWallTime Kind = "wall_time"
	// KindInvalidModule: the bytes are not a module the sandbox can run.
	KindInvalidModule Kind = "invalid_module"
	// KindForbiddenImport: the module imports something other than a
	// wasi_snapshot_preview1 function.
	KindForbiddenImport Kind = "forbidden_import"
)

// Deterministic reports whether every replica that runs the same module
// over the same input with the same limits reaches the same kind.
func (k Kind) Deterministic() bool { return k != KindWallTime }

// Failure is what a module did wrong: returned by Load (invalid_module,
// forbidden_import, memory_exceeded) and by Run. Kind, ExitCode, Row and
// Field are deterministic (but for KindWallTime); Message and Stderr are
// for people and may differ in wording between versions of the sandbox.
type Failure struct {
	// Kind classifies the failure.
	Kind Kind
	// Message says what happened, naming the import, row or field at fault.
	Message string
	// ExitCode is the module's exit code, for KindExitCode.
	ExitCode uint32
	// Row is the 0-based input row a KindBadOutput failure is about, or -1.
	Row int
	// Field is the output column a KindBadOutput failure is about, or "".
	Field string
	// Stderr is the start of what the module wrote to stderr (at most
	// Limits.MaxStderr bytes).
	Stderr string
}

// Error returns "wasm: KIND: MESSAGE".
func (f *Failure) Error() string {
	return fmt.Sprintf("wasm: %s: %s", f.Kind, f.Message)
}
