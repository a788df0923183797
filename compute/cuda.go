package compute

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"

	"github.com/meadow-net/meadow/compute/internal/dl"
)

// The CUDA path. The kernels are CUDA C (compute/cuda/*.cu) compiled ahead
// of time to PTX by `make ptx` and embedded here; at run time the CUDA
// driver (libcuda.so.1, nvcuda.dll on Windows; see internal/dl) is loaded with
// purego and JIT-compiles the PTX for whatever GPU is present. Nothing links against CUDA, so the binary builds
// and runs where there is none.

//go:embed cuda/minhash.ptx
var minhashPTX []byte

//go:embed cuda/embed.ptx
var embedPTX []byte

// Launch geometry; the .cu files use the same constants.
const (
	minhashBlock = 128
	embedBlock   = 128
	// maxLaunchBytes bounds the text uploaded per launch, so a batch's
	// device buffers stay small next to a home GPU's memory.
	maxLaunchBytes = 64 << 20
	// maxLaunchRows bounds the rows per launch (one block each), which
	// bounds the output buffers when texts are tiny.
	maxLaunchRows = 1 << 18
)

// cudaDriver holds the driver entry points Meadow uses. Each returns a
// CUresult (0 is success).
type cudaDriver struct {
	lib uintptr

	cuInit                    func(flags uint32) int32
	cuDriverGetVersion        func(v *int32) int32
	cuDeviceGetCount          func(n *int32) int32
	cuDeviceGet               func(dev *int32, ordinal int32) int32
	cuDeviceGetName           func(name *byte, n int32, dev int32) int32
	cuDevicePrimaryCtxRetain  func(ctx *uintptr, dev int32) int32
	cuDevicePrimaryCtxRelease func(dev int32) int32
	cuCtxSetCurrent           func(ctx uintptr) int32
	cuCtxSynchronize          func() int32
	cuModuleLoadDataEx        func(mod *uintptr, image *byte, n uint32, opts *int32, vals *uintptr) int32
	cuModuleUnload            func(mod uintptr) int32
	cuModuleGetFunction       func(fn *uintptr, mod uintptr, name string) int32
	cuMemAlloc                func(dptr *uint64, size uint64) int32
	cuMemFree                 func(dptr uint64) int32
	cuMemcpyHtoD              func(dst uint64, src unsafe.Pointer, n uint64) int32
	cuMemcpyDtoH              func(dst unsafe.Pointer, src uint64, n uint64) int32
	cuLaunchKernel            func(f uintptr, gx, gy, gz, bx, by, bz, shmem uint32, stream uintptr, params *unsafe.Pointer, extra uintptr) int32
	cuGetErrorName            func(res int32, s **byte) int32
}

// loadCUDA opens the driver library and resolves its entry points. A
// missing library gives ErrNoCUDADriver.
func loadCUDA() (*cudaDriver, error) {
	lib, err := dl.Open(dl.CUDALibrary)
	if err != nil {
		return nil, fmt.Errorf("%w: loading %s: %v (install NVIDIA's driver to use the GPU; kernels run on the CPU meanwhile)", ErrNoCUDADriver, dl.CUDALibrary, err)
	}
	d := &cudaDriver{lib: lib}
	syms := []struct {
		fn    any
		names []string // the versioned name first: the plain one is the old ABI
	}{
		{&d.cuInit, []string{"cuInit"}},
		{&d.cuDriverGetVersion, []string{"cuDriverGetVersion"}},
		{&d.cuDeviceGetCount, []string{"cuDeviceGetCount"}},
		{&d.cuDeviceGet, []string{"cuDeviceGet"}},
		{&d.cuDeviceGetName, []string{"cuDeviceGetName"}},
		{&d.cuDevicePrimaryCtxRetain, []string{"cuDevicePrimaryCtxRetain"}},
		{&d.cuDevicePrimaryCtxRelease, []string{"cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease"}},
		{&d.cuCtxSetCurrent, []string{"cuCtxSetCurrent"}},
		{&d.cuCtxSynchronize, []string{"cuCtxSynchronize"}},
		{&d.cuModuleLoadDataEx, []string{"cuModuleLoadDataEx"}},
		{&d.cuModuleUnload, []string{"cuModuleUnload"}},
		{&d.cuModuleGetFunction, []string{"cuModuleGetFunction"}},
		{&d.cuMemAlloc, []string{"cuMemAlloc_v2"}},
		{&d.cuMemFree, []string{"cuMemFree_v2"}},
		{&d.cuMemcpyHtoD, []string{"cuMemcpyHtoD_v2"}},
		{&d.cuMemcpyDtoH, []string{"cuMemcpyDtoH_v2"}},
		{&d.cuLaunchKernel, []string{"cuLaunchKernel"}},
		{&d.cuGetErrorName, []string{"cuGetErrorName"}},
	}
	for _, s := range syms {
		var sym uintptr
		for _, n := range s.names {
			if sym, err = dl.Symbol(lib, n); err == nil {
				break
			}
		}
		if err != nil {
			_ = dl.Close(lib)
			return nil, fmt.Errorf("%w: %s lacks %s (driver too old?)", ErrNoCUDADriver, dl.CUDALibrary, s.names[0])
		}
		purego.RegisterFunc(s.fn, sym)
	}
	return d, nil
}

