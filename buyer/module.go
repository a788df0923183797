package buyer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"

	"github.com/meadow-net/meadow/api"
)

// UploadModule uploads a WebAssembly module (docs/wasm.md) and returns it
// as stored: its SHA-256 is what a wasm job's compute.wasm.module names.
// Only the coordinators' cheap header check runs here; `meadow buyer module
// upload` runs the sandbox's checks first. Tries may race (the upload is
// idempotent), each signed afresh.
func (b *Client) UploadModule(ctx context.Context, module []byte) (api.Module, error) {
	up := api.ModuleUpload{SHA256: api.Hash(sha256.Sum256(module)), Size: int64(len(module))}
	if err := up.Validate(); err != nil {
		return api.Module{}, err
	}
	if err := api.CheckModuleHeader(module); err != nil {
		return api.Module{}, err
	}
	var out api.Module
	err := b.c.DoIdempotent(ctx, func(ctx context.Context, base string) (*http.Response, error) {
		env, err := b.c.Sign(api.MethodModuleUpload, up)
		if err != nil {
			return nil, err
		}
		h, err := env.Header()
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+api.RouteModules, io.NopCloser(bytes.NewReader(module)))
		if err != nil {
			return nil, err
		}
		req.ContentLength = up.Size
		req.Header.Set(api.EnvelopeHeader, h)
		req.Header.Set("Content-Type", "application/wasm")
		return b.c.HTTP().Do(req)
	}, &out)
	if err != nil {
		return api.Module{}, err
	}
	if out.SHA256 != up.SHA256 {
		return api.Module{}, fmt.Errorf("buyer: the coordinator stored module %s, expected %s", out.SHA256, up.SHA256)
	}
	return out, nil
}
