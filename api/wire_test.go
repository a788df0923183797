package api

import (
	"math"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

var (
	addr1 = common.HexToAddress("0x00000000000000000000000000000000000000a1")
	hash1 = Hash{1}
)

func register(edit func(*RegisterRequest)) RegisterRequest {
	r := RegisterRequest{Address: addr1, Version: "v0.1.0", Capabilities: Capabilities{CPUCores: 4, MaxConcurrent: 2}}
	if edit != nil {
		edit(&r)
	}
	return r
}

func TestRegisterValidate(t *testing.T) {
	runValidation(t, []validationCase{
		{name: "minimal", v: register(nil)},
		{name: "full", v: register(func(r *RegisterRequest) {
			r.Operator = common.Address{9}
			r.Capabilities = Capabilities{RenderJS: true, CPUCores: 16, MaxConcurrent: 8, Kernels: []string{KernelEmbed},
				GPUs: []GPU{{Model: "NVIDIA H100 80GB HBM3", MemoryMiB: 81559, ComputeCapability: "9.0"}}}
			r.CrawlDelays = map[string]int64{"example.com": 2000, "a.example": 0}
			r.Version = "dev"
		})},
		{name: "no address", v: register(func(r *RegisterRequest) { r.Address = common.Address{} }), field: "address", want: "the node's address"},
		{name: "no version", v: register(func(r *RegisterRequest) { r.Version = "" }), field: "version", want: "non-empty"},
		{name: "bad version", v: register(func(r *RegisterRequest) { r.Version = "v 1" }), field: "version", want: "v0.3.1 or dev"},
		{name: "no cores", v: register(func(r *RegisterRequest) { r.Capabilities.CPUCores = 0 }), field: "capabilities.cpu_cores", want: "from 1 to 4096"},
		{name: "no concurrency", v: register(func(r *RegisterRequest) { r.Capabilities.MaxConcurrent = 0 }), field: "capabilities.max_concurrent", want: "from 1 to 1024"},
		{name: "gpu without model", v: register(func(r *RegisterRequest) {
			r.Capabilities.GPUs = []GPU{{MemoryMiB: 1, ComputeCapability: "8.0"}}
		}), field: "capabilities.gpus[0].model", want: "non-empty"},
		{name: "gpu memory", v: register(func(r *RegisterRequest) {
			r.Capabilities.GPUs = []GPU{{Model: "x", ComputeCapability: "8.0"}}
		}), field: "capabilities.gpus[0].memory_mib", want: "from 1"},
		{name: "gpu compute capability", v: register(func(r *RegisterRequest) {
			r.Capabilities.GPUs = []GPU{{Model: "x", MemoryMiB: 1, ComputeCapability: "sm_90"}}
		}), field: "capabilities.gpus[0].compute_capability", want: "major.minor"},
		{name: "unknown kernel", v: register(func(r *RegisterRequest) { r.Capabilities.Kernels = []string{"bert"} }), field: "capabilities.kernels[0]", want: "one of minhash"},
		{name: "crawl delay host", v: register(func(r *RegisterRequest) { r.CrawlDelays = map[string]int64{"Example.com": 1} }), field: "crawl_delays.Example.com", want: "host name"},
		{name: "crawl delay negative", v: register(func(r *RegisterRequest) { r.CrawlDelays = map[string]int64{"example.com": -1} }), field: "crawl_delays.example.com", want: "from 0 to 3600000"},
		{name: "register response", v: RegisterResponse{Address: addr1, PollInterval: 1000, ServerTime: 1_767_225_000_000}},
		{name: "register response without poll interval", v: RegisterResponse{Address: addr1, ServerTime: 1}, field: "poll_interval_ms", want: "from 1"},
		{name: "register response without time", v: RegisterResponse{Address: addr1, PollInterval: 1}, field: "server_time", want: "from 1"},
	})
}

func crawlTask(edit func(*CrawlTask)) Task {
	c := &CrawlTask{URLs: []string{"https://example.com/a", "https://example.com/b"}, TextSelector: "body"}
	if edit != nil {
		edit(c)
	}
	return Task{ID: "job-1:t-1", JobID: "job-1", Kind: JobCrawl, Crawl: c}
}

func computeTask(edit func(*ComputeTask)) Task {
	c := &ComputeTask{Input: "ds-1", Column: "text", Kernel: KernelMinHash,
		MinHash: &MinHashParams{Shingle: ShingleWord, Size: 3, Permutations: 128, Bands: 32},
		Shard:   Shard{FirstRow: 1000, Parts: []ShardPart{{Task: "job-0:t-9", Blob: hash1, Offset: 0, Rows: 25}}}}
	if edit != nil {
		edit(c)
	}
	return Task{ID: "job-2:t-1", JobID: "job-2", Kind: JobCompute, Compute: c}
}

func lease(t Task) Lease { return Lease{ID: "lease-1", Task: t, Deadline: 1_767_225_000_000} }

func TestWorkValidate(t *testing.T) {
	runValidation(t, []validationCase{
		{name: "work request", v: WorkRequest{MaxTasks: 4, Kinds: []JobKind{JobCrawl}}},
		{name: "work request for none", v: WorkRequest{}, field: "max_tasks", want: "from 1 to 64"},
		{name: "work request for too many", v: WorkRequest{MaxTasks: 65}, field: "max_tasks", want: "from 1 to 64"},
		{name: "work request bad kind", v: WorkRequest{MaxTasks: 1, Kinds: []JobKind{"gpu"}}, field: "kinds[0]", want: `"crawl" or "compute"`},
		{name: "empty work response", v: WorkResponse{RetryAfter: 5000}},
		{name: "work response", v: WorkResponse{Leases: []Lease{lease(crawlTask(nil)), func() Lease { l := lease(computeTask(nil)); l.ID = "lease-2"; return l }()}}},
		{name: "duplicate lease ids", v: WorkResponse{Leases: []Lease{lease(crawlTask(nil)), lease(computeTask(nil))}}, field: "leases[1].id", want: "leases[0] has it"},
		{name: "retry after negative", v: WorkResponse{RetryAfter: -1}, field: "retry_after_ms", want: "from 0"},
		{name: "lease without deadline", v: Lease{ID: "l", Task: crawlTask(nil)}, field: "deadline", want: "from 1"},
		{name: "lease bad replica", v: func() Lease { l := lease(crawlTask(nil)); l.Replica = 16; return l }(), field: "replica", want: "from 0 to 15"},
		{name: "lease bad id", v: func() Lease { l := lease(crawlTask(nil)); l.ID = "a b"; return l }(), field: "id", want: "an id of"},
		{name: "lease task error path", v: lease(crawlTask(func(c *CrawlTask) { c.URLs[1] = "ftp://x" })), field: "task.crawl.urls[1]", want: "http or https"},
	})
}

func TestTaskValidate(t *testing.T) {
	runValidation(t, []validationCase{
		{name: "crawl task", v: crawlTask(nil)},
		{name: "crawl task full", v: crawlTask(func(c *CrawlTask) {
			c.Depth = 2
			c.FollowLinks = true
			c.AllowedDomains = []string{"example.com"}
			c.Fields = []FieldRule{{Name: "title", Selector: "h1"}}
			c.Exclude = []string{".ad"}
			c.RenderJS = true
		})},
		{name: "compute task", v: computeTask(nil)},
		{name: "compute embed", v: computeTask(func(c *ComputeTask) {
			c.Kernel = KernelEmbed
			c.MinHash = nil
			c.Embed = &EmbedParams{Model: EmbedMeadowMini}
		})},
		{name: "compute tokens", v: computeTask(func(c *ComputeTask) {
			c.Kernel = KernelTokens
			c.MinHash = nil
			c.Tokens = &TokenParams{Encoding: EncodingCL100kBase}
		})},
		{name: "no id", v: func() Task { t := crawlTask(nil); t.ID = ""; return t }(), field: "id", want: "an id of"},
		{name: "bad job id", v: func() Task { t := crawlTask(nil); t.JobID = "../x"; return t }(), field: "job_id", want: "an id of"},
		{name: "bad kind", v: func() Task { t := crawlTask(nil); t.Kind = "x"; return t }(), field: "kind", want: `"crawl" or "compute"`},
		{name: "crawl kind without crawl", v: Task{ID: "t", JobID: "j", Kind: JobCrawl}, field: "crawl", want: "a crawl object"},
		{name: "both sections", v: func() Task { t := crawlTask(nil); t.Compute = computeTask(nil).Compute; return t }(), field: "compute", want: "no compute object"},
		{name: "no urls", v: crawlTask(func(c *CrawlTask) { c.URLs = nil }), field: "crawl.urls", want: "1 to 500 URLs"},
		{name: "too many urls", v: crawlTask(func(c *CrawlTask) { c.URLs = manyURLs(TaskSizeLimit+1, "https://x.example/") }), field: "crawl.urls", want: "1 to 500 URLs"},
		{name: "duplicate url", v: crawlTask(func(c *CrawlTask) { c.URLs[1] = c.URLs[0] }), field: "crawl.urls[1]", want: "it is also urls[0]"},
		{name: "depth", v: crawlTask(func(c *CrawlTask) { c.Depth = 11 }), field: "crawl.depth", want: "from 0 to 10"},
		{name: "follow links without domains", v: crawlTask(func(c *CrawlTask) { c.FollowLinks = true }), field: "crawl.allowed_domains", want: "when follow_links is set"},
		{name: "bad domain", v: crawlTask(func(c *CrawlTask) { c.AllowedDomains = []string{"x.com/"} }), field: "crawl.allowed_domains[0]", want: "host name"},
		{name: "text selector resolved", v: crawlTask(func(c *CrawlTask) { c.TextSelector = "" }), field: "crawl.text_selector", want: "valid CSS selector"},
		{name: "bad field", v: crawlTask(func(c *CrawlTask) { c.Fields = []FieldRule{{Name: "text", Selector: "p"}} }), field: "crawl.fields[0].name", want: "other than url"},
		{name: "params resolved", v: computeTask(func(c *ComputeTask) { c.MinHash = nil }), field: "compute.minhash", want: "every value written in"},
		{name: "minhash size resolved", v: computeTask(func(c *ComputeTask) { c.MinHash.Size = 0 }), field: "compute.minhash.size", want: "from 1 to 32"},
		{name: "minhash shingle resolved", v: computeTask(func(c *ComputeTask) { c.MinHash.Shingle = "" }), field: "compute.minhash.shingle", want: "one of word, char"},
		{name: "minhash bands resolved", v: computeTask(func(c *ComputeTask) { c.MinHash.Bands = 0 }), field: "compute.minhash.bands", want: "from 1 to 1024"},
		{name: "embed model resolved", v: computeTask(func(c *ComputeTask) { c.Kernel = KernelEmbed; c.MinHash = nil; c.Embed = &EmbedParams{} }), field: "compute.embed.model", want: "one of meadow-mini"},
		{name: "column resolved", v: computeTask(func(c *ComputeTask) { c.Column = "" }), field: "compute.column", want: "column name"},
		{name: "bad input", v: computeTask(func(c *ComputeTask) { c.Input = "" }), field: "compute.input", want: "an id of"},
		{name: "no parts", v: computeTask(func(c *ComputeTask) { c.Shard.Parts = nil }), field: "compute.shard.parts", want: "1 to 10000 parts"},
		{name: "negative first row", v: computeTask(func(c *ComputeTask) { c.Shard.FirstRow = -1 }), field: "compute.shard.first_row", want: "non-negative"},
		{name: "part without blob", v: computeTask(func(c *ComputeTask) { c.Shard.Parts[0].Blob = Hash{} }), field: "compute.shard.parts[0].blob", want: "SHA-256"},
		{name: "part without rows", v: computeTask(func(c *ComputeTask) { c.Shard.Parts[0].Rows = 0 }), field: "compute.shard.parts[0].rows", want: "from 1"},
		{name: "part negative offset", v: computeTask(func(c *ComputeTask) { c.Shard.Parts[0].Offset = -1 }), field: "compute.shard.parts[0].offset", want: "from 0"},
		{name: "part bad task", v: computeTask(func(c *ComputeTask) { c.Shard.Parts[0].Task = "" }), field: "compute.shard.parts[0].task", want: "an id of"},
		{name: "shard too many rows", v: computeTask(func(c *ComputeTask) {
			c.Shard.Parts = []ShardPart{{Task: "a", Blob: hash1, Rows: MaxTaskRows}, {Task: "b", Blob: hash1, Rows: 1}}
		}), field: "compute.shard.parts", want: "at most 100000 rows in all"},
	})
	if n := computeTask(nil).Compute.Shard.Rows(); n != 25 {
		t.Fatalf("Shard.Rows = %d", n)
	}
}

func TestCommitRevealUploadValidate(t *testing.T) {
	runValidation(t, []validationCase{
		{name: "commitment", v: Commitment{TaskID: "t", LeaseID: "l", Root: hash1, Rows: 25}},
		{name: "empty commitment", v: Commitment{TaskID: "t", LeaseID: "l", Root: hash1}},
		{name: "commitment zero root", v: Commitment{TaskID: "t", LeaseID: "l", Rows: 1}, field: "root", want: "not all zero"},
		{name: "commitment negative rows", v: Commitment{TaskID: "t", LeaseID: "l", Root: hash1, Rows: -1}, field: "rows", want: "from 0 to 100000"},
		{name: "commitment no task", v: Commitment{LeaseID: "l", Root: hash1}, field: "task_id", want: "an id of"},
		{name: "commitment no lease", v: Commitment{TaskID: "t", Root: hash1}, field: "lease_id", want: "an id of"},
		{name: "commit response", v: CommitResponse{RevealDeadline: 1}},
		{name: "commit response without deadline", v: CommitResponse{}, field: "reveal_deadline", want: "from 1"},
		{name: "reveal", v: Reveal{TaskID: "t", LeaseID: "l", RowHashes: []Hash{hash1, hash1}}},
		{name: "reveal too many", v: Reveal{TaskID: "t", LeaseID: "l", RowHashes: make([]Hash, MaxTaskRows+1)}, field: "row_hashes", want: "at most 100000"},
		{name: "reveal response", v: RevealResponse{UploadRequested: true}},
		{name: "upload", v: Upload{TaskID: "t", LeaseID: "l", SHA256: hash1, Size: 1024}},
		{name: "upload empty", v: Upload{TaskID: "t", LeaseID: "l", SHA256: hash1}, field: "size", want: "from 1 to 1073741824"},
		{name: "upload too big", v: Upload{TaskID: "t", LeaseID: "l", SHA256: hash1, Size: MaxBlobSize + 1}, field: "size", want: "from 1"},
		{name: "upload no digest", v: Upload{TaskID: "t", LeaseID: "l", Size: 1}, field: "sha256", want: "SHA-256"},
		{name: "upload response", v: UploadResponse{Rows: 3}},
		{name: "upload response negative", v: UploadResponse{Rows: -3}, field: "rows", want: "from 0"},
		{name: "refusal", v: Refusal{TaskID: "t", LeaseID: "l", URL: "ftp://redirected.example/", Reason: RefusedScheme, Detail: "redirect to ftp"}},
		{name: "refusal every reason", v: Refusal{TaskID: "t", LeaseID: "l", URL: "https://x.example/", Reason: RefusedCapReached}},
		{name: "refusal unknown reason", v: Refusal{TaskID: "t", LeaseID: "l", URL: "https://x.example/", Reason: "lazy"}, field: "reason", want: "one of unsafe_address, scheme, robots, too_large, timeout, http_error, cap_reached"},
		{name: "refusal no url", v: Refusal{TaskID: "t", LeaseID: "l", Reason: RefusedTimeout}, field: "url", want: "non-empty"},
		{name: "refusal long detail", v: Refusal{TaskID: "t", LeaseID: "l", URL: "u", Reason: RefusedTimeout, Detail: strings.Repeat("d", MaxTextLength+1)}, field: "detail", want: "at most 1024 bytes"},
	})
}

func TestRevealMatches(t *testing.T) {
	c := Commitment{TaskID: "t", LeaseID: "l", Root: hash1, Rows: 2}
	tests := []struct {
		name  string
		r     Reveal
		field string
		want  string
	}{
		{name: "matches", r: Reveal{TaskID: "t", LeaseID: "l", RowHashes: []Hash{hash1, hash1}}},
		{name: "other task", r: Reveal{TaskID: "u", LeaseID: "l", RowHashes: []Hash{hash1, hash1}}, field: "task_id", want: `the committed task "t"`},
		{name: "other lease", r: Reveal{TaskID: "t", LeaseID: "m", RowHashes: []Hash{hash1, hash1}}, field: "lease_id", want: `the committed lease "l"`},
		{name: "other count", r: Reveal{TaskID: "t", LeaseID: "l", RowHashes: []Hash{hash1}}, field: "row_hashes", want: "commitment's rows (2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFieldErr(t, tt.r.Matches(c), tt.field, tt.want)
		})
	}
}