// check turns a CUresult into an error wrapping ErrCUDA.
func (d *cudaDriver) check(res int32, what string) error {
	if res == 0 {
		return nil
	}
	var p *byte
	name := "unknown"
	if d.cuGetErrorName(res, &p) == 0 && p != nil {
		name = cString(p)
	}
	return fmt.Errorf("%w: %s: %s (%d)", ErrCUDA, what, name, res)
}

// cString copies a NUL-terminated C string.
func cString(p *byte) string {
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}

// CUDA error codes the GPU path tells apart.
const (
	cudaErrorNoDevice = 100
)

// GPU is one CUDA device with Meadow's kernels loaded. Its methods are safe
// for concurrent use; work on one GPU is serialized.
type GPU struct {
	mu      sync.Mutex
	drv     *cudaDriver
	dev     int32
	ctx     uintptr
	name    string
	index   int
	version int
	mods    []uintptr
	fnMin   uintptr
	fnEmb   uintptr

	// launchBytes is maxLaunchBytes; tests lower it to force several
	// launches per batch.
	launchBytes int

	// Buffers grow to the largest batch seen and are reused.
	host    []byte
	offs    []uint64
	dText   devBuf
	dOffs   devBuf
	dCoefA  devBuf
	dCoefB  devBuf
	dSig    devBuf
	dBands  devBuf
	dEmbOut devBuf
	models  map[*Model]*gpuModel
}

type devBuf struct {
	ptr  uint64
	size uint64
}

type gpuModel struct {
	embed, w1, b1, w2, b2 devBuf
}

// gpuSource says where OpenGPU finds its PTX: the embedded files unless a
// test overrides them.
type gpuSource struct {
	minhash, embed []byte
}

// OpenGPU opens CUDA device index (0 is the first) and loads the kernels.
// Without libcuda.so.1 it returns an error wrapping ErrNoCUDADriver; with no
// device, ErrNoGPU. Close releases it.
func OpenGPU(index int) (*GPU, error) {
	return openGPU(index, gpuSource{minhash: minhashPTX, embed: embedPTX})
}

func openGPU(index int, src gpuSource) (g *GPU, err error) {
	d, err := loadCUDA()
	if err != nil {
		return nil, err
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if res := d.cuInit(0); res != 0 {
		_ = dl.Close(d.lib)
		if res == cudaErrorNoDevice {
			return nil, fmt.Errorf("%w: the CUDA driver found no device", ErrNoGPU)
		}
		return nil, d.check(res, "cuInit")
	}
	g = &GPU{drv: d, index: index, models: map[*Model]*gpuModel{}, launchBytes: maxLaunchBytes}
	defer func() {
		if err != nil {
			g.release()
		}
	}()
	var v, n int32
	if err := d.check(d.cuDriverGetVersion(&v), "cuDriverGetVersion"); err != nil {
		return nil, err
	}
	g.version = int(v)
	if err := d.check(d.cuDeviceGetCount(&n), "cuDeviceGetCount"); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: the CUDA driver found no device", ErrNoGPU)
	}
	if index < 0 || index >= int(n) {
		return nil, fmt.Errorf("%w: device index %d: expected 0 to %d", ErrNoGPU, index, n-1)
	}
	if err := d.check(d.cuDeviceGet(&g.dev, int32(index)), "cuDeviceGet"); err != nil {
		return nil, err
	}
	name := make([]byte, 256)
	if err := d.check(d.cuDeviceGetName(&name[0], int32(len(name)), g.dev), "cuDeviceGetName"); err != nil {
		return nil, err
	}
	g.name = cString(&name[0])
	// The primary context is the one the runtime API would share; retaining
	// it avoids cuCtxCreate, whose signature changed in CUDA 13.
	if err := d.check(d.cuDevicePrimaryCtxRetain(&g.ctx, g.dev), "cuDevicePrimaryCtxRetain"); err != nil {
		return nil, err
	}
	if err := d.check(d.cuCtxSetCurrent(g.ctx), "cuCtxSetCurrent"); err != nil {
		return nil, err
	}
	if g.fnMin, err = g.loadFunction(src.minhash, "minhash.ptx", "minhash_kernel"); err != nil {
		return nil, err
	}
	if g.fnEmb, err = g.loadFunction(src.embed, "embed.ptx", "embed_kernel"); err != nil {
		return nil, err
	}
	return g, nil
}

