package compute

import (
	"context"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// ColEmbedding is the embed kernel's output column: the model's output
// vector, int8 values stored as int32.
const ColEmbedding = "embedding"

// wordToken maps a word to its row of the embedding table: FNV-1a 64 over
// the word's bytes with ASCII A-Z folded to a-z, then the top 32 bits scaled
// to [0, vocab) by a multiply and shift (no modulo bias worth the division).
func wordToken(word string, vocab uint64) uint32 {
	h := fnvOffset64
	for i := 0; i < len(word); i++ {
		c := word[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		h = fnvByte(h, c)
	}
	return uint32(((h >> 32) * vocab) >> 32)
}

// requantize rounds acc/2^shift half up and clamps it to [-127, 127].
func requantize(acc int32, shift uint32) int32 {
	if shift > 0 {
		acc = (acc + 1<<(shift-1)) >> shift
	}
	return min(max(acc, -127), 127)
}

// embedder runs a model on the CPU, reusing its scratch vectors; it is not
// safe for concurrent use.
type embedder struct {
	m      *Model
	sum    []int32 // [D]
	x      []int32 // [D]
	hidden []int32 // [H]
}

func newEmbedder(m *Model) *embedder {
	return &embedder{m: m, sum: make([]int32, m.Dim), x: make([]int32, m.Dim), hidden: make([]int32, m.Hidden)}
}

// embed writes text's embedding into out (len Out).
func (e *embedder) embed(text string, out []int32) {
	m := e.m
	D := m.Dim
	sum := e.sum
	clear(sum)
	n := int32(0)
	vocab := uint64(m.Vocab)
	for i := 0; i < len(text) && n < MaxEmbedWords; {
		for i < len(text) && isSpace(text[i]) {
			i++
		}
		if i == len(text) {
			break
		}
		s := i
		for i < len(text) && !isSpace(text[i]) {
			i++
		}
		row := m.Embed[int(wordToken(text[s:i], vocab))*D:][:D]
		for d, w := range row {
			sum[d] += int32(w)
		}
		n++
	}
	x := e.x
	for d := range x {
		if n == 0 {
			x[d] = 0
		} else {
			// Go's and CUDA's integer division both truncate toward zero.
			x[d] = min(max(sum[d]/n, -127), 127)
		}
	}
	for h := range e.hidden {
		acc := m.B1[h]
		for d, w := range m.W1[h*D : (h+1)*D] {
			acc += int32(w) * x[d]
		}
		e.hidden[h] = max(requantize(acc, m.Shift1), 0) // ReLU
	}
	H := m.Hidden
	for o := range out[:m.Out] {
		acc := m.B2[o]
		for h, w := range m.W2[o*H : (o+1)*H] {
			acc += int32(w) * e.hidden[h]
		}
		out[o] = requantize(acc, m.Shift2)
	}
}

// EmbedCPU is the reference implementation: the embedding of each text,
// computed in Go.
func EmbedCPU(ctx context.Context, m *Model, texts []string) ([][]int32, error) {
	e := newEmbedder(m)
	buf := make([]int32, len(texts)*m.Out)
	out := make([][]int32, len(texts))
	for i, t := range texts {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out[i] = buf[i*m.Out : (i+1)*m.Out : (i+1)*m.Out]
		e.embed(t, out[i])
	}
	return out, nil
}

// embedKernel is the embed Kernel.
type embedKernel struct {
	model *Model
	opt   options
}

func (k *embedKernel) Name() string { return api.KernelEmbed }

func (k *embedKernel) OutputColumns() []dataset.Column {
	return []dataset.Column{{Name: ColEmbedding, Type: dataset.TypeInt32List, Role: dataset.RoleContent}}
}

func (k *embedKernel) Run(ctx context.Context, texts []string) ([]dataset.Row, error) {
	vecs, err := k.compute(ctx, texts)
	if err != nil {
		return nil, err
	}
	rows := make([]dataset.Row, len(vecs))
	for i, v := range vecs {
		rows[i] = dataset.Row{v}
	}
	return rows, nil
}

func (k *embedKernel) compute(ctx context.Context, texts []string) ([][]int32, error) {
	if g := k.opt.gpu; g != nil {
		if err := k.opt.waitGate(ctx); err != nil {
			return nil, err
		}
		vecs, err := g.Embed(ctx, k.model, texts)
		if err == nil {
			return vecs, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		k.opt.logger.Warn("GPU embedding failed; computing on the CPU", "err", err)
	}
	return EmbedCPU(ctx, k.model, texts)
}
