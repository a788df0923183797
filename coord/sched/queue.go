package sched

import (
	"fmt"
	"slices"

	"github.com/meadow-net/meadow/api"
)

// DefaultMinIntervalMs is the network-wide default interval between two
// fetches from one host, 1 s: the least a DomainRate's IntervalMs can be,
// whatever the host's robots.txt says.
const DefaultMinIntervalMs = 1000

// Config configures a Queue.
type Config struct {
	// MinIntervalMs is the network-wide least interval between two fetches
	// from one host (ms), which robots.txt Crawl-delays only lengthen.
	MinIntervalMs int64
}

// DefaultConfig returns the defaults: MinIntervalMs 1 s.
func DefaultConfig() Config { return Config{MinIntervalMs: DefaultMinIntervalMs} }

// Validate checks the config.
func (c Config) Validate() error {
	if c.MinIntervalMs < 0 || c.MinIntervalMs > api.MaxCrawlDelay {
		return fmt.Errorf("%w: min_interval_ms %d: expected 0 to %d", ErrInvalidConfig, c.MinIntervalMs, api.MaxCrawlDelay)
	}
	return nil
}

// Queue is the leader's index of the pending tasks, a View that answers
// Schedule in O(log n) per lease. It is not replicated state: the leader
// builds it from the FSM's state when it gains leadership (Put every task
// that wants replicas, SetDomain every domain rate), keeps it in step with
// the commands it commits (Put for new tasks, Requeue for expired leases and
// extra replicas, Remove for cancelled jobs, Apply for plans), and drops it
// when it loses leadership. It is not safe for concurrent use: the leader
// serializes work requests through it.
//
// Tasks are grouped in lanes (class, domain, kernel, GPU memory), each a
// heap in scheduling order; the ready lanes of each class form a heap by
// their best task; lanes whose domain is not free yet wait in a heap of
// domains by NextFree, and Advance moves them back. Scan walks the ready
// lanes of a node's classes best first without removing anything, so that
// a Schedule call costs O((leases + tasks skipped) · log n).
type Queue struct {
	cfg     Config
	now     int64
	tasks   map[string]*entry
	lanes   map[laneKey]*lane
	domains map[string]*domain
	ready   [numClasses]heap[*lane]
	waiting heap[*domain]
	epoch   uint64   // Scan's count, marking lanes skipped in the current scan
	cursors []cursor // Scan's scratch heap, kept between calls
}

// entry is a pending task in the queue: 80 bytes, plus its ID, its
// holders and its 24-byte slot in the lane's heap, which holds its priority
// and creation index. Class, domain, kernel and GPU memory are its lane's.
type entry struct {
	id      string
	job     string
	lane    *lane
	holders []Holder
	urls    int32
	want    int32
	idx     int32 // position in lane.tasks
}

func (e *entry) tie(o *entry) bool { return e.id < o.id }
func (e *entry) setIndex(i int)    { e.idx = int32(i) }

// ordOf is a task's place in line: higher priority first, then first in.
func ordOf(t *TaskView) ord { return ord{a: -int64(t.Priority), b: t.CreatedIndex} }

type laneKey struct {
	class  Class
	domain string
	kernel string
	minGPU int64
	// mainText: crawl tasks with crawl.extract on, which only nodes with
	// Capabilities.MainText run: a lane of their own, so that a node
	// without it (the extension) skips them a lane at a time.
	mainText bool
}

// lane holds tasks that share their requirements and domain.
type lane struct {
	key   laneKey
	dom   *domain // nil for compute lanes
	tasks heap[*entry]
	idx   int32  // position in Queue.ready[key.class], -1 when not ready
	mark  uint64 // Queue.epoch of the scan that skipped it
}

func (l *lane) tie(o *lane) bool { return l.tasks[0].x.tie(o.tasks[0].x) }
func (l *lane) setIndex(i int)   { l.idx = int32(i) }

