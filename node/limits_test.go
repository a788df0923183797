package node

import (
	"strings"
	"testing"
	"time"
)

func TestLimitsValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Limits)
		want   string
	}{
		{name: "defaults", change: func(*Limits) {}},
		{name: "tiny byte cap", change: func(l *Limits) { l.BytesPerDay = 10 }, want: "bytes_per_day 10"},
		{name: "no concurrency", change: func(l *Limits) { l.MaxConcurrent = 0 }, want: "max_concurrent 0"},
		{name: "huge response", change: func(l *Limits) { l.MaxResponseBytes = 2 << 30 }, want: "max_response_bytes"},
		{name: "short timeout", change: func(l *Limits) { l.FetchTimeout = Duration(time.Millisecond) }, want: "fetch_timeout 1ms"},
		{name: "zero rate", change: func(l *Limits) { l.PagesPerMinute = 0 }, want: "pages_per_minute 0"},
		{name: "gpu util", change: func(l *Limits) { l.GPUMaxUtil = 101 }, want: "gpu_max_util 101"},
		{name: "gpu hours", change: func(l *Limits) { l.GPUHours = "night" }, want: `gpu_hours "night"`},
		{name: "gpu hours wrap", change: func(l *Limits) { l.GPUHours = "22-07" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := DefaultLimits()
			tt.change(&l)
			err := l.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v: want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLimitsPersist(t *testing.T) {
	dir := t.TempDir()
	l, err := LoadLimits(dir)
	if err != nil || l != DefaultLimits() {
		t.Fatalf("first load: %+v, %v; want defaults", l, err)
	}
	l.BytesPerDay = 5 << 20
	l.PagesPerMinute = 7
	if err := SaveLimits(dir, l); err != nil {
		t.Fatal(err)
	}
	got, err := LoadLimits(dir)
	if err != nil || got != l {
		t.Fatalf("reload: %+v, %v; want %+v", got, err, l)
	}
	bad := l
	bad.MaxConcurrent = -1
	if err := SaveLimits(dir, bad); err == nil {
		t.Fatal("saving invalid limits succeeded")
	}
	if got, _ := LoadLimits(dir); got != l {
		t.Fatalf("invalid save changed the stored limits: %+v", got)
	}
}

func TestMeterCapsAndRestart(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	l := DefaultLimits()
	l.BytesPerDay = 1 << 20
	l.PagesPerMinute = 3
	m, err := NewMeter(dir, l, clock)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if ok, why := m.Allow(); !ok {
			t.Fatalf("page %d refused: %s", i, why)
		}
		if err := m.Record(1000); err != nil {
			t.Fatal(err)
		}
	}
	if ok, why := m.Allow(); ok || !strings.Contains(why, "page rate cap") {
		t.Fatalf("fourth page in a minute allowed (%v, %q)", ok, why)
	}
	now = now.Add(61 * time.Second)
	if ok, why := m.Allow(); !ok {
		t.Fatalf("after a minute: refused: %s", why)
	}
	if err := m.Record(1 << 20); err != nil {
		t.Fatal(err)
	}
	if ok, why := m.Allow(); ok || !strings.Contains(why, "daily byte cap") {
		t.Fatalf("over the byte cap allowed (%v, %q)", ok, why)
	}

	// A restart keeps today's bytes; the next UTC day starts afresh.
	m2, err := NewMeter(dir, l, clock)
	if err != nil {
		t.Fatal(err)
	}
	if u := m2.Usage(); u.BytesUsed != 3000+1<<20 || u.Pages != 4 {
		t.Fatalf("usage after restart %+v", u)
	}
	now = now.Add(24 * time.Hour)
	if ok, why := m2.Allow(); !ok {
		t.Fatalf("next day refused: %s", why)
	}
	if m2.BytesLeft() != l.BytesPerDay {
		t.Fatalf("bytes left on a new day %d, want %d", m2.BytesLeft(), l.BytesPerDay)
	}
}
