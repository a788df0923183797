package compute

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
	"github.com/pkoukk/tiktoken-go"
	tiktokenloader "github.com/pkoukk/tiktoken-go-loader"
)

// ColTokens is the tokens kernel's output column: the number of tokens of
// the row's text.
const ColTokens = "tokens"

// Token encodings the tokens kernel supports.
const (
	EncodingCL100K = "cl100k_base"
	EncodingO200K  = "o200k_base"
	// DefaultEncoding is the encoding a tokens job uses when it names none.
	DefaultEncoding = EncodingCL100K
)

// Encodings lists the supported token encodings.
func Encodings() []string { return []string{EncodingCL100K, EncodingO200K} }

// offlineBPE installs the offline BPE loader once. tiktoken-go keeps its
// loader (and its cache of parsed encodings) in package-level variables; the
// offline loader is the only one a node may use (nodes must not fetch
// vocabularies from the network), so installing it process-wide is safe.
var offlineBPE sync.Once

// tokensKernel is the tokens Kernel: CPU only (BPE has no GPU version here).
type tokensKernel struct {
	encoding string
	pool     *encoderPool
}

// An encoder holds ~18 MB once built (its 100k-token rank maps) and takes
// a sort of its tokens to build, so the node builds few and keeps them: one
// per encoding on a machine of up to 7 cores, shared by every tokens task
// (one task uses one at a time: its regex state is not safe to share).
type encoderPool struct {
	encoding string
	free     chan *tiktoken.Tiktoken
	mu       sync.Mutex
	built    int
	lastUse  time.Time
}

// encoderIdle is how long unused encoders are kept: a node that has stopped
// counting tokens goes back to its idle memory.
const encoderIdle = 2 * time.Minute

var (
	poolsMu sync.Mutex
	pools   = map[string]*encoderPool{}
)

func poolFor(encoding string) *encoderPool {
	poolsMu.Lock()
	defer poolsMu.Unlock()
	p := pools[encoding]
	if p == nil {
		// ~18 MB each once built: a home node keeps one; a machine
		// with many cores, one per 4 of them (up to 4).
		n := min(max(1, runtime.NumCPU()/4), 4)
		p = &encoderPool{encoding: encoding, free: make(chan *tiktoken.Tiktoken, n)}
		pools[encoding] = p
		go p.releaseIdle(encoderIdle / 4)
	}
	return p
}

// releaseIdle drops the pool's encoders once none has been used for
// encoderIdle, checking every period; the next task builds one again.
func (p *encoderPool) releaseIdle(period time.Duration) {
	for range time.Tick(period) {
		p.mu.Lock()
		if p.built > 0 && len(p.free) == p.built && time.Since(p.lastUse) > encoderIdle {
			// Never block here: a task may take one meanwhile.
		drain:
			for {
				select {
				case <-p.free:
					p.built--
				default:
					break drain
				}
			}
		}
		p.mu.Unlock()
	}
}

// get returns a free encoder, builds one while fewer than the pool holds
// exist, or waits for one.
func (p *encoderPool) get(ctx context.Context) (*tiktoken.Tiktoken, error) {
	select {
	case e := <-p.free:
		return e, nil
	default:
	}
	p.mu.Lock()
	if p.built < cap(p.free) {
		p.built++
		p.mu.Unlock()
		e, err := tiktoken.GetEncoding(p.encoding)
		if err != nil {
			p.mu.Lock()
			p.built--
			p.mu.Unlock()
			return nil, fmt.Errorf("compute: tokens: loading encoding %q: %w", p.encoding, err)
		}
		return e, nil
	}
	p.mu.Unlock()
	select {
	case e := <-p.free:
		return e, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *encoderPool) put(e *tiktoken.Tiktoken) {
	p.mu.Lock()
	p.lastUse = time.Now()
	p.mu.Unlock()
	p.free <- e
}

func newTokensKernel(encoding string) (*tokensKernel, error) {
	if encoding != EncodingCL100K && encoding != EncodingO200K {
		return nil, fmt.Errorf("%w: compute.tokens.encoding %q: expected one of %v", ErrBadParams, encoding, Encodings())
	}
	offlineBPE.Do(func() { tiktoken.SetBpeLoader(tiktokenloader.NewOfflineLoader()) })
	k := &tokensKernel{encoding: encoding, pool: poolFor(encoding)}
	// Build (or borrow) one now, so that a broken vocabulary fails here.
	e, err := k.pool.get(context.Background())
	if err != nil {
		return nil, err
	}
	k.pool.put(e)
	return k, nil
}

func (k *tokensKernel) Name() string { return api.KernelTokens }

func (k *tokensKernel) OutputColumns() []dataset.Column {
	return []dataset.Column{{Name: ColTokens, Type: dataset.TypeInt64, Role: dataset.RoleContent}}
}

// Run counts each text's tokens. Special-token strings such as
// "<|endoftext|>" are counted as ordinary text: the count describes the
// text as data, and text from the web must not be able to inject control
// tokens.
func (k *tokensKernel) Run(ctx context.Context, texts []string) ([]dataset.Row, error) {
	enc, err := k.pool.get(ctx)
	if err != nil {
		return nil, err
	}
	defer k.pool.put(enc)
	rows := make([]dataset.Row, len(texts))
	for i, t := range texts {
		if i%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		rows[i] = dataset.Row{int64(len(enc.EncodeOrdinary(t)))}
	}
	return rows, nil
}
