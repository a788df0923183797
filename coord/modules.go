package coord

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/dataset"
)

// Buyers' WebAssembly modules (api.RouteModules, docs/wasm.md) are blobs
// like task blobs: stored on the leader, copied to a majority of the
// members, then recorded by a module_stored command that names the buyer as
// an owner. Nodes read a module as they read a task's input: with a
// blob.get envelope for a task that runs it (state.LeaseReadsInput).

type moduleStoredCmd struct {
	Module state.StoredModule `json:"module"`
	Now    int64              `json:"now"`
}

func (f *fsm) applyModuleStored(body []byte, index uint64) any {
	var c moduleStoredCmd
	decode(MsgModuleStored, body, index, &c)
	return f.st.ModuleStored(c.Module, c.Now)
}

// httpModuleUpload serves POST /v1/modules: a module.upload envelope in the
// Meadow-Envelope header, the module's bytes as the body.
func (c *Coordinator) httpModuleUpload(rctx context.Context, ctx *fasthttp.RequestCtx) (any, error) {
	if err := c.proxyRefused(ctx, api.RouteModuleUploadURL); err != nil {
		return nil, err
	}
	var up api.ModuleUpload
	o, err := c.openHeader(ctx, api.MethodModuleUpload, &up)
	if err != nil {
		drainBody(ctx)
		return nil, inRequest(api.EnvelopeHeader, err)
	}
	if err := c.useWorkNonce(o.addr, o.sg.Nonce); err != nil {
		drainBody(ctx)
		return nil, err
	}
	m, err := c.UploadModule(rctx, o.addr, up, requestBody(ctx))
	if err != nil {
		drainBody(ctx)
	}
	if errors.Is(err, syscall.ENOSPC) && !errors.Is(err, errCannotStore) {
		err = fmt.Errorf("%w: %w", errCannotStore, err)
	}
	return m, err
}

