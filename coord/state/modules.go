package state

import (
	"fmt"
	"slices"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/rewards"
)

// Module is a buyer's WebAssembly module, stored as a blob named by its
// SHA-256 (api.RouteModules). Owners are the buyers who uploaded it, in
// the order they did; only an owner may name it in a wasm job.
type Module struct {
	Size     int64    `json:"size"`
	StoredAt int64    `json:"stored_at"` // unix ms of the first upload
	Owners   []string `json:"owners"`    // lowercase hex addresses
}

// StoredModule is what a module_stored command records.
type StoredModule struct {
	SHA256 api.Hash `json:"sha256"`
	Size   int64    `json:"size"`
	Owner  string   `json:"owner"`
}

// ModuleStored records a module stored on a majority of the members and
// its uploader as an owner. Recording it again only adds a new owner. A
// module whose size differs from the one recorded is a conflict (the same
// SHA-256 cannot name two sizes), and changes nothing.
func (s *State) ModuleStored(m StoredModule, now int64) error {
	if m.SHA256.IsZero() || m.Size < 1 || m.Owner == "" {
		return inField("sha256", invalidf("module %s of %d bytes by %q: expected a SHA-256, a size and an owner", m.SHA256, m.Size, m.Owner))
	}
	cur, ok := s.Modules[m.SHA256.String()]
	if !ok {
		s.Modules[m.SHA256.String()] = &Module{Size: m.Size, StoredAt: now, Owners: []string{m.Owner}}
		return nil
	}
	if cur.Size != m.Size {
		return inField("size", conflictf("module %s is recorded with %d bytes, not %d", m.SHA256, cur.Size, m.Size))
	}
	if !slices.Contains(cur.Owners, m.Owner) {
		cur.Owners = append(cur.Owners, m.Owner)
	}
	return nil
}

// Module returns a stored module, or ErrNotFound.
func (s *State) Module(h api.Hash) (Module, error) {
	m, ok := s.Modules[h.String()]
	if !ok {
		return Module{}, notFound("module", h.String())
	}
	out := *m
	out.Owners = slices.Clone(m.Owners)
	return out, nil
}

// ModuleHashes returns the hashes of every stored module, sorted: blobs
// that blob repair keeps on every member.
func (s *State) ModuleHashes() []api.Hash {
	out := make([]api.Hash, 0, len(s.Modules))
	for _, k := range sortedKeys(s.Modules) {
		h, err := api.ParseHash(k)
		if err == nil {
			out = append(out, h)
		}
	}
	return out
}

// CheckModule checks, at submission, that a wasm job's module is stored and
// that buyer (lowercase hex) owns it.
func (s *State) CheckModule(buyer string, wp *api.WasmParams) error {
	if wp == nil {
		return nil
	}
	m, ok := s.Modules[wp.Module.String()]
	if !ok {
		return inField("compute.wasm.module", fmt.Errorf("%w: module %s: expected the SHA-256 of a module uploaded with POST %s", ErrNotFound, wp.Module, api.RouteModules))
	}
	if !slices.Contains(m.Owners, buyer) {
		return inField("compute.wasm.module", conflictf("module %s was not uploaded by %s: expected a module the job's buyer uploaded (upload it too: the same bytes are stored once)", wp.Module, buyer))
	}
	return nil
}

// creditFuel records the fuel of a wasm task's accepted rows, known once its
// blob is stored: the task's and job's Fuel (the job's price counts it) and,
// for every node whose answer agreed on all the accepted rows, the fuel's
// work units on top of the per-row units the verdict gave.
func (s *State) creditFuel(j *Job, t *Task, fuel uint64) {
	if fuel == 0 || t.Spec.Compute == nil || t.Spec.Compute.Kernel != api.KernelWasm {
		return
	}
	t.decided().Fuel = fuel
	j.Fuel += fuel
	units := rewards.FuelUnits(fuel)
	if units == 0 {
		return
	}
	for _, id := range t.Leases {
		l := s.Leases[id]
		if l == nil || l.State != LeaseRevealed || l.Agreed != int64(len(t.Accepted)) {
			continue
		}
		if n := s.Nodes[l.Node]; n != nil {
			n.Units += units
			n.PendingUnits += units
		}
	}
}
