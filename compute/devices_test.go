package compute

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock"
)

func TestDiscoverThisMachine(t *testing.T) {
	d := Discover()
	t.Logf("devices: %s", d)
	if d.CPUs < 1 {
		t.Fatalf("%d CPUs", d.CPUs)
	}
	if d.CPUOnly {
		if d.Reason == "" || len(d.GPUs) != 0 {
			t.Fatalf("CPU-only without a reason, or with GPUs: %+v", d)
		}
		return
	}
	for _, g := range d.GPUs {
		if g.Model == "" || g.MemoryMiB == 0 || g.ComputeCapability == "" {
			t.Fatalf("incomplete GPU info: %+v", g)
		}
	}
}

func TestDiscoverWithoutNVML(t *testing.T) {
	lib := &mock.Interface{InitFunc: func() nvml.Return { return nvml.ERROR_LIBRARY_NOT_FOUND }}
	_, err := openNVML(lib)
	if !errors.Is(err, ErrNoNVML) {
		t.Fatalf("error %v, want ErrNoNVML", err)
	}
	d := discover(func() (*NVML, error) { return openNVML(lib) })
	if !d.CPUOnly || !strings.Contains(d.Reason, "libnvidia-ml.so.1") {
		t.Fatalf("devices %+v: want CPU-only naming the library", d)
	}
	if c := d.Capabilities(); c.GPUs == nil || len(c.GPUs) != 0 {
		t.Fatalf("capabilities %+v: want an empty GPU list", c)
	}
}

func fakeNVML(util uint32, samples []nvml.ProcessUtilizationSample) *mock.Interface {
	dev := &mock.Device{
		GetNameFunc:                  func() (string, nvml.Return) { return "NVIDIA GeForce RTX 4090", nvml.SUCCESS },
		GetMemoryInfoFunc:            func() (nvml.Memory, nvml.Return) { return nvml.Memory{Total: 24564 << 20}, nvml.SUCCESS },
		GetCudaComputeCapabilityFunc: func() (int, int, nvml.Return) { return 8, 9, nvml.SUCCESS },
		GetUUIDFunc:                  func() (string, nvml.Return) { return "GPU-1234", nvml.SUCCESS },
		GetUtilizationRatesFunc:      func() (nvml.Utilization, nvml.Return) { return nvml.Utilization{Gpu: util}, nvml.SUCCESS },
		GetProcessUtilizationFunc: func(uint64) ([]nvml.ProcessUtilizationSample, nvml.Return) {
			return samples, nvml.SUCCESS
		},
	}
	return &mock.Interface{
		InitFunc:                   func() nvml.Return { return nvml.SUCCESS },
		ShutdownFunc:               func() nvml.Return { return nvml.SUCCESS },
		SystemGetDriverVersionFunc: func() (string, nvml.Return) { return "580.159.04", nvml.SUCCESS },
		DeviceGetCountFunc:         func() (int, nvml.Return) { return 1, nvml.SUCCESS },
		DeviceGetHandleByIndexFunc: func(int) (nvml.Device, nvml.Return) { return dev, nvml.SUCCESS },
	}
}

func TestDiscoverWithGPU(t *testing.T) {
	lib := fakeNVML(12, nil)
	d := discover(func() (*NVML, error) { return openNVML(lib) })
	if d.CPUOnly || len(d.GPUs) != 1 || d.DriverVersion != "580.159.04" {
		t.Fatalf("devices %+v", d)
	}
	g := d.GPUs[0]
	if g.Model != "NVIDIA GeForce RTX 4090" || g.MemoryMiB != 24564 || g.ComputeCapability != "8.9" || g.Utilization != 12 {
		t.Fatalf("gpu %+v", g)
	}
	b, _ := json.Marshal(d.Capabilities())
	if want := `"gpus":[{"model":"NVIDIA GeForce RTX 4090","memory_mib":24564}]`; !strings.Contains(string(b), want) {
		t.Fatalf("capabilities %s: want %s", b, want)
	}
}

func TestUtilizationExcludesOwnWork(t *testing.T) {
	pid := uint32(os.Getpid())
	lib := fakeNVML(80, []nvml.ProcessUtilizationSample{{Pid: pid, SmUtil: 75, TimeStamp: 10}, {Pid: pid + 1, SmUtil: 2, TimeStamp: 11}})
	n, err := openNVML(lib)
	if err != nil {
		t.Fatal(err)
	}
	u, err := n.Utilization()
	if err != nil {
		t.Fatal(err)
	}
	if u != 5 {
		t.Fatalf("utilization %d%%, want 5%% (80%% less this process's 75%%)", u)
	}
}

// TestNVMLUtilization reads the real GPU's utilization and runs the idle
// gate on it, where NVML finds a device.
func TestNVMLUtilization(t *testing.T) {
	d := Discover()
	if d.CPUOnly {
		t.Skipf("no GPU: %s; NVML's utilization is read where NVML finds a device", d.Reason)
	}
	n, err := OpenNVML()
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	u, err := n.Utilization()
	if err != nil {
		t.Fatal(err)
	}
	if u < 0 || u > 100 {
		t.Fatalf("utilization %d%%", u)
	}
	g, err := NewIdleGate(DefaultIdleConfig(), n, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := g.Check()
	t.Logf("utilization by others %d%%; gate: %+v", u, st)
	if st.Utilization != -1 && (st.Allowed != (st.Utilization < 10)) {
		t.Fatalf("gate %+v disagrees with its reading", st)
	}
}