func TestBuyerValidate(t *testing.T) {
	spec := crawlJob(nil).WithDefaults()
	okJob := Job{ID: "job-1", Spec: spec, State: JobRunning, CreatedAt: 1, Buyer: addr1}
	okStatus := JobStatus{ID: "job-1", State: JobDone, Dataset: "ds-1",
		Progress: Progress{Tasks: TaskCounts{Verified: 9, Inconclusive: 1}, RowsAccepted: 200, RowsRejected: 3, Percent: 100}}
	okDataset := DatasetInfo{ID: "ds-1", JobID: "job-1", Kind: JobCrawl, Rows: 200, Tasks: 10, Root: hash1,
		ManifestURL: "/v1/datasets/ds-1/manifest", Formats: []string{FormatArrow, FormatParquet}}
	runValidation(t, []validationCase{
		{name: "job", v: okJob},
		{name: "job bad spec", v: func() Job { j := okJob; j.Spec = crawlJob(func(c *CrawlSpec) { c.Seeds = []string{"x"} }); return j }(), field: "spec.crawl.seeds[0]", want: "http or https"},
		{name: "job bad state", v: func() Job { j := okJob; j.State = "sleeping"; return j }(), field: "state", want: "one of pending, running, paused, done, failed, cancelled"},
		{name: "job no buyer", v: func() Job { j := okJob; j.Buyer = common.Address{}; return j }(), field: "buyer", want: "buyer's address"},
		{name: "job no time", v: func() Job { j := okJob; j.CreatedAt = 0; return j }(), field: "created_at", want: "from 1"},
		{name: "status", v: okStatus},
		{name: "status negative count", v: func() JobStatus { s := okStatus; s.Progress.Tasks.Leased = -1; return s }(), field: "progress.tasks.leased", want: "non-negative"},
		{name: "status negative rows", v: func() JobStatus { s := okStatus; s.Progress.RowsRejected = -1; return s }(), field: "progress.rows_rejected", want: "non-negative"},
		{name: "status percent", v: func() JobStatus { s := okStatus; s.Progress.Percent = 101; return s }(), field: "progress.percent", want: "from 0 to 100"},
		{name: "status percent NaN", v: func() JobStatus { s := okStatus; s.Progress.Percent = math.NaN(); return s }(), field: "progress.percent", want: "from 0 to 100"},
		{name: "status bad dataset", v: func() JobStatus { s := okStatus; s.Dataset = "a b"; return s }(), field: "dataset", want: "an id of"},
		{name: "dataset", v: okDataset},
		{name: "dataset absolute manifest", v: func() DatasetInfo { d := okDataset; d.ManifestURL = "https://coord.example/m.json"; return d }()},
		{name: "dataset bad manifest", v: func() DatasetInfo { d := okDataset; d.ManifestURL = "//evil.example/m"; return d }(), field: "manifest_url", want: "path starting with /"},
		{name: "dataset no formats", v: func() DatasetInfo { d := okDataset; d.Formats = nil; return d }(), field: "formats", want: "at least one"},
		{name: "dataset bad format", v: func() DatasetInfo { d := okDataset; d.Formats = []string{"csv"}; return d }(), field: "formats[0]", want: `"arrow" or "parquet"`},
		{name: "dataset zero root", v: func() DatasetInfo { d := okDataset; d.Root = Hash{}; return d }(), field: "root", want: "not all zero"},
		{name: "dataset kind", v: func() DatasetInfo { d := okDataset; d.Kind = ""; return d }(), field: "kind", want: `"crawl" or "compute"`},
		{name: "dataset negative rows", v: func() DatasetInfo { d := okDataset; d.Rows = -1; return d }(), field: "rows", want: "non-negative"},
	})
	if !JobCancelled.Final() || JobPaused.Final() || !TaskInconclusive.Valid() || TaskState("x").Valid() {
		t.Fatal("state predicates")
	}
	c := TaskCounts{Pending: 1, Leased: 1, Verified: 1, Inconclusive: 1}
	if c.Total() != 4 || c.Percent() != 50 || (TaskCounts{}).Percent() != 0 {
		t.Fatalf("TaskCounts: total %d percent %v", c.Total(), c.Percent())
	}
}

