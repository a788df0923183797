package coord

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/dataset"
)

// SubmitJob validates a buyer's spec, writes its defaults in, splits it into
// tasks and commits job and tasks through Raft. Only the leader can: the
// split happens once, there, and the log carries the tasks.
func (c *Coordinator) SubmitJob(ctx context.Context, buyer common.Address, spec api.JobSpec) (api.Job, error) {
	return c.submitJob(ctx, buyer, spec, Signed{})
}

func (c *Coordinator) submitJob(ctx context.Context, signer common.Address, spec api.JobSpec, sg Signed) (api.Job, error) {
	spec = spec.WithDefaults()
	if err := spec.ValidateWith(c.checks); err != nil {
		return api.Job{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if spec.Compute != nil {
		// A compute job runs where its input is.
		if err := c.groups.check("input dataset "+spec.Compute.Input, api.JobKey(spec.Compute.Input)); err != nil {
			return api.Job{}, err
		}
	}
	if !c.IsLeader() {
		return api.Job{}, ErrNotLeader
	}
	buyer, err := c.buyerOf(ctx, signer, spec)
	if err != nil {
		return api.Job{}, err
	}
	if err := c.checkArrears(buyer); err != nil {
		return api.Job{}, err
	}
	id := c.newJobID()
	var tasks []api.Task
	c.fsm.read(func(st *state.State) { tasks, err = st.SplitJob(id, spec) })
	if err != nil {
		return api.Job{}, err
	}
	if spec.Compute != nil {
		// A compute job reads its input's rows: only who may read that
		// dataset (its buyer and grantees) may compute over it.
		if _, err := c.readableDataset(ctx, spec.Compute.Input, buyer.Hex()); err != nil {
			return api.Job{}, &state.FieldError{Field: "compute.input", Err: err}
		}
		if err := c.checkComputeColumn(ctx, *spec.Compute); err != nil {
			return api.Job{}, err
		}
		c.fsm.read(func(st *state.State) { err = st.CheckModule(strings.ToLower(buyer.Hex()), spec.Compute.Wasm) })
		if err != nil {
			return api.Job{}, err
		}
	}
	nj, err := c.newJob(id, buyer, spec, tasks)
	if err != nil {
		return api.Job{}, err
	}
	v, err := c.propose(ctx, MsgJobSubmit, jobSubmitCmd{Signed: sg, Job: nj, Now: c.now()})
	if err != nil {
		return api.Job{}, err
	}
	return v.(api.Job), nil
}

// newJob is a job as this leader proposes it: the network's price and the
// job's work-unit rate fixed now, so that neither a later price nor later
// rates change what the job costs or earns.
func (c *Coordinator) newJob(id string, buyer common.Address, spec api.JobSpec, tasks []api.Task) (state.NewJob, error) {
	rate, err := state.RateOf(spec)
	if err != nil {
		return state.NewJob{}, err
	}
	return state.NewJob{ID: id, Buyer: buyer, Spec: spec, Tasks: tasks, PricePerRow: c.pricePerRow(), UnitsPerRow: rate}, nil
}

// checkComputeColumn checks that a compute job's column is a string column
// of its input dataset (read from the dataset's first blob), so that a job no
// node could run is refused at the door rather than leased until it expires.
func (c *Coordinator) checkComputeColumn(ctx context.Context, spec api.ComputeSpec) error {
	d, err := c.Dataset(spec.Input)
	if err != nil {
		return err
	}
	s, err := c.schemaOf(ctx, d)
	if err != nil {
		return err
	}
	if spec.Kernel == api.KernelDedup {
		if err := checkDedupSchema(spec.Input, s); err != nil {
			return err
		}
	} else if err := checkTextColumn(spec, s); err != nil {
		return err
	}
	return c.checkStage(spec, s)
}

// checkTextColumn checks that a text kernel's column is a string or
// list<string> content column of the input.
func checkTextColumn(spec api.ComputeSpec, s dataset.Schema) error {
	text := func(col dataset.Column) bool {
		return col.Role == dataset.RoleContent && (col.Type == dataset.TypeString || col.Type == dataset.TypeStringList)
	}
	var names []string
	for _, col := range s.Columns {
		if text(col) {
			names = append(names, col.Name)
		}
	}
	if i := s.Index(spec.Column); i < 0 || !text(s.Columns[i]) {
		return &state.FieldError{Field: "compute.column", Err: invalidf("%q: expected a string or list<string> column of dataset %s (%s)",
			spec.Column, spec.Input, strings.Join(names, ", "))}
	}
	return nil
}

// checkStage binds a compute job's where and carry to its input's schema
// (dataset.NewStage): a condition on a column the input lacks, a value of
// the wrong type, or a carried column a kernel output's name takes is
// refused here rather than by every node that leases the task.
func (c *Coordinator) checkStage(spec api.ComputeSpec, s dataset.Schema) error {
	if len(spec.Where) == 0 && len(spec.Carry) == 0 {
		return nil
	}
	var outputs []dataset.Column
	if c.checks.KernelOutputs != nil {
		names, err := c.checks.KernelOutputs(spec)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		for _, n := range names {
			outputs = append(outputs, dataset.Column{Name: n})
		}
	}
	if _, err := dataset.NewStage(s, outputs, spec.Where, spec.Carry); err != nil {
		if fe := (*api.FieldError)(nil); errors.As(err, &fe) {
			return &state.FieldError{Field: fe.Field, Err: invalidf("%s: expected %s", fe.Value, fe.Expected)}
		}
		return &state.FieldError{Field: "compute", Err: invalidf("%v", err)}
	}
	return nil
}

// newJobID draws a job id of this group from the leader's random source.
func (c *Coordinator) newJobID() string { return c.newID("j") }

// Commit records a node's commitment to its answer for a lease.
func (c *Coordinator) Commit(ctx context.Context, node string, cm api.Commitment) (api.CommitResponse, error) {
	return c.commit(ctx, node, cm, Signed{})
}

func (c *Coordinator) commit(ctx context.Context, node string, cm api.Commitment, sg Signed) (api.CommitResponse, error) {
	if err := cm.Validate(); err != nil {
		return api.CommitResponse{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	now := c.now()
	revealBy := now + c.cfg.RevealTTL.Milliseconds()
	if _, err := c.propose(ctx, MsgCommit, commitCmd{Signed: sg, Node: node, Commitment: cm, Now: now, RevealBy: revealBy}); err != nil {
		return api.CommitResponse{}, err
	}
	return api.CommitResponse{RevealDeadline: revealBy}, nil
}

// Reveal records a node's row hashes for a committed lease; the answer says
// whether the node is to upload its blob.
func (c *Coordinator) Reveal(ctx context.Context, node string, r api.Reveal) (api.RevealResponse, error) {
	return c.reveal(ctx, node, r, Signed{})
}

func (c *Coordinator) reveal(ctx context.Context, node string, r api.Reveal, sg Signed) (api.RevealResponse, error) {
	if err := r.Validate(); err != nil {
		return api.RevealResponse{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	v, err := c.propose(ctx, MsgReveal, revealCmd{Signed: sg, Node: node, Reveal: r, Now: c.now()})
	if err != nil {
		return api.RevealResponse{}, err
	}
	res := v.(state.RevealResult)
	return api.RevealResponse{UploadRequested: res.Upload}, nil
}

// Refuse records a URL a node refused to fetch for its lease; the job's
// status counts refusals by reason.
func (c *Coordinator) Refuse(ctx context.Context, node string, r api.Refusal) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	v, err := c.propose(ctx, MsgRefusal, refusalCmd{Node: node, Refusal: r})
	if err != nil {
		return err
	}
	if added, _ := v.(bool); added {
		c.log.Info("url refused", "node", node, "task", r.TaskID, "url", r.URL, "reason", r.Reason, "detail", r.Detail)
	}
	return nil
}

// BlobStored records that a verified task's blob was received and checked
// (every accepted row in it) and is stored.
func (c *Coordinator) BlobStored(ctx context.Context, b state.StoredBlob) error {
	_, err := c.propose(ctx, MsgBlobStored, blobStoredCmd{Blob: b, Now: c.now()})
	return err
}

// JobStatus returns a job's state and progress from this member's state.
func (c *Coordinator) JobStatus(id string) (st api.JobStatus, err error) {
	c.fsm.read(func(s *state.State) {
		if st, err = s.JobStatus(id); err == nil {
			c.addStranded(s, &st)
		}
	})
	return st, err
}

// Job returns a job from this member's state.
func (c *Coordinator) Job(id string) (j state.Job, err error) {
	c.fsm.read(func(s *state.State) { j, err = s.Job(id) })
	return j, err
}

// Task returns a task from this member's state.
func (c *Coordinator) Task(id string) (t state.Task, err error) {
	c.fsm.read(func(s *state.State) { t, err = s.Task(id) })
	return t, err
}

// Lease returns a lease from this member's state.
func (c *Coordinator) Lease(id string) (l state.Lease, err error) {
	c.fsm.read(func(s *state.State) { l, err = s.Lease(id) })
	return l, err
}

// Dataset returns a dataset from this member's state.
func (c *Coordinator) Dataset(id string) (d state.Dataset, err error) {
	c.fsm.read(func(s *state.State) { d, err = s.Dataset(id) })
	return d, err
}

// ExpireLeases expires the leases past their deadline now, as the leader's
// sweeper does every LeaseSweepInterval, and returns how many it expired.
func (c *Coordinator) ExpireLeases(ctx context.Context) (int, error) {
	v, err := c.propose(ctx, MsgLeaseExpire, leaseExpireCmd{Now: c.now()})
	if err != nil {
		return 0, err
	}
	return v.(int), nil
}

// sweepLeases is a leader duty: it proposes an expiry when an open lease's
// deadline has passed, an upload's hand-over when one was not made in time,
// and the end of tasks stranded for longer than their wait, each only then,
// so an idle cluster writes nothing.
func (c *Coordinator) sweepLeases(ctx context.Context) {
	every(ctx, c.cfg.LeaseSweepInterval, func(ctx context.Context) {
		var (
			next int64
			ok   bool
		)
		var (
			nextUp   int64
			upOK     bool
			ttl      = c.cfg.UploadTTL.Milliseconds()
			stranded bool
		)
		now := c.now()
		c.fsm.read(func(s *state.State) {
			next, ok = s.NextDeadline()
			nextUp, upOK = s.NextUploadDeadline(ttl)
			stranded = s.StrandedDue(now, c.strandedWait(), c.cfg.SharedNetworkOK)
		})
		if ok && next < now {
			if n, err := c.ExpireLeases(ctx); err != nil {
				c.log.Warn("expire leases", "err", err)
			} else if n > 0 {
				c.log.Info("leases expired", "count", n)
			}
		}
		if upOK && nextUp < now {
			v, err := c.propose(ctx, MsgUploadReassign, uploadReassignCmd{Now: now, TTL: ttl})
			if err != nil {
				c.log.Warn("reassign uploads", "err", err)
			} else if n, _ := v.(int); n > 0 {
				c.log.Info("uploads handed to another agreeing node", "count", n)
			}
		}
		if stranded {
			v, err := c.propose(ctx, MsgStrandedEnd, strandedEndCmd{Now: now, Wait: c.strandedWait(), SharedNetworkOK: c.cfg.SharedNetworkOK})
			if err != nil {
				c.log.Warn("end stranded tasks", "err", err)
			} else if n, _ := v.(int); n > 0 {
				c.log.Info("tasks no registered node could take ended inconclusive", "count", n, "wait", c.cfg.LeaseTTL)
			}
		}
	})
}

// GrantLeases grants leases through Raft, as the scheduler does after each
// round, and returns for each grant the lease or the error that refused it.
func (c *Coordinator) GrantLeases(ctx context.Context, grants []state.Grant) ([]state.Lease, []error, error) {
	v, err := c.propose(ctx, MsgLeaseGrant, leaseGrantCmd{Grants: grants, Now: c.now()})
	if err != nil {
		return nil, nil, err
	}
	res := v.([]any)
	leases, errs := make([]state.Lease, len(res)), make([]error, len(res))
	for i, r := range res {
		switch r := r.(type) {
		case state.Lease:
			leases[i] = r
		case error:
			errs[i] = r
		}
	}
	return leases, errs, nil
}

// Now returns the leader's clock in unix ms, as it stamps commands.
func (c *Coordinator) Now() int64 { return c.now() }

// SetJobState pauses (api.JobPaused), resumes (api.JobRunning) or cancels
// (api.JobCancelled) a job; only its buyer may.
func (c *Coordinator) SetJobState(ctx context.Context, buyer common.Address, id string, to api.JobState) (api.Job, error) {
	return c.setJobState(ctx, buyer, id, to, Signed{})
}

func (c *Coordinator) setJobState(ctx context.Context, signer common.Address, id string, to api.JobState, sg Signed) (api.Job, error) {
	buyer, err := c.jobActor(ctx, signer, id)
	if err != nil {
		return api.Job{}, err
	}
	v, err := c.propose(ctx, MsgJobState, jobStateCmd{Signed: sg, JobID: id, Buyer: buyer.Hex(), State: to, Now: c.now()})
	if err != nil {
		return api.Job{}, err
	}
	return v.(api.Job), nil
}
