package state

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
)

func TestModuleStoredAndChecked(t *testing.T) {
	s := New()
	h := api.Hash{7}
	const alice, bob = "0xaaaa", "0xbbbb"
	wp := &api.WasmParams{Module: h, Outputs: []api.WasmColumn{{Name: "x", Type: api.WasmString}}}

	var fe *FieldError
	if err := s.CheckModule(alice, wp); !errors.Is(err, ErrNotFound) || !errors.As(err, &fe) || fe.Field != "compute.wasm.module" {
		t.Fatalf("unknown module: %v; want ErrNotFound naming compute.wasm.module", err)
	}
	if err := s.ModuleStored(StoredModule{SHA256: h, Size: 100, Owner: alice}, 1000); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckModule(alice, wp); err != nil {
		t.Fatalf("owner: %v", err)
	}
	if err := s.CheckModule(bob, wp); !errors.Is(err, ErrConflict) || !errors.As(err, &fe) || fe.Field != "compute.wasm.module" {
		t.Fatalf("not an owner: %v; want ErrConflict naming compute.wasm.module", err)
	}
	if err := s.CheckModule(bob, nil); err != nil {
		t.Fatalf("no wasm parameters: %v", err)
	}

	// Bob uploads the same bytes: both own it; the first upload's time stays.
	if err := s.ModuleStored(StoredModule{SHA256: h, Size: 100, Owner: bob}, 2000); err != nil {
		t.Fatal(err)
	}
	if err := s.ModuleStored(StoredModule{SHA256: h, Size: 100, Owner: bob}, 3000); err != nil {
		t.Fatal(err)
	}
	m, err := s.Module(h)
	if err != nil || m.StoredAt != 1000 || len(m.Owners) != 2 || m.Size != 100 {
		t.Fatalf("module %+v, %v", m, err)
	}
	if err := s.CheckModule(bob, wp); err != nil {
		t.Fatalf("second owner: %v", err)
	}

	// Refusals change nothing.
	before := digest(t, s)
	for _, bad := range []StoredModule{
		{SHA256: h, Size: 101, Owner: "0xcccc"}, // another size for the same hash
		{Size: 100, Owner: alice},               // no hash
		{SHA256: api.Hash{8}, Owner: alice},     // no size
		{SHA256: api.Hash{8}, Size: 1},          // no owner
	} {
		if err := s.ModuleStored(bad, 4000); err == nil {
			t.Fatalf("ModuleStored(%+v) accepted", bad)
		}
	}
	if after := digest(t, s); !bytes.Equal(before, after) {
		t.Fatal("refused module_stored commands changed the state")
	}

	// A snapshot keeps the modules.
	r := roundTrip(t, s)
	if got := r.ModuleHashes(); len(got) != 1 || got[0] != h {
		t.Fatalf("restored modules %v", got)
	}
}

func TestWasmNeedsAnOptIn(t *testing.T) {
	n := Needs{Kernel: api.KernelWasm}
	for _, tc := range []struct {
		kernels []string
		want    bool
	}{
		{nil, false}, // an older node lists none: not an opt-in
		{[]string{api.KernelMinHash, api.KernelTokens}, false},
		{[]string{api.KernelMinHash, api.KernelWasm}, true},
	} {
		if got := n.CoveredBy(api.Capabilities{Kernels: tc.kernels}); got != tc.want {
			t.Errorf("kernels %v: CoveredBy = %v, want %v", tc.kernels, got, tc.want)
		}
	}
	if !(Needs{Kernel: api.KernelMinHash}).CoveredBy(api.Capabilities{}) {
		t.Error("a built-in kernel needs no opt-in")
	}
}

