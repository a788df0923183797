package compute

import "errors"

// Sentinel errors. Each error the package returns wraps one of these, so
// callers can test with errors.Is; the wrapping message names the field, the
// value and what was expected.
var (
	// ErrUnknownKernel: a compute spec names a kernel this package lacks.
	ErrUnknownKernel = errors.New("compute: unknown kernel")
	// ErrBadParams: a kernel parameter is out of range.
	ErrBadParams = errors.New("compute: invalid kernel parameters")
	// ErrUnknownModel: an embedding spec names a model the network does not ship.
	ErrUnknownModel = errors.New("compute: unknown model")
	// ErrBadModel: a model file is malformed (safetensors framing, header
	// JSON, offsets, dtypes) or its tensors do not fit the architecture.
	ErrBadModel = errors.New("compute: invalid model file")
	// ErrBadInput: the rows handed to a kernel do not fit it (wrong column,
	// wrong type, missing source hashes).
	ErrBadInput = errors.New("compute: invalid input")
	// ErrNoNVML: NVIDIA's management library is not installed; the node
	// works CPU-only.
	ErrNoNVML = errors.New("compute: NVIDIA management library (NVML) not found")
	// ErrNoCUDADriver: libcuda.so.1 could not be loaded; kernels run on the CPU.
	ErrNoCUDADriver = errors.New("compute: no CUDA driver")
	// ErrNoGPU: the CUDA driver is there but sees no usable device.
	ErrNoGPU = errors.New("compute: no GPU")
	// ErrCUDA: a CUDA driver call failed; the message carries its name and code.
	ErrCUDA = errors.New("compute: CUDA error")
	// ErrGateConfig: an idle-gate setting is out of range.
	ErrGateConfig = errors.New("compute: invalid idle gate config")
)
