package compute

import (
	"context"
	"fmt"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// Output columns of the minhash kernel.
const (
	// ColMinHash is the MinHash signature: one uint32 per permutation.
	ColMinHash = "minhash"
	// ColMinHashBands is the LSH band keys: one uint64 per band.
	ColMinHashBands = "minhash_bands"
)

// Limits and defaults of the minhash parameters (api.MinHashParams).
const (
	DefaultWordShingle  = 3
	DefaultCharShingle  = 5
	MaxShingleSize      = 64
	DefaultPermutations = 128
	MinPermutations     = 128
	MaxPermutations     = 1024
	DefaultBands        = 32
)

// Shingle kinds.
const (
	ShingleWord = "word"
	ShingleChar = "char"
)

// MinHashConfig is the validated form of api.MinHashParams with the
// permutation coefficients drawn.
type MinHashConfig struct {
	Char         bool // character shingles; word shingles when false
	Size         int  // shingle length in words or characters
	Permutations int
	Bands        int

	// A and B are the coefficients of permutation i: h_i(x) = (A[i]*x + B[i]) mod 2^61-1.
	A, B []uint64
}

// NewMinHashConfig validates p (nil means all defaults) and draws the
// permutation coefficients. Errors wrap ErrBadParams and name the field.
func NewMinHashConfig(p *api.MinHashParams) (MinHashConfig, error) {
	var q api.MinHashParams
	if p != nil {
		q = *p
	}
	c := MinHashConfig{Size: q.Size, Permutations: q.Permutations, Bands: q.Bands}
	switch q.Shingle {
	case "", ShingleWord:
		if c.Size == 0 {
			c.Size = DefaultWordShingle
		}
	case ShingleChar:
		c.Char = true
		if c.Size == 0 {
			c.Size = DefaultCharShingle
		}
	default:
		return MinHashConfig{}, fmt.Errorf("%w: compute.minhash.shingle %q: expected %q or %q", ErrBadParams, q.Shingle, ShingleWord, ShingleChar)
	}
	if c.Permutations == 0 {
		c.Permutations = DefaultPermutations
	}
	if c.Bands == 0 {
		c.Bands = DefaultBands
	}
	switch {
	case c.Size < 1 || c.Size > MaxShingleSize:
		return MinHashConfig{}, fmt.Errorf("%w: compute.minhash.size %d: expected 1 to %d", ErrBadParams, c.Size, MaxShingleSize)
	case c.Permutations < MinPermutations || c.Permutations > MaxPermutations:
		return MinHashConfig{}, fmt.Errorf("%w: compute.minhash.permutations %d: expected %d to %d", ErrBadParams, c.Permutations, MinPermutations, MaxPermutations)
	case c.Bands < 1 || c.Bands > c.Permutations:
		return MinHashConfig{}, fmt.Errorf("%w: compute.minhash.bands %d: expected 1 to permutations (%d)", ErrBadParams, c.Bands, c.Permutations)
	case c.Permutations%c.Bands != 0:
		return MinHashConfig{}, fmt.Errorf("%w: compute.minhash.permutations %d: expected a multiple of bands (%d)", ErrBadParams, c.Permutations, c.Bands)
	}
	c.A, c.B = minhashCoefficients(c.Permutations)
	return c, nil
}

// minhashCoefficients draws n coefficient pairs from splitmix64 seeded with
// minhashSeed: for each permutation in turn, a = the first output>>3 in
// [1, p), then b = the next output>>3 in [0, p); an output outside the range
// is discarded and the next one taken. A prefix of the stream does not depend
// on n, so permutation i is the same for every n > i.
func minhashCoefficients(n int) (a, b []uint64) {
	a, b = make([]uint64, n), make([]uint64, n)
	s := minhashSeed
	for i := 0; i < n; i++ {
		for {
			v := splitmix64(&s) >> 3
			if v != 0 && v < mersenne61 {
				a[i] = v
				break
			}
		}
		for {
			v := splitmix64(&s) >> 3
			if v < mersenne61 {
				b[i] = v
				break
			}
		}
	}
	return a, b
}

// minhasher computes signatures on the CPU. It keeps its scratch buffers
// between rows, so one row allocates nothing; it is not safe for concurrent
// use.
type minhasher struct {
	cfg    *MinHashConfig
	starts []int32  // start offsets of words or characters
	ends   []int32  // end offsets of words
	xs     []uint64 // shingle hashes reduced mod p
	mins   []uint64
}

func newMinhasher(cfg *MinHashConfig) *minhasher {
	return &minhasher{cfg: cfg, mins: make([]uint64, cfg.Permutations)}
}

// shingles fills m.xs with the hashes, reduced mod 2^61-1, of text's
// shingles in text order (duplicates kept: they do not change a minimum).
func (m *minhasher) shingles(text string) []uint64 {
	xs := m.xs[:0]
	k := m.cfg.Size
	if m.cfg.Char {
		starts := m.starts[:0]
		for i := 0; i < len(text); i++ {
			if i == 0 || isCharStart(text[i]) {
				starts = append(starts, int32(i))
			}
		}
		m.starts = starts
		n := len(starts)
		if n > 0 && n < k {
			xs = append(xs, mod61(fnvString(fnvOffset64, text)))
		}
		for i := 0; i+k <= n; i++ {
			end := len(text)
			if i+k < n {
				end = int(starts[i+k])
			}
			xs = append(xs, mod61(fnvString(fnvOffset64, text[starts[i]:end])))
		}
		m.xs = xs
		return xs
	}

	starts, ends := m.starts[:0], m.ends[:0]
	for i := 0; i < len(text); {
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
		starts = append(starts, int32(s))
		ends = append(ends, int32(i))
	}
	m.starts, m.ends = starts, ends
	n := len(starts)
	hashWords := func(from, to int) uint64 {
		h := fnvString(fnvOffset64, text[starts[from]:ends[from]])
		for j := from + 1; j < to; j++ {
			h = fnvByte(h, ' ')
			h = fnvString(h, text[starts[j]:ends[j]])
		}
		return mod61(h)
	}
	if n > 0 && n < k {
		xs = append(xs, hashWords(0, n))
	}
	for i := 0; i+k <= n; i++ {
		xs = append(xs, hashWords(i, i+k))
	}
	m.xs = xs
	return xs
}

// sign writes text's signature into sig (len Permutations) and its band keys
// into bands (len Bands).
func (m *minhasher) sign(text string, sig []uint32, bands []uint64) {
	xs := m.shingles(text)
	mins := m.mins
	a := m.cfg.A[:len(mins)]
	b := m.cfg.B[:len(mins)]
	// Permutation-major: a[j] and b[j] stay in registers while the
	// shingles stream from L1.
	for j := range mins {
		mins[j] = minPerm(xs, a[j], b[j])
	}
	sig = sig[:len(mins)]
	for j, v := range mins {
		sig[j] = uint32(v)
	}
	bandKeys(sig, bands)
}

// bandKeys computes the LSH band keys of a signature: band j covers rows
// sig[j*r : (j+1)*r] with r = len(sig)/len(bands), and its key is FNV-1a 64
// over j and then those rows, each as 4 little-endian bytes.
func bandKeys(sig []uint32, bands []uint64) {
	r := len(sig) / len(bands)
	for j := range bands {
		h := fnvUint32(fnvOffset64, uint32(j))
		for _, v := range sig[j*r : (j+1)*r] {
			h = fnvUint32(h, v)
		}
		bands[j] = h
	}
}

// minhashKernel is the minhash Kernel.
type minhashKernel struct {
	cfg MinHashConfig
	opt options
}

func (k *minhashKernel) Name() string { return api.KernelMinHash }

func (k *minhashKernel) OutputColumns() []dataset.Column {
	return []dataset.Column{
		{Name: ColMinHash, Type: dataset.TypeUint32List, Role: dataset.RoleContent},
		{Name: ColMinHashBands, Type: dataset.TypeUint64List, Role: dataset.RoleContent},
	}
}

func (k *minhashKernel) Run(ctx context.Context, texts []string) ([]dataset.Row, error) {
	sigs, bands, err := k.compute(ctx, texts)
	if err != nil {
		return nil, err
	}
	rows := make([]dataset.Row, len(texts))
	for i := range rows {
		rows[i] = dataset.Row{sigs[i], bands[i]}
	}
	return rows, nil
}

// compute returns one signature and one list of band keys per text, on the
// GPU when the kernel has one and the idle gate allows, else on the CPU.
func (k *minhashKernel) compute(ctx context.Context, texts []string) ([][]uint32, [][]uint64, error) {
	if g := k.opt.gpu; g != nil {
		if err := k.opt.waitGate(ctx); err != nil {
			return nil, nil, err
		}
		sigs, bands, err := g.MinHash(ctx, &k.cfg, texts)
		if err == nil {
			return sigs, bands, nil
		}
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		k.opt.logger.Warn("GPU minhash failed; computing on the CPU", "err", err)
	}
	return MinHashCPU(ctx, &k.cfg, texts)
}

// MinHashCPU is the reference implementation: the signature and band keys of
// each text, computed in Go.
func MinHashCPU(ctx context.Context, cfg *MinHashConfig, texts []string) ([][]uint32, [][]uint64, error) {
	m := newMinhasher(cfg)
	// One backing array per output column: two allocations per batch, not per row.
	sigBuf := make([]uint32, len(texts)*cfg.Permutations)
	bandBuf := make([]uint64, len(texts)*cfg.Bands)
	sigs := make([][]uint32, len(texts))
	bands := make([][]uint64, len(texts))
	for i, t := range texts {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		P, B := cfg.Permutations, cfg.Bands
		sigs[i] = sigBuf[i*P : (i+1)*P : (i+1)*P]
		bands[i] = bandBuf[i*B : (i+1)*B : (i+1)*B]
		m.sign(t, sigs[i], bands[i])
	}
	return sigs, bands, nil
}
