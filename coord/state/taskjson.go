package state

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"

	"github.com/meadow-net/meadow/api"
)

// taskJSON is a task as snapshots hold it: the record's layout before tasks
// were kept compactly (tasks.go). Fields are only ever added, here and in
// Task together.
type taskJSON struct {
	ID      string        `json:"id"`
	JobID   string        `json:"job_id"`
	Seq     uint64        `json:"seq"`
	Spec    api.Task      `json:"spec"`
	Needs   Needs         `json:"needs"`
	Domains []string      `json:"domains,omitempty"`
	State   api.TaskState `json:"state"`

	Target           int        `json:"target"`
	Unreplicated     bool       `json:"unreplicated,omitempty"`
	SpotCheck        bool       `json:"spot_check,omitempty"`
	Leases           []string   `json:"leases"`
	Expired          int        `json:"expired"`
	Accepted         []api.Hash `json:"accepted,omitempty"`
	Root             api.Hash   `json:"root"`
	Uploader         string     `json:"uploader,omitempty"`
	Blob             *Blob      `json:"blob,omitempty"`
	Fuel             uint64     `json:"fuel,omitempty"`
	DecidedAt        int64      `json:"decided_at,omitempty"`
	UploadSince      int64      `json:"upload_since,omitempty"`
	UploadReassigned int        `json:"upload_reassigned,omitempty"`
}

// MarshalJSON writes the task as it always was written (taskJSON).
func (t Task) MarshalJSON() ([]byte, error) {
	var (
		w     taskJSON
		crawl api.CrawlTask
	)
	t.wire(&w, &crawl)
	return json.Marshal(&w)
}

// wire fills w with the task, and crawl with its crawl spec if it has one:
// the caller gives both, so that encoding a state reuses them instead of
// allocating two per task.
func (t *Task) wire(w *taskJSON, crawl *api.CrawlTask) {
	d := t.decision()
	*w = taskJSON{
		ID: t.ID, JobID: t.JobID(), Seq: t.Seq,
		Spec:  api.Task{ID: t.ID, JobID: t.JobID(), Kind: t.Spec.Kind(), Compute: t.Spec.Compute},
		Needs: t.Needs(), Domains: t.Domains(), State: t.State,
		Target: int(t.Target), Unreplicated: t.Unreplicated, SpotCheck: t.SpotCheck,
		Leases: t.Leases, Expired: int(t.Expired), Accepted: t.Accepted,
		Root: d.Root, Uploader: d.Uploader, Blob: t.Blob, Fuel: d.Fuel,
		DecidedAt: d.DecidedAt, UploadSince: d.UploadSince, UploadReassigned: int(t.UploadReassigned),
	}
	if rules := t.Spec.rules(); rules != nil {
		*crawl = *rules
		crawl.URLs = t.Spec.URLs()
		w.Spec.Crawl = crawl
	}
}

// UnmarshalJSON reads a task written by MarshalJSON (or by the code before
// it: the bytes are the same). The task gets a shape of its own; Decode's
// rebuild then shares shapes, URLs and domains among a job's tasks.
//
// A task's spec carries the task's id and its job's: SubmitJob refuses a
// task whose spec names another job, and a task's id is its spec's, so the
// copies are not kept.
func (t *Task) UnmarshalJSON(b []byte) error {
	var w taskJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*t = Task{
		ID: w.ID, Seq: w.Seq,
		State:  knownTaskState(w.State),
		Target: int32(w.Target), Expired: int32(w.Expired),
		Unreplicated: w.Unreplicated, SpotCheck: w.SpotCheck,
		UploadReassigned: int32(w.UploadReassigned),
		Leases:           w.Leases, Accepted: w.Accepted, Blob: w.Blob,
	}
	if d := (decision{Root: w.Root, Uploader: w.Uploader, UploadSince: w.UploadSince, Fuel: w.Fuel, DecidedAt: w.DecidedAt}); d != none {
		t.dec = &d
	}
	if d := w.Domains; d != nil {
		t.domains = &d // not &w.Domains, which would keep all of w
	}
	var p packer
	w.Spec.JobID = w.JobID
	p.pack(t, w.Spec, w.Needs)
	return nil
}

// knownTaskState returns the constant for a decoded state, so that a
// restored task does not hold a string of its own for it.
func knownTaskState(s api.TaskState) api.TaskState {
	for _, k := range []api.TaskState{api.TaskPending, api.TaskLeased, api.TaskCommitted, api.TaskVerified, api.TaskInconclusive} {
		if s == k {
			return k
		}
	}
	return s
}

// maxShapesScanned bounds the shapes of a job that a new task is compared
// with: a job has a handful (one per link depth and rule set), and a task
// that matches none of the latest gets a shape of its own, which is correct,
// only less compact.
const maxShapesScanned = 8