func digest(t *testing.T, s *State) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWasmTaskReadsItsModule: a wasm job runs only a module its buyer
// uploaded; its tasks go only to nodes that opted in; and a lease on one
// lets its node read the module as it reads the shard's input.
func TestWasmTaskReadsItsModule(t *testing.T) {
	s := New()
	for i := 0; i < 2; i++ {
		caps := api.Capabilities{Kernels: []string{api.KernelTokens}}
		if i == 0 {
			caps.Kernels = append(caps.Kernels, api.KernelWasm)
		}
		if _, err := s.RegisterNode(Registration{Address: addr(i), IP: "10.0." + itoa(i) + ".1", Caps: caps}, 1); err != nil {
			t.Fatal(err)
		}
	}
	s.Datasets["in"] = &Dataset{ID: "in", Complete: true, Rows: 10, Tasks: []DatasetTask{{TaskID: "a", Rows: 10, Blob: &api.Hash{1}}}}
	module := api.Hash{9}
	buyer := common.HexToAddress("0x00000000000000000000000000000000000000b0")
	spec := api.JobSpec{Kind: api.JobCompute, Compute: &api.ComputeSpec{Input: "in", Kernel: api.KernelWasm,
		Wasm: &api.WasmParams{Module: module, Outputs: []api.WasmColumn{{Name: "x", Type: api.WasmString}}}}}.WithDefaults()
	tasks, err := s.SplitJob("w", spec)
	if err != nil {
		t.Fatal(err)
	}
	nj := NewJob{ID: "w", Buyer: buyer, Spec: spec, Tasks: tasks}
	if _, err := s.SubmitJob(nj, 10); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a job naming a module never stored: %v; want ErrNotFound", err)
	}
	if err := s.ModuleStored(StoredModule{SHA256: module, Size: 50, Owner: strings.ToLower(buyer.Hex())}, 5); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitJob(nj, 10); err != nil {
		t.Fatal(err)
	}
	if res := s.GrantLeases([]Grant{{TaskID: tasks[0].ID, Node: addr(1), Deadline: 2000}}, 20); res[0] == nil {
		t.Fatal("a node that did not opt in got a wasm task")
	} else if _, ok := res[0].(Lease); ok {
		t.Fatal("a node that did not opt in got a wasm task")
	}
	mustGrant(t, s, tasks[0].ID, addr(0), 20)
	checkReads(t, s.LeaseReadsInput(addr(0), tasks[0].ID, module, 30), nil, "")
	checkReads(t, s.LeaseReadsInput(addr(0), tasks[0].ID, api.Hash{1}, 30), nil, "")
	checkReads(t, s.LeaseReadsInput(addr(0), tasks[0].ID, api.Hash{8}, 30), ErrConflict, "hash")
	checkReads(t, s.LeaseReadsInput(addr(1), tasks[0].ID, module, 30), ErrConflict, "task_id")
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestMainTextNeedsTheCapability: a crawl task with crawl.extract on needs
// Capabilities.MainText, which the extension never sends; one without it
// needs nothing new.
func TestMainTextNeedsTheCapability(t *testing.T) {
	task := func(e *api.ExtractSpec) api.Task {
		return api.Task{Kind: api.JobCrawl, Crawl: &api.CrawlTask{URLs: []string{"https://a.example/"}, Extract: e}}
	}
	on := needsOf(task(&api.ExtractSpec{Enabled: true}), api.JobSpec{})
	if !on.MainText {
		t.Fatal("a task with extraction on does not need main_text")
	}
	if on.CoveredBy(api.Capabilities{RenderJS: true}) {
		t.Error("a node without main_text (an older node or extension) covers it")
	}
	if !on.CoveredBy(api.Capabilities{MainText: true}) {
		t.Error("a node with main_text does not cover it")
	}
	if off := needsOf(task(nil), api.JobSpec{}); off.MainText || !off.CoveredBy(api.Capabilities{}) {
		t.Errorf("a task without extraction: %+v", off)
	}
	// The splitter gives tasks the job's extract object only when it is on.
	if extractIf(&api.ExtractSpec{}) != nil || extractIf(nil) != nil {
		t.Error("a disabled extract object reached a task")
	}
}
