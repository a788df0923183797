package node

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// LimitsFile and UsageFile hold, in the data dir, the user's caps and what
// the node has used of them today, so that both survive a restart.
const (
	LimitsFile = "limits.json"
	UsageFile  = "usage.json"
)

// Limits are the caps a home user sets. The node never exceeds them; when
// one is reached it stops taking work and says which.
type Limits struct {
	BytesPerDay      int64    `json:"bytes_per_day"`      // downloaded bytes per UTC day
	MaxConcurrent    int      `json:"max_concurrent"`     // fetches at once
	MaxResponseBytes int64    `json:"max_response_bytes"` // one response's body
	FetchTimeout     Duration `json:"fetch_timeout"`      // one fetch, start to end
	PagesPerMinute   int      `json:"pages_per_minute"`   // pages fetched in any minute
	GPUMaxUtil       int      `json:"gpu_max_util"`       // GPU work only while utilization (%) is below this
	GPUHours         string   `json:"gpu_hours"`          // "HH-HH" local hours GPU work may run; empty means always
	Hours            string   `json:"hours,omitempty"`    // "HH-HH" local hours the node takes any work; empty means always
	// NoWasm turns off buyers' WebAssembly modules (docs/wasm.md), which
	// run sandboxed: no files, network or clock of this machine, within
	// memory, fuel and output caps. On by default.
	NoWasm bool `json:"no_wasm,omitempty"`
}

// DefaultLimits are modest enough not to be felt on a home connection.
func DefaultLimits() Limits {
	return Limits{
		BytesPerDay:      2 << 30,
		MaxConcurrent:    4,
		MaxResponseBytes: 5 << 20,
		FetchTimeout:     Duration(20 * time.Second),
		PagesPerMinute:   120,
		GPUMaxUtil:       10,
	}
}

// Validate checks each cap, naming the setting and the expected range.
func (l Limits) Validate() error {
	var errs []error
	if l.BytesPerDay < 1<<20 {
		errs = append(errs, fmt.Errorf("node: bytes_per_day %d: expected at least 1048576 (1 MiB)", l.BytesPerDay))
	}
	if l.MaxConcurrent < 1 || l.MaxConcurrent > 64 {
		errs = append(errs, fmt.Errorf("node: max_concurrent %d: expected 1 to 64", l.MaxConcurrent))
	}
	if l.MaxResponseBytes < 1<<10 || l.MaxResponseBytes > 1<<30 {
		errs = append(errs, fmt.Errorf("node: max_response_bytes %d: expected 1 KiB to 1 GiB", l.MaxResponseBytes))
	}
	if d := time.Duration(l.FetchTimeout); d < time.Second || d > 10*time.Minute {
		errs = append(errs, fmt.Errorf("node: fetch_timeout %s: expected 1s to 10m", d))
	}
	if l.PagesPerMinute < 1 || l.PagesPerMinute > 100000 {
		errs = append(errs, fmt.Errorf("node: pages_per_minute %d: expected 1 to 100000", l.PagesPerMinute))
	}
	if l.GPUMaxUtil < 0 || l.GPUMaxUtil > 100 {
		errs = append(errs, fmt.Errorf("node: gpu_max_util %d: expected 0 to 100 (percent)", l.GPUMaxUtil))
	}
	if l.GPUHours != "" {
		if _, _, err := ParseHours(l.GPUHours); err != nil {
			errs = append(errs, err)
		}
	}
	if l.Hours != "" {
		if _, _, err := ParseHours(l.Hours); err != nil {
			errs = append(errs, fmt.Errorf("node: hours %q: expected HH-HH with hours 0 to 24, e.g. 22-07", l.Hours))
		}
	}
	return errors.Join(errs...)
}

// ParseHours reads "HH-HH" (start inclusive, end exclusive, wrapping past
// midnight when end < start).
func ParseHours(s string) (start, end int, err error) {
	if _, err := fmt.Sscanf(s, "%d-%d", &start, &end); err != nil || start < 0 || start > 23 || end < 0 || end > 24 || start == end {
		return 0, 0, fmt.Errorf("node: gpu_hours %q: expected HH-HH with hours 0 to 24, e.g. 22-07", s)
	}
	return start, end, nil
}

// inHours reports whether t's hour is within hours ("HH-HH" as
// ParseHours reads it; empty or unreadable: always).
func inHours(t time.Time, hours string) bool {
	from, to, err := ParseHours(hours)
	if hours == "" || err != nil {
		return true
	}
	h := t.Hour()
	if from < to {
		return h >= from && h < to
	}
	return h >= from || h < to
}

// Duration is a time.Duration that reads and writes as "20s" in JSON.
type Duration time.Duration