// loadFunction JIT-compiles a PTX module and returns one of its kernels.
// The JIT's error log goes into the error.
func (g *GPU) loadFunction(ptx []byte, file, fn string) (uintptr, error) {
	d := g.drv
	image := make([]byte, len(ptx)+1) // NUL-terminated for the driver
	copy(image, ptx)
	logBuf := make([]byte, 8192)
	const (
		jitErrorLogBuffer     = 5 // CU_JIT_ERROR_LOG_BUFFER
		jitErrorLogBufferSize = 6 // CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES
	)
	opts := []int32{jitErrorLogBuffer, jitErrorLogBufferSize}
	var pin runtime.Pinner
	defer pin.Unpin()
	pin.Pin(&logBuf[0])
	vals := []uintptr{uintptr(unsafe.Pointer(&logBuf[0])), uintptr(len(logBuf))}
	var mod uintptr
	res := d.cuModuleLoadDataEx(&mod, &image[0], uint32(len(opts)), &opts[0], &vals[0])
	runtime.KeepAlive(logBuf)
	if res != 0 {
		err := d.check(res, "loading "+file)
		if n := cStringLen(logBuf); n > 0 {
			err = fmt.Errorf("%w: %s", err, logBuf[:n])
		}
		return 0, err
	}
	g.mods = append(g.mods, mod)
	var f uintptr
	if err := d.check(d.cuModuleGetFunction(&f, mod, fn), "finding "+fn+" in "+file); err != nil {
		return 0, err
	}
	return f, nil
}

func cStringLen(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return len(b)
}

// Name is the device's model name, as the driver reports it.
func (g *GPU) Name() string { return g.name }

// Index is the device's CUDA ordinal.
func (g *GPU) Index() int { return g.index }

// DriverVersion is the CUDA driver API version, e.g. 13000 for 13.0.
func (g *GPU) DriverVersion() int { return g.version }

// Close frees the device buffers, unloads the kernels and releases the
// device.
func (g *GPU) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.drv == nil {
		return nil
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	g.drv.cuCtxSetCurrent(g.ctx)
	return g.release()
}

func (g *GPU) release() error {
	d := g.drv
	if d == nil {
		return nil
	}
	var errs []error
	if g.ctx != 0 {
		for _, b := range []*devBuf{&g.dText, &g.dOffs, &g.dCoefA, &g.dCoefB, &g.dSig, &g.dBands, &g.dEmbOut} {
			errs = append(errs, g.free(b))
		}
		for _, m := range g.models {
			for _, b := range []*devBuf{&m.embed, &m.w1, &m.b1, &m.w2, &m.b2} {
				errs = append(errs, g.free(b))
			}
		}
		for _, m := range g.mods {
			errs = append(errs, d.check(d.cuModuleUnload(m), "cuModuleUnload"))
		}
		errs = append(errs, d.check(d.cuDevicePrimaryCtxRelease(g.dev), "cuDevicePrimaryCtxRelease"))
	}
	if err := dl.Close(d.lib); err != nil {
		errs = append(errs, err)
	}
	g.drv, g.mods, g.models = nil, nil, nil
	return errors.Join(errs...)
}

// begin locks the GPU to the calling goroutine's OS thread and makes its
// context current there: CUDA contexts are per thread, goroutines are not.
func (g *GPU) begin() (end func(), err error) {
	g.mu.Lock()
	if g.drv == nil {
		g.mu.Unlock()
		return nil, fmt.Errorf("%w: the GPU is closed", ErrNoGPU)
	}
	runtime.LockOSThread()
	end = func() {
		runtime.UnlockOSThread()
		g.mu.Unlock()
	}
	if err := g.drv.check(g.drv.cuCtxSetCurrent(g.ctx), "cuCtxSetCurrent"); err != nil {
		end()
		return nil, err
	}
	return end, nil
}

func (g *GPU) free(b *devBuf) error {
	if b.ptr == 0 {
		return nil
	}
	err := g.drv.check(g.drv.cuMemFree(b.ptr), "cuMemFree")
	*b = devBuf{}
	return err
}

