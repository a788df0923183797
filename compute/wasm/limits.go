package wasm

import (
	"fmt"
	"math"
	"time"
)

// PageSize is the size of a WebAssembly memory page: 64 KiB.
const PageSize = 65536

// MaxCallDepth is the largest Limits.CallDepth. wazero's interpreter, the
// fallback on machines without its compiler, fails at 2000 nested frames,
// and the metered depth limit must be hit first on every engine so that
// where a deep recursion stops does not depend on the machine.
const MaxCallDepth = 1500

// Limits bound one run of a module. They are part of a task's definition:
// every replica must run with the same Limits to get the same result.
type Limits struct {
	// MemoryPages caps the module's linear memory, in 64 KiB pages. A
	// memory.grow past it fails (returns -1); a module that then fails
	// records KindMemoryExceeded.
	MemoryPages uint32
	// Fuel caps the work, in fuel units (DESIGN.md: about one unit per
	// WebAssembly instruction). Running out is KindFuelExhausted.
	Fuel uint64
	// MaxOutputBytes caps what the module writes to stdout. Past it the
	// write fails and the run records KindOutputTooLarge.
	MaxOutputBytes int64
	// WallTime caps the run's real time, as a safety net against a slow
	// machine or an engine bug; it is KindWallTime, which replicas do not
	// compare.
	WallTime time.Duration
	// MaxStderr is how much of stderr is kept for Failure.Stderr; the rest
	// is discarded (writing it does not fail).
	MaxStderr int
	// CallDepth caps nested calls (frames) in the module, at most
	// MaxCallDepth. Past it the module traps (KindTrap).
	CallDepth uint32
}

// DefaultLimits returns the limits a task gets unless its job sets others:
// 256 MiB of memory, 20 billion fuel, 64 MiB of output, 2 minutes, 4 KiB of
// stderr and 1000 nested calls.
func DefaultLimits() Limits {
	return Limits{
		MemoryPages:    4096,
		Fuel:           20_000_000_000,
		MaxOutputBytes: 64 << 20,
		WallTime:       2 * time.Minute,
		MaxStderr:      4096,
		CallDepth:      1000,
	}
}

// Validate checks each field against its range; memCeiling is the Runtime's
// memory ceiling in pages (WithMemoryCeiling). Errors wrap ErrBadLimits and
// name the field, the value and the range.
func (l Limits) Validate(memCeiling uint32) error {
	switch {
	case l.MemoryPages < 1 || l.MemoryPages > memCeiling:
		return fmt.Errorf("%w: MemoryPages %d: expected 1 to %d (the runtime's ceiling)", ErrBadLimits, l.MemoryPages, memCeiling)
	case l.Fuel < 1 || l.Fuel > math.MaxInt64:
		return fmt.Errorf("%w: Fuel %d: expected 1 to %d", ErrBadLimits, l.Fuel, int64(math.MaxInt64))
	case l.MaxOutputBytes < 1 || l.MaxOutputBytes > 1<<31:
		return fmt.Errorf("%w: MaxOutputBytes %d: expected 1 to %d", ErrBadLimits, l.MaxOutputBytes, 1<<31)
	case l.WallTime <= 0:
		return fmt.Errorf("%w: WallTime %s: expected a positive duration", ErrBadLimits, l.WallTime)
	case l.MaxStderr < 0 || l.MaxStderr > 1<<20:
		return fmt.Errorf("%w: MaxStderr %d: expected 0 to %d", ErrBadLimits, l.MaxStderr, 1<<20)
	case l.CallDepth < 1 || l.CallDepth > MaxCallDepth:
		return fmt.Errorf("%w: CallDepth %d: expected 1 to %d", ErrBadLimits, l.CallDepth, MaxCallDepth)
	}
	return nil
}
