package coord

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/ethereum/go-ethereum/common"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/coord/verify"
	"github.com/meadow-net/meadow/dataset"
)

// Blobs never enter the log: a verified task's blob is stored on the
// leader's disk, copied to a majority of the members (blob.Replicator) and
// only then recorded by a small blob_stored command. So an acknowledged
// upload survives the loss of any one member, and the log stays small.

// openBlobs opens the blob store: the object store of the config's
// object_store section, shared by the members, or else the store under
// DataDir/blobs with its replicator.
func (c *Coordinator) openBlobs() error {
	// The blob store's metrics join the member's (/metrics, the console).
	bm, err := blob.NewMetrics(c.metrics.reg)
	if err != nil {
		return fmt.Errorf("coord: blob metrics: %w", err)
	}
	if c.staged, err = newStagedUploads(c.metrics.reg); err != nil {
		return err
	}
	if c.cfg.ObjectStore != nil {
		// The store's durability replaces the members' copies: no
		// Replicator, no repair, and every member reads the same bucket.
		s3, err := c.openObjectStore(bm)
		if err != nil {
			return err
		}
		c.blobs = s3
		c.blobHandler = blob.NewHandler(s3, blob.HandlerConfig{
			Token: c.cfg.ClusterToken, Logger: c.log.With("sub", "blob"),
			AuthorizeRead: c.authorizeBlobRead, ReadError: blobReadError,
			// Nodes fetch compute inputs from the bucket itself.
			RedirectReads: true, Metrics: bm,
		})
		if len(c.cfg.Checkers) > 0 {
			var tlsc *tls.Config
			if c.tls != nil {
				tlsc = c.tls.client
			}
			if c.checkers, err = newCheckers(c.cfg.Checkers, c.cfg.ClusterToken, tlsc, c.metrics.reg); err != nil {
				return err
			}
		}
		c.log.Info("blobs are kept in the object store", "store", s3.String(), "checkers", len(c.cfg.Checkers))
		return nil
	}
	st, err := blob.NewStore(filepath.Join(c.cfg.DataDir, "blobs"), blob.WithLogger(c.log.With("sub", "blob")), blob.WithMetrics(bm))
	if err != nil {
		return fmt.Errorf("coord: blob store: %w", err)
	}
	c.blobs = st
	rc := blob.DefaultConfig()
	rc.Metrics = bm
	rc.Self = c.cfg.ID
	rc.Token = c.cfg.ClusterToken
	rc.Logger = c.log.With("sub", "blob")
	rc.Peers = c.blobPeers
	rc.Metrics = bm
	if c.tls != nil {
		rc.Client = blob.DefaultClient()
		rc.Client.Transport.(*http.Transport).TLSClientConfig = c.tls.client
	}
	if c.repl, err = blob.NewReplicator(st, rc); err != nil {
		return invalidf("blob replication: %v", err)
	}
	c.blobHandler = blob.NewHandler(st, blob.HandlerConfig{
		Token: c.cfg.ClusterToken, Logger: c.log.With("sub", "blob"),
		AuthorizeRead: c.authorizeBlobRead, ReadError: blobReadError,
	})
	return nil
}

// Errors of the blob read route, which blobReadError answers with 401 and
// 403; no other route of the node API answers those for a signed request,
// so they live here rather than in errors.go.
var (
	// errNoEnvelope is a read with neither the cluster token nor an
	// envelope.
	errNoEnvelope = errors.New("coord: missing " + api.EnvelopeHeader + " header: expected a " + api.MethodBlobGet +
		" envelope signed by a node that leased a task reading the blob (or, from a peer, the cluster token)")
	// errBlobDenied wraps the state's refusal of a signed read: the signer
	// holds no open lease on a running task that reads the blob.
	errBlobDenied = errors.New("coord: blob read refused")
)