// domain is a crawl host's rate and the lanes (static, JS) of its tasks.
type domain struct {
	rate     DomainRate
	explicit bool // set by SetDomain: kept while it has no tasks
	lanes    []*lane
	idx      int32 // position in Queue.waiting, -1 when free
}

func (d *domain) tie(o *domain) bool { return d.rate.Host < o.rate.Host }
func (d *domain) setIndex(i int)     { d.idx = int32(i) }

// NewQueue returns an empty queue at time 0.
func NewQueue(cfg Config) (*Queue, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Queue{
		cfg:     cfg,
		tasks:   make(map[string]*entry),
		lanes:   make(map[laneKey]*lane),
		domains: make(map[string]*domain),
	}, nil
}

// Len returns the number of pending tasks (tasks that want a replica).
func (q *Queue) Len() int { return len(q.tasks) }

// Now returns the time of the last Advance.
func (q *Queue) Now() int64 { return q.now }

// Task returns a pending task as the queue sees it; its Holders are a copy.
func (q *Queue) Task(id string) (TaskView, bool) {
	e, ok := q.tasks[id]
	if !ok {
		return TaskView{}, false
	}
	var t TaskView
	e.view(&t, e.lane.tasks[e.idx].o)
	t.Holders = slices.Clone(t.Holders)
	return t, true
}

// Domain returns a host's rate as the queue sees it: the default interval,
// free now, for a host it knows nothing about.
func (q *Queue) Domain(host string) DomainRate {
	if d, ok := q.domains[host]; ok {
		return d.rate
	}
	return DomainRate{Host: host, IntervalMs: q.cfg.MinIntervalMs}
}

// Put adds a task, or replaces the queue's copy of it. A Want of 0 removes
// it. t is copied; the caller may reuse it. An invalid task is an error
// wrapping ErrInvalidTask that names the field, and changes nothing.
func (q *Queue) Put(t TaskView) error {
	if err := checkTask(&t); err != nil {
		return err
	}
	if t.Want == 0 {
		q.Remove(t.ID)
		return nil
	}
	key := keyOf(&t)
	e := q.tasks[t.ID]
	if e != nil && e.lane.key != key {
		q.remove(e)
		e = nil
	}
	if e == nil {
		e = &entry{id: t.ID, lane: q.lane(key)}
		e.fill(&t)
		q.tasks[t.ID] = e
		e.lane.tasks.push(e, ordOf(&t))
	} else {
		e.fill(&t)
		e.lane.tasks.fix(int(e.idx), ordOf(&t))
	}
	q.fixLane(e.lane)
	return nil
}

// Requeue puts a task back in the pool after one of its leases expired, or
// when its verdict asks for another replica: t carries the Want and the
// Holders the state now has. The expired holder stays among the Holders,
// so the task never goes back to it. It is Put, named for the case.
func (q *Queue) Requeue(t TaskView) error { return q.Put(t) }

// Remove takes a task out of the queue (its job was cancelled or paused,
// or it wants no more replicas), reporting whether it was there.
func (q *Queue) Remove(id string) bool {
	e, ok := q.tasks[id]
	if ok {
		q.remove(e)
	}
	return ok
}

func (q *Queue) remove(e *entry) {
	l := e.lane
	l.tasks.remove(int(e.idx))
	delete(q.tasks, e.id)
	q.fixLane(l)
}

// SetDomain records a host's rate: its interval (raised to
// Config.MinIntervalMs) and when it is next free. The leader calls it for
// every rate in the state when it builds the queue, and when nodes report a
// longer Crawl-delay. The queue keeps a host set this way even while it has
// no tasks.
func (q *Queue) SetDomain(r DomainRate) error {
	if r.Host == "" || r.IntervalMs < 0 {
		return fmt.Errorf("%w: host %q interval_ms %d: expected a host name and an interval of 0 or more",
			ErrInvalidDomain, r.Host, r.IntervalMs)
	}
	d := q.domain(r.Host)
	d.explicit = true
	d.rate.IntervalMs = max(r.IntervalMs, q.cfg.MinIntervalMs)
	d.rate.NextFree = r.NextFree
	q.fixDomain(d)
	return nil
}

