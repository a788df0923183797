package state

import (
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord/verify"
	"github.com/meadow-net/meadow/rewards"
)

// Job is a submitted job with its bookkeeping.
type Job struct {
	api.Job
	// ThresholdPPM is the share of rows that must agree, in parts per
	// million (from Spec.Threshold, so that replicas compare integers).
	ThresholdPPM uint32 `json:"threshold_ppm"`
	// Tasks are the job's task ids in order; the dataset keeps this order.
	Tasks []string `json:"tasks"`
	// Verified and Inconclusive count decided tasks.
	Verified     int `json:"verified"`
	Inconclusive int `json:"inconclusive"`
	// Stranded counts the inconclusive tasks that EndStranded decided: no
	// registered node could take the replica they wanted.
	Stranded int `json:"stranded,omitempty"`
	// RowsAccepted and RowsRejected count rows by verdict over decided tasks.
	RowsAccepted int64 `json:"rows_accepted"`
	RowsRejected int64 `json:"rows_rejected"`
	// Dataset is the id of the job's dataset, once every task is decided.
	Dataset string `json:"dataset,omitempty"`
	// PricePerRow is what an accepted row costs the buyer, in stable base
	// units, fixed when the job is submitted; 0 on a network without a
	// chain, where nothing is paid. Paid sums the payments seen for it.
	PricePerRow uint64   `json:"price_per_row,omitempty"`
	Paid        *big.Int `json:"paid,omitempty"`
	// UnitsPerRow is what each agreeing node earns for an accepted row of
	// the job (verify.RowRate), fixed when the job is submitted so that a
	// later change of the rates leaves the jobs before it as they were
	// credited: replaying an old log must give the balances already
	// settled on chain. 0 for a job from before rates were fixed, credited
	// by the rule of that time (verify.WorkUnits).
	UnitsPerRow uint64 `json:"units_per_row,omitempty"`
	// Fuel sums the fuel of a wasm job's stored task blobs (creditFuel);
	// api.WasmFuelPerRowPrice of it costs as much as a row.
	Fuel uint64 `json:"fuel,omitempty"`
	// Queued are the URLs of a job that follows links, each once: its
	// seeds and URLs and every link followed, so that no page is fetched
	// twice and MaxPages bounds them.
	Queued map[string]bool `json:"queued,omitempty"`
	// Refusals counts the URLs nodes refused to fetch, by reason (once
	// per lease and URL).
	Refusals map[api.RefusalReason]int64 `json:"refusals,omitempty"`
	// Grants are the addresses (lowercase 0x-hex) the buyer let read the
	// job and its dataset (MayRead).
	Grants map[string]bool `json:"grants,omitempty"`
	// SubmitNonce is the nonce of the job.submit envelope that created the
	// job (0 for jobs submitted without one), so that the same envelope sent
	// again is answered with this job (JobBySubmit) instead of "replayed".
	SubmitNonce uint64 `json:"submit_nonce,omitempty"`

	// shapes are what the job's tasks have in common (taskjson.go).
	shapes []*taskShape
}

// SubmitJobSigned is SubmitJob for a job.submit envelope from signer with
// nonce: the nonce is spent with the job, and the same envelope sent again
// (a client retrying after a lost answer) is answered with the job it
// created, not refused as a replay.
func (s *State) SubmitJobSigned(signer string, nonce uint64, nj NewJob, now int64) (*Job, error) {
	var j *Job
	err := s.UseNonce(signer, nonce, func() (err error) {
		if j, err = s.SubmitJob(nj, now); err == nil {
			j.SubmitNonce = nonce
		}
		return err
	})
	if errors.Is(err, api.ErrReplayed) {
		if prev := s.JobBySubmit(nj.Buyer, nonce); prev != nil {
			return prev, nil
		}
	}
	return j, err
}

// JobBySubmit returns the job that buyer's job.submit envelope with nonce
// created, if any. A client that resends the same envelope after losing an
// answer (a stalled leader, a dropped connection) learns the job it created
// instead of an error: a job submit is then idempotent, like the other
// retried writes. It looks through every job: replays are rare.
func (s *State) JobBySubmit(buyer common.Address, nonce uint64) *Job {
	if nonce == 0 {
		return nil
	}
	for _, j := range s.Jobs {
		if j.SubmitNonce == nonce && j.Buyer == buyer {
			return j
		}
	}
	return nil
}

// Decided reports whether every task of the job is verified or inconclusive.
func (j *Job) Decided() bool { return j.Verified+j.Inconclusive == len(j.Tasks) }

