package coord_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/dataset"
)

// testNodeKeys holds the keys of test nodes by lowercase address, so that
// crawlBlob signs rows as the coordinator requires of an upload (each row
// signed by its node, the uploader).
var testNodeKeys sync.Map

// naddr is the address of test node i, whose key crawlBlob knows.
func naddr(i int) string {
	if a, ok := testNodeAddrs.Load(i); ok {
		return a.(string)
	}
	d := sha256.Sum256([]byte(fmt.Sprintf("meadow coord test node %d", i)))
	k, err := crypto.ToECDSA(d[:])
	if err != nil {
		panic(err)
	}
	a := rememberKey(k)
	testNodeAddrs.Store(i, a)
	return a
}

// testNodeAddrs caches naddr by i.
var testNodeAddrs sync.Map

// rememberKey records a test node's key and returns its lowercase address.
func rememberKey(k *ecdsa.PrivateKey) string {
	a := strings.ToLower(crypto.PubkeyToAddress(k.PublicKey).Hex())
	testNodeKeys.Store(a, k)
	return a
}

// crawlBlob writes pages i in [from, to) as a crawl task's Arrow IPC stream
// and returns it with the row hashes, in row order.
func crawlBlob(t *testing.T, node string, pages []int) ([]byte, []api.Hash) {
	t.Helper()
	return crawlBlobText(t, node, pages, func(i int) string { return fmt.Sprintf("page %d", i) })
}

// crawlBlobText is crawlBlob with each page's text from text.
func crawlBlobText(t *testing.T, node string, pages []int, text func(int) string) ([]byte, []api.Hash) {
	t.Helper()
	s, err := dataset.CrawlSchema(nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := dataset.NewWriter(&buf, dataset.FormatArrowStream, s)
	if err != nil {
		t.Fatal(err)
	}
	h, err := dataset.NewHasher(s)
	if err != nil {
		t.Fatal(err)
	}
	var hs []api.Hash
	key, signed := testNodeKeys.Load(strings.ToLower(node))
	for _, i := range pages {
		u := fmt.Sprintf("https://a.example/%d", i)
		row := dataset.CrawlRow(s, dataset.Page{URL: u, FinalURL: u, Status: 200, ContentType: "text/html", Text: text(i)},
			dataset.Provenance{Node: node, FetchedAt: 1})
		if signed {
			if err := dataset.SignRows(s, []dataset.Row{row}, key.(*ecdsa.PrivateKey)); err != nil {
				t.Fatal(err)
			}
		}
		hh, err := h.Hash(row)
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, api.Hash(hh))
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), hs
}

