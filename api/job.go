package api

import (
	"math"
	"net/netip"
	"slices"
	"strings"
)

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

	// CheckEveryTask turns adaptive replication off for the job: every task
	// goes to Replication nodes, even where the node that takes it first has
	// earned the trust to run a task alone (docs/ARCHITECTURE.md, "Adaptive
	// replication"). It needs a Replication of 2 or more (the default is 2).
	// Pipelines set it on every stage's job.
	CheckEveryTask bool `json:"check_every_task,omitempty"`

	// Threshold is the share of a task's rows that must be accepted by
	// majority for the task to be verified, in (0, 1]; default 0.9. The
	// coordinator turns it into parts per million so its state holds no floats.
	Threshold float64 `json:"threshold,omitempty"`

	// Account, when set, is the ERC-6551 account the job is bought for (a
	// community's, "0x" and 40 hex digits): the job's buyer is the account,
	// and the signer must hold the account's token. Its members then read
	// the job and its dataset (docs/ARCHITECTURE.md, "Communities and their
	// datasets").
	Account string `json:"account,omitempty"`
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

	// Extract, when enabled, adds each page's main text, Markdown and
	// metadata to its row (ExtractSpec); nil means no main-text columns.
	Extract *ExtractSpec `json:"extract,omitempty"`

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
	KernelMinHash  = "minhash"
	KernelEmbed    = "embed"
	KernelTokens   = "tokens"
	KernelWasm     = "wasm"
	KernelQuality  = "quality"  // Gopher, C4 and FineWeb quality signals and filters (issue 13)
	KernelPII      = "pii"      // e-mail, IP address and phone number masking (issue 13)
	KernelDedup    = "dedup"    // dataset-wide dedup over a minhash dataset (dedup.go)
	KernelLanguage = "language" // language identification (issue 13, language.go)
)

