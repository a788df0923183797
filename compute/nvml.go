package compute

import (
	"fmt"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"

	"github.com/meadow-net/meadow/compute/internal/dl"
)

// NVML, loaded at run time. NVIDIA's management library is opened with
// purego like the CUDA driver (cuda.go), so no build needs cgo or NVIDIA's
// headers, and a machine without the library runs CPU-only. Only the calls
// devices.go makes are bound; their C signatures are in NVIDIA's nvml.h
// (the _v2 entry points are the current ABI of the names without suffix).

// nvmlReturn is NVML's nvmlReturn_t.
type nvmlReturn int32

// The nvmlReturn_t values Meadow tells apart or names.
const (
	nvmlSuccess                 nvmlReturn = 0
	nvmlErrorUninitialized      nvmlReturn = 1
	nvmlErrorInvalidArgument    nvmlReturn = 2
	nvmlErrorNotSupported       nvmlReturn = 3
	nvmlErrorNoPermission       nvmlReturn = 4
	nvmlErrorAlreadyInitialized nvmlReturn = 5
	nvmlErrorNotFound           nvmlReturn = 6
	nvmlErrorInsufficientSize   nvmlReturn = 7
	nvmlErrorDriverNotLoaded    nvmlReturn = 9
	nvmlErrorTimeout            nvmlReturn = 10
	nvmlErrorLibraryNotFound    nvmlReturn = 12
	nvmlErrorFunctionNotFound   nvmlReturn = 13
	nvmlErrorGPUIsLost          nvmlReturn = 15
	nvmlErrorUnknown            nvmlReturn = 999
)

var nvmlReturnNames = map[nvmlReturn]string{
	nvmlSuccess:                 "SUCCESS",
	nvmlErrorUninitialized:      "ERROR_UNINITIALIZED",
	nvmlErrorInvalidArgument:    "ERROR_INVALID_ARGUMENT",
	nvmlErrorNotSupported:       "ERROR_NOT_SUPPORTED",
	nvmlErrorNoPermission:       "ERROR_NO_PERMISSION",
	nvmlErrorAlreadyInitialized: "ERROR_ALREADY_INITIALIZED",
	nvmlErrorNotFound:           "ERROR_NOT_FOUND",
	nvmlErrorInsufficientSize:   "ERROR_INSUFFICIENT_SIZE",
	nvmlErrorDriverNotLoaded:    "ERROR_DRIVER_NOT_LOADED",
	nvmlErrorTimeout:            "ERROR_TIMEOUT",
	nvmlErrorLibraryNotFound:    "ERROR_LIBRARY_NOT_FOUND",
	nvmlErrorFunctionNotFound:   "ERROR_FUNCTION_NOT_FOUND",
	nvmlErrorGPUIsLost:          "ERROR_GPU_IS_LOST",
	nvmlErrorUnknown:            "ERROR_UNKNOWN",
}

// String names r as nvml.h does, without the NVML_ prefix.
func (r nvmlReturn) String() string {
	if s, ok := nvmlReturnNames[r]; ok {
		return s
	}
	return "ERROR"
}

// Buffer sizes from nvml.h (the _V2 ones, which fit every current device).
const (
	nvmlDriverVersionSize = 80
	nvmlDeviceNameSize    = 96
	nvmlDeviceUUIDSize    = 96
)

// nvmlDevice is an nvmlDevice_t, an opaque pointer owned by the library.
type nvmlDevice uintptr

// nvmlMemory is nvmlMemory_t.
type nvmlMemory struct {
	Total, Free, Used uint64
}

// nvmlUtilization is nvmlUtilization_t: percentages over the last sample
// period.
type nvmlUtilization struct {
	GPU, Memory uint32
}

// nvmlProcessSample is nvmlProcessUtilizationSample_t. Its layout is C's
// on every 64-bit target: 4 bytes of pid, 4 of padding, then the timestamp.
type nvmlProcessSample struct {
	Pid       uint32
	_         uint32
	TimeStamp uint64 // microseconds
	SmUtil    uint32
	MemUtil   uint32
	EncUtil   uint32
	DecUtil   uint32
}

