//go:build !linux && !windows

package dl

import (
	"errors"
	"runtime"
)

// NVIDIA ships neither its driver nor NVML for macOS (nor the other systems
// that reach this file), so there is nothing to load: the node is CPU-only
// and says why.
const (
	CUDALibrary = "the CUDA driver"
	NVMLLibrary = "NVML"
)

var errNoNVIDIALibraries = errors.New("no NVIDIA driver on " + runtime.GOOS)

// Open fails: there is nothing to load here.
func Open(string) (uintptr, error) { return 0, errNoNVIDIALibraries }

// Symbol fails: there is nothing to load here.
func Symbol(uintptr, string) (uintptr, error) { return 0, errNoNVIDIALibraries }

// Close does nothing.
func Close(uintptr) error { return nil }

// NVMLMissing says why NVML could not be loaded, for CPU-only reasons.
const NVMLMissing = "no NVML on this platform: NVIDIA ships no driver for " + runtime.GOOS
