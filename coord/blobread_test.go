package coord_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
)

// storedCrawl runs a one-task crawl job through two leases to a stored
// blob and returns the job's dataset id and the blob's hash.
func storedCrawl(t *testing.T, leader *coord.Coordinator) (string, api.Hash) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	job, err := leader.SubmitJob(ctx, common.Address{1}, api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/x"}}})
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
	b, hs := crawlBlob(t, addr(0), []int{0, 1, 2, 3, 4})
	for _, l := range leases {
		if _, err := leader.Commit(ctx, l.Node, api.Commitment{TaskID: task, LeaseID: l.ID, Root: root(hs), Rows: int64(len(hs))}); err != nil {
			t.Fatal(err)
		}
		if _, err := leader.Reveal(ctx, l.Node, api.Reveal{TaskID: task, LeaseID: l.ID, RowHashes: hs}); err != nil {
			t.Fatal(err)
		}
	}
	up := api.Upload{TaskID: task, LeaseID: leases[0].ID, SHA256: api.Hash(sha256.Sum256(b)), Size: int64(len(b))}
	if _, err := leader.Upload(ctx, addr(0), up, bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	tk, err := leader.Task(task)
	if err != nil || tk.Blob == nil {
		t.Fatalf("task %s: blob %+v, %v", task, tk.Blob, err)
	}
	return state.DatasetID(job.ID), tk.Blob.SHA256
}

// blobRead sends method to a member's /v1/blobs/{h} with the given headers
// and returns the status, the body and the error body of a non-2xx answer.
func blobRead(t *testing.T, httpAddr, method string, h api.Hash, headers map[string]string) (int, []byte, api.ErrorBody) {
	t.Helper()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + httpAddr + blob.PathPrefix + h.String())
	req.Header.SetMethod(method)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if method == fasthttp.MethodHead {
		resp.SkipBody = true
	}
	if err := fasthttp.DoTimeout(req, resp, 10*time.Second); err != nil {
		t.Fatalf("%s %s: %v", method, h, err)
	}
	var eb api.ErrorBody
	if resp.StatusCode() >= 300 {
		if err := json.Unmarshal(resp.Body(), &eb); err != nil {
			t.Fatalf("%s %s: %d %q: not an error body: %v", method, h, resp.StatusCode(), resp.Body(), err)
		}
	}
	return resp.StatusCode(), append([]byte(nil), resp.Body()...), eb
}

// blobHeader signs a blob.get envelope for s in the header form.
func blobHeader(t *testing.T, s *signer, method string, body any) map[string]string {
	t.Helper()
	env, err := api.Sign(s.key, method, body, s.nonces.Next(time.Now()), time.Now().Add(time.Minute), api.DevDomain())
	if err != nil {
		t.Fatal(err)
	}
	h, err := env.Header()
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{api.EnvelopeHeader: h}
}

