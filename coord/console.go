package coord

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/coord/verify"
)

// The operator console: GET /console is a page (console_page.go) that reads
// GET /v1/cluster/console, this member's view of the cluster in one answer.
// The page itself holds no data and is public; the answer needs the cluster
// token, like every other operator route, because its last errors may name
// a node's address or a request's path. The page asks for the token (or
// takes it from the URL's fragment, which browsers never send) and keeps it
// in the tab's session storage.

// ConsoleView is what GET /v1/cluster/console answers.
type ConsoleView struct {
	// ID is the member that answered; NowMillis its clock.
	ID        string `json:"id"`
	NowMillis int64  `json:"now_ms"`
	// Leader is the leader's id as this member knows it ("" during an
	// election), Term this member's Raft term.
	Leader string `json:"leader"`
	Term   uint64 `json:"term"`
	// Members are the Raft configuration with each member's health
	// (reachable, lag, state), as GET /v1/cluster/members answers.
	Members []Member `json:"members"`
	// Jobs counts jobs by state, every state named.
	Jobs map[api.JobState]int `json:"jobs"`
	// Nodes counts registered nodes; NodesSeen those heard from in the
	// last 5 minutes (the leader's view); NodeBands split them by
	// reputation.
	Nodes     int              `json:"nodes"`
	NodesSeen int              `json:"nodes_seen"`
	NodeBands []ReputationBand `json:"node_bands"`
	Rates     ConsoleRates     `json:"rates"`
	Blobs     BlobUse          `json:"blobs"`
	Disk      DiskReport       `json:"disk"`
	// Errors are this member's last error-level log records (failed
	// requests among them), newest first, at most consoleErrors.
	Errors []ConsoleError `json:"errors"`
}

// ReputationBand counts the nodes whose reputation (parts per million) is
// at least Min and below Max.
type ReputationBand struct {
	Name  string `json:"name"`
	Min   uint32 `json:"min"`
	Max   uint32 `json:"max"`
	Nodes int    `json:"nodes"`
}

// reputationBands are the console's bands: below the scheduler's floor a
// node gets no leases; a new node starts at verify.InitialReputation, in
// "fair".
var reputationBands = []ReputationBand{
	{Name: "below floor (no leases)", Min: 0, Max: uint32(verify.Floor)},
	{Name: "low", Min: uint32(verify.Floor), Max: uint32(verify.InitialReputation)},
	{Name: "fair", Min: uint32(verify.InitialReputation), Max: 800_000},
	{Name: "good", Min: 800_000, Max: api.MaxReputation + 1},
}

// ConsoleRates are tasks created and tasks decided (verified or
// inconclusive: verdicts) per second over the last WindowSeconds, from
// samples of the state this member takes every second and its state at
// the answer; Tasks and Verdicts are the totals at the answer.
type ConsoleRates struct {
	WindowSeconds     float64 `json:"window_s"`
	TasksPerSecond    float64 `json:"tasks_per_s"`
	VerdictsPerSecond float64 `json:"verdicts_per_s"`
	Tasks             int64   `json:"tasks"`
	Verdicts          int64   `json:"verdicts"`
}

// BlobUse is this member's blob store: blobs held and their bytes, as its
// meadow_blob_local_blobs and meadow_blob_local_bytes metrics say.
type BlobUse struct {
	Blobs int64 `json:"blobs"`
	Bytes int64 `json:"bytes"`
	// Shared is true when the blobs are in an object store the members
	// share: the figures are then the bucket's.
	Shared bool `json:"shared,omitempty"`
}

// ConsoleError is an error-level log record, with the repeats of its
// message folded into it: a member that cannot reach a peer logs the same
// error several times a second, and one line with a count says as much.
type ConsoleError struct {
	// TimeMillis is the last time the message was logged, FirstMillis the
	// first time since it was last folded in, Count how often.
	TimeMillis  int64  `json:"time_ms"`
	FirstMillis int64  `json:"first_ms"`
	Count       int64  `json:"count"`
	Message     string `json:"message"`
	// Attrs are the last record's attributes as key=value, space separated.
	Attrs string `json:"attrs,omitempty"`
}

// consoleErrors is how many error records a member keeps for the console.
const consoleErrors = 50

// rateWindow is how far back the console's rates look, and rateEvery how
// often the state is sampled.
const (
	rateWindow = time.Minute
	rateEvery  = time.Second
)

