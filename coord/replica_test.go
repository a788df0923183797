package coord

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/state"
)

// registerEntry registers node i: a small entry that changes the state.
func registerEntry(t testing.TB, i int) []byte {
	e, err := encodeEntry(MsgNodeRegister, nodeRegisterCmd{Registration: state.Registration{
		Address:  fmt.Sprintf("0x%040x", i+1),
		Operator: fmt.Sprintf("0x%040x", i+1),
		IP:       fmt.Sprintf("192.0.%d.%d", 2+i/250%250, 1+i%250),
	}, Now: int64(i)})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// jobEntry submits a crawl job of n pending tasks.
func jobEntry(t testing.TB, id string, n int) []byte {
	spec := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://example.com/"}}}.WithDefaults()
	nj := state.NewJob{ID: id, Spec: spec}
	for i := range n {
		nj.Tasks = append(nj.Tasks, api.Task{
			ID: fmt.Sprintf("%s.t%d", id, i), JobID: id, Kind: api.JobCrawl,
			Crawl: &api.CrawlTask{URLs: []string{fmt.Sprintf("https://example.com/%s/%d", id, i)}},
		})
	}
	e, err := encodeEntry(MsgJobSubmit, jobSubmitCmd{Job: nj, Now: 1})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// persisted runs Persist into memory and returns the bytes.
func persisted(t *testing.T, snap raft.FSMSnapshot) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	if err := snap.Persist(&memSink{Buffer: &buf}); err != nil {
		t.Fatal(err)
	}
	snap.Release()
	return &buf
}

// restoredDigest restores a snapshot into a fresh FSM and returns its digest.
func restoredDigest(t *testing.T, buf *bytes.Buffer) string {
	t.Helper()
	g := testFSM()
	defer g.close()
	if err := g.Restore(nopCloser{buf}); err != nil {
		t.Fatal(err)
	}
	d, _ := g.digest()
	return d
}

// gateSink is a snapshot sink whose first Write waits for open to close.
type gateSink struct {
	bytes.Buffer
	open    chan struct{}
	writing chan struct{}
	once    sync.Once
}

func (s *gateSink) Write(p []byte) (int, error) {
	s.once.Do(func() { close(s.writing) })
	<-s.open
	return s.Buffer.Write(p)
}
func (*gateSink) ID() string    { return "gate" }
func (*gateSink) Cancel() error { return nil }
func (*gateSink) Close() error  { return nil }

// While a snapshot is being written the FSM goes on applying, and the
// snapshot still holds the state of the index it was taken at.
func TestSnapshotDoesNotStopApplies(t *testing.T) {
	f := testFSM()
	defer f.close()
	applyData(f, 1, jobEntry(t, "j1", 300))
	for i := range 20 {
		applyData(f, uint64(2+i), registerEntry(t, i))
	}
	want, _ := f.digest()
	snap, err := f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	sink := &gateSink{open: make(chan struct{}), writing: make(chan struct{})}
	persistErr := make(chan error, 1)
	go func() { persistErr <- snap.Persist(sink) }()
	<-sink.writing // the copy is inside the encoding, blocked on the sink
	done := make(chan struct{})
	go func() {
		defer close(done)
		applyData(f, 22, jobEntry(t, "j2", 50))
		for i := range 100 {
			applyData(f, uint64(23+i), registerEntry(t, 100+i))
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("applies waited for the snapshot being written")
	}
	close(sink.open)
	if err := <-persistErr; err != nil {
		t.Fatal(err)
	}
	snap.Release()
	if got := restoredDigest(t, &sink.Buffer); got != want {
		t.Fatalf("snapshot digest %s, want the state at its index %s", got, want)
	}
	// The copy caught up: the next snapshot is the state now.
	now, _ := f.digest()
	if now == want {
		t.Fatal("the applies during the snapshot changed nothing")
	}
	snap, err = f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if got := restoredDigest(t, persisted(t, snap)); got != now {
		t.Fatalf("second snapshot digest %s, want %s", got, now)
	}
}

// A restored FSM's copy is the restored state: snapshots taken after more
// applies hold those applies on top of it.
func TestSnapshotCopyFollowsRestore(t *testing.T) {
	f := testFSM()
	defer f.close()
	applyData(f, 1, jobEntry(t, "j1", 40))
	applyData(f, 2, registerEntry(t, 1))
	snap, err := f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	buf := persisted(t, snap)

	g := testFSM()
	defer g.close()
	applyData(g, 1, registerEntry(t, 99)) // replaced by the restore
	if err := g.Restore(nopCloser{buf}); err != nil {
		t.Fatal(err)
	}
	applyData(g, 3, registerEntry(t, 2))
	applyData(g, 4, jobEntry(t, "j2", 5))
	want, _ := g.digest()
	snap, err = g.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if got := restoredDigest(t, persisted(t, snap)); got != want {
		t.Fatalf("snapshot after restore: digest %s, want %s", got, want)
	}
}

// A snapshot Raft released without persisting lets the copy go on.
func TestSnapshotReleasedUnpersisted(t *testing.T) {
	f := testFSM()
	defer f.close()
	applyData(f, 1, registerEntry(t, 1))
	snap, err := f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	snap.Release()
	applyData(f, 2, registerEntry(t, 2))
	want, _ := f.digest()
	if snap, err = f.Snapshot(); err != nil {
		t.Fatal(err)
	}
	if got := restoredDigest(t, persisted(t, snap)); got != want {
		t.Fatalf("digest %s, want %s", got, want)
	}
}

// A copy that fails to apply an entry is dropped, reported, and snapshots
// fall back to encoding the FSM's own state: they stay correct.
func TestSnapshotCopyDropped(t *testing.T) {
	f := testFSM()
	defer f.close()
	applyData(f, 1, registerEntry(t, 1))
	// An entry only the copy sees, which it cannot apply: what a bug that
	// made the copy differ from the FSM would look like.
	f.rep.push(replicaItem{entry: &raft.Log{Index: 2, Type: raft.LogCommand, Data: []byte{byte(MsgJobSubmit), '{'}}})
	deadline := time.Now().Add(10 * time.Second)
	for f.rep.inStep() {
		if time.Now().After(deadline) {
			t.Fatal("the copy stayed in step after an entry it could not apply")
		}
		time.Sleep(time.Millisecond)
	}
	applyData(f, 2, registerEntry(t, 2))
	want, _ := f.digest()
	snap, err := f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := snap.(*fsmSnapshot); !ok {
		t.Fatalf("snapshot %T, want one encoded under the lock", snap)
	}
	if got := restoredDigest(t, persisted(t, snap)); got != want {
		t.Fatalf("digest %s, want %s", got, want)
	}
	if got := testutil.ToFloat64(replicaMetrics(f)[0]); got != 0 {
		t.Fatalf("meadow_snapshot_copy_in_step %v after the copy was dropped, want 0", got)
	}
}

// Closing the copy fails a snapshot waiting on it rather than hanging.
func TestSnapshotCopyClosed(t *testing.T) {
	f := testFSM()
	applyData(f, 1, registerEntry(t, 1))
	snap, err := f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.close()
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("close waited for a snapshot nobody persists")
	}
	var buf bytes.Buffer
	err = snap.Persist(&memSink{Buffer: &buf})
	if err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("persist after close: %v, want an error naming the closed copy", err)
	}
	snap.Release()
}

var _ io.Writer = (*gateSink)(nil)
