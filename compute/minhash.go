package compute

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// Output columns of the minhash kernel.
const (
	// ColMinHash is the MinHash signature: one uint32 per permutation.
	ColMinHash = "minhash"
	// ColMinHashBands is the LSH band keys: one uint64 per band.
	ColMinHashBands = "minhash_bands"
	// ColTextHash is the SHA-256 of the text in the form word shingles are
	// made of (TextHash): the key of exact dedup (issue 13), emitted here
	// because the kernel has the text and the normalization at hand, and
	// dedup then reads 32 bytes a row instead of the text.
	ColTextHash = "text_sha256"
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
	joined []byte   // the words joined by single spaces
	xs     []uint64 // shingle hashes reduced mod p
	// lanes holds the permutations' constants, four to a group, drawn once
	// per batch; the last Permutations%4 go through minPermGo.
	lanes []permLanes
}

func newMinhasher(cfg *MinHashConfig) *minhasher {
	// len(cfg.A) is Permutations in a config from NewMinHashConfig; a
	// config made by hand for shingles alone may have no coefficients.
	m := &minhasher{cfg: cfg, lanes: make([]permLanes, len(cfg.A)/4)}
	for j := range 4 * len(m.lanes) {
		m.lanes[j/4].setLane(j%4, cfg.A[j], cfg.B[j])
	}
	return m
}

// shingles fills m.xs with the hashes, reduced mod 2^61-1, of text's
// shingles in text order (duplicates kept: they do not change a minimum).
// Both kinds of shingle end up as contiguous byte ranges, so that each is
// one pass of FNV-1a over one span, with no loop per word.
func (m *minhasher) shingles(text string) []uint64 {
	xs := m.xs[:0]
	k := m.cfg.Size
	if m.cfg.Char {
		starts := m.charStarts(text)
		n := len(starts) - 1
		if n > 0 && n < k {
			xs = append(xs, mod61(fnvString(fnvOffset64, text)))
		}
		for i := 0; i+k <= n; i++ {
			xs = append(xs, mod61(fnvString(fnvOffset64, text[starts[i]:starts[i+k]])))
		}
		m.xs = xs
		return xs
	}

	joined, starts := m.words(text)
	n := len(starts) - 1
	if n > 0 && n < k {
		xs = append(xs, mod61(fnvBytes(fnvOffset64, joined)))
	}
	for i := 0; i+k <= n; i++ {
		// Words i to i+k-1 with the single spaces between them; the word
		// after the last one starts one byte past its end.
		xs = append(xs, mod61(fnvBytes(fnvOffset64, joined[starts[i]:starts[i+k]-1])))
	}
	m.xs = xs
	return xs
}

// spaceBits has bit b set for each white-space byte b (0x09-0x0D, 0x20):
// spaceBits>>b&1 is isSpace(b) without a branch (a shift by 64 or more
// gives 0 in Go).
const spaceBits uint64 = 1<<' ' | 1<<'\t' | 1<<'\n' | 1<<'\v' | 1<<'\f' | 1<<'\r'

// words copies text's words into a scratch buffer, joined by single spaces
// (the bytes a word shingle is made of), and returns it with the offsets
// of the words in it followed by len(joined)+1, where a next word would
// start. Text from dataset is already in this form (single spaces, none at
// the ends), but the definition covers any bytes, and the copy costs one
// store per byte.
//
// The loop has no branch on the text: word boundaries come every few bytes
// at random, and a branch on them would mispredict at most of them (the
// scan it replaced did, twice a word). Each byte is written, and the write
// kept by advancing the output position by 0 (a space after a space, or
// before the first word) or 1; each position is recorded as a word start,
// and kept by advancing the count when a non-space follows a space.
func (m *minhasher) words(text string) (joined []byte, starts []int32) {
	joined = slices.Grow(m.joined[:0], len(text))[:len(text)]
	// At most (len+1)/2 words, plus the final entry.
	starts = slices.Grow(m.starts[:0], len(text)/2+2)[:len(text)/2+2]
	n, j := 0, 0
	prev := uint64(1) // the byte before the text counts as a space
	for i := 0; i < len(text); i++ {
		c := text[i]
		sp := spaceBits >> c & 1
		joined[j] = c ^ (c^' ')&-byte(sp) // white space becomes ' '
		starts[n] = int32(j)
		n += int(prev &^ sp)
		j += int(1 - prev&sp)
		prev = sp
	}
	if prev == 1 && j > 0 {
		j-- // the space kept after the last word
	}
	m.joined, m.starts = joined, starts
	starts[n] = int32(j + 1)
	return joined[:j], starts[:n+1]
}

// charStarts returns the offsets of text's characters followed by
// len(text). (Character starts follow a regular pattern in most texts, so
// the branch predicts well.)
func (m *minhasher) charStarts(text string) []int32 {
	starts := slices.Grow(m.starts[:0], len(text)+1)[:len(text)+1]
	n := 0
	for i := 0; i < len(text); i++ {
		starts[n] = int32(i)
		if i == 0 || isCharStart(text[i]) {
			n++
		}
	}
	starts[n] = int32(len(text))
	m.starts = starts
	return starts[:n+1]
}

// sign writes text's signature into sig (len Permutations) and its band keys
// into bands (len Bands).
func (m *minhasher) sign(text string, sig []uint32, bands []uint64) {
	xs := m.shingles(text)
	sig = sig[:m.cfg.Permutations]
	// Four permutations per pass over the shingles, which stay in L1: the
	// pass loads each x once for four multiplications.
	for i := range m.lanes {
		g := &m.lanes[i]
		g.min = [4]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
		minPerm4(xs, g)
		for l, v := range g.min {
			sig[4*i+l] = uint32(v)
		}
	}
	for j := 4 * len(m.lanes); j < len(sig); j++ {
		sig[j] = uint32(minPermGo(xs, m.cfg.A[j], m.cfg.B[j]))
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
		{Name: ColTextHash, Type: dataset.TypeBytes, Role: dataset.RoleContent},
	}
}

func (k *minhashKernel) Run(ctx context.Context, texts []string) ([]dataset.Row, error) {
	sigs, bands, err := k.compute(ctx, texts)
	if err != nil {
		return nil, err
	}
	hashes := TextHashes(texts)
	rows := make([]dataset.Row, len(texts))
	for i := range rows {
		rows[i] = dataset.Row{sigs[i], bands[i], hashes[i]}
	}
	return rows, nil
}

// TextHashes returns TextHash of each text, always on the CPU: SHA-256 is a
// small share of a signature's cost (docs/BENCHMARKS.md).
func TextHashes(texts []string) [][]byte {
	var m minhasher
	buf := make([]byte, len(texts)*sha256.Size)
	out := make([][]byte, len(texts))
	for i, t := range texts {
		joined, _ := m.words(t)
		h := sha256.Sum256(joined)
		out[i] = buf[i*sha256.Size : (i+1)*sha256.Size : (i+1)*sha256.Size]
		copy(out[i], h[:])
	}
	return out
}

// TextHash is the key of exact dedup: SHA-256 of text's words (runs of
// bytes other than 0x09-0x0D and 0x20) joined by single 0x20 bytes, the
// bytes word shingles are cut from, whatever the shingle kind. Text from
// package dataset is already in that form, so for it this is SHA-256 of the
// stored text.
func TextHash(text string) []byte { return TextHashes([]string{text})[0] }

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
