package wasm

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

// failureOf returns err as a *Failure, failing the test otherwise.
func failureOf(t *testing.T, err error) *Failure {
	t.Helper()
	var f *Failure
	if !errors.As(err, &f) {
		t.Fatalf("error %v (%T): expected a *Failure", err, err)
	}
	return f
}

// TestHostileGo runs the Go test module in each of its misbehaving modes.
func TestHostileGo(t *testing.T) {
	before := runtime.NumGoroutine()
	r := sharedRuntime(t, false)
	m := mustLoad(t, r, goModule(t, "hostile"))
	tests := []struct {
		name     string
		texts    []string
		cols     []Column
		lim      func(*Limits)
		kind     Kind // "" for success
		code     uint32
		row      int
		field    string
		msg      string // in the failure's message
		stderr   string // in the failure's stderr
		maxErr   int    // the failure's stderr is at most this long
		wantRows []string
	}{
		{name: "echo", texts: []string{"echo", "héllo", "a\nb\"c"}, wantRows: []string{"ECHO", "HÉLLO", "A\nB\"C"}},
		{name: "infinite loop", texts: []string{"loop"}, kind: KindFuelExhausted},
		{name: "memory bomb", texts: []string{"alloc"}, lim: func(l *Limits) { l.MemoryPages = 1024; l.Fuel = 2_000_000_000 }, kind: KindMemoryExceeded},
		{name: "huge output", texts: []string{"output"}, lim: func(l *Limits) { l.MaxOutputBytes = 1 << 20 }, kind: KindOutputTooLarge},
		{name: "deep recursion", texts: []string{"recurse"}, kind: KindTrap, msg: "call depth exceeded"},
		{name: "exit 0 without output", texts: []string{"exit:0"}, kind: KindBadOutput, row: 0, msg: "no output line"},
		{name: "exit 1", texts: []string{"exit:1"}, kind: KindExitCode, code: 1},
		{name: "exit 255", texts: []string{"exit:255"}, kind: KindExitCode, code: 255},
		{name: "panic", texts: []string{"panic"}, kind: KindExitCode, code: 2, stderr: "panic: boom"},
		{name: "stderr is bounded", texts: []string{"stderr"}, lim: func(l *Limits) { l.MaxStderr = 100 }, kind: KindExitCode, code: 1, stderr: "line 0 of a lot", maxErr: 100},
		{name: "wrong type", texts: []string{"badtype", "x"}, kind: KindBadOutput, row: 0, field: "result", msg: "a number, expected a string"},
		{name: "missing rows", texts: []string{"missing", "x", "y"}, kind: KindBadOutput, row: 1, msg: "wrote 1 lines for 3 input rows"},
		{name: "extra rows", texts: []string{"extra", "x"}, kind: KindBadOutput, row: 2, msg: "wrote 3 lines for 2 input rows"},
		{name: "unknown field", texts: []string{"unknown"}, kind: KindBadOutput, row: 0, field: "other", msg: "not a declared output column"},
		{name: "missing field", texts: []string{"nofield"}, kind: KindBadOutput, row: 0, field: "result", msg: "missing"},
		{name: "float bool and lists", texts: []string{"float", "b"}, cols: []Column{
			{Name: "result", Type: TypeString}, {Name: "x", Type: TypeFloat64}, {Name: "ok", Type: TypeBool},
			{Name: "tags", Type: TypeStringList}, {Name: "ns", Type: TypeInt64List},
		}},
		{name: "wall time", texts: []string{"loop"}, lim: func(l *Limits) { l.Fuel = 1 << 62; l.WallTime = 200 * time.Millisecond }, kind: KindWallTime},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := testLimits()
			if tt.lim != nil {
				tt.lim(&lim)
			}
			cols := resultCol
			if tt.cols != nil {
				cols = tt.cols
			}
			res, err := m.Run(context.Background(), "text", tt.texts, cols, lim)
			if tt.kind == "" {
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				if len(res.Rows) != len(tt.texts) {
					t.Fatalf("%d rows for %d texts", len(res.Rows), len(tt.texts))
				}
				for i, w := range tt.wantRows {
					if res.Rows[i][0] != w {
						t.Errorf("row %d: %q, want %q", i, res.Rows[i][0], w)
					}
				}
				if res.FuelUsed == 0 || res.InputBytes == 0 || res.OutputBytes == 0 {
					t.Errorf("result %+v: expected fuel, input and output counted", res)
				}
				return
			}
			if err == nil {
				t.Fatalf("Run succeeded with %d rows; expected a %s failure", len(res.Rows), tt.kind)
			}
			f := failureOf(t, err)
			if f.Kind != tt.kind {
				t.Fatalf("failure %v (stderr %q): kind %s, want %s", f, f.Stderr, f.Kind, tt.kind)
			}
			if f.Kind.Deterministic() != (tt.kind != KindWallTime) {
				t.Errorf("kind %s: Deterministic() = %v", f.Kind, f.Kind.Deterministic())
			}
			if tt.kind == KindExitCode && f.ExitCode != tt.code {
				t.Errorf("exit code %d, want %d", f.ExitCode, tt.code)
			}
			if tt.kind == KindBadOutput && (f.Row != tt.row || f.Field != tt.field) {
				t.Errorf("failure at row %d field %q, want row %d field %q (%v)", f.Row, f.Field, tt.row, tt.field, f)
			}
			if !strings.Contains(f.Message, tt.msg) {
				t.Errorf("message %q: expected it to contain %q", f.Message, tt.msg)
			}
			if !strings.Contains(f.Stderr, tt.stderr) {
				t.Errorf("stderr %q: expected it to contain %q", f.Stderr, tt.stderr)
			}
			if tt.maxErr > 0 && len(f.Stderr) > tt.maxErr {
				t.Errorf("stderr kept %d bytes, limit %d", len(f.Stderr), tt.maxErr)
			}
			if tt.kind == KindFuelExhausted && res.FuelUsed != lim.Fuel {
				t.Errorf("fuel used %d on exhaustion, want the limit %d", res.FuelUsed, lim.Fuel)
			}
		})
	}

	// The node keeps working: a well-behaved run in the same Runtime.
	res, err := m.Run(context.Background(), "text", []string{"echo", "still fine"}, resultCol, testLimits())
	if err != nil || res.Rows[1][0] != "STILL FINE" {
		t.Fatalf("after the hostile runs: %v, %v", res.Rows, err)
	}
	waitGoroutines(t, before)
}

// waitGoroutines fails unless the goroutine count comes back to at most
// before within a few seconds.
func waitGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= before {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, %d before: a leak?\n%s", n, before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
