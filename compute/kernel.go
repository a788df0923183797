package compute

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// Kernel is one deterministic computation over a column of text. Every
// implementation gives the same output for the same input on every device.
type Kernel interface {
	// Name is the kernel's name as job specs spell it (api.KernelMinHash, ...).
	Name() string
	// InputColumn is the column of the input dataset the kernel reads: a
	// string, or a list of strings read as its elements joined by "\n".
	InputColumn() string
	// OutputColumns are the content columns the kernel produces, in order.
	OutputColumns() []dataset.Column
	// Run computes one output row per text: the values of OutputColumns,
	// in order.
	Run(ctx context.Context, texts []string) ([]dataset.Row, error)
}

// Option configures New.
type Option func(*options)

type options struct {
	gpu    *GPU
	gate   Gate
	logger *slog.Logger
}

// Gate is what a kernel asks before GPU work; *IdleGate implements it.
type Gate interface {
	Wait(ctx context.Context) error
}

// WithGPU runs the kernel on g where it has a CUDA implementation; kernels
// without one (tokens) ignore it. A failed GPU run is redone on the CPU, which
// gives the same output.
func WithGPU(g *GPU) Option { return func(o *options) { o.gpu = g } }

// WithIdleGate makes each GPU batch wait until g allows GPU work, so the
// work pauses while the user uses the GPU.
func WithIdleGate(g Gate) Option { return func(o *options) { o.gate = g } }

// WithLogger sets the logger for fallbacks and warnings.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

func (o *options) waitGate(ctx context.Context) error {
	if o.gate == nil {
		return nil
	}
	return o.gate.Wait(ctx)
}

// DefaultColumn is the input column a compute spec reads when it names none.
const DefaultColumn = dataset.ColText

// Kernels lists the kernels New knows, in a fixed order.
func Kernels() []string {
	return []string{api.KernelMinHash, api.KernelEmbed, api.KernelTokens, api.KernelQuality, api.KernelPII, api.KernelDedup, api.KernelLanguage}
}