// ensure makes b hold at least n bytes, reallocating (and losing the
// contents) when it is smaller.
func (g *GPU) ensure(b *devBuf, n uint64) error {
	n = max(n, 8) // the driver refuses empty allocations
	if b.size >= n {
		return nil
	}
	if err := g.free(b); err != nil {
		return err
	}
	n += n / 4 // room to grow without reallocating every batch
	if err := g.drv.check(g.drv.cuMemAlloc(&b.ptr, n), fmt.Sprintf("cuMemAlloc(%d bytes)", n)); err != nil {
		return err
	}
	b.size = n
	return nil
}

func (g *GPU) upload(b *devBuf, p unsafe.Pointer, n uint64) error {
	if err := g.ensure(b, n); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	return g.drv.check(g.drv.cuMemcpyHtoD(b.ptr, p, n), "cuMemcpyHtoD")
}

func (g *GPU) download(p unsafe.Pointer, b *devBuf, n uint64) error {
	if n == 0 {
		return nil
	}
	return g.drv.check(g.drv.cuMemcpyDtoH(p, b.ptr, n), "cuMemcpyDtoH")
}

// launch runs fn on a 1-D grid and waits for it. Each argument is one
// 8-byte slot: a device pointer, or a 32-bit value in its low half (the
// driver reads as many bytes as the parameter's size, little-endian).
func (g *GPU) launch(fn uintptr, grid, block uint32, args ...uint64) error {
	vals := make([]uint64, len(args))
	copy(vals, args)
	params := make([]unsafe.Pointer, len(vals))
	var pin runtime.Pinner
	defer pin.Unpin()
	pin.Pin(&vals[0])
	for i := range vals {
		params[i] = unsafe.Pointer(&vals[i])
	}
	pin.Pin(&params[0])
	d := g.drv
	if err := d.check(d.cuLaunchKernel(fn, grid, 1, 1, block, 1, 1, 0, 0, &params[0], 0), "cuLaunchKernel"); err != nil {
		return err
	}
	return d.check(d.cuCtxSynchronize(), "kernel run (cuCtxSynchronize)")
}

// packTexts concatenates texts[from:to] into g.host with their offsets in
// g.offs (len to-from+1) and uploads both.
func (g *GPU) packTexts(texts []string) error {
	g.host = g.host[:0]
	g.offs = g.offs[:0]
	for _, t := range texts {
		g.offs = append(g.offs, uint64(len(g.host)))
		g.host = append(g.host, t...)
	}
	g.offs = append(g.offs, uint64(len(g.host)))
	if len(g.host) == 0 {
		g.host = append(g.host, 0) // a valid pointer for the upload
	}
	if err := g.upload(&g.dText, unsafe.Pointer(&g.host[0]), uint64(len(g.host))); err != nil {
		return err
	}
	return g.upload(&g.dOffs, unsafe.Pointer(&g.offs[0]), uint64(8*len(g.offs)))
}