// ComputeSpec describes a compute job over a verified dataset.
type ComputeSpec struct {
	// Input is the id of a verified dataset; Column the string column of it
	// the kernel reads (default "text").
	Input  string `json:"input"`
	Column string `json:"column,omitempty"`

	// Kernel is one of minhash, embed, tokens, wasm, quality, pii, dedup,
	// language;
	// its parameters go in the matching field (nil means that kernel's
	// defaults; wasm has none: it names the buyer's module and its output
	// columns; dedup has no parameters: its input is a minhash dataset, see
	// dedup.go).
	Kernel   string          `json:"kernel"`
	MinHash  *MinHashParams  `json:"minhash,omitempty"`
	Embed    *EmbedParams    `json:"embed,omitempty"`
	Tokens   *TokenParams    `json:"tokens,omitempty"`
	Wasm     *WasmParams     `json:"wasm,omitempty"`
	Quality  *QualityParams  `json:"quality,omitempty"`
	PII      *PIIParams      `json:"pii,omitempty"`
	Language *LanguageParams `json:"language,omitempty"`

	// ShardRows is how many input rows make one task (default 1000).
	ShardRows int `json:"shard_rows,omitempty"`

	// GPU asks for nodes with a GPU; the kernel's output is the same either way.
	GPU bool `json:"gpu,omitempty"`

	// Where keeps only the input rows that meet every condition; Carry
	// copies input columns into the output after the kernel's: together
	// they make the job one stage of a pipeline (stage.go).
	Where []Condition `json:"where,omitempty"`
	Carry []Carry     `json:"carry,omitempty"`
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

// Defaults and limits of a JobSpec. A zero value in a spec means the default;
// WithDefaults writes the defaults in.
const (
	DefaultReplication    = 2
	DefaultMaxReplication = 4 // or Replication, when that is larger
	ReplicationLimit      = 16
	DefaultThreshold      = 0.9

	DefaultMaxDepth     = 2
	MaxDepthLimit       = 10
	DefaultMaxPages     = 1000 // or the number of seeds and urls, when that is larger
	MaxPagesLimit       = 1_000_000
	DefaultTaskSize     = 25
	TaskSizeLimit       = 500
	DefaultTextSelector = "body"
	MaxSeeds            = 1000
	MaxURLs             = 100_000
	MaxAllowedDomains   = 1000
	MaxFields           = 64
	MaxExclude          = 64

	DefaultColumn    = "text"
	DefaultShardRows = 1000
	ShardRowsLimit   = 100_000
)

// Shingle kinds and the defaults of MinHashParams. Permutations must be a
// multiple of Bands so that every band has the same number of rows.
const (
	ShingleWord = "word"
	ShingleChar = "char"

	DefaultShingle         = ShingleWord
	DefaultWordShingleSize = 3
	DefaultCharShingleSize = 5
	ShingleSizeLimit       = 32
	DefaultPermutations    = 128
	MinPermutations        = 128
	MaxPermutations        = 1024
	DefaultBands           = 32
)

// Embedding models and token encodings the network ships. compute implements
// exactly these; adding one means adding it here and there together.
const (
	EmbedMeadowMini    = "meadow-mini"
	DefaultEmbedModel  = EmbedMeadowMini
	EncodingCL100kBase = "cl100k_base"
	EncodingO200kBase  = "o200k_base"
	DefaultEncoding    = EncodingCL100kBase
)

// Kernels returns the kernel names a ComputeSpec may name.
func Kernels() []string {
	return []string{KernelMinHash, KernelEmbed, KernelTokens, KernelWasm, KernelQuality, KernelPII, KernelDedup, KernelLanguage}
}

// EmbedModels returns the embedding models EmbedParams.Model may name.
func EmbedModels() []string { return []string{EmbedMeadowMini} }

// Encodings returns the token encodings TokenParams.Encoding may name.
func Encodings() []string { return []string{EncodingCL100kBase, EncodingO200kBase} }

// ReservedFieldNames are the column names a crawl dataset always has; a
// FieldRule may not take them. dataset's schema tests check that its fixed
// content columns are among these. Names starting with "meadow_" are reserved
// too, for provenance columns.
func ReservedFieldNames() []string { return []string{"url", "status", "text", "links"} }

// ReservedFieldPrefix starts every provenance column name.
const ReservedFieldPrefix = "meadow_"

func isReservedField(name string) bool {
	return slices.Contains(ReservedFieldNames(), name) || strings.HasPrefix(name, ReservedFieldPrefix)
}

// Checks are extra validations a server plugs in where api cannot do the
// whole job itself. A nil func means only api's own checks.
type Checks struct {
	// Selector parses a CSS selector fully (cmd/meadow passes crawl's
	// parser to the coordinator); its error text is shown to the buyer.
	Selector func(string) error
	// PublicURLs refuses crawl URLs that no node would fetch: a host that
	// is an IP literal of a non-public range (private, loopback,
	// link-local, CGNAT, multicast, metadata, reserved) or the name
	// localhost (NonPublicHost). Coordinators set it; clients reading a
	// job back do not.
	PublicURLs bool
	// AllowAddrs exempts prefixes from PublicURLs: an explicit setting of
	// tests and meadow dev, which crawl a loopback site, never a default.
	AllowAddrs []netip.Prefix
	// KernelOutputs names the columns a compute job's kernel writes
	// (compute.OutputNames; cmd/meadow and devnet pass it to the
	// coordinators, which cannot import compute), so that a carried column
	// whose name one of them takes is refused at submission. Without it
	// the nodes refuse such a task.
	KernelOutputs func(ComputeSpec) ([]string, error)
}

// Validate checks the spec as a buyer submitted it (zero values mean the
// defaults) with api's own checks; every broken rule is reported, joined,
// as *FieldError values whose paths start at the spec ("crawl.seeds[0]").
func (s JobSpec) Validate() error { return s.ValidateWith(Checks{}) }

// ValidateWith is Validate with the extra checks c.
func (s JobSpec) ValidateWith(c Checks) error {
	var v validator
	s.check(&v, c)
	return v.err()
}

func (s JobSpec) check(v *validator, c Checks) {
	switch s.Kind {
	case JobCrawl:
		if s.Crawl == nil {
			v.add("crawl", "", `a crawl object when kind is "crawl"`)
		} else {
			s.Crawl.check(v, "crawl", c)
		}
		if s.Compute != nil {
			v.add("compute", "{…}", `no compute object when kind is "crawl"`)
		}
	case JobCompute:
		if s.Compute == nil {
			v.add("compute", "", `a compute object when kind is "compute"`)
		} else {
			s.Compute.check(v, "compute")
		}
		if s.Crawl != nil {
			v.add("crawl", "{…}", `no crawl object when kind is "compute"`)
		}
	default:
		v.add("kind", quote(string(s.Kind)), `"crawl" or "compute"`)
	}
	v.text("name", s.Name, MaxNameLength, false)

	rOK := v.optional("replication", int64(s.Replication), 1, ReplicationLimit, "2")
	mOK := v.optional("max_replication", int64(s.MaxReplication), 1, ReplicationLimit, "4")
	if rOK && mOK && s.MaxReplication != 0 {
		r := s.Replication
		if r == 0 {
			r = DefaultReplication
		}
		if s.MaxReplication < r {
			v.add("max_replication", itoa(int64(s.MaxReplication)), "at least replication ("+itoa(int64(r))+")")
		}
	}
	if s.CheckEveryTask && s.Replication == 1 {
		v.add("check_every_task", "true", "false with replication 1 (one node a task checks nothing), or a replication of 2 or more")
	}
	if t := s.Threshold; t != 0 && (!finite(t) || t <= 0 || t > 1) {
		v.add("threshold", ftoa(t), "a number in (0, 1] (or absent for 0.9)")
	}
	if s.Account != "" && !isHexAddress(s.Account) {
		v.add("account", quote(s.Account), `an account address: "0x" and 40 hex digits (or absent: the signer buys)`)
	}
}

// isHexAddress reports "0x" followed by exactly 40 hex digits.
func isHexAddress(s string) bool {
	if len(s) != 42 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') {
		return false
	}
	for _, r := range s[2:] {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F') {
			return false
		}
	}
	return true
}

