package coord

import (
	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/sched"
	"github.com/meadow-net/meadow/coord/state"
)

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

type jobSubmitCmd struct {
	Job state.NewJob `json:"job"`
	Now int64        `json:"now"`
}

type leaseGrantCmd struct {
	Grants []state.Grant `json:"grants"`
	// Domains are the hosts whose next free time the round moved.
	Domains []sched.DomainRate `json:"domains,omitempty"`
	Now     int64              `json:"now"`
}

type leaseExpireCmd struct {
	Now int64 `json:"now"`
}

type commitCmd struct {
	Node       string         `json:"node"`
	Commitment api.Commitment `json:"commitment"`
	Now        int64          `json:"now"`
	RevealBy   int64          `json:"reveal_by"`
}

type revealCmd struct {
	Node   string     `json:"node"`
	Reveal api.Reveal `json:"reveal"`
	Now    int64      `json:"now"`
}

type blobStoredCmd struct {
	Blob state.StoredBlob `json:"blob"`
	Now  int64            `json:"now"`
}

type domainDelaysCmd struct {
	Delays map[string]int64 `json:"delays"`
}
