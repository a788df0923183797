package compute

import (
	"context"
	"fmt"
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
	shared   *sharedEncoder
}

// An encoder holds ~18 MB once built (its 100k-token rank maps) and takes
// a sort of its tokens to build, so the node builds one per encoding and
// every tokens task uses it at once: EncodeOrdinary only reads the rank
// maps, and regexp2's Regexp is safe for concurrent use (each match takes
// its own runner). Tasks on a 2-core node used to take turns at one encoder.
type sharedEncoder struct {
	encoding string
	mu       sync.Mutex
	enc      *tiktoken.Tiktoken
	users    int
	lastUse  time.Time
}

// encoderIdle is how long an unused encoder is kept: a node that has
// stopped counting tokens goes back to its idle memory.
const encoderIdle = 2 * time.Minute

var (
	encodersMu sync.Mutex
	encoders   = map[string]*sharedEncoder{}
)

func encoderFor(encoding string) *sharedEncoder {
	encodersMu.Lock()
	defer encodersMu.Unlock()
	s := encoders[encoding]
	if s == nil {
		s = &sharedEncoder{encoding: encoding}
		encoders[encoding] = s
		go s.releaseIdle(encoderIdle / 4)
	}
	return s
}

// releaseIdle drops the encoder once no task has used it for encoderIdle,
// checking every period; the next task builds it again.
func (s *sharedEncoder) releaseIdle(period time.Duration) {
	for now := range time.Tick(period) {
		s.dropIfIdle(now)
	}
}

func (s *sharedEncoder) dropIfIdle(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.enc != nil && s.users == 0 && now.Sub(s.lastUse) > encoderIdle {
		s.enc = nil
	}
}

// get returns the encoder, building it if there is none; the caller gives
// it back with put. Tasks that arrive while it is built wait for it.
func (s *sharedEncoder) get() (*tiktoken.Tiktoken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.enc == nil {
		e, err := tiktoken.GetEncoding(s.encoding)
		if err != nil {
			return nil, fmt.Errorf("compute: tokens: loading encoding %q: %w", s.encoding, err)
		}
		s.enc = e
	}
	s.users++
	return s.enc, nil
}

func (s *sharedEncoder) put() {
	s.mu.Lock()
	s.users--
	s.lastUse = time.Now()
	s.mu.Unlock()
}

func newTokensKernel(encoding string) (*tokensKernel, error) {
	if encoding != EncodingCL100K && encoding != EncodingO200K {
		return nil, fmt.Errorf("%w: compute.tokens.encoding %q: expected one of %v", ErrBadParams, encoding, Encodings())
	}
	offlineBPE.Do(func() { tiktoken.SetBpeLoader(tiktokenloader.NewOfflineLoader()) })
	k := &tokensKernel{encoding: encoding, shared: encoderFor(encoding)}
	// Build it now, so that a broken vocabulary fails here.
	if _, err := k.shared.get(); err != nil {
		return nil, err
	}
	k.shared.put()
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
	enc, err := k.shared.get()
	if err != nil {
		return nil, err
	}
	defer k.shared.put()
	rows := make([]dataset.Row, len(texts))
	for i, t := range texts {
		if i%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		rows[i] = dataset.Row{int64(len(enc.EncodeOrdinary(t)))}
	}
	return rows, nil
}
