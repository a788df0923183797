package node

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/dataset"
)

// routeBlob is where a coordinator serves a stored blob (GET, with Range).
// Input blobs are data that buyers pay for, so a coordinator serves one to
// a node only with a blob.get envelope in the Meadow-Envelope header, signed
// by the holder of a live lease on a task that reads it; the nonce is
// checked, so every request is signed afresh. The node checks every blob
// against its SHA-256, which is the blob's name.
const routeBlob = "/v1/blobs/"

// blobFirstByte bounds one blob fetch's wait for the answer to start, and
// blobStall a pause of its body: a 2 GiB blob is not cut off, a member
// that stalls is passed over.
const (
	blobFirstByte = 10 * time.Second
	blobStall     = api.DefaultStreamTimeout
)

// readerFunc is an io.Reader made of a function.
type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// blobFetchRounds is how many times a blob fetch goes round all the
// coordinators before the task is given up (its lease then expires).
const blobFetchRounds = 3

// runCompute runs a compute task: it fetches the input shard's blobs from
// the coordinators, checks each against its digest, runs the kernel over the
// shard's rows (on the GPU when there is one and it is idle, else on the
// CPU: the output is the same) and returns the output rows, the signature
// column still null, and their schema.
func (n *Node) runCompute(ctx context.Context, l api.Lease) (dataset.Schema, []dataset.Row, error) {
	fail := func(err error) (dataset.Schema, []dataset.Row, error) {
		return dataset.Schema{}, nil, err
	}
	t := l.Task.Compute
	if t == nil {
		return fail(fmt.Errorf("node: task %s: compute task without its compute part", l.Task.ID))
	}
	var (
		k      compute.Kernel
		device = "cpu"
		err    error
	)
	if t.Kernel == api.KernelWasm {
		var done func()
		if k, done, err = n.wasmKernel(ctx, l.Task.ID, t); err != nil {
			return fail(err)
		}
		defer done()
	} else {
		// The task carries every parameter resolved (api.ComputeTask.check),
		// so compute.New applies no default of its own here.
		spec := api.ComputeSpec{
			Input: t.Input, Column: t.Column, Kernel: t.Kernel,
			MinHash: t.MinHash, Embed: t.Embed, Tokens: t.Tokens,
			Quality: t.Quality, PII: t.PII, Language: t.Language,
		}
		opts := []compute.Option{compute.WithLogger(n.log)}
		var gpu *compute.GPU
		gpu, device = n.gpuForTask()
		if gpu != nil {
			opts = append(opts, compute.WithGPU(gpu))
		}
		if k, err = compute.New(spec, opts...); err != nil {
			return fail(fmt.Errorf("node: task %s: %w", l.Task.ID, err))
		}
	}
	extra, all := api.StageColumns(t.Where, t.Carry)
	in, err := n.readShard(ctx, l.Task.ID, t.Shard, compute.InputColumns(k), extra, all)
	if err != nil {
		return fail(err)
	}
	st, err := dataset.NewStage(in.Schema, k.OutputColumns(), t.Where, t.Carry)
	if err != nil {
		return fail(fmt.Errorf("node: task %s: %w: %w", l.Task.ID, compute.ErrBadInput, err))
	}
	start := time.Now()
	prov := dataset.Provenance{Node: n.id.Address.Hex(), FetchedAt: start.UnixMilli()}
	schema, rows, err := compute.RunStage(ctx, k, st, in.Rows, in.Schema, in.Hashes, prov)
	if err != nil {
		return fail(fmt.Errorf("node: task %s: %w", l.Task.ID, err))
	}
	n.log.Debug("computed", "task", l.Task.ID, "kernel", k.Name(), "rows", len(rows), "device", device, "took", time.Since(start))
	if n.cfg.Tamper != nil {
		for i, r := range rows {
			rows[i] = n.cfg.Tamper(schema, r)
		}
	}
	return schema, rows, nil
}

