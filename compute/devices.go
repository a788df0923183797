package compute

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/meadow-net/meadow/compute/internal/dl"
)

// GPUInfo describes one GPU as NVML reports it.
type GPUInfo struct {
	Index             int    `json:"index"`
	Model             string `json:"model"`
	UUID              string `json:"uuid,omitempty"`
	MemoryMiB         uint64 `json:"memory_mib"`
	ComputeCapability string `json:"compute_capability"` // "major.minor", e.g. "9.0"
	Utilization       int    `json:"utilization"`        // percent, at discovery
}

// Devices is what a node can compute on.
type Devices struct {
	CPUs          int       `json:"cpus"`
	GPUs          []GPUInfo `json:"gpus,omitempty"`
	DriverVersion string    `json:"driver_version,omitempty"`
	// CPUOnly is true when no GPU can be used; Reason says why.
	CPUOnly bool   `json:"cpu_only"`
	Reason  string `json:"reason,omitempty"`
}

// String summarizes the devices for logs and the dashboard.
func (d Devices) String() string {
	if d.CPUOnly {
		return fmt.Sprintf("CPU only (%d cores): %s", d.CPUs, d.Reason)
	}
	parts := make([]string, len(d.GPUs))
	for i, g := range d.GPUs {
		parts[i] = fmt.Sprintf("GPU %d: %s, %d MiB, compute %s", g.Index, g.Model, g.MemoryMiB, g.ComputeCapability)
	}
	return fmt.Sprintf("%d CPU cores; driver %s; %s", d.CPUs, d.DriverVersion, strings.Join(parts, "; "))
}

// GPUCapability is one GPU as a node registers it.
type GPUCapability struct {
	Model     string `json:"model"`
	MemoryMiB uint64 `json:"memory_mib"`
}

// Capabilities is what a node tells the coordinators it can run; it matches
// the capability fields of api's registration request.
type Capabilities struct {
	CPUs    int             `json:"cpus"`
	GPUs    []GPUCapability `json:"gpus"`
	Kernels []string        `json:"kernels"`
}

// Capabilities returns the registration view of d.
func (d Devices) Capabilities() Capabilities {
	c := Capabilities{CPUs: d.CPUs, GPUs: []GPUCapability{}, Kernels: Kernels()}
	for _, g := range d.GPUs {
		c.GPUs = append(c.GPUs, GPUCapability{Model: g.Model, MemoryMiB: g.MemoryMiB})
	}
	return c
}

// NVML is an open handle on NVIDIA's management library. Its methods are
// safe for concurrent use.
type NVML struct {
	lib nvmlAPI
	pid uint32

	mu       sync.Mutex
	lastSeen map[int]uint64 // per device: timestamp of the newest process sample read
}

// OpenNVML loads NVIDIA's management library (nvml.go: at run time, with
// no cgo) and initializes it. Without the library, and on systems NVIDIA
// ships none for (macOS), the error wraps ErrNoNVML.
func OpenNVML() (*NVML, error) {
	lib := &nvmlDL{}
	n, err := openNVML(lib)
	if err != nil && lib.loadErr != nil && !errors.Is(err, ErrNoNVML) {
		err = fmt.Errorf("%w: %v", err, lib.loadErr)
	}
	return n, err
}

func openNVML(lib nvmlAPI) (*NVML, error) {
	switch ret := lib.Init(); ret {
	case nvmlSuccess:
	case nvmlErrorLibraryNotFound:
		return nil, fmt.Errorf("%w (%s)", ErrNoNVML, dl.NVMLMissing)
	case nvmlErrorDriverNotLoaded:
		return nil, fmt.Errorf("%w: NVML is installed but NVIDIA's kernel driver is not loaded", ErrNoGPU)
	default:
		return nil, fmt.Errorf("%w: nvmlInit: %s", ErrNoGPU, nvmlError(ret))
	}
	return &NVML{lib: lib, pid: uint32(os.Getpid()), lastSeen: map[int]uint64{}}, nil
}

func nvmlError(ret nvmlReturn) string {
	return fmt.Sprintf("%s (%d)", ret, int32(ret))
}

// Close shuts NVML down.
func (n *NVML) Close() error {
	if ret := n.lib.Shutdown(); ret != nvmlSuccess {
		return fmt.Errorf("compute: nvmlShutdown: %s", nvmlError(ret))
	}
	return nil
}

// DriverVersion returns the NVIDIA driver's version string.
func (n *NVML) DriverVersion() (string, error) {
	v, ret := n.lib.SystemGetDriverVersion()
	if ret != nvmlSuccess {
		return "", fmt.Errorf("compute: nvmlSystemGetDriverVersion: %s", nvmlError(ret))
	}
	return v, nil
}