// NewJob is a job as the leader proposes it: validated, defaults written in,
// split into tasks.
type NewJob struct {
	ID    string         `json:"id"`
	Buyer common.Address `json:"buyer"`
	Spec  api.JobSpec    `json:"spec"`
	Tasks []api.Task     `json:"tasks"`
	// PricePerRow is the network's price when the job came in (Job's).
	PricePerRow uint64 `json:"price_per_row,omitempty"`
	// UnitsPerRow is the job's work-unit rate (Job's), RateOf the spec
	// when the leader proposed it.
	UnitsPerRow uint64 `json:"units_per_row,omitempty"`
}

// RateOf returns the work units an accepted row of a job with this spec
// earns under the current rates (verify.RowRate): the leader puts it in
// NewJob, so that the FSM credits what the rates were at submission.
func RateOf(spec api.JobSpec) (uint64, error) {
	var renderJS, mainText bool
	var kernel string
	if c := spec.Crawl; c != nil {
		renderJS, mainText = c.RenderJS, c.Extract.On()
	}
	if c := spec.Compute; c != nil {
		kernel = c.Kernel
	}
	rate, err := verify.RowRate(spec.Kind, renderJS, mainText, kernel)
	if err != nil {
		return 0, invalidf("job: %v", err)
	}
	return rate, nil
}

// SubmitJob adds a job and its tasks, all pending. now is the leader's time.
func (s *State) SubmitJob(nj NewJob, now int64) (*Job, error) {
	if !idRE.MatchString(nj.ID) {
		return nil, invalidf("job.id %q: expected %s", nj.ID, api.IDExpected)
	}
	if _, dup := s.Jobs[nj.ID]; dup {
		return nil, conflictf("job %q exists", nj.ID)
	}
	if len(nj.Tasks) == 0 {
		return nil, invalidf("job %q: expected at least one task", nj.ID)
	}
	if nj.UnitsPerRow > rewards.MaxRate {
		return nil, invalidf("job %q: units_per_row %d: expected at most %d", nj.ID, nj.UnitsPerRow, rewards.MaxRate)
	}
	if nj.Spec.Compute != nil {
		if err := s.CheckModule(strings.ToLower(nj.Buyer.Hex()), nj.Spec.Compute.Wasm); err != nil {
			return nil, err
		}
	}
	for i, t := range nj.Tasks {
		if t.JobID != nj.ID {
			return nil, invalidf("job %q: tasks[%d].job_id %q: expected the job's id", nj.ID, i, t.JobID)
		}
		if _, dup := s.Tasks[t.ID]; dup {
			return nil, conflictf("task %q exists", t.ID)
		}
	}
	j := &Job{
		Job: api.Job{
			ID:        nj.ID,
			Spec:      nj.Spec,
			State:     api.JobRunning,
			CreatedAt: now,
			Buyer:     nj.Buyer,
		},
		ThresholdPPM: nj.Spec.ThresholdPPM(),
		PricePerRow:  nj.PricePerRow,
		UnitsPerRow:  nj.UnitsPerRow,
	}
	s.Jobs[j.ID] = j
	s.idx.jobKeys[contracts.JobKey(j.ID)] = j.ID
	s.attributePayments(j, contracts.JobKey(j.ID))
	s.addTasks(j, nj.Tasks, newPacker(j).withJobLists())
	if c := nj.Spec.Crawl; c != nil && len(c.Seeds) > 0 && c.MaxDepth > 0 {
		j.Queued = map[string]bool{}
		for _, tid := range j.Tasks {
			for _, u := range s.Tasks[tid].Spec.URLs() {
				j.Queued[u] = true
			}
		}
	}
	return j, nil
}

// addTasks adds tasks to a job, pending, packed by p.
func (s *State) addTasks(j *Job, tasks []api.Task, p *packer) {
	for _, spec := range tasks {
		s.Seq++
		t := &Task{
			ID:      spec.ID,
			Seq:     s.Seq,
			domains: p.sharedDomains(domainsOf(spec)),
			State:   api.TaskPending,
			Target:  int32(j.Spec.Replication),
		}
		p.pack(t, spec, needsOf(spec, j.Spec))
		s.Tasks[t.ID] = t
		j.Tasks = append(j.Tasks, t.ID)
		s.idx.addPending(t)
		s.idx.touch(t.ID)
	}
}

