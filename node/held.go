package node

import (
	"context"
	"io"
	"os"
	"sync"
	"time"

	"github.com/meadow-net/meadow/api"
)

// Held blobs. A node whose reveal was not answered with an upload request
// keeps the task's blob for a while: the coordinators may ask for it in a
// later work answer, when the node they asked first did not upload or when
// this node's rows turned out to be the ones to keep. The blobs live in the
// data dir's tasks directory, bounded in age and in bytes; the oldest go
// first.

const (
	// holdFor is how long a revealed task's blob is kept for a late
	// upload request (the coordinators' default upload wait is 2 minutes;
	// a few hand-overs fit in).
	holdFor = 15 * time.Minute
	// holdBytes bounds the disk the held blobs take.
	holdBytes = 256 << 20
)

type heldBlob struct {
	path string
	up   api.Upload
	at   time.Time
}

type heldBlobs struct {
	mu      sync.Mutex
	byLease map[string]heldBlob
	bytes   int64
}

// add keeps a blob, then drops what is too old or over the byte bound.
func (h *heldBlobs) add(b heldBlob, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byLease == nil {
		h.byLease = map[string]heldBlob{}
	}
	if old, ok := h.byLease[b.up.LeaseID]; ok {
		h.removeLocked(old)
	}
	h.byLease[b.up.LeaseID] = b
	h.bytes += b.up.Size
	for h.bytes > holdBytes || (len(h.byLease) > 0 && now.Sub(h.oldestLocked().at) > holdFor) {
		h.removeLocked(h.oldestLocked())
	}
}

// take removes and returns the blob held for lease.
func (h *heldBlobs) take(lease string) (heldBlob, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	b, ok := h.byLease[lease]
	if ok {
		delete(h.byLease, lease)
		h.bytes -= b.up.Size
	}
	return b, ok
}

// len returns how many blobs are held.
func (h *heldBlobs) len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.byLease)
}

func (h *heldBlobs) oldestLocked() heldBlob {
	var o heldBlob
	for _, b := range h.byLease {
		if o.path == "" || b.at.Before(o.at) {
			o = b
		}
	}
	return o
}

func (h *heldBlobs) removeLocked(b heldBlob) {
	delete(h.byLease, b.up.LeaseID)
	h.bytes -= b.up.Size
	os.Remove(b.path)
}

// uploadHeld answers the coordinators' requests for blobs of tasks revealed
// earlier. A request for a blob no longer held is left: the coordinators
// hand it to another agreeing node when its wait passes.
func (n *Node) uploadHeld(ctx context.Context, reqs []api.UploadRequest) {
	for _, r := range reqs {
		b, ok := n.held.take(r.LeaseID)
		if !ok || b.up.TaskID != r.TaskID {
			n.log.Debug("upload asked for a blob not held", "task", r.TaskID, "lease", r.LeaseID)
			continue
		}
		n.inflight.Add(1)
		go func() {
			defer n.inflight.Add(-1)
			_, err := n.client.Upload(ctx, b.up, func() (io.ReadCloser, error) { return os.Open(b.path) })
			if err != nil {
				if ctx.Err() == nil {
					n.log.Warn("late upload failed; keeping the blob for another request", "task", r.TaskID, "err", err)
				}
				n.held.add(b, time.Now())
				return
			}
			os.Remove(b.path)
			n.log.Info("uploaded a held blob on request", "task", r.TaskID, "lease", r.LeaseID)
		}()
	}
}