// Console returns this member's view of the cluster for the console.
func (c *Coordinator) Console(ctx context.Context) (ConsoleView, error) {
	ms, err := c.MembersHealth(ctx)
	if err != nil {
		return ConsoleView{}, err
	}
	st := c.Status()
	v := ConsoleView{
		ID: c.cfg.ID, NowMillis: st.NowMillis, Leader: st.Leader, Term: st.Term, Members: ms,
		Jobs: map[api.JobState]int{}, NodeBands: slices.Clone(reputationBands),
		Disk: st.Disk, Errors: c.errs.list(),
	}
	for _, s := range api.JobStates() {
		v.Jobs[s] = 0
	}
	c.fsm.read(func(s *state.State) {
		for _, j := range s.Jobs {
			v.Jobs[j.State]++
		}
		v.Nodes = len(s.Nodes)
		for _, n := range s.Nodes {
			for i, b := range v.NodeBands {
				if n.Reputation >= b.Min && n.Reputation < b.Max {
					v.NodeBands[i].Nodes++
				}
			}
		}
	})
	c.seenMu.Lock()
	cutoff := c.now() - 5*60*1000
	for _, t := range c.seen {
		if t >= cutoff {
			v.NodesSeen++
		}
	}
	c.seenMu.Unlock()
	// The totals are read now, not from the last sample: a page read
	// right after a job is submitted shows its tasks.
	tasks, verdicts := c.taskTotals()
	v.Rates = c.rates.rates(c.clock(), tasks, verdicts)
	v.Blobs = c.blobUse()
	return v, nil
}

// taskTotals counts the tasks of every job and those decided.
func (c *Coordinator) taskTotals() (tasks, verdicts int64) {
	c.fsm.read(func(s *state.State) {
		for _, j := range s.Jobs {
			tasks += int64(len(j.Tasks))
			verdicts += int64(j.Verified + j.Inconclusive)
		}
	})
	return tasks, verdicts
}

// sampleRates samples the task totals every rateEvery until ctx ends.
func (c *Coordinator) sampleRates(ctx context.Context) {
	t := time.NewTicker(rateEvery)
	defer t.Stop()
	for {
		tasks, verdicts := c.taskTotals()
		c.rates.add(c.clock(), tasks, verdicts)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// countEvery is how often countBlobs lists an object store's bucket by
// default, and countTimeout the longest one listing may take.
const (
	countEvery   = time.Minute
	countTimeout = 10 * time.Minute
)

// countBlobs keeps the meadow_blob_local_* gauges of an object store
// current for /metrics until ctx ends: other members write to and remove
// from the shared bucket, which this member's own writes do not show, and
// a scrape should not wait for a listing. It lists the bucket at start and
// then every ObjectStore.CountEvery, or ten times the last listing's time
// when that is longer (a bucket of millions of blobs takes minutes).
func (c *Coordinator) countBlobs(ctx context.Context, s3 *blob.S3) {
	every := countEvery
	if o := c.cfg.ObjectStore; o != nil && o.CountEvery > 0 {
		every = o.CountEvery
	}
	for {
		start := time.Now()
		lctx, cancel := context.WithTimeout(ctx, countTimeout)
		n, bytes, err := s3.Count(lctx)
		cancel()
		took := time.Since(start)
		if err != nil && ctx.Err() == nil {
			c.log.Warn("counting the object store's blobs", "err", err, "took", took)
		} else if err == nil {
			c.log.Debug("counted the object store's blobs", "blobs", n, "bytes", bytes, "took", took)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(max(every, 10*took)):
		}
	}
}

// blobUse reads the blob store's gauges from this member's registry; with
// an object store, after counting the bucket's blobs (at most every 15 s).
func (c *Coordinator) blobUse() BlobUse {
	var u BlobUse
	if s3, ok := c.blobs.(*blob.S3); ok {
		u.Shared = true
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, _, err := s3.Usage(ctx)
		cancel()
		if err != nil {
			c.log.Warn("console: counting the object store's blobs", "err", err)
		}
	}
	mfs, err := c.metrics.reg.Gather()
	if err != nil {
		return u
	}
	for _, mf := range mfs {
		var dst *int64
		switch mf.GetName() {
		case "meadow_blob_local_blobs":
			dst = &u.Blobs
		case "meadow_blob_local_bytes":
			dst = &u.Bytes
		default:
			continue
		}
		for _, m := range mf.GetMetric() {
			*dst += int64(gaugeValue(m))
		}
	}
	return u
}

func gaugeValue(m *dto.Metric) float64 {
	if g := m.GetGauge(); g != nil {
		return g.GetValue()
	}
	return 0
}

// rateSampler keeps the task totals of the last rateWindow.
type rateSampler struct {
	mu      sync.Mutex
	samples []rateSample // oldest first
}

type rateSample struct {
	at              time.Time
	tasks, verdicts int64
}

func (r *rateSampler) add(at time.Time, tasks, verdicts int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.samples = append(r.samples, rateSample{at: at, tasks: tasks, verdicts: verdicts})
	// Keep one sample at or past the window's start, so that the window
	// is full once the member has run that long.
	for len(r.samples) > 2 && at.Sub(r.samples[1].at) >= rateWindow {
		r.samples = r.samples[1:]
	}
}

// rates are the totals now (tasks, verdicts at now) and the rates from the
// oldest sample kept to them.
func (r *rateSampler) rates(now time.Time, tasks, verdicts int64) ConsoleRates {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := ConsoleRates{Tasks: tasks, Verdicts: verdicts}
	if len(r.samples) == 0 {
		return out
	}
	first, last := r.samples[0], rateSample{at: now, tasks: tasks, verdicts: verdicts}
	if d := last.at.Sub(first.at).Seconds(); d > 0 {
		out.WindowSeconds = d
		out.TasksPerSecond = float64(last.tasks-first.tasks) / d
		out.VerdictsPerSecond = float64(last.verdicts-first.verdicts) / d
	}
	return out
}

// errorRing keeps the last consoleErrors distinct error messages, each with
// its count: a message logged again moves to the front.
type errorRing struct {
	mu   sync.Mutex
	recs []ConsoleError // oldest first
}

func (r *errorRing) add(e ConsoleError) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e.FirstMillis, e.Count = e.TimeMillis, 1
	for i, old := range r.recs {
		if old.Message == e.Message {
			e.FirstMillis, e.Count = old.FirstMillis, old.Count+1
			r.recs = slices.Delete(r.recs, i, i+1)
			break
		}
	}
	if len(r.recs) == consoleErrors {
		r.recs = slices.Delete(r.recs, 0, 1)
	}
	r.recs = append(r.recs, e)
}

// list returns the records newest first.
func (r *errorRing) list() []ConsoleError {
	if r == nil {
		return []ConsoleError{}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.recs)
	slices.Reverse(out)
	if out == nil {
		out = []ConsoleError{}
	}
	return out
}

// ringHandler passes records on to the coordinator's handler and keeps the
// error-level ones in the ring, whatever level the handler logs at, so that
// the console shows errors even where the log is off.
type ringHandler struct {
	next  slog.Handler
	ring  *errorRing
	attrs string // from WithAttrs, key=value
	group string
}

func newRingHandler(next slog.Handler, ring *errorRing) *ringHandler {
	return &ringHandler{next: next, ring: ring}
}

func (h *ringHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelError || h.next.Enabled(ctx, l)
}

func (h *ringHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		var b strings.Builder
		b.WriteString(h.attrs)
		r.Attrs(func(a slog.Attr) bool {
			writeAttr(&b, h.group, a)
			return true
		})
		h.ring.add(ConsoleError{TimeMillis: r.Time.UnixMilli(), Message: r.Message, Attrs: strings.TrimSpace(b.String())})
	}
	if h.next.Enabled(ctx, r.Level) {
		return h.next.Handle(ctx, r)
	}
	return nil
}

