package state

import (
	"slices"

	"github.com/meadow-net/meadow/api"
)

// followLinks queues the links of a verified crawl task that follows them:
// a link counts when every replica that agreed on the task and reported
// links reported it (a replica that reports none, such as the browser
// extension, which does not look for links, is not counted; one reporter
// suffices then, as it does for a task adaptive replication left
// unreplicated), its host is within the task's AllowedDomains, the
// job has not queued it before and the job's MaxPages leaves room. The new
// URLs become tasks one level deeper, which follow links in turn while they
// are above MaxDepth. It runs in the FSM, in address and URL order, so every
// replica queues the same tasks under the same ids.
func (s *State) followLinks(j *Job, t *Task, agreeing []*Lease) {
	ct := t.Spec.rules()
	c := j.Spec.Crawl
	if ct == nil || !ct.FollowLinks || c == nil || j.Queued == nil || len(agreeing) == 0 || j.State.Final() {
		return
	}
	count := map[string]int{}
	reporters := 0
	for _, l := range agreeing {
		if len(l.Links) > 0 {
			reporters++
		}
		for _, u := range l.Links {
			count[u]++
		}
	}
	var fresh []string
	for _, u := range sortedKeys(count) {
		if len(j.Queued) >= c.MaxPages {
			break
		}
		if count[u] < reporters || j.Queued[u] || api.CheckURL(u) != "" || !api.InDomains(hostOf(u), ct.AllowedDomains) {
			continue
		}
		j.Queued[u] = true
		fresh = append(fresh, u)
	}
	if len(fresh) == 0 {
		return
	}
	depth := ct.Depth + 1
	tasks := crawlTasks(j.ID, len(j.Tasks), c, fresh, depth, depth < c.MaxDepth)
	s.addTasks(j, slices.Clip(tasks), newPacker(j))
}
