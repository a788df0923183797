package state

import (
	"slices"

	"github.com/meadow-net/meadow/api"
)

// Task is one unit of work and its replicas.
//
// A state holds millions of pending tasks, twice on a member (the FSM's and
// the snapshot copy's), so a task is kept compactly: what the tasks of a job
// have in common (kind, needs, crawl rules) is shared through Spec, its URLs
// are a run of its shape's list, and what only a decided task has is behind
// a pointer. It encodes exactly as before (taskjson.go): the snapshot's
// bytes do not depend on how a task is kept in memory (TestSnapshotGolden;
// docs/ARCHITECTURE.md, "Snapshots off the apply path").
type Task struct {
	ID string
	// Seq orders tasks across jobs: the scheduler offers lower ones first.
	Seq uint64
	// Spec is what a node receives, every default resolved (APITask).
	Spec TaskSpec
	// domains are the hosts a crawl task fetches from (Domains); tasks of
	// one job on the same hosts share the list.
	domains *[]string

	State api.TaskState
	// Target is how many revealed replicas the next verdict needs: the
	// job's k, 1 for a task given to a trusted node alone (adaptive
	// replication), plus one for each round that found too little
	// agreement, up to k_max.
	Target int32
	// Expired counts the task's leases that ran out.
	Expired int32
	// Unreplicated marks a task leased to one trusted node alone;
	// SpotCheck one that could have been but was given a second replica.
	Unreplicated bool
	SpotCheck    bool
	// UploadReassigned counts the upload waits that ran out (each hands
	// the upload on, or asks a lone agreeing lease again; uploads.go).
	UploadReassigned int32
	// Leases are every lease of the task in grant order (expired ones too).
	Leases []string

	// Set when the task is verified: the accepted row hashes (sorted), and
	// the blob once stored; the rest of the verdict is in dec.
	Accepted []api.Hash
	Blob     *Blob
	// dec is nil until the task is decided or asked for its blob.
	dec *decision
}

// decision is what a decided task adds: the accepted rows' content root,
// the lease asked to upload the blob and since when (leader's time), a wasm
// task's fuel over its accepted rows once its blob is stored (creditFuel),
// and when it was decided.
type decision struct {
	Root        api.Hash
	Uploader    string
	UploadSince int64
	Fuel        uint64
	DecidedAt   int64
}

// none is the decision of an undecided task: all zero.
var none decision

func (t *Task) decision() *decision {
	if t.dec == nil {
		return &none
	}
	return t.dec
}

// decided returns the task's decision to change, allocating it.
func (t *Task) decided() *decision {
	if t.dec == nil {
		t.dec = &decision{}
	}
	return t.dec
}

// Root is the content root of the accepted rows of a verified task.
func (t *Task) Root() api.Hash { return t.decision().Root }

// Uploader is the lease asked to upload the blob of a verified task.
func (t *Task) Uploader() string { return t.decision().Uploader }

// UploadSince is when the current uploader was asked (leader's time).
func (t *Task) UploadSince() int64 { return t.decision().UploadSince }

// Fuel is a wasm task's fuel over its accepted rows, once its blob is
// stored.
func (t *Task) Fuel() uint64 { return t.decision().Fuel }

// DecidedAt is when the task was verified or ended inconclusive.
func (t *Task) DecidedAt() int64 { return t.decision().DecidedAt }

// JobID is the id of the task's job (its shape's).
func (t *Task) JobID() string { return t.Spec.shape().job }

// Domains are the hosts a crawl task fetches from, sorted (shared: do not
// change them).
func (t *Task) Domains() []string {
	if t.domains == nil {
		return nil
	}
	return *t.domains
}

// Needs are the capabilities a node must have to run the task.
func (t *Task) Needs() Needs { return t.Spec.shape().needs }

// APITask returns the task as a node receives it (api.Task).
func (t *Task) APITask() api.Task {
	return api.Task{ID: t.ID, JobID: t.JobID(), Kind: t.Spec.Kind(), Crawl: t.Spec.Crawl(), Compute: t.Spec.Compute}
}

// TaskSpec is a task's api.Task without its ids, kept compactly: the parts
// every task of a shape shares behind one pointer, the URLs as a run of one
// of the shape's lists.
type TaskSpec struct {
	// Compute is a compute task's own spec; nil for a crawl task.
	Compute *api.ComputeTask
	sh      *taskShape
	// at is where the task's URLs start: the list (sh.lists) in its top
	// bits, the index in that list below (urlAt); n is how many there are.
	at, n uint32
}

// The lists of a shape that a task's URLs can be a run of: the job's seeds
// or URL list, where the splitter took the task's URLs from one of them in
// order (it groups URLs by host, so a task is a run of its job's list unless
// the list mixes hosts), else a list of the shape's own.
const (
	ownList  = 0
	seedList = 1
	urlList  = 2
	// listShift places the list above an index: a list holds fewer than
	// 1<<30 URLs.
	listShift = 30
)

func urlAt(list int, i int) uint32 { return uint32(list)<<listShift | uint32(i) }

// taskShape is what tasks of one job have in common: the kind, the needs,
// and for crawl tasks every rule but the URLs. A job has one per link depth
// or so; its tasks' URLs are kept in one list per shape, task after task,
// instead of a slice each.
type taskShape struct {
	job   string
	kind  api.JobKind
	needs Needs
	// crawl is the crawl task without its URLs (URLs is nil, or empty
	// when the tasks' URL lists were empty and not null); nil for other
	// kinds.
	crawl *api.CrawlTask
	// lists are the job's seeds and URL list (shared with the job's
	// spec: never written to) and, at ownList, the URLs of the shape's
	// tasks that are not runs of them, task after task.
	lists [3][]string
}

// noShape is the shape of a task built without one (tests that set only
// ids).
var noShape taskShape

func (s TaskSpec) shape() *taskShape {
	if s.sh == nil {
		return &noShape
	}
	return s.sh
}

// Kind is the task's kind.
func (s TaskSpec) Kind() api.JobKind { return s.shape().kind }

// URLs are a crawl task's URLs (shared: do not change them).
func (s TaskSpec) URLs() []string {
	sh := s.shape()
	if s.n == 0 {
		if sh.crawl == nil {
			return nil
		}
		return sh.crawl.URLs
	}
	list, i := s.at>>listShift, s.at&(1<<listShift-1)
	return sh.lists[list][i : i+s.n : i+s.n]
}

// Crawl returns a crawl task's spec, nil for other kinds. It is built on
// each call; its slices are shared (do not change them).
func (s TaskSpec) Crawl() *api.CrawlTask {
	rules := s.shape().crawl
	if rules == nil {
		return nil
	}
	c := *rules
	c.URLs = s.URLs()
	return &c
}

// rules is a crawl task's spec without its URLs, nil for other kinds.
func (s TaskSpec) rules() *api.CrawlTask { return s.shape().crawl }

// Needs are what a task asks of a node beyond fetching static pages.
type Needs struct {
	RenderJS bool   `json:"render_js,omitempty"` // Chromium, for pages that need JavaScript
	GPU      bool   `json:"gpu,omitempty"`       // a GPU, for a compute job that asked for one
	Kernel   string `json:"kernel,omitempty"`    // a compute task's kernel
	// MainText: a crawl task with crawl.extract on, for nodes that run the
	// main-text extractor (Capabilities.MainText: Go nodes, and the
	// extension, which runs it as WebAssembly).
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

// Task returns a copy of a task's record (its slices and spec shared; do
// not change them).
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
	case len(live) < int(t.Target):
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
	return max(int(t.Target)-len(s.liveLeases(t)), 0)
}