// WithDefaults returns a copy of s with every default written in: the spec
// the coordinator stores and schedules by, so that a later change of a
// default never changes a running job. It does not validate.
func (s JobSpec) WithDefaults() JobSpec {
	out := s.Clone()
	if out.Replication == 0 {
		out.Replication = DefaultReplication
	}
	if out.MaxReplication == 0 {
		out.MaxReplication = max(DefaultMaxReplication, out.Replication)
	}
	if out.Threshold == 0 {
		out.Threshold = DefaultThreshold
	}
	if out.Crawl != nil {
		c := out.Crawl.WithDefaults()
		out.Crawl = &c
	}
	if out.Compute != nil {
		c := out.Compute.WithDefaults()
		out.Compute = &c
	}
	return out
}

// ThresholdPPM returns the threshold (default 0.9) in parts per million,
// rounded to nearest and at least 1: the form the coordinator's replicated state holds, so
// that every replica compares integers.
func (s JobSpec) ThresholdPPM() uint32 {
	t := s.Threshold
	if t == 0 {
		t = DefaultThreshold
	}
	// A positive threshold never becomes 0, which would verify a task with
	// no row agreed.
	return max(1, uint32(math.Round(t*1e6)))
}

// Clone returns a deep copy of s.
func (s JobSpec) Clone() JobSpec {
	if s.Crawl != nil {
		c := s.Crawl.clone()
		s.Crawl = &c
	}
	if s.Compute != nil {
		c := s.Compute.clone()
		s.Compute = &c
	}
	return s
}

func (c CrawlSpec) clone() CrawlSpec {
	c.Seeds = slices.Clone(c.Seeds)
	c.URLs = slices.Clone(c.URLs)
	c.AllowedDomains = slices.Clone(c.AllowedDomains)
	c.Fields = slices.Clone(c.Fields)
	c.Exclude = slices.Clone(c.Exclude)
	c.Extract = c.Extract.clone()
	return c
}

func (c ComputeSpec) clone() ComputeSpec {
	if c.MinHash != nil {
		p := *c.MinHash
		c.MinHash = &p
	}
	if c.Embed != nil {
		p := *c.Embed
		c.Embed = &p
	}
	if c.Tokens != nil {
		p := *c.Tokens
		c.Tokens = &p
	}
	if c.Wasm != nil {
		p := c.Wasm.clone()
		c.Wasm = &p
	}
	c.Quality = c.Quality.clone()
	c.PII = c.PII.clone()
	c.Where = cloneWhere(c.Where)
	c.Carry = cloneCarry(c.Carry)
	c.Language = c.Language.clone()
	return c
}

// Validate checks a crawl spec on its own; paths are relative to it
// ("seeds[0]").
func (c CrawlSpec) Validate() error {
	var v validator
	c.check(&v, "", Checks{})
	return v.err()
}