// authorizeBlobRead decides a read of blob h by a caller that sent no
// cluster token; the blob handler checks a peer's token itself and never
// asks. Input blobs of compute jobs are verified crawl data that buyers pay
// for (GET /v1/datasets/{id}/data is 402 until paid), and their hashes are
// public in manifests, so knowing a hash is not enough: the Meadow-Envelope
// header must hold a blob.get envelope whose body names h and a task, and
// its signer must hold an open lease on that task, a compute task of a job
// not yet final whose shard reads h. The nonce is spent in this member's
// memory, as for uploads and downloads, so a node signs every request (a
// HEAD and its GET, each try of a range).
func (c *Coordinator) authorizeBlobRead(ctx *fasthttp.RequestCtx, h dataset.Hash) error {
	raw := ctx.Request.Header.Peek(api.EnvelopeHeader)
	if len(raw) == 0 {
		return errNoEnvelope
	}
	var g api.BlobGet
	o, err := c.openHeader(ctx, api.MethodBlobGet, &g)
	if err != nil {
		return err
	}
	if g.Hash != api.Hash(h) {
		return &api.FieldError{Field: "body.hash", Value: strconv.Quote(g.Hash.String()), Expected: "the blob in the URL, " + h.String()}
	}
	if err := c.useWorkNonce(o.addr, o.sg.Nonce); err != nil {
		return err
	}
	now := c.now()
	c.fsm.read(func(st *state.State) { err = st.LeaseReadsInput(o.addr, g.TaskID, g.Hash, now) })
	if err != nil {
		if !errors.Is(err, state.ErrNotFound) {
			err = fmt.Errorf("%w: %w", errBlobDenied, err)
		}
		return bodyFields(err)
	}
	c.Seen(o.addr)
	return nil
}

// blobReadError answers a refusal of authorizeBlobRead: 401 without an
// envelope, 403 when the signer's leases do not let it read the blob, and
// otherwise as every route answers (401 for a bad signature or an expired
// envelope, 400 naming the field, 404 for an unknown task, 409 for a
// replayed nonce).
func blobReadError(err error) (int, api.ErrorBody) {
	d := api.ErrorDetail{Message: err.Error()}
	switch {
	case errors.Is(err, errNoEnvelope):
		d.Code, d.Field = blob.CodeUnauthorized, api.EnvelopeHeader
		return fasthttp.StatusUnauthorized, api.ErrorBody{Error: d}
	case errors.Is(err, errBlobDenied):
		d.Code = blob.CodeForbidden
		if fe := (*state.FieldError)(nil); errors.As(err, &fe) {
			d.Field = fe.Field
		}
		return fasthttp.StatusForbidden, api.ErrorBody{Error: d}
	}
	return errorBody(err)
}

// blobPeers lists the members for blob replication.
func (c *Coordinator) blobPeers() []blob.Peer {
	var out []blob.Peer
	ms, err := c.Members()
	if err != nil {
		return nil
	}
	for _, m := range ms {
		if m.HTTPAddr != "" {
			out = append(out, blob.Peer{ID: m.ID, URL: c.scheme() + "://" + m.HTTPAddr})
		}
	}
	return out
}

// httpUpload serves PUT /v1/node/upload: the envelope in the Meadow-Envelope
// header, the task's Arrow IPC stream as the body.
func (c *Coordinator) httpUpload(rctx context.Context, ctx *fasthttp.RequestCtx) (any, error) {
	if err := c.proxyRefused(ctx, api.RouteUploadURL); err != nil {
		return nil, err
	}
	var up api.Upload
	o, err := c.openHeader(ctx, api.MethodUpload, &up)
	if err != nil {
		// Answer the refusal, not a reset: read the body first.
		drainBody(ctx)
		return nil, inRequest(api.EnvelopeHeader, err)
	}
	if err := c.useWorkNonce(o.addr, o.sg.Nonce); err != nil {
		drainBody(ctx)
		return nil, err
	}
	c.Seen(o.addr)
	v, err := c.Upload(rctx, o.addr, up, requestBody(ctx))
	if err != nil {
		drainBody(ctx)
	}
	if errors.Is(err, syscall.ENOSPC) && !errors.Is(err, errCannotStore) {
		// Checking or copying the blob filled the disk.
		err = fmt.Errorf("%w: %w", errCannotStore, err)
	}
	return v, err
}

// errProxyRefused is a blob's bytes sent through a member of a cluster
// that keeps blobs in an object store and does not carry them
// (Config.ProxyUploads).
var errProxyRefused = fmt.Errorf("%w: this cluster keeps blobs in an object store and takes them only as presigned PUTs to the store", state.ErrConflict)