// Advance moves the queue's clock to now (unix ms), making ready the lanes
// whose domain is free by then. The clock never goes back: an earlier now
// is ignored. Assign calls it; a caller of Schedule with the queue as its
// View calls it first.
func (q *Queue) Advance(now int64) {
	if now <= q.now {
		return
	}
	q.now = now
	for len(q.waiting) > 0 && q.waiting[0].o.a <= now {
		d := q.waiting[0].x
		q.waiting.remove(0)
		for _, l := range d.lanes {
			q.fixLane(l)
		}
		q.dropDomain(d)
	}
}

// Apply brings the queue in step with a plan: each lease adds its node to
// the task's holders and sets the task's Want (a task at 0 leaves the
// queue), and each domain update sets the domain's NextFree. Leases of
// tasks no longer in the queue are ignored.
func (q *Queue) Apply(p Plan) {
	for _, a := range p.Leases {
		e, ok := q.tasks[a.TaskID]
		if !ok {
			continue
		}
		e.holders = append(e.holders, Holder{Address: a.Node, Operator: a.Operator, Network: a.Network})
		e.want = int32(a.Want)
		if e.want <= 0 {
			q.remove(e)
		}
	}
	for _, u := range p.DomainUpdates {
		d := q.domain(u.Host)
		d.rate.NextFree = u.NextFree
		q.fixDomain(d)
	}
}

// Assign is the leader's call for one work request: Advance to req.Now,
// Schedule with the queue as the view, Apply the plan, and return it for
// the leader to commit through Raft. If the commit fails, the leader
// rebuilds the queue from the state.
func (q *Queue) Assign(req Request) Plan {
	q.Advance(req.Now)
	p := Schedule(q, req)
	q.Apply(p)
	return p
}

// cursor is a task in Scan's frontier: the root of a ready lane (li >= 0,
// its position in the class heap) or a task below the root of its lane.
type cursor struct {
	o     ord
	e     *entry
	li    int32 // position of e.lane in Queue.ready[class], or -1
	class Class
}

func (c *cursor) before(d *cursor) bool {
	if c.o != d.o {
		return c.o.less(d.o)
	}
	return c.e.tie(d.e)
}

// Scan implements View. It walks the ready lanes of the classes in cs as
// one heap of heaps, best first: the frontier starts with each class's best
// lane; taking a lane's root adds its child lanes, and taking a task adds
// its children in its lane. So it offers k tasks in O(k log k), and a lane
// that visit skips costs nothing more. It changes nothing but scratch
// space; visit must not change the queue.
func (q *Queue) Scan(cs ClassSet, visit func(t *TaskView, rate DomainRate) Step) {
	q.epoch++
	f := q.cursors[:0]
	defer func() { q.cursors = f[:0] }()
	for c := range numClasses {
		if cs.Has(c) && len(q.ready[c]) > 0 {
			top := &q.ready[c][0].x.tasks[0]
			f = pushCursor(f, cursor{o: top.o, e: top.x, li: 0, class: c})
		}
	}
	var t TaskView
	for len(f) > 0 {
		var x cursor
		x, f = popCursor(f)
		if x.li >= 0 {
			lanes := q.ready[x.class]
			for ch := 2*int(x.li) + 1; ch <= 2*int(x.li)+2 && ch < len(lanes); ch++ {
				top := &lanes[ch].x.tasks[0]
				f = pushCursor(f, cursor{o: top.o, e: top.x, li: int32(ch), class: x.class})
			}
		}
		l := x.e.lane
		if l.mark == q.epoch {
			continue
		}
		x.e.view(&t, x.o)
		var rate DomainRate
		if l.dom != nil {
			rate = l.dom.rate
		}
		switch visit(&t, rate) {
		case Stop:
			return
		case SkipLane:
			l.mark = q.epoch
			continue
		}
		for ch := 2*int(x.e.idx) + 1; ch <= 2*int(x.e.idx)+2 && ch < len(l.tasks); ch++ {
			f = pushCursor(f, cursor{o: l.tasks[ch].o, e: l.tasks[ch].x, li: -1, class: x.class})
		}
	}
}

