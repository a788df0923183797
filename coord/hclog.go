package coord

import (
	"context"
	"io"
	"log"
	"log/slog"
	"strings"
	"sync/atomic"

	"github.com/hashicorp/go-hclog"
)

// hclogAdapter lets hashicorp/raft and raft-wal log through the coordinator's
// slog.Logger, so that there is one logger, passed in, and no global one.
// It also decides the level of what Raft says (raftLevel): Raft warns about
// what a healthy cluster does every day, and an operator who reads WARN
// lines as "look at this" must not learn to skip them.
type hclogAdapter struct {
	l    *slog.Logger
	name string
	args []any
	// stopping is the coordinator's: set, the member or its whole cluster
	// is being stopped, and peers that stop answering are expected.
	stopping *atomic.Bool
}

func newHCLog(l *slog.Logger, name string, stopping *atomic.Bool) hclog.Logger {
	if stopping == nil {
		stopping = new(atomic.Bool)
	}
	return &hclogAdapter{l: l.With("sub", name), name: name, stopping: stopping}
}

// raftLog is the logger of one of Raft's parts (raft, transport, snapshots,
// wal) on this member.
func (c *Coordinator) raftLog(name string) hclog.Logger { return newHCLog(c.log, name, &c.stopping) }

// Stopping tells the member that it, or its whole cluster, is about to be
// stopped: from now on Raft's complaints about peers it cannot reach are
// logged at debug, since peers going away one after another is what a
// stop looks like. Run calls it when its context ends; a program that stops
// several members at once (the dev network) calls it on every member first,
// so that the last to go does not report the others as faults. It cannot
// be undone: a restarted member is a new Coordinator.
func (c *Coordinator) Stopping() { c.stopping.Store(true) }

// Levels of the messages of hashicorp/raft (v1.8; the messages are
// constants there) that are not the level Raft gives them. Matched as
// prefixes of the message.
var (
	// raftRoutine are part of every election and of a follower catching
	// up: a cluster starting, a member restarting, a leader changing.
	// Debug: they say nothing is wrong.
	raftRoutine = []string{
		"heartbeat timeout reached, starting election", // every cluster's first election, and any later one
		"Election timeout reached, restarting election",
		"failed to get previous log",                 // a follower behind the leader: the leader sends older entries
		"previous log term mis-match",                // the same, after a leader change
		"appendEntries rejected, sending older logs", // the leader's side of both
		"rejecting vote request since",               // a candidate that lost, or came back late
		"rejecting pre-vote request since",
		"duplicate requestVote from",
		"skipping application of old log",
	}
	// raftNotable change who leads or what a follower holds, which an
	// operator may want in the log; info, not warn: a cluster goes on.
	raftNotable = []string{
		"failed to contact", // both the one peer and the quorum (stepping down) forms
		"new leader elected, stepping down",
		"clearing log suffix", // entries a deposed leader never committed
	}
	// raftPeerGone are what a member says when a peer stops answering:
	// errors while the cluster runs (a member is down or cut off), debug
	// while it is being stopped (Stopping).
	raftPeerGone = []string{
		"failed to contact",
		"failed to appendEntries to",
		"failed to heartbeat to",
		"failed to make requestVote RPC",
		"failed to pipeline appendEntries",
		"failed to start pipeline replication to",
		"failed to send snapshot to",
		"failed to install snapshot",
		"failed to accept connection",
		"failed to decode incoming command",
		"failed to flush response",
		"heartbeat timeout reached",
		"Election timeout reached",
		"peer has newer term, stopping replication",
	}
)

// raftLevel is the level a message of Raft's is logged at here.
func raftLevel(level hclog.Level, msg string, stopping bool) slog.Level {
	l := toSlogLevel(level)
	if l <= slog.LevelInfo {
		return l
	}
	if stopping && hasPrefix(msg, raftPeerGone) {
		return slog.LevelDebug
	}
	if hasPrefix(msg, raftRoutine) {
		return slog.LevelDebug
	}
	if hasPrefix(msg, raftNotable) {
		return slog.LevelInfo
	}
	return l
}

func hasPrefix(msg string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

func toSlogLevel(l hclog.Level) slog.Level {
	switch l {
	case hclog.Trace, hclog.Debug:
		return slog.LevelDebug
	case hclog.Info, hclog.NoLevel, hclog.DefaultLevel:
		return slog.LevelInfo
	case hclog.Warn:
		return slog.LevelWarn
	default:
		return slog.LevelError
	}
}

func (a *hclogAdapter) Log(level hclog.Level, msg string, args ...any) {
	a.l.Log(context.Background(), raftLevel(level, msg, a.stopping.Load()), msg, args...)
}
func (a *hclogAdapter) Trace(msg string, args ...any) { a.Log(hclog.Trace, msg, args...) }
func (a *hclogAdapter) Debug(msg string, args ...any) { a.Log(hclog.Debug, msg, args...) }
func (a *hclogAdapter) Info(msg string, args ...any)  { a.Log(hclog.Info, msg, args...) }
func (a *hclogAdapter) Warn(msg string, args ...any)  { a.Log(hclog.Warn, msg, args...) }
func (a *hclogAdapter) Error(msg string, args ...any) { a.Log(hclog.Error, msg, args...) }

func (a *hclogAdapter) enabled(l slog.Level) bool { return a.l.Enabled(context.Background(), l) }
func (a *hclogAdapter) IsTrace() bool             { return a.enabled(slog.LevelDebug) }
func (a *hclogAdapter) IsDebug() bool             { return a.enabled(slog.LevelDebug) }
func (a *hclogAdapter) IsInfo() bool              { return a.enabled(slog.LevelInfo) }
func (a *hclogAdapter) IsWarn() bool              { return a.enabled(slog.LevelWarn) }
func (a *hclogAdapter) IsError() bool             { return a.enabled(slog.LevelError) }

func (a *hclogAdapter) ImpliedArgs() []any { return a.args }
func (a *hclogAdapter) With(args ...any) hclog.Logger {
	return &hclogAdapter{l: a.l.With(args...), name: a.name, args: append(append([]any{}, a.args...), args...), stopping: a.stopping}
}
func (a *hclogAdapter) Name() string { return a.name }
func (a *hclogAdapter) Named(name string) hclog.Logger {
	return &hclogAdapter{l: a.l.With("sub", name), name: a.name + "." + name, args: a.args, stopping: a.stopping}
}
func (a *hclogAdapter) ResetNamed(name string) hclog.Logger {
	return &hclogAdapter{l: a.l.With("sub", name), name: name, args: a.args, stopping: a.stopping}
}

// SetLevel is a no-op: the level is the slog handler's.
func (a *hclogAdapter) SetLevel(hclog.Level) {}

func (a *hclogAdapter) GetLevel() hclog.Level {
	switch {
	case a.IsDebug():
		return hclog.Debug
	case a.IsInfo():
		return hclog.Info
	case a.IsWarn():
		return hclog.Warn
	}
	return hclog.Error
}

func (a *hclogAdapter) StandardLogger(opts *hclog.StandardLoggerOptions) *log.Logger {
	return slog.NewLogLogger(a.l.Handler(), slog.LevelInfo)
}

func (a *hclogAdapter) StandardWriter(opts *hclog.StandardLoggerOptions) io.Writer {
	return a.StandardLogger(opts).Writer()
}
