package api

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func crawlJob(edit func(*CrawlSpec)) JobSpec {
	c := &CrawlSpec{Seeds: []string{"https://example.com/"}}
	if edit != nil {
		edit(c)
	}
	return JobSpec{Kind: JobCrawl, Crawl: c}
}

func computeJob(edit func(*ComputeSpec)) JobSpec {
	c := &ComputeSpec{Input: "ds-1", Kernel: KernelMinHash}
	if edit != nil {
		edit(c)
	}
	return JobSpec{Kind: JobCompute, Compute: c}
}

func wasmJob(edit func(*WasmParams)) JobSpec {
	w := &WasmParams{Module: Hash{1}, Outputs: []WasmColumn{{Name: "clean", Type: WasmString}}}
	if edit != nil {
		edit(w)
	}
	return computeJob(func(c *ComputeSpec) { c.Kernel = KernelWasm; c.Wasm = w })
}

func job(s JobSpec, edit func(*JobSpec)) JobSpec {
	edit(&s)
	return s
}

func manyURLs(n int, prefix string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + itoa(int64(i))
	}
	return out
}

func fields(names ...string) []FieldRule {
	out := make([]FieldRule, len(names))
	for i, n := range names {
		out[i] = FieldRule{Name: n, Selector: "h1"}
	}
	return out
}