// readShard fetches each part's blob and takes the part's run of rows from
// it, in the shard's order (compute.ShardInput: the kernel's and the
// stage's columns, and every row's hash).
func (n *Node) readShard(ctx context.Context, taskID string, sh api.Shard, cols []dataset.Column, extra []string, all bool) (*compute.ShardInput, error) {
	in := compute.NewShardInput(cols, extra, all, int(sh.Rows()))
	for pi, part := range sh.Parts {
		path, err := n.fetchBlob(ctx, taskID, part.Blob)
		if err != nil {
			return nil, fmt.Errorf("node: task %s: shard.parts[%d]: %w", taskID, pi, err)
		}
		err = func() error {
			defer os.Remove(path)
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			return in.AddPart(bufio.NewReader(f), part.Offset, part.Rows)
		}()
		if err != nil {
			return nil, fmt.Errorf("node: task %s: shard.parts[%d]: blob %s: %w", taskID, pi, part.Blob, err)
		}
	}
	return in, nil
}

// fetchBlob downloads an input blob of compute task taskID from the
// coordinators into a temporary file and checks its SHA-256. A blob lives
// on a majority of the coordinators, so a 404 (or any failure, a 403 from a
// member that has not applied the lease yet included) moves on to the next;
// only a blob that no coordinator serves intact, round after round, fails
// the task.
func (n *Node) fetchBlob(ctx context.Context, taskID string, h api.Hash) (string, error) {
	dir := filepath.Join(n.cfg.DataDir, "tasks")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	var errs []error
	backoff := 200 * time.Millisecond
	for round := 0; round < blobFetchRounds; round++ {
		for _, base := range n.cfg.Coordinators {
			path, err := n.fetchBlobFrom(ctx, strings.TrimRight(base, "/"), taskID, h, dir)
			if err == nil {
				return path, nil
			}
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
			errs = append(errs, err)
			n.log.Debug("blob fetch failed; trying the next coordinator", "blob", h, "coordinator", base, "err", err)
		}
		if !sleep(ctx, backoff) {
			return "", ctx.Err()
		}
		backoff *= 2
	}
	return "", fmt.Errorf("blob %s: no coordinator served it: %w", h, errors.Join(errs...))
}

