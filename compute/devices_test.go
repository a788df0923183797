package compute

import (
	"encoding/json"
	"errors"
	"github.com/meadow-net/meadow/compute/internal/dl"
	"os"
	"strings"
	"testing"
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
	lib := &fakeNVML{init: nvmlErrorLibraryNotFound}
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

// fakeNVML is one GPU as NVML would report it, or an Init that fails.
type fakeNVML struct {
	init    nvmlReturn
	util    uint32
	samples []nvmlProcessSample
}

func newFakeNVML(util uint32, samples []nvmlProcessSample) *fakeNVML {
	return &fakeNVML{util: util, samples: samples}
}

func (f *fakeNVML) Init() nvmlReturn     { return f.init }
func (f *fakeNVML) Shutdown() nvmlReturn { return nvmlSuccess }
func (f *fakeNVML) SystemGetDriverVersion() (string, nvmlReturn) {
	return "580.159.04", nvmlSuccess
}
func (f *fakeNVML) DeviceGetCount() (int, nvmlReturn) { return 1, nvmlSuccess }
func (f *fakeNVML) DeviceGetHandleByIndex(i int) (nvmlDevice, nvmlReturn) {
	if i != 0 {
		return 0, nvmlErrorInvalidArgument
	}
	return 1, nvmlSuccess
}
func (f *fakeNVML) DeviceGetName(nvmlDevice) (string, nvmlReturn) {
	return "NVIDIA GeForce RTX 4090", nvmlSuccess
}
func (f *fakeNVML) DeviceGetMemoryInfo(nvmlDevice) (nvmlMemory, nvmlReturn) {
	return nvmlMemory{Total: 24564 << 20}, nvmlSuccess
}
func (f *fakeNVML) DeviceGetCudaComputeCapability(nvmlDevice) (int, int, nvmlReturn) {
	return 8, 9, nvmlSuccess
}
func (f *fakeNVML) DeviceGetUUID(nvmlDevice) (string, nvmlReturn) { return "GPU-1234", nvmlSuccess }
func (f *fakeNVML) DeviceGetUtilizationRates(nvmlDevice) (nvmlUtilization, nvmlReturn) {
	return nvmlUtilization{GPU: f.util}, nvmlSuccess
}
func (f *fakeNVML) DeviceGetProcessUtilization(nvmlDevice, uint64) ([]nvmlProcessSample, nvmlReturn) {
	return f.samples, nvmlSuccess
}

func TestDiscoverWithGPU(t *testing.T) {
	lib := newFakeNVML(12, nil)
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
	lib := newFakeNVML(80, []nvmlProcessSample{{Pid: pid, SmUtil: 75, TimeStamp: 10}, {Pid: pid + 1, SmUtil: 2, TimeStamp: 11}})
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

// TestOpenNVMLLoadsAtRunTime opens the real library through purego: on a
// machine without it, the error wraps ErrNoNVML and names what is missing;
// with it, NVML initializes and lists what Discover lists.
func TestOpenNVMLLoadsAtRunTime(t *testing.T) {
	n, err := OpenNVML()
	if err != nil {
		if errors.Is(err, ErrNoNVML) {
			if !strings.Contains(err.Error(), dl.NVMLMissing) {
				t.Fatalf("error %q does not say %q", err, dl.NVMLMissing)
			}
			t.Logf("no NVML here: %v", err)
			return
		}
		t.Logf("NVML is installed but unusable here: %v", err)
		if !errors.Is(err, ErrNoGPU) {
			t.Fatalf("error %v: want ErrNoNVML or ErrNoGPU", err)
		}
		return
	}
	defer n.Close()
	v, err := n.DriverVersion()
	if err != nil || v == "" {
		t.Fatalf("driver version %q, %v", v, err)
	}
	gpus, err := n.GPUs()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("driver %s, GPUs %+v", v, gpus)
	for _, g := range gpus {
		if g.Model == "" || g.MemoryMiB == 0 || !strings.Contains(g.ComputeCapability, ".") {
			t.Fatalf("incomplete GPU info: %+v", g)
		}
	}
}

func TestNVMLReturnNames(t *testing.T) {
	if got := nvmlErrorLibraryNotFound.String(); got != "ERROR_LIBRARY_NOT_FOUND" {
		t.Fatalf("%d is %s", nvmlErrorLibraryNotFound, got)
	}
	if got := nvmlError(nvmlReturn(777)); got != "ERROR (777)" {
		t.Fatalf("unknown code: %s", got)
	}
}
