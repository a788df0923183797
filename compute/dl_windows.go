package compute

import (
	"os"
	"path/filepath"
	"syscall"
)

// NVIDIA's libraries on Windows: the driver installs both into System32.
const (
	cudaLibrary = "nvcuda.dll"
	nvmlLibrary = "nvml.dll"
)

// openLibrary loads a DLL from System32 by its full path, never through
// the DLL search order, which would also look in the current directory and
// the binary's own (a DLL planted beside meadow-node.exe must not run).
func openLibrary(name string) (uintptr, error) {
	root := os.Getenv("SystemRoot")
	if root == "" {
		root = `C:\Windows`
	}
	h, err := syscall.LoadLibrary(filepath.Join(root, "System32", name))
	return uintptr(h), err
}

// librarySymbol returns the address of an exported function.
func librarySymbol(lib uintptr, name string) (uintptr, error) {
	return syscall.GetProcAddress(syscall.Handle(lib), name)
}

// closeLibrary unloads a library openLibrary loaded.
func closeLibrary(lib uintptr) error { return syscall.FreeLibrary(syscall.Handle(lib)) }

// nvmlMissing says why NVML could not be loaded, for CPU-only reasons.
const nvmlMissing = "nvml.dll is not installed in System32 (it comes with NVIDIA's driver)"
