package state

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
)

// Dataset is a job's verified output: its verified tasks in the job's order,
// each with its content root, rows and blob, and the root over every
// accepted row hash.
type Dataset struct {
	ID        string        `json:"id"`
	JobID     string        `json:"job_id"`
	Kind      api.JobKind   `json:"kind"`
	Tasks     []DatasetTask `json:"tasks"`
	Rows      int64         `json:"rows"`
	Root      api.Hash      `json:"root"`
	CreatedAt int64         `json:"created_at"`
	// Complete is set once every task's blob is stored: the dataset can be
	// downloaded and the job is done.
	Complete bool `json:"complete"`
	// ChainTx is the transaction that posted the root to the chain's
	// registry, once it is there: after the job is paid.
	ChainTx common.Hash `json:"chain_tx,omitempty"`
	// Signatures are the coordinators' signatures of the dataset's
	// manifest (dataset.Manifest.Digest), each by an operator key.
	Signatures []ManifestSignature `json:"signatures,omitempty"`
}

// ManifestSignature is one coordinator's signature of a manifest: 65 bytes,
// r ‖ s ‖ v with v 0 or 1 (go-ethereum's crypto.Sign).
type ManifestSignature struct {
	Signer    common.Address `json:"signer"`
	Signature []byte         `json:"signature"`
}

// DatasetTask is one verified task of a dataset.
type DatasetTask struct {
	TaskID string    `json:"task_id"`
	Root   api.Hash  `json:"root"`
	Rows   int64     `json:"rows"`
	Blob   *api.Hash `json:"blob,omitempty"` // the blob's SHA-256, once stored
}

// DatasetID is the id of a job's dataset.
func DatasetID(jobID string) string { return "ds-" + jobID }

// assemble makes a decided job's dataset.
func (s *State) assemble(j *Job, now int64) {
	d := &Dataset{ID: DatasetID(j.ID), JobID: j.ID, Kind: j.Spec.Kind, CreatedAt: now}
	var all []api.Hash
	for _, id := range j.Tasks {
		t := s.Tasks[id]
		if t.State != api.TaskVerified {
			continue
		}
		dt := DatasetTask{TaskID: t.ID, Root: t.Root(), Rows: int64(len(t.Accepted))}
		if t.Blob != nil {
			h := t.Blob.SHA256
			dt.Blob = &h
		}
		d.Tasks = append(d.Tasks, dt)
		d.Rows += dt.Rows
		all = append(all, t.Accepted...)
	}
	d.Root = contentRoot(all)
	s.Datasets[d.ID] = d
	j.Dataset = d.ID
	s.complete(d, j)
}

// complete marks the dataset complete and the job done once every blob is in.
func (s *State) complete(d *Dataset, j *Job) {
	for _, dt := range d.Tasks {
		if dt.Blob == nil {
			return
		}
	}
	d.Complete = true
	if j.State == api.JobRunning {
		j.State = api.JobDone
	}
}

// StoredBlob is what the leader reports once it has received and checked a
// task's blob: every accepted row present, nothing else counted.
type StoredBlob struct {
	TaskID  string   `json:"task_id"`
	LeaseID string   `json:"lease_id"`
	SHA256  api.Hash `json:"sha256"`
	Size    int64    `json:"size"`
	Rows    int64    `json:"rows"`
	// Fuel is, for a wasm task, the sum of the blob's wasm_fuel column:
	// the fuel of the accepted rows, whose values replicas agreed on.
	Fuel uint64 `json:"fuel,omitempty"`
}

// BlobStored records a verified task's blob. Recording the same blob twice is
// not an error (an upload may be retried); a different one is.
func (s *State) BlobStored(b StoredBlob) error {
	t, ok := s.Tasks[b.TaskID]
	if !ok {
		return notFound("task", b.TaskID)
	}
	if t.State != api.TaskVerified {
		return conflictf("task %s is %s, not verified", t.ID, t.State)
	}
	l, ok := s.Leases[b.LeaseID]
	if !ok || l.TaskID != t.ID || l.State != LeaseRevealed {
		return conflictf("lease %q did not reveal task %s", b.LeaseID, t.ID)
	}
	if b.Rows != int64(len(t.Accepted)) {
		return invalidf("blob.rows %d: expected the %d accepted rows", b.Rows, len(t.Accepted))
	}
	if t.Blob != nil {
		if t.Blob.SHA256 == b.SHA256 {
			return nil
		}
		return conflictf("task %s already has blob %s", t.ID, t.Blob.SHA256)
	}
	t.Blob = &Blob{SHA256: b.SHA256, Size: b.Size, Rows: b.Rows, Lease: b.LeaseID}
	s.idx.unawait(t.ID, s.uploaderNode(t))
	j := s.Jobs[t.JobID()]
	s.creditFuel(j, t, b.Fuel)
	if d := s.Datasets[DatasetID(j.ID)]; d != nil {
		for i := range d.Tasks {
			if d.Tasks[i].TaskID == t.ID {
				h := b.SHA256
				d.Tasks[i].Blob = &h
			}
		}
		s.complete(d, j)
	}
	return nil
}

// Dataset returns a copy of a dataset's record.
func (s *State) Dataset(id string) (Dataset, error) {
	d, ok := s.Datasets[id]
	if !ok {
		return Dataset{}, notFound("dataset", id)
	}
	return *d, nil
}

func (d *Dataset) String() string { return fmt.Sprintf("dataset %s", d.ID) }

// DatasetPosted records the members' signatures of a dataset's manifest
// and, when tx is not zero, that its root is in the chain's registry (the
// leader signs a dataset's manifest when it completes and posts its root
// once its job is paid).
func (s *State) DatasetPosted(id string, root api.Hash, tx common.Hash, sigs []ManifestSignature) error {
	d, ok := s.Datasets[id]
	if !ok {
		return notFound("dataset", id)
	}
	if d.Root != root {
		return conflictf("dataset %s: root %s posted, expected %s", id, root, d.Root)
	}
	d.ChainTx = tx
	d.Signatures = sigs
	return nil
}