// TestBlobReadNeedsLease checks who may read a compute job's input blob:
// a peer with the cluster token, or a node that signs a blob.get envelope
// and holds an open lease on a compute task that reads the blob. Knowing
// the hash (public in the manifest) is not enough: the blob is data that
// buyers pay for.
func TestBlobReadNeedsLease(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	register(t, c, 0, 2)
	leader := c.WaitLeader().C
	ds, in := storedCrawl(t, leader)

	holder, other := newSigner(t), newSigner(t)
	for i, s := range []*signer{holder, other} {
		if _, err := leader.RegisterNode(ctx, state.Registration{Address: s.addr(), IP: []string{"10.9.0.1", "10.9.1.1"}[i]}); err != nil {
			t.Fatal(err)
		}
	}
	// Only who may read the input dataset may compute over it.
	spec := api.JobSpec{Kind: api.JobCompute, Compute: &api.ComputeSpec{Input: ds, Column: "text", Kernel: api.KernelTokens}}
	if _, err := leader.SubmitJob(ctx, common.Address{2}, spec); !errors.Is(err, state.ErrForbidden) {
		t.Fatalf("compute over another buyer's dataset: got %v, want forbidden", err)
	}
	cjob, err := leader.SubmitJob(ctx, common.Address{1}, spec)
	if err != nil {
		t.Fatal(err)
	}
	ctask := cjob.ID + ".t000000"
	if _, errs, err := leader.GrantLeases(ctx, []state.Grant{{TaskID: ctask, Node: holder.addr(), Deadline: leader.Now() + 60_000}}); err != nil || errs[0] != nil {
		t.Fatalf("grant: %v %v", err, errs)
	}
	c.WaitConverged()
	want, ok := leader.BlobBytes(in)
	if !ok {
		t.Fatal("the leader does not hold the input blob")
	}
	var crawlTask string // the input blob's own (crawl) task
	if tk, err := leader.Task(ctask); err != nil || len(tk.Spec.Compute.Shard.Parts) == 0 {
		t.Fatalf("compute task %s: %+v %v", ctask, tk, err)
	} else {
		crawlTask = tk.Spec.Compute.Shard.Parts[0].Task
	}
	at := c.Members[0].Config.HTTPAddr
	get := api.BlobGet{Hash: in, TaskID: ctask}

	tests := []struct {
		name    string
		method  string
		headers map[string]string
		status  int
		code    api.ErrorCode
		field   string
	}{
		{name: "no header", headers: nil, status: 401, code: blob.CodeUnauthorized, field: api.EnvelopeHeader},
		{name: "garbled header", headers: map[string]string{api.EnvelopeHeader: "not base64!"}, status: 400, code: api.CodeMalformed, field: api.EnvelopeHeader},
		{name: "no lease", headers: blobHeader(t, other, api.MethodBlobGet, get), status: 403, code: blob.CodeForbidden, field: "body.task_id"},
		{name: "hash not the URL's", headers: blobHeader(t, holder, api.MethodBlobGet, api.BlobGet{Hash: api.Hash{0xab}, TaskID: ctask}), status: 400, code: api.CodeInvalid, field: "body.hash"},
		{name: "unknown task", headers: blobHeader(t, holder, api.MethodBlobGet, api.BlobGet{Hash: in, TaskID: cjob.ID + ".t999999"}), status: 404, code: api.CodeNotFound, field: "body.task_id"},
		{name: "a crawl task", headers: blobHeader(t, holder, api.MethodBlobGet, api.BlobGet{Hash: in, TaskID: crawlTask}), status: 403, code: blob.CodeForbidden, field: "body.task_id"},
		{name: "signed for dataset.get", headers: blobHeader(t, holder, api.MethodDatasetGet, get), status: 401, code: api.CodeBadSig, field: api.EnvelopeHeader},
		{name: "wrong token", headers: map[string]string{blob.TokenHeader: "nope"}, status: 403, code: blob.CodeForbidden, field: blob.TokenHeader},
		{name: "peer", headers: map[string]string{blob.TokenHeader: "test-cluster-token"}, status: 200},
		{name: "lease holder", headers: blobHeader(t, holder, api.MethodBlobGet, get), status: 200},
		{name: "lease holder head", method: fasthttp.MethodHead, headers: blobHeader(t, holder, api.MethodBlobGet, get), status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = fasthttp.MethodGet
			}
			status, body, eb := blobRead(t, at, method, in, tt.headers)
			if status != tt.status {
				t.Fatalf("status %d (%+v), want %d", status, eb.Error, tt.status)
			}
			if status >= 300 {
				if eb.Error.Code != tt.code || eb.Error.Field != tt.field {
					t.Fatalf("error %+v, want code %q field %q", eb.Error, tt.code, tt.field)
				}
				return
			}
			if method == fasthttp.MethodGet && !bytes.Equal(body, want) {
				t.Fatalf("served %d bytes, want the blob's %d", len(body), len(want))
			}
		})
	}

	// An envelope serves one request: its replay, and a GET after a HEAD
	// with the same envelope, are refused; any member serves a fresh one.
	hdr := blobHeader(t, holder, api.MethodBlobGet, get)
	if status, _, eb := blobRead(t, at, fasthttp.MethodHead, in, hdr); status != 200 {
		t.Fatalf("HEAD: %d %+v", status, eb.Error)
	}
	if status, _, eb := blobRead(t, at, fasthttp.MethodGet, in, hdr); status != 409 || eb.Error.Code != api.CodeReplayed {
		t.Fatalf("GET with the HEAD's envelope: %d %+v, want 409 replayed", status, eb.Error)
	}
	hdr = blobHeader(t, holder, api.MethodBlobGet, get)
	if status, _, eb := blobRead(t, at, fasthttp.MethodGet, in, hdr); status != 200 {
		t.Fatalf("GET: %d %+v", status, eb.Error)
	}
	if status, _, eb := blobRead(t, at, fasthttp.MethodGet, in, hdr); status != 409 || eb.Error.Code != api.CodeReplayed {
		t.Fatalf("replayed GET: %d %+v, want 409 replayed", status, eb.Error)
	}
	for _, m := range c.Members {
		status, body, eb := blobRead(t, m.Config.HTTPAddr, fasthttp.MethodGet, in, blobHeader(t, holder, api.MethodBlobGet, get))
		if status == 404 && eb.Error.Field == "hash" {
			continue // a member that lacks the blob; the node tries the next
		}
		if status != 200 || !bytes.Equal(body, want) {
			t.Fatalf("%s: %d %+v", m.Config.ID, status, eb.Error)
		}
	}

	// Once the job is final its input is no longer served to its nodes.
	if _, err := leader.SetJobState(ctx, common.Address{1}, cjob.ID, api.JobCancelled); err != nil {
		t.Fatal(err)
	}
	c.WaitConverged()
	if status, _, eb := blobRead(t, at, fasthttp.MethodGet, in, blobHeader(t, holder, api.MethodBlobGet, get)); status != 403 || eb.Error.Field != "body.task_id" {
		t.Fatalf("after cancelling the job: %d %+v, want 403 naming body.task_id", status, eb.Error)
	}
}
