package buyer

import (
	"context"
	"net/url"

	"github.com/meadow-net/meadow/api"
)

// Pause stops a running job from being leased further (leases already out
// run on); only its buyer may, and only from running.
func (b *Client) Pause(ctx context.Context, id string) (api.Job, error) {
	var job api.Job
	return job, b.c.Post(ctx, api.MethodJobPause, routeJobs+"/"+url.PathEscape(id)+"/pause", map[string]string{"job_id": id}, &job)
}

// Resume lets a paused job be leased again.
func (b *Client) Resume(ctx context.Context, id string) (api.Job, error) {
	var job api.Job
	return job, b.c.Post(ctx, api.MethodJobResume, routeJobs+"/"+url.PathEscape(id)+"/resume", map[string]string{"job_id": id}, &job)
}
