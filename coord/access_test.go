package coord_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
)

// doneDataset runs a one-task crawl job of buyer's to a complete dataset
// (two agreeing nodes, the blob uploaded) and returns the job's id.
func doneDataset(t *testing.T, c *coordtest.Cluster, buyer common.Address) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	register(t, c, 0, 2)
	leader := c.WaitLeader().C
	job, err := leader.SubmitJob(ctx, buyer, api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/x"}}})
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
	up := api.Upload{TaskID: task, LeaseID: leases[0].ID, SHA256: api.Hash(sha256.Sum256(blob)), Size: int64(len(blob))}
	if _, err := leader.Upload(ctx, addr(0), up, bytes.NewReader(blob)); err != nil {
		t.Fatal(err)
	}
	c.WaitConverged()
	if st, _ := leader.JobStatus(job.ID); st.State != api.JobDone {
		t.Fatalf("job %s", st.State)
	}
	return job.ID
}

// readAs GETs path from a member, signed by s with method (api.MethodRead
// and its body when body is nil), or unsigned when s is nil, and returns
// the status, the body and the error body of a refusal.
func readAs(t *testing.T, addr, path string, s *signer, method string, body any) (int, []byte, api.ErrorBody) {
	t.Helper()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + addr + path)
	if s != nil {
		if method == "" {
			p, _, _ := strings.Cut(path, "?")
			method, body = api.MethodRead, api.ReadRequest{Path: p}
		}
		env, err := api.Sign(s.key, method, body, s.nonces.Next(time.Now()), time.Now().Add(time.Minute), api.DevDomain())
		if err != nil {
			t.Fatal(err)
		}
		h, err := env.Header()
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set(api.EnvelopeHeader, h)
	}
	if err := fasthttp.DoTimeout(req, resp, 20*time.Second); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	var eb api.ErrorBody
	if resp.StatusCode() != 200 {
		_ = json.Unmarshal(resp.Body(), &eb)
	}
	return resp.StatusCode(), append([]byte(nil), resp.Body()...), eb
}