func (c CrawlSpec) check(v *validator, p string, chk Checks) {
	if len(c.Seeds) == 0 && len(c.URLs) == 0 {
		v.add(sub(p, "seeds"), "", "at least one URL in seeds or urls")
	}
	if len(c.Seeds) > MaxSeeds {
		v.add(sub(p, "seeds"), items(len(c.Seeds)), "at most "+itoa(MaxSeeds)+" seeds (list the pages in urls instead)")
	}
	if len(c.URLs) > MaxURLs {
		v.add(sub(p, "urls"), items(len(c.URLs)), "at most "+itoa(MaxURLs)+" URLs (submit several jobs)")
	}
	domainsOK := true
	if len(c.AllowedDomains) > MaxAllowedDomains {
		v.add(sub(p, "allowed_domains"), items(len(c.AllowedDomains)), "at most "+itoa(MaxAllowedDomains)+" domains")
		domainsOK = false
	}
	for i, d := range c.AllowedDomains {
		if !CheckHostname(d) {
			v.add(at(sub(p, "allowed_domains"), i), quote(d), HostnameExpected)
			domainsOK = false
		}
	}
	seen := make(map[string]string, len(c.Seeds)+len(c.URLs))
	checkList := func(name string, list []string, scoped bool) {
		for i, u := range list {
			f := at(sub(p, name), i)
			if exp := CheckURL(u); exp != "" {
				v.add(f, quote(u), exp)
				continue
			}
			if chk.PublicURLs {
				if why := NonPublicHost(hostOf(u), chk.AllowAddrs); why != "" {
					v.add(f, quote(u), "a URL whose host is public: it is "+why+", which nodes never fetch")
					continue
				}
			}
			if first, dup := seen[u]; dup {
				v.add(f, quote(u), "each URL once (it is also "+first+")")
				continue
			}
			seen[u] = f
			if scoped && domainsOK && len(c.AllowedDomains) > 0 && !InDomains(hostOf(u), c.AllowedDomains) {
				v.add(f, quote(u), "a URL whose host is within allowed_domains")
			}
		}
	}
	checkList("seeds", c.Seeds, true)
	checkList("urls", c.URLs, false)

	v.optional(sub(p, "max_depth"), int64(c.MaxDepth), 1, MaxDepthLimit, "2")
	if v.optional(sub(p, "max_pages"), int64(c.MaxPages), 1, MaxPagesLimit, "1000") && c.MaxPages != 0 {
		if n := len(c.Seeds) + len(c.URLs); c.MaxPages < n {
			v.add(sub(p, "max_pages"), itoa(int64(c.MaxPages)), "at least the number of seeds and urls ("+itoa(int64(n))+")")
		}
	}
	v.optional(sub(p, "task_size"), int64(c.TaskSize), 1, TaskSizeLimit, "25")
	checkExtraction(v, p, c.Fields, c.TextSelector, c.Exclude, false, chk)
	if c.Extract != nil {
		c.Extract.check(v, sub(p, "extract"), false)
	}
}

// checkExtraction checks the extraction rules shared by CrawlSpec and
// CrawlTask. In a task the text selector is required (defaults resolved).
func checkExtraction(v *validator, p string, fields []FieldRule, text string, exclude []string, task bool, chk Checks) {
	if len(fields) > MaxFields {
		v.add(sub(p, "fields"), items(len(fields)), "at most "+itoa(MaxFields)+" fields")
	}
	names := make(map[string]int, len(fields))
	for i, f := range fields {
		fp := at(sub(p, "fields"), i)
		switch j, dup := names[f.Name]; {
		case !reFieldName.MatchString(f.Name):
			v.add(sub(fp, "name"), quote(f.Name), FieldNameExpected)
		case isReservedField(f.Name):
			v.add(sub(fp, "name"), quote(f.Name), "a name other than url, status, text, links and meadow_…, which every crawl dataset has")
		case dup:
			v.add(sub(fp, "name"), quote(f.Name), "a name no other field has (fields["+itoa(int64(j))+"] has it)")
		default:
			names[f.Name] = i
		}
		checkSelector(v, sub(fp, "selector"), f.Selector, chk)
		if f.Attr != "" && !reAttr.MatchString(f.Attr) {
			v.add(sub(fp, "attr"), quote(f.Attr), "an HTML attribute name such as href")
		}
	}
	if text != "" || task {
		checkSelector(v, sub(p, "text_selector"), text, chk)
	}
	if len(exclude) > MaxExclude {
		v.add(sub(p, "exclude"), items(len(exclude)), "at most "+itoa(MaxExclude)+" selectors")
	}
	for i, s := range exclude {
		checkSelector(v, at(sub(p, "exclude"), i), s, chk)
	}
}

