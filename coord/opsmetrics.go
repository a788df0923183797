package coord

import (
	"math/big"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/meadow-net/meadow/coord/state"
)

// The metrics behind the operators' alerts (deploy/prometheus/alerts.yml)
// that the other collectors lack: whether this member reaches each other
// member, how far the payment watcher is behind the chain, and when an
// epoch was last settled. See docs/DEPLOY.md, "Dashboards and alerts".

// opsCollector reads them at scrape time.
type opsCollector struct{ c *Coordinator }

var (
	descMemberReachable = prometheus.NewDesc("meadow_member_reachable",
		"1 when this member reached the other member at its last clock comparison (every clock-check-interval), 0 when it did not.", []string{"member"}, nil)
	descWatcherHead = prometheus.NewDesc("meadow_payment_watcher_head_block",
		"The chain's latest block at the payment watcher's last poll (the leader only).", nil, nil)
	descWatcherBehind = prometheus.NewDesc("meadow_payment_watcher_behind_blocks",
		"Confirmed blocks the payment watcher had not yet read at the end of its last poll (the leader only).", nil, nil)
	descWatcherPolled = prometheus.NewDesc("meadow_payment_watcher_last_poll_timestamp_seconds",
		"When the payment watcher last read every confirmed block without a failure, Unix seconds (the leader only; absent before its first such poll).", nil, nil)
	descSettleEpoch = prometheus.NewDesc("meadow_settle_last_epoch",
		"The last epoch posted on chain (0 before the first).", nil, nil)
	descSettlePosted = prometheus.NewDesc("meadow_settle_last_posted_timestamp_seconds",
		"When the last epoch was posted, by the leader's clock, Unix seconds (absent before the first).", nil, nil)
	descSettlePending = prometheus.NewDesc("meadow_settle_proposal_pending",
		"1 while an epoch is settled but its root is not yet recorded as posted on chain.", nil, nil)
	descSettleInterval = prometheus.NewDesc("meadow_settle_interval_seconds",
		"This member's --settle-interval in seconds (0: epochs are settled only by meadow operator settle).", nil, nil)
	descAwaitingPayment = prometheus.NewDesc("meadow_datasets_awaiting_payment",
		"Complete datasets with rows whose job is not paid yet: their data is refused (402) and their root is not posted to the registry.", nil, nil)
	descAwaitingRegistry = prometheus.NewDesc("meadow_datasets_awaiting_registry",
		"Complete datasets whose job is paid (or free) and whose root is not yet recorded as posted to the chain's registry.", nil, nil)
	descRelayerBalance = prometheus.NewDesc("meadow_relayer_balance_wei",
		"Ether held by this member's relayer key (--relayer-key), in wei, read every minute (absent without a relayer, or before the first read).", nil, nil)
)

func (o *opsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descMemberReachable, descWatcherHead, descWatcherBehind, descWatcherPolled,
		descSettleEpoch, descSettlePosted, descSettlePending, descSettleInterval, descRelayerBalance,
		descAwaitingPayment, descAwaitingRegistry} {
		ch <- d
	}
}

func (o *opsCollector) Collect(ch chan<- prometheus.Metric) {
	c := o.c
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	w := &c.clockw
	w.mu.Lock()
	checked := !w.checked.IsZero()
	reached := make(map[string]bool, len(w.peers))
	for id := range w.peers {
		reached[id] = true
	}
	w.mu.Unlock()
	if ms, err := c.Members(); err == nil && checked {
		for _, m := range ms {
			if m.ID == c.cfg.ID {
				continue
			}
			v := 0.0
			if reached[m.ID] {
				v = 1
			}
			gauge(descMemberReachable, v, m.ID)
		}
	}
	if wt := c.watcher.Load(); wt != nil {
		p := wt.Progress()
		gauge(descWatcherHead, float64(p.Head))
		gauge(descWatcherBehind, float64(p.Behind))
		if !p.PolledAt.IsZero() {
			gauge(descWatcherPolled, float64(p.PolledAt.UnixMilli())/1000)
		}
	}
	if wei := c.relayerWei.Load(); wei != nil {
		f, _ := new(big.Float).SetInt(wei).Float64()
		gauge(descRelayerBalance, f)
	}
	if c.chain != nil {
		gauge(descSettleInterval, c.cfg.SettleInterval.Seconds())
		c.fsm.read(func(st *state.State) {
			r := &st.Rewards
			gauge(descSettleEpoch, float64(r.Epoch))
			if n := len(r.Epochs); n > 0 {
				gauge(descSettlePosted, float64(r.Epochs[n-1].PostedAt)/1000)
			}
			pending := 0.0
			if r.Proposal != nil {
				pending = 1
			}
			gauge(descSettlePending, pending)
			unpaid, unposted := datasetsAwaiting(st)
			gauge(descAwaitingPayment, float64(unpaid))
			gauge(descAwaitingRegistry, float64(unposted))
		})
	}
}

// datasetsAwaiting counts the complete datasets with rows whose job is
// unpaid, and those paid (or free) whose root is not yet recorded as in the
// registry: what registerDatasets has left to do.
func datasetsAwaiting(st *state.State) (unpaid, unposted int) {
	for _, d := range st.Datasets {
		switch waits, paid := awaitingRegistry(st, d); {
		case waits && paid:
			unposted++
		case waits:
			unpaid++
		}
	}
	return unpaid, unposted
}

// opsCollectors are the operators' collectors, and, on a registry of the
// coordinator's own (meadow coord), the Go runtime's and the process's
// (memory, CPU, open files), which the dashboard shows.
func opsCollectors(c *Coordinator, own bool) []prometheus.Collector {
	cs := []prometheus.Collector{&opsCollector{c: c}}
	if own {
		cs = append(cs, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	return cs
}
