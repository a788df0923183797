package coord

import (
	"errors"
	"fmt"

	"github.com/hashicorp/raft"
)

// Errors returned by the coordinator. Callers compare with errors.Is; each
// may come wrapped with the detail of the failed call.
var (
	// ErrNotLeader is returned for a write (or a consistent read) sent to a
	// member that is not the leader. Over HTTP such a request is forwarded
	// to the leader instead; the error reaches a caller only when no leader
	// is known or the request was already forwarded once.
	ErrNotLeader = errors.New("coord: not leader")

	// ErrLeadershipLost is returned when the leader lost its leadership
	// while a write was in flight: the write may or may not have been
	// applied, so the caller must read back or retry an idempotent command.
	ErrLeadershipLost = errors.New("coord: leadership lost while committing; the write may or may not have been applied")

	// ErrClosed is returned by a coordinator that is shutting down.
	ErrClosed = errors.New("coord: closed")

	// ErrTimeout is returned when a write or a barrier did not finish in
	// time.
	ErrTimeout = errors.New("coord: timed out")

	// ErrUnknownMember is returned when removing or looking up a member that
	// is not in the cluster's configuration.
	ErrUnknownMember = errors.New("coord: unknown member")

	// ErrDiskFull is returned when the data dir has no room for what the
	// member must write; the wrapping error says how much it needs.
	ErrDiskFull = errors.New("coord: data dir full")

	// ErrInvalid is returned for a request or a config that does not
	// validate; the wrapping error names the field.
	ErrInvalid = errors.New("coord: invalid")
)

// raftErr turns errors from hashicorp/raft into the package's own at the
// boundary, so that no caller depends on raft's error values.
func raftErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, raft.ErrNotLeader), errors.Is(err, raft.ErrLeadershipTransferInProgress):
		return ErrNotLeader
	case errors.Is(err, raft.ErrLeadershipLost), errors.Is(err, raft.ErrAbortedByRestore):
		return ErrLeadershipLost
	case errors.Is(err, raft.ErrRaftShutdown):
		return ErrClosed
	case errors.Is(err, raft.ErrEnqueueTimeout):
		return ErrTimeout
	}
	return fmt.Errorf("coord: raft: %w", err)
}

// invalidf returns an error wrapping ErrInvalid that names a field.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}
