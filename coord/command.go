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

// Signed is the signer and nonce of the envelope a command came in, for the
// replay check the FSM makes (state.UseNonce); zero for internal commands.
type Signed struct {
	Signer string `json:"signer,omitempty"`
	Nonce  uint64 `json:"nonce,omitempty"`
}

type nodeRegisterCmd struct {
	state.Registration
	Signed
	Now int64 `json:"now"`
}

type jobSubmitCmd struct {
	Signed
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

type refusalCmd struct {
	Node    string      `json:"node"`
	Refusal api.Refusal `json:"refusal"`
}

type uploadReassignCmd struct {
	Now int64 `json:"now"`
	TTL int64 `json:"ttl"` // ms
}

// strandedEndCmd decides the tasks stranded for longer than Wait at Now
// (state.EndStranded); SharedNetworkOK is the leader's, as in a grant.
type strandedEndCmd struct {
	Now             int64 `json:"now"`
	Wait            int64 `json:"wait"` // ms
	SharedNetworkOK bool  `json:"shared_network_ok,omitempty"`
}

type commitCmd struct {
	Signed
	Node       string         `json:"node"`
	Commitment api.Commitment `json:"commitment"`
	Now        int64          `json:"now"`
	RevealBy   int64          `json:"reveal_by"`
}

type revealCmd struct {
	Signed
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

type jobStateCmd struct {
	Signed
	JobID string       `json:"job_id"`
	Buyer string       `json:"buyer"`
	State api.JobState `json:"state"`
	Now   int64        `json:"now"`
}