// proxyRefused drains the body and returns errProxyRefused, naming the
// route that hands out the presigned URL, when this member does not carry
// blob bytes; nil when it does. It is checked before anything of the
// request is opened: a refused upload costs no signature recovery.
func (c *Coordinator) proxyRefused(ctx *fasthttp.RequestCtx, urlRoute string) error {
	if c.cfg.ObjectStore == nil || c.cfg.ProxyUploads {
		return nil
	}
	drainBody(ctx)
	c.staged.proxyRefused.Inc()
	return inRequest("route", fmt.Errorf("%w: ask POST %s for a URL, PUT the bytes there and report them (an operator allows uploads through the members with meadow coord --proxy-uploads)", errProxyRefused, urlRoute))
}

// errNoUploadEnvelope is an upload without its envelope.
var errNoUploadEnvelope = errors.New("coord: missing " + api.EnvelopeHeader + " header: an upload carries a " + api.MethodUpload +
	" envelope signed by the node, with the task, lease, size and SHA-256 of the body")

// errNoModuleEnvelope is a module upload without its envelope.
var errNoModuleEnvelope = errors.New("coord: missing " + api.EnvelopeHeader + " header: a module upload carries a " + api.MethodModuleUpload +
	" envelope signed by the buyer, with the size and SHA-256 of the body")

// uploadHasEnvelope answers 401 naming the header, with the body drained,
// and reports false for an upload without a Meadow-Envelope header.
func (c *Coordinator) uploadHasEnvelope(ctx *fasthttp.RequestCtx) bool {
	return c.hasEnvelope(ctx, errNoUploadEnvelope)
}

// hasEnvelope answers 401 with missing as the message, the body drained,
// and reports false for a request without a Meadow-Envelope header.
func (c *Coordinator) hasEnvelope(ctx *fasthttp.RequestCtx, missing error) bool {
	if len(ctx.Request.Header.Peek(api.EnvelopeHeader)) > 0 {
		return true
	}
	drainBody(ctx)
	c.replyStatus(ctx, fasthttp.StatusUnauthorized, api.ErrorDetail{Code: blob.CodeUnauthorized, Field: api.EnvelopeHeader, Message: missing.Error()})
	return false
}

// Upload checks a verified task's blob from the node that holds one of its
// revealed leases: its size and digest, then every accepted row by its hash
// (verify.CheckBlob). Rows that were not accepted are dropped, rewriting the
// stream; the result is stored, copied to a majority of the members and
// recorded through Raft. Only the leader can. The body is read once, into a
// file in DATA-DIR/uploads, so a blob of any size up to api.MaxBlobSize
// costs disk, not memory.
func (c *Coordinator) Upload(ctx context.Context, node string, up api.Upload, body io.Reader) (api.UploadResponse, error) {
	if !c.IsLeader() {
		return api.UploadResponse{}, ErrNotLeader
	}
	task, err := c.uploadLease(node, up)
	if err != nil {
		return api.UploadResponse{}, err
	}
	if task.Blob != nil {
		return api.UploadResponse{Rows: task.Blob.Rows}, nil
	}
	dir := filepath.Join(c.cfg.DataDir, "uploads")
	in, err := spool(dir, body, up.Size, up.SHA256)
	if err != nil {
		return api.UploadResponse{}, err
	}
	defer os.Remove(in.Name())
	defer in.Close()
	final, h, rows, err := keepAccepted(in, dataset.Hash(up.SHA256), task.Accepted, dir, common.HexToAddress(node))
	if err != nil {
		return api.UploadResponse{}, err
	}
	if final != in.Name() {
		defer os.Remove(final)
	}
	f, err := os.Open(final)
	if err != nil {
		return api.UploadResponse{}, err
	}
	defer f.Close()
	var fuel uint64
	if task.Spec.Compute != nil && task.Spec.Compute.Kernel == api.KernelWasm {
		if fuel, err = sumFuel(f); err != nil {
			return api.UploadResponse{}, err
		}
	}
	size, err := c.blobs.Put(ctx, f, h, api.MaxBlobSize)
	if err != nil {
		return api.UploadResponse{}, fmt.Errorf("coord: store blob: %w", err)
	}
	if err := c.replicate(ctx, h); err != nil {
		return api.UploadResponse{}, fmt.Errorf("%w: blob %s reached too few members: %v", ErrTimeout, h, err)
	}
	err = c.BlobStored(ctx, state.StoredBlob{TaskID: task.ID, LeaseID: up.LeaseID, SHA256: api.Hash(h), Size: size, Rows: rows, Fuel: fuel})
	if err != nil {
		return api.UploadResponse{}, err
	}
	c.staged.proxied.Inc()
	c.staged.proxiedBytes.Add(float64(up.Size))
	return api.UploadResponse{Rows: rows}, nil
}

