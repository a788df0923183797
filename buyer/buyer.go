package buyer

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// Routes of the buyer API (docs/ARCHITECTURE.md).
const (
	routeJobs     = "/v1/jobs"
	routeDatasets = "/v1/datasets"
)

// Client is a buyer's client of the coordinators. Requests are signed with
// the buyer's key (its address is the buyer's identity): writes, and reads
// of jobs and datasets, which only their buyer and the addresses it grants
// access to may read.
type Client struct {
	c   *api.Client
	key *ecdsa.PrivateKey // nil: reads only
	// grouped: the client may meet a network of several groups (it has
	// the operators to check a group map with).
	grouped bool
}

// Config configures a Client.
type Config struct {
	Coordinators []string
	Key          *ecdsa.PrivateKey // nil: only public reads (the chain's details)
	ChainID      uint64            // the EIP-712 domain requests are signed in
	Logger       *slog.Logger
	// Groups lets the client follow the coordinators to a job's group on
	// a network of several (the network file's operators verify the map).
	Groups *api.GroupTrust
	// RootCAs, when set, verifies https coordinators (and the object
	// store's presigned URLs) instead of the system's roots: a cluster
	// with its own CA (meadow buyer --coord-ca).
	RootCAs *x509.CertPool
}

// New returns a buyer client.
func New(cfg Config) (*Client, error) {
	c, err := api.NewClient(api.ClientConfig{Coordinators: cfg.Coordinators, Key: cfg.Key, Domain: api.DomainFor(cfg.ChainID), Logger: cfg.Logger, Groups: cfg.Groups,
		RootCAs: cfg.RootCAs})
	if err != nil {
		return nil, err
	}
	return &Client{c: c, key: cfg.Key, grouped: cfg.Groups != nil}, nil
}

// Submit validates spec locally (so a bad spec fails before any request,
// naming its field) and submits it.
func (b *Client) Submit(ctx context.Context, spec api.JobSpec) (api.Job, error) {
	if err := spec.Validate(); err != nil {
		return api.Job{}, err
	}
	var job api.Job
	return job, b.c.Post(ctx, api.MethodJobSubmit, routeJobs, spec, &job)
}

// Cancel cancels a job.
func (b *Client) Cancel(ctx context.Context, id string) (api.Job, error) {
	var job api.Job
	return job, b.c.Post(ctx, api.MethodJobCancel, routeJobs+"/"+url.PathEscape(id)+"/cancel", map[string]string{"job_id": id}, &job)
}

// Status reads a job's state and progress (a signed read).
func (b *Client) Status(ctx context.Context, id string) (api.JobStatus, error) {
	var st api.JobStatus
	return st, b.c.GetSigned(ctx, routeJobs+"/"+url.PathEscape(id), &st)
}

// Grant lets addr read job id and its dataset (status, manifest, proofs,
// data); Revoke stops it. Only the job's buyer may. Both return the job's
// grants.
func (b *Client) Grant(ctx context.Context, id string, addr common.Address) ([]string, error) {
	return b.grant(ctx, api.MethodJobGrant, "/grant", id, addr)
}

// Revoke stops addr reading job id and its dataset.
func (b *Client) Revoke(ctx context.Context, id string, addr common.Address) ([]string, error) {
	return b.grant(ctx, api.MethodJobRevoke, "/revoke", id, addr)
}

func (b *Client) grant(ctx context.Context, method, action, id string, addr common.Address) ([]string, error) {
	g := api.JobGrant{JobID: id, Address: addr}
	if err := g.Validate(); err != nil {
		return nil, err
	}
	var out struct {
		Grants []string `json:"grants"`
	}
	return out.Grants, b.c.Post(ctx, method, routeJobs+"/"+url.PathEscape(id)+action, g, &out)
}

// Wait polls a job until it is done, failed or cancelled, calling progress
// (when set) after each poll.
func (b *Client) Wait(ctx context.Context, id string, every time.Duration, progress func(api.JobStatus)) (api.JobStatus, error) {
	for first := true; ; first = false {
		var (
			st  api.JobStatus
			err error
		)
		consistent := func() error {
			return b.c.GetSigned(ctx, routeJobs+"/"+url.PathEscape(id)+"?consistent=1", &st)
		}
		if first {
			// The first poll may follow the submission at once: read it
			// from the leader (a follower may not have applied it yet).
			err = consistent()
		} else {
			st, err = b.Status(ctx, id)
			// The next may go to a follower further behind than the
			// member that answered before (a loaded machine puts one
			// seconds behind): the leader has the job.
			if re := (*api.RemoteError)(nil); errors.As(err, &re) && re.Status == http.StatusNotFound {
				err = consistent()
			}
		}
		if err != nil {
			return st, err
		}
		if progress != nil {
			progress(st)
		}
		switch st.State {
		case api.JobDone:
			return st, nil
		case api.JobFailed, api.JobCancelled:
			return st, fmt.Errorf("buyer: job %s is %s: %s", id, st.State, st.Error)
		}
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-time.After(every):
		}
	}
}

