package coord

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/dataset"
)

// Presigned uploads (issue 16, "bytes bypass the coordinators"; api's
// upload.go has the protocol). With an object store the leader hands a
// node a PUT URL for a staging key, signed over the blob's size and
// SHA-256, so the store itself refuses any other bytes; the node PUTs
// there and reports; the leader reads the staged object back, checks it
// exactly as keepAccepted checks a proxied upload, puts the kept blob
// under its name (a server-side copy when every row is kept), removes the
// staged object and only then records the blob through Raft. What the
// node's link carried never passes a coordinator; what the leader still
// does per byte is the check (docs/ARCHITECTURE.md, "Presigned uploads").

const (
	// stagedURLTTL is how long an upload URL is valid. A node asks for a
	// new one on each try, so it only has to outlast one PUT of a blob of
	// up to api.MaxBlobSize over a home link.
	stagedURLTTL = 30 * time.Minute
	// stagedMaxAge is when a staging object counts as abandoned (a node
	// that PUT and never reported, a check that refused it and could not
	// remove it): well past the URL's life, so that a PUT begun just
	// before the URL expired and still running is not swept.
	stagedMaxAge = 3 * time.Hour
	// stagedSweepEvery is how often the leader sweeps them.
	stagedSweepEvery = 10 * time.Minute
)

// stager is an object store that takes staged uploads (blob.S3).
type stager interface {
	String() string
	StagingKey(task, node string, h dataset.Hash) string
	PresignStagedPut(ctx context.Context, key string, size int64, sum dataset.Hash, ttl time.Duration) (blob.StagedPut, error)
	StatStaged(ctx context.Context, key string) (blob.StagedObject, error)
	OpenStaged(ctx context.Context, o blob.StagedObject) (io.ReadCloser, error)
	Promote(ctx context.Context, o blob.StagedObject, h dataset.Hash, size int64) error
	RemoveStaged(ctx context.Context, key string) error
	SweepStaged(ctx context.Context, cutoff time.Time) (int, error)
}

// stagedUploads is the leader's bookkeeping of presigned uploads.
type stagedUploads struct {
	mu sync.Mutex
	// inflight holds the task ids whose staged upload is being checked;
	// a second report of the same task (a client's raced try) waits for
	// the first and is answered from the state.
	inflight map[string]chan struct{}

	urls, presigned, refused, swept prometheus.Counter
}

func newStagedUploads(reg prometheus.Registerer) (*stagedUploads, error) {
	s := &stagedUploads{
		inflight: map[string]chan struct{}{},
		urls: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meadow_upload_urls_total",
			Help: "Presigned upload URLs this member handed to nodes as leader.",
		}),
		presigned: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meadow_uploads_presigned_total",
			Help: "Task blobs uploaded by nodes straight to the object store, checked and recorded by this member as leader.",
		}),
		refused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meadow_uploads_presigned_refused_total",
			Help: "Staged uploads this member refused after reading them back (wrong size, digest, rows or signatures).",
		}),
		swept: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meadow_uploads_staged_swept_total",
			Help: "Abandoned staging objects this member removed from the object store as leader.",
		}),
	}
	for _, m := range []prometheus.Collector{s.urls, s.presigned, s.refused, s.swept} {
		if err := reg.Register(m); err != nil {
			return nil, fmt.Errorf("coord: staged upload metrics: %w", err)
		}
	}
	return s, nil
}

// PresignedUploads returns how many presigned uploads this member recorded
// as leader (meadow_uploads_presigned_total).
func (c *Coordinator) PresignedUploads() int {
	var m dto.Metric
	if err := c.staged.presigned.Write(&m); err != nil {
		return 0
	}
	return int(m.GetCounter().GetValue())
}

// uploadLease checks that node may upload the blob of up now: its lease of
// the task is revealed and the task verified. It returns the task.
func (c *Coordinator) uploadLease(node string, up api.Upload) (state.Task, error) {
	var (
		task state.Task
		err  error
	)
	c.fsm.read(func(st *state.State) {
		if task, err = st.Task(up.TaskID); err != nil {
			return
		}
		var l state.Lease
		if l, err = st.Lease(up.LeaseID); err != nil {
			return
		}
		switch {
		case l.TaskID != task.ID || l.Node != node:
			err = fmt.Errorf("%w: lease %s is not %s's lease of task %s", state.ErrConflict, l.ID, node, task.ID)
		case task.State != api.TaskVerified:
			err = fmt.Errorf("%w: task %s is %s, not verified", state.ErrConflict, task.ID, task.State)
		case l.State != state.LeaseRevealed:
			err = fmt.Errorf("%w: lease %s is %s, not revealed", state.ErrConflict, l.ID, l.State)
		}
	})
	return task, err
}

