package state

import (
	"cmp"
	"slices"

	"github.com/meadow-net/meadow/api"
)

// Uploads. A verified task's blob comes from one node whose rows hold every
// accepted row (an agreeing lease). The deciding node learns that it is the
// uploader in its reveal's answer; any other uploader learns it from its next
// work request (UploadsFor). A node that does not upload in time, because
// it went away or no longer holds its rows, hands the upload on to the next
// agreeing lease (ReassignUploads), round the agreeing leases, so one node's
// loss never leaves a dataset incomplete while another agreeing node keeps
// its rows.

// awaitUpload marks a verified task as waiting for its blob from t.Uploader
// since now.
func (s *State) awaitUpload(t *Task, now int64) {
	if t.Uploader() == "" || t.Blob != nil {
		return
	}
	t.decided().UploadSince = now
	s.idx.await(t.ID, s.uploaderNode(t))
}

// uploaderNode is the node of t's uploader lease, "" if there is none.
func (s *State) uploaderNode(t *Task) string {
	if l := s.Leases[t.Uploader()]; l != nil {
		return l.Node
	}
	return ""
}

// agreeingLeases returns the ids of the task's revealed leases whose rows hold
// every accepted row, in grant order.
func (s *State) agreeingLeases(t *Task) []string {
	var out []string
	for _, id := range t.Leases {
		l := s.Leases[id]
		if l != nil && l.State == LeaseRevealed && l.Agreed == int64(len(t.Accepted)) {
			out = append(out, id)
		}
	}
	return out
}

// UploadsFor returns the uploads node is asked for: verified tasks without a
// blob whose uploader is one of its leases, oldest first, at most max. It
// runs on every work request, so it sorts only what it returns.
func (s *State) UploadsFor(node string, max int) []api.UploadRequest {
	var out []api.UploadRequest
	for id := range s.idx.awaitingBy[node] {
		t := s.Tasks[id]
		if l := s.Leases[t.Uploader()]; l != nil && l.Node == node {
			out = append(out, api.UploadRequest{TaskID: t.ID, LeaseID: l.ID})
		}
	}
	slices.SortFunc(out, func(a, b api.UploadRequest) int {
		return cmp.Or(cmp.Compare(s.Tasks[a.TaskID].UploadSince(), s.Tasks[b.TaskID].UploadSince()), cmp.Compare(a.TaskID, b.TaskID))
	})
	if len(out) > max {
		out = out[:max]
	}
	return out
}

// NextUploadDeadline returns when the oldest upload wait passes ttl, and
// false when no task waits for its blob.
func (s *State) NextUploadDeadline(ttl int64) (int64, bool) {
	var min int64
	found := false
	for id := range s.idx.awaiting {
		if d := s.Tasks[id].UploadSince() + ttl; !found || d < min {
			min, found = d, true
		}
	}
	return min, found
}

// ReassignUploads hands every upload waited for longer than ttl (ms) at now
// to the task's next agreeing lease, and returns how many it handed on. A
// task with one agreeing lease keeps it, with a fresh wait: its node may come
// back.
func (s *State) ReassignUploads(now, ttl int64) int {
	if ttl <= 0 {
		return 0
	}
	moved := 0
	for _, id := range sortedKeys(s.idx.awaiting) {
		t := s.Tasks[id]
		if t.UploadSince()+ttl >= now {
			continue
		}
		ag := s.agreeingLeases(t)
		if len(ag) == 0 {
			continue
		}
		next := ag[(slices.Index(ag, t.Uploader())+1)%len(ag)]
		if next != t.Uploader() {
			moved++
		}
		old := s.uploaderNode(t)
		t.decided().Uploader, t.decided().UploadSince = next, now
		t.UploadReassigned++
		s.idx.unawait(t.ID, old)
		s.idx.await(t.ID, s.uploaderNode(t))
	}
	return moved
}
