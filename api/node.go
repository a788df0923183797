package api

import (
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// The node API. Every request is the body of a signed Envelope whose Method
// is the constant below; the signer is the node's identity. Times are unix
// milliseconds throughout the API (Envelope.Expiry alone is in seconds, as
// EIP-712 deadlines are).

// Envelope methods of the node API, one per endpoint.
const (
	MethodRegister = "node.register"
	MethodWork     = "node.work"
	MethodCommit   = "node.commit"
	MethodReveal   = "node.reveal"
	MethodUpload   = "node.upload"
	MethodRefuse   = "node.refuse"
	// MethodNodeRead signs a node's read of its own record (GET
	// /v1/node/{address}) in the EnvelopeHeader, body ReadRequest: only
	// the node itself (and operators) see where it connects from.
	MethodNodeRead = "node.read"
)

// Limits of the node API.
const (
	MaxTasksPerRequest = 64        // leases one WorkRequest may ask for
	MaxTaskRows        = 100_000   // rows in one task's blob (ShardRowsLimit; a crawl task has at most TaskSizeLimit pages)
	MaxBlobSize        = 1 << 30   // bytes in one task blob
	MaxShardParts      = 10_000    // input blobs one compute task reads
	MaxGPUs            = 64        // GPUs one node reports
	MaxCrawlDelays     = 10_000    // domains in RegisterRequest.CrawlDelays
	MaxCrawlDelay      = 3_600_000 // ms, one hour: a longer robots.txt Crawl-delay means "do not crawl"
	MaxRetryAfter      = 3_600_000 // ms a server may ask a node to wait
	MaxConcurrentLimit = 1024      // Capabilities.MaxConcurrent
	MaxCPUCores        = 4096      // Capabilities.CPUCores
	MaxGPUMemoryMiB    = 16 << 20  // 16 TiB, far above any GPU
	maxKernelsReported = 64        // Capabilities.Kernels
	maxDeadline        = 1 << 53   // unix ms; also the largest integer JavaScript holds exactly
)

// RegisterRequest introduces a node to the network (MethodRegister). The
// node's identity is the envelope's signer; Address repeats it so that the
// request reads on its own, and the server checks the two are equal.
type RegisterRequest struct {
	Address common.Address `json:"address"`
	// Operator is who runs the node, when that is not the node itself: the
	// scheduler never leases two replicas of a task to nodes of one operator.
	Operator common.Address `json:"operator,omitzero"`
	// Referrer is the registered node that brought this one: it earns a
	// referral share of this node's MEADOW rewards, paid from emission,
	// never from this node's. It may be named at the node's first
	// registration only, and is then fixed; later registrations leave it
	// out (or repeat it). It must be another node.
	Referrer     common.Address `json:"referrer,omitzero"`
	Capabilities Capabilities   `json:"capabilities"`
	// Version is the node software's version, such as "v0.3.1" or "dev".
	Version string `json:"version"`
	// CrawlDelays are robots.txt Crawl-delay values the node has seen, in
	// milliseconds by host name, for the network-wide per-domain rate.
	CrawlDelays map[string]int64 `json:"crawl_delays,omitempty"`
}

// Capabilities say what tasks a node can take.
type Capabilities struct {
	RenderJS      bool  `json:"render_js"`      // Chromium is available
	GPUs          []GPU `json:"gpus,omitempty"` // usable GPUs, as NVML reports them
	CPUCores      int   `json:"cpu_cores"`      // cores the node lets tasks use
	MaxConcurrent int   `json:"max_concurrent"` // tasks it runs at once
	// Kernels the node can run; empty means every kernel its version ships.
	Kernels []string `json:"kernels,omitempty"`
	// MainText: the node runs main-text extraction (crawl.extract). The Go
	// node sets it, and so does the browser extension, which runs the same
	// Go code as WebAssembly (ext/wasm). Absent means no, as for an older
	// node: it is never leased such a task.
	MainText bool `json:"main_text,omitempty"`
}

// GPU describes one GPU.
type GPU struct {
	Model     string `json:"model"`      // "NVIDIA H100 80GB HBM3"
	MemoryMiB int64  `json:"memory_mib"` // total memory
	// ComputeCapability is CUDA's major.minor, such as "9.0".
	ComputeCapability string `json:"compute_capability"`
}

// Validate checks the request.
func (r RegisterRequest) Validate() error {
	var v validator
	if r.Address == (common.Address{}) {
		v.add("address", "", "the node's address (the envelope's signer)")
	}
	if r.Referrer != (common.Address{}) && r.Referrer == r.Address {
		v.add("referrer", quote(r.Referrer.Hex()), "another node's address than the one registering")
	}
	v.text("version", r.Version, 64, true)
	if r.Version != "" && !reVersion.MatchString(r.Version) {
		v.add("version", quote(r.Version), "a version such as v0.3.1 or dev")
	}
	r.Capabilities.check(&v, "capabilities")
	if len(r.CrawlDelays) > MaxCrawlDelays {
		v.add("crawl_delays", "{…}", "at most "+itoa(MaxCrawlDelays)+" domains")
	}
	for _, host := range sortedKeys(r.CrawlDelays) {
		f := sub("crawl_delays", host)
		if !CheckHostname(host) {
			v.add(f, quote(host), HostnameExpected)
			continue
		}
		v.between(f, r.CrawlDelays[host], 0, MaxCrawlDelay)
	}
	return v.err()
}

func (c Capabilities) check(v *validator, p string) {
	v.between(sub(p, "cpu_cores"), int64(c.CPUCores), 1, MaxCPUCores)
	v.between(sub(p, "max_concurrent"), int64(c.MaxConcurrent), 1, MaxConcurrentLimit)
	if len(c.GPUs) > MaxGPUs {
		v.add(sub(p, "gpus"), items(len(c.GPUs)), "at most "+itoa(MaxGPUs)+" GPUs")
	}
	for i, g := range c.GPUs {
		gp := at(sub(p, "gpus"), i)
		v.text(sub(gp, "model"), g.Model, 128, true)
		v.between(sub(gp, "memory_mib"), g.MemoryMiB, 1, MaxGPUMemoryMiB)
		if !reCC.MatchString(g.ComputeCapability) {
			v.add(sub(gp, "compute_capability"), quote(g.ComputeCapability), "major.minor such as 8.9")
		}
	}
	if len(c.Kernels) > maxKernelsReported {
		v.add(sub(p, "kernels"), items(len(c.Kernels)), "at most "+itoa(maxKernelsReported)+" kernels")
	}
	for i, k := range c.Kernels {
		if !slices.Contains(Kernels(), k) {
			v.add(at(sub(p, "kernels"), i), quote(k), "one of "+strings.Join(Kernels(), ", "))
		}
	}
}

// RegisterResponse answers a RegisterRequest.
type RegisterResponse struct {
	Address common.Address `json:"address"` // the registered node
	// PollInterval is how long the node waits between work requests when
	// it has nothing to do, in ms.
	PollInterval int64 `json:"poll_interval_ms"`
	// ServerTime is the coordinator's clock (unix ms) so that a node can
	// see its own clock's error and keep envelope expiries acceptable.
	ServerTime int64 `json:"server_time"`
}

// Validate checks the response.
func (r RegisterResponse) Validate() error {
	var v validator
	if r.Address == (common.Address{}) {
		v.add("address", "", "the node's address")
	}
	v.between("poll_interval_ms", r.PollInterval, 1, MaxRetryAfter)
	v.between("server_time", r.ServerTime, 1, maxDeadline)
	return v.err()
}

// WorkRequest asks for up to MaxTasks leases (MethodWork).
type WorkRequest struct {
	MaxTasks int `json:"max_tasks"`
	// Kinds limits the kinds of task wanted; empty means any the node's
	// capabilities allow.
	Kinds []JobKind `json:"kinds,omitempty"`
}

// Validate checks the request.
func (r WorkRequest) Validate() error {
	var v validator
	v.between("max_tasks", int64(r.MaxTasks), 1, MaxTasksPerRequest)
	for i, k := range r.Kinds {
		if k != JobCrawl && k != JobCompute {
			v.add(at("kinds", i), quote(string(k)), `"crawl" or "compute"`)
		}
	}
	return v.err()
}

// WorkResponse answers a WorkRequest: the leases granted, possibly none.
type WorkResponse struct {
	Leases []Lease `json:"leases"`
	// RetryAfter, when no lease was granted, is how long to wait before
	// asking again, in ms.
	RetryAfter int64 `json:"retry_after_ms,omitempty"`
	// Uploads are verified tasks whose blob this node is asked to upload
	// (MethodUpload) from rows it revealed earlier: the node that was
	// asked first did not upload in time, or this node was chosen after
	// its reveal was answered.
	Uploads []UploadRequest `json:"uploads,omitempty"`
}

// UploadRequest names a task and the node's lease of it whose blob the
// coordinators want.
type UploadRequest struct {
	TaskID  string `json:"task_id"`
	LeaseID string `json:"lease_id"`
}

// Validate checks the response, each lease in it included.
func (r WorkResponse) Validate() error {
	var v validator
	if len(r.Leases) > MaxTasksPerRequest {
		v.add("leases", items(len(r.Leases)), "at most "+itoa(MaxTasksPerRequest)+" leases")
	}
	ids := make(map[string]int, len(r.Leases))
	for i, l := range r.Leases {
		lp := at("leases", i)
		l.check(&v, lp)
		if j, dup := ids[l.ID]; dup {
			v.add(sub(lp, "id"), quote(l.ID), "a lease id no other lease has (leases["+itoa(int64(j))+"] has it)")
		}
		ids[l.ID] = i
	}
	v.between("retry_after_ms", r.RetryAfter, 0, MaxRetryAfter)
	if len(r.Uploads) > MaxTasksPerRequest {
		v.add("uploads", items(len(r.Uploads)), "at most "+itoa(MaxTasksPerRequest)+" uploads")
	}
	for i, u := range r.Uploads {
		if u.TaskID == "" {
			v.add(sub(at("uploads", i), "task_id"), quote(u.TaskID), "a task id")
		}
		if u.LeaseID == "" {
			v.add(sub(at("uploads", i), "lease_id"), quote(u.LeaseID), "a lease id")
		}
	}
	return v.err()
}

// Lease grants one replica of a task to one node until Deadline.
type Lease struct {
	ID   string `json:"id"`
	Task Task   `json:"task"`
	// Deadline (unix ms) is when the lease expires: a commitment must
	// arrive before it, or the task goes back to the pool.
	Deadline int64 `json:"deadline"`
	// Replica numbers the leases of one task, from 0; a replica past k
	// (the job's replication) was leased because the first k disagreed.
	Replica int `json:"replica"`
}

// Validate checks the lease and its task.
func (l Lease) Validate() error {
	var v validator
	l.check(&v, "")
	return v.err()
}

func (l Lease) check(v *validator, p string) {
	v.id(sub(p, "id"), l.ID)
	v.between(sub(p, "deadline"), l.Deadline, 1, maxDeadline)
	v.between(sub(p, "replica"), int64(l.Replica), 0, ReplicationLimit-1)
	l.Task.check(v, sub(p, "task"))
}

// Task is one unit of work: a few dozen URLs, or one shard of rows. Exactly
// one of Crawl and Compute is set, matching Kind. Everything a node needs is
// in it with every default resolved, so replicas cannot differ by version.
type Task struct {
	ID      string       `json:"id"`
	JobID   string       `json:"job_id"`
	Kind    JobKind      `json:"kind"`
	Crawl   *CrawlTask   `json:"crawl,omitempty"`
	Compute *ComputeTask `json:"compute,omitempty"`
}

// CrawlTask is a crawl task: the URLs to fetch and the job's extraction rules.
type CrawlTask struct {
	URLs []string `json:"urls"`
	// Depth is the link depth of these URLs from the seeds: 0 for seeds and
	// for a job's fixed URL list.
	Depth int `json:"depth,omitempty"`
	// FollowLinks asks for the links found on each page whose host is
	// within AllowedDomains (the pages are below the job's max_depth).
	FollowLinks    bool     `json:"follow_links,omitempty"`
	AllowedDomains []string `json:"allowed_domains,omitempty"`

	Fields       []FieldRule `json:"fields,omitempty"`
	TextSelector string      `json:"text_selector"`
	Exclude      []string    `json:"exclude,omitempty"`
	RenderJS     bool        `json:"render_js,omitempty"`
	// Extract, when set, asks for the main-text columns (ExtractSpec),
	// enabled and with every option written in. Only nodes whose
	// Capabilities.MainText is set are leased such a task.
	Extract *ExtractSpec `json:"extract,omitempty"`
}

// ComputeTask is a compute task: a kernel, with every parameter written in,
// over a shard of an input dataset.
type ComputeTask struct {
	Input    string          `json:"input"`  // the input dataset's id
	Column   string          `json:"column"` // the string column the kernel reads
	Kernel   string          `json:"kernel"`
	MinHash  *MinHashParams  `json:"minhash,omitempty"`
	Embed    *EmbedParams    `json:"embed,omitempty"`
	Tokens   *TokenParams    `json:"tokens,omitempty"`
	Wasm     *WasmParams     `json:"wasm,omitempty"`
	Quality  *QualityParams  `json:"quality,omitempty"`
	PII      *PIIParams      `json:"pii,omitempty"`
	Language *LanguageParams `json:"language,omitempty"`
	// Where and Carry are the job's (api.ComputeSpec): the node keeps the
	// shard's rows that meet every condition and copies the carried
	// columns into its output.
	Where []Condition `json:"where,omitempty"`
	Carry []Carry     `json:"carry,omitempty"`
	Shard Shard       `json:"shard"`
}

// Shard is a run of consecutive rows of a dataset, which may span the blobs
// of several of its tasks.
type Shard struct {
	// FirstRow is the index, in the input dataset, of the shard's first row.
	FirstRow int64       `json:"first_row"`
	Parts    []ShardPart `json:"parts"`
}

// ShardPart is a run of rows of one task blob.
type ShardPart struct {
	Task   string `json:"task"`   // the id of the input task whose blob holds the rows
	Blob   Hash   `json:"blob"`   // that blob's SHA-256, the name it is fetched by
	Offset int64  `json:"offset"` // the first row's index within the blob
	Rows   int64  `json:"rows"`   // how many rows
}

// Rows returns the number of rows in the shard.
func (s Shard) Rows() int64 {
	var n int64
	for _, p := range s.Parts {
		n += p.Rows
	}
	return n
}

// Validate checks the task.
func (t Task) Validate() error {
	var v validator
	t.check(&v, "")
	return v.err()
}

func (t Task) check(v *validator, p string) {
	v.id(sub(p, "id"), t.ID)
	v.id(sub(p, "job_id"), t.JobID)
	switch t.Kind {
	case JobCrawl:
		if t.Crawl == nil {
			v.add(sub(p, "crawl"), "", `a crawl object when kind is "crawl"`)
		} else {
			t.Crawl.check(v, sub(p, "crawl"))
		}
		if t.Compute != nil {
			v.add(sub(p, "compute"), "{…}", `no compute object when kind is "crawl"`)
		}
	case JobCompute:
		if t.Compute == nil {
			v.add(sub(p, "compute"), "", `a compute object when kind is "compute"`)
		} else {
			t.Compute.check(v, sub(p, "compute"))
		}
		if t.Crawl != nil {
			v.add(sub(p, "crawl"), "{…}", `no crawl object when kind is "compute"`)
		}
	default:
		v.add(sub(p, "kind"), quote(string(t.Kind)), `"crawl" or "compute"`)
	}
}

func (c CrawlTask) check(v *validator, p string) {
	if len(c.URLs) == 0 || len(c.URLs) > TaskSizeLimit {
		v.add(sub(p, "urls"), items(len(c.URLs)), "1 to "+itoa(TaskSizeLimit)+" URLs")
	}
	seen := make(map[string]int, len(c.URLs))
	for i, u := range c.URLs {
		f := at(sub(p, "urls"), i)
		if exp := CheckURL(u); exp != "" {
			v.add(f, quote(u), exp)
		} else if j, dup := seen[u]; dup {
			v.add(f, quote(u), "each URL once (it is also urls["+itoa(int64(j))+"])")
		} else {
			seen[u] = i
		}
	}
	v.between(sub(p, "depth"), int64(c.Depth), 0, MaxDepthLimit)
	if c.FollowLinks && len(c.AllowedDomains) == 0 {
		v.add(sub(p, "allowed_domains"), "", "the domains links are followed within, when follow_links is set")
	}
	if len(c.AllowedDomains) > MaxAllowedDomains {
		v.add(sub(p, "allowed_domains"), items(len(c.AllowedDomains)), "at most "+itoa(MaxAllowedDomains)+" domains")
	}
	for i, d := range c.AllowedDomains {
		if !CheckHostname(d) {
			v.add(at(sub(p, "allowed_domains"), i), quote(d), HostnameExpected)
		}
	}
	checkExtraction(v, p, c.Fields, c.TextSelector, c.Exclude, true, Checks{})
	if c.Extract != nil {
		c.Extract.check(v, sub(p, "extract"), true)
	}
}

func (c ComputeTask) check(v *validator, p string) {
	v.id(sub(p, "input"), c.Input)
	if !reFieldName.MatchString(c.Column) {
		v.add(sub(p, "column"), quote(c.Column), "a column name matching ^[a-z][a-z0-9_]{0,62}$")
	}
	checkKernel(v, p, c.Kernel, kernelParams{c.MinHash, c.Embed, c.Tokens, c.Wasm, c.Quality, c.PII, c.Language}, true)
	checkStage(v, p, c.Where, c.Carry)
	sp := sub(p, "shard")
	if c.Shard.FirstRow < 0 {
		v.add(sub(sp, "first_row"), itoa(c.Shard.FirstRow), "a non-negative row index")
	}
	if len(c.Shard.Parts) == 0 || len(c.Shard.Parts) > MaxShardParts {
		v.add(sub(sp, "parts"), items(len(c.Shard.Parts)), "1 to "+itoa(MaxShardParts)+" parts")
	}
	var total int64
	for i, part := range c.Shard.Parts {
		pp := at(sub(sp, "parts"), i)
		v.id(sub(pp, "task"), part.Task)
		if part.Blob.IsZero() {
			v.add(sub(pp, "blob"), quote(part.Blob.String()), "the SHA-256 of a task blob")
		}
		v.between(sub(pp, "offset"), part.Offset, 0, MaxTaskRows-1)
		if v.between(sub(pp, "rows"), part.Rows, 1, MaxTaskRows) {
			total += part.Rows
		}
	}
	if total > ShardRowsLimit {
		v.add(sub(sp, "parts"), items(len(c.Shard.Parts)), "at most "+itoa(ShardRowsLimit)+" rows in all (they hold "+itoa(total)+")")
	}
}

// Commitment binds a node to its answer before it can see any other
// replica's (MethodCommit): the content root over the task's row hashes and
// their number. The row hashes themselves follow in a Reveal.
type Commitment struct {
	TaskID  string `json:"task_id"`
	LeaseID string `json:"lease_id"`
	// Root is the content root: the RFC 6962 Merkle root over the task's
	// row hashes sorted ascending (package dataset computes it). An empty
	// task's root is SHA-256 of nothing, so a root is never all zero.
	Root Hash  `json:"root"`
	Rows int64 `json:"rows"`
}

// Validate checks the commitment.
func (c Commitment) Validate() error {
	var v validator
	v.id("task_id", c.TaskID)
	v.id("lease_id", c.LeaseID)
	if c.Root.IsZero() {
		v.add("root", quote(c.Root.String()), "a content root ("+HashExpected+", not all zero)")
	}
	v.between("rows", c.Rows, 0, MaxTaskRows)
	return v.err()
}

// CommitResponse acknowledges a Commitment.
type CommitResponse struct {
	// RevealDeadline (unix ms) is when the reveal must have arrived.
	RevealDeadline int64 `json:"reveal_deadline"`
}

// Validate checks the response.
func (r CommitResponse) Validate() error {
	var v validator
	v.between("reveal_deadline", r.RevealDeadline, 1, maxDeadline)
	return v.err()
}

// Reveal discloses the row hashes a Commitment committed to (MethodReveal),
// in the order of the rows in the node's blob, so that the coordinator can
// compare replicas row by row and later check the uploaded blob.
type Reveal struct {
	TaskID    string `json:"task_id"`
	LeaseID   string `json:"lease_id"`
	RowHashes []Hash `json:"row_hashes"`
	// Links are, for a task with FollowLinks, the http(s) links found on
	// its pages whose host is within its AllowedDomains: absolute, without
	// fragment, sorted, each once. The coordinators follow a link that the
	// replicas agreeing on the task both report.
	Links []string `json:"links,omitempty"`
}

// MaxRevealLinks bounds the links of one reveal.
const MaxRevealLinks = 10_000

// Validate checks the reveal on its own; Matches checks it against its
// commitment.
func (r Reveal) Validate() error {
	var v validator
	v.id("task_id", r.TaskID)
	v.id("lease_id", r.LeaseID)
	if len(r.RowHashes) > MaxTaskRows {
		v.add("row_hashes", items(len(r.RowHashes)), "at most "+itoa(MaxTaskRows)+" row hashes")
	}
	if len(r.Links) > MaxRevealLinks {
		v.add("links", items(len(r.Links)), "at most "+itoa(MaxRevealLinks)+" links")
	} else {
		for i, l := range r.Links {
			if exp := CheckURL(l); exp != "" {
				v.add(at("links", i), quote(l), exp)
				break
			}
			if i > 0 && l <= r.Links[i-1] {
				v.add(at("links", i), quote(l), "links sorted ascending, each once")
				break
			}
		}
	}
	return v.err()
}

// Matches checks that r reveals what c committed to as far as api can tell:
// the same task and lease and as many row hashes as rows. Whether the
// hashes give c.Root is dataset's Merkle code to check.
func (r Reveal) Matches(c Commitment) error {
	var v validator
	if r.TaskID != c.TaskID {
		v.add("task_id", quote(r.TaskID), "the committed task "+quote(c.TaskID))
	}
	if r.LeaseID != c.LeaseID {
		v.add("lease_id", quote(r.LeaseID), "the committed lease "+quote(c.LeaseID))
	}
	if int64(len(r.RowHashes)) != c.Rows {
		v.add("row_hashes", items(len(r.RowHashes)), "as many row hashes as the commitment's rows ("+itoa(c.Rows)+")")
	}
	return v.err()
}

// RevealResponse acknowledges a Reveal.
type RevealResponse struct {
	// UploadRequested asks this node to upload its blob: the task is
	// verified and this node's rows agree with the accepted ones.
	UploadRequested bool `json:"upload_requested"`
}

// Validate checks the response (there is nothing that can be wrong).
func (r RevealResponse) Validate() error { return nil }

// Upload describes a task blob a node uploads when asked (MethodUpload).
// The signed envelope carrying it travels in the EnvelopeHeader header and
// the blob, an Arrow IPC stream, is the request body, so that the server
// checks size and digest while it streams.
type Upload struct {
	TaskID  string `json:"task_id"`
	LeaseID string `json:"lease_id"`
	SHA256  Hash   `json:"sha256"` // of the whole body
	Size    int64  `json:"size"`   // bytes in the body
}

// Validate checks the metadata.
func (u Upload) Validate() error {
	var v validator
	v.id("task_id", u.TaskID)
	v.id("lease_id", u.LeaseID)
	if u.SHA256.IsZero() {
		v.add("sha256", quote(u.SHA256.String()), "the blob's SHA-256 ("+HashExpected+")")
	}
	v.between("size", u.Size, 1, MaxBlobSize)
	return v.err()
}

// UploadResponse acknowledges a stored blob.
type UploadResponse struct {
	// Rows is how many of the blob's rows matched accepted row hashes.
	Rows int64 `json:"rows"`
}

// Validate checks the response.
func (r UploadResponse) Validate() error {
	var v validator
	v.between("rows", r.Rows, 0, MaxTaskRows)
	return v.err()
}

// RefusalReason says why a node did not fetch a URL.
type RefusalReason string

// The refusal reasons.
const (
	RefusedUnsafeAddress RefusalReason = "unsafe_address" // resolved to a non-public address
	RefusedScheme        RefusalReason = "scheme"         // not http or https (after a redirect)
	RefusedRobots        RefusalReason = "robots"         // robots.txt disallows it
	RefusedTooLarge      RefusalReason = "too_large"      // past the response size cap
	RefusedTimeout       RefusalReason = "timeout"
	RefusedHTTPError     RefusalReason = "http_error"  // the connection or the protocol failed
	RefusedCapReached    RefusalReason = "cap_reached" // the user's daily byte cap is spent
)

// RefusalReasons returns every RefusalReason.
func RefusalReasons() []RefusalReason {
	return []RefusalReason{RefusedUnsafeAddress, RefusedScheme, RefusedRobots, RefusedTooLarge,
		RefusedTimeout, RefusedHTTPError, RefusedCapReached}
}

// Refusal reports a URL of a leased task the node would not or could not
// fetch (MethodRefuse).
type Refusal struct {
	TaskID  string        `json:"task_id"`
	LeaseID string        `json:"lease_id"`
	URL     string        `json:"url"`
	Reason  RefusalReason `json:"reason"`
	Detail  string        `json:"detail,omitempty"`
}

// Validate checks the refusal. URL need not pass CheckURL: a redirect to
// ftp:// is refused for its scheme.
func (r Refusal) Validate() error {
	var v validator
	v.id("task_id", r.TaskID)
	v.id("lease_id", r.LeaseID)
	v.text("url", r.URL, MaxURLLength, true)
	if !slices.Contains(RefusalReasons(), r.Reason) {
		names := make([]string, 0, 7)
		for _, x := range RefusalReasons() {
			names = append(names, string(x))
		}
		v.add("reason", quote(string(r.Reason)), "one of "+strings.Join(names, ", "))
	}
	v.text("detail", r.Detail, MaxTextLength, false)
	return v.err()
}