// GPUs lists the devices NVML sees.
func (n *NVML) GPUs() ([]GPUInfo, error) {
	count, ret := n.lib.DeviceGetCount()
	if ret != nvmlSuccess {
		return nil, fmt.Errorf("compute: nvmlDeviceGetCount: %s", nvmlError(ret))
	}
	gpus := make([]GPUInfo, 0, count)
	for i := 0; i < count; i++ {
		dev, ret := n.lib.DeviceGetHandleByIndex(i)
		if ret != nvmlSuccess {
			return nil, fmt.Errorf("compute: GPU %d: nvmlDeviceGetHandleByIndex: %s", i, nvmlError(ret))
		}
		g := GPUInfo{Index: i}
		if g.Model, ret = n.lib.DeviceGetName(dev); ret != nvmlSuccess {
			return nil, fmt.Errorf("compute: GPU %d: nvmlDeviceGetName: %s", i, nvmlError(ret))
		}
		mem, ret := n.lib.DeviceGetMemoryInfo(dev)
		if ret != nvmlSuccess {
			return nil, fmt.Errorf("compute: GPU %d: nvmlDeviceGetMemoryInfo: %s", i, nvmlError(ret))
		}
		g.MemoryMiB = mem.Total >> 20
		major, minor, ret := n.lib.DeviceGetCudaComputeCapability(dev)
		if ret != nvmlSuccess {
			return nil, fmt.Errorf("compute: GPU %d: nvmlDeviceGetCudaComputeCapability: %s", i, nvmlError(ret))
		}
		g.ComputeCapability = fmt.Sprintf("%d.%d", major, minor)
		if uuid, ret := n.lib.DeviceGetUUID(dev); ret == nvmlSuccess {
			g.UUID = uuid
		}
		if u, ret := n.lib.DeviceGetUtilizationRates(dev); ret == nvmlSuccess {
			g.Utilization = int(u.GPU)
		}
		gpus = append(gpus, g)
	}
	return gpus, nil
}

// Utilization returns the highest GPU utilization, in percent, over all
// devices, not counting this process's own kernels: the idle gate must not
// mistake Meadow's work for the user's. Where the driver cannot attribute
// utilization to processes the whole device's figure is used.
func (n *NVML) Utilization() (int, error) {
	count, ret := n.lib.DeviceGetCount()
	if ret != nvmlSuccess {
		return 0, fmt.Errorf("compute: nvmlDeviceGetCount: %s", nvmlError(ret))
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	busiest := 0
	for i := 0; i < count; i++ {
		dev, ret := n.lib.DeviceGetHandleByIndex(i)
		if ret != nvmlSuccess {
			return 0, fmt.Errorf("compute: GPU %d: nvmlDeviceGetHandleByIndex: %s", i, nvmlError(ret))
		}
		u, ret := n.lib.DeviceGetUtilizationRates(dev)
		if ret != nvmlSuccess {
			return 0, fmt.Errorf("compute: GPU %d: nvmlDeviceGetUtilizationRates: %s", i, nvmlError(ret))
		}
		total := int(u.GPU)
		own := 0
		samples, ret := n.lib.DeviceGetProcessUtilization(dev, n.lastSeen[i])
		if ret == nvmlSuccess {
			for _, s := range samples {
				if s.TimeStamp > n.lastSeen[i] {
					n.lastSeen[i] = s.TimeStamp
				}
				if s.Pid == n.pid {
					own = max(own, int(s.SmUtil))
				}
			}
		}
		busiest = max(busiest, max(total-own, 0))
	}
	return busiest, nil
}

// Discover finds the node's devices. It never fails: a machine without
// NVIDIA's library, driver or a GPU is CPU-only, and Reason says which.
func Discover() Devices {
	return discover(OpenNVML)
}

func discover(open func() (*NVML, error)) Devices {
	d := Devices{CPUs: runtime.NumCPU()}
	n, err := open()
	if err != nil {
		d.CPUOnly, d.Reason = true, cpuOnlyReason(err)
		return d
	}
	defer n.Close()
	if v, err := n.DriverVersion(); err == nil {
		d.DriverVersion = v
	}
	gpus, err := n.GPUs()
	switch {
	case err != nil:
		d.CPUOnly, d.Reason = true, err.Error()
	case len(gpus) == 0:
		d.CPUOnly, d.Reason = true, "NVML found no GPU"
	default:
		d.GPUs = gpus
	}
	return d
}

func cpuOnlyReason(err error) string {
	if errors.Is(err, ErrNoNVML) {
		return "NVIDIA's management library: " + dl.NVMLMissing
	}
	return err.Error()
}