// Datasets lists the buyer's datasets and those it was granted: on a
// network of several groups, every group's (each lists its own), in the
// map's order; a group that does not answer fails the list rather than
// shortening it.
func (b *Client) Datasets(ctx context.Context) ([]api.DatasetInfo, error) {
	var (
		groups []*api.Client
		m      *api.GroupMap
		err    error
	)
	if b.grouped {
		if groups, m, err = b.c.ForGroups(ctx); err != nil {
			return nil, err
		}
	}
	if len(groups) == 0 {
		var ds []api.DatasetInfo
		return ds, b.c.GetSigned(ctx, routeDatasets, &ds)
	}
	var all []api.DatasetInfo
	for i, gc := range groups {
		var ds []api.DatasetInfo
		if err := gc.GetSigned(ctx, routeDatasets, &ds); err != nil {
			return nil, fmt.Errorf("datasets of group %s: %w", m.Groups[i].ID, err)
		}
		all = append(all, ds...)
	}
	return all, nil
}

// Dataset describes one dataset.
func (b *Client) Dataset(ctx context.Context, id string) (api.DatasetInfo, error) {
	var d api.DatasetInfo
	return d, b.c.GetSigned(ctx, routeDatasets+"/"+url.PathEscape(id), &d)
}

// ManifestWait bounds how long Manifest waits for the coordinators to sign
// a dataset's manifest: they sign once the leader has posted the dataset's
// root to the chain's registry, normally within seconds of the job ending.
const ManifestWait = 2 * time.Minute

// Manifest fetches and validates a dataset's manifest once it is complete:
// the coordinators answer it only when it carries the signatures of the
// registry's threshold of operators (409 field "signatures" before, or
// while the dataset's blobs are still being stored), and Manifest asks
// again until then, for at most ManifestWait. It never returns a manifest
// the coordinators call incomplete, so a caller never saves one that would
// not verify.
func (b *Client) Manifest(ctx context.Context, id string) (*dataset.Manifest, []byte, error) {
	var raw rawBody
	deadline := time.Now().Add(ManifestWait)
	for {
		raw.b = raw.b[:0]
		err := b.c.GetSigned(ctx, routeDatasets+"/"+url.PathEscape(id)+"/manifest", &raw)
		if err == nil {
			break
		}
		if !manifestPending(err) {
			return nil, nil, err
		}
		if time.Now().After(deadline) {
			return nil, nil, fmt.Errorf("buyer: dataset %s: manifest: waited %s for the coordinators' signatures: %w", id, ManifestWait, err)
		}
		select {
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("buyer: dataset %s: manifest: waiting for the coordinators' signatures: %w (last answer: %w)", id, ctx.Err(), err)
		case <-time.After(250 * time.Millisecond):
		}
	}
	m, err := dataset.ParseManifest(raw.b)
	if err != nil {
		return nil, raw.b, fmt.Errorf("buyer: dataset %s: the coordinator's manifest: %w", id, err)
	}
	return m, raw.b, nil
}

// manifestPending reports whether a manifest read was refused because the
// manifest is not complete yet: its signatures are being gathered, or its
// blobs stored. Both are answered 409 and pass on their own.
func manifestPending(err error) bool {
	var re *api.RemoteError
	if !errors.As(err, &re) || re.Status != http.StatusConflict {
		return false
	}
	return re.Field == "signatures" || strings.Contains(re.Message, "not complete yet")
}

// Proof fetches the inclusion proof of a row (file order, from 0).
func (b *Client) Proof(ctx context.Context, id string, row int64) (dataset.InclusionProof, error) {
	var p dataset.InclusionProof
	return p, b.c.GetSigned(ctx, fmt.Sprintf("%s/%s/proof?row=%d", routeDatasets, url.PathEscape(id), row), &p)
}

// Download writes the dataset in format ("arrow" or "parquet") to path,
// through a temporary file renamed into place once complete, and returns
// the bytes written. The download is a signed request: datasets are sold.
func (b *Client) Download(ctx context.Context, id, format, path string) (int64, error) {
	if format != api.FormatArrow && format != api.FormatParquet {
		return 0, &api.FieldError{Field: "format", Value: format, Expected: "arrow or parquet"}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".part*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	cw := &countingWriter{w: tmp}
	err = b.c.Do(ctx, func(ctx context.Context, base string) (*http.Response, error) {
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		if err := tmp.Truncate(0); err != nil {
			return nil, err
		}
		cw.n = 0
		env, err := b.c.Sign(api.MethodDatasetGet, map[string]string{"dataset_id": id, "format": format})
		if err != nil {
			return nil, err
		}
		h, err := env.Header()
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s%s/%s/data?format=%s", base, routeDatasets, url.PathEscape(id), format), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set(api.EnvelopeHeader, h)
		return b.c.HTTP().Do(req)
	}, cw)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, err
	}
	return cw.n, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// rawBody receives an answer's bytes unparsed.
type rawBody struct{ b []byte }

func (r *rawBody) Write(p []byte) (int, error) {
	r.b = append(r.b, p...)
	if len(r.b) > api.MaxResponseSize {
		return 0, errors.New("buyer: answer too large")
	}
	return len(p), nil
}
