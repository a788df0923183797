package coord

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"path/filepath"

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

// openBlobs opens the blob store under DataDir/blobs and its replicator.
func (c *Coordinator) openBlobs() error {
	st, err := blob.NewStore(filepath.Join(c.cfg.DataDir, "blobs"), blob.WithLogger(c.log.With("sub", "blob")))
	if err != nil {
		return fmt.Errorf("coord: blob store: %w", err)
	}
	c.blobs = st
	rc := blob.DefaultConfig()
	rc.Self = c.cfg.ID
	rc.Token = c.cfg.ClusterToken
	rc.Logger = c.log.With("sub", "blob")
	rc.Peers = c.blobPeers
	if c.repl, err = blob.NewReplicator(st, rc); err != nil {
		return invalidf("blob replication: %v", err)
	}
	c.blobHandler = blob.NewHandler(st, blob.HandlerConfig{
		Token: c.cfg.ClusterToken, Logger: c.log.With("sub", "blob"), AuthorizeRead: c.authorizeBlobRead,
	})
	return nil
}

// authorizeBlobRead lets anyone read a blob that is input to a compute job
// still running: the nodes that lease its tasks fetch their shards so.
// Other blobs are for peers only; buyers download datasets whole.
func (c *Coordinator) authorizeBlobRead(_ *fasthttp.RequestCtx, h dataset.Hash) error {
	ok := false
	c.fsm.read(func(st *state.State) { ok = st.IsComputeInput(api.Hash(h)) })
	if !ok {
		return fmt.Errorf("%w: blob %s is not the input of a running compute job", state.ErrNotFound, h)
	}
	return nil
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
			out = append(out, blob.Peer{ID: m.ID, URL: "http://" + m.HTTPAddr})
		}
	}
	return out
}

// httpUpload serves PUT /v1/node/upload: the envelope in the Meadow-Envelope
// header, the task's Arrow IPC stream as the body.
func (c *Coordinator) httpUpload(rctx context.Context, ctx *fasthttp.RequestCtx) (any, error) {
	env, err := api.ParseEnvelopeHeader(string(ctx.Request.Header.Peek(api.EnvelopeHeader)))
	if err != nil {
		return nil, err
	}
	var up api.Upload
	o, err := c.openEnvelope(env, api.MethodUpload, &up)
	if err != nil {
		return nil, err
	}
	if err := c.useWorkNonce(o.addr, env.Nonce); err != nil {
		return nil, err
	}
	c.Seen(o.addr)
	return c.Upload(rctx, o.addr, up, ctx.PostBody())
}

// Upload checks a verified task's blob from the node that holds one of its
// revealed leases: its size and digest, then every accepted row by its hash
// (verify.CheckBlob). Rows that were not accepted are dropped, rewriting the
// stream; the result is stored, copied to a majority of the members and
// recorded through Raft. Only the leader can.
func (c *Coordinator) Upload(ctx context.Context, node string, up api.Upload, body []byte) (api.UploadResponse, error) {
	if !c.IsLeader() {
		return api.UploadResponse{}, ErrNotLeader
	}
	if int64(len(body)) != up.Size || api.Hash(sha256.Sum256(body)) != up.SHA256 {
		return api.UploadResponse{}, invalidf("upload: body of %d bytes with SHA-256 %x: expected size %d and sha256 %s",
			len(body), sha256.Sum256(body), up.Size, up.SHA256)
	}
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
	if err != nil {
		return api.UploadResponse{}, err
	}
	if task.Blob != nil {
		return api.UploadResponse{Rows: task.Blob.Rows}, nil
	}
	final, rows, err := keepAccepted(body, task.Accepted)
	if err != nil {
		return api.UploadResponse{}, err
	}
	h := dataset.Hash(sha256.Sum256(final))
	if _, err := c.blobs.Put(ctx, bytes.NewReader(final), h, api.MaxBlobSize); err != nil {
		return api.UploadResponse{}, fmt.Errorf("coord: store blob: %w", err)
	}
	if err := c.repl.Replicate(ctx, h); err != nil {
		return api.UploadResponse{}, fmt.Errorf("%w: blob %s reached too few members: %v", ErrTimeout, h, err)
	}
	err = c.BlobStored(ctx, state.StoredBlob{TaskID: task.ID, LeaseID: up.LeaseID, SHA256: api.Hash(h), Size: int64(len(final)), Rows: rows})
	if err != nil {
		return api.UploadResponse{}, err
	}
	return api.UploadResponse{Rows: rows}, nil
}

// errBadBlob says an uploaded stream does not read as a dataset file.
var errBadBlob = errors.New("coord: upload is not a readable Arrow IPC stream")

// keepAccepted reads an Arrow IPC stream, checks that it holds every
// accepted row, and returns the stream with only those rows (the same bytes
// when nothing is dropped) and their number.
func keepAccepted(body []byte, accepted []api.Hash) ([]byte, int64, error) {
	r, err := dataset.NewStreamReader(bytes.NewReader(body))
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %w: %w", ErrInvalid, errBadBlob, err)
	}
	var hashes []api.Hash
	for {
		hs, ok := r.NextHashes()
		if !ok {
			break
		}
		for _, h := range hs {
			hashes = append(hashes, api.Hash(h))
		}
	}
	if err := r.Err(); err != nil {
		return nil, 0, fmt.Errorf("%w: %w: %w", ErrInvalid, errBadBlob, err)
	}
	schema := r.Schema()
	_ = r.Close()
	keep, err := verify.CheckBlob(hashes, accepted)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %w", state.ErrMismatch, err)
	}
	if len(keep) == len(hashes) {
		return body, int64(len(keep)), nil
	}
	r, err = dataset.NewStreamReader(bytes.NewReader(body))
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %w", errBadBlob, err)
	}
	defer r.Close()
	var out bytes.Buffer
	w, err := dataset.NewWriter(&out, dataset.FormatArrowStream, schema)
	if err != nil {
		return nil, 0, fmt.Errorf("coord: rewrite blob: %w", err)
	}
	i, k := 0, 0
	for r.Next() {
		if k < len(keep) && keep[k] == i {
			if err := w.Write(r.Row()); err != nil {
				return nil, 0, fmt.Errorf("coord: rewrite blob: %w", err)
			}
			k++
		}
		i++
	}
	if err := r.Err(); err != nil {
		return nil, 0, fmt.Errorf("%w: %w", errBadBlob, err)
	}
	if err := w.Close(); err != nil {
		return nil, 0, fmt.Errorf("coord: rewrite blob: %w", err)
	}
	return out.Bytes(), int64(len(keep)), nil
}

// BlobBytes returns a blob this member holds, for tests and small blobs.
func (c *Coordinator) BlobBytes(h api.Hash) ([]byte, bool) {
	f, _, err := c.blobs.Open(dataset.Hash(h))
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
