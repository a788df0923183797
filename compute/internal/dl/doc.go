// Package dl loads NVIDIA's shared libraries (the CUDA driver and NVML) at
// run time, per platform, so that no build of Meadow needs cgo: purego's
// dlopen on Linux, LoadLibrary from System32 on Windows, and on macOS and
// other systems an error saying there is no NVIDIA driver to load. It is
// its own package, with nothing but the standard library and purego below
// it, so that the release test can cross-compile it for every target
// cheaply.
package dl