func TestUploadKeepsAcceptedRows(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
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
	// Node 0 has a 21st page that drifted; 20 of 21 agree (0.95 >= 0.9).
	pages := make([]int, 20)
	for i := range pages {
		pages[i] = i
	}
	blob0, hs0 := crawlBlob(t, addr(0), append(pages, 99))
	_, hs1 := crawlBlob(t, addr(1), pages)
	for i, hs := range [][]api.Hash{hs0, hs1} {
		l := leases[i]
		if _, err := leader.Commit(ctx, l.Node, api.Commitment{TaskID: task, LeaseID: l.ID, Root: root(hs), Rows: int64(len(hs))}); err != nil {
			t.Fatal(err)
		}
		if _, err := leader.Reveal(ctx, l.Node, api.Reveal{TaskID: task, LeaseID: l.ID, RowHashes: hs}); err != nil {
			t.Fatal(err)
		}
	}
	if tk, _ := leader.Task(task); tk.State != api.TaskVerified || len(tk.Accepted) != 20 {
		t.Fatalf("task %s with %d accepted rows", tk.State, len(tk.Accepted))
	}

	up := api.Upload{TaskID: task, LeaseID: leases[0].ID, SHA256: api.Hash(sha256.Sum256(blob0)), Size: int64(len(blob0))}
	bad := up
	bad.Size++
	if _, err := leader.Upload(ctx, addr(0), bad, bytes.NewReader(blob0)); err == nil {
		t.Fatal("upload with a wrong size accepted")
	}
	if _, err := leader.Upload(ctx, addr(1), up, bytes.NewReader(blob0)); !errors.Is(err, state.ErrConflict) {
		t.Fatalf("upload on another node's lease: %v", err)
	}
	res, err := leader.Upload(ctx, addr(0), up, bytes.NewReader(blob0))
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 20 {
		t.Fatalf("stored %d rows, want the 20 accepted", res.Rows)
	}
	c.WaitConverged()
	tk, _ := leader.Task(task)
	if tk.Blob == nil || tk.Blob.SHA256 == up.SHA256 {
		t.Fatalf("blob %+v: want the rewritten stream without the drifted row", tk.Blob)
	}
	if st, _ := leader.JobStatus(job.ID); st.State != api.JobDone {
		t.Fatalf("job %s", st.State)
	}
	// The rewritten blob reads back with exactly the accepted rows.
	held := 0
	for _, m := range c.Members {
		got, ok := m.C.BlobBytes(tk.Blob.SHA256)
		if !ok {
			continue
		}
		held++
		r, err := dataset.NewStreamReader(bytes.NewReader(got))
		if err != nil {
			t.Fatal(err)
		}
		var hs []dataset.Hash
		for {
			b, ok := r.NextHashes()
			if !ok {
				break
			}
			hs = append(hs, b...)
		}
		if len(hs) != 20 || api.Hash(dataset.ContentRoot(hs)) != tk.Root() {
			t.Fatalf("%s: stored blob has %d rows, root mismatch", m.Config.ID, len(hs))
		}
	}
	if held < 2 {
		t.Fatalf("blob held by %d members, want a majority", held)
	}

	// Any member serves the manifest and the data, fetching blobs it lacks.
	ds := state.DatasetID(job.ID)
	for _, m := range c.Members {
		var man struct {
			Root      string `json:"root"`
			TotalRows int64  `json:"total_rows"`
		}
		if code, b, _ := readAs(t, m.Config.HTTPAddr, "/v1/datasets/"+ds+"/manifest", buyer, "", nil); code != 200 || json.Unmarshal(b, &man) != nil {
			t.Fatalf("%s: manifest: %d %s", m.Config.ID, code, b)
		}
		if man.TotalRows != 20 || man.Root != tk.Root().String() {
			t.Fatalf("%s: manifest %+v, want 20 rows and root %s", m.Config.ID, man, tk.Root())
		}
		for _, format := range []string{"arrow", "parquet"} {
			env, err := api.Sign(buyer.key, api.MethodDatasetGet, map[string]string{"dataset_id": ds, "format": format},
				buyer.nonces.Next(time.Now()), time.Now().Add(time.Minute), api.DevDomain())
			if err != nil {
				t.Fatal(err)
			}
			hdr, _ := env.Header()
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			req.SetRequestURI("http://" + m.Config.HTTPAddr + "/v1/datasets/" + ds + "/data?format=" + format)
			req.Header.Set(api.EnvelopeHeader, hdr)
			if err := fasthttp.DoTimeout(req, resp, 20*time.Second); err != nil || resp.StatusCode() != 200 {
				t.Fatalf("%s: download %s: %v %d %s", m.Config.ID, format, err, resp.StatusCode(), resp.Body())
			}
			body := append([]byte(nil), resp.Body()...)
			r, err := dataset.NewReader(bytes.NewReader(body), int64(len(body)))
			if err != nil {
				t.Fatalf("%s: read %s download: %v", m.Config.ID, format, err)
			}
			var hs []dataset.Hash
			for {
				b, ok := r.NextHashes()
				if !ok {
					break
				}
				hs = append(hs, b...)
			}
			if r.Err() != nil || len(hs) != 20 || api.Hash(dataset.ContentRoot(hs)) != tk.Root() {
				t.Fatalf("%s: %s download: %d rows, err %v", m.Config.ID, format, len(hs), r.Err())
			}
		}
	}
}