func checkSelector(v *validator, field, s string, chk Checks) {
	err := CheckSelector(s)
	if err == nil && chk.Selector != nil {
		err = chk.Selector(s)
	}
	if err != nil {
		v.add(field, quote(s), SelectorExpected+" ("+strings.TrimPrefix(err.Error(), "css selector: ")+")")
	}
}

// items formats the length of a list for a FieldError's Value.
func items(n int) string { return "[" + itoa(int64(n)) + " items]" }

// WithDefaults returns a copy of c with its defaults written in. An empty
// AllowedDomains becomes the distinct hosts of the seeds, in seed order.
func (c CrawlSpec) WithDefaults() CrawlSpec {
	out := c.clone()
	if out.MaxDepth == 0 {
		out.MaxDepth = DefaultMaxDepth
	}
	if out.MaxPages == 0 {
		out.MaxPages = min(max(DefaultMaxPages, len(c.Seeds)+len(c.URLs)), MaxPagesLimit)
	}
	if out.TaskSize == 0 {
		out.TaskSize = DefaultTaskSize
	}
	if out.TextSelector == "" {
		out.TextSelector = DefaultTextSelector
	}
	if out.Extract != nil {
		out.Extract.withDefaults()
	}
	if len(out.AllowedDomains) == 0 && len(out.Seeds) > 0 {
		for _, s := range out.Seeds {
			if h := hostOf(s); validHost(h) && !slices.Contains(out.AllowedDomains, h) {
				out.AllowedDomains = append(out.AllowedDomains, h)
			}
		}
	}
	return out
}

// Validate checks a compute spec on its own; paths are relative to it.
func (c ComputeSpec) Validate() error {
	var v validator
	c.check(&v, "")
	return v.err()
}

func (c ComputeSpec) check(v *validator, p string) {
	if c.Input == "" {
		v.add(sub(p, "input"), "", "the id of a verified dataset")
	} else {
		v.id(sub(p, "input"), c.Input)
	}
	if c.Column != "" && !reFieldName.MatchString(c.Column) {
		v.add(sub(p, "column"), quote(c.Column), "a column name matching ^[a-z][a-z0-9_]{0,62}$")
	}
	if c.Kernel == KernelDedup {
		c.checkDedup(v, p)
	} else {
		v.optional(sub(p, "shard_rows"), int64(c.ShardRows), 1, ShardRowsLimit, "1000")
	}
	checkKernel(v, p, c.Kernel, kernelParams{c.MinHash, c.Embed, c.Tokens, c.Wasm, c.Quality, c.PII, c.Language}, false)
	checkStage(v, p, c.Where, c.Carry)
}

// checkKernel checks a kernel name and its parameters, shared by
// ComputeSpec and ComputeTask. In a task (resolved) the kernel's parameters
// must be present with every value written in, so that a node never applies
// defaults of its own: a node with other defaults would disagree with its
// replicas.
func checkKernel(v *validator, p, kernel string, kp kernelParams, resolved bool) {
	set := map[string]bool{
		KernelMinHash: kp.mh != nil, KernelEmbed: kp.em != nil,
		KernelTokens: kp.tk != nil, KernelWasm: kp.wp != nil,
		KernelQuality: kp.qp != nil, KernelPII: kp.pp != nil,
		KernelLanguage: kp.lp != nil,
	}
	if !slices.Contains(Kernels(), kernel) {
		v.add(sub(p, "kernel"), quote(kernel), "one of "+strings.Join(Kernels(), ", "))
		return
	}
	for _, other := range Kernels() {
		if other != kernel && set[other] {
			v.add(sub(p, other), "{…}", "no "+other+" parameters for kernel "+quote(kernel))
		}
	}
	if kernel == KernelDedup {
		return // no parameters: its column and rows are checked by checkDedup
	}
	// A task must carry its kernel's parameters with every value written
	// in; so must a wasm spec, whose module and outputs have no default.
	if !set[kernel] {
		if resolved || kernel == KernelWasm {
			v.add(sub(p, kernel), "", "the "+kernel+" parameters, every value written in")
		}
		return
	}
	switch kernel {
	case KernelMinHash:
		kp.mh.check(v, sub(p, "minhash"), resolved)
	case KernelEmbed:
		oneOf(v, sub(p, "embed.model"), kp.em.Model, EmbedModels(), resolved)
	case KernelTokens:
		oneOf(v, sub(p, "tokens.encoding"), kp.tk.Encoding, Encodings(), resolved)
	case KernelWasm:
		kp.wp.check(v, sub(p, "wasm"), resolved)
	case KernelQuality:
		kp.qp.check(v, sub(p, "quality"), resolved)
	case KernelPII:
		kp.pp.check(v, sub(p, "pii"), resolved)
	case KernelLanguage:
		kp.lp.check(v, sub(p, "language"), resolved)
	}
}