func TestOperatorValidate(t *testing.T) {
	m := Member{ID: "c1", RaftAddr: "127.0.0.1:7001", HTTPAddr: "localhost:8001", Voter: true, Leader: true}
	runValidation(t, []validationCase{
		{name: "member", v: m},
		{name: "member ipv6", v: Member{ID: "c2", RaftAddr: "[::1]:7002", HTTPAddr: "[::1]:8002"}},
		{name: "member bad raft addr", v: Member{ID: "c1", RaftAddr: "127.0.0.1", HTTPAddr: "h:1"}, field: "raft_addr", want: "host:port"},
		{name: "member port 0", v: Member{ID: "c1", RaftAddr: "h:0", HTTPAddr: "h:1"}, field: "raft_addr", want: "port from 1 to 65535"},
		{name: "member bad http addr", v: Member{ID: "c1", RaftAddr: "h:1", HTTPAddr: "http://h:1"}, field: "http_addr", want: "host:port"},
		{name: "leader not voter", v: Member{ID: "c1", RaftAddr: "h:1", HTTPAddr: "h:2", Leader: true}, field: "leader", want: "non-voter"},
		{name: "members", v: Members{Members: []Member{m, {ID: "c2", RaftAddr: "h:1", HTTPAddr: "h:2", Voter: true}}}},
		{name: "members duplicate", v: Members{Members: []Member{m, {ID: "c1", RaftAddr: "h:1", HTTPAddr: "h:2"}}}, field: "members[1].id", want: "members[0] has it"},
		{name: "members two leaders", v: Members{Members: []Member{m, {ID: "c2", RaftAddr: "h:1", HTTPAddr: "h:2", Voter: true, Leader: true}}}, field: "members[1].leader", want: "one leader at most"},
		{name: "join", v: JoinRequest{ID: "c3", RaftAddr: "127.0.0.3:7000", HTTPAddr: "127.0.0.3:8000", Voter: true}},
		{name: "join without id", v: JoinRequest{RaftAddr: "h:1", HTTPAddr: "h:2"}, field: "id", want: "an id of"},
		{name: "remove", v: RemoveRequest{ID: "c3"}},
		{name: "remove without id", v: RemoveRequest{}, field: "id", want: "an id of"},
		{name: "settle", v: SettleRequest{Epoch: 1}},
		{name: "settle the next epoch", v: SettleRequest{}},
		{name: "settle response", v: SettleResponse{Epoch: 1, Root: common.Hash{1}, Leaves: 3, Emission: "1000000000000000000000", RevenueShare: "0"}},
		{name: "settle response max amount", v: SettleResponse{Epoch: 1, Root: common.Hash{1}, Emission: "115792089237316195423570985008687907853269984665640564039457584007913129639935", RevenueShare: "1"}},
		{name: "settle response amount past uint256", v: SettleResponse{Epoch: 1, Root: common.Hash{1}, Emission: "115792089237316195423570985008687907853269984665640564039457584007913129639936", RevenueShare: "0"}, field: "emission", want: "decimal integer"},
		{name: "settle response amount with sign", v: SettleResponse{Epoch: 1, Root: common.Hash{1}, Emission: "0", RevenueShare: "-1"}, field: "revenue_share", want: "decimal integer"},
		{name: "settle response amount leading zero", v: SettleResponse{Epoch: 1, Root: common.Hash{1}, Emission: "01", RevenueShare: "0"}, field: "emission", want: "leading zeros"},
		{name: "settle response zero root", v: SettleResponse{Epoch: 1, Emission: "0", RevenueShare: "0"}, field: "root", want: "not all zero"},
		{name: "settle response negative leaves", v: SettleResponse{Epoch: 1, Root: common.Hash{1}, Leaves: -1, Emission: "0", RevenueShare: "0"}, field: "leaves", want: "non-negative"},
		{name: "node rewards", v: NodeRewards{Address: common.Address{1}, Meadow: "0", Stable: "0"}},
		{name: "node rewards bad amount", v: NodeRewards{Address: common.Address{1}, Meadow: "x", Stable: "0"}, field: "meadow", want: "decimal integer"},
		{name: "node rewards claimed", v: NodeRewards{Address: common.Address{1}, Meadow: "5", Stable: "0", ClaimedMeadow: "5", ClaimedStable: "0"}},
		{name: "node rewards bad claimed", v: NodeRewards{Address: common.Address{1}, Meadow: "5", Stable: "0", ClaimedMeadow: "05"}, field: "claimed_meadow", want: "decimal integer"},
		{name: "node rewards zero address", v: NodeRewards{Meadow: "0", Stable: "0"}, field: "address", want: "not zero"},
		{name: "node rewards history", v: NodeRewards{Address: common.Address{1}, Meadow: "0", Stable: "0", History: []EpochPayout{{Epoch: 0, Meadow: "1", Stable: "1"}}}, field: "history[0].epoch", want: "from 1"},
		{name: "chain info", v: ChainInfo{ChainID: 1337, Distributor: common.Address{1}, Registry: common.Address{2}}},
		{name: "chain info no distributor", v: ChainInfo{ChainID: 1337, Registry: common.Address{2}}, field: "distributor", want: "not zero"},
	})
}
