// Package compute runs deterministic kernels over dataset shards: device
// discovery through NVML, and for each kernel a CPU reference in Go and a CUDA
// implementation (precompiled PTX loaded through the CUDA driver at run time)
// that gives bit-identical output.
package compute