func TestJobSpecValidate(t *testing.T) {
	tests := []struct {
		name  string
		spec  JobSpec
		field string // "" when the spec is valid
		want  string
	}{
		// kind and sections
		{name: "crawl minimal", spec: crawlJob(nil)},
		{name: "compute minimal", spec: computeJob(nil)},
		{name: "kind empty", spec: job(crawlJob(nil), func(s *JobSpec) { s.Kind = "" }), field: "kind", want: `"crawl" or "compute"`},
		{name: "kind unknown", spec: job(crawlJob(nil), func(s *JobSpec) { s.Kind = "scrape" }), field: "kind", want: `"scrape"`},
		{name: "crawl missing", spec: JobSpec{Kind: JobCrawl}, field: "crawl", want: "a crawl object"},
		{name: "compute missing", spec: JobSpec{Kind: JobCompute}, field: "compute", want: "a compute object"},
		{name: "compute beside crawl", spec: job(crawlJob(nil), func(s *JobSpec) { s.Compute = &ComputeSpec{} }), field: "compute", want: "no compute object"},
		{name: "crawl beside compute", spec: job(computeJob(nil), func(s *JobSpec) { s.Crawl = &CrawlSpec{} }), field: "crawl", want: "no crawl object"},

		// name
		{name: "name set", spec: job(crawlJob(nil), func(s *JobSpec) { s.Name = "Wikipedia sample — été" })},
		{name: "name control char", spec: job(crawlJob(nil), func(s *JobSpec) { s.Name = "a\nb" }), field: "name", want: "without control characters"},
		{name: "name too long", spec: job(crawlJob(nil), func(s *JobSpec) { s.Name = strings.Repeat("n", MaxNameLength+1) }), field: "name", want: "at most 200 bytes"},
		{name: "name not utf8", spec: job(crawlJob(nil), func(s *JobSpec) { s.Name = "\xff" }), field: "name", want: "UTF-8"},

		// replication
		{name: "replication 1", spec: job(crawlJob(nil), func(s *JobSpec) { s.Replication = 1 })},
		{name: "replication 16", spec: job(crawlJob(nil), func(s *JobSpec) { s.Replication = 16; s.MaxReplication = 16 })},
		{name: "replication above default max", spec: job(crawlJob(nil), func(s *JobSpec) { s.Replication = 6 })},
		{name: "replication 17", spec: job(crawlJob(nil), func(s *JobSpec) { s.Replication = 17 }), field: "replication", want: "from 1 to 16"},
		{name: "replication negative", spec: job(crawlJob(nil), func(s *JobSpec) { s.Replication = -1 }), field: "replication", want: "-1"},
		{name: "max_replication 17", spec: job(crawlJob(nil), func(s *JobSpec) { s.MaxReplication = 17 }), field: "max_replication", want: "from 1 to 16"},
		{name: "max_replication below default k", spec: job(crawlJob(nil), func(s *JobSpec) { s.MaxReplication = 1 }), field: "max_replication", want: "at least replication (2)"},
		{name: "max_replication below k", spec: job(crawlJob(nil), func(s *JobSpec) { s.Replication = 5; s.MaxReplication = 3 }), field: "max_replication", want: "at least replication (5)"},

		// threshold
		{name: "threshold 1", spec: job(crawlJob(nil), func(s *JobSpec) { s.Threshold = 1 })},
		{name: "threshold tiny", spec: job(crawlJob(nil), func(s *JobSpec) { s.Threshold = 1e-6 })},
		{name: "threshold above 1", spec: job(crawlJob(nil), func(s *JobSpec) { s.Threshold = 1.01 }), field: "threshold", want: "(0, 1]"},
		{name: "threshold negative", spec: job(crawlJob(nil), func(s *JobSpec) { s.Threshold = -0.5 }), field: "threshold", want: "-0.5"},
		{name: "threshold NaN", spec: job(crawlJob(nil), func(s *JobSpec) { s.Threshold = math.NaN() }), field: "threshold", want: "NaN"},
		{name: "threshold Inf", spec: job(crawlJob(nil), func(s *JobSpec) { s.Threshold = math.Inf(1) }), field: "threshold", want: "(0, 1]"},
		{name: "check every task", spec: job(crawlJob(nil), func(s *JobSpec) { s.CheckEveryTask = true })},
		{name: "check every task, k 3", spec: job(crawlJob(nil), func(s *JobSpec) { s.CheckEveryTask, s.Replication = true, 3 })},
		{name: "check every task alone", spec: job(crawlJob(nil), func(s *JobSpec) { s.CheckEveryTask, s.Replication = true, 1 }), field: "check_every_task", want: "replication of 2 or more"},

		// seeds and urls
		{name: "urls only", spec: crawlJob(func(c *CrawlSpec) { c.Seeds = nil; c.URLs = []string{"http://a.example/x?y=1#z"} })},
		{name: "ip host and port", spec: crawlJob(func(c *CrawlSpec) { c.Seeds = []string{"http://127.0.0.1:8080/", "http://[::1]:80/"} })},
		{name: "uppercase scheme and host", spec: crawlJob(func(c *CrawlSpec) { c.Seeds = []string{"HTTPS://Example.COM/"} })},
		{name: "no urls", spec: crawlJob(func(c *CrawlSpec) { c.Seeds = nil }), field: "crawl.seeds", want: "at least one URL in seeds or urls"},
		{name: "seed ftp", spec: crawlJob(func(c *CrawlSpec) { c.Seeds = []string{"ftp://x"} }), field: "crawl.seeds[0]", want: `"ftp://x": expected an http or https URL`},
		{name: "seed relative", spec: crawlJob(func(c *CrawlSpec) { c.Seeds = []string{"/about"} }), field: "crawl.seeds[0]", want: "http or https"},
		{name: "seed without host", spec: crawlJob(func(c *CrawlSpec) { c.Seeds = []string{"http:///x"} }), field: "crawl.seeds[0]", want: "with a host"},
		{name: "seed opaque", spec: crawlJob(func(c *CrawlSpec) { c.Seeds = []string{"http:example.com"} }), field: "crawl.seeds[0]", want: "with a host"},
		{name: "seed with credentials", spec: crawlJob(func(c *CrawlSpec) { c.Seeds = []string{"https://u:p@example.com/"} }), field: "crawl.seeds[0]", want: "without user:password"},
		{name: "seed with space", spec: crawlJob(func(c *CrawlSpec) { c.Seeds = []string{"https://example.com/a b"} }), field: "crawl.seeds[0]", want: "without white space"},
		{name: "seed bad host", spec: crawlJob(func(c *CrawlSpec) { c.Seeds = []string{"https://-bad.example/"} }), field: "crawl.seeds[0]", want: "DNS name"},
		{name: "seed unicode host", spec: crawlJob(func(c *CrawlSpec) { c.Seeds = []string{"https://bücher.example/"} }), field: "crawl.seeds[0]", want: "punycode"},
		{name: "seed port 0", spec: crawlJob(func(c *CrawlSpec) { c.Seeds = []string{"https://example.com:0/"} }), field: "crawl.seeds[0]", want: "port from 1 to 65535"},
		{name: "seed port too big", spec: crawlJob(func(c *CrawlSpec) { c.Seeds = []string{"https://example.com:70000/"} }), field: "crawl.seeds[0]", want: "port"},
		{name: "seed empty port", spec: crawlJob(func(c *CrawlSpec) { c.Seeds = []string{"https://example.com:/"} }), field: "crawl.seeds[0]", want: "port"},
		{name: "url too long", spec: crawlJob(func(c *CrawlSpec) { c.URLs = []string{"https://example.com/" + strings.Repeat("a", MaxURLLength)} }), field: "crawl.urls[0]", want: "at most 2048 bytes"},
		{name: "url duplicate of seed", spec: crawlJob(func(c *CrawlSpec) { c.URLs = []string{"https://example.com/"} }), field: "crawl.urls[0]", want: "it is also crawl.seeds[0]"},
		{name: "too many seeds", spec: crawlJob(func(c *CrawlSpec) { c.Seeds = manyURLs(MaxSeeds+1, "https://example.com/") }), field: "crawl.seeds", want: "at most 1000 seeds"},
		{name: "too many urls", spec: crawlJob(func(c *CrawlSpec) { c.Seeds = nil; c.URLs = manyURLs(MaxURLs+1, "https://e.example/") }), field: "crawl.urls", want: "at most 100000 URLs"},

		// allowed_domains
		{name: "seed within allowed domain", spec: crawlJob(func(c *CrawlSpec) {
			c.Seeds = []string{"https://www.example.com/"}
			c.AllowedDomains = []string{"example.com", "10.0.0.1"}
		})},
		{name: "seed outside allowed domains", spec: crawlJob(func(c *CrawlSpec) { c.AllowedDomains = []string{"example.org"} }), field: "crawl.seeds[0]", want: "within allowed_domains"},
		{name: "suffix is not a subdomain", spec: crawlJob(func(c *CrawlSpec) {
			c.Seeds = []string{"https://badexample.com/"}
			c.AllowedDomains = []string{"example.com"}
		}), field: "crawl.seeds[0]", want: "within allowed_domains"},
		{name: "url outside allowed domains is fine", spec: crawlJob(func(c *CrawlSpec) {
			c.URLs = []string{"https://other.example/"}
			c.AllowedDomains = []string{"example.com"}
		})},
		{name: "domain uppercase", spec: crawlJob(func(c *CrawlSpec) { c.AllowedDomains = []string{"Example.com"} }), field: "crawl.allowed_domains[0]", want: "lowercase host name"},
		{name: "domain with scheme", spec: crawlJob(func(c *CrawlSpec) { c.AllowedDomains = []string{"https://example.com"} }), field: "crawl.allowed_domains[0]", want: "no scheme"},
		{name: "domain with port", spec: crawlJob(func(c *CrawlSpec) { c.AllowedDomains = []string{"example.com:80"} }), field: "crawl.allowed_domains[0]", want: "no scheme, port"},
		{name: "domain wildcard", spec: crawlJob(func(c *CrawlSpec) { c.AllowedDomains = []string{"*.example.com"} }), field: "crawl.allowed_domains[0]", want: "host name"},
		{name: "domain empty", spec: crawlJob(func(c *CrawlSpec) { c.AllowedDomains = []string{""} }), field: "crawl.allowed_domains[0]", want: "host name"},
		{name: "domain trailing dot", spec: crawlJob(func(c *CrawlSpec) { c.AllowedDomains = []string{"example.com."} }), field: "crawl.allowed_domains[0]", want: "host name"},
		{name: "domain label too long", spec: crawlJob(func(c *CrawlSpec) { c.AllowedDomains = []string{strings.Repeat("a", 64) + ".com"} }), field: "crawl.allowed_domains[0]", want: "host name"},
		{name: "too many domains", spec: crawlJob(func(c *CrawlSpec) { c.AllowedDomains = manyURLs(MaxAllowedDomains+1, "d") }), field: "crawl.allowed_domains", want: "at most 1000 domains"},

		// numbers
		{name: "bounds", spec: crawlJob(func(c *CrawlSpec) { c.MaxDepth = MaxDepthLimit; c.MaxPages = MaxPagesLimit; c.TaskSize = TaskSizeLimit })},
		{name: "max_depth 11", spec: crawlJob(func(c *CrawlSpec) { c.MaxDepth = 11 }), field: "crawl.max_depth", want: "11: expected an integer from 1 to 10"},
		{name: "max_depth negative", spec: crawlJob(func(c *CrawlSpec) { c.MaxDepth = -1 }), field: "crawl.max_depth", want: "from 1 to 10"},
		{name: "max_pages too many", spec: crawlJob(func(c *CrawlSpec) { c.MaxPages = MaxPagesLimit + 1 }), field: "crawl.max_pages", want: "from 1 to 1000000"},
		{name: "max_pages negative", spec: crawlJob(func(c *CrawlSpec) { c.MaxPages = -3 }), field: "crawl.max_pages", want: "-3"},
		{name: "max_pages below urls", spec: crawlJob(func(c *CrawlSpec) { c.URLs = manyURLs(3, "https://x.example/"); c.MaxPages = 2 }), field: "crawl.max_pages", want: "at least the number of seeds and urls (4)"},
		{name: "task_size too big", spec: crawlJob(func(c *CrawlSpec) { c.TaskSize = TaskSizeLimit + 1 }), field: "crawl.task_size", want: "from 1 to 500"},
		{name: "task_size negative", spec: crawlJob(func(c *CrawlSpec) { c.TaskSize = -1 }), field: "crawl.task_size", want: "from 1 to 500"},

		// fields
		{name: "fields good", spec: crawlJob(func(c *CrawlSpec) {
			c.Fields = []FieldRule{{Name: "title", Selector: "h1.title"}, {Name: "link_2", Selector: "a[rel=next]", Attr: "href"}, {Name: "x", Selector: "meta[property='og:title']", Attr: "content"}}
		})},
		{name: "field name empty", spec: crawlJob(func(c *CrawlSpec) { c.Fields = fields("") }), field: "crawl.fields[0].name", want: `"": expected a name matching`},
		{name: "field name digit first", spec: crawlJob(func(c *CrawlSpec) { c.Fields = fields("1a") }), field: "crawl.fields[0].name", want: "^[a-z][a-z0-9_]{0,62}$"},
		{name: "field name dash", spec: crawlJob(func(c *CrawlSpec) { c.Fields = fields("a-b") }), field: "crawl.fields[0].name", want: "a name matching"},
		{name: "field name uppercase", spec: crawlJob(func(c *CrawlSpec) { c.Fields = fields("Title") }), field: "crawl.fields[0].name", want: "a name matching"},
		{name: "field name 63", spec: crawlJob(func(c *CrawlSpec) { c.Fields = fields("a" + strings.Repeat("b", 62)) })},
		{name: "field name 64", spec: crawlJob(func(c *CrawlSpec) { c.Fields = fields("a" + strings.Repeat("b", 63)) }), field: "crawl.fields[0].name", want: "a name matching"},
		{name: "field name reserved", spec: crawlJob(func(c *CrawlSpec) { c.Fields = fields("url") }), field: "crawl.fields[0].name", want: "other than url"},
		{name: "field name provenance", spec: crawlJob(func(c *CrawlSpec) { c.Fields = fields("meadow_node") }), field: "crawl.fields[0].name", want: "meadow_"},
		{name: "field name duplicate", spec: crawlJob(func(c *CrawlSpec) { c.Fields = fields("a", "b", "a") }), field: "crawl.fields[2].name", want: "fields[0] has it"},
		{name: "selector empty", spec: crawlJob(func(c *CrawlSpec) { c.Fields = []FieldRule{{Name: "a"}} }), field: "crawl.fields[0].selector", want: "valid CSS selector"},
		{name: "selector unclosed", spec: crawlJob(func(c *CrawlSpec) {
			c.Fields = []FieldRule{{Name: "a", Selector: "h1"}, {Name: "b", Selector: "h1"}, {Name: "c", Selector: "div["}}
		}), field: "crawl.fields[2].selector", want: `api: crawl.fields[2].selector "div[": expected a valid CSS selector`},
		{name: "attr bad", spec: crawlJob(func(c *CrawlSpec) { c.Fields = []FieldRule{{Name: "a", Selector: "a", Attr: "hr ef"}} }), field: "crawl.fields[0].attr", want: "attribute name"},
		{name: "too many fields", spec: crawlJob(func(c *CrawlSpec) { c.Fields = fields(manyURLs(MaxFields+1, "f")...) }), field: "crawl.fields", want: "at most 64 fields"},
		{name: "text_selector bad", spec: crawlJob(func(c *CrawlSpec) { c.TextSelector = "main >" }), field: "crawl.text_selector", want: "valid CSS selector"},
		{name: "text_selector good", spec: crawlJob(func(c *CrawlSpec) { c.TextSelector = "main article, #content" })},
		{name: "exclude bad", spec: crawlJob(func(c *CrawlSpec) { c.Exclude = []string{".ad", "#"} }), field: "crawl.exclude[1]", want: "valid CSS selector"},
		{name: "too many excludes", spec: crawlJob(func(c *CrawlSpec) { c.Exclude = manyURLs(MaxExclude+1, ".x") }), field: "crawl.exclude", want: "at most 64"},

		// compute
		{name: "compute embed", spec: computeJob(func(c *ComputeSpec) { c.Kernel = KernelEmbed; c.Embed = &EmbedParams{Model: EmbedMeadowMini} })},
		{name: "compute tokens o200k", spec: computeJob(func(c *ComputeSpec) { c.Kernel = KernelTokens; c.Tokens = &TokenParams{Encoding: EncodingO200kBase} })},
		{name: "compute all set", spec: computeJob(func(c *ComputeSpec) {
			c.Column = "body_text"
			c.ShardRows = ShardRowsLimit
			c.GPU = true
			c.MinHash = &MinHashParams{Shingle: ShingleChar, Size: 32, Permutations: 1024, Bands: 64}
		})},
		{name: "input missing", spec: computeJob(func(c *ComputeSpec) { c.Input = "" }), field: "compute.input", want: "the id of a verified dataset"},
		{name: "input bad", spec: computeJob(func(c *ComputeSpec) { c.Input = "a/b" }), field: "compute.input", want: "an id of"},
		{name: "column bad", spec: computeJob(func(c *ComputeSpec) { c.Column = "Text" }), field: "compute.column", want: "column name"},
		{name: "kernel missing", spec: computeJob(func(c *ComputeSpec) { c.Kernel = "" }), field: "compute.kernel", want: "one of minhash, embed, tokens"},
		{name: "kernel unknown", spec: computeJob(func(c *ComputeSpec) { c.Kernel = "bert" }), field: "compute.kernel", want: `"bert"`},
		{name: "params of another kernel", spec: computeJob(func(c *ComputeSpec) { c.Embed = &EmbedParams{} }), field: "compute.embed", want: `no embed parameters for kernel "minhash"`},
		{name: "shard_rows too big", spec: computeJob(func(c *ComputeSpec) { c.ShardRows = ShardRowsLimit + 1 }), field: "compute.shard_rows", want: "from 1 to 100000"},
		{name: "shingle unknown", spec: computeJob(func(c *ComputeSpec) { c.MinHash = &MinHashParams{Shingle: "line"} }), field: "compute.minhash.shingle", want: "one of word, char"},
		{name: "size too big", spec: computeJob(func(c *ComputeSpec) { c.MinHash = &MinHashParams{Size: 33} }), field: "compute.minhash.size", want: "from 1 to 32"},
		{name: "size negative", spec: computeJob(func(c *ComputeSpec) { c.MinHash = &MinHashParams{Size: -1} }), field: "compute.minhash.size", want: "from 1 to 32"},
		{name: "permutations too few", spec: computeJob(func(c *ComputeSpec) { c.MinHash = &MinHashParams{Permutations: 64} }), field: "compute.minhash.permutations", want: "from 128 to 1024"},
		{name: "permutations too many", spec: computeJob(func(c *ComputeSpec) { c.MinHash = &MinHashParams{Permutations: 2048} }), field: "compute.minhash.permutations", want: "from 128 to 1024"},
		{name: "permutations not multiple of default bands", spec: computeJob(func(c *ComputeSpec) { c.MinHash = &MinHashParams{Permutations: 130} }), field: "compute.minhash.permutations", want: "130: expected a multiple of bands (32)"},
		{name: "bands not dividing default permutations", spec: computeJob(func(c *ComputeSpec) { c.MinHash = &MinHashParams{Bands: 3} }), field: "compute.minhash.permutations", want: "multiple of bands (3)"},
		{name: "bands negative", spec: computeJob(func(c *ComputeSpec) { c.MinHash = &MinHashParams{Bands: -2} }), field: "compute.minhash.bands", want: "from 1 to 1024"},
		{name: "embed model unknown", spec: computeJob(func(c *ComputeSpec) { c.Kernel = KernelEmbed; c.Embed = &EmbedParams{Model: "gpt"} }), field: "compute.embed.model", want: "one of meadow-mini"},
		{name: "encoding unknown", spec: computeJob(func(c *ComputeSpec) { c.Kernel = KernelTokens; c.Tokens = &TokenParams{Encoding: "p50k_base"} }), field: "compute.tokens.encoding", want: "one of cl100k_base, o200k_base"},
		{name: "dedup", spec: computeJob(func(c *ComputeSpec) { c.Kernel = KernelDedup })},
		{name: "dedup defaults written in", spec: computeJob(func(c *ComputeSpec) {
			c.Kernel, c.Column, c.ShardRows = KernelDedup, DedupColumn, DedupRowsLimit
		})},
		{name: "dedup text column", spec: computeJob(func(c *ComputeSpec) { c.Kernel, c.Column = KernelDedup, "text" }), field: "compute.column", want: `"text": expected absent or minhash_bands`},
		{name: "dedup shard_rows", spec: computeJob(func(c *ComputeSpec) { c.Kernel, c.ShardRows = KernelDedup, 500 }), field: "compute.shard_rows", want: "one task over every row of its input (at most 100000)"},
		{name: "dedup shard_rows past the limit", spec: computeJob(func(c *ComputeSpec) { c.Kernel, c.ShardRows = KernelDedup, DedupRowsLimit+1 }), field: "compute.shard_rows", want: "absent"},
		{name: "dedup gpu", spec: computeJob(func(c *ComputeSpec) { c.Kernel, c.GPU = KernelDedup, true }), field: "compute.gpu", want: "no GPU implementation"},
		{name: "dedup with minhash parameters", spec: computeJob(func(c *ComputeSpec) { c.Kernel, c.MinHash = KernelDedup, &MinHashParams{} }), field: "compute.minhash", want: `no minhash parameters for kernel "dedup"`},
		{name: "dedup with tokens parameters", spec: computeJob(func(c *ComputeSpec) { c.Kernel, c.Tokens = KernelDedup, &TokenParams{} }), field: "compute.tokens", want: `no tokens parameters for kernel "dedup"`},
		{name: "wasm", spec: wasmJob(nil)},
		{name: "wasm every type", spec: wasmJob(func(w *WasmParams) {
			w.Outputs = nil
			for i, ty := range WasmTypes() {
				w.Outputs = append(w.Outputs, WasmColumn{Name: "c" + itoa(int64(i)), Type: ty})
			}
		})},
		{name: "wasm limits at the ceiling", spec: wasmJob(func(w *WasmParams) {
			w.Fuel, w.MemoryMiB, w.OutputMiB = MaxWasmFuel, MaxWasmMemoryMiB, MaxWasmOutputMiB
		})},
		{name: "wasm without parameters", spec: computeJob(func(c *ComputeSpec) { c.Kernel = KernelWasm }), field: "compute.wasm", want: "the wasm parameters"},
		{name: "wasm with minhash parameters", spec: job(wasmJob(nil), func(s *JobSpec) { s.Compute.MinHash = &MinHashParams{} }), field: "compute.minhash", want: "no minhash parameters for kernel \"wasm\""},
		{name: "wasm parameters for minhash", spec: computeJob(func(c *ComputeSpec) { c.Wasm = &WasmParams{} }), field: "compute.wasm", want: "no wasm parameters"},
		{name: "wasm no module", spec: wasmJob(func(w *WasmParams) { w.Module = Hash{} }), field: "compute.wasm.module", want: "SHA-256 of an uploaded module"},
		{name: "wasm no outputs", spec: wasmJob(func(w *WasmParams) { w.Outputs = nil }), field: "compute.wasm.outputs", want: "1 to 64 columns"},
		{name: "wasm too many outputs", spec: wasmJob(func(w *WasmParams) {
			for i := 0; i < MaxWasmOutputs; i++ {
				w.Outputs = append(w.Outputs, WasmColumn{Name: "x" + itoa(int64(i)), Type: WasmInt64})
			}
		}), field: "compute.wasm.outputs", want: "1 to 64 columns"},
		{name: "wasm reserved name", spec: wasmJob(func(w *WasmParams) { w.Outputs[0].Name = "source_hash" }), field: "compute.wasm.outputs[0].name", want: "other than meadow's own columns"},
		{name: "wasm status name", spec: wasmJob(func(w *WasmParams) { w.Outputs[0].Name = ColWasmStatus }), field: "compute.wasm.outputs[0].name", want: "other than meadow's own columns"},
		{name: "wasm bad name", spec: wasmJob(func(w *WasmParams) { w.Outputs[0].Name = "Clean Text" }), field: "compute.wasm.outputs[0].name", want: FieldNameExpected},
		{name: "wasm repeated name", spec: wasmJob(func(w *WasmParams) { w.Outputs = append(w.Outputs, w.Outputs[0]) }), field: "compute.wasm.outputs[1].name", want: "not used by an earlier column"},
		{name: "wasm unknown type", spec: wasmJob(func(w *WasmParams) { w.Outputs[0].Type = "list<float64>" }), field: "compute.wasm.outputs[0].type", want: "one of string, int64"},
		{name: "wasm fuel past the ceiling", spec: wasmJob(func(w *WasmParams) { w.Fuel = MaxWasmFuel + 1 }), field: "compute.wasm.fuel", want: "from 1 to 1000000000000"},
		{name: "wasm memory past the ceiling", spec: wasmJob(func(w *WasmParams) { w.MemoryMiB = 2048 }), field: "compute.wasm.memory_mib", want: "from 1 to 1024"},
		{name: "wasm memory negative", spec: wasmJob(func(w *WasmParams) { w.MemoryMiB = -1 }), field: "compute.wasm.memory_mib", want: "from 1 to 1024"},
		{name: "wasm output past the ceiling", spec: wasmJob(func(w *WasmParams) { w.OutputMiB = 4096 }), field: "compute.wasm.output_mib", want: "from 1 to 1024"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFieldErr(t, tt.spec.Validate(), tt.field, tt.want)
			if tt.field == "" {
				// A valid spec stays valid once its defaults are written in.
				if err := tt.spec.WithDefaults().Validate(); err != nil {
					t.Fatalf("WithDefaults().Validate() = %v", err)
				}
			}
		})
	}
}