// UploadModule stores a module from owner: its size and SHA-256 checked
// against what the owner signed and its header against WebAssembly's, then
// stored, copied to a majority of the members and recorded. A module
// already recorded is only recorded again with owner (the body is still
// checked: it proves the uploader holds the bytes). Only the leader can.
func (c *Coordinator) UploadModule(ctx context.Context, owner string, up api.ModuleUpload, body io.Reader) (api.Module, error) {
	if !c.IsLeader() {
		return api.Module{}, ErrNotLeader
	}
	dir := filepath.Join(c.cfg.DataDir, "uploads")
	in, err := spool(dir, body, up.Size, up.SHA256)
	if err != nil {
		return api.Module{}, err
	}
	defer os.Remove(in.Name())
	defer in.Close()
	head := make([]byte, 8)
	if _, err := io.ReadFull(in, head); err != nil {
		return api.Module{}, invalidf("body: %d bytes: expected a WebAssembly module", up.Size)
	}
	if err := api.CheckModuleHeader(head); err != nil {
		return api.Module{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return api.Module{}, err
	}
	h := dataset.Hash(up.SHA256)
	size, err := c.blobs.Put(ctx, in, h, api.MaxModuleSize)
	if err != nil {
		return api.Module{}, fmt.Errorf("coord: store module: %w", err)
	}
	if err := c.replicate(ctx, h); err != nil {
		return api.Module{}, fmt.Errorf("%w: module %s reached too few members: %v", ErrTimeout, h, err)
	}
	return c.recordModule(ctx, owner, up.SHA256, size)
}

// recordModule records owner as an owner of the stored module sum through
// Raft and answers the module as the state has it.
func (c *Coordinator) recordModule(ctx context.Context, owner string, sum api.Hash, size int64) (api.Module, error) {
	sm := state.StoredModule{SHA256: sum, Size: size, Owner: strings.ToLower(owner)}
	if _, err := c.propose(ctx, MsgModuleStored, moduleStoredCmd{Module: sm, Now: c.now()}); err != nil {
		return api.Module{}, err
	}
	m, err := c.Module(sum)
	if err != nil {
		return api.Module{}, err
	}
	return api.Module{SHA256: sum, Size: m.Size, StoredAt: m.StoredAt}, nil
}

// httpModuleUploadURL serves POST /v1/modules/upload/url.
func (c *Coordinator) httpModuleUploadURL(rctx context.Context, ctx *fasthttp.RequestCtx) (any, error) {
	var up api.ModuleUpload
	o, err := c.openBody(ctx, api.MethodModuleUploadURL, &up)
	if err != nil {
		return nil, err
	}
	if err := c.useWorkNonce(o.addr, o.sg.Nonce); err != nil {
		return nil, err
	}
	v, err := c.ModuleUploadURL(rctx, o.addr, up)
	return v, bodyFields(err)
}

// ModuleUploadURL answers a buyer that will upload a module: a presigned
// PUT to its staging key with an object store, signed over the module's
// size and SHA-256; nothing (upload with POST /v1/modules) without one.
// Only the leader can.
func (c *Coordinator) ModuleUploadURL(ctx context.Context, owner string, up api.ModuleUpload) (api.UploadURL, error) {
	if !c.IsLeader() {
		return api.UploadURL{}, ErrNotLeader
	}
	st, ok := c.blobs.(stager)
	if !ok {
		return api.UploadURL{}, nil
	}
	sp, err := st.PresignStagedPut(ctx, moduleStagingKey(st, up.SHA256, owner), up.Size, dataset.Hash(up.SHA256), stagedURLTTL)
	if err != nil {
		return api.UploadURL{}, err
	}
	c.staged.urls.Inc()
	return api.UploadURL{URL: sp.URL, Headers: sp.Headers, ExpiresAt: sp.Expires.UnixMilli()}, nil
}

// moduleStagingKey is where owner stages module sum: one key per module and
// buyer, under the staging prefix the leader sweeps.
func moduleStagingKey(st stager, sum api.Hash, owner string) string {
	return st.StagingKey("module-"+sum.String(), owner)
}

// httpModuleUploadStaged serves POST /v1/modules/upload/staged.
func (c *Coordinator) httpModuleUploadStaged(rctx context.Context, ctx *fasthttp.RequestCtx) (any, error) {
	var up api.ModuleUpload
	o, err := c.openBody(ctx, api.MethodModuleUploadStaged, &up)
	if err != nil {
		return nil, err
	}
	if err := c.useWorkNonce(o.addr, o.sg.Nonce); err != nil {
		return nil, err
	}
	v, err := c.ModuleUploadStaged(rctx, o.addr, up)
	return v, bodyFields(err)
}

// ModuleUploadStaged checks the module owner staged in the object store as
// POST /v1/modules checks a body (its size and SHA-256 against the signed
// ones, its header against WebAssembly's), puts it under its name with a
// server-side copy, records owner as an owner and removes the staged
// object. A staged object that is wrong is refused naming the field and
// removed; none staged is a 409 naming sha256, unless owner already owns
// the module (a raced second report), which is answered as the first. Only
// the leader can.
func (c *Coordinator) ModuleUploadStaged(ctx context.Context, owner string, up api.ModuleUpload) (api.Module, error) {
	if !c.IsLeader() {
		return api.Module{}, ErrNotLeader
	}
	ctx, cancel := c.stagedWork(ctx, up.Size)
	defer cancel()
	st, ok := c.blobs.(stager)
	if !ok {
		return api.Module{}, fmt.Errorf("%w: this cluster keeps blobs on its members' disks and hands out no upload URLs: upload with POST %s", state.ErrConflict, api.RouteModules)
	}
	key := moduleStagingKey(st, up.SHA256, owner)
	obj, err := c.statStaged(ctx, st, key, up.Size)
	if errors.Is(err, blob.ErrNotFound) {
		if m, ok := c.ownedModule(owner, up.SHA256); ok {
			return m, nil
		}
		return api.Module{}, &state.FieldError{Field: "sha256", Err: fmt.Errorf("%w: no staged upload of module %s by %s: PUT it to the URL of %s first", state.ErrConflict, up.SHA256, owner, api.RouteModuleUploadURL)}
	}
	if err != nil {
		return api.Module{}, err
	}
	refuse := func(err error) (api.Module, error) { return api.Module{}, c.refuseStaged(ctx, st, key, err) }
	in, err := spoolStaged(ctx, st, obj, api.Upload{SHA256: up.SHA256, Size: up.Size}, filepath.Join(c.cfg.DataDir, "uploads"))
	if err != nil {
		var fe *state.FieldError
		if errors.As(err, &fe) {
			return refuse(err)
		}
		return api.Module{}, err
	}
	defer os.Remove(in.Name())
	defer in.Close()
	head := make([]byte, 8)
	if _, err := io.ReadFull(in, head); err != nil {
		return refuse(invalidf("body: %d bytes: expected a WebAssembly module", up.Size))
	}
	if err := api.CheckModuleHeader(head); err != nil {
		return refuse(fmt.Errorf("%w: %w", ErrInvalid, err))
	}
	if err := st.Promote(ctx, obj, dataset.Hash(up.SHA256), up.Size); err != nil {
		return api.Module{}, fmt.Errorf("coord: store module: %w", err)
	}
	m, err := c.recordModule(ctx, owner, up.SHA256, up.Size)
	if err != nil {
		return api.Module{}, err
	}
	c.staged.modules.Inc()
	c.removeStaged(ctx, st, key)
	return m, nil
}

// Module returns the recorded module sum: its size, first upload and
// owners.
func (c *Coordinator) Module(sum api.Hash) (m state.Module, err error) {
	c.fsm.read(func(st *state.State) { m, err = st.Module(sum) })
	return m, err
}

// ownedModule answers module sum when owner is one of its owners.
func (c *Coordinator) ownedModule(owner string, sum api.Hash) (api.Module, bool) {
	m, err := c.Module(sum)
	if err != nil || !slices.Contains(m.Owners, strings.ToLower(owner)) {
		return api.Module{}, false
	}
	return api.Module{SHA256: sum, Size: m.Size, StoredAt: m.StoredAt}, true
}

// sumFuel reads a wasm task's blob (its accepted rows only) from f's start
// and sums its wasm_fuel column, then rewinds f. The rows' values are the
// ones replicas agreed on, so the sum is too.
func sumFuel(f *os.File) (uint64, error) {
	r, err := dataset.NewStreamReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return 0, fmt.Errorf("%w: %w: %w", ErrInvalid, errBadBlob, err)
	}
	ci := r.Schema().Index(api.ColWasmFuel)
	if ci < 0 || r.Schema().Columns[ci].Type != dataset.TypeInt64 {
		_ = r.Close()
		return 0, invalidf("upload: a wasm task's blob without its int64 %s column", api.ColWasmFuel)
	}
	var sum uint64
	for r.Next() {
		v, _ := r.Row()[ci].(int64)
		if v < 0 || v > api.MaxWasmFuel {
			_ = r.Close()
			return 0, invalidf("upload: row %d: %s %d: expected 0 to %d", r.RowNumber(), api.ColWasmFuel, v, int64(api.MaxWasmFuel))
		}
		sum += uint64(v)
	}
	err = r.Err()
	_ = r.Close()
	if err != nil {
		return 0, fmt.Errorf("%w: %w: %w", ErrInvalid, errBadBlob, err)
	}
	_, err = f.Seek(0, io.SeekStart)
	return sum, err
}
