package coord

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
)

// Admission control on the leader (docs/ARCHITECTURE.md, "Admission
// control"). Past the knee of one Raft group (internal/scalesim), every
// write the leader accepts makes every other one slower: requests queue for
// the CPU, clients' per-attempt timeouts (api.DefaultAttemptTimeout, 3 s)
// fire, and each timeout is a retry, so useful work falls by an order of
// magnitude while the CPU stays full. The leader therefore runs at most
// Config.MaxWrites writes at once; a write that finds no slot within
// Config.AdmitWait is answered 429 rate_limited with a Retry-After of 1–3 s
// (jittered, so that the refused do not come back together) before anything
// of it is opened: no signature recovered, no body read. Clients wait the
// Retry-After and try again (api.Client does), and the work done stays at
// what the group can do: a plateau, not a cliff.
//
// Cluster routes (membership, signing, settlement) are the operators' and
// are never refused: they are rare and must go through when the network is
// busiest.

// DefaultMaxWrites is the default Config.MaxWrites. A write costs the
// leader about 2.5 ms of CPU at the knee (docs/BENCHMARKS.md, "Raft scale
// simulation"): 256 of them are 0.6 s of one core's work, well inside a
// client's 3 s attempt, and on 16 cores still allow ~6,000 writes/s, past
// what one group's apply goroutine takes (4,000–4,500 leases/s).
const DefaultMaxWrites = 256

// admission is the leader's bound on writes in progress.
type admission struct {
	slots   chan struct{}
	wait    time.Duration
	refused prometheus.Counter
}

// newAdmission returns the bound of cfg, nil when cfg.MaxWrites is 0 (no
// bound).
func newAdmission(cfg Config, reg prometheus.Registerer) *admission {
	if cfg.MaxWrites <= 0 {
		return nil
	}
	a := &admission{
		slots: make(chan struct{}, cfg.MaxWrites),
		wait:  cfg.AdmitWait,
		refused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "meadow_writes_refused_total",
			Help: "Writes this member refused as leader with 429 because max_writes were already in progress for admit_wait (admission control).",
		}),
	}
	inFlight := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "meadow_writes_in_flight",
		Help: "Writes this member is running as leader now (at most max_writes).",
	}, func() float64 { return float64(len(a.slots)) })
	reg.MustRegister(a.refused, inFlight)
	return a
}

// enter takes a slot, waiting up to a.wait for one; it reports false when
// none came free. A nil admission admits everything.
func (a *admission) enter() bool {
	if a == nil {
		return true
	}
	select {
	case a.slots <- struct{}{}:
		return true
	default:
	}
	if a.wait <= 0 {
		return false
	}
	t := time.NewTimer(a.wait)
	defer t.Stop()
	select {
	case a.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	}
}

// leave gives back the slot enter took.
func (a *admission) leave() {
	if a != nil {
		<-a.slots
	}
}

// exempt reports whether a path is an operator route admission never
// refuses.
func exemptFromAdmission(path []byte) bool {
	return strings.HasPrefix(string(path), "/v1/cluster/")
}

// refuse answers a write the leader has no room for.
func (a *admission) refuse(c *Coordinator, ctx *fasthttp.RequestCtx) {
	a.refused.Inc()
	retry := 1 + rand.IntN(3)
	ctx.Response.Header.Set("Retry-After", strconv.Itoa(retry))
	c.replyStatus(ctx, fasthttp.StatusTooManyRequests, api.ErrorDetail{
		Code: api.CodeRateLimited,
		Message: "coord: the leader is running " + strconv.Itoa(cap(a.slots)) + " writes (max_writes) and none finished within " +
			a.wait.String() + " (admit_wait): try again after " + strconv.Itoa(retry) + " s (Retry-After)",
	})
}