// New returns the kernel spec asks for, with its parameters validated.
// Errors wrap ErrUnknownKernel, ErrBadParams or ErrUnknownModel and name the
// field of the spec at fault.
func New(spec api.ComputeSpec, opts ...Option) (Kernel, error) {
	o := options{logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, f := range opts {
		f(&o)
	}
	o.logger = o.logger.With("component", "compute")
	col := spec.Column
	if col == "" {
		col = DefaultColumn
	}
	// Only the named kernel's parameters may be set.
	set := map[string]bool{
		api.KernelMinHash: spec.MinHash != nil, api.KernelEmbed: spec.Embed != nil,
		api.KernelTokens: spec.Tokens != nil, api.KernelWasm: spec.Wasm != nil,
		api.KernelQuality: spec.Quality != nil, api.KernelPII: spec.PII != nil,
		api.KernelLanguage: spec.Language != nil,
	}
	if slices.Contains(Kernels(), spec.Kernel) {
		for _, other := range api.Kernels() {
			if other != spec.Kernel && set[other] {
				return nil, fmt.Errorf("%w: compute.%s: set for kernel %q; it belongs to another kernel", ErrBadParams, other, spec.Kernel)
			}
		}
	}
	var k impl
	switch spec.Kernel {
	case api.KernelMinHash:
		cfg, err := NewMinHashConfig(spec.MinHash)
		if err != nil {
			return nil, err
		}
		k = &minhashKernel{cfg: cfg, opt: o}
	case api.KernelEmbed:
		name := DefaultModel
		if spec.Embed != nil && spec.Embed.Model != "" {
			name = spec.Embed.Model
		}
		m, err := BuiltinModel(name)
		if err != nil {
			return nil, err
		}
		k = &embedKernel{model: m, opt: o}
	case api.KernelTokens:
		enc := DefaultEncoding
		if spec.Tokens != nil && spec.Tokens.Encoding != "" {
			enc = spec.Tokens.Encoding
		}
		tk, err := newTokensKernel(enc)
		if err != nil {
			return nil, err
		}
		k = tk
	case api.KernelQuality:
		p, err := QualityParams(spec.Quality)
		if err != nil {
			return nil, err
		}
		k = &qualityKernel{p: p}
	case api.KernelPII:
		k = &piiKernel{p: PIIParams(spec.PII)}
	case api.KernelLanguage:
		d, err := LanguageDetector(spec.Language)
		if err != nil {
			return nil, err
		}
		k = &languageKernel{d: d}
	case api.KernelDedup:
		if spec.Column != "" && spec.Column != ColMinHashBands {
			return nil, fmt.Errorf("%w: compute.column %q: expected absent or %q (dedup reads a minhash dataset)", ErrBadParams, spec.Column, ColMinHashBands)
		}
		return dedupKernel{}, nil
	case api.KernelWasm:
		return nil, fmt.Errorf("%w: compute.kernel %q: a buyer's module runs through NewWasm, which takes the module's bytes", ErrBadParams, spec.Kernel)
	default:
		return nil, fmt.Errorf("%w: compute.kernel %q: expected one of %s", ErrUnknownKernel, spec.Kernel, strings.Join(Kernels(), ", "))
	}
	return withColumn{impl: k, column: col}, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// impl is a kernel before it is bound to its input column.
type impl interface {
	Name() string
	OutputColumns() []dataset.Column
	Run(ctx context.Context, texts []string) ([]dataset.Row, error)
}

// withColumn binds a kernel to the input column it reads.
type withColumn struct {
	impl
	column string
}

func (w withColumn) InputColumn() string { return w.column }

// SourceHashSize is the length of a source hash: a SHA-256 row hash.
const SourceHashSize = sha256.Size

// RunShard runs k over one shard of an input dataset and lays the results out
// as rows of dataset.ComputeSchema(k.OutputColumns()): the source hash of
// each input row, the kernel's outputs, then prov. A null input value is
// computed as the empty text. Errors wrap ErrBadInput; nothing is computed
// unless every input row fits.
func RunShard(ctx context.Context, k Kernel, input []dataset.Row, inputSchema dataset.Schema, sourceHashes [][]byte, prov dataset.Provenance) ([]dataset.Row, error) {
	schema, err := dataset.ComputeSchema(k.OutputColumns())
	if err != nil {
		return nil, fmt.Errorf("compute: kernel %s: %w", k.Name(), err)
	}
	if len(sourceHashes) != len(input) {
		return nil, fmt.Errorf("%w: source hashes: %d for %d rows, expected one per row", ErrBadInput, len(sourceHashes), len(input))
	}
	var out []dataset.Row
	if rk, ok := k.(RowKernel); ok {
		out, err = runRows(ctx, rk, input, inputSchema, sourceHashes)
	} else {
		out, err = runTexts(ctx, k, input, inputSchema, sourceHashes)
	}
	if err != nil {
		return nil, err
	}
	nOut := len(k.OutputColumns())
	rows := make([]dataset.Row, len(out))
	for i, o := range out {
		if len(o) != nOut {
			return nil, fmt.Errorf("compute: kernel %s: row %d has %d values, expected %d", k.Name(), i, len(o), nOut)
		}
		r := make(dataset.Row, 0, len(schema.Columns))
		r = append(r, sourceHashes[i])
		r = append(r, o...)
		var sig any
		if prov.Signature != nil {
			sig = prov.Signature
		}
		r = append(r, prov.Node, prov.FetchedAt, sig)
		rows[i] = r
	}
	return rows, nil
}

// runTexts is RunShard's path for a kernel over one text column: a string
// column, or a list<string> one whose lines it joins by "\n".
func runTexts(ctx context.Context, k Kernel, input []dataset.Row, inputSchema dataset.Schema, sourceHashes [][]byte) ([]dataset.Row, error) {
	col := k.InputColumn()
	ci := inputSchema.Index(col)
	switch {
	case ci < 0:
		return nil, fmt.Errorf("%w: compute.column %q: not in the input schema", ErrBadInput, col)
	case inputSchema.Columns[ci].Type != dataset.TypeString && inputSchema.Columns[ci].Type != dataset.TypeStringList:
		return nil, fmt.Errorf("%w: compute.column %q: type %s, expected string or list<string>", ErrBadInput, col, inputSchema.Columns[ci].Type)
	}
	texts := make([]string, len(input))
	for i, r := range input {
		if len(r) != len(inputSchema.Columns) {
			return nil, fmt.Errorf("%w: row %d: %d values, expected %d (the input schema's columns)", ErrBadInput, i, len(r), len(inputSchema.Columns))
		}
		switch v := r[ci].(type) {
		case string:
			texts[i] = v
		case []string:
			// A list of lines (a crawl's main_text) is read as its lines
			// joined by "\n".
			texts[i] = strings.Join(v, "\n")
		case nil:
		default:
			return nil, fmt.Errorf("%w: row %d column %q: a %T, expected a string", ErrBadInput, i, col, v)
		}
		if len(sourceHashes[i]) != SourceHashSize {
			return nil, fmt.Errorf("%w: source hash of row %d: %d bytes, expected %d (SHA-256)", ErrBadInput, i, len(sourceHashes[i]), SourceHashSize)
		}
	}
	return k.Run(ctx, texts)
}
