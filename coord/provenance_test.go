package coord_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/dataset"
)

// rewriteRows reads a blob, applies change to row i, and writes it again.
func rewriteRows(t *testing.T, blob []byte, i int, change func(s dataset.Schema, r dataset.Row)) []byte {
	t.Helper()
	r, err := dataset.NewStreamReader(bytes.NewReader(blob))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var buf bytes.Buffer
	w, err := dataset.NewWriter(&buf, dataset.FormatArrowStream, r.Schema())
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; r.Next(); n++ {
		row := r.Row()
		if n == i {
			change(r.Schema(), row)
		}
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestUploadChecksRowSignatures: the coordinator refuses an upload whose
// kept rows are not each signed by the uploading node (a changed
// fetched_at, a signature copied from another row, rows signed by another
// node), naming the row and column and changing no state; the upload of
// the node's own signed rows is taken, and the dataset's manifest carries
// provenance roots over the whole rows, which meadow verify's code checks.
func TestUploadChecksRowSignatures(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := coordtest.NewTestCluster(t, 1)
	register(t, c, 0, 2)
	leader := c.WaitLeader().C
	job, err := leader.SubmitJob(ctx, common.Address{7}, api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/x"}}})
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
	blob, hs := crawlBlob(t, addr(0), []int{0, 1, 2, 3})
	for _, l := range leases {
		if _, err := leader.Commit(ctx, l.Node, api.Commitment{TaskID: task, LeaseID: l.ID, Root: root(hs), Rows: int64(len(hs))}); err != nil {
			t.Fatal(err)
		}
		if _, err := leader.Reveal(ctx, l.Node, api.Reveal{TaskID: task, LeaseID: l.ID, RowHashes: hs}); err != nil {
			t.Fatal(err)
		}
	}
	upload := func(b []byte) error {
		up := api.Upload{TaskID: task, LeaseID: leases[0].ID, SHA256: api.Hash(sha256.Sum256(b)), Size: int64(len(b))}
		_, err := leader.Upload(ctx, addr(0), up, bytes.NewReader(b))
		return err
	}
	other, _ := crypto.GenerateKey()
	strangers, _ := crawlBlob(t, rememberKey(other), []int{0, 1, 2, 3})
	for _, tt := range []struct {
		name  string
		blob  []byte
		field string
	}{
		{"fetched_at changed", rewriteRows(t, blob, 2, func(s dataset.Schema, r dataset.Row) { r[s.Index(dataset.ColFetchedAt)] = int64(99) }), "rows[2].signature"},
		{"signature of another row", rewriteRows(t, blob, 1, func(s dataset.Schema, r dataset.Row) {
			r[s.Index(dataset.ColSignature)] = mustRow(t, blob, 3)[s.Index(dataset.ColSignature)]
		}), "rows[1].signature"},
		{"signature removed", rewriteRows(t, blob, 0, func(s dataset.Schema, r dataset.Row) { r[s.Index(dataset.ColSignature)] = nil }), "rows[0].signature"},
		{"rows of another node", strangers, "rows[0].node"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := upload(tt.blob)
			var fe *state.FieldError
			if !errors.Is(err, coord.ErrInvalid) || !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("got %v: expected an invalid upload naming %s", err, tt.field)
			}
			if st, _ := leader.JobStatus(job.ID); st.State == api.JobDone {
				t.Fatal("a refused upload completed the job")
			}
		})
	}
	if err := upload(blob); err != nil {
		t.Fatalf("the node's own signed rows: %v", err)
	}
	c.WaitConverged()
	st, _ := leader.JobStatus(job.ID)
	if st.State != api.JobDone {
		t.Fatalf("job %s", st.State)
	}
	m, err := leader.Manifest(ctx, st.Dataset)
	if err != nil {
		t.Fatal(err)
	}
	if !m.HasProvenance() || m.Tasks[0].ProvenanceRoot == nil {
		t.Fatalf("manifest without provenance roots: %+v", m)
	}
	s, _ := dataset.CrawlSchema(nil)
	var recs []dataset.Hash
	for i := 0; i < 4; i++ {
		h, err := dataset.RecordHash(s, mustRow(t, blob, i))
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, h)
	}
	if want := dataset.ProvenanceRoot(recs); *m.ProvenanceRoot != want || *m.Tasks[0].ProvenanceRoot != want {
		t.Fatalf("provenance root %s, want %s over the blob's whole rows", *m.ProvenanceRoot, want)
	}
}

// mustRow returns row i of a blob.
func mustRow(t *testing.T, blob []byte, i int) dataset.Row {
	t.Helper()
	r, err := dataset.NewStreamReader(bytes.NewReader(blob))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for n := 0; r.Next(); n++ {
		if n == i {
			return r.Row()
		}
	}
	t.Fatalf("no row %d", i)
	return nil
}