// packer keeps tasks' specs compactly (Task): it gives each task of job
// the job's shape equal to its own, appends its URLs to the shape's list,
// and shares strings and domain lists among the tasks it packs. Without a
// job, a task gets a shape of its own. A packer is used for one batch of
// tasks (a job's submission, the links of one task, a restore), and its
// maps are dropped with it.
type packer struct {
	job *Job
	// lists are the job's seeds and URL list (at seedList and urlList),
	// and at where each of their URLs is, when the packer was asked to
	// find tasks' URLs in them (withJobLists).
	lists   [3][]string
	at      map[string]uint32
	domains map[string]*[]string
}

func newPacker(j *Job) *packer {
	return &packer{job: j, domains: map[string]*[]string{}}
}

// withJobLists makes the packer keep the URLs of the tasks it packs as runs
// of their job's seeds or URL list where they are, and share the list's
// strings where they are not: a job's list and its tasks' URLs, decoded
// from one log entry, would otherwise hold every URL twice.
func (p *packer) withJobLists() *packer {
	c := p.job.Spec.Crawl
	if c == nil {
		return p
	}
	p.lists[seedList], p.lists[urlList] = c.Seeds, c.URLs
	p.at = make(map[string]uint32, len(c.Seeds)+len(c.URLs))
	for _, list := range []int{urlList, seedList} { // a seed listed as a URL too is a seed
		for i, u := range p.lists[list] {
			p.at[u] = urlAt(list, i)
		}
	}
	return p
}

// str returns the string equal to s in the job's lists, or s.
func (p *packer) str(s string) string {
	if at, ok := p.at[s]; ok {
		return p.lists[at>>listShift][at&(1<<listShift-1)]
	}
	return s
}

// pack sets t's Spec from spec and needs.
func (p *packer) pack(t *Task, spec api.Task, needs Needs) {
	want := &taskShape{job: spec.JobID, kind: spec.Kind, needs: needs}
	var urls []string
	if c := spec.Crawl; c != nil {
		rules := *c
		urls, rules.URLs = c.URLs, nil
		if urls != nil && len(urls) == 0 {
			rules.URLs = []string{} // encodes as [], not null
		}
		want.crawl = &rules
	}
	sh := want
	if p.job != nil {
		want.job = p.job.ID // the job's string, not a copy
		sh = p.job.shapeFor(want)
	}
	t.Spec = TaskSpec{Compute: spec.Compute, sh: sh, at: p.addURLs(sh, urls), n: uint32(len(urls))}
}

// addURLs finds a task's URLs in its job's lists, or appends them to its
// shape's own, and returns where they start (TaskSpec.at).
func (p *packer) addURLs(sh *taskShape, urls []string) uint32 {
	if len(urls) == 0 {
		return 0
	}
	if at, ok := p.at[urls[0]]; ok {
		list, i := int(at>>listShift), int(at&(1<<listShift-1))
		if l := p.lists[list]; i+len(urls) <= len(l) && slices.Equal(l[i:i+len(urls)], urls) {
			sh.lists[list] = l
			return at
		}
	}
	at := urlAt(ownList, len(sh.lists[ownList]))
	for _, u := range urls {
		sh.lists[ownList] = append(sh.lists[ownList], p.str(u))
	}
	return at
}

// sharedDomains returns the list equal to d that an earlier task packed by
// p holds, or d; nil for none (a task's domains encode as absent when
// empty).
func (p *packer) sharedDomains(d []string) *[]string {
	if len(d) == 0 {
		return nil
	}
	key := strings.Join(d, " ") // hosts hold no spaces
	if got, ok := p.domains[key]; ok {
		return got
	}
	p.domains[key] = &d
	return &d
}

// shapeFor returns the job's shape equal to want (its URLs aside), adding
// want when there is none.
func (j *Job) shapeFor(want *taskShape) *taskShape {
	for i := len(j.shapes) - 1; i >= max(0, len(j.shapes)-maxShapesScanned); i-- {
		sh := j.shapes[i]
		if sh.kind == want.kind && sh.needs == want.needs && reflect.DeepEqual(sh.crawl, want.crawl) {
			return sh
		}
	}
	j.shapes = append(j.shapes, want)
	return want
}

// repack shares what the tasks of each job have in common, after a decode
// gave every task its own copy of everything.
func (s *State) repack() {
	for id, t := range s.Tasks {
		t.ID = id // the map's key is the same string
	}
	for _, jid := range sortedKeys(s.Jobs) {
		j := s.Jobs[jid]
		p := newPacker(j).withJobLists()
		for i, tid := range j.Tasks {
			t := s.Tasks[tid]
			if t == nil || t.JobID() != j.ID {
				continue
			}
			j.Tasks[i] = t.ID
			p.pack(t, t.APITask(), t.Needs())
			t.domains = p.sharedDomains(t.Domains())
		}
	}
}
