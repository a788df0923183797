package state

import (
	"slices"

	"github.com/meadow-net/meadow/api"
)

// Task is one unit of work and its replicas.
type Task struct {
	ID    string `json:"id"`
	JobID string `json:"job_id"`
	// Seq orders tasks across jobs: the scheduler offers lower ones first.
	Seq uint64 `json:"seq"`
	// Spec is what a node receives, every default resolved.
	Spec api.Task `json:"spec"`
	// Needs are the capabilities a node must have; Domains the hosts a crawl
	// task fetches from.
	Needs   Needs    `json:"needs"`
	Domains []string `json:"domains,omitempty"`

	State api.TaskState `json:"state"`
	// Target is how many revealed replicas the next verdict needs: the
	// job's k, 1 for a task given to a trusted node alone (adaptive
	// replication), plus one for each round that found too little
	// agreement, up to k_max.
	Target int `json:"target"`
	// Unreplicated marks a task leased to one trusted node alone;
	// SpotCheck one that could have been but was given a second replica.
	Unreplicated bool `json:"unreplicated,omitempty"`
	SpotCheck    bool `json:"spot_check,omitempty"`
	// Leases are every lease of the task in grant order (expired ones too).
	Leases  []string `json:"leases"`
	Expired int      `json:"expired"`

	// Set when the task is verified: the accepted row hashes (sorted),
	// their content root, the lease asked to upload its blob and the blob
	// once stored.
	Accepted []api.Hash `json:"accepted,omitempty"`
	Root     api.Hash   `json:"root"`
	Uploader string     `json:"uploader,omitempty"`
	Blob     *Blob      `json:"blob,omitempty"`
	// Fuel is a wasm task's fuel over its accepted rows, once its blob is
	// stored (creditFuel).
	Fuel      uint64 `json:"fuel,omitempty"`
	DecidedAt int64  `json:"decided_at,omitempty"`
	// UploadSince is when the current uploader was asked (leader's time);
	// UploadReassigned counts the upload waits that ran out (each hands
	// the upload on, or asks a lone agreeing lease again; uploads.go).
	UploadSince      int64 `json:"upload_since,omitempty"`
	UploadReassigned int   `json:"upload_reassigned,omitempty"`
}

// Needs are what a task asks of a node beyond fetching static pages.
type Needs struct {
	RenderJS bool   `json:"render_js,omitempty"` // Chromium, for pages that need JavaScript
	GPU      bool   `json:"gpu,omitempty"`       // a GPU, for a compute job that asked for one
	Kernel   string `json:"kernel,omitempty"`    // a compute task's kernel
	// MainText: a crawl task with crawl.extract on, for nodes that run the
	// main-text extractor (Capabilities.MainText; never the extension).
	MainText bool `json:"main_text,omitempty"`
}

// CoveredBy reports whether a node with caps can run a task that needs n.
func (n Needs) CoveredBy(caps api.Capabilities) bool {
	switch {
	case n.RenderJS && !caps.RenderJS:
		return false
	case n.GPU && len(caps.GPUs) == 0:
		return false
	case n.MainText && !caps.MainText:
		return false
	case n.Kernel != "" && len(caps.Kernels) > 0 && !slices.Contains(caps.Kernels, n.Kernel):
		return false
	case n.Kernel == api.KernelWasm && !slices.Contains(caps.Kernels, api.KernelWasm):
		// A buyer's module runs only where the node opted in by naming
		// the kernel; an empty list (an older node) does not.
		return false
	}
	return true
}

// Blob is a task's stored blob: the Arrow IPC stream of its accepted rows.
type Blob struct {
	SHA256 api.Hash `json:"sha256"`
	Size   int64    `json:"size"`
	Rows   int64    `json:"rows"`
	Lease  string   `json:"lease"` // whose upload it was
}

// Final reports whether the task is decided.
func (t *Task) Final() bool {
	return t.State == api.TaskVerified || t.State == api.TaskInconclusive
}

// Task returns a copy of a task's record (its slices shared; do not change
// them).
func (s *State) Task(id string) (Task, error) {
	t, ok := s.Tasks[id]
	if !ok {
		return Task{}, notFound("task", id)
	}
	return *t, nil
}

// liveLeases returns the task's leases that have not expired.
func (s *State) liveLeases(t *Task) []*Lease {
	var out []*Lease
	for _, id := range t.Leases {
		if l := s.Leases[id]; l.State != LeaseExpired {
			out = append(out, l)
		}
	}
	return out
}

// settle recomputes an undecided task's state from its leases and keeps the
// pending index in step.
func (s *State) settle(t *Task) {
	if t.Final() {
		s.idx.removePending(t)
		s.idx.touch(t.ID)
		return
	}
	live := s.liveLeases(t)
	next := api.TaskCommitted
	switch {
	case len(live) < t.Target:
		next = api.TaskPending
	default:
		for _, l := range live {
			if l.State == LeaseActive {
				next = api.TaskLeased
				break
			}
		}
	}
	if next == api.TaskPending {
		s.idx.addPending(t)
	} else {
		s.idx.removePending(t)
	}
	t.State = next
	s.idx.touch(t.ID)
}

// Want returns how many more replicas an undecided task wants leased now.
func (s *State) Want(t *Task) int {
	if t.Final() {
		return 0
	}
	return max(t.Target-len(s.liveLeases(t)), 0)
}
