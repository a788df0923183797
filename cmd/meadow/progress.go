package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// progress shows how far long work has got: a line redrawn in place on a
// terminal, nothing otherwise (scripts read --json output instead).
type progress struct {
	w     io.Writer
	on    bool
	label string
	unit  string // what done and total count: "rows" unless set with in
	start time.Time
	last  time.Time
}

func newProgress(w io.Writer, want bool, label string) *progress {
	on := false
	if f, ok := w.(*os.File); ok && want {
		on = term.IsTerminal(int(f.Fd()))
	}
	return &progress{w: w, on: on, label: label, unit: "rows", start: time.Now()}
}

// in sets the unit the counts are in ("tasks" for a job's progress, which
// counts finished tasks, not rows).
func (p *progress) in(unit string) *progress {
	p.unit = unit
	return p
}

// update redraws the line at most ten times a second; total < 0 when unknown.
func (p *progress) update(done, total int64) {
	if !p.on || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	rate := float64(done) / max(time.Since(p.start).Seconds(), 1e-3)
	if total > 0 {
		const width = 30
		filled := int(float64(width) * float64(done) / float64(total))
		filled = min(filled, width)
		bar := make([]byte, width)
		for i := range bar {
			bar[i] = '.'
			if i < filled {
				bar[i] = '='
			}
		}
		fmt.Fprintf(p.w, "\r%s [%s] %d/%d %s (%s) ", p.label, bar, done, total, p.unit, p.rate(rate))
		return
	}
	fmt.Fprintf(p.w, "\r%s %d %s (%s) ", p.label, done, p.unit, p.rate(rate))
}

// rate says how many units a second, with a decimal when few (tasks take
// seconds each, rows microseconds).
func (p *progress) rate(r float64) string {
	if r < 10 {
		return fmt.Sprintf("%.1f %s/s", r, p.unit)
	}
	return fmt.Sprintf("%.0f %s/s", r, p.unit)
}

func (p *progress) done() {
	if p.on && !p.last.IsZero() {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
