package api

import (
	"net/url"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// The buyer API. A job is submitted as a signed Envelope (MethodJobSubmit
// with a JobSpec body), so the buyer is an Ethereum address, the one that
// pays on chain.

// Envelope methods of the buyer API.
const (
	MethodJobSubmit = "job.submit"
	MethodJobCancel = "job.cancel"
	MethodJobPause  = "job.pause"
	MethodJobResume = "job.resume"
	// MethodDatasetGet signs a dataset download (in the EnvelopeHeader of
	// GET /v1/datasets/{id}/data), body {"dataset_id", "format"}: datasets
	// are sold, so the coordinator knows who downloads.
	MethodDatasetGet = "dataset.get"
	// MethodJobGrant and MethodJobRevoke let another address read a job
	// and its dataset, or stop letting it (POST /v1/jobs/{id}/grant and
	// /revoke, body JobGrant). Only the job's buyer may.
	MethodJobGrant  = "job.grant"
	MethodJobRevoke = "job.revoke"
	// MethodRead signs a read of a job or a dataset (GET /v1/jobs/{id},
	// /v1/datasets and /v1/datasets/{id}[/manifest|/proof]), in the
	// EnvelopeHeader, body ReadRequest: a job and its dataset belong to
	// the buyer, so the coordinator must know who reads.
	MethodRead = "buyer.read"
)

// JobGrant is the body of MethodJobGrant and MethodJobRevoke: the job, as in
// the URL, and the address to grant access to or revoke it from.
type JobGrant struct {
	JobID   string         `json:"job_id"`
	Address common.Address `json:"address"`
}

// Validate checks the grant.
func (g JobGrant) Validate() error {
	var v validator
	v.id("job_id", g.JobID)
	if g.Address == (common.Address{}) {
		v.add("address", "", "the address to grant access to or revoke it from (0x and 40 hex digits)")
	}
	return v.err()
}

// ReadRequest is the body of MethodRead: the path read (without the query),
// so that an envelope made for one job's status cannot read another's.
type ReadRequest struct {
	Path string `json:"path"`
}

// Validate checks the request.
func (r ReadRequest) Validate() error {
	var v validator
	if !strings.HasPrefix(r.Path, "/v1/") || len(r.Path) > MaxURLLength || strings.ContainsAny(r.Path, "?# \t\r\n") {
		v.add("path", quote(r.Path), "the path read, such as /v1/jobs/{id}, without the query")
	}
	return v.err()
}

// JobState is where a job is in its life.
type JobState string

// The job states. Done, failed and cancelled are final.
const (
	JobPending   JobState = "pending"   // accepted, not yet split into tasks
	JobRunning   JobState = "running"   // tasks are being leased
	JobPaused    JobState = "paused"    // no new leases until resumed
	JobDone      JobState = "done"      // every task verified or inconclusive; the dataset is ready
	JobFailed    JobState = "failed"    // stopped by an error (Job.Error says which)
	JobCancelled JobState = "cancelled" // stopped by the buyer
)

// JobStates returns every JobState.
func JobStates() []JobState {
	return []JobState{JobPending, JobRunning, JobPaused, JobDone, JobFailed, JobCancelled}
}

// Valid reports whether s is one of the job states.
func (s JobState) Valid() bool { return slices.Contains(JobStates(), s) }

// Final reports whether a job in state s can change no more.
func (s JobState) Final() bool { return s == JobDone || s == JobFailed || s == JobCancelled }

// TaskState is where a task is in its life; Progress counts tasks by it.
type TaskState string

// The task states.
const (
	TaskPending      TaskState = "pending"      // waiting for a lease
	TaskLeased       TaskState = "leased"       // leased, not all commitments in
	TaskCommitted    TaskState = "committed"    // committed, reveals being compared
	TaskVerified     TaskState = "verified"     // the threshold of rows agreed
	TaskInconclusive TaskState = "inconclusive" // k_max replicas found no majority; nobody is paid
)

// TaskStates returns every TaskState.
func TaskStates() []TaskState {
	return []TaskState{TaskPending, TaskLeased, TaskCommitted, TaskVerified, TaskInconclusive}
}

// Valid reports whether s is one of the task states.
func (s TaskState) Valid() bool { return slices.Contains(TaskStates(), s) }

// Job is a submitted job as the coordinator keeps it. Spec has its defaults
// written in.
type Job struct {
	ID        string         `json:"id"`
	Spec      JobSpec        `json:"spec"`
	State     JobState       `json:"state"`
	CreatedAt int64          `json:"created_at"` // unix ms
	Buyer     common.Address `json:"buyer"`
	// Error says why a failed job failed.
	Error string `json:"error,omitempty"`
}

// Validate checks the job and its spec.
func (j Job) Validate() error {
	var v validator
	v.id("id", j.ID)
	if err := j.Spec.Validate(); err != nil {
		for _, fe := range FieldErrors(err) {
			fe.Field = sub("spec", fe.Field)
		}
		v.merge(err)
	}
	checkJobState(&v, "state", j.State)
	v.between("created_at", j.CreatedAt, 1, maxDeadline)
	if j.Buyer == (common.Address{}) {
		v.add("buyer", "", "the buyer's address")
	}
	v.text("error", j.Error, MaxTextLength, false)
	return v.err()
}

func checkJobState(v *validator, field string, s JobState) {
	if !s.Valid() {
		names := make([]string, 0, 6)
		for _, x := range JobStates() {
			names = append(names, string(x))
		}
		v.add(field, quote(string(s)), "one of "+strings.Join(names, ", "))
	}
}

// JobStatus is what a buyer polls: the job's state and progress, and its
// dataset once there is one.
type JobStatus struct {
	ID       string   `json:"id"`
	State    JobState `json:"state"`
	Progress Progress `json:"progress"`
	// Dataset is the id of the job's dataset, set once the job is done.
	Dataset string `json:"dataset,omitempty"`
	Error   string `json:"error,omitempty"`
	// Waiting, while some of a running job's tasks are stranded
	// (Progress.Stranded), says for people why they wait, what would let
	// them go on, and until when they wait before ending inconclusive.
	Waiting string `json:"waiting,omitempty"`
	// On a network with a chain, jobs are paid for in its stable token
	// (6 decimals): PricePerRow is what an accepted row costs, Price the
	// job's total once it is done, Paid what payments on chain brought so
	// far (both decimal base units). A done job's data downloads once Paid
	// reaches Price (`meadow buyer pay`).
	PricePerRow uint64 `json:"price_per_row,omitempty"`
	Price       string `json:"price,omitempty"`
	Paid        string `json:"paid,omitempty"`
	// UnitsPerRow is the work units each agreeing node earns for an
	// accepted row of the job, fixed when it was submitted (a static crawl
	// row 10, with main text 20; rewards.Rate); omitted for a job from
	// before rates were fixed.
	UnitsPerRow uint64 `json:"units_per_row,omitempty"`
	// Fuel is, for a wasm job, the fuel of its stored tasks' accepted rows
	// (the sum of their wasm_fuel column); its price counts it
	// (WasmFuelPerRowPrice).
	Fuel uint64 `json:"fuel,omitempty"`
	// Grants are the addresses the buyer let read the job and its dataset
	// (MethodJobGrant), besides itself.
	Grants []common.Address `json:"grants,omitempty"`
}

// Progress counts a job's tasks by state and its rows by verdict.
type Progress struct {
	Tasks        TaskCounts `json:"tasks"`
	RowsAccepted int64      `json:"rows_accepted"`
	RowsRejected int64      `json:"rows_rejected"`
	// Percent is the share of tasks verified or inconclusive, 0 to 100.
	// It is for people; decisions use the counts.
	Percent float64 `json:"percent"`
	// Refusals counts the URLs nodes reported they would not fetch, by
	// reason (each node's report of a URL once): a page behind a private
	// address, disallowed by robots.txt, too large, too slow, …
	Refusals map[RefusalReason]int64 `json:"refusals,omitempty"`
	// Stranded counts the pending tasks that want a replica no registered
	// node may take: each has run them, shares an operator or network with
	// one that did, or cannot run them (on a network of few nodes,
	// typically after their replicas disagreed). They wait for
	// another node to register for at most the network's lease time
	// (JobStatus.Waiting says until when), then end inconclusive;
	// StrandedInconclusive counts the tasks that ended so.
	Stranded             int64 `json:"stranded,omitempty"`
	StrandedInconclusive int64 `json:"stranded_inconclusive,omitempty"`
}

// TaskCounts counts tasks by TaskState.
type TaskCounts struct {
	Pending      int64 `json:"pending"`
	Leased       int64 `json:"leased"`
	Committed    int64 `json:"committed"`
	Verified     int64 `json:"verified"`
	Inconclusive int64 `json:"inconclusive"`
}

// Total returns the number of tasks.
func (c TaskCounts) Total() int64 {
	return c.Pending + c.Leased + c.Committed + c.Verified + c.Inconclusive
}

// Percent returns the share of tasks that are finished (verified or
// inconclusive), 0 to 100; 0 when there are no tasks.
func (c TaskCounts) Percent() float64 {
	if c.Total() == 0 {
		return 0
	}
	return 100 * float64(c.Verified+c.Inconclusive) / float64(c.Total())
}

// Validate checks the status.
func (s JobStatus) Validate() error {
	var v validator
	v.id("id", s.ID)
	checkJobState(&v, "state", s.State)
	t := s.Progress.Tasks
	for _, n := range []struct {
		name string
		n    int64
	}{{"pending", t.Pending}, {"leased", t.Leased}, {"committed", t.Committed}, {"verified", t.Verified}, {"inconclusive", t.Inconclusive}} {
		if n.n < 0 {
			v.add("progress.tasks."+n.name, itoa(n.n), "a non-negative count")
		}
	}
	if s.Progress.RowsAccepted < 0 {
		v.add("progress.rows_accepted", itoa(s.Progress.RowsAccepted), "a non-negative count")
	}
	if s.Progress.RowsRejected < 0 {
		v.add("progress.rows_rejected", itoa(s.Progress.RowsRejected), "a non-negative count")
	}
	if p := s.Progress.Percent; !finite(p) || p < 0 || p > 100 {
		v.add("progress.percent", ftoa(p), "a number from 0 to 100")
	}
	if s.Dataset != "" {
		v.id("dataset", s.Dataset)
	}
	v.text("error", s.Error, MaxTextLength, false)
	for _, a := range []struct{ field, value string }{{"price", s.Price}, {"paid", s.Paid}} {
		if a.value != "" && !validAmount(a.value) {
			v.add(a.field, quote(a.value), "a non-negative decimal integer without sign or leading zeros, at most 78 digits")
		}
	}
	return v.err()
}

// Dataset formats a buyer can download.
const (
	FormatArrow   = "arrow"   // Arrow IPC stream
	FormatParquet = "parquet" // Parquet file
)

// DatasetInfo describes a dataset in the buyer API. The dataset's manifest
// (its task blobs, roots, schema and the coordinators' signatures) is a file
// format that package dataset defines; ManifestURL is where to fetch it.
type DatasetInfo struct {
	ID    string  `json:"id"`
	JobID string  `json:"job_id"`
	Kind  JobKind `json:"kind"`
	Rows  int64   `json:"rows"`
	Tasks int64   `json:"tasks"` // task blobs in it
	// Root is the dataset root: the RFC 6962 Merkle root over all its row
	// hashes sorted ascending.
	Root Hash `json:"root"`
	// ManifestURL is an absolute http(s) URL or a path on the API's host.
	ManifestURL string   `json:"manifest_url"`
	Formats     []string `json:"formats"`
}

// Validate checks the dataset description.
func (d DatasetInfo) Validate() error {
	var v validator
	v.id("id", d.ID)
	v.id("job_id", d.JobID)
	if d.Kind != JobCrawl && d.Kind != JobCompute {
		v.add("kind", quote(string(d.Kind)), `"crawl" or "compute"`)
	}
	if d.Rows < 0 {
		v.add("rows", itoa(d.Rows), "a non-negative count")
	}
	if d.Tasks < 0 {
		v.add("tasks", itoa(d.Tasks), "a non-negative count")
	}
	if d.Root.IsZero() {
		v.add("root", quote(d.Root.String()), "a dataset root ("+HashExpected+", not all zero)")
	}
	if !validManifestURL(d.ManifestURL) {
		v.add("manifest_url", quote(d.ManifestURL), "an http or https URL or a path starting with /")
	}
	if len(d.Formats) == 0 {
		v.add("formats", "[]", `at least one of "arrow", "parquet"`)
	}
	for i, f := range d.Formats {
		if f != FormatArrow && f != FormatParquet {
			v.add(at("formats", i), quote(f), `"arrow" or "parquet"`)
		}
	}
	return v.err()
}

func validManifestURL(s string) bool {
	if strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") {
		u, err := url.Parse(s)
		return err == nil && len(s) <= MaxURLLength && u.Host == "" && !strings.ContainsAny(s, " \t\r\n")
	}
	return CheckURL(s) == ""
}
