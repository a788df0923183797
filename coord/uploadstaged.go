package coord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/forward"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/dataset"
)

// Presigned uploads (issue 16, "bytes bypass the coordinators"; api's
// upload.go has the protocol). With an object store the leader hands a
// node a PUT URL for a staging key, signed over the blob's size and
// SHA-256, so the store itself refuses any other bytes; the node PUTs
// there and reports; the member the report reaches reads the staged object
// back, checks it exactly as keepAccepted checks a proxied upload, puts
// the kept blob under its name (a server-side copy when every row is
// kept), has it recorded through Raft (by the leader: routeBlobStored when
// a follower checked), and only then removes the staged object. What the
// node's link carried never passes a coordinator; what a member still does
// per byte is the check, and it need not be the leader
// (docs/ARCHITECTURE.md, "Presigned uploads").

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
	// stagedCheckRate is the slowest rate, in bytes a second, at which a
	// member is expected to read a staged object back, check it and store
	// it: a report's work may take ApplyTimeout plus its size at this rate
	// (1 GiB: about 9 minutes; the check runs at 30–70 MB/s on dev-2c).
	// Half the rate nodes wait at (api's uploadCopyRate), so that the
	// member gives up after the node, not before.
	stagedCheckRate = 2 << 20
)

// stager is an object store that takes staged uploads (blob.S3).
type stager interface {
	String() string
	StagingKey(task, node string) string
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

	urls, presigned, offLeader, refused, swept prometheus.Counter
	// proxied and proxiedBytes count the task blobs nodes sent through
	// this member (PUT /v1/node/upload) instead: with an object store,
	// only nodes that cannot reach it, or do not ask for a URL.
	proxied, proxiedBytes prometheus.Counter
	// proxyRefused counts the uploads (task blobs and modules) this member
	// refused to carry because the cluster has an object store and no
	// Config.ProxyUploads: clients whose PUTs to the store failed.
	proxyRefused prometheus.Counter
	// modules counts buyers' modules put in the store through a
	// presigned upload.
	modules prometheus.Counter
}

func newStagedUploads(reg prometheus.Registerer) (*stagedUploads, error) {
	s := &stagedUploads{
		inflight: map[string]chan struct{}{},
		urls: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meadow_upload_urls_total",
			Help: "Presigned upload URLs this member handed out as leader (to nodes for task blobs, to buyers for modules).",
		}),
		presigned: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meadow_uploads_presigned_total",
			Help: "Task blobs uploaded by nodes straight to the object store, checked and recorded by this member as leader.",
		}),
		offLeader: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meadow_uploads_checked_off_leader_total",
			Help: "Presigned uploads this member checked as a follower and had the leader record (counted in meadow_uploads_presigned_total too).",
		}),
		refused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meadow_uploads_presigned_refused_total",
			Help: "Staged uploads this member refused after reading them back (wrong size, digest, rows or signatures).",
		}),
		swept: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meadow_uploads_staged_swept_total",
			Help: "Abandoned staging objects this member removed from the object store as leader.",
		}),
		proxied: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meadow_uploads_proxied_total",
			Help: "Task blobs nodes uploaded through this member (PUT /v1/node/upload) that it stored as leader; with an object store, the nodes that could not reach it.",
		}),
		proxiedBytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meadow_upload_proxied_bytes_total",
			Help: "Bytes of the task blobs in meadow_uploads_proxied_total, as the nodes sent them.",
		}),
		proxyRefused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meadow_uploads_proxy_refused_total",
			Help: "Uploads sent through this member (task blobs and modules) that it refused because the cluster keeps blobs in an object store and does not carry them (--proxy-uploads unset): clients whose PUTs to the store failed. Rising: the store is unreachable from the internet, or refusing.",
		}),
		modules: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meadow_modules_presigned_total",
			Help: "Buyers' WebAssembly modules PUT straight to the object store, checked and recorded by this member as leader.",
		}),
	}
	for _, m := range []prometheus.Collector{s.urls, s.presigned, s.offLeader, s.refused, s.swept, s.proxied, s.proxiedBytes, s.proxyRefused, s.modules} {
		if err := reg.Register(m); err != nil {
			return nil, fmt.Errorf("coord: staged upload metrics: %w", err)
		}
	}
	return s, nil
}