// fetchBlobFrom makes one try at one coordinator, signing it afresh: the
// coordinator spends the envelope's nonce.
func (n *Node) fetchBlobFrom(ctx context.Context, base, taskID string, h api.Hash, dir string) (string, error) {
	env, err := n.client.Sign(api.MethodBlobGet, api.BlobGet{Hash: h, TaskID: taskID})
	if err != nil {
		return "", err
	}
	hdr, err := env.Header()
	if err != nil {
		return "", err
	}
	// A member that answers nothing within blobFirstByte, or stops
	// sending for blobStall, costs this try, not the lease: the next
	// member is asked.
	tctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var stalled atomic.Bool
	timer := time.AfterFunc(blobFirstByte, func() { stalled.Store(true); cancel() })
	defer timer.Stop()
	req, err := http.NewRequestWithContext(tctx, http.MethodGet, base+routeBlob+h.String(), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set(api.EnvelopeHeader, hdr)
	resp, err := n.client.HTTP().Do(req)
	if err != nil {
		if stalled.Load() && ctx.Err() == nil {
			return "", fmt.Errorf("%s: no answer within %s", base, blobFirstByte)
		}
		return "", fmt.Errorf("%s: %w", base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var eb api.ErrorBody
		data, _ := api.ReadLimited(resp.Body, 4096)
		msg := strings.TrimSpace(string(data))
		if json.Unmarshal(data, &eb) == nil && eb.Error.Message != "" {
			msg = eb.Error.Message
		}
		return "", fmt.Errorf("%s: HTTP %d: %s", base, resp.StatusCode, msg)
	}
	if resp.ContentLength > api.MaxBlobSize {
		return "", fmt.Errorf("%s: blob of %d bytes: expected at most %d", base, resp.ContentLength, api.MaxBlobSize)
	}
	f, err := os.CreateTemp(dir, "input-"+h.String()[:16]+"-*.arrows")
	if err != nil {
		return "", err
	}
	sum := sha256.New()
	timer.Reset(blobStall)
	body := readerFunc(func(p []byte) (int, error) {
		n, err := resp.Body.Read(p)
		if n > 0 {
			timer.Reset(blobStall)
		}
		return n, err
	})
	size, err := io.Copy(io.MultiWriter(f, sum), io.LimitReader(body, api.MaxBlobSize+1))
	if err != nil && stalled.Load() && ctx.Err() == nil {
		err = fmt.Errorf("no byte moved for %s", blobStall)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	bad := func(err error) (string, error) {
		os.Remove(f.Name())
		return "", err
	}
	if err != nil {
		return bad(fmt.Errorf("%s: reading blob %s: %w", base, h, err))
	}
	n.meter.RecordBytes(size)
	if size > api.MaxBlobSize {
		return bad(fmt.Errorf("%s: blob %s is over %d bytes", base, h, api.MaxBlobSize))
	}
	if got := api.Hash(sum.Sum(nil)); got != h {
		return bad(fmt.Errorf("%s: blob %s: the %d bytes served have SHA-256 %s", base, h, size, got))
	}
	return f.Name(), nil
}

// gpuState is the node's GPU, opened on the first compute task, and the
// idle gate that decides, task by task, whether it may be used.
type gpuState struct {
	once sync.Once
	gpu  *compute.GPU
	nvml *compute.NVML
	why  string // why there is no GPU

	mu      sync.Mutex
	gate    *compute.IdleGate
	gateFor Limits
}

// gpuForTask returns the GPU a compute task may use now, or nil for the
// CPU, and a word on which it is for the log. The GPU is used only when
// the user allows it (no --no-gpu, gpu_max_util above 0), within the
// user's hours, and while NVML says nobody else is using it; otherwise the
// CPU computes the same bytes.
func (n *Node) gpuForTask() (*compute.GPU, string) {
	if n.cfg.NoGPU || len(n.devices.GPUs) == 0 {
		return nil, "cpu"
	}
	g := &n.gpus
	g.once.Do(func() {
		gpu, err := compute.OpenGPU(0)
		if err != nil {
			g.why = err.Error()
			n.log.Info("GPU not usable; computing on the CPU", "err", err)
			return
		}
		nv, err := compute.OpenNVML()
		if err != nil {
			// Without utilization readings the gate cannot tell that
			// the user is on the GPU, so the GPU stays unused.
			gpu.Close()
			g.why = err.Error()
			n.log.Info("GPU utilization cannot be read; computing on the CPU", "err", err)
			return
		}
		g.gpu, g.nvml = gpu, nv
		n.log.Info("GPU ready for compute tasks", "gpu", gpu.Name())
	})
	if g.gpu == nil {
		return nil, "cpu (" + g.why + ")"
	}
	lim := n.meter.Limits()
	if lim.GPUMaxUtil <= 0 {
		return nil, "cpu (GPU work turned off: gpu_max_util 0)"
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.gate == nil || g.gateFor.GPUMaxUtil != lim.GPUMaxUtil || g.gateFor.GPUHours != lim.GPUHours {
		cfg := compute.DefaultIdleConfig()
		cfg.MaxUtilization = lim.GPUMaxUtil
		if lim.GPUHours != "" {
			from, to, err := ParseHours(lim.GPUHours)
			if err != nil {
				return nil, "cpu (" + err.Error() + ")"
			}
			cfg.FromHour, cfg.ToHour = from, to%24
		}
		gate, err := compute.NewIdleGate(cfg, g.nvml, nil)
		if err != nil {
			return nil, "cpu (" + err.Error() + ")"
		}
		g.gate, g.gateFor = gate, lim
	}
	if st := g.gate.Check(); !st.Allowed {
		return nil, "cpu (" + st.Reason + ")"
	}
	return g.gpu, "gpu " + g.gpu.Name()
}

// closeGPU releases the GPU and NVML when the node stops.
func (n *Node) closeGPU() {
	if n.gpus.gpu != nil {
		n.gpus.gpu.Close()
	}
	if n.gpus.nvml != nil {
		n.gpus.nvml.Close()
	}
}