// spool copies an upload's body into a new file in dir, checking its size
// and SHA-256 against what the uploader signed, and returns the file at its
// start. The caller removes it.
func spool(dir string, body io.Reader, size int64, sum api.Hash) (*os.File, error) {
	s, err := spoolFile(dir, "upload-*", body, size)
	var re *spoolReadError
	if errors.As(err, &re) {
		return nil, fmt.Errorf("%w: upload: reading the body after %d bytes: %v", ErrInvalid, re.n, re.err)
	}
	if err != nil {
		return nil, fmt.Errorf("upload: %w", err)
	}
	if s.n != size || s.sum != sum {
		s.discard()
		more := ""
		if s.n > size {
			more = " or more"
		}
		return nil, invalidf("upload: body of %d bytes%s with SHA-256 %s: expected size %d and sha256 %s", s.n, more, s.sum, size, sum)
	}
	return s.File, nil
}

// spooled is a file spoolFile wrote: n bytes whose SHA-256 is sum.
type spooled struct {
	*os.File
	n   int64
	sum api.Hash
}

// discard closes and removes the file.
func (s spooled) discard() {
	s.Close()
	os.Remove(s.Name())
}

// spoolReadError is a failure reading what spoolFile copies, after n bytes.
type spoolReadError struct {
	n   int64
	err error
}

func (e *spoolReadError) Error() string {
	return fmt.Sprintf("reading after %d bytes: %v", e.n, e.err)
}
func (e *spoolReadError) Unwrap() error { return e.err }

// spoolFile copies at most limit+1 bytes of r into a new file in dir (named
// as os.CreateTemp's pattern says), hashing them, and returns the file at
// its start: one more byte than limit tells the caller the source is too
// long. A failure of this member's disk wraps errCannotStore (another
// member, or this one later, can take it); a failure reading r is a
// *spoolReadError, for the caller to name. On an error no file is left.
func spoolFile(dir, pattern string, r io.Reader, limit int64) (spooled, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return spooled{}, fmt.Errorf("%w: %w", errCannotStore, err)
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return spooled{}, fmt.Errorf("%w: %w", errCannotStore, err)
	}
	h := sha256.New()
	w := &spoolWriter{f: f}
	n, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(r, limit+1))
	s := spooled{File: f, n: n, sum: api.Hash(h.Sum(nil))}
	switch {
	case w.err != nil:
		s.discard()
		return spooled{}, fmt.Errorf("%w: %w", errCannotStore, w.err)
	case err != nil:
		s.discard()
		return spooled{}, &spoolReadError{n: n, err: err}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		s.discard()
		return spooled{}, err
	}
	return s, nil
}

// spoolWriter writes to f and remembers a write's failure, so that
// spoolFile tells this member's disk from the source.
type spoolWriter struct {
	f   *os.File
	err error
}

