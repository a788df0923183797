package api

// JobKind says what a job asks the network to do.
type JobKind string

// The kinds of job.
const (
	JobCrawl   JobKind = "crawl"
	JobCompute JobKind = "compute"
)

// JobSpec is what a buyer submits. Exactly one of Crawl and Compute is set,
// matching Kind. Zero values of the optional numbers mean the defaults below.
type JobSpec struct {
	Kind    JobKind      `json:"kind"`
	Name    string       `json:"name,omitempty"`
	Crawl   *CrawlSpec   `json:"crawl,omitempty"`
	Compute *ComputeSpec `json:"compute,omitempty"`

	// Replication is k, the number of distinct nodes each task is leased to
	// (default 2). MaxReplication is k_max, how many replicas may be leased
	// in all before a task is inconclusive (default 4).
	Replication    int `json:"replication,omitempty"`
	MaxReplication int `json:"max_replication,omitempty"`

	// Threshold is the share of a task's rows that must be accepted by
	// majority for the task to be verified, in (0, 1]; default 0.9. The
	// coordinator turns it into parts per million so its state holds no floats.
	Threshold float64 `json:"threshold,omitempty"`
}

// CrawlSpec describes a crawl: where to start, how far to go, what to extract.
type CrawlSpec struct {
	// Seeds are start URLs whose links are followed within AllowedDomains up
	// to MaxDepth. URLs is a fixed list fetched without following links.
	// At least one of the two is set.
	Seeds []string `json:"seeds,omitempty"`
	URLs  []string `json:"urls,omitempty"`

	// AllowedDomains bounds link following: a host matches a domain when it
	// equals it or ends in "."+domain. Empty means the hosts of the seeds.
	AllowedDomains []string `json:"allowed_domains,omitempty"`

	MaxDepth int `json:"max_depth,omitempty"` // default 2, at most 10
	MaxPages int `json:"max_pages,omitempty"` // default 1000, at most 1,000,000

	// Fields are the extraction rules: each names a field and the CSS
	// selector whose first match gives it.
	Fields []FieldRule `json:"fields,omitempty"`

	// TextSelector picks the element whose text is the page's main text
	// (default "body"); Exclude lists selectors removed before any text is
	// taken, so that volatile parts (a clock, an ad) stay out of the rows.
	TextSelector string   `json:"text_selector,omitempty"`
	Exclude      []string `json:"exclude,omitempty"`

	// RenderJS asks for pages to be rendered in Chromium before extraction.
	RenderJS bool `json:"render_js,omitempty"`

	// TaskSize is how many URLs make one task (default 25, at most 500).
	TaskSize int `json:"task_size,omitempty"`
}

// FieldRule extracts one named field: the text of the first element matching
// Selector, or its attribute Attr when Attr is set.
type FieldRule struct {
	Name     string `json:"name"`
	Selector string `json:"selector"`
	Attr     string `json:"attr,omitempty"`
}

// The kernels a compute job can run.
const (
	KernelMinHash = "minhash"
	KernelEmbed   = "embed"
	KernelTokens  = "tokens"
)

// ComputeSpec describes a compute job over a verified dataset.
type ComputeSpec struct {
	// Input is the id of a verified dataset; Column the string column of it
	// the kernel reads (default "text").
	Input  string `json:"input"`
	Column string `json:"column,omitempty"`

	// Kernel is one of minhash, embed, tokens; its parameters go in the
	// matching field (nil means that kernel's defaults).
	Kernel  string         `json:"kernel"`
	MinHash *MinHashParams `json:"minhash,omitempty"`
	Embed   *EmbedParams   `json:"embed,omitempty"`
	Tokens  *TokenParams   `json:"tokens,omitempty"`

	// ShardRows is how many input rows make one task (default 1000).
	ShardRows int `json:"shard_rows,omitempty"`

	// GPU asks for nodes with a GPU; the kernel's output is the same either way.
	GPU bool `json:"gpu,omitempty"`
}

// MinHashParams configure near-duplicate signatures.
type MinHashParams struct {
	Shingle      string `json:"shingle,omitempty"`      // "word" (default) or "char"
	Size         int    `json:"size,omitempty"`         // shingle length: default 5 chars or 3 words
	Permutations int    `json:"permutations,omitempty"` // default 128; 128 to 1024, a multiple of Bands
	Bands        int    `json:"bands,omitempty"`        // LSH bands, default 32
}

// EmbedParams configure quantized embedding inference.
type EmbedParams struct {
	Model string `json:"model,omitempty"` // a model the network ships; default "meadow-mini"
}

// TokenParams configure token counting.
type TokenParams struct {
	Encoding string `json:"encoding,omitempty"` // default "cl100k_base"
}