// PresignedUploads returns how many presigned uploads this member recorded
// as leader (meadow_uploads_presigned_total).
func (c *Coordinator) PresignedUploads() int { return counterValue(c.staged.presigned) }

// ProxiedUploads returns how many task blobs nodes uploaded through this
// member as leader (meadow_uploads_proxied_total).
func (c *Coordinator) ProxiedUploads() int { return counterValue(c.staged.proxied) }

func counterValue(c prometheus.Counter) int {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
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
	sp, err := st.PresignStagedPut(ctx, st.StagingKey(task.ID, node), up.Size, sum, stagedURLTTL)
	if err != nil {
		return api.UploadURL{}, err
	}
	c.staged.urls.Inc()
	return api.UploadURL{URL: sp.URL, Headers: sp.Headers, ExpiresAt: sp.Expires.UnixMilli()}, nil
}

// httpUploadStaged serves POST /v1/node/upload/staged on the leader.
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
// records it: see the file's comment. Only the leader can (a follower
// checks through checkStagedHere and records through the leader). A staged
// object that is missing, of another size, another digest, or whose rows
// do not pass keepAccepted is refused with an error naming the field (size,
// sha256, rows[i]…) and removed, so that the node may stage it again; a
// store that fails is a 503 (blob.ErrStore), and nothing is recorded.
func (c *Coordinator) UploadStaged(ctx context.Context, node string, up api.Upload) (api.UploadResponse, error) {
	if !c.IsLeader() {
		return api.UploadResponse{}, ErrNotLeader
	}
	return c.uploadStaged(ctx, node, up, func(ctx context.Context, b state.StoredBlob) error { return c.BlobStored(ctx, b) })
}

// uploadStaged runs a staged upload's check on this member and records the
// blob with record (through Raft on the leader, through the leader on a
// follower). The staged object is removed only once the blob is recorded,
// so that a report tried again after a lost answer finds it; one left by a
// crash in between is swept.
func (c *Coordinator) uploadStaged(ctx context.Context, node string, up api.Upload, record func(context.Context, state.StoredBlob) error) (api.UploadResponse, error) {
	// A write's ApplyTimeout is too short to read back and check a large
	// blob: the work gets time in proportion to its size.
	ctx, cancel := c.stagedWork(ctx, up.Size)
	defer cancel()
	st, ok := c.blobs.(stager)
	if !ok {
		return api.UploadResponse{}, fmt.Errorf("%w: this cluster keeps blobs on its members' disks and hands out no upload URLs: upload with PUT /v1/node/upload", state.ErrConflict)
	}
	// One check per task at a time on this member: a raced second report
	// waits for the first and is then answered from the state.
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
	key := st.StagingKey(task.ID, node)
	if task.Blob != nil {
		c.removeStaged(ctx, st, key)
		return api.UploadResponse{Rows: task.Blob.Rows}, nil
	}
	b, err := c.checkStaged(ctx, st, key, node, up, task)
	if err != nil {
		return api.UploadResponse{}, err
	}
	if err := record(ctx, b); err != nil {
		return api.UploadResponse{}, err
	}
	// Counted once recorded; removing the staged object is tidying.
	c.staged.presigned.Inc()
	c.removeStaged(ctx, st, key)
	return api.UploadResponse{Rows: b.Rows}, nil
}

// checkStaged reads the staged object of up back, checks it as
// keepAccepted checks a proxied upload, and puts the kept blob under its
// name: a server-side copy of the checked version when every row is kept,
// else the rewritten stream. The byte work runs on a checker when the
// cluster has some (checker.go), else here. It returns the blob to record.
// A refused object is removed.
func (c *Coordinator) checkStaged(ctx context.Context, st stager, key, node string, up api.Upload, task state.Task) (state.StoredBlob, error) {
	sum := dataset.Hash(up.SHA256)
	obj, err := c.statStaged(ctx, st, key, up.Size)
	if errors.Is(err, blob.ErrNotFound) {
		return state.StoredBlob{}, &state.FieldError{Field: "sha256", Err: fmt.Errorf("%w: no staged upload of blob %s for task %s by %s: PUT it to the URL of %s first", state.ErrConflict, sum, task.ID, node, api.RouteUploadURL)}
	}
	if err != nil {
		return state.StoredBlob{}, err
	}
	rq := stagedCheck{Object: obj, Node: node, Upload: up, TaskID: task.ID,
		Wasm: task.Spec.Compute != nil && task.Spec.Compute.Kernel == api.KernelWasm}
	b, err := c.runCheck(ctx, st, rq, task.Accepted)
	if r := (stagedRefusal{}); errors.As(err, &r) {
		return state.StoredBlob{}, c.refuseStaged(ctx, st, key, r.error)
	}
	return b, err
}

