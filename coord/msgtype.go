package coord

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
)

// MsgType is the first byte of every Raft log entry Meadow writes: it says
// how to read the rest (the body). Values are explicit and only ever
// appended: a value, once released, keeps its meaning forever, because old
// entries are replayed from disk by new binaries.
type MsgType uint8

// IgnoreUnknown is the high bit of an entry's type byte. A member that does
// not know the type skips an entry with the bit set instead of stopping, so a
// new, optional command can be introduced during a rolling upgrade. Commands
// whose loss would make replicas disagree must never carry it.
const IgnoreUnknown MsgType = 0x80

// The message types. Append only; never renumber or reuse.
const (
	// MsgBatch holds many commands in one entry (see encodeBatch). Its
	// apply result is a []any with one result per command.
	MsgBatch MsgType = 1
	// MsgMemberSet records a coordinator's Raft and HTTP addresses.
	MsgMemberSet MsgType = 2
	// MsgMemberRemove forgets a coordinator's addresses.
	MsgMemberRemove MsgType = 3
	// MsgNodeRegister registers or updates a home node.
	MsgNodeRegister MsgType = 4
	// MsgJobSubmit adds a job with the tasks the leader split it into.
	MsgJobSubmit MsgType = 5
	// MsgLeaseGrant grants the leases of one scheduling round; its result
	// is a []any with a state.Lease or an error per grant.
	MsgLeaseGrant MsgType = 6
	// MsgLeaseExpire expires the leases past their deadline at the
	// leader's time in the command.
	MsgLeaseExpire MsgType = 7
	// MsgCommit records a commitment; MsgReveal a reveal.
	MsgCommit MsgType = 8
	MsgReveal MsgType = 9
	// MsgBlobStored records a verified task's checked blob.
	MsgBlobStored MsgType = 10
	// MsgDomainDelays records robots.txt Crawl-delays nodes reported. It is
	// advisory (it only slows the scheduler down), so it is ignorable.
	MsgDomainDelays MsgType = 11
	// MsgJobState pauses, resumes or cancels a job for its buyer.
	MsgJobState MsgType = 12
	// MsgPayment records a marketplace payment seen on chain (once per
	// payment id); its result is whether it was new.
	MsgPayment MsgType = 13
	// MsgEpochSettle settles the next epoch into a proposal; MsgEpochPosted
	// records that its root is on chain and makes its balances current.
	MsgEpochSettle MsgType = 14
	MsgEpochPosted MsgType = 15
	// MsgDatasetPosted records that a dataset's root is in the chain's
	// registry.
	MsgDatasetPosted MsgType = 16
	// MsgUploadReassign hands uploads not made in time to another
	// agreeing lease (state.ReassignUploads).
	MsgUploadReassign MsgType = 17
	// MsgRefusal records a URL a node refused to fetch for its lease.
	MsgRefusal MsgType = 18
	// MsgJobGrant lets an address read a job and its dataset, or stops
	// letting it, on the buyer's signed request (state.GrantAccess).
	MsgJobGrant MsgType = 19
	// MsgTokenRevoke revokes one of a buyer's read tokens (readtoken.go).
	// Not ignorable: a member that skipped it would, once upgraded, still
	// accept the revoked token, since its state would lack the revocation.
	MsgTokenRevoke MsgType = 20
	// MsgModuleStored records a buyer's WebAssembly module stored on a
	// majority of the members (modules.go).
	MsgModuleStored MsgType = 21
	// MsgPipelineSubmit adds a buyer's pipeline with its first stage's job;
	// MsgPipelineAdvance starts a pipeline's next stage or ends it
	// (pipelines.go).
	MsgPipelineSubmit  MsgType = 22
	MsgPipelineAdvance MsgType = 23
	// MsgPipelineCancel stops a pipeline for its buyer.
	MsgPipelineCancel MsgType = 24
	// MsgStrandedEnd decides inconclusive the tasks that no registered node
	// could take for longer than a wait (state.EndStranded). Not ignorable:
	// a member that skipped it would keep those tasks pending.
	MsgStrandedEnd MsgType = 25
	// MsgGroupReport moves a work group's pending units into its report
	// of an epoch for the settling group (state.ReportEpoch). Not
	// ignorable: a member that skipped it would pay those units twice.
	MsgGroupReport MsgType = 26
)

