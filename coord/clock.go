package coord

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Clock skew between members.
//
// The leader stamps its clock into every command and checks each signed
// request's expiry against it, so a leader whose clock is minutes off makes
// every write in the cluster fail, even writes sent to followers whose clocks
// are right. Members therefore compare clocks: each asks every other member
// for its status (which carries its clock) every ClockCheckInterval and
// estimates the other's offset from the round trip, as NTP does. A member's
// offset from the cluster is the median of every member's clock relative to
// its own (itself counted as 0). A member is skewed when more of the members
// that answered have clocks more than MaxClockSkew from its own than within
// it, so one wrong member in three is outvoted. A skewed member does not lead: it hands leadership to
// another member, logs its offset at error level and reports it in
// meadow_clock_offset_seconds and meadow_clock_skewed. Expiry checks allow
// MaxClockSkew either way (the skew the cluster admits), so members within
// the bound judge an envelope alike.

// clockWatch is what the comparison last found.
type clockWatch struct {
	mu sync.Mutex
	// peers is each other member's clock minus ours, as last measured.
	peers map[string]time.Duration
	// offset is our clock minus the cluster's (the median), valid when
	// known.
	offset time.Duration
	known  bool
	skewed bool
	// checked is when the last comparison ended.
	checked time.Time
}

// ClockReport is a member's view of its own clock against the cluster's.
type ClockReport struct {
	// OffsetMillis is this member's clock minus the cluster's median clock.
	OffsetMillis int64 `json:"offset_ms"`
	// Known is false until a majority of members answered a comparison.
	Known bool `json:"known"`
	// Skewed is set when the offset exceeds MaxClockSkew: the member does
	// not lead.
	Skewed bool `json:"skewed"`
	// Peers is each other member's clock minus this one's, in ms.
	Peers map[string]int64 `json:"peers_ms,omitempty"`
}

// Clock returns the last comparison of this member's clock with the others'.
func (c *Coordinator) Clock() ClockReport {
	w := &c.clockw
	w.mu.Lock()
	defer w.mu.Unlock()
	r := ClockReport{OffsetMillis: w.offset.Milliseconds(), Known: w.known, Skewed: w.skewed}
	if len(w.peers) > 0 {
		r.Peers = make(map[string]int64, len(w.peers))
		for id, d := range w.peers {
			r.Peers[id] = d.Milliseconds()
		}
	}
	return r
}

// clockLoop compares clocks every ClockCheckInterval until ctx ends, and
// hands leadership on while this member's clock is too far off.
func (c *Coordinator) clockLoop(ctx context.Context) {
	t := time.NewTicker(c.cfg.ClockCheckInterval)
	defer t.Stop()
	for {
		c.compareClocks(ctx)
		if r := c.Clock(); r.Skewed && c.IsLeader() {
			c.log.Error("this member's clock is too far from the cluster's: handing leadership on",
				"offset", time.Duration(r.OffsetMillis)*time.Millisecond, "max_clock_skew", c.cfg.MaxClockSkew)
			if err := c.raft.LeadershipTransfer().Error(); err != nil {
				c.log.Warn("leadership transfer", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// compareClocks asks every other member for its clock and updates the
// watch.
func (c *Coordinator) compareClocks(ctx context.Context) {
	ms, err := c.Members()
	if err != nil {
		return
	}
	var (
		mu    sync.Mutex
		peers = map[string]time.Duration{}
		wg    sync.WaitGroup
	)
	for _, m := range ms {
		if m.ID == c.cfg.ID || m.HTTPAddr == "" {
			continue
		}
		wg.Go(func() {
			sent := c.clock()
			var s Status
			if err := c.getMember(ctx, m.HTTPAddr, "/v1/cluster/status", &s); err != nil || s.NowMillis == 0 {
				return
			}
			back := c.clock()
			// The peer read its clock about halfway through the round trip.
			mid := sent.Add(back.Sub(sent) / 2)
			off := time.UnixMilli(s.NowMillis).Sub(mid)
			mu.Lock()
			peers[m.ID] = off
			mu.Unlock()
		})
	}
	wg.Wait()

	offset, known := clusterOffset(peers, len(ms))
	skewed := known && outvoted(peers, c.cfg.MaxClockSkew)
	w := &c.clockw
	w.mu.Lock()
	was := w.skewed
	w.peers, w.offset, w.known, w.skewed, w.checked = peers, offset, known, skewed, c.clock()
	w.mu.Unlock()
	switch {
	case skewed && !was:
		c.log.Error("clock skew: this member's clock is off from the cluster's; it will not lead until fixed",
			"offset", offset, "max_clock_skew", c.cfg.MaxClockSkew)
	case was && !skewed:
		c.log.Info("clock skew resolved", "offset", offset)
	}
}

// clusterOffset returns our clock minus the median of every member's clock
// (ours counted as 0), given the other members' clocks relative to ours. It
// is known only when a majority of the n members took part.
func clusterOffset(peers map[string]time.Duration, n int) (time.Duration, bool) {
	if n == 0 || (len(peers)+1)*2 <= n {
		return 0, false
	}
	all := []time.Duration{0}
	for _, d := range peers {
		all = append(all, d)
	}
	slices.Sort(all)
	var median time.Duration
	if k := len(all); k%2 == 1 {
		median = all[k/2]
	} else {
		median = all[k/2-1]/2 + all[k/2]/2
	}
	return -median, true
}

// outvoted reports whether more of the members that answered (this one
// counted) have clocks more than max from this member's than within it. With
// one member down and one wrong of three, neither of the two left can tell
// which is wrong: neither is outvoted, and the one leading goes on leading.
func outvoted(peers map[string]time.Duration, max time.Duration) bool {
	agree, disagree := 1, 0
	for _, d := range peers {
		if d.Abs() > max {
			disagree++
		} else {
			agree++
		}
	}
	return disagree > agree
}

// clockCollector reports the comparison at scrape time.
type clockCollector struct{ c *Coordinator }

var (
	descClockOffset = prometheus.NewDesc("meadow_clock_offset_seconds", "This member's clock minus the median of the members' clocks, as last compared.", nil, nil)
	descClockSkewed = prometheus.NewDesc("meadow_clock_skewed", "1 while this member's clock is more than the cluster's max clock skew off (it does not lead).", nil, nil)
)

func (k *clockCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descClockOffset
	ch <- descClockSkewed
}

func (k *clockCollector) Collect(ch chan<- prometheus.Metric) {
	r := k.c.Clock()
	skewed := 0.0
	if r.Skewed {
		skewed = 1
	}
	ch <- prometheus.MustNewConstMetric(descClockOffset, prometheus.GaugeValue, float64(r.OffsetMillis)/1000)
	ch <- prometheus.MustNewConstMetric(descClockSkewed, prometheus.GaugeValue, skewed)
}
