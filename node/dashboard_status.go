package node

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/meadow-net/meadow/api"
)

// What the dashboard shows of the coordinators' view of this node: its record
// (api.NodeRecord, the type the coordinator writes it with) and its rewards
// (api.NodeRewards, as `meadow node rewards` reads them), refreshed every
// recordEvery; and what the node itself counts: refusals by reason, time
// online.

// recordEvery is how often the node reads its record and rewards back: the
// figures move when a task is verified (seconds) and an epoch is posted
// (hours), and a dashboard refreshes every 2 s.
const recordEvery = 5 * time.Second

// EarningsEpochs is how many of the last posted epochs the dashboard's
// chart shows.
const EarningsEpochs = 30

// EpochEarning is what one posted epoch paid the node: zero for an epoch in
// which it earned nothing.
type EpochEarning struct {
	Epoch uint64 `json:"epoch"`
	Units uint64 `json:"units"`
	// Meadow is in base units (18 decimals), a decimal string as the API
	// carries amounts: what the node's own work earned. Referral, when
	// present, is what it earned that epoch as a referrer.
	Meadow   string `json:"meadow"`
	Referral string `json:"referral,omitempty"`
}

// Notice is a line the dashboard shows above everything else, such as an
// update that is available; Level is "info" or "warn".
type Notice struct {
	Level string `json:"level"`
	Text  string `json:"text"`
}

// coordView is the node's copy of what the coordinators said of it, and its
// own refusal counts; the node's mu guards it.
type coordView struct {
	record  api.NodeRecord
	rewards *api.NodeRewards
	at      time.Time // the last record read
	err     string    // the last read's error, "" after a success
	refused map[string]int64
	notices []Notice
}

func (v *coordView) countRefusal(reason string) {
	if v.refused == nil {
		v.refused = map[string]int64{}
	}
	v.refused[reason]++
}

// uptime adds up the time the node spent reaching a coordinator: every
// state but "offline" and "starting" counts as online.
type uptime struct {
	online      time.Duration // before onlineSince
	onlineSince time.Time     // zero while not online
}

func (u *uptime) note(state string, now time.Time) {
	on := state != "offline" && state != "starting"
	switch {
	case on && u.onlineSince.IsZero():
		u.onlineSince = now
	case !on && !u.onlineSince.IsZero():
		u.online += now.Sub(u.onlineSince)
		u.onlineSince = time.Time{}
	}
}

func (u uptime) total(now time.Time) time.Duration {
	if u.onlineSince.IsZero() {
		return u.online
	}
	return u.online + now.Sub(u.onlineSince)
}

// SetNotices replaces the notices the dashboard shows (an update that is
// available, a cap the user should know of).
func (n *Node) SetNotices(ns []Notice) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.view.notices = append([]Notice(nil), ns...)
}

// rewardsEvery is how often the node reads its rewards back when nothing
// says they changed: they change only when an epoch is posted (hours), and
// one that paid the node shows in its record first (units move from pending
// to settled).
const rewardsEvery = time.Minute

// refreshRecord keeps the coordinators' view of this node (accepted rows,
// work units, reputation, rewards by epoch) for the dashboard. Both reads
// are served by whichever member answers, from its own state: a dashboard
// needs no barrier on the leader, and thousands of nodes asking every few
// seconds must not put one there.
func (n *Node) refreshRecord(ctx context.Context) {
	addr := strings.ToLower(n.id.Address.Hex())
	var rewardsAt time.Time
	for ctx.Err() == nil {
		rec, err := n.client.Record(ctx, addr)
		var rw *api.NodeRewards
		if err == nil {
			n.mu.Lock()
			prev, have := n.view.record, n.view.rewards != nil
			n.mu.Unlock()
			settled := func(r api.NodeRecord) uint64 { return r.Units - r.PendingUnits }
			if !have || time.Since(rewardsAt) >= rewardsEvery || settled(rec) != settled(prev) {
				r, rerr := n.client.dashboardRewards(ctx, addr)
				if rerr == nil {
					rw, rewardsAt = &r, time.Now()
				} else {
					n.log.Debug("reading the node's rewards", "err", rerr)
				}
			}
		}
		if ctx.Err() != nil {
			return
		}
		n.mu.Lock()
		if err == nil {
			n.view.record, n.view.at, n.view.err = rec, time.Now(), ""
			if rw != nil {
				n.view.rewards = rw
			}
		} else {
			n.view.err = err.Error()
			n.log.Debug("reading the node's record", "err", err)
		}
		n.mu.Unlock()
		sleep(ctx, recordEvery)
	}
}

// dashboardRewards reads the node's rewards from whichever member answers
// (Client.Rewards asks the leader after a barrier, as a claim needs).
func (c *Client) dashboardRewards(ctx context.Context, addr string) (api.NodeRewards, error) {
	var out api.NodeRewards
	if err := c.Get(ctx, routeRecord+addr+"/rewards", &out); err != nil {
		return out, err
	}
	return out, out.Validate()
}

