package coord

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/raft"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/meadow-net/meadow/coord/state"
)

// fsm is the Raft state machine: a thin adapter that reads an entry's type
// byte and hands the body to one small applyX method, which decodes it and
// calls a transition of state.State. It holds no logic of its own.
type fsm struct {
	log *slog.Logger
	// applied counts commands by type; nil in unit tests.
	applied *prometheus.CounterVec

	mu sync.RWMutex
	st *state.State
	// index is the last log index whose entry this FSM has applied (or
	// that its restored snapshot covers). Raft's own AppliedIndex moves
	// as soon as entries are handed to the FSM goroutine, before they are
	// applied, so it cannot tell a reader that the state holds an entry.
	index atomic.Uint64
	// restored receives a value, without blocking, after each snapshot
	// restore (blob repair waits on it: repair.go).
	restored chan struct{}
	// rep is the copy of the state that snapshots are encoded from
	// (replica.go); nil for the copy's own FSM, and after close.
	rep *replica
}

// newFSM returns the members' FSM, with the copy of its state that
// snapshots are encoded from; close stops the copy.
func newFSM(log *slog.Logger) *fsm {
	f := newBareFSM(log)
	f.rep = newReplica(log)
	return f
}

// newBareFSM returns an FSM without a copy: the copy's own, or one whose
// snapshots encode under its lock.
func newBareFSM(log *slog.Logger) *fsm {
	return &fsm{log: log, st: state.New(), restored: make(chan struct{}, 1)}
}

// close stops the copy of the state.
func (f *fsm) close() {
	if f.rep != nil {
		f.rep.close()
	}
}

var _ raft.BatchingFSM = (*fsm)(nil)

// Apply applies one committed entry.
func (f *fsm) Apply(l *raft.Log) any {
	out := f.locked(func() any { return f.applyLog(l) })
	if f.rep != nil {
		f.rep.pushEntries([]*raft.Log{l})
	}
	return out
}

// locked runs fn under the write lock, released even if fn panics (a bad
// entry panics: the member stops, and tests recover).
func (f *fsm) locked(fn func() any) any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fn()
}

// ApplyBatch applies the entries Raft committed together under one lock.
func (f *fsm) ApplyBatch(logs []*raft.Log) []any {
	out := make([]any, len(logs))
	f.locked(func() any {
		for i, l := range logs {
			out[i] = f.applyLog(l)
		}
		return nil
	})
	if f.rep != nil {
		f.rep.pushEntries(logs)
	}
	return out
}

func (f *fsm) applyLog(l *raft.Log) any {
	defer f.index.Store(l.Index)
	if l.Type != raft.LogCommand {
		return nil
	}
	return f.apply(l.Data, l.Index, false)
}

// appliedIndex is the last log index applied to the state.
func (f *fsm) appliedIndex() uint64 { return f.index.Load() }

