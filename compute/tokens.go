package compute

import (
	"context"
	"fmt"
	"sync"

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
	enc      *tiktoken.Tiktoken
	mu       sync.Mutex // serializes Run: the encoder's regex state is shared
}

func newTokensKernel(encoding string) (*tokensKernel, error) {
	if encoding != EncodingCL100K && encoding != EncodingO200K {
		return nil, fmt.Errorf("%w: compute.tokens.encoding %q: expected one of %v", ErrBadParams, encoding, Encodings())
	}
	offlineBPE.Do(func() { tiktoken.SetBpeLoader(tiktokenloader.NewOfflineLoader()) })
	enc, err := tiktoken.GetEncoding(encoding)
	if err != nil {
		return nil, fmt.Errorf("compute: tokens: loading encoding %q: %w", encoding, err)
	}
	return &tokensKernel{encoding: encoding, enc: enc}, nil
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
	k.mu.Lock()
	defer k.mu.Unlock()
	rows := make([]dataset.Row, len(texts))
	for i, t := range texts {
		if i%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		rows[i] = dataset.Row{int64(len(k.enc.EncodeOrdinary(t)))}
	}
	return rows, nil
}
