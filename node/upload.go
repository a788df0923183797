package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/meadow-net/meadow/api"
)

// Presigned uploads (api's upload.go; issue 16). The node asks the leader
// for a URL (api.RouteUploadURL), PUTs the blob straight to the object
// store, and reports it (api.RouteUploadStaged); the leader checks the
// stored object before it acknowledges. Where no URL is handed out (the
// coordinators keep blobs on their disks, or an older coordinator does not
// know the route), or the store refuses every PUT (this node cannot reach
// it, say), the blob goes through a coordinator as before.

// storeTries bounds the PUTs of one blob to the store, each with a fresh
// URL and the client's stream watchdog (no byte moving for
// api.DefaultStreamTimeout); after them the blob goes through a
// coordinator, which may reach a store this node cannot.
const storeTries = 4

// errBlobUnreadable is the node's own blob failing to open: no path helps.
var errBlobUnreadable = errors.New("node: the blob to upload cannot be read")

// uploadPresigned runs a presigned upload. done is false, with no error,
// when the coordinators hand out no URL or the store would not take the
// PUT: the caller uploads through the coordinators.
func (c *Client) uploadPresigned(ctx context.Context, u api.Upload, open func() (io.ReadCloser, error)) (api.UploadResponse, bool, error) {
	var last error
	for try := 0; try < storeTries; try++ {
		if try > 0 {
			select {
			case <-ctx.Done():
				return api.UploadResponse{}, true, ctx.Err()
			case <-time.After(time.Duration(250<<try) * time.Millisecond):
			}
		}
		var url api.UploadURL
		if err := c.Post(ctx, api.MethodUploadURL, api.RouteUploadURL, u, &url); err != nil {
			if ctx.Err() != nil {
				return api.UploadResponse{}, true, ctx.Err()
			}
			// A coordinator that does not know the route, or refuses
			// the request: the proxied upload answers for itself.
			c.logger().Debug("no upload URL; uploading through a coordinator", "task", u.TaskID, "err", err)
			return api.UploadResponse{}, false, nil
		}
		if url.Stored {
			return api.UploadResponse{Rows: url.Rows}, true, nil
		}
		if url.URL == "" {
			return api.UploadResponse{}, false, nil
		}
		err := c.putStore(ctx, url, u.Size, open)
		if errors.Is(err, errBlobUnreadable) {
			return api.UploadResponse{}, true, err
		}
		if err != nil {
			last = err
			if ctx.Err() != nil {
				return api.UploadResponse{}, true, ctx.Err()
			}
			c.logger().Debug("PUT to the object store failed; trying again", "task", u.TaskID, "try", try+1, "err", err)
			continue
		}
		// The member answers once it has read the blob back and checked
		// it: each try waits for that, as for a proxied upload's answer.
		var out api.UploadResponse
		err = c.Post(api.WithAnswerWork(ctx, u.Size), api.MethodUploadStaged, api.RouteUploadStaged, u, &out)
		return out, true, err
	}
	c.logger().Warn("the object store refused the blob; uploading through a coordinator", "task", u.TaskID, "tries", storeTries, "err", last)
	return api.UploadResponse{}, false, nil
}

// putStore PUTs the blob to a presigned URL with its signed headers
// (api.PutPresigned); the caller tries again on any refusal.
func (c *Client) putStore(ctx context.Context, url api.UploadURL, size int64, open func() (io.ReadCloser, error)) error {
	body, err := open()
	if err != nil {
		return fmt.Errorf("%w: %w", errBlobUnreadable, err)
	}
	defer body.Close()
	return api.PutPresigned(ctx, c.HTTP(), url, size, body)
}
