// Package compute runs deterministic kernels over dataset shards: device
// discovery through NVML, and for each kernel a CPU reference in Go and a CUDA
// implementation (precompiled PTX loaded through the CUDA driver at run time)
// that gives bit-identical output.
//
// New builds a Kernel from a job's api.ComputeSpec (minhash, embed, tokens,
// quality, pii, language); RunShard runs it over one shard and lays out rows of
// dataset.ComputeSchema; Cluster groups a minhash dataset into near-duplicate
// clusters. Discover and OpenNVML describe the machine's GPUs, OpenGPU opens
// one for the kernels (WithGPU), and IdleGate keeps GPU work to the times the
// user is not using the GPU (WithIdleGate). DESIGN.md defines every kernel
// exactly.
package compute
