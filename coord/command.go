package coord

import "github.com/meadow-net/meadow/coord/state"

// The bodies of the log entries, JSON-encoded after the type byte. Fields are
// only added, never renamed: old entries are replayed by new binaries. Time
// (Now, unix ms) is the leader's, put in when the command is made.

type memberRemoveCmd struct {
	ID string `json:"id"`
}

type nodeRegisterCmd struct {
	state.Registration
	Now int64 `json:"now"`
}
