package sched

import (
	"slices"
	"strconv"

	"github.com/meadow-net/meadow/api"
)

// NodeView is what the scheduler knows of the node asking for work.
type NodeView struct {
	// Address is the node's identity, Operator the address of whoever runs
	// it; an empty Operator means the node runs itself (its Address).
	Address  string
	Operator string
	// Network is NetworkOf the address the node's requests come from. Two
	// nodes with the same string share a network, the empty string
	// included: the leader must always fill it in.
	Network string
	Caps    api.Capabilities
	// Reputation is the node's reputation in ppm (verify.Reputation).
	Reputation uint32
	// Active counts the leases the node holds now.
	Active int
	// MaxConcurrent is how many leases it may hold at once; 0 means
	// Caps.MaxConcurrent.
	MaxConcurrent int
	// LastSeen is when the leader last heard from the node (unix ms). The
	// leader uses it for liveness; Schedule does not read it.
	LastSeen int64
}

// operator returns the node's operator, the node itself when it has none.
func (n *NodeView) operator() string {
	if n.Operator == "" {
		return n.Address
	}
	return n.Operator
}

// Holder is a node that holds or held a lease of a task. A holder is never
// removed, even when its lease expired: the task never goes back to it, nor
// to a node of its operator or network.
type Holder struct {
	Address  string
	Operator string // empty: the holder runs itself
	Network  string
}

func (h *Holder) operator() string {
	if h.Operator == "" {
		return h.Address
	}
	return h.Operator
}

// TaskView is what the scheduler knows of a pending task: what it needs of
// a node, where it stands in line, and who had it.
type TaskView struct {
	ID    string
	JobID string
	Kind  api.JobKind
	// NeedJS: a crawl task whose pages are rendered in Chromium.
	NeedJS bool
	// NeedMainText: a crawl task with crawl.extract on, which only a node
	// with Caps.MainText runs.
	NeedMainText bool
	// NeedGPU: a compute task that runs only on a GPU with at least
	// MinGPUMemMiB of memory (a MinGPUMemMiB above 0 implies NeedGPU).
	NeedGPU      bool
	MinGPUMemMiB int64
	// Kernel is a compute task's kernel; a node whose Caps.Kernels is not
	// empty must list it.
	Kernel string
	// Domain is a crawl task's host (the splitter groups URLs by host);
	// empty for compute. URLs is how many URLs the task fetches: a lease
	// holds the domain's rate for IntervalMs × URLs.
	Domain string
	URLs   int
	// Want is how many more replicas the task wants leased now.
	Want int
	// Holders are the nodes that hold or held a lease of the task.
	Holders []Holder
	// Priority orders tasks before CreatedIndex: higher first. Tasks of one
	// priority go first in, first out by CreatedIndex (the Raft index of the
	// job's command, times the job's task count, plus the task's position),
	// then by ID.
	Priority     int32
	CreatedIndex uint64
}

// DomainRate is the network-wide rate of one host: a new crawl task for it
// may start at NextFree (unix ms) or later, and starting one moves NextFree
// to IntervalMs × the task's URLs after the start.
type DomainRate struct {
	Host string
	// IntervalMs is the time between two fetches from the host anywhere in
	// the network: the largest robots.txt Crawl-delay nodes reported, and
	// at least the network-wide default (Config.MinIntervalMs).
	IntervalMs int64
	NextFree   int64
}

// Class is a task's requirement class. Each class has its own queue, so a
// node never looks at tasks it could not run.
type Class uint8

// The classes.
const (
	ClassCrawl      Class = iota // static crawl: any node
	ClassCrawlJS                 // crawl rendered in Chromium: Caps.RenderJS
	ClassCompute                 // compute on the CPU (or a GPU): any node with the kernel
	ClassComputeGPU              // compute that needs a GPU and its memory
	numClasses
)

// String names the class for logs and metrics.
func (c Class) String() string {
	switch c {
	case ClassCrawl:
		return "crawl"
	case ClassCrawlJS:
		return "crawl_js"
	case ClassCompute:
		return "compute"
	case ClassComputeGPU:
		return "compute_gpu"
	}
	return "class(" + strconv.Itoa(int(c)) + ")"
}