func TestValidateReportsEveryField(t *testing.T) {
	s := JobSpec{Kind: JobCrawl, Replication: 99, Threshold: 2, Crawl: &CrawlSpec{Seeds: []string{"ftp://a", "gopher://b"}, MaxDepth: 50}}
	got := map[string]bool{}
	for _, fe := range FieldErrors(s.Validate()) {
		got[fe.Field] = true
	}
	for _, f := range []string{"replication", "threshold", "crawl.seeds[0]", "crawl.seeds[1]", "crawl.max_depth"} {
		if !got[f] {
			t.Errorf("no error for %s (got %v)", f, got)
		}
	}
}

func TestValidateCapsErrors(t *testing.T) {
	s := crawlJob(func(c *CrawlSpec) { c.Seeds = nil; c.URLs = manyURLs(1000, "ftp://x/") })
	err := s.Validate()
	if n := len(FieldErrors(err)); n != maxErrors {
		t.Fatalf("got %d field errors, want %d", n, maxErrors)
	}
	if !strings.Contains(err.Error(), "and 980 more") {
		t.Fatalf("error does not count the rest: %v", err)
	}
}

func TestValidateWithSelectorCheck(t *testing.T) {
	strict := Checks{Selector: func(s string) error {
		if strings.Contains(s, ":bogus") {
			return errors.New("unknown pseudo-class")
		}
		return nil
	}}
	s := crawlJob(func(c *CrawlSpec) { c.Fields = []FieldRule{{Name: "a", Selector: "p:bogus"}} })
	if err := s.Validate(); err != nil {
		t.Fatalf("light check rejected %v", err)
	}
	checkFieldErr(t, s.ValidateWith(strict), "crawl.fields[0].selector", "unknown pseudo-class")
}

func TestWithDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   JobSpec
		want JobSpec
	}{
		{
			name: "crawl",
			in: crawlJob(func(c *CrawlSpec) {
				c.Seeds = []string{"https://A.example/x", "https://b.example/", "https://a.example/y"}
			}),
			want: JobSpec{Kind: JobCrawl, Replication: 2, MaxReplication: 4, Threshold: 0.9, Crawl: &CrawlSpec{
				Seeds:          []string{"https://A.example/x", "https://b.example/", "https://a.example/y"},
				AllowedDomains: []string{"a.example", "b.example"},
				MaxDepth:       2, MaxPages: 1000, TextSelector: "body", TaskSize: 25,
			}},
		},
		{
			name: "explicit values kept",
			in: JobSpec{Kind: JobCrawl, Replication: 3, MaxReplication: 5, Threshold: 0.5, Crawl: &CrawlSpec{
				URLs: []string{"https://a.example/"}, AllowedDomains: []string{"x.example"}, MaxDepth: 1, MaxPages: 7, TextSelector: "main", TaskSize: 3,
			}},
			want: JobSpec{Kind: JobCrawl, Replication: 3, MaxReplication: 5, Threshold: 0.5, Crawl: &CrawlSpec{
				URLs: []string{"https://a.example/"}, AllowedDomains: []string{"x.example"}, MaxDepth: 1, MaxPages: 7, TextSelector: "main", TaskSize: 3,
			}},
		},
		{
			name: "k above default k_max",
			in:   job(crawlJob(nil), func(s *JobSpec) { s.Replication = 6 }),
			want: JobSpec{Kind: JobCrawl, Replication: 6, MaxReplication: 6, Threshold: 0.9, Crawl: &CrawlSpec{
				Seeds: []string{"https://example.com/"}, AllowedDomains: []string{"example.com"}, MaxDepth: 2, MaxPages: 1000, TextSelector: "body", TaskSize: 25,
			}},
		},
		{
			name: "max_pages grows with the url list",
			in:   crawlJob(func(c *CrawlSpec) { c.Seeds = nil; c.URLs = manyURLs(1500, "https://x.example/") }),
			want: JobSpec{Kind: JobCrawl, Replication: 2, MaxReplication: 4, Threshold: 0.9, Crawl: &CrawlSpec{
				URLs: manyURLs(1500, "https://x.example/"), MaxDepth: 2, MaxPages: 1500, TextSelector: "body", TaskSize: 25,
			}},
		},
		{
			name: "minhash",
			in:   computeJob(nil),
			want: JobSpec{Kind: JobCompute, Replication: 2, MaxReplication: 4, Threshold: 0.9, Compute: &ComputeSpec{
				Input: "ds-1", Column: "text", Kernel: KernelMinHash, ShardRows: 1000,
				MinHash: &MinHashParams{Shingle: "word", Size: 3, Permutations: 128, Bands: 32},
			}},
		},
		{
			name: "minhash char",
			in:   computeJob(func(c *ComputeSpec) { c.MinHash = &MinHashParams{Shingle: ShingleChar} }),
			want: JobSpec{Kind: JobCompute, Replication: 2, MaxReplication: 4, Threshold: 0.9, Compute: &ComputeSpec{
				Input: "ds-1", Column: "text", Kernel: KernelMinHash, ShardRows: 1000,
				MinHash: &MinHashParams{Shingle: "char", Size: 5, Permutations: 128, Bands: 32},
			}},
		},
		{
			name: "dedup",
			in:   computeJob(func(c *ComputeSpec) { c.Kernel = KernelDedup }),
			want: JobSpec{Kind: JobCompute, Replication: 2, MaxReplication: 4, Threshold: 0.9, Compute: &ComputeSpec{
				Input: "ds-1", Column: "minhash_bands", Kernel: KernelDedup, ShardRows: 100_000,
			}},
		},
		{
			name: "embed",
			in:   computeJob(func(c *ComputeSpec) { c.Kernel = KernelEmbed }),
			want: JobSpec{Kind: JobCompute, Replication: 2, MaxReplication: 4, Threshold: 0.9, Compute: &ComputeSpec{
				Input: "ds-1", Column: "text", Kernel: KernelEmbed, ShardRows: 1000, Embed: &EmbedParams{Model: "meadow-mini"},
			}},
		},
		{
			name: "tokens",
			in:   computeJob(func(c *ComputeSpec) { c.Kernel = KernelTokens }),
			want: JobSpec{Kind: JobCompute, Replication: 2, MaxReplication: 4, Threshold: 0.9, Compute: &ComputeSpec{
				Input: "ds-1", Column: "text", Kernel: KernelTokens, ShardRows: 1000, Tokens: &TokenParams{Encoding: "cl100k_base"},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.WithDefaults()
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("WithDefaults:\n got %+v\nwant %+v", show(got), show(tt.want))
			}
			if again := got.WithDefaults(); !reflect.DeepEqual(again, got) {
				t.Fatalf("WithDefaults is not idempotent: %+v", show(again))
			}
		})
	}
}

