package coord

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/hashicorp/raft"

	"github.com/meadow-net/meadow/coord/state"
)

func testFSM() *fsm { return newFSM(slog.New(slog.DiscardHandler)) }

func mustEntry(t *testing.T, mt MsgType, body any) []byte {
	t.Helper()
	e, err := encodeEntry(mt, body)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func applyData(f *fsm, index uint64, data []byte) any {
	return f.Apply(&raft.Log{Index: index, Type: raft.LogCommand, Data: data})
}

func mustPanic(t *testing.T, want string, fn func()) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one mentioning %q", want)
		}
		if msg, _ := r.(string); !strings.Contains(msg, want) {
			t.Fatalf("panic %v, want one mentioning %q", r, want)
		}
	}()
	fn()
}

func TestFSMUnknownType(t *testing.T) {
	f := testFSM()
	before, _ := f.digest()

	// A type this binary does not know, marked ignorable: skipped.
	if got := applyData(f, 1, append([]byte{byte(IgnoreUnknown | 0x7f)}, `{"x":1}`...)); got != nil {
		t.Fatalf("ignorable unknown entry: result %v, want nil", got)
	}
	if after, _ := f.digest(); after != before {
		t.Fatal("ignorable unknown entry changed the state")
	}
	// The same inside a batch.
	batch := encodeBatch([][]byte{
		append([]byte{byte(IgnoreUnknown | 0x7e)}, `{}`...),
		mustEntry(t, MsgMemberSet, state.Member{ID: "a", RaftAddr: "h:1", HTTPAddr: "h:2"}),
	})
	res := applyData(f, 2, batch).([]any)
	if len(res) != 2 || res[0] != nil || res[1] != nil {
		t.Fatalf("batch results %v", res)
	}

	// Without the bit: stop, rather than diverge.
	mustPanic(t, "unknown message type 127", func() { applyData(f, 3, []byte{0x7f, '{', '}'}) })
	mustPanic(t, "unknown message type 126", func() {
		applyData(f, 4, encodeBatch([][]byte{{0x7e}}))
	})
}

func TestFSMUndecodablePanics(t *testing.T) {
	f := testFSM()
	mustPanic(t, "will not decode", func() { applyData(f, 1, []byte{byte(MsgMemberSet), '{'}) })
	mustPanic(t, "empty entry", func() { applyData(f, 2, nil) })
	mustPanic(t, "malformed batch", func() { applyData(f, 3, []byte{byte(MsgBatch), 5, 1}) })
	mustPanic(t, "nested", func() {
		applyData(f, 4, encodeBatch([][]byte{encodeBatch([][]byte{mustEntry(t, MsgMemberRemove, memberRemoveCmd{ID: "x"})})}))
	})
}

func TestFSMDomainErrorIsResult(t *testing.T) {
	f := testFSM()
	before, _ := f.digest()
	res := applyData(f, 1, mustEntry(t, MsgNodeRegister, nodeRegisterCmd{Registration: state.Registration{Address: "nope"}}))
	err, ok := res.(error)
	if !ok || !errors.Is(err, state.ErrInvalid) {
		t.Fatalf("result %v, want a state.ErrInvalid", res)
	}
	if after, _ := f.digest(); after != before {
		t.Fatal("a rejected command changed the state")
	}
}

func TestBatchEncoding(t *testing.T) {
	entries := [][]byte{{1}, {}, bytes.Repeat([]byte{7}, 300), {2, 3}}
	b := encodeBatch(entries)
	if MsgType(b[0]) != MsgBatch {
		t.Fatalf("type byte %d", b[0])
	}
	got, err := decodeBatch(b[1:])
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(entries) {
		t.Fatalf("%d entries, want %d", len(got), len(entries))
	}
	for i := range got {
		if !bytes.Equal(got[i], entries[i]) {
			t.Fatalf("entry %d: %v, want %v", i, got[i], entries[i])
		}
	}
	for _, bad := range [][]byte{nil, {2, 1}, {1, 5, 1}, {1, 1, 0, 9}} {
		if _, err := decodeBatch(bad); err == nil {
			t.Errorf("decodeBatch(%v): no error", bad)
		}
	}
}

func FuzzDecodeBatch(f *testing.F) {
	f.Add(encodeBatch([][]byte{{1, 2}, {3}})[1:])
	f.Add([]byte{0})
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := decodeBatch(b)
		if err != nil {
			return
		}
		again, err := decodeBatch(encodeBatch(entries)[1:])
		if err != nil || len(again) != len(entries) {
			t.Fatalf("round trip: %v, %d entries, want %d", err, len(again), len(entries))
		}
	})
}

func TestSnapshotRoundTrip(t *testing.T) {
	f := testFSM()
	applyData(f, 1, mustEntry(t, MsgMemberSet, state.Member{ID: "a", RaftAddr: "h:1", HTTPAddr: "h:2"}))
	applyData(f, 2, mustEntry(t, MsgNodeRegister, nodeRegisterCmd{Registration: state.Registration{
		Address: "0x" + strings.Repeat("ab", 20), Operator: "0x" + strings.Repeat("cd", 20), IP: "192.0.2.7",
	}, Now: 42}))
	want, _ := f.digest()
	snap, err := f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	sink := &memSink{Buffer: &buf}
	if err := snap.Persist(sink); err != nil {
		t.Fatal(err)
	}
	g := testFSM()
	if err := g.Restore(nopCloser{&buf}); err != nil {
		t.Fatal(err)
	}
	if got, _ := g.digest(); got != want {
		t.Fatalf("restored digest %s, want %s", got, want)
	}
	// The restored FSM knows which entries its state holds, so a reader
	// waiting for index 2 does not wait for an entry that is already in.
	if got := g.appliedIndex(); got != 2 {
		t.Fatalf("restored applied index %d, want 2", got)
	}
}

type memSink struct{ *bytes.Buffer }

func (memSink) ID() string    { return "mem" }
func (memSink) Cancel() error { return nil }
func (memSink) Close() error  { return nil }

type nopCloser struct{ *bytes.Buffer }

func (nopCloser) Close() error { return nil }
