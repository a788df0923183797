package coord

import (
	"time"

	"github.com/hashicorp/raft"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"

	"github.com/meadow-net/meadow/coord/state"
)

// metrics are the coordinator's Prometheus metrics. Gauges of Raft and of the
// state are read when scraped (collector); counters and histograms are kept
// as things happen.
type metrics struct {
	applied   *prometheus.CounterVec
	batchOps  prometheus.Histogram
	proposeMs prometheus.Histogram
	relays    *prometheus.CounterVec
	// repaired and repairFailed count blob repair (repair.go).
	repaired, repairFailed prometheus.Counter
	handler                fasthttp.RequestHandler
	reg                    *prometheus.Registry // the console reads the blob store's gauges from it
}

// WithRegistry registers the coordinator's metrics in reg and serves reg on
// /metrics. Without it each coordinator has a registry of its own.
func WithRegistry(reg *prometheus.Registry) Option { return func(o *options) { o.registry = reg } }

func newMetrics(c *Coordinator, reg *prometheus.Registry) *metrics {
	own := reg == nil
	if own {
		reg = prometheus.NewRegistry()
	}
	m := &metrics{
		reg: reg,
		applied: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "meadow_fsm_commands_applied_total",
			Help: "Commands applied to this member's state, by message type (batches counted by their commands).",
		}, []string{"type"}),
		batchOps: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "meadow_batch_commands",
			Help:    "Commands per log entry written by this member's batcher.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 12),
		}),
		proposeMs: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "meadow_propose_seconds",
			Help:    "Time from proposing a command to its apply result, on the leader.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}),
		relays: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "meadow_relay_claims_total",
			Help: "Gasless claims this member's relayer was asked to send, by result: relayed (sent), refused (the authorization or fee was refused; nothing sent), unfunded (the relayer's key has too little ether), failed (the chain did not answer).",
		}, []string{"result"}),
	}
	for _, r := range relayResults {
		m.relays.WithLabelValues(r) // exported at 0 before the first relay
	}
	reg.MustRegister(m.relays)
	m.repaired, m.repairFailed = repairMetrics(reg)
	reg.MustRegister(replicaMetrics(c.fsm)...)
	reg.MustRegister(m.applied, m.batchOps, m.proposeMs, &collector{c: c}, &clockCollector{c: c}, &diskCollector{c: c})
	reg.MustRegister(opsCollectors(c, own)...)
	m.reg = reg
	m.handler = fasthttpadaptor.NewFastHTTPHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return m
}

// collector reads Raft's and the state's figures at scrape time.
type collector struct{ c *Coordinator }

var (
	descIsLeader   = prometheus.NewDesc("meadow_raft_is_leader", "1 while this member is the Raft leader.", nil, nil)
	descTerm       = prometheus.NewDesc("meadow_raft_term", "This member's current Raft term.", nil, nil)
	descCommit     = prometheus.NewDesc("meadow_raft_commit_index", "Index of the last committed log entry this member knows of.", nil, nil)
	descApplied    = prometheus.NewDesc("meadow_raft_applied_index", "Index of the last log entry applied to this member's state.", nil, nil)
	descContact    = prometheus.NewDesc("meadow_raft_last_contact_seconds", "Seconds since a follower last heard from the leader (0 on the leader).", nil, nil)
	descVoters     = prometheus.NewDesc("meadow_raft_voters", "Voters in the Raft configuration.", nil, nil)
	descNodes      = prometheus.NewDesc("meadow_nodes_registered", "Home nodes registered.", nil, nil)
	descNodesSeen  = prometheus.NewDesc("meadow_nodes_seen_recently", "Nodes this member heard from in the last 5 minutes (the leader's liveness view).", nil, nil)
	descJobs       = prometheus.NewDesc("meadow_jobs", "Jobs by state.", []string{"state"}, nil)
	descPending    = prometheus.NewDesc("meadow_tasks_pending", "Tasks waiting for a lease.", nil, nil)
	descLeasesOpen = prometheus.NewDesc("meadow_leases_open", "Leases granted and not yet revealed or expired.", nil, nil)
	descDatasets   = prometheus.NewDesc("meadow_datasets", "Datasets assembled.", nil, nil)
)

func (col *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descIsLeader, descTerm, descCommit, descApplied, descContact, descVoters,
		descNodes, descNodesSeen, descJobs, descPending, descLeasesOpen, descDatasets} {
		ch <- d
	}
}

func (col *collector) Collect(ch chan<- prometheus.Metric) {
	c := col.c
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	leader := 0.0
	contact := 0.0
	if c.raft.State() == raft.Leader {
		leader = 1
	} else if lc := c.raft.LastContact(); !lc.IsZero() {
		contact = time.Since(lc).Seconds()
	}
	gauge(descIsLeader, leader)
	gauge(descTerm, float64(c.raft.CurrentTerm()))
	gauge(descCommit, float64(c.raft.CommitIndex()))
	gauge(descApplied, float64(c.AppliedIndex()))
	gauge(descContact, contact)
	if f := c.raft.GetConfiguration(); f.Error() == nil {
		voters := 0
		for _, s := range f.Configuration().Servers {
			if s.Suffrage == raft.Voter {
				voters++
			}
		}
		gauge(descVoters, float64(voters))
	}
	c.seenMu.Lock()
	recent, cutoff := 0, c.now()-5*60*1000
	for _, t := range c.seen {
		if t >= cutoff {
			recent++
		}
	}
	c.seenMu.Unlock()
	gauge(descNodesSeen, float64(recent))
	c.fsm.read(func(st *state.State) {
		gauge(descNodes, float64(len(st.Nodes)))
		byState := map[string]int{}
		for _, j := range st.Jobs {
			byState[string(j.State)]++
		}
		for s, n := range byState {
			gauge(descJobs, float64(n), s)
		}
		gauge(descPending, float64(st.PendingCount()))
		gauge(descLeasesOpen, float64(st.OpenCount()))
		gauge(descDatasets, float64(len(st.Datasets)))
	})
}