func show(s JobSpec) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestWithDefaultsDoesNotAlias(t *testing.T) {
	in := crawlJob(func(c *CrawlSpec) { c.Fields = fields("a"); c.Exclude = []string{".x"} })
	in.Compute = nil
	out := in.WithDefaults()
	out.Crawl.Fields[0].Name = "changed"
	out.Crawl.Exclude[0] = "changed"
	out.Crawl.Seeds[0] = "changed"
	if in.Crawl.Fields[0].Name != "a" || in.Crawl.Exclude[0] != ".x" || in.Crawl.Seeds[0] != "https://example.com/" || in.Crawl.TextSelector != "" {
		t.Fatalf("WithDefaults changed its input: %+v", *in.Crawl)
	}
	c := computeJob(func(c *ComputeSpec) { c.MinHash = &MinHashParams{} })
	d := c.WithDefaults()
	if c.Compute.MinHash.Permutations != 0 || d.Compute.MinHash == c.Compute.MinHash {
		t.Fatal("WithDefaults shares MinHashParams with its input")
	}
}

func TestThresholdPPM(t *testing.T) {
	tests := []struct {
		name string
		in   float64
		want uint32
	}{
		{name: "default", in: 0, want: 900_000},
		{name: "one", in: 1, want: 1_000_000},
		{name: "rounds", in: 0.1234565, want: 123_457},
		{name: "tiny is still above zero", in: 1e-7, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (JobSpec{Threshold: tt.in}).ThresholdPPM(); got != tt.want {
				t.Fatalf("ThresholdPPM(%v) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestReservedFieldNamesMatchPattern(t *testing.T) {
	for _, n := range ReservedFieldNames() {
		if !reFieldName.MatchString(n) {
			t.Errorf("reserved name %q would not pass as a field name anyway", n)
		}
	}
}

// A wasm spec's defaults are written in, and a task carrying them passes
// the task's stricter check; one without them does not.
func TestWasmDefaultsAndTask(t *testing.T) {
	spec := wasmJob(nil).WithDefaults()
	w := spec.Compute.Wasm
	if w.Fuel != DefaultWasmFuel || w.MemoryMiB != DefaultWasmMemoryMiB || w.OutputMiB != DefaultWasmOutputMiB {
		t.Fatalf("defaults: %+v", *w)
	}
	if wasmJob(nil).Compute.Wasm.Fuel != 0 {
		t.Fatal("WithDefaults changed the spec it was called on")
	}
	task := func(w *WasmParams) error {
		var v validator
		ComputeTask{Input: "ds-1", Column: "text", Kernel: KernelWasm, Wasm: w,
			Shard: Shard{Parts: []ShardPart{{Task: "t-1", Blob: Hash{2}, Rows: 1}}}}.check(&v, "compute")
		return v.err()
	}
	if err := task(w); err != nil {
		t.Fatalf("resolved task: %v", err)
	}
	checkFieldErr(t, task(&WasmParams{Module: Hash{1}, Outputs: w.Outputs}), "compute.wasm.fuel", "from 1 to")
}

func TestModuleUploadValidate(t *testing.T) {
	checkFieldErr(t, ModuleUpload{SHA256: Hash{1}, Size: 100}.Validate(), "", "")
	checkFieldErr(t, ModuleUpload{Size: 100}.Validate(), "sha256", "SHA-256")
	checkFieldErr(t, ModuleUpload{SHA256: Hash{1}, Size: MaxModuleSize + 1}.Validate(), "size", "from 8 to 33554432")
	checkFieldErr(t, ModuleUpload{SHA256: Hash{1}, Size: 3}.Validate(), "size", "from 8")
	if err := CheckModuleHeader([]byte("\x00asm\x01\x00\x00\x00rest")); err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"", "\x00asm", "\x00asm\x02\x00\x00\x00", "MZ\x90\x00\x03\x00\x00\x00", "\x7fELF\x02\x01\x01\x00"} {
		checkFieldErr(t, CheckModuleHeader([]byte(b)), "body", "a WebAssembly binary module")
	}
}
