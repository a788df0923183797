package rewards

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

// Task kinds, the same strings as the job kinds in package api.
const (
	KindCrawl   = "crawl"
	KindCompute = "compute"
)

// Crawl renderers, passed as the kernel of a crawl task: a static fetch, or
// a page rendered in Chromium. The empty string means static.
const (
	RendererStatic = "static"
	RendererJS     = "js"
)

// Compute kernels, the same names as in package api.
const (
	KernelMinHash  = "minhash"
	KernelEmbed    = "embed"
	KernelTokens   = "tokens"
	KernelWasm     = "wasm"
	KernelQuality  = "quality"
	KernelPII      = "pii"
	KernelDedup    = "dedup"
	KernelLanguage = "language"
)

// WasmFuelPerUnit is the fuel of a buyer's WebAssembly module (about one
// WebAssembly instruction a unit, docs/wasm.md) that earns one work unit,
// on top of a wasm row's own unit: a 2 KB row through a text cleaner takes
// about 0.4 million fuel, a tokens row's work.
const WasmFuelPerUnit = 1_000_000

// FuelUnits returns the work units of fuel: one per WasmFuelPerUnit, rounded
// down.
func FuelUnits(fuel uint64) uint64 { return fuel / WasmFuelPerUnit }

// unitsPerRow is the work-unit rate of each kind and kernel: roughly what a
// verified row costs the node that produced it, relative to one token count.
// A rendered page costs three static fetches (Chromium's CPU and bandwidth);
// an embedding costs a GPU forward pass.
var unitsPerRow = map[string]map[string]uint64{
	KindCrawl: {
		"":             10,
		RendererStatic: 10,
		RendererJS:     30,
	},
	KindCompute: {
		KernelMinHash: 2,
		KernelEmbed:   20,
		KernelTokens:  1,
		KernelWasm:    1, // and FuelUnits of the fuel its rows took
		// A dedup row is cheap to compute (32 map lookups and a SHA-256
		// key) but its node first fetches the row's minhash values
		// (about 800 bytes with 128 permutations): a minhash row's rate.
		KernelDedup: 2,
		// Priced per row like the other kernels, because a verdict knows
		// a task's accepted rows and not their bytes. On the same 2–6 KB
		// web-like rows (docs/BENCHMARKS.md, issue 13) a quality row takes
		// about a fifth to a quarter of a token count's time and a pii row a fiftieth;
		// 1 is the smallest rate that still pays for the work.
		KernelQuality: 1,
		KernelPII:     1,
		// A language row (whatlanggo over at most 16 KiB) runs at about
		// a token count's speed per byte: 2.7–3.0 MB/s a core against
		// 2.8–4.3 for cl100k_base in the same run (docs/BENCHMARKS.md),
		// so the same rate as tokens, the smallest.
		KernelLanguage: 1,
	},
}

// unfixedRates are the rates of the jobs submitted before the coordinators
// fixed each job's rate at submission (2026-12-08): replaying a log of that
// time credits them with these, so they must never change, whatever
// unitsPerRow becomes. They are unitsPerRow as it was then, with no
// main-text surcharge.
var unfixedRates = map[string]map[string]uint64{
	KindCrawl:   {"": 10, RendererStatic: 10, RendererJS: 30},
	KindCompute: {KernelMinHash: 2, KernelEmbed: 20, KernelTokens: 1, KernelWasm: 1, KernelDedup: 2, KernelQuality: 1, KernelPII: 1, KernelLanguage: 1},
}

// MainTextUnits is what extracting a crawl row's main text (crawl.extract:
// the cleaned page through go-trafilatura, its text, Markdown and
// metadata) adds to the row's crawl rate. On the 400 real pages of the
// pipeline benchmark (docs/BENCHMARKS.md, "Work units of a main-text row")
// extraction adds 12–15 ms of CPU to a page's 0.5–0.7 ms, about ten times
// what counting the tokens of that page's main text takes (a tokens row,
// 1 unit).
const MainTextUnits = 10

// MaxRate bounds a row's rate: no rule gives more (a rendered page with
// main text is 40), and a rate past it is refused as a mistake.
const MaxRate = 1000

// Rate returns the work units one verified row of a task of the given kind
// and kernel earns: unitsPerRow's rate (a crawl's kernel is its renderer),
// plus MainTextUnits for a crawl row with main text. An unknown kind or
// kernel is an error naming it and the known ones; main text on a compute
// row is ErrUnknownKernel (only a crawl extracts it).
func Rate(kind, kernel string, mainText bool) (uint64, error) {
	rate, err := rateIn(unitsPerRow, kind, kernel)
	if err != nil {
		return 0, err
	}
	if mainText {
		if kind != KindCrawl {
			return 0, fmt.Errorf("%w: main text on a %s row, expected a %s row (only a crawl extracts main text)", ErrUnknownKernel, kind, KindCrawl)
		}
		rate += MainTextUnits
	}
	return rate, nil
}

// rateIn looks kind and kernel up in a table of rates.
func rateIn(table map[string]map[string]uint64, kind, kernel string) (uint64, error) {
	kernels, ok := table[kind]
	if !ok {
		return 0, fmt.Errorf("%w: %q, want %s", ErrUnknownKind, kind, known(table))
	}
	rate, ok := kernels[kernel]
	if !ok {
		return 0, fmt.Errorf("%w: %q for kind %s, want %s", ErrUnknownKernel, kernel, kind, known(kernels))
	}
	return rate, nil
}

// Units returns rows rows at rate units a row, or ErrOverflow past 2^64-1.
func Units(rows, rate uint64) (uint64, error) {
	hi, units := bits.Mul64(rows, rate)
	if hi != 0 {
		return 0, fmt.Errorf("%w: %d rows at %d units a row", ErrOverflow, rows, rate)
	}
	return units, nil
}

// WorkUnits returns the work units earned by rows verified rows of a task of
// the given kind and kernel at the rates of jobs submitted before rates were
// fixed at submission (unfixedRates; coord/state: Job.UnitsPerRow 0), which
// never change. An unknown kind or kernel is an error naming it and the
// known ones; a product past 2^64-1 is ErrOverflow.
func WorkUnits(kind, kernel string, rows uint64) (uint64, error) {
	rate, err := rateIn(unfixedRates, kind, kernel)
	if err != nil {
		return 0, err
	}
	units, err := Units(rows, rate)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", kind, kernel, err)
	}
	return units, nil
}

// known lists a map's non-empty keys in order, for error messages.
func known[V any](m map[string]V) string {
	var names []string
	for k := range m {
		if k != "" {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return "one of " + strings.Join(names, ", ")
}