// nvmlAPI is the part of NVML devices.go calls. The real one is nvmlDL;
// tests give a fake.
type nvmlAPI interface {
	Init() nvmlReturn
	Shutdown() nvmlReturn
	SystemGetDriverVersion() (string, nvmlReturn)
	DeviceGetCount() (int, nvmlReturn)
	DeviceGetHandleByIndex(i int) (nvmlDevice, nvmlReturn)
	DeviceGetName(d nvmlDevice) (string, nvmlReturn)
	DeviceGetMemoryInfo(d nvmlDevice) (nvmlMemory, nvmlReturn)
	DeviceGetCudaComputeCapability(d nvmlDevice) (major, minor int, ret nvmlReturn)
	DeviceGetUUID(d nvmlDevice) (string, nvmlReturn)
	DeviceGetUtilizationRates(d nvmlDevice) (nvmlUtilization, nvmlReturn)
	DeviceGetProcessUtilization(d nvmlDevice, lastSeen uint64) ([]nvmlProcessSample, nvmlReturn)
}

// nvmlDL is NVML loaded from dl.NVMLLibrary. Init loads it; a missing library
// or entry point is reported as NVML itself would (ERROR_LIBRARY_NOT_FOUND,
// ERROR_FUNCTION_NOT_FOUND), and loadErr keeps the loader's words.
type nvmlDL struct {
	mu      sync.Mutex
	lib     uintptr
	loadErr error

	nvmlInit                           func() nvmlReturn
	nvmlShutdown                       func() nvmlReturn
	nvmlSystemGetDriverVersion         func(buf *byte, n uint32) nvmlReturn
	nvmlDeviceGetCount                 func(n *uint32) nvmlReturn
	nvmlDeviceGetHandleByIndex         func(i uint32, d *nvmlDevice) nvmlReturn
	nvmlDeviceGetName                  func(d nvmlDevice, buf *byte, n uint32) nvmlReturn
	nvmlDeviceGetMemoryInfo            func(d nvmlDevice, m *nvmlMemory) nvmlReturn
	nvmlDeviceGetCudaComputeCapability func(d nvmlDevice, major, minor *int32) nvmlReturn
	nvmlDeviceGetUUID                  func(d nvmlDevice, buf *byte, n uint32) nvmlReturn
	nvmlDeviceGetUtilizationRates      func(d nvmlDevice, u *nvmlUtilization) nvmlReturn
	nvmlDeviceGetProcessUtilization    func(d nvmlDevice, s *nvmlProcessSample, n *uint32, lastSeen uint64) nvmlReturn
}

func (l *nvmlDL) load() nvmlReturn {
	lib, err := dl.Open(dl.NVMLLibrary)
	if err != nil {
		l.loadErr = err
		return nvmlErrorLibraryNotFound
	}
	syms := []struct {
		fn   any
		name string
	}{
		{&l.nvmlInit, "nvmlInit_v2"},
		{&l.nvmlShutdown, "nvmlShutdown"},
		{&l.nvmlSystemGetDriverVersion, "nvmlSystemGetDriverVersion"},
		{&l.nvmlDeviceGetCount, "nvmlDeviceGetCount_v2"},
		{&l.nvmlDeviceGetHandleByIndex, "nvmlDeviceGetHandleByIndex_v2"},
		{&l.nvmlDeviceGetName, "nvmlDeviceGetName"},
		{&l.nvmlDeviceGetMemoryInfo, "nvmlDeviceGetMemoryInfo"},
		{&l.nvmlDeviceGetCudaComputeCapability, "nvmlDeviceGetCudaComputeCapability"},
		{&l.nvmlDeviceGetUUID, "nvmlDeviceGetUUID"},
		{&l.nvmlDeviceGetUtilizationRates, "nvmlDeviceGetUtilizationRates"},
		{&l.nvmlDeviceGetProcessUtilization, "nvmlDeviceGetProcessUtilization"},
	}
	for _, s := range syms {
		sym, err := dl.Symbol(lib, s.name)
		if err != nil {
			_ = dl.Close(lib)
			l.loadErr = fmt.Errorf("%s lacks %s (driver too old?)", dl.NVMLLibrary, s.name)
			return nvmlErrorFunctionNotFound
		}
		purego.RegisterFunc(s.fn, sym)
	}
	l.lib = lib
	return nvmlSuccess
}

func (l *nvmlDL) Init() nvmlReturn {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lib == 0 {
		if ret := l.load(); ret != nvmlSuccess {
			return ret
		}
	}
	return l.nvmlInit()
}

