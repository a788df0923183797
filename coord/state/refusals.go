package state

import (
	"slices"

	"github.com/meadow-net/meadow/api"
)

// maxRefusalsPerURL bounds a lease's refusals per URL of its task: a page
// may be refused itself or through its redirects.
const maxRefusalsPerURL = 4

// RecordRefusal records a URL a node refused to fetch for its lease (unsafe
// address, robots.txt, size, time, …), once per lease and URL, and counts it
// in the job's refusals by reason. It reports whether the refusal was new.
// A refusal is a report, not a verdict: the task's rows are still decided by
// the replicas' reveals.
func (s *State) RecordRefusal(node string, r api.Refusal) (bool, error) {
	l, t, err := s.ownLease(node, r.TaskID, r.LeaseID)
	if err != nil {
		return false, err
	}
	if t.Spec.rules() == nil {
		return false, invalidf("task_id %q: a %s task fetches no URLs to refuse", t.ID, t.Spec.Kind())
	}
	if slices.Contains(l.Refused, r.URL) {
		return false, nil
	}
	if max := maxRefusalsPerURL * max(1, len(t.Spec.URLs())); len(l.Refused) >= max {
		return false, conflictf("lease %s has reported %d refusals, the most its task's URLs allow", l.ID, max)
	}
	l.Refused = append(l.Refused, r.URL)
	j := s.Jobs[t.JobID()]
	if j.Refusals == nil {
		j.Refusals = map[api.RefusalReason]int64{}
	}
	j.Refusals[r.Reason]++
	return true, nil
}
