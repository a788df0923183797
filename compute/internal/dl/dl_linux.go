package dl

import "github.com/ebitengine/purego"

// NVIDIA's libraries on Linux, loaded at run time with purego (no cgo).
const (
	CUDALibrary = "libcuda.so.1"
	NVMLLibrary = "libnvidia-ml.so.1"
)

// Open loads a shared library by name through the dynamic linker's
// usual search.
func Open(name string) (uintptr, error) {
	return purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_LOCAL)
}

// Symbol returns the address of an exported function.
func Symbol(lib uintptr, name string) (uintptr, error) {
	return purego.Dlsym(lib, name)
}

// Close unloads a library Open loaded.
func Close(lib uintptr) error { return purego.Dlclose(lib) }

// NVMLMissing says why NVML could not be loaded, for CPU-only reasons.
const NVMLMissing = "libnvidia-ml.so.1 is not installed"
