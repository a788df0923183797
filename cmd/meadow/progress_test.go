package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestProgressUnits: the bar says what it counts, rows by default, tasks
// for a job's progress.
func TestProgressUnits(t *testing.T) {
	tests := []struct {
		name        string
		unit        string
		done, total int64
		want        string
	}{
		{name: "rows of a file", unit: "", done: 300, total: 1000, want: "300/1000 rows ("},
		{name: "tasks of a job", unit: "tasks", done: 3, total: 24, want: "3/24 tasks ("},
		{name: "total unknown", unit: "tasks", done: 7, total: -1, want: " 7 tasks ("},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			p := &progress{w: &buf, on: true, label: "x", unit: "rows", start: time.Now().Add(-2 * time.Second)}
			if tt.unit != "" {
				p.in(tt.unit)
			}
			p.update(tt.done, tt.total)
			unit := p.unit
			if got := buf.String(); !strings.Contains(got, tt.want) || !strings.Contains(got, " "+unit+"/s)") {
				t.Errorf("bar %q; want %q and a rate in %s/s", got, tt.want, unit)
			}
		})
	}
}
