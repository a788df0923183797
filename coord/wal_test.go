package coord

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/raft"
	wal "github.com/hashicorp/raft-wal"
	"github.com/hashicorp/raft-wal/metadb"
)

// openTestWAL opens a log store the way Coordinator.open does (raft-wal with
// its BoltDB meta store held by us, 1 MiB segments).
func openTestWAL(t *testing.T, dir string) (*wal.WAL, *metadb.BoltMetaDB) {
	t.Helper()
	meta := &metadb.BoltMetaDB{}
	w, err := wal.Open(dir, wal.WithMetaStore(meta), wal.WithSegmentSize(1<<20))
	if err != nil {
		t.Fatalf("open wal: %v", err)
	}
	return w, meta
}

// TestLogSuffixClearedThenRestart is the disk side of a leader killed with an
// entry it had not committed: when it comes back, the new leader's log
// conflicts with that entry and Raft deletes it ("clearing log suffix",
// DeleteRange on the tail). The member must then still open its log after a
// restart. raft-wal v0.4.0 marked the tail segment sealed without writing its
// index, so the next start panicked in raft.NewRaft with "sealed segment has
// no index block" and the member could never rejoin (hashicorp/raft-wal#31,
// fixed in v0.4.1). Found by TestCoordProcessesSurviveLeaderKill.
func TestLogSuffixClearedThenRestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "wal")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	w, meta := openTestWAL(t, dir)
	var logs []*raft.Log
	for i := uint64(1); i <= 10; i++ {
		logs = append(logs, &raft.Log{Index: i, Term: 1, Type: raft.LogCommand, Data: []byte{byte(i)}})
	}
	if err := w.StoreLogs(logs); err != nil {
		t.Fatal(err)
	}
	if err := w.DeleteRange(9, 10); err != nil {
		t.Fatalf("delete the uncommitted tail: %v", err)
	}
	// The new leader's entries take the place of the deleted ones.
	if err := w.StoreLogs([]*raft.Log{{Index: 9, Term: 2, Type: raft.LogCommand, Data: []byte{9, 2}}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := meta.Close(); err != nil {
		t.Fatal(err)
	}

	w, meta = openTestWAL(t, dir)
	defer meta.Close()
	defer w.Close()
	for i := uint64(1); i <= 9; i++ {
		var l raft.Log
		if err := w.GetLog(i, &l); err != nil {
			t.Fatalf("after restart, entry %d: %v", i, err)
		}
		if want := uint64(1) + i/9; l.Term != want {
			t.Errorf("after restart, entry %d has term %d, want %d", i, l.Term, want)
		}
	}
	if last, err := w.LastIndex(); err != nil || last != 9 {
		t.Errorf("after restart, last index %d (%v), want 9", last, err)
	}
}
