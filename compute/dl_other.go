//go:build !linux && !windows

package compute

import (
	"errors"
	"runtime"
)

// NVIDIA ships neither its driver nor NVML for macOS (nor the other systems
// that reach this file), so there is nothing to load: the node is CPU-only
// and says why.
const (
	cudaLibrary = "the CUDA driver"
	nvmlLibrary = "NVML"
)

var errNoNVIDIALibraries = errors.New("no NVIDIA driver on " + runtime.GOOS)

func openLibrary(string) (uintptr, error)            { return 0, errNoNVIDIALibraries }
func librarySymbol(uintptr, string) (uintptr, error) { return 0, errNoNVIDIALibraries }
func closeLibrary(uintptr) error                     { return nil }

// nvmlMissing says why NVML could not be loaded, for CPU-only reasons.
const nvmlMissing = "no NVML on this platform: NVIDIA ships no driver for " + runtime.GOOS
