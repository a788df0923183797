package coord

import (
	"bytes"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/go-hclog"
)

// TestRaftLevels: Raft's routine election and catch-up warnings are debug,
// leader changes info, peers going away errors while the cluster runs and
// debug once it is stopping; what Raft calls an error otherwise stays one.
func TestRaftLevels(t *testing.T) {
	tests := []struct {
		name     string
		level    hclog.Level
		msg      string
		stopping bool
		want     slog.Level
	}{
		{name: "first election", level: hclog.Warn, msg: "heartbeat timeout reached, starting election", want: slog.LevelDebug},
		{name: "follower behind", level: hclog.Warn, msg: "failed to get previous log", want: slog.LevelDebug},
		{name: "leader sends older logs", level: hclog.Warn, msg: "appendEntries rejected, sending older logs", want: slog.LevelDebug},
		{name: "late candidate", level: hclog.Warn, msg: "rejecting pre-vote request since we have a leader", want: slog.LevelDebug},
		{name: "leader steps down", level: hclog.Warn, msg: "failed to contact quorum of nodes, stepping down", want: slog.LevelInfo},
		{name: "slow peer", level: hclog.Warn, msg: "failed to contact", want: slog.LevelInfo},
		{name: "peer down while running", level: hclog.Error, msg: "failed to heartbeat to", want: slog.LevelError},
		{name: "peer down while stopping", level: hclog.Error, msg: "failed to heartbeat to", stopping: true, want: slog.LevelDebug},
		{name: "quorum lost while stopping", level: hclog.Warn, msg: "failed to contact quorum of nodes, stepping down", stopping: true, want: slog.LevelDebug},
		{name: "disk error", level: hclog.Error, msg: "failed to append to logs", want: slog.LevelError},
		{name: "disk error while stopping", level: hclog.Error, msg: "failed to append to logs", stopping: true, want: slog.LevelError},
		{name: "snapshot version", level: hclog.Warn, msg: "snapshot version not supported", want: slog.LevelWarn},
		{name: "info stays", level: hclog.Info, msg: "entering leader state", want: slog.LevelInfo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := raftLevel(tt.level, tt.msg, tt.stopping); got != tt.want {
				t.Errorf("raftLevel(%s, %q, stopping %v) = %s, want %s", tt.level, tt.msg, tt.stopping, got, tt.want)
			}
		})
	}

	// Through the adapter: loggers derived with Named and With share the
	// member's stopping flag.
	var buf bytes.Buffer
	var stopping atomic.Bool
	l := newHCLog(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})), "raft", &stopping).Named("x").With("k", "v")
	l.Warn("heartbeat timeout reached, starting election")
	l.Error("failed to appendEntries to", "peer", "c2")
	stopping.Store(true)
	l.Error("failed to appendEntries to", "peer", "c3")
	got := buf.String()
	if strings.Contains(got, "election") || !strings.Contains(got, "level=ERROR") || !strings.Contains(got, "peer=c2") || strings.Contains(got, "peer=c3") {
		t.Errorf("adapter wrote:\n%s\nwant only the error about c2", got)
	}
}
