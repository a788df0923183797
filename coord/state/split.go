package state

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/meadow-net/meadow/api"
)

// SplitJob turns a validated spec (defaults written in) into the tasks of job
// id. The leader calls it before it proposes the job, so that the log carries
// the tasks themselves and replicas never split on their own. A crawl job
// gives TaskSize URLs per task: the seeds (depth 0, their links wanted when
// MaxDepth > 0) and then the fixed URLs. A compute job gives one task per
// ShardRows rows of its input dataset, which must be complete.
func (s *State) SplitJob(id string, spec api.JobSpec) ([]api.Task, error) {
	switch spec.Kind {
	case api.JobCrawl:
		return splitCrawl(id, spec), nil
	case api.JobCompute:
		return s.splitCompute(id, spec)
	}
	return nil, invalidf("kind %q: expected crawl or compute", spec.Kind)
}

func taskID(job string, i int) string { return fmt.Sprintf("%s.t%06d", job, i) }

func splitCrawl(id string, spec api.JobSpec) []api.Task {
	c := spec.Crawl
	var tasks []api.Task
	seen := map[string]bool{}
	dedupe := func(in []string) []string {
		var out []string
		for _, u := range in {
			if !seen[u] {
				seen[u] = true
				out = append(out, u)
			}
		}
		return out
	}
	tasks = crawlTasks(id, 0, c, dedupe(c.Seeds), 0, c.MaxDepth > 0)
	return append(tasks, crawlTasks(id, len(tasks), c, dedupe(c.URLs), 0, false)...)
}

// crawlTasks splits urls into the crawl tasks of job id, numbered from
// first, at link depth depth: TaskSize URLs a task, grouped by host, hosts
// in order of first appearance, so that each task holds one domain's rate
// (sched.TaskView.Domain).
func crawlTasks(id string, first int, c *api.CrawlSpec, urls []string, depth int, follow bool) []api.Task {
	size := max(c.TaskSize, 1)
	var tasks []api.Task
	var hosts []string
	byHost := map[string][]string{}
	for _, u := range urls {
		h := hostOf(u)
		if _, ok := byHost[h]; !ok {
			hosts = append(hosts, h)
		}
		byHost[h] = append(byHost[h], u)
	}
	for _, h := range hosts {
		hu := byHost[h]
		for start := 0; start < len(hu); start += size {
			tasks = append(tasks, api.Task{
				ID:    taskID(id, first+len(tasks)),
				JobID: id,
				Kind:  api.JobCrawl,
				Crawl: &api.CrawlTask{
					URLs:           slices.Clone(hu[start:min(start+size, len(hu))]),
					Depth:          depth,
					FollowLinks:    follow,
					AllowedDomains: allowedIf(follow, c.AllowedDomains),
					Fields:         c.Fields,
					TextSelector:   c.TextSelector,
					Exclude:        c.Exclude,
					RenderJS:       c.RenderJS,
					Extract:        extractIf(c.Extract),
				},
			})
		}
	}
	return tasks
}

// extractIf is a task's extract object: the job's (defaults written in)
// when extraction is on, else none.
func extractIf(e *api.ExtractSpec) *api.ExtractSpec {
	if !e.On() {
		return nil
	}
	return e
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.ToLower(p.Hostname())
}

func allowedIf(follow bool, domains []string) []string {
	if !follow {
		return nil
	}
	return domains
}

func (s *State) splitCompute(id string, spec api.JobSpec) ([]api.Task, error) {
	c := spec.Compute
	in, ok := s.Datasets[c.Input]
	if !ok {
		// A job's dataset exists once every task is decided: name the
		// job that will make it, when there is one.
		if jid, isDS := strings.CutPrefix(c.Input, DatasetID("")); isDS {
			if j, ok := s.Jobs[jid]; ok {
				return nil, inField("compute.input", conflictf("dataset %q does not exist: its job %s is %s (a job's dataset is made once every task is decided); expected a complete dataset", c.Input, jid, j.State))
			}
		}
		return nil, inField("compute.input", fmt.Errorf("%w: dataset %q: expected the id of a complete dataset", ErrNotFound, c.Input))
	}
	if !in.Complete {
		return nil, inField("compute.input", conflictf("dataset %q is not complete yet: its blobs are still being uploaded", c.Input))
	}
	if in.Rows == 0 {
		return nil, inField("compute.input", invalidf("dataset %q has no rows", c.Input))
	}
	if c.Kernel == api.KernelDedup {
		if err := s.checkDedupInput(c.Input, in); err != nil {
			return nil, err
		}
	}
	shard := int64(max(c.ShardRows, 1))
	var (
		tasks []api.Task
		cur   api.Shard
		first int64
	)
	flush := func() {
		if cur.Rows() == 0 {
			return
		}
		tasks = append(tasks, api.Task{
			ID:    taskID(id, len(tasks)),
			JobID: id,
			Kind:  api.JobCompute,
			Compute: &api.ComputeTask{
				Input: c.Input, Column: c.Column, Kernel: c.Kernel,
				MinHash: c.MinHash, Embed: c.Embed, Tokens: c.Tokens, Wasm: c.Wasm,
				Quality: c.Quality, PII: c.PII, Language: c.Language,
				Where: c.Where, Carry: c.Carry,
				Shard: cur,
			},
		})
		cur = api.Shard{FirstRow: first}
	}
	for _, dt := range in.Tasks {
		for off := int64(0); off < dt.Rows; {
			n := min(dt.Rows-off, shard-cur.Rows())
			cur.Parts = append(cur.Parts, api.ShardPart{Task: dt.TaskID, Blob: *dt.Blob, Offset: off, Rows: n})
			off += n
			first += n
			if cur.Rows() == shard {
				flush()
			}
		}
	}
	flush()
	return tasks, nil
}