// apply dispatches one entry. A result is nil, a value, or a domain error
// (the state is then unchanged); a batch gives a []any of those.
func (f *fsm) apply(data []byte, index uint64, inBatch bool) any {
	if len(data) == 0 {
		panic(fmt.Sprintf("coord: fsm: empty entry at index %d", index))
	}
	t := MsgType(data[0])
	body := data[1:]
	if f.applied != nil && t != MsgBatch {
		f.applied.WithLabelValues(t.String()).Inc()
	}
	switch t &^ IgnoreUnknown {
	case MsgBatch:
		if inBatch {
			panic(fmt.Sprintf("coord: fsm: batch nested in a batch at index %d", index))
		}
		return f.applyBatch(body, index)
	case MsgMemberSet:
		return f.applyMemberSet(body, index)
	case MsgMemberRemove:
		return f.applyMemberRemove(body, index)
	case MsgNodeRegister:
		return f.applyNodeRegister(body, index)
	case MsgJobSubmit:
		return f.applyJobSubmit(body, index)
	case MsgLeaseGrant:
		return f.applyLeaseGrant(body, index)
	case MsgLeaseExpire:
		return f.applyLeaseExpire(body, index)
	case MsgCommit:
		return f.applyCommit(body, index)
	case MsgReveal:
		return f.applyReveal(body, index)
	case MsgBlobStored:
		return f.applyBlobStored(body, index)
	case MsgModuleStored:
		return f.applyModuleStored(body, index)
	case MsgPipelineSubmit:
		return f.applyPipelineSubmit(body, index)
	case MsgPipelineAdvance:
		return f.applyPipelineAdvance(body, index)
	case MsgPipelineCancel:
		return f.applyPipelineCancel(body, index)
	case MsgDomainDelays:
		return f.applyDomainDelays(body, index)
	case MsgJobState:
		return f.applyJobState(body, index)
	case MsgPayment:
		return f.applyPayment(body, index)
	case MsgEpochSettle:
		return f.applyEpochSettle(body, index)
	case MsgEpochPosted:
		return f.applyEpochPosted(body, index)
	case MsgDatasetPosted:
		return f.applyDatasetPosted(body, index)
	case MsgUploadReassign:
		return f.applyUploadReassign(body, index)
	case MsgStrandedEnd:
		return f.applyStrandedEnd(body, index)
	case MsgGroupReport:
		return f.applyGroupReport(body, index)
	case MsgRefusal:
		return f.applyRefusal(body, index)
	case MsgJobGrant:
		return f.applyJobGrant(body, index)
	case MsgTokenRevoke:
		return f.applyTokenRevoke(body, index)
	}
	if t&IgnoreUnknown != 0 {
		// Written by a newer member for a feature this one lacks, and
		// marked as safe to skip: every member that knows it applies it,
		// the others ignore it, and nothing they both read differs.
		f.log.Warn("skipping unknown entry marked ignorable", "type", uint8(t), "index", index)
		return nil
	}
	// An unknown type without the ignore bit means this binary is older
	// than the log. Skipping it would let this replica diverge from the
	// others without anyone noticing; stopping makes the operator upgrade.
	panic(fmt.Sprintf("coord: fsm: unknown message type %d at index %d; upgrade this member", uint8(t), index))
}

// decode reads an entry's JSON body. A committed entry that will not decode is
// a bug or a corrupt log: every replica holds the same bytes, so applying what
// can be read and dropping the rest would make this replica's state silently
// differ from the leader's if the leader's binary read it. Panic instead.
func decode(t MsgType, body []byte, index uint64, v any) {
	if err := json.Unmarshal(body, v); err != nil {
		panic(fmt.Sprintf("coord: fsm: %s entry at index %d will not decode: %v", t, index, err))
	}
}

func (f *fsm) applyBatch(body []byte, index uint64) any {
	entries, err := decodeBatch(body)
	if err != nil {
		panic(fmt.Sprintf("coord: fsm: batch entry at index %d: %v", index, err))
	}
	out := make([]any, len(entries))
	for i, e := range entries {
		out[i] = f.apply(e, index, true)
	}
	return out
}

func (f *fsm) applyMemberSet(body []byte, index uint64) any {
	var m state.Member
	decode(MsgMemberSet, body, index, &m)
	return f.st.SetMember(m)
}

func (f *fsm) applyMemberRemove(body []byte, index uint64) any {
	var c memberRemoveCmd
	decode(MsgMemberRemove, body, index, &c)
	return f.st.RemoveMember(c.ID)
}

func (f *fsm) applyNodeRegister(body []byte, index uint64) any {
	var c nodeRegisterCmd
	decode(MsgNodeRegister, body, index, &c)
	var n *state.Node
	err := f.st.UseNonce(c.Signer, c.Nonce, func() (err error) {
		n, err = f.st.RegisterNode(c.Registration, c.Now)
		return err
	})
	if err != nil {
		return err
	}
	return *n
}

