package coord

import (
	"fmt"
	"log/slog"
	"testing"
	"time"
)

func TestConsoleErrorRing(t *testing.T) {
	ring := &errorRing{}
	// The coordinator's own handler logs nothing at all: the ring still
	// keeps the errors.
	log := slog.New(newRingHandler(slog.DiscardHandler, ring)).With("component", "coord")
	log.Warn("not an error")
	log.Error("failed to heartbeat to", "peer", "a", "backoff", "10ms")
	log.WithGroup("g").Error("request failed", "path", "/v1/x")
	log.Error("failed to heartbeat to", "peer", "a", "backoff", "20ms")
	got := ring.list()
	if len(got) != 2 {
		t.Fatalf("%d records, want 2 (the warning left out, the repeat folded): %+v", len(got), got)
	}
	if got[0].Message != "failed to heartbeat to" || got[0].Count != 2 || got[0].Attrs != "component=coord peer=a backoff=20ms" || got[0].FirstMillis > got[0].TimeMillis {
		t.Errorf("newest %+v: want the heartbeat error twice, with the last attributes", got[0])
	}
	if got[1].Message != "request failed" || got[1].Count != 1 || got[1].Attrs != "component=coord g.path=/v1/x" {
		t.Errorf("second %+v", got[1])
	}
	for i := range consoleErrors + 5 {
		log.Error(fmt.Sprintf("error %d", i))
	}
	got = ring.list()
	if len(got) != consoleErrors || got[0].Message != fmt.Sprintf("error %d", consoleErrors+4) || got[len(got)-1].Message != "error 5" {
		t.Fatalf("after %d more: %d kept, newest %q, oldest %q", consoleErrors+5, len(got), got[0].Message, got[len(got)-1].Message)
	}
	if (*errorRing)(nil).list() == nil {
		t.Fatal("a nil ring lists nil, want an empty list (JSON [])")
	}
}

func TestConsoleRates(t *testing.T) {
	var r rateSampler
	if got := r.rates(time.Now(), 3, 1); got != (ConsoleRates{Tasks: 3, Verdicts: 1}) {
		t.Fatalf("no samples: %+v, want the totals given and no rate", got)
	}
	t0 := time.Unix(1_000_000, 0)
	r.add(t0, 0, 0)
	r.add(t0.Add(10*time.Second), 10, 5)
	if got := r.rates(t0.Add(10*time.Second), 10, 5); got.WindowSeconds != 10 || got.TasksPerSecond != 1 || got.VerdictsPerSecond != 0.5 || got.Tasks != 10 || got.Verdicts != 5 {
		t.Fatalf("over 10 s: %+v", got)
	}
	for s := 11; s <= 200; s++ {
		r.add(t0.Add(time.Duration(s)*time.Second), 10, 5)
	}
	got := r.rates(t0.Add(200*time.Second), 10, 5)
	if got.WindowSeconds < rateWindow.Seconds() || got.WindowSeconds > rateWindow.Seconds()+1 || got.TasksPerSecond != 0 {
		t.Fatalf("after 200 s of nothing: %+v, want a full window of no change", got)
	}
	// A verdict since the last sample counts at once.
	if got := r.rates(t0.Add(200*time.Second), 10, 6); got.Verdicts != 6 || got.VerdictsPerSecond <= 0 {
		t.Fatalf("a verdict after the last sample: %+v, want it in the total and the rate", got)
	}
	if len(r.samples) > int(rateWindow/rateEvery)+2 {
		t.Fatalf("%d samples kept, want about a window's", len(r.samples))
	}
}