// TestJobsAndDatasetsBelongToTheirBuyer: the job's buyer reads its status,
// its dataset, manifest, proof and data; a stranger's signed read is 403
// naming the buyer, an unsigned one 401 naming the Meadow-Envelope header;
// an address the buyer grants reads until the grant is revoked; a grant
// signed by anyone else is 403 and changes nothing; the dataset list holds
// only the signer's own and granted datasets.
func TestJobsAndDatasetsBelongToTheirBuyer(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	buyer, stranger, friend := newSigner(t), newSigner(t), newSigner(t)
	buyerAddr := crypto.PubkeyToAddress(buyer.key.PublicKey)
	job := doneDataset(t, c, buyerAddr)
	ds := state.DatasetID(job)
	f := c.Followers()[0].Config.HTTPAddr

	reads := []struct {
		name, path, method string
		body               any
	}{
		{name: "job status", path: "/v1/jobs/" + job},
		{name: "consistent job status", path: "/v1/jobs/" + job + "?consistent=1"},
		{name: "dataset", path: "/v1/datasets/" + ds},
		{name: "manifest", path: "/v1/datasets/" + ds + "/manifest"},
		{name: "proof", path: "/v1/datasets/" + ds + "/proof?row=1"},
		{name: "data", path: "/v1/datasets/" + ds + "/data?format=arrow", method: api.MethodDatasetGet,
			body: map[string]string{"dataset_id": ds, "format": "arrow"}},
	}
	mayRead := func(who string, s *signer) {
		t.Helper()
		for _, r := range reads {
			if code, b, _ := readAs(t, f, r.path, s, r.method, r.body); code != 200 {
				t.Errorf("%s reads the %s: %d %s", who, r.name, code, b)
			}
		}
	}
	mayNotRead := func(who string, s *signer) {
		t.Helper()
		for _, r := range reads {
			code, b, eb := readAs(t, f, r.path, s, r.method, r.body)
			if code != 403 || eb.Error.Code != "forbidden" || !strings.Contains(eb.Error.Message, buyerAddr.Hex()) || !strings.Contains(eb.Error.Message, "grant") {
				t.Errorf("%s reads the %s: %d %s; want 403 naming the buyer %s and grants", who, r.name, code, b, buyerAddr.Hex())
			}
		}
	}
	listed := func(s *signer) []string {
		t.Helper()
		code, b, _ := readAs(t, f, "/v1/datasets", s, "", nil)
		var l []api.DatasetInfo
		if code != 200 || json.Unmarshal(b, &l) != nil {
			t.Fatalf("list: %d %s", code, b)
		}
		var ids []string
		for _, d := range l {
			ids = append(ids, d.ID)
		}
		return ids
	}

	mayRead("the buyer", buyer)
	mayNotRead("a stranger", stranger)
	for _, r := range reads {
		code, b, eb := readAs(t, f, r.path, nil, "", nil)
		if code != 401 || eb.Error.Field != api.EnvelopeHeader || !strings.Contains(eb.Error.Message, api.EnvelopeHeader) {
			t.Errorf("unsigned read of the %s: %d %s; want 401 naming %s", r.name, code, b, api.EnvelopeHeader)
		}
	}
	if code, b, _ := readAs(t, f, "/v1/datasets", nil, "", nil); code != 401 {
		t.Errorf("unsigned list: %d %s", code, b)
	}
	// An envelope made for one path does not read another.
	if code, b, _ := readAs(t, f, "/v1/jobs/"+job, buyer, api.MethodRead, api.ReadRequest{Path: "/v1/datasets"}); code != 400 {
		t.Errorf("an envelope for another path: %d %s", code, b)
	}
	if l := listed(buyer); len(l) != 1 || l[0] != ds {
		t.Errorf("the buyer lists %v, want [%s]", l, ds)
	}
	if l := listed(stranger); len(l) != 0 {
		t.Errorf("a stranger lists %v, want none", l)
	}

	grant := func(s *signer, action string, to *signer) (int, api.ErrorBody) {
		t.Helper()
		method := api.MethodJobGrant
		if action == "revoke" {
			method = api.MethodJobRevoke
		}
		var out map[string]any
		body := api.JobGrant{JobID: job, Address: crypto.PubkeyToAddress(to.key.PublicKey)}
		return call(t, f, "/v1/jobs/"+job+"/"+action, s.envelope(t, method, body), &out)
	}
	status := func() api.JobStatus {
		t.Helper()
		var st api.JobStatus
		code, b, _ := readAs(t, f, "/v1/jobs/"+job+"?consistent=1", buyer, "", nil)
		if code != 200 || json.Unmarshal(b, &st) != nil {
			t.Fatalf("status: %d %s", code, b)
		}
		return st
	}
	// A grant signed by someone other than the buyer: 403, nothing changes.
	if code, eb := grant(stranger, "grant", friend); code != 403 || !strings.Contains(eb.Error.Message, buyerAddr.Hex()) {
		t.Fatalf("a stranger's grant: %d %+v; want 403 naming the buyer", code, eb)
	}
	if st := status(); len(st.Grants) != 0 {
		t.Fatalf("grants after a stranger's grant: %v", st.Grants)
	}
	mayNotRead("the stranger's friend", friend)

	if code, eb := grant(buyer, "grant", friend); code != 200 {
		t.Fatalf("the buyer's grant: %d %+v", code, eb)
	}
	if st := status(); len(st.Grants) != 1 || st.Grants[0] != crypto.PubkeyToAddress(friend.key.PublicKey) {
		t.Fatalf("grants %v", st.Grants)
	}
	c.WaitConverged()
	mayRead("a granted address", friend)
	if l := listed(friend); len(l) != 1 || l[0] != ds {
		t.Errorf("a granted address lists %v, want [%s]", l, ds)
	}
	if code, eb := grant(stranger, "revoke", friend); code != 403 {
		t.Fatalf("a stranger's revoke: %d %+v", code, eb)
	}
	if code, eb := grant(buyer, "revoke", friend); code != 200 {
		t.Fatalf("the buyer's revoke: %d %+v", code, eb)
	}
	c.WaitConverged()
	mayNotRead("a revoked address", friend)
	if l := listed(friend); len(l) != 0 {
		t.Errorf("a revoked address lists %v, want none", l)
	}
}