// kernelParams are the parameters of the kernels, at most one set.
type kernelParams struct {
	mh *MinHashParams
	em *EmbedParams
	tk *TokenParams
	wp *WasmParams
	qp *QualityParams
	pp *PIIParams
	lp *LanguageParams
}

// oneOf checks that s is one of allowed, or empty (the default) unless
// required.
func oneOf(v *validator, field, s string, allowed []string, required bool) {
	if s == "" && !required {
		return
	}
	if !slices.Contains(allowed, s) {
		v.add(field, quote(s), "one of "+strings.Join(allowed, ", "))
	}
}

func (m *MinHashParams) check(v *validator, p string, resolved bool) {
	oneOf(v, sub(p, "shingle"), m.Shingle, []string{ShingleWord, ShingleChar}, resolved)
	v.num(sub(p, "size"), int64(m.Size), 1, ShingleSizeLimit, "3 words or 5 chars", resolved)
	permOK := v.num(sub(p, "permutations"), int64(m.Permutations), MinPermutations, MaxPermutations, "128", resolved)
	bandsOK := v.num(sub(p, "bands"), int64(m.Bands), 1, MaxPermutations, "32", resolved)
	if permOK && bandsOK {
		perms, bands := m.Permutations, m.Bands
		if perms == 0 {
			perms = DefaultPermutations
		}
		if bands == 0 {
			bands = DefaultBands
		}
		if perms%bands != 0 {
			v.add(sub(p, "permutations"), itoa(int64(perms)), "a multiple of bands ("+itoa(int64(bands))+")")
		}
	}
}

// WithDefaults returns a copy of c with its defaults written in, including
// every parameter of its kernel.
func (c ComputeSpec) WithDefaults() ComputeSpec {
	out := c.clone()
	if out.Kernel == KernelDedup {
		out.withDedupDefaults()
	}
	if out.Column == "" {
		out.Column = DefaultColumn
	}
	if out.ShardRows == 0 {
		out.ShardRows = DefaultShardRows
	}
	switch out.Kernel {
	case KernelMinHash:
		if out.MinHash == nil {
			out.MinHash = &MinHashParams{}
		}
		m := out.MinHash
		if m.Shingle == "" {
			m.Shingle = DefaultShingle
		}
		if m.Size == 0 {
			m.Size = DefaultWordShingleSize
			if m.Shingle == ShingleChar {
				m.Size = DefaultCharShingleSize
			}
		}
		if m.Permutations == 0 {
			m.Permutations = DefaultPermutations
		}
		if m.Bands == 0 {
			m.Bands = DefaultBands
		}
	case KernelEmbed:
		if out.Embed == nil {
			out.Embed = &EmbedParams{}
		}
		if out.Embed.Model == "" {
			out.Embed.Model = DefaultEmbedModel
		}
	case KernelTokens:
		if out.Tokens == nil {
			out.Tokens = &TokenParams{}
		}
		if out.Tokens.Encoding == "" {
			out.Tokens.Encoding = DefaultEncoding
		}
	case KernelWasm:
		if out.Wasm != nil {
			out.Wasm.withDefaults()
		}
	case KernelQuality:
		if out.Quality == nil {
			out.Quality = &QualityParams{}
		}
		out.Quality.withDefaults()
	case KernelPII:
		if out.PII == nil {
			out.PII = &PIIParams{}
		}
		out.PII.withDefaults()
	case KernelLanguage:
		if out.Language == nil {
			out.Language = &LanguageParams{}
		}
		out.Language.withDefaults()
	}
	return out
}
