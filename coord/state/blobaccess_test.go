package state

import (
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
)

// TestLeaseReadsInput checks which node may read which input blob: the
// holder of an open lease on a compute task whose shard reads the blob,
// until the lease's deadline, its reveal, or the end of its job.
func TestLeaseReadsInput(t *testing.T) {
	s := newTestState(t, 3)
	s.Datasets["in"] = &Dataset{ID: "in", Complete: true, Rows: 25, Tasks: []DatasetTask{
		{TaskID: "a", Rows: 10, Blob: &api.Hash{1}},
		{TaskID: "b", Rows: 15, Blob: &api.Hash{2}},
	}}
	spec := api.JobSpec{Kind: api.JobCompute, Compute: &api.ComputeSpec{Input: "in", Kernel: api.KernelTokens, ShardRows: 12}}.WithDefaults()
	tasks, err := s.SplitJob("c", spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitJob(NewJob{ID: "c", Spec: spec, Tasks: tasks}, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitJob(crawlJob("k", 1, 2, 3), 10); err != nil {
		t.Fatal(err)
	}
	// Task c.t000000 reads blobs 1 and 2, c.t000001 blob 2 alone.
	l0 := mustGrant(t, s, "c.t000000", addr(0), 20) // deadline 1020
	mustGrant(t, s, "c.t000001", addr(1), 20)
	mustGrant(t, s, "k.t0", addr(2), 20)

	tests := []struct {
		name  string
		node  string
		task  string
		blob  api.Hash
		now   int64
		err   error // nil: allowed
		field string
	}{
		{name: "first part", node: addr(0), task: "c.t000000", blob: api.Hash{1}, now: 30},
		{name: "second part", node: addr(0), task: "c.t000000", blob: api.Hash{2}, now: 30},
		{name: "at the deadline", node: addr(0), task: "c.t000000", blob: api.Hash{1}, now: 1020},
		{name: "past the deadline", node: addr(0), task: "c.t000000", blob: api.Hash{1}, now: 1021, err: ErrConflict, field: "task_id"},
		{name: "blob of another task", node: addr(1), task: "c.t000001", blob: api.Hash{1}, now: 30, err: ErrConflict, field: "hash"},
		{name: "another node's task", node: addr(1), task: "c.t000000", blob: api.Hash{1}, now: 30, err: ErrConflict, field: "task_id"},
		{name: "unregistered node", node: addr(9), task: "c.t000000", blob: api.Hash{1}, now: 30, err: ErrConflict, field: "task_id"},
		{name: "unknown task", node: addr(0), task: "c.t999999", blob: api.Hash{1}, now: 30, err: ErrNotFound, field: "task_id"},
		{name: "crawl task", node: addr(2), task: "k.t0", blob: api.Hash{1}, now: 30, err: ErrConflict, field: "task_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkReads(t, s.LeaseReadsInput(tt.node, tt.task, tt.blob, tt.now), tt.err, tt.field)
		})
	}

	// A revealed lease no longer reads: its node has its answer. A paused
	// job's open leases run on, committed ones too (a node may fetch
	// again); a final job's do not.
	answer(t, s, l0, rows(0, 12), 40)
	checkReads(t, s.LeaseReadsInput(addr(0), "c.t000000", api.Hash{1}, 50), ErrConflict, "task_id")
	if _, err := s.SetJobState("c", common.Address{}.Hex(), api.JobPaused, 50); err != nil {
		t.Fatal(err)
	}
	checkReads(t, s.LeaseReadsInput(addr(1), "c.t000001", api.Hash{2}, 60), nil, "")
	if _, err := s.Commit(addr(1), api.Commitment{TaskID: "c.t000001", LeaseID: "c.t000001.r0", Root: contentRoot(rows(0, 12)), Rows: 12}, 60, 2000); err != nil {
		t.Fatal(err)
	}
	checkReads(t, s.LeaseReadsInput(addr(1), "c.t000001", api.Hash{2}, 1500), nil, "")
	if _, err := s.SetJobState("c", common.Address{}.Hex(), api.JobCancelled, 70); err != nil {
		t.Fatal(err)
	}
	checkReads(t, s.LeaseReadsInput(addr(1), "c.t000001", api.Hash{2}, 80), ErrConflict, "task_id")
}

func checkReads(t *testing.T, err, want error, field string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		return
	}
	var fe *FieldError
	if !errors.Is(err, want) || !errors.As(err, &fe) || fe.Field != field {
		t.Fatalf("error %v, want %v naming %s", err, want, field)
	}
}
