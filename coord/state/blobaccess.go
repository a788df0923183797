package state

import "github.com/meadow-net/meadow/api"

// LeaseReadsInput reports whether node may read blob h as the input of
// compute task taskID at now: nil when node holds an open lease (active or
// committed, its deadline not passed) on the task, the task's shard reads
// h, and the task's job is not final. Input blobs are verified crawl data
// that buyers pay for, so holding such a lease is the only way a node
// reads one (peers use the cluster token).
//
// A paused job counts: its open leases run on (SetJobState), and their
// nodes need their input to finish. A revealed lease does not: its node
// has computed its answer already.
//
// The error is a *FieldError naming task_id or hash, wrapping ErrNotFound
// for a task that does not exist and ErrConflict for every other refusal.
func (s *State) LeaseReadsInput(node, taskID string, h api.Hash, now int64) error {
	t, ok := s.Tasks[taskID]
	if !ok {
		return inField("task_id", notFound("task", taskID))
	}
	if t.Spec.Compute == nil {
		return inField("task_id", conflictf("task %s is a %s task: expected a compute task, whose input blobs a lease lets its node read", taskID, t.Spec.Kind()))
	}
	// A wasm task's module is read like its input.
	reads := t.Spec.Compute.Wasm != nil && t.Spec.Compute.Wasm.Module == h
	for _, p := range t.Spec.Compute.Shard.Parts {
		reads = reads || p.Blob == h
	}
	if !reads {
		return inField("hash", conflictf("blob %s: expected a blob of task %s's input shard (or its wasm module)", h, taskID))
	}
	if j := s.Jobs[t.JobID()]; j == nil || j.State.Final() {
		js := api.JobState("unknown")
		if j != nil {
			js = j.State
		}
		return inField("task_id", conflictf("task %s: its job %s is %s; expected a running job", taskID, t.JobID(), js))
	}
	for _, id := range t.Leases {
		l := s.Leases[id]
		if l.Node != node {
			continue
		}
		if (l.State == LeaseActive || l.State == LeaseCommitted) && now <= l.Deadline {
			return nil
		}
		return inField("task_id", conflictf("lease %s of task %s is %s (deadline %d, now %d): expected an open lease, before its deadline",
			l.ID, taskID, l.State, l.Deadline, now))
	}
	return inField("task_id", conflictf("node %s holds no lease on task %s: expected the signer of a lease on a task that reads the blob", node, taskID))
}
