package node

import (
	"strings"
	"testing"
	"time"
)

// TestMeterHours: outside the hours the user allowed, the node takes no
// work and says why; within them (wrapping past midnight) it does.
func TestMeterHours(t *testing.T) {
	l := DefaultLimits()
	l.Hours = "22-07"
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	var now time.Time
	m, err := NewMeter(t.TempDir(), l, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		hour int
		ok   bool
	}{{hour: 21, ok: false}, {hour: 22, ok: true}, {hour: 3, ok: true}, {hour: 7, ok: false}, {hour: 12, ok: false}} {
		now = time.Date(2026, 12, 4, tt.hour, 30, 0, 0, time.Local)
		ok, why := m.Allow()
		if ok != tt.ok || (!ok && !strings.Contains(why, "22-07")) {
			t.Errorf("at %02d:30 local: Allow = %v %q, want %v", tt.hour, ok, why, tt.ok)
		}
	}
	l.Hours = "25-1"
	if err := l.Validate(); err == nil || !strings.Contains(err.Error(), "hours \"25-1\"") {
		t.Errorf("Validate of hours 25-1: %v", err)
	}
}