// Wake implements View: it walks the waiting domains in order of NextFree
// and returns the first that has a lane of a class in cs. It looks at no
// more than wakeLimit domains, returning 0 past them.
func (q *Queue) Wake(cs ClassSet) int64 {
	if len(q.waiting) == 0 {
		return 0
	}
	frontier := []int32{0}
	less := func(a, b int32) bool { return q.waiting.less(int(a), int(b)) }
	for n := 0; len(frontier) > 0 && n < wakeLimit; n++ {
		best := 0
		for i := range frontier {
			if less(frontier[i], frontier[best]) {
				best = i
			}
		}
		i := frontier[best]
		frontier[best] = frontier[len(frontier)-1]
		frontier = frontier[:len(frontier)-1]
		d := q.waiting[i].x
		for _, l := range d.lanes {
			if cs.Has(l.key.class) {
				return d.rate.NextFree
			}
		}
		for ch := 2*i + 1; ch <= 2*i+2 && int(ch) < len(q.waiting); ch++ {
			frontier = append(frontier, ch)
		}
	}
	return 0
}

// wakeLimit bounds Wake's walk: the frontier stays small (at most one more
// entry per step), so a linear search for its best is cheaper than a heap.
const wakeLimit = 64

func pushCursor(f []cursor, x cursor) []cursor {
	f = append(f, x)
	for i := len(f) - 1; i > 0; {
		p := (i - 1) / 2
		if !f[i].before(&f[p]) {
			break
		}
		f[i], f[p] = f[p], f[i]
		i = p
	}
	return f
}

func popCursor(f []cursor) (cursor, []cursor) {
	x := f[0]
	last := len(f) - 1
	f[0] = f[last]
	f = f[:last]
	for i := 0; ; {
		c := 2*i + 1
		if c >= len(f) {
			break
		}
		if r := c + 1; r < len(f) && f[r].before(&f[c]) {
			c = r
		}
		if !f[c].before(&f[i]) {
			break
		}
		f[i], f[c] = f[c], f[i]
		i = c
	}
	return x, f
}

// view fills t from the entry, its place in line and its lane. t.Holders
// shares the entry's.
func (e *entry) view(t *TaskView, o ord) {
	k := &e.lane.key
	*t = TaskView{
		ID: e.id, JobID: e.job,
		Kind:         api.JobCrawl,
		NeedJS:       k.class == ClassCrawlJS,
		NeedMainText: k.mainText,
		NeedGPU:      k.class == ClassComputeGPU,
		MinGPUMemMiB: k.minGPU,
		Kernel:       k.kernel,
		Domain:       k.domain,
		URLs:         int(e.urls),
		Want:         int(e.want),
		Holders:      e.holders,
		Priority:     int32(-o.a),
		CreatedIndex: o.b,
	}
	if k.class == ClassCompute || k.class == ClassComputeGPU {
		t.Kind = api.JobCompute
	}
}

func (e *entry) fill(t *TaskView) {
	e.job = t.JobID
	e.holders = slices.Clone(t.Holders)
	e.urls = int32(t.URLs)
	e.want = int32(t.Want)
}

func keyOf(t *TaskView) laneKey {
	k := laneKey{class: ClassOf(t), domain: t.Domain}
	if t.Kind == api.JobCompute {
		k.kernel = t.Kernel
	}
	if k.class == ClassComputeGPU {
		k.minGPU = t.MinGPUMemMiB
	}
	k.mainText = t.NeedMainText
	return k
}

// lane returns the lane of key, made if need be.
func (q *Queue) lane(key laneKey) *lane {
	if l, ok := q.lanes[key]; ok {
		return l
	}
	l := &lane{key: key, idx: -1}
	if key.domain != "" {
		l.dom = q.domain(key.domain)
		l.dom.lanes = append(l.dom.lanes, l)
	}
	q.lanes[key] = l
	return l
}