// Status reports the node's state for the dashboard and `meadow node status`.
func (n *Node) Status() Status {
	wc := n.wasm.cacheStats()
	n.mu.Lock()
	defer n.mu.Unlock()
	now := time.Now()
	u := n.meter.Usage()
	l := n.meter.Limits()
	rec := n.view.record
	s := Status{
		Address: n.id.Address.Hex(), Operator: n.cfg.Operator, Referrer: rec.Referrer, Version: n.cfg.Version, Command: n.cfg.command(),
		State: n.state, Reason: n.reason, Coordinator: n.client.Current(), Started: n.started,
		UptimeSeconds: int64(now.Sub(n.started) / time.Second), OnlineSeconds: int64(n.uptime.total(now) / time.Second),
		TasksDone: n.tasksDone.Load(), TasksAccepted: rec.Tasks, RowsAccepted: rec.RowsAccepted, RowsRejected: rec.RowsRejected,
		WorkUnits: rec.Units, PendingUnits: rec.PendingUnits, Reputation: rec.Reputation,
		SettledMeadow: "0", SettledStable: "0", Earnings: []EpochEarning{},
		RecordAt: n.view.at, RecordError: n.view.err,
		BytesToday: u.BytesUsed, BytesPerDay: l.BytesPerDay, PagesToday: u.Pages, Limits: l,
		Refusals: append([]Refuse(nil), n.refusals...), RefusalCounts: map[string]int64{},
		Update:      n.update.Load(),
		Notices:     append([]Notice{}, n.view.notices...),
		WasmModules: append([]string{}, n.wasm.modules()...),
		WasmCache:   wc,
	}
	for k, v := range n.view.refused {
		s.RefusalCounts[k] = v
	}
	if r := n.view.rewards; r != nil {
		s.Epoch, s.SettledMeadow, s.SettledStable = r.Epoch, r.Meadow, r.Stable
		s.Earnings = LastEpochs(*r, EarningsEpochs)
	}
	if n.paused {
		s.State, s.Reason = "paused", "paused by the user"
	}
	for _, g := range n.devices.GPUs {
		s.GPUs = append(s.GPUs, g.Model)
	}
	return s
}

// LastEpochs is what each of the last k posted epochs paid the node, oldest
// first, with zeros for the epochs that paid it nothing (r.History lists only
// those that paid).
func LastEpochs(r api.NodeRewards, k int) []EpochEarning {
	out := []EpochEarning{}
	if r.Epoch == 0 || k <= 0 {
		return out
	}
	first := uint64(1)
	if r.Epoch > uint64(k) {
		first = r.Epoch - uint64(k) + 1
	}
	paid := make(map[uint64]api.EpochPayout, len(r.History))
	for _, h := range r.History {
		paid[h.Epoch] = h
	}
	for e := first; e <= r.Epoch; e++ {
		ee := EpochEarning{Epoch: e, Meadow: "0"}
		if h, ok := paid[e]; ok {
			ee.Units, ee.Meadow, ee.Referral = h.Units, h.Meadow, h.Referral
		}
		out = append(out, ee)
	}
	return out
}

// FormatAmount writes base units (a decimal string) as tokens of decimals
// decimals cut to 4 places, as `meadow node rewards` writes them: "1234500"
// with 6 decimals is "1.2345". Anything else comes back as it is.
func FormatAmount(base string, decimals int) string {
	v, ok := new(big.Int).SetString(base, 10)
	if !ok || v.Sign() < 0 || decimals < 0 {
		return base
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)
	whole, frac := new(big.Int).QuoRem(v, scale, new(big.Int))
	f := new(big.Int).Div(new(big.Int).Mul(frac, big.NewInt(10_000)), scale)
	return fmt.Sprintf("%s.%04d", whole, f.Int64())
}

// FormatDuration writes a duration the way the dashboard shows uptime:
// "3d 4h", "4h 12m", "12m 5s".
func FormatDuration(d time.Duration) string {
	s := int64(d / time.Second)
	switch {
	case s >= 86400:
		return fmt.Sprintf("%dd %dh", s/86400, s%86400/3600)
	case s >= 3600:
		return fmt.Sprintf("%dh %dm", s/3600, s%3600/60)
	default:
		return fmt.Sprintf("%dm %ds", s/60, s%60)
	}
}

// refusalHelp says, for the dashboard, what each refusal reason means for
// the user.
var refusalHelp = map[string]string{
	string(api.RefusedUnsafeAddress): "resolved to a private or local address: never fetched, so your network stays out of reach",
	string(api.RefusedScheme):        "not http or https",
	string(api.RefusedRobots):        "the site's robots.txt forbids it",
	string(api.RefusedTooLarge):      "larger than your response size cap",
	string(api.RefusedTimeout):       "took longer than your fetch timeout",
	string(api.RefusedHTTPError):     "the connection or the protocol failed",
	string(api.RefusedCapReached):    "your daily byte cap was spent",
}
