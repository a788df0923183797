package compute

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Clock is the time source of the idle gate; tests inject a fake one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// UtilizationSource reports how busy the GPUs are with other people's work,
// in percent; *NVML implements it.
type UtilizationSource interface {
	Utilization() (int, error)
}

// IdleConfig says when GPU work is allowed.
type IdleConfig struct {
	// MaxUtilization: GPU work runs only while the GPUs' utilization by
	// others is under this many percent (1 to 100; default 10).
	MaxUtilization int `json:"max_utilization"`
	// FromHour and ToHour bound the hours of the day, in Location, when GPU
	// work may run: [FromHour, ToHour), wrapping past midnight when FromHour
	// > ToHour (22 to 7 is the night). Equal values mean any hour.
	FromHour int `json:"from_hour"`
	ToHour   int `json:"to_hour"`
	// PollInterval is how often Wait samples utilization (default 5s, at
	// least 100ms).
	PollInterval time.Duration `json:"poll_interval"`
	// Cooldown is how long utilization must stay under MaxUtilization after
	// the user was last seen on the GPU before work resumes (default 60s).
	Cooldown time.Duration `json:"cooldown"`
	// Location is the time zone of the hours; nil means the machine's.
	Location *time.Location `json:"-"`
}

// DefaultIdleConfig returns the defaults: under 10% utilization, any hour,
// polled every 5 s, resuming after a minute of idleness.
func DefaultIdleConfig() IdleConfig {
	return IdleConfig{MaxUtilization: 10, PollInterval: 5 * time.Second, Cooldown: time.Minute}
}

// Validate checks the settings; errors wrap ErrGateConfig and name the field.
func (c IdleConfig) Validate() error {
	switch {
	case c.MaxUtilization < 1 || c.MaxUtilization > 100:
		return fmt.Errorf("%w: max_utilization %d: expected 1 to 100 (percent)", ErrGateConfig, c.MaxUtilization)
	case c.FromHour < 0 || c.FromHour > 23:
		return fmt.Errorf("%w: from_hour %d: expected 0 to 23", ErrGateConfig, c.FromHour)
	case c.ToHour < 0 || c.ToHour > 23:
		return fmt.Errorf("%w: to_hour %d: expected 0 to 23", ErrGateConfig, c.ToHour)
	case c.PollInterval < 100*time.Millisecond:
		return fmt.Errorf("%w: poll_interval %s: expected at least 100ms", ErrGateConfig, c.PollInterval)
	case c.Cooldown < 0:
		return fmt.Errorf("%w: cooldown %s: expected 0 or more", ErrGateConfig, c.Cooldown)
	}
	return nil
}

// GateState is the outcome of one check of the idle gate.
type GateState struct {
	Allowed     bool      `json:"allowed"`
	Reason      string    `json:"reason"`      // why not, or "idle"
	Utilization int       `json:"utilization"` // percent, -1 when not read
	CheckedAt   time.Time `json:"checked_at"`
}

// IdleGate allows GPU work only while the GPU is idle and within the
// allowed hours. Kernels call Wait before each GPU batch, so work pauses
// within one batch of the user starting to use the GPU. It is safe for
// concurrent use.
type IdleGate struct {
	cfg   IdleConfig
	src   UtilizationSource
	clock Clock

	mu       sync.Mutex
	busyRun  int       // consecutive readings at or over the threshold
	lastBusy time.Time // when the user was last seen on the GPU
	seenBusy bool
	last     GateState
}

// busyConfirm is how many consecutive readings over the threshold mark the
// user as present (and start the cooldown). One is not enough: NVML's
// per-process samples lag the device's by up to a second, so the first
// reading after Meadow's own kernels start can count them as someone
// else's (seen on an H100: 65% once, then 0-2%). A single high reading still
// holds GPU work back; it just does not cost a whole cooldown.
const busyConfirm = 2

// NewIdleGate returns a gate over src's utilization readings.
func NewIdleGate(cfg IdleConfig, src UtilizationSource, clock Clock) (*IdleGate, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if src == nil {
		return nil, fmt.Errorf("%w: no utilization source", ErrGateConfig)
	}
	if clock == nil {
		clock = SystemClock{}
	}
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	return &IdleGate{cfg: cfg, src: src, clock: clock}, nil
}

// Check samples the GPU now and says whether GPU work may run.
func (g *IdleGate) Check() GateState {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.clock.Now()
	st := GateState{Utilization: -1, CheckedAt: now}
	if !g.inHours(now) {
		st.Reason = fmt.Sprintf("outside the allowed hours %02d:00-%02d:00", g.cfg.FromHour, g.cfg.ToHour)
		g.last = st
		return st
	}
	u, err := g.src.Utilization()
	if err != nil {
		// Fail safe: when the GPU cannot be read, leave it alone.
		st.Reason = "cannot read GPU utilization: " + err.Error()
		g.last = st
		return st
	}
	st.Utilization = u
	if u < g.cfg.MaxUtilization {
		g.busyRun = 0
	}
	switch {
	case u >= g.cfg.MaxUtilization:
		if g.busyRun++; g.busyRun >= busyConfirm {
			g.lastBusy, g.seenBusy = now, true
		}
		st.Reason = fmt.Sprintf("GPU in use: %d%% utilization, limit %d%%", u, g.cfg.MaxUtilization)
	case g.seenBusy && now.Sub(g.lastBusy) < g.cfg.Cooldown:
		st.Reason = fmt.Sprintf("GPU was in use %s ago; resuming after %s idle", now.Sub(g.lastBusy).Round(time.Second), g.cfg.Cooldown)
	default:
		st.Allowed, st.Reason = true, "idle"
	}
	g.last = st
	return st
}

// Allowed reports whether GPU work may run now (it samples the GPU).
func (g *IdleGate) Allowed() bool { return g.Check().Allowed }

// Last returns the most recent check without sampling again.
func (g *IdleGate) Last() GateState {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.last
}

// Wait returns once GPU work is allowed, polling every PollInterval, or
// with ctx's error when ctx ends first.
func (g *IdleGate) Wait(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if g.Allowed() {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-g.clock.After(g.cfg.PollInterval):
		}
	}
}

func (g *IdleGate) inHours(now time.Time) bool {
	from, to := g.cfg.FromHour, g.cfg.ToHour
	if from == to {
		return true
	}
	h := now.In(g.cfg.Location).Hour()
	if from < to {
		return h >= from && h < to
	}
	return h >= from || h < to
}