// domain returns the domain of host, made if need be.
func (q *Queue) domain(host string) *domain {
	if d, ok := q.domains[host]; ok {
		return d
	}
	d := &domain{rate: DomainRate{Host: host, IntervalMs: q.cfg.MinIntervalMs}, idx: -1}
	q.domains[host] = d
	return d
}

// fixLane puts a lane where it belongs after a change: in its class's ready
// heap when it has tasks and its domain is free, out of it otherwise, and
// out of the queue when it is empty.
func (q *Queue) fixLane(l *lane) {
	ready := len(l.tasks) > 0 && (l.dom == nil || l.dom.rate.NextFree <= q.now)
	h := &q.ready[l.key.class]
	switch {
	case ready && l.idx < 0:
		h.push(l, l.tasks[0].o)
	case ready:
		h.fix(int(l.idx), l.tasks[0].o)
	case l.idx >= 0:
		h.remove(int(l.idx))
	}
	if len(l.tasks) > 0 {
		return
	}
	delete(q.lanes, l.key)
	if d := l.dom; d != nil {
		i := slices.Index(d.lanes, l)
		d.lanes = slices.Delete(d.lanes, i, i+1)
		q.dropDomain(d)
	}
}

// fixDomain puts a domain where it belongs after its NextFree changed, and
// its lanes with it.
func (q *Queue) fixDomain(d *domain) {
	waiting := d.rate.NextFree > q.now
	switch {
	case waiting && d.idx < 0:
		q.waiting.push(d, ord{a: d.rate.NextFree})
	case waiting:
		q.waiting.fix(int(d.idx), ord{a: d.rate.NextFree})
	case d.idx >= 0:
		q.waiting.remove(int(d.idx))
	}
	for _, l := range d.lanes {
		q.fixLane(l)
	}
	q.dropDomain(d)
}

// dropDomain forgets a domain that holds nothing worth keeping: no tasks,
// free, and not set by SetDomain.
func (q *Queue) dropDomain(d *domain) {
	if len(d.lanes) == 0 && d.idx < 0 && !d.explicit {
		delete(q.domains, d.rate.Host)
	}
}

// checkTask checks what the queue needs of a task.
func checkTask(t *TaskView) error {
	bad := func(field string, value any, expected string) error {
		return fmt.Errorf("%w: task %q: %s %v: expected %s", ErrInvalidTask, t.ID, field, value, expected)
	}
	switch {
	case t.ID == "":
		return bad("id", `""`, "a task id")
	case t.Want < 0 || t.Want > api.ReplicationLimit:
		return bad("want", t.Want, fmt.Sprintf("0 to %d replicas", api.ReplicationLimit))
	case t.MinGPUMemMiB < 0 || t.MinGPUMemMiB > api.MaxGPUMemoryMiB:
		return bad("min_gpu_mem_mib", t.MinGPUMemMiB, fmt.Sprintf("0 to %d", api.MaxGPUMemoryMiB))
	}
	switch t.Kind {
	case api.JobCrawl:
		switch {
		case t.Domain == "":
			return bad("domain", `""`, "the host of the crawl task's URLs")
		case t.URLs < 1 || t.URLs > api.TaskSizeLimit:
			return bad("urls", t.URLs, fmt.Sprintf("1 to %d URLs", api.TaskSizeLimit))
		case t.NeedGPU || t.MinGPUMemMiB > 0:
			return bad("need_gpu", true, "no GPU for a crawl task")
		}
	case api.JobCompute:
		switch {
		case t.Domain != "":
			return bad("domain", fmt.Sprintf("%q", t.Domain), "no domain for a compute task")
		case t.NeedJS:
			return bad("need_js", true, "no JavaScript rendering for a compute task")
		case t.NeedMainText:
			return bad("need_main_text", true, "no main-text extraction for a compute task")
		}
	default:
		return bad("kind", fmt.Sprintf("%q", t.Kind), `"crawl" or "compute"`)
	}
	return nil
}
