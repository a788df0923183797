package coord

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
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
	sm := state.StoredModule{SHA256: up.SHA256, Size: size, Owner: strings.ToLower(owner)}
	if _, err := c.propose(ctx, MsgModuleStored, moduleStoredCmd{Module: sm, Now: c.now()}); err != nil {
		return api.Module{}, err
	}
	var m state.Module
	c.fsm.read(func(st *state.State) { m, err = st.Module(up.SHA256) })
	if err != nil {
		return api.Module{}, err
	}
	return api.Module{SHA256: up.SHA256, Size: m.Size, StoredAt: m.StoredAt}, nil
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