// ClassOf returns the class of a task.
func ClassOf(t *TaskView) Class {
	if t.Kind == api.JobCompute {
		if t.NeedGPU || t.MinGPUMemMiB > 0 {
			return ClassComputeGPU
		}
		return ClassCompute
	}
	if t.NeedJS {
		return ClassCrawlJS
	}
	return ClassCrawl
}

// ClassSet is a set of classes.
type ClassSet uint8

// Has reports whether c is in the set.
func (s ClassSet) Has(c Class) bool { return s&(1<<c) != 0 }

// With returns the set with c added.
func (s ClassSet) With(c Class) ClassSet { return s | 1<<c }

// Classes returns the classes a node with caps may take, limited to kinds
// when kinds is not empty (api.WorkRequest.Kinds): static crawls and CPU
// compute always, JS crawls with Caps.RenderJS, GPU compute with a GPU.
// Whether a node has a task's kernel and enough GPU memory is checked per
// task (see Fits).
func Classes(caps *api.Capabilities, kinds []api.JobKind) ClassSet {
	var s ClassSet
	crawl := len(kinds) == 0 || slices.Contains(kinds, api.JobCrawl)
	compute := len(kinds) == 0 || slices.Contains(kinds, api.JobCompute)
	if crawl {
		s = s.With(ClassCrawl)
		if caps.RenderJS {
			s = s.With(ClassCrawlJS)
		}
	}
	if compute {
		s = s.With(ClassCompute)
		if len(caps.GPUs) > 0 {
			s = s.With(ClassComputeGPU)
		}
	}
	return s
}

// Fits reports whether a node with caps can run t: its class is in cs
// (Classes of the node), it runs main-text extraction if t needs it, the
// node lists t's kernel (or lists none), and one of its GPUs has t's
// MinGPUMemMiB.
func Fits(caps *api.Capabilities, cs ClassSet, t *TaskView) bool {
	c := ClassOf(t)
	if !cs.Has(c) {
		return false
	}
	if t.NeedMainText && !caps.MainText {
		return false
	}
	if t.Kind == api.JobCompute && len(caps.Kernels) > 0 && !slices.Contains(caps.Kernels, t.Kernel) {
		return false
	}
	if c == ClassComputeGPU {
		for _, g := range caps.GPUs {
			if g.MemoryMiB >= t.MinGPUMemMiB {
				return true
			}
		}
		return false
	}
	return true
}

// Barred reports whether the diversity rule keeps node n from t: n holds or
// held it, or shares an operator, or (unless sharedNetworkOK) a network,
// with one of its holders.
func Barred(n *NodeView, t *TaskView, sharedNetworkOK bool) bool {
	op := n.operator()
	for i := range t.Holders {
		h := &t.Holders[i]
		if h.Address == n.Address || h.operator() == op || !sharedNetworkOK && h.Network == n.Network {
			return true
		}
	}
	return false
}

// Step is what a View's Scan does after offering a task.
type Step uint8

// The steps.
const (
	// Next offers the next task.
	Next Step = iota
	// SkipLane offers no more tasks of the offered task's lane: the node
	// cannot run them, or their domain is taken.
	SkipLane
	// Stop ends the scan.
	Stop
)

// View is the scheduler's read-only picture of the pending tasks for one
// decision. Queue is the leader's implementation; tests use simpler ones.
//
// Tasks come in lanes: the tasks of one lane share their class, domain,
// kernel and GPU memory, so whether a node can run one of them, and whether
// their domain is free, holds for all.
type View interface {
	// Scan offers visit the pending tasks of the classes in cs whose lanes
	// are ready (their domain free at the view's time), best first:
	// highest Priority, then lowest CreatedIndex, then ID, across lanes
	// and classes. After each it does what visit returns. The TaskView and
	// DomainRate are valid only during the call; visit must not keep or
	// change them. Rate is the zero DomainRate for compute tasks.
	Scan(cs ClassSet, visit func(t *TaskView, rate DomainRate) Step)
	// Wake returns the earliest NextFree of a domain that has pending
	// tasks of a class in cs and is not free at the view's time, or 0 when
	// there is none.
	Wake(cs ClassSet) int64
}
