package buyer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/meadow-net/meadow/api"
)

// UploadModule uploads a WebAssembly module (docs/wasm.md) and returns it
// as stored: its SHA-256 is what a wasm job's compute.wasm.module names.
// Only the coordinators' cheap header check runs here; `meadow buyer module
// upload` runs the sandbox's checks first. With an object store the bytes go
// straight to the bucket through a presigned URL; otherwise (or when the
// store refuses them) to a coordinator. Tries may race (the upload is
// idempotent), each signed afresh.
func (b *Client) UploadModule(ctx context.Context, module []byte) (api.Module, error) {
	up := api.ModuleUpload{SHA256: api.Hash(sha256.Sum256(module)), Size: int64(len(module))}
	if err := up.Validate(); err != nil {
		return api.Module{}, err
	}
	if err := api.CheckModuleHeader(module); err != nil {
		return api.Module{}, err
	}
	m, done, storeErr, err := b.uploadModulePresigned(ctx, up, module)
	if err != nil {
		return api.Module{}, err
	}
	if !done {
		if m, err = b.uploadModuleProxied(ctx, up, module); err != nil {
			if storeErr != nil {
				// Both paths refused: the store's reason is the one the
				// buyer can act on (a cluster with an object store may
				// not take modules through its members at all).
				return api.Module{}, fmt.Errorf("buyer: the object store refused the module %d times (last: %v), and then the coordinators: %w", storeTries, storeErr, err)
			}
			return api.Module{}, err
		}
	}
	if m.SHA256 != up.SHA256 {
		return api.Module{}, fmt.Errorf("buyer: the coordinator stored module %s, expected %s", m.SHA256, up.SHA256)
	}
	return m, nil
}

// storeTries bounds the PUTs of a module to the object store, each with a
// fresh URL; after them the module goes through a coordinator, which may
// reach a store this buyer cannot.
const storeTries = 4

// uploadModulePresigned runs a presigned module upload (api's module.go):
// URL, PUT to the store, report. done is false, with no error, when the
// coordinators hand out no URL (their blobs are on their disks, or they do
// not know the route) or the store refused every PUT (storeErr is then its
// last refusal): the caller uploads through a coordinator.
func (b *Client) uploadModulePresigned(ctx context.Context, up api.ModuleUpload, module []byte) (m api.Module, done bool, storeErr, err error) {
	for try := 0; try < storeTries; try++ {
		if try > 0 {
			select {
			case <-ctx.Done():
				return api.Module{}, true, nil, ctx.Err()
			case <-time.After(time.Duration(250<<try) * time.Millisecond):
			}
		}
		var u api.UploadURL
		if err := b.c.Post(ctx, api.MethodModuleUploadURL, api.RouteModuleUploadURL, up, &u); err != nil {
			if ctx.Err() != nil {
				return api.Module{}, true, nil, ctx.Err()
			}
			return api.Module{}, false, nil, nil
		}
		if u.URL == "" {
			return api.Module{}, false, nil, nil
		}
		if err := u.Validate(); err != nil {
			return api.Module{}, false, nil, nil
		}
		if err := api.PutPresigned(ctx, b.c.HTTP(), u, up.Size, bytes.NewReader(module)); err != nil {
			if ctx.Err() != nil {
				return api.Module{}, true, nil, ctx.Err()
			}
			storeErr = err
			continue
		}
		err = b.c.Post(ctx, api.MethodModuleUploadStaged, api.RouteModuleUploadStaged, up, &m)
		return m, true, nil, err
	}
	return api.Module{}, false, storeErr, nil
}

// uploadModuleProxied sends the module's bytes to a coordinator (POST
// api.RouteModules).
func (b *Client) uploadModuleProxied(ctx context.Context, up api.ModuleUpload, module []byte) (api.Module, error) {
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
	return out, err
}