// httpUploadURL serves POST /v1/node/upload/url.
func (c *Coordinator) httpUploadURL(rctx context.Context, ctx *fasthttp.RequestCtx) (any, error) {
	var up api.Upload
	o, err := c.openBody(ctx, api.MethodUploadURL, &up)
	if err != nil {
		return nil, err
	}
	if err := c.useWorkNonce(o.addr, o.sg.Nonce); err != nil {
		return nil, err
	}
	c.Seen(o.addr)
	v, err := c.UploadURL(rctx, o.addr, up)
	return v, bodyFields(err)
}

// UploadURL answers a node that will upload the blob of up: a presigned
// PUT to its staging key with an object store, nothing (upload through the
// coordinator) without one, or that the blob is already stored. Only the
// leader can.
func (c *Coordinator) UploadURL(ctx context.Context, node string, up api.Upload) (api.UploadURL, error) {
	if !c.IsLeader() {
		return api.UploadURL{}, ErrNotLeader
	}
	task, err := c.uploadLease(node, up)
	if err != nil {
		return api.UploadURL{}, err
	}
	if task.Blob != nil {
		return api.UploadURL{Stored: true, Rows: task.Blob.Rows}, nil
	}
	st, ok := c.blobs.(stager)
	if !ok {
		return api.UploadURL{}, nil
	}
	sum := dataset.Hash(up.SHA256)
	sp, err := st.PresignStagedPut(ctx, st.StagingKey(task.ID, node, sum), up.Size, sum, stagedURLTTL)
	if err != nil {
		return api.UploadURL{}, err
	}
	c.staged.urls.Inc()
	return api.UploadURL{URL: sp.URL, Headers: sp.Headers, ExpiresAt: sp.Expires.UnixMilli()}, nil
}

// httpUploadStaged serves POST /v1/node/upload/staged.
func (c *Coordinator) httpUploadStaged(rctx context.Context, ctx *fasthttp.RequestCtx) (any, error) {
	var up api.Upload
	o, err := c.openBody(ctx, api.MethodUploadStaged, &up)
	if err != nil {
		return nil, err
	}
	if err := c.useWorkNonce(o.addr, o.sg.Nonce); err != nil {
		return nil, err
	}
	c.Seen(o.addr)
	v, err := c.UploadStaged(rctx, o.addr, up)
	return v, bodyFields(err)
}

// UploadStaged checks the blob node staged for up in the object store and
// records it: see the file's comment. Only the leader can. A staged object
// that is missing, of another size, another digest, or whose rows do not
// pass keepAccepted is refused with an error naming the field (size,
// sha256, rows[i]…) and removed, so that the node may stage it again; a
// store that fails is a 503 (blob.ErrStore), and nothing is recorded.
func (c *Coordinator) UploadStaged(ctx context.Context, node string, up api.Upload) (api.UploadResponse, error) {
	if !c.IsLeader() {
		return api.UploadResponse{}, ErrNotLeader
	}
	st, ok := c.blobs.(stager)
	if !ok {
		return api.UploadResponse{}, fmt.Errorf("%w: this cluster keeps blobs on its members' disks and hands out no upload URLs: upload with PUT /v1/node/upload", state.ErrConflict)
	}
	// One check per task at a time: a raced second report waits for the
	// first and is then answered from the state.
	for {
		c.staged.mu.Lock()
		ch, busy := c.staged.inflight[up.TaskID]
		if !busy {
			ch = make(chan struct{})
			c.staged.inflight[up.TaskID] = ch
			c.staged.mu.Unlock()
			defer func() {
				c.staged.mu.Lock()
				delete(c.staged.inflight, up.TaskID)
				close(ch)
				c.staged.mu.Unlock()
			}()
			break
		}
		c.staged.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return api.UploadResponse{}, fmt.Errorf("%w: another report of task %s's upload is being checked", ErrTimeout, up.TaskID)
		}
	}
	task, err := c.uploadLease(node, up)
	if err != nil {
		return api.UploadResponse{}, err
	}
	sum := dataset.Hash(up.SHA256)
	key := st.StagingKey(task.ID, node, sum)
	if task.Blob != nil {
		c.removeStaged(ctx, st, key)
		return api.UploadResponse{Rows: task.Blob.Rows}, nil
	}
	obj, err := st.StatStaged(ctx, key)
	if errors.Is(err, blob.ErrNotFound) {
		return api.UploadResponse{}, &state.FieldError{Field: "sha256", Err: fmt.Errorf("%w: no staged upload of blob %s for task %s by %s: PUT it to the URL of %s first", state.ErrConflict, sum, task.ID, node, api.RouteUploadURL)}
	}
	if err != nil {
		return api.UploadResponse{}, err
	}
	refuse := func(err error) (api.UploadResponse, error) {
		c.staged.refused.Inc()
		c.removeStaged(ctx, st, key)
		return api.UploadResponse{}, err
	}
	if obj.Size != up.Size {
		return refuse(&state.FieldError{Field: "size", Err: fmt.Errorf("%w: the staged object holds %d bytes: expected the %d signed", ErrInvalid, obj.Size, up.Size)})
	}
	in, err := c.spoolStaged(ctx, st, obj, up)
	if err != nil {
		var fe *state.FieldError
		if errors.As(err, &fe) {
			return refuse(err)
		}
		return api.UploadResponse{}, err
	}
	defer os.Remove(in.Name())
	defer in.Close()
	dir := filepath.Join(c.cfg.DataDir, "uploads")
	final, h, rows, err := keepAccepted(in, sum, task.Accepted, dir, common.HexToAddress(node))
	if err != nil {
		if errors.Is(err, ErrInvalid) || errors.Is(err, state.ErrMismatch) {
			return refuse(err)
		}
		return api.UploadResponse{}, err
	}
	if final != in.Name() {
		defer os.Remove(final)
	}
	f, err := os.Open(final)
	if err != nil {
		return api.UploadResponse{}, fmt.Errorf("%w: %w", errCannotStore, err)
	}
	defer f.Close()
	var fuel uint64
	if task.Spec.Compute != nil && task.Spec.Compute.Kernel == api.KernelWasm {
		if fuel, err = sumFuel(f); err != nil {
			return refuse(err)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return api.UploadResponse{}, err
		}
	}
	fi, err := f.Stat()
	if err != nil {
		return api.UploadResponse{}, err
	}
	size := fi.Size()
	if h == sum {
		// Every row kept: the checked bytes are already in the bucket.
		err = st.Promote(ctx, obj, h, size)
	} else {
		_, err = c.blobs.Put(ctx, f, h, api.MaxBlobSize)
	}
	if err != nil {
		return api.UploadResponse{}, fmt.Errorf("coord: store blob: %w", err)
	}
	c.removeStaged(ctx, st, key)
	err = c.BlobStored(ctx, state.StoredBlob{TaskID: task.ID, LeaseID: up.LeaseID, SHA256: api.Hash(h), Size: size, Rows: rows, Fuel: fuel})
	if err != nil {
		return api.UploadResponse{}, err
	}
	c.staged.presigned.Inc()
	return api.UploadResponse{Rows: rows}, nil
}