// batches splits texts into runs of at most maxBytes and maxLaunchRows
// (at least one text each) and calls f on each with its first index.
func batches(ctx context.Context, texts []string, maxBytes int, f func(from int, part []string) error) error {
	for from := 0; from < len(texts); {
		to, n := from, 0
		for to < len(texts) && to-from < maxLaunchRows && (to == from || n+len(texts[to]) <= maxBytes) {
			n += len(texts[to])
			to++
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := f(from, texts[from:to]); err != nil {
			return err
		}
		from = to
	}
	return nil
}

// MinHash computes signatures and band keys on the GPU; the result equals
// MinHashCPU's bit for bit.
func (g *GPU) MinHash(ctx context.Context, cfg *MinHashConfig, texts []string) ([][]uint32, [][]uint64, error) {
	end, err := g.begin()
	if err != nil {
		return nil, nil, err
	}
	defer end()
	P, B := cfg.Permutations, cfg.Bands
	if P > MaxPermutations || P%B != 0 || len(cfg.A) != P || len(cfg.B) != P {
		return nil, nil, fmt.Errorf("%w: minhash config: %d permutations, %d bands, %d/%d coefficients", ErrBadParams, P, B, len(cfg.A), len(cfg.B))
	}
	if err := g.upload(&g.dCoefA, unsafe.Pointer(&cfg.A[0]), uint64(8*P)); err != nil {
		return nil, nil, err
	}
	if err := g.upload(&g.dCoefB, unsafe.Pointer(&cfg.B[0]), uint64(8*P)); err != nil {
		return nil, nil, err
	}
	sigBuf := make([]uint32, len(texts)*P)
	bandBuf := make([]uint64, len(texts)*B)
	char := uint64(0)
	if cfg.Char {
		char = 1
	}
	err = batches(ctx, texts, g.launchBytes, func(from int, part []string) error {
		if err := g.packTexts(part); err != nil {
			return err
		}
		n := uint64(len(part))
		if err := g.ensure(&g.dSig, n*uint64(P)*4); err != nil {
			return err
		}
		if err := g.ensure(&g.dBands, n*uint64(B)*8); err != nil {
			return err
		}
		if err := g.launch(g.fnMin, uint32(n), minhashBlock,
			g.dText.ptr, g.dOffs.ptr, g.dCoefA.ptr, g.dCoefB.ptr,
			uint64(P), uint64(B), char, uint64(cfg.Size),
			g.dSig.ptr, g.dBands.ptr); err != nil {
			return err
		}
		if err := g.download(unsafe.Pointer(&sigBuf[from*P]), &g.dSig, n*uint64(P)*4); err != nil {
			return err
		}
		return g.download(unsafe.Pointer(&bandBuf[from*B]), &g.dBands, n*uint64(B)*8)
	})
	if err != nil {
		return nil, nil, err
	}
	sigs := make([][]uint32, len(texts))
	bands := make([][]uint64, len(texts))
	for i := range texts {
		sigs[i] = sigBuf[i*P : (i+1)*P : (i+1)*P]
		bands[i] = bandBuf[i*B : (i+1)*B : (i+1)*B]
	}
	return sigs, bands, nil
}

// model uploads m's weights once and returns their device buffers.
func (g *GPU) model(m *Model) (*gpuModel, error) {
	if dm, ok := g.models[m]; ok {
		return dm, nil
	}
	dm := &gpuModel{}
	g.models[m] = dm // freed by Close even if an upload below fails
	up := func(b *devBuf, p unsafe.Pointer, n int) error { return g.upload(b, p, uint64(n)) }
	if err := firstErr(
		up(&dm.embed, unsafe.Pointer(&m.Embed[0]), len(m.Embed)),
		up(&dm.w1, unsafe.Pointer(&m.W1[0]), len(m.W1)),
		up(&dm.b1, unsafe.Pointer(&m.B1[0]), 4*len(m.B1)),
		up(&dm.w2, unsafe.Pointer(&m.W2[0]), len(m.W2)),
		up(&dm.b2, unsafe.Pointer(&m.B2[0]), 4*len(m.B2)),
	); err != nil {
		delete(g.models, m)
		for _, b := range []*devBuf{&dm.embed, &dm.w1, &dm.b1, &dm.w2, &dm.b2} {
			_ = g.free(b)
		}
		return nil, err
	}
	return dm, nil
}

// Embed computes embeddings on the GPU; the result equals EmbedCPU's bit for
// bit.
func (g *GPU) Embed(ctx context.Context, m *Model, texts []string) ([][]int32, error) {
	end, err := g.begin()
	if err != nil {
		return nil, err
	}
	defer end()
	if m.Dim > MaxModelDim || m.Hidden > MaxModelDim || m.Out > MaxModelDim {
		return nil, fmt.Errorf("%w: model %q: widths %d/%d/%d exceed %d", ErrBadModel, m.Name, m.Dim, m.Hidden, m.Out, MaxModelDim)
	}
	dm, err := g.model(m)
	if err != nil {
		return nil, err
	}
	O := m.Out
	buf := make([]int32, len(texts)*O)
	err = batches(ctx, texts, g.launchBytes, func(from int, part []string) error {
		if err := g.packTexts(part); err != nil {
			return err
		}
		n := uint64(len(part))
		if err := g.ensure(&g.dEmbOut, n*uint64(O)*4); err != nil {
			return err
		}
		if err := g.launch(g.fnEmb, uint32(n), embedBlock,
			g.dText.ptr, g.dOffs.ptr,
			dm.embed.ptr, uint64(m.Vocab), uint64(m.Dim),
			dm.w1.ptr, dm.b1.ptr, uint64(m.Hidden), uint64(m.Shift1),
			dm.w2.ptr, dm.b2.ptr, uint64(O), uint64(m.Shift2),
			g.dEmbOut.ptr); err != nil {
			return err
		}
		return g.download(unsafe.Pointer(&buf[from*O]), &g.dEmbOut, n*uint64(O)*4)
	})
	if err != nil {
		return nil, err
	}
	out := make([][]int32, len(texts))
	for i := range out {
		out[i] = buf[i*O : (i+1)*O : (i+1)*O]
	}
	return out, nil
}