// Shutdown shuts NVML down; the library stays loaded (NVML counts its
// initializations, and unloading under another user of it is unsafe).
func (l *nvmlDL) Shutdown() nvmlReturn {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lib == 0 {
		return nvmlErrorUninitialized
	}
	return l.nvmlShutdown()
}

// cBuffer returns the NUL-terminated string at the start of b.
func cBuffer(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

func (l *nvmlDL) SystemGetDriverVersion() (string, nvmlReturn) {
	var buf [nvmlDriverVersionSize]byte
	ret := l.nvmlSystemGetDriverVersion(&buf[0], uint32(len(buf)))
	return cBuffer(buf[:]), ret
}

func (l *nvmlDL) DeviceGetCount() (int, nvmlReturn) {
	var n uint32
	ret := l.nvmlDeviceGetCount(&n)
	return int(n), ret
}

func (l *nvmlDL) DeviceGetHandleByIndex(i int) (nvmlDevice, nvmlReturn) {
	var d nvmlDevice
	ret := l.nvmlDeviceGetHandleByIndex(uint32(i), &d)
	return d, ret
}

func (l *nvmlDL) DeviceGetName(d nvmlDevice) (string, nvmlReturn) {
	var buf [nvmlDeviceNameSize]byte
	ret := l.nvmlDeviceGetName(d, &buf[0], uint32(len(buf)))
	return cBuffer(buf[:]), ret
}

func (l *nvmlDL) DeviceGetMemoryInfo(d nvmlDevice) (nvmlMemory, nvmlReturn) {
	var m nvmlMemory
	ret := l.nvmlDeviceGetMemoryInfo(d, &m)
	return m, ret
}

func (l *nvmlDL) DeviceGetCudaComputeCapability(d nvmlDevice) (int, int, nvmlReturn) {
	var major, minor int32
	ret := l.nvmlDeviceGetCudaComputeCapability(d, &major, &minor)
	return int(major), int(minor), ret
}

func (l *nvmlDL) DeviceGetUUID(d nvmlDevice) (string, nvmlReturn) {
	var buf [nvmlDeviceUUIDSize]byte
	ret := l.nvmlDeviceGetUUID(d, &buf[0], uint32(len(buf)))
	return cBuffer(buf[:]), ret
}

func (l *nvmlDL) DeviceGetUtilizationRates(d nvmlDevice) (nvmlUtilization, nvmlReturn) {
	var u nvmlUtilization
	ret := l.nvmlDeviceGetUtilizationRates(d, &u)
	return u, ret
}

// DeviceGetProcessUtilization asks for the sample count first (NVML answers
// ERROR_INSUFFICIENT_SIZE with the count), then reads that many; samples
// that arrive in between make the second call short of room, and it is
// tried again with the new count a few times.
func (l *nvmlDL) DeviceGetProcessUtilization(d nvmlDevice, lastSeen uint64) ([]nvmlProcessSample, nvmlReturn) {
	var n uint32
	ret := l.nvmlDeviceGetProcessUtilization(d, nil, &n, lastSeen)
	for try := 0; try < 3 && ret == nvmlErrorInsufficientSize && n > 0; try++ {
		samples := make([]nvmlProcessSample, n)
		ret = l.nvmlDeviceGetProcessUtilization(d, &samples[0], &n, lastSeen)
		if ret == nvmlSuccess {
			return samples[:min(int(n), len(samples))], nvmlSuccess
		}
	}
	if ret == nvmlSuccess || ret == nvmlErrorInsufficientSize {
		return nil, nvmlSuccess // no samples since lastSeen
	}
	return nil, ret
}

// The struct layouts above must be C's; a wrong size would have NVML write
// past them.
var (
	_ [32 - unsafe.Sizeof(nvmlProcessSample{})]byte
	_ [unsafe.Sizeof(nvmlProcessSample{}) - 32]byte
	_ [unsafe.Sizeof(nvmlMemory{}) - 24]byte
	_ [24 - unsafe.Sizeof(nvmlMemory{})]byte
	_ [unsafe.Sizeof(nvmlUtilization{}) - 8]byte
	_ [8 - unsafe.Sizeof(nvmlUtilization{})]byte
)