// spoolStaged copies the staged object into a file in DATA-DIR/uploads,
// checking its size and SHA-256 against what the node signed, and returns
// the file at its start; the caller removes it. A wrong object is a
// *state.FieldError naming size or sha256; the store's failure wraps
// blob.ErrStore.
func (c *Coordinator) spoolStaged(ctx context.Context, st stager, obj blob.StagedObject, up api.Upload) (*os.File, error) {
	dir := filepath.Join(c.cfg.DataDir, "uploads")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("%w: %w", errCannotStore, err)
	}
	f, err := os.CreateTemp(dir, "staged-*")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errCannotStore, err)
	}
	fail := func(err error) (*os.File, error) {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	r, err := st.OpenStaged(ctx, obj)
	if err != nil {
		return fail(err)
	}
	defer r.Close()
	h := sha256.New()
	w := &spoolWriter{f: f}
	n, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(r, up.Size+1))
	if w.err != nil {
		return fail(fmt.Errorf("%w: staged upload: %w", errCannotStore, w.err))
	}
	if err != nil {
		if errors.Is(err, blob.ErrStore) {
			return fail(err)
		}
		return fail(fmt.Errorf("%w: %s: reading staged upload %s after %d bytes: %w", blob.ErrStore, st, obj.Key, n, err))
	}
	if n != up.Size {
		return fail(&state.FieldError{Field: "size", Err: fmt.Errorf("%w: the staged object read %d bytes: expected the %d signed", ErrInvalid, n, up.Size)})
	}
	if got := api.Hash(h.Sum(nil)); got != up.SHA256 {
		return fail(&state.FieldError{Field: "sha256", Err: fmt.Errorf("%w: the staged object hashes to %s: expected the %s signed (changed in the store after the PUT)", ErrInvalid, got, up.SHA256)})
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}
	return f, nil
}

// removeStaged removes a staging object; a failure is only logged: the
// sweep removes it later.
func (c *Coordinator) removeStaged(ctx context.Context, st stager, key string) {
	if err := st.RemoveStaged(ctx, key); err != nil {
		c.log.Warn("remove staged upload; the sweep will", "key", key, "err", err)
	}
}

// sweepStaged is a leader duty: every stagedSweepEvery it removes staging
// objects older than stagedMaxAge.
func (c *Coordinator) sweepStaged(ctx context.Context) {
	st, ok := c.blobs.(stager)
	if !ok {
		return
	}
	every(ctx, stagedSweepEvery, func(ctx context.Context) {
		n, err := st.SweepStaged(ctx, c.clock().Add(-stagedMaxAge))
		if n > 0 {
			c.staged.swept.Add(float64(n))
			c.log.Info("abandoned staged uploads removed", "count", n)
		}
		if err != nil && ctx.Err() == nil {
			c.log.Warn("sweep staged uploads", "err", err)
		}
	})
}