// TestLargeUploadStreams: a blob larger than any JSON request (20 MiB) is
// uploaded through a follower, which forwards it to the leader as a stream;
// the leader reads it to disk, checks it and stores it. A JSON request as
// large is refused with 413.
func TestLargeUploadStreams(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	leader := c.WaitLeader().C
	nodes := []*signer{newSigner(t), newSigner(t)}
	for i, n := range nodes {
		if _, err := leader.RegisterNode(ctx, state.Registration{Address: n.addr(), IP: fmt.Sprintf("10.77.%d.1", i)}); err != nil {
			t.Fatal(err)
		}
	}
	job, err := leader.SubmitJob(ctx, common.Address{1}, api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/x"}}})
	if err != nil {
		t.Fatal(err)
	}
	task := job.ID + ".t000000"
	leases, errs, err := leader.GrantLeases(ctx, []state.Grant{
		{TaskID: task, Node: nodes[0].addr(), Deadline: leader.Now() + 60_000},
		{TaskID: task, Node: nodes[1].addr(), Deadline: leader.Now() + 60_000},
	})
	if err != nil || errs[0] != nil || errs[1] != nil {
		t.Fatalf("grants: %v %v", err, errs)
	}
	pages := make([]int, 40)
	for i := range pages {
		pages[i] = i
	}
	text := func(i int) string { return strings.Repeat(fmt.Sprintf("meadow %d ", i), 512<<10/10) }
	rememberKey(nodes[0].key)
	blob, hs := crawlBlobText(t, nodes[0].addr(), pages, text)
	if len(blob) <= 16<<20 {
		t.Fatalf("blob of %d bytes: want more than the 16 MiB JSON bound", len(blob))
	}
	for _, l := range leases {
		if _, err := leader.Commit(ctx, l.Node, api.Commitment{TaskID: task, LeaseID: l.ID, Root: root(hs), Rows: int64(len(hs))}); err != nil {
			t.Fatal(err)
		}
		if _, err := leader.Reveal(ctx, l.Node, api.Reveal{TaskID: task, LeaseID: l.ID, RowHashes: hs}); err != nil {
			t.Fatal(err)
		}
	}
	up := api.Upload{TaskID: task, LeaseID: leases[0].ID, SHA256: api.Hash(sha256.Sum256(blob)), Size: int64(len(blob))}
	env, err := api.Sign(nodes[0].key, api.MethodUpload, up, nodes[0].nonces.Next(time.Now()), time.Now().Add(time.Minute), api.DevDomain())
	if err != nil {
		t.Fatal(err)
	}
	hdr, _ := env.Header()
	follower := c.Followers()[0].Config.HTTPAddr
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + follower + "/v1/node/upload")
	req.Header.SetMethod("PUT")
	req.Header.Set(api.EnvelopeHeader, hdr)
	req.SetBodyStream(bytes.NewReader(blob), -1) // chunked, as the Go node sends a file
	if err := fasthttp.DoTimeout(req, resp, 60*time.Second); err != nil || resp.StatusCode() != 200 {
		t.Fatalf("upload of %d bytes through %s: %v %d %s", len(blob), follower, err, resp.StatusCode(), resp.Body())
	}
	tk, _ := leader.Task(task)
	if tk.Blob == nil || tk.Blob.SHA256 != up.SHA256 || tk.Blob.Size != int64(len(blob)) {
		t.Fatalf("blob %+v, want the %d uploaded bytes as sent", tk.Blob, len(blob))
	}
	if got, ok := leader.BlobBytes(tk.Blob.SHA256); !ok || !bytes.Equal(got, blob) {
		t.Fatalf("stored blob: held %v, %d bytes", ok, len(got))
	}

	// A JSON route does not read a body past its bound.
	huge := bytes.Repeat([]byte(" "), 17<<20)
	for _, chunked := range []bool{false, true} {
		req.Reset()
		resp.Reset()
		req.SetRequestURI("http://" + follower + "/v1/jobs")
		req.Header.SetMethod("POST")
		if chunked {
			req.SetBodyStream(bytes.NewReader(huge), -1)
		} else {
			req.SetBody(huge)
		}
		if err := fasthttp.DoTimeout(req, resp, 30*time.Second); err != nil {
			t.Fatalf("oversized job body (chunked %v): %v", chunked, err)
		}
		if resp.StatusCode() != 413 || !bytes.Contains(resp.Body(), []byte(api.CodeTooLarge)) {
			t.Fatalf("oversized job body (chunked %v): %d %s, want 413 too_large", chunked, resp.StatusCode(), resp.Body())
		}
	}
}
