package coord_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
)

// A member that lost its blobs (a disk replaced under a kept Raft log, or a
// data dir lost and rejoined) fetches every blob its state names from its
// peers once it has caught up: an acknowledged upload is back on every
// member, not left on the majority that acknowledged it. Found by the fault
// suite's lost-data-dir scenario: before blob repair ran, the rejoined
// member held none of the cluster's blobs for good.
func TestBlobRepairRefillsAMember(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	register(t, c, 0, 2)
	leader := c.WaitLeader().C
	buyer := newSigner(t)
	job, err := leader.SubmitJob(ctx, crypto.PubkeyToAddress(buyer.key.PublicKey), api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/x"}}})
	if err != nil {
		t.Fatal(err)
	}
	task := job.ID + ".t000000"
	leases, errs, err := leader.GrantLeases(ctx, []state.Grant{
		{TaskID: task, Node: addr(0), Deadline: leader.Now() + 60_000},
		{TaskID: task, Node: addr(1), Deadline: leader.Now() + 60_000},
	})
	if err != nil || errs[0] != nil || errs[1] != nil {
		t.Fatalf("grants: %v %v", err, errs)
	}
	blob0, hs := crawlBlob(t, addr(0), []int{1, 2, 3})
	_, hs1 := crawlBlob(t, addr(1), []int{1, 2, 3})
	for i, h := range [][]api.Hash{hs, hs1} {
		l := leases[i]
		if _, err := leader.Commit(ctx, l.Node, api.Commitment{TaskID: task, LeaseID: l.ID, Root: root(h), Rows: int64(len(h))}); err != nil {
			t.Fatal(err)
		}
		if _, err := leader.Reveal(ctx, l.Node, api.Reveal{TaskID: task, LeaseID: l.ID, RowHashes: h}); err != nil {
			t.Fatal(err)
		}
	}
	up := api.Upload{TaskID: task, LeaseID: leases[0].ID, SHA256: api.Hash(sha256.Sum256(blob0)), Size: int64(len(blob0))}
	if _, err := leader.Upload(ctx, addr(0), up, bytes.NewReader(blob0)); err != nil {
		t.Fatal(err)
	}
	c.WaitConverged()
	tk, _ := leader.Task(task)
	if tk.Blob == nil {
		t.Fatal("the task has no blob after its upload")
	}

	m := c.Followers()[0]
	c.Stop(m)
	if err := os.RemoveAll(filepath.Join(m.Config.DataDir, "blobs")); err != nil {
		t.Fatal(err)
	}
	c.Start(m)
	coordtest.WaitFor(t, 30*time.Second*coordtest.Scale(), m.Config.ID+" to fetch the blob it lost", func() bool {
		_, ok := m.C.BlobBytes(tk.Blob.SHA256)
		return ok
	})
	got, _ := m.C.BlobBytes(tk.Blob.SHA256)
	if !bytes.Equal(got, blob0) {
		t.Fatalf("%s holds %d bytes for blob %s, want the %d uploaded", m.Config.ID, len(got), tk.Blob.SHA256, len(blob0))
	}
}