func (h *ringHandler) WithAttrs(as []slog.Attr) slog.Handler {
	var b strings.Builder
	b.WriteString(h.attrs)
	for _, a := range as {
		writeAttr(&b, h.group, a)
	}
	return &ringHandler{next: h.next.WithAttrs(as), ring: h.ring, attrs: b.String(), group: h.group}
}

func (h *ringHandler) WithGroup(name string) slog.Handler {
	g := name
	if h.group != "" {
		g = h.group + "." + name
	}
	return &ringHandler{next: h.next.WithGroup(name), ring: h.ring, attrs: h.attrs, group: g}
}

func writeAttr(b *strings.Builder, group string, a slog.Attr) {
	if a.Equal(slog.Attr{}) {
		return
	}
	k := a.Key
	if group != "" {
		k = group + "." + k
	}
	fmt.Fprintf(b, " %s=%v", k, a.Value.Resolve())
}

// serveConsole answers GET /v1/cluster/console from this member, never
// forwarded: each member's view (its errors, its blob store, its rates) is
// its own.
func (c *Coordinator) serveConsole(ctx *fasthttp.RequestCtx) {
	if !c.readOnly(ctx) {
		return
	}
	rctx, cancel := context.WithTimeout(context.Background(), c.cfg.ApplyTimeout)
	defer cancel()
	v, err := c.Console(rctx)
	c.reply(ctx, v, err)
}

// serveConsolePage answers GET /console with the page, which holds no data.
func (c *Coordinator) serveConsolePage(ctx *fasthttp.RequestCtx) {
	if !c.readOnly(ctx) {
		return
	}
	c.setFreshness(ctx)
	ctx.SetContentType("text/html; charset=utf-8")
	ctx.Response.Header.Set("Content-Security-Policy", consoleCSP)
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.Response.Header.Set("Referrer-Policy", "no-referrer")
	ctx.SetBodyString(consolePage)
}
