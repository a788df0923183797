package dl

import (
	"os"
	"path/filepath"
	"syscall"
)

// NVIDIA's libraries on Windows: the driver installs both into System32.
const (
	CUDALibrary = "nvcuda.dll"
	NVMLLibrary = "nvml.dll"
)

// Open loads a DLL from System32 by its full path, never through
// the DLL search order, which would also look in the current directory and
// the binary's own (a DLL planted beside meadow-node.exe must not run).
func Open(name string) (uintptr, error) {
	root := os.Getenv("SystemRoot")
	if root == "" {
		root = `C:\Windows`
	}
	h, err := syscall.LoadLibrary(filepath.Join(root, "System32", name))
	return uintptr(h), err
}

// Symbol returns the address of an exported function.
func Symbol(lib uintptr, name string) (uintptr, error) {
	return syscall.GetProcAddress(syscall.Handle(lib), name)
}

// Close unloads a library Open loaded.
func Close(lib uintptr) error { return syscall.FreeLibrary(syscall.Handle(lib)) }

// NVMLMissing says why NVML could not be loaded, for CPU-only reasons.
const NVMLMissing = "nvml.dll is not installed in System32 (it comes with NVIDIA's driver)"