// stagedWork is the context of checking a staged upload of size bytes: it
// does not end with the request's, and gets ApplyTimeout plus the size at
// stagedCheckRate.
func (c *Coordinator) stagedWork(ctx context.Context, size int64) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), c.cfg.ApplyTimeout+time.Duration(size)*time.Second/stagedCheckRate)
}

// statStaged describes the staging object at key for an upload of size
// bytes. None there wraps blob.ErrNotFound (the caller says what was
// expected); one of another size is refused (refuseStaged), naming size.
func (c *Coordinator) statStaged(ctx context.Context, st stager, key string, size int64) (blob.StagedObject, error) {
	obj, err := st.StatStaged(ctx, key)
	if err != nil {
		return blob.StagedObject{}, err
	}
	if obj.Size != size {
		return blob.StagedObject{}, c.refuseStaged(ctx, st, key, &state.FieldError{Field: "size", Err: fmt.Errorf("%w: the staged object holds %d bytes: expected the %d signed", ErrInvalid, obj.Size, size)})
	}
	return obj, nil
}

// refuseStaged counts a refused staged upload, removes its object (so that
// the uploader may stage it again) and returns err.
func (c *Coordinator) refuseStaged(ctx context.Context, st stager, key string, err error) error {
	c.staged.refused.Inc()
	c.removeStaged(ctx, st, key)
	return err
}

// stagedCheck is what checking a staged task blob needs besides the task's
// accepted row hashes: the object (its version pinned by ETag), the
// uploader, what it signed, and whether the task is a wasm task (whose
// blob's fuel is summed).
type stagedCheck struct {
	Object blob.StagedObject `json:"object"`
	Node   string            `json:"node"`
	Upload api.Upload        `json:"upload"`
	TaskID string            `json:"task_id"`
	Wasm   bool              `json:"wasm,omitempty"`
}

// stagedRefusal marks an error of checkStagedObject that refuses the
// staged object (its bytes, rows or signatures are wrong): the caller
// removes it. Any other error (the store, this machine's disk) leaves it
// for another try.
type stagedRefusal struct{ error }

func (r stagedRefusal) Unwrap() error { return r.error }

// blobPutter stores a blob under its name (blob.Store's Put).
type blobPutter interface {
	Put(ctx context.Context, r io.Reader, h dataset.Hash, max int64) (int64, error)
}