func (w *spoolWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// errCannotStore: this member cannot store an upload now (its disk is full
// or failing). It is a 503: the client tries again, here or elsewhere, and
// a member short of disk hands leadership on (disk.go).
var errCannotStore = errors.New("coord: this member cannot store the upload now")

// errBadBlob says an uploaded stream does not read as a dataset file.
var errBadBlob = errors.New("coord: upload is not a readable Arrow IPC stream")

// keepAccepted reads the Arrow IPC stream in f (whose SHA-256 is sum),
// checks that it holds every accepted row and that every row kept is
// signed by node, the uploader (its signature recovers to its node
// column, which is node: dataset.CheckRowSignature), and returns the file
// with only those rows, its SHA-256 and the rows' number: f itself when
// nothing is dropped, else a new file in dir that the caller removes.
func keepAccepted(f *os.File, sum dataset.Hash, accepted []api.Hash, dir string, node common.Address) (string, dataset.Hash, int64, error) {
	r, err := dataset.NewStreamReader(bufio.NewReaderSize(f, readBufSize(f)))
	if err != nil {
		return "", sum, 0, fmt.Errorf("%w: %w: %w", ErrInvalid, errBadBlob, err)
	}
	var hashes []api.Hash
	// badSig holds, by row, why a row's provenance does not verify; only
	// rows that are kept refuse the upload.
	badSig := map[int]error{}
	for {
		hs, ok := r.NextHashes()
		if !ok {
			break
		}
		errs, err := r.SignatureErrors(hs, node)
		if err != nil {
			_ = r.Close()
			return "", sum, 0, &state.FieldError{Field: "rows", Err: fmt.Errorf("%w: %w", ErrInvalid, err)}
		}
		for i, e := range errs {
			if e != nil {
				badSig[len(hashes)+i] = e
			}
		}
		for _, h := range hs {
			hashes = append(hashes, api.Hash(h))
		}
	}
	if err := r.Err(); err != nil {
		return "", sum, 0, fmt.Errorf("%w: %w: %w", ErrInvalid, errBadBlob, err)
	}
	schema := r.Schema()
	_ = r.Close()
	keep, err := verify.CheckBlob(hashes, accepted)
	if err != nil {
		return "", sum, 0, fmt.Errorf("%w: %w", state.ErrMismatch, err)
	}
	for _, i := range keep {
		if e := badSig[i]; e != nil {
			var re *dataset.RowError
			field := fmt.Sprintf("rows[%d]", i)
			if errors.As(e, &re) {
				field += "." + re.Column
			}
			return "", sum, 0, &state.FieldError{Field: field, Err: fmt.Errorf("%w: upload: %v (each row must carry its node's signature of the row: dataset/DESIGN.md, \"Provenance\")", ErrInvalid, e)}
		}
	}
	if len(keep) == len(hashes) {
		return f.Name(), sum, int64(len(keep)), nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", sum, 0, err
	}
	r, err = dataset.NewStreamReader(bufio.NewReaderSize(f, readBufSize(f)))
	if err != nil {
		return "", sum, 0, fmt.Errorf("%w: %w", errBadBlob, err)
	}
	defer r.Close()
	out, err := os.CreateTemp(dir, "kept-*")
	if err != nil {
		return "", sum, 0, err
	}
	fail := func(err error) (string, dataset.Hash, int64, error) {
		out.Close()
		os.Remove(out.Name())
		return "", sum, 0, err
	}
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(out, h), 1<<20)
	w, err := dataset.NewWriter(bw, dataset.FormatArrowStream, schema)
	if err != nil {
		return fail(fmt.Errorf("coord: rewrite blob: %w", err))
	}
	i, k := 0, 0
	for r.Next() {
		if k < len(keep) && keep[k] == i {
			if err := w.Write(r.Row()); err != nil {
				return fail(fmt.Errorf("coord: rewrite blob: %w", err))
			}
			k++
		}
		i++
	}
	if err := r.Err(); err != nil {
		return fail(fmt.Errorf("%w: %w", errBadBlob, err))
	}
	if err := w.Close(); err != nil {
		return fail(fmt.Errorf("coord: rewrite blob: %w", err))
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if err := out.Close(); err != nil {
		return fail(err)
	}
	return out.Name(), dataset.Hash(h.Sum(nil)), int64(len(keep)), nil
}

// readBufSize is the read buffer for an upload's file: 1 MiB, or the
// file's size when smaller: a 25-row blob is a few KiB, and the scale
// simulation found a 1 MiB buffer allocated, and zeroed, for each.
func readBufSize(f *os.File) int {
	if st, err := f.Stat(); err == nil && st.Size() < 1<<20 {
		return int(max(st.Size(), 4096))
	}
	return 1 << 20
}

// replicate copies a blob just stored to a majority of the members, where
// blobs live on the members' disks; with an object store, Put alone made it
// durable.
func (c *Coordinator) replicate(ctx context.Context, h dataset.Hash) error {
	if c.repl == nil {
		return nil
	}
	return c.repl.Replicate(ctx, h)
}

// BlobBytes returns a blob this member holds (or reads from the object
// store), for tests and small blobs.
func (c *Coordinator) BlobBytes(h api.Hash) ([]byte, bool) {
	f, _, err := c.blobs.Open(context.Background(), dataset.Hash(h))
	if err != nil {
		return nil, false
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(f); err != nil {
		return nil, false
	}
	return buf.Bytes(), true
}