func needsOf(t api.Task, spec api.JobSpec) Needs {
	var n Needs
	if t.Crawl != nil && t.Crawl.RenderJS {
		n.RenderJS = true
	}
	if t.Crawl != nil && t.Crawl.Extract.On() {
		n.MainText = true
	}
	if t.Compute != nil {
		n.Kernel = t.Compute.Kernel
		n.GPU = spec.Compute != nil && spec.Compute.GPU
	}
	return n
}

// domainsOf returns the hosts a crawl task fetches from, sorted, without
// repeats (one, as the splitter groups URLs by host).
func domainsOf(t api.Task) []string {
	if t.Crawl == nil {
		return nil
	}
	var out []string
	for _, u := range t.Crawl.URLs {
		if h := hostOf(u); h != "" {
			out = append(out, h)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Job returns a copy of a job's record (its slices shared; do not change them).
func (s *State) Job(id string) (Job, error) {
	j, ok := s.Jobs[id]
	if !ok {
		return Job{}, notFound("job", id)
	}
	return *j, nil
}

// TasksAlone counts the job's tasks that one node ran alone (Unreplicated:
// adaptive replication's, or a replication of 1), whose rows were not
// cross-checked.
func (s *State) TasksAlone(id string) (n int64, err error) {
	j, ok := s.Jobs[id]
	if !ok {
		return 0, notFound("job", id)
	}
	for _, tid := range j.Tasks {
		if t := s.Tasks[tid]; t != nil && t.Unreplicated {
			n++
		}
	}
	return n, nil
}

// JobStatus returns what a buyer polls: state, progress and dataset.
func (s *State) JobStatus(id string) (api.JobStatus, error) {
	j, ok := s.Jobs[id]
	if !ok {
		return api.JobStatus{}, notFound("job", id)
	}
	var p api.Progress
	for _, tid := range j.Tasks {
		switch s.Tasks[tid].State {
		case api.TaskPending:
			p.Tasks.Pending++
		case api.TaskLeased:
			p.Tasks.Leased++
		case api.TaskCommitted:
			p.Tasks.Committed++
		case api.TaskVerified:
			p.Tasks.Verified++
		case api.TaskInconclusive:
			p.Tasks.Inconclusive++
		}
	}
	p.RowsAccepted, p.RowsRejected = j.RowsAccepted, j.RowsRejected
	p.StrandedInconclusive = int64(j.Stranded)
	if len(j.Refusals) > 0 {
		p.Refusals = maps.Clone(j.Refusals)
	}
	if n := len(j.Tasks); n > 0 {
		p.Percent = float64(j.Verified+j.Inconclusive) * 100 / float64(n)
	}
	st := api.JobStatus{ID: j.ID, State: j.State, Progress: p, Dataset: j.Dataset, Error: j.Error, Fuel: j.Fuel, UnitsPerRow: j.UnitsPerRow}
	for _, a := range j.Grantees() {
		st.Grants = append(st.Grants, common.HexToAddress(a))
	}
	if j.PricePerRow > 0 {
		st.PricePerRow = j.PricePerRow
		st.Paid = j.PaidAmount().String()
		if j.State == api.JobDone {
			st.Price = j.Price().String()
		}
	}
	return st, nil
}

func (j *Job) String() string { return fmt.Sprintf("job %s", j.ID) }

// SetJobState pauses, resumes or cancels a job on its buyer's request. A
// paused job gets no new leases (open ones run on); a cancelled one is final,
// and its open leases are closed without blame.
func (s *State) SetJobState(id, buyer string, to api.JobState, now int64) (*Job, error) {
	j, ok := s.Jobs[id]
	if !ok {
		return nil, notFound("job", id)
	}
	if !strings.EqualFold(j.Buyer.Hex(), buyer) {
		return nil, conflictf("job %s belongs to another buyer", id)
	}
	switch {
	case j.State.Final():
		return nil, conflictf("job %s is %s", id, j.State)
	case to == api.JobPaused && j.State == api.JobRunning, to == api.JobRunning && j.State == api.JobPaused:
	case to == api.JobCancelled:
	default:
		return nil, conflictf("job %s is %s: cannot become %s", id, j.State, to)
	}
	j.State = to
	for _, tid := range j.Tasks {
		t := s.Tasks[tid]
		if to == api.JobCancelled && !t.Final() {
			s.idx.removePending(t)
			for _, lid := range t.Leases {
				if l := s.Leases[lid]; l.State == LeaseActive || l.State == LeaseCommitted {
					l.State = LeaseExpired
					s.idx.closeLease(l)
				}
			}
		}
		s.idx.touch(tid)
	}
	return j, nil
}