var msgNames = map[MsgType]string{
	MsgBatch:           "batch",
	MsgMemberSet:       "member_set",
	MsgMemberRemove:    "member_remove",
	MsgNodeRegister:    "node_register",
	MsgJobSubmit:       "job_submit",
	MsgLeaseGrant:      "lease_grant",
	MsgLeaseExpire:     "lease_expire",
	MsgCommit:          "commit",
	MsgReveal:          "reveal",
	MsgBlobStored:      "blob_stored",
	MsgDomainDelays:    "domain_delays",
	MsgJobState:        "job_state",
	MsgPayment:         "payment",
	MsgEpochSettle:     "epoch_settle",
	MsgEpochPosted:     "epoch_posted",
	MsgDatasetPosted:   "dataset_posted",
	MsgUploadReassign:  "upload_reassign",
	MsgRefusal:         "refusal",
	MsgJobGrant:        "job_grant",
	MsgTokenRevoke:     "token_revoke",
	MsgModuleStored:    "module_stored",
	MsgPipelineSubmit:  "pipeline_submit",
	MsgPipelineAdvance: "pipeline_advance",
	MsgPipelineCancel:  "pipeline_cancel",
	MsgStrandedEnd:     "stranded_end",
	MsgGroupReport:     "group_report",
}

// ignorable lists the known types written with the IgnoreUnknown bit: the
// optional ones an older member may skip.
var ignorable = map[MsgType]bool{MsgDomainDelays: true}

// String returns the type's name, for logs and metrics.
func (t MsgType) String() string {
	if n, ok := msgNames[t&^IgnoreUnknown]; ok {
		return n
	}
	return fmt.Sprintf("msg(%d)", uint8(t))
}

// encodeEntry lays out one entry: the type byte, then the body as JSON.
func encodeEntry(t MsgType, body any) ([]byte, error) {
	if ignorable[t] {
		t |= IgnoreUnknown
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("coord: encode %s: %w", t, err)
	}
	out := make([]byte, 1+len(b))
	out[0] = byte(t)
	copy(out[1:], b)
	return out, nil
}

// encodeBatch lays out a MsgBatch entry without re-encoding its commands:
// the type byte, a uvarint count, then each entry as a uvarint length and the
// entry's bytes (its own type byte and body). Framing costs a few bytes per
// command, so batching stays cheap however small the commands are.
func encodeBatch(entries [][]byte) []byte {
	n := 1 + binary.MaxVarintLen64
	for _, e := range entries {
		n += binary.MaxVarintLen64 + len(e)
	}
	out := make([]byte, 1, n)
	out[0] = byte(MsgBatch)
	out = binary.AppendUvarint(out, uint64(len(entries)))
	for _, e := range entries {
		out = binary.AppendUvarint(out, uint64(len(e)))
		out = append(out, e...)
	}
	return out
}

var errBadBatch = errors.New("coord: malformed batch entry")

// decodeBatch splits a MsgBatch body (without its type byte) into entries.
// The entries alias body.
func decodeBatch(body []byte) ([][]byte, error) {
	count, n := binary.Uvarint(body)
	if n <= 0 || count > uint64(len(body)) {
		return nil, errBadBatch
	}
	body = body[n:]
	entries := make([][]byte, 0, count)
	for i := uint64(0); i < count; i++ {
		l, n := binary.Uvarint(body)
		if n <= 0 || l > uint64(len(body)-n) {
			return nil, errBadBatch
		}
		entries = append(entries, body[n:n+int(l)])
		body = body[n+int(l):]
	}
	if len(body) != 0 {
		return nil, errBadBatch
	}
	return entries, nil
}