func (f *fsm) applyJobSubmit(body []byte, index uint64) any {
	var c jobSubmitCmd
	decode(MsgJobSubmit, body, index, &c)
	j, err := f.st.SubmitJobSigned(c.Signer, c.Nonce, c.Job, c.Now)
	if err != nil {
		return err
	}
	return j.Job
}

func (f *fsm) applyLeaseGrant(body []byte, index uint64) any {
	var c leaseGrantCmd
	decode(MsgLeaseGrant, body, index, &c)
	for _, d := range c.Domains {
		f.st.SetNextFree(d.Host, d.NextFree)
	}
	return f.st.GrantLeases(c.Grants, c.Now)
}

func (f *fsm) applyLeaseExpire(body []byte, index uint64) any {
	var c leaseExpireCmd
	decode(MsgLeaseExpire, body, index, &c)
	return f.st.ExpireLeases(c.Now)
}

func (f *fsm) applyUploadReassign(body []byte, index uint64) any {
	var c uploadReassignCmd
	decode(MsgUploadReassign, body, index, &c)
	return f.st.ReassignUploads(c.Now, c.TTL)
}

func (f *fsm) applyStrandedEnd(body []byte, index uint64) any {
	var c strandedEndCmd
	decode(MsgStrandedEnd, body, index, &c)
	return f.st.EndStranded(c.Now, c.Wait, c.SharedNetworkOK)
}

func (f *fsm) applyRefusal(body []byte, index uint64) any {
	var c refusalCmd
	decode(MsgRefusal, body, index, &c)
	added, err := f.st.RecordRefusal(c.Node, c.Refusal)
	if err != nil {
		return err
	}
	return added
}

func (f *fsm) applyCommit(body []byte, index uint64) any {
	var c commitCmd
	decode(MsgCommit, body, index, &c)
	var l *state.Lease
	err := f.st.UseNonce(c.Signer, c.Nonce, func() (err error) {
		l, err = f.st.Commit(c.Node, c.Commitment, c.Now, c.RevealBy)
		return err
	})
	if err != nil {
		return err
	}
	return *l
}

func (f *fsm) applyReveal(body []byte, index uint64) any {
	var c revealCmd
	decode(MsgReveal, body, index, &c)
	var r state.RevealResult
	err := f.st.UseNonce(c.Signer, c.Nonce, func() (err error) {
		r, err = f.st.Reveal(c.Node, c.Reveal, c.Now)
		return err
	})
	if err != nil {
		return err
	}
	return r
}

func (f *fsm) applyBlobStored(body []byte, index uint64) any {
	var c blobStoredCmd
	decode(MsgBlobStored, body, index, &c)
	return f.st.BlobStored(c.Blob)
}

func (f *fsm) applyDomainDelays(body []byte, index uint64) any {
	var c domainDelaysCmd
	decode(MsgDomainDelays, body, index, &c)
	f.st.SetDomainDelays(c.Delays)
	return nil
}

func (f *fsm) applyJobState(body []byte, index uint64) any {
	var c jobStateCmd
	decode(MsgJobState, body, index, &c)
	var j *state.Job
	err := f.st.UseNonce(c.Signer, c.Nonce, func() (err error) {
		j, err = f.st.SetJobState(c.JobID, c.Buyer, c.State, c.Now)
		return err
	})
	if err != nil {
		return err
	}
	return j.Job
}

func (f *fsm) applyJobGrant(body []byte, index uint64) any {
	var c jobGrantCmd
	decode(MsgJobGrant, body, index, &c)
	var j *state.Job
	err := f.st.UseNonce(c.Signer, c.Nonce, func() (err error) {
		j, err = f.st.GrantAccess(c.JobID, c.Buyer, c.Address, c.Grant)
		return err
	})
	if err != nil {
		return err
	}
	return j.Grantees()
}