// checkStagedObject does a staged check's byte work, wherever it runs (a
// member, or a checker: checker.go): it reads the object into a file in
// dir, checks its size and SHA-256, runs keepAccepted against accepted,
// sums a wasm task's fuel, and puts the kept blob under its name in the
// store (a server-side copy of the checked version when every row is
// kept). It returns the blob to record.
func checkStagedObject(ctx context.Context, st stager, put blobPutter, dir string, rq stagedCheck, accepted []api.Hash) (state.StoredBlob, error) {
	up := rq.Upload
	sum := dataset.Hash(up.SHA256)
	in, err := spoolStaged(ctx, st, rq.Object, up, dir)
	if err != nil {
		var fe *state.FieldError
		if errors.As(err, &fe) {
			return state.StoredBlob{}, stagedRefusal{err}
		}
		return state.StoredBlob{}, err
	}
	defer os.Remove(in.Name())
	defer in.Close()
	final, h, rows, err := keepAccepted(in, sum, accepted, dir, common.HexToAddress(rq.Node))
	if err != nil {
		if errors.Is(err, ErrInvalid) || errors.Is(err, state.ErrMismatch) {
			return state.StoredBlob{}, stagedRefusal{err}
		}
		return state.StoredBlob{}, err
	}
	if final != in.Name() {
		defer os.Remove(final)
	}
	f, err := os.Open(final)
	if err != nil {
		return state.StoredBlob{}, fmt.Errorf("%w: %w", errCannotStore, err)
	}
	defer f.Close()
	var fuel uint64
	if rq.Wasm {
		if fuel, err = sumFuel(f); err != nil {
			return state.StoredBlob{}, stagedRefusal{err}
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return state.StoredBlob{}, err
		}
	}
	fi, err := f.Stat()
	if err != nil {
		return state.StoredBlob{}, err
	}
	size := fi.Size()
	if h == sum {
		// Every row kept: the checked bytes are already in the bucket.
		err = st.Promote(ctx, rq.Object, h, size)
	} else {
		_, err = put.Put(ctx, f, h, api.MaxBlobSize)
	}
	if err != nil {
		return state.StoredBlob{}, fmt.Errorf("coord: store blob: %w", err)
	}
	return state.StoredBlob{TaskID: rq.TaskID, LeaseID: up.LeaseID, SHA256: api.Hash(h), Size: size, Rows: rows, Fuel: fuel}, nil
}