// MarshalText writes the duration like time.Duration.String.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText reads a duration such as "20s" or "1m30s".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("duration %q: expected a Go duration such as 20s: %w", b, err)
	}
	*d = Duration(v)
	return nil
}

// LoadLimits reads the persisted caps, or returns the defaults when none were
// saved yet.
func LoadLimits(dataDir string) (Limits, error) {
	l := DefaultLimits()
	path := filepath.Join(dataDir, LimitsFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return l, fmt.Errorf("node: limits %s: %w", path, err)
	}
	if err := strictJSON(data, &l); err != nil {
		return l, fmt.Errorf("node: limits %s: %w", path, err)
	}
	if err := l.Validate(); err != nil {
		return l, fmt.Errorf("node: limits %s: %w", path, err)
	}
	return l, nil
}

// SaveLimits validates and persists the caps.
func SaveLimits(dataDir string, l Limits) error {
	if err := l.Validate(); err != nil {
		return err
	}
	return writeJSONAtomic(filepath.Join(dataDir, LimitsFile), l)
}

// Usage is what the node has used of its caps.
type Usage struct {
	Day       string `json:"day"` // UTC date, YYYY-MM-DD
	BytesUsed int64  `json:"bytes_used"`
	Pages     int64  `json:"pages"`
}

// Meter counts use against the caps. It persists the day's counters so that a
// restart does not reset them, and keeps the per-minute page window in memory.
type Meter struct {
	mu     sync.Mutex
	path   string
	now    func() time.Time
	limits Limits
	usage  Usage
	recent []time.Time // fetch times within the last minute
}

// NewMeter loads today's usage from dataDir. now is the clock (time.Now in
// production).
func NewMeter(dataDir string, limits Limits, now func() time.Time) (*Meter, error) {
	m := &Meter{path: filepath.Join(dataDir, UsageFile), now: now, limits: limits}
	data, err := os.ReadFile(m.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("node: usage %s: %w", m.path, err)
	default:
		if err := strictJSON(data, &m.usage); err != nil {
			return nil, fmt.Errorf("node: usage %s: %w", m.path, err)
		}
	}
	m.rollDay()
	return m, nil
}

func (m *Meter) rollDay() {
	today := m.now().UTC().Format(time.DateOnly)
	if m.usage.Day != today {
		m.usage = Usage{Day: today}
	}
}

// SetLimits replaces the caps (after the user changed them).
func (m *Meter) SetLimits(l Limits) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.limits = l
}

// Limits returns the caps in force.
func (m *Meter) Limits() Limits {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.limits
}

// Allow reports whether the node may take more work now; when it may not,
// reason says which cap was reached.
func (m *Meter) Allow() (ok bool, reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rollDay()
	if m.usage.BytesUsed >= m.limits.BytesPerDay {
		return false, fmt.Sprintf("daily byte cap reached: %d of %d bytes used today (UTC)", m.usage.BytesUsed, m.limits.BytesPerDay)
	}
	if !inHours(m.now().Local(), m.limits.Hours) {
		return false, fmt.Sprintf("outside the hours you allowed the node to work (%s, local time)", m.limits.Hours)
	}
	m.trim()
	if len(m.recent) >= m.limits.PagesPerMinute {
		return false, fmt.Sprintf("page rate cap reached: %d pages in the last minute", len(m.recent))
	}
	return true, ""
}

// BytesLeft is how many bytes the node may still download today.
func (m *Meter) BytesLeft() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rollDay()
	return max(0, m.limits.BytesPerDay-m.usage.BytesUsed)
}

func (m *Meter) trim() {
	cut := m.now().Add(-time.Minute)
	i := 0
	for i < len(m.recent) && m.recent[i].Before(cut) {
		i++
	}
	m.recent = m.recent[i:]
}

// Record counts one fetched page of n bytes and persists the day's usage.
func (m *Meter) Record(n int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rollDay()
	m.usage.BytesUsed += n
	m.usage.Pages++
	m.recent = append(m.recent, m.now())
	return writeJSONAtomic(m.path, m.usage)
}

// RecordBytes counts n downloaded bytes that are not a page (a compute
// task's input from the coordinators) and persists the day's usage.
func (m *Meter) RecordBytes(n int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rollDay()
	m.usage.BytesUsed += n
	return writeJSONAtomic(m.path, m.usage)
}

// Usage returns today's counters.
func (m *Meter) Usage() Usage {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rollDay()
	return m.usage
}

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// writeJSONAtomic writes v to path through a temporary file and a rename, so a
// crash leaves either the old or the new content.
func writeJSONAtomic(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("node: %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("node: %s: %w", path, err)
	}
	return nil
}