// write runs fn with the state locked for writing, for the leader's
// bookkeeping that changes nothing replicated (change tracking).
func (f *fsm) write(fn func(*state.State)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f.st)
}

// read runs fn with the state locked for reading. fn must not keep pointers
// into the state after it returns.
func (f *fsm) read(fn func(*state.State)) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	fn(f.st)
}

// snapshotHeader is the first JSON value of a snapshot; the state follows.
type snapshotHeader struct {
	AppliedIndex uint64 `json:"applied_index"`
}

// Snapshot captures the state. Raft calls it between applies and then
// persists the result concurrently with later applies. With the copy in
// step, capturing is queueing a snapshot point for it: the copy writes its
// state, the same as the FSM's at this index, in Persist (replica.go).
// Without one the state is encoded here, under the read lock, into a
// buffer of its own, and applies wait for it.
func (f *fsm) Snapshot() (raft.FSMSnapshot, error) {
	if f.rep != nil {
		p := newReplicaSnapshot(f.index.Load())
		if f.rep.push(replicaItem{point: p}) {
			return p, nil
		}
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(snapshotHeader{AppliedIndex: f.index.Load()}); err != nil {
		return nil, fmt.Errorf("coord: snapshot: %w", err)
	}
	if err := f.st.Encode(&buf); err != nil {
		return nil, fmt.Errorf("coord: snapshot: %w", err)
	}
	return &fsmSnapshot{data: buf.Bytes()}, nil
}

// Restore replaces the state with a snapshot's.
func (f *fsm) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	dec := json.NewDecoder(rc)
	var h snapshotHeader
	if err := dec.Decode(&h); err != nil {
		return fmt.Errorf("coord: restore snapshot: header: %w", err)
	}
	body := io.MultiReader(dec.Buffered(), rc)
	var second chan decodedState
	if f.rep != nil && f.rep.inStep() {
		// The copy decodes the same bytes as they stream past, rather
		// than from an encoding of the FSM's state afterwards.
		pr, pw := io.Pipe()
		body = io.TeeReader(body, pw)
		second = make(chan decodedState, 1)
		go func() {
			st, err := state.Decode(pr)
			_, _ = io.Copy(io.Discard, pr) // never leave the tee blocked
			second <- decodedState{st, err}
		}()
		st, err := state.Decode(body)
		pw.CloseWithError(err)
		d := <-second
		if err != nil {
			return fmt.Errorf("coord: restore snapshot: %w", err)
		}
		f.install(st, h.AppliedIndex)
		if d.err != nil {
			// The FSM has its state; only the copy failed (it read the
			// same bytes, so this is a bug): snapshots go back to the lock.
			f.rep.push(replicaItem{broken: fmt.Errorf("coord: restore snapshot into the state's copy: %w", d.err)})
			return nil
		}
		f.rep.push(replicaItem{reset: d.st, index: h.AppliedIndex})
		return nil
	}
	st, err := state.Decode(body)
	if err != nil {
		return fmt.Errorf("coord: restore snapshot: %w", err)
	}
	f.install(st, h.AppliedIndex)
	return nil
}

type decodedState struct {
	st  *state.State
	err error
}

// install replaces the state with a restored one.
func (f *fsm) install(st *state.State, index uint64) {
	f.mu.Lock()
	f.st = st
	f.index.Store(index)
	f.mu.Unlock()
	select {
	case f.restored <- struct{}{}:
	default:
	}
}

type fsmSnapshot struct{ data []byte }

func (s *fsmSnapshot) Persist(sink raft.SnapshotSink) error {
	if _, err := sink.Write(s.data); err != nil {
		sink.Cancel()
		return fmt.Errorf("coord: persist snapshot: %w", err)
	}
	return sink.Close()
}

func (s *fsmSnapshot) Release() {}

// digest is the SHA-256 of the state's encoding: equal states, equal digests.
func (f *fsm) digest() (string, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	h := sha256.New()
	if err := f.st.Encode(h); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
