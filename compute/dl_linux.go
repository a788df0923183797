package compute

import "github.com/ebitengine/purego"

// NVIDIA's libraries on Linux, loaded at run time with purego (no cgo).
const (
	cudaLibrary = "libcuda.so.1"
	nvmlLibrary = "libnvidia-ml.so.1"
)

// openLibrary loads a shared library by name through the dynamic linker's
// usual search.
func openLibrary(name string) (uintptr, error) {
	return purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_LOCAL)
}

// librarySymbol returns the address of an exported function.
func librarySymbol(lib uintptr, name string) (uintptr, error) {
	return purego.Dlsym(lib, name)
}

// closeLibrary unloads a library openLibrary loaded.
func closeLibrary(lib uintptr) error { return purego.Dlclose(lib) }

// nvmlMissing says why NVML could not be loaded, for CPU-only reasons.
const nvmlMissing = "libnvidia-ml.so.1 is not installed"