// spoolStaged copies the staged object into a file in dir, checking its
// size and SHA-256 against what the uploader signed, and returns the file at
// its start; the caller removes it. A wrong object is a *state.FieldError
// naming size or sha256; the store's failure wraps blob.ErrStore.
func spoolStaged(ctx context.Context, st stager, obj blob.StagedObject, up api.Upload, dir string) (*os.File, error) {
	r, err := st.OpenStaged(ctx, obj)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	s, err := spoolFile(dir, "staged-*", r, up.Size)
	var re *spoolReadError
	switch {
	case errors.As(err, &re) && errors.Is(re.err, blob.ErrStore):
		return nil, re.err
	case errors.As(err, &re):
		return nil, fmt.Errorf("%w: %s: reading staged upload %s after %d bytes: %w", blob.ErrStore, st, obj.Key, re.n, re.err)
	case err != nil:
		return nil, fmt.Errorf("staged upload: %w", err)
	}
	if s.n != up.Size {
		s.discard()
		return nil, &state.FieldError{Field: "size", Err: fmt.Errorf("%w: the staged object read %d bytes: expected the %d signed", ErrInvalid, s.n, up.Size)}
	}
	if s.sum != up.SHA256 {
		s.discard()
		return nil, &state.FieldError{Field: "sha256", Err: fmt.Errorf("%w: the staged object hashes to %s: expected the %s signed (changed in the store after the PUT)", ErrInvalid, s.sum, up.SHA256)}
	}
	return s.File, nil
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

// The check off the leader. With the bytes in a bucket every member can
// read, the member a node reports to checks the staged object itself and
// has the leader record it (routeBlobStored), so that the leader, where
// every write of the group goes, spends one HEAD and one Raft command per
// upload instead of reading and checking every row. This trusts the
// checking member with the check, which adds no trust: any voter may
// become leader and propose any blob_stored command. The leader still
// confirms that the blob is in the store (its size under its name) before
// it records it. A follower that cannot check (no object store, no cluster
// token, no leader known, its own state behind the leader's for this
// lease, too many checks running) forwards the report to the leader, which
// checks it itself.

// routeBlobStored is the members' route by which a member that checked a
// staged upload has the leader record the blob (the cluster token).
const routeBlobStored = "/v1/cluster/blob-stored"

// stagedChecks bounds the staged checks a follower runs at once; past it,
// reports go to the leader.
var stagedChecks = make(chan struct{}, 2*runtime.GOMAXPROCS(0))

// serveUploadStaged serves POST /v1/node/upload/staged: the check here on a
// follower that can, else on the leader.
func (c *Coordinator) serveUploadStaged(ctx *fasthttp.RequestCtx) {
	onLeader := func() {
		c.serveWrite(ctx, func(rctx context.Context) (any, error) { return c.httpUploadStaged(rctx, ctx) })
	}
	_, isStager := c.blobs.(stager)
	_, leaderAddr := c.Leader()
	if !ctx.IsPost() || c.IsLeader() || !isStager || c.cfg.ClusterToken == "" || forward.Forwarded(ctx) || leaderAddr == "" {
		onLeader()
		return
	}
	select {
	case stagedChecks <- struct{}{}:
		defer func() { <-stagedChecks }()
	default:
		onLeader()
		return
	}
	var up api.Upload
	o, err := c.openBody(ctx, api.MethodUploadStaged, &up)
	if err != nil {
		c.reply(ctx, nil, err)
		return
	}
	if _, err := c.uploadLease(o.addr, up); err != nil {
		// This member may not have applied the reveal yet: the
		// leader answers for the state.
		onLeader()
		return
	}
	if err := c.useWorkNonce(o.addr, o.sg.Nonce); err != nil {
		c.reply(ctx, nil, err)
		return
	}
	rctx, cancel := context.WithTimeout(context.Background(), c.cfg.ApplyTimeout)
	defer cancel()
	v, err := c.uploadStaged(rctx, o.addr, up, func(ctx context.Context, b state.StoredBlob) error {
		err := c.recordAtLeader(ctx, b)
		if err == nil {
			c.staged.offLeader.Inc()
		}
		return err
	})
	c.reply(ctx, v, bodyFields(err))
}

// recordAtLeader has the leader record a blob this member checked.
func (c *Coordinator) recordAtLeader(ctx context.Context, b state.StoredBlob) error {
	if c.IsLeader() {
		return c.BlobStored(ctx, b)
	}
	id, addr := c.Leader()
	if addr == "" {
		return errNoLeader
	}
	body, err := json.Marshal(b)
	if err != nil {
		return err
	}
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(c.memberURL(addr, routeBlobStored))
	req.Header.SetMethod(fasthttp.MethodPost)
	req.Header.SetContentType("application/json")
	req.Header.Set(blob.TokenHeader, c.cfg.ClusterToken)
	req.SetBody(body)
	// Recording a blob twice is answered like once: a try on a fresh
	// connection is safe.
	if err := c.forwarder.Do(req, resp, c.timeout(ctx)); err != nil {
		return fmt.Errorf("%w: record blob %s at the leader %s: %v", errForwardLost, b.SHA256, id, err)
	}
	switch sc := resp.StatusCode(); {
	case sc/100 == 2:
		return nil
	case sc/100 == 4:
		return fmt.Errorf("%w: the leader %s refused to record blob %s: %d %s", state.ErrConflict, id, b.SHA256, sc, bytes.TrimSpace(resp.Body()))
	default:
		return fmt.Errorf("%w: record blob %s at the leader %s: %d %s", errForwardLost, b.SHA256, id, sc, bytes.TrimSpace(resp.Body()))
	}
}

// httpBlobStored serves routeBlobStored on the leader: the blob must be in
// the store, at its size, before it is recorded.
func (c *Coordinator) httpBlobStored(rctx context.Context, ctx *fasthttp.RequestCtx) (any, error) {
	if !c.IsLeader() {
		return nil, ErrNotLeader
	}
	var b state.StoredBlob
	if err := decodeBody(ctx, &b); err != nil {
		return nil, err
	}
	switch {
	case b.SHA256.IsZero():
		return nil, inRequest("body", invalidf("sha256: expected the blob's SHA-256"))
	case b.Size < 1 || b.Size > api.MaxBlobSize:
		return nil, inRequest("body", invalidf("size %d: expected 1 to %d", b.Size, api.MaxBlobSize))
	}
	info, err := c.blobs.Stat(rctx, dataset.Hash(b.SHA256))
	if errors.Is(err, blob.ErrNotFound) {
		return nil, fmt.Errorf("%w: blob %s is not in the store", state.ErrConflict, b.SHA256)
	}
	if err != nil {
		return nil, err
	}
	if info.Size != b.Size {
		return nil, fmt.Errorf("%w: blob %s holds %d bytes in the store: expected %d", state.ErrConflict, b.SHA256, info.Size, b.Size)
	}
	return api.UploadResponse{Rows: b.Rows}, c.BlobStored(rctx, b)
}
