package coord_test

import (
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// signer signs requests for one key, with nonces from the clock.
type signer struct {
	key    *ecdsa.PrivateKey
	nonces api.NonceSource
}

func newSigner(t *testing.T) *signer {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return &signer{key: k}
}

func (s *signer) addr() string { return strings.ToLower(crypto.PubkeyToAddress(s.key.PublicKey).Hex()) }

func (s *signer) envelope(t *testing.T, method string, body any) []byte {
	t.Helper()
	env, err := api.Sign(s.key, method, body, s.nonces.Next(time.Now()), time.Now().Add(time.Minute), api.DevDomain())
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// call posts raw to a member and decodes a 200 answer into out, or returns
// the status and error body.
func call(t *testing.T, addr, path string, raw []byte, out any) (int, api.ErrorBody) {
	t.Helper()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + addr + path)
	req.Header.SetMethod("POST")
	req.Header.SetContentType("application/json") // fasthttp would label it application/octet-stream
	req.SetBody(raw)
	if err := fasthttp.DoTimeout(req, resp, 10*time.Second); err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	var eb api.ErrorBody
	if resp.StatusCode() != 200 {
		if err := json.Unmarshal(resp.Body(), &eb); err != nil {
			t.Fatalf("POST %s: %d %s", path, resp.StatusCode(), resp.Body())
		}
		return resp.StatusCode(), eb
	}
	if err := json.Unmarshal(resp.Body(), out); err != nil {
		t.Fatalf("POST %s: %v: %s", path, err, resp.Body())
	}
	return 200, eb
}

func TestNodeAPIThroughFollower(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	c.WaitLeader()
	f := c.Followers()[0].Config.HTTPAddr
	caps := api.Capabilities{CPUCores: 2, MaxConcurrent: 2}

	nodes := []*signer{newSigner(t), newSigner(t)}
	for _, n := range nodes {
		var rr api.RegisterResponse
		body := n.envelope(t, api.MethodRegister, api.RegisterRequest{Address: crypto.PubkeyToAddress(n.key.PublicKey), Capabilities: caps, Version: "dev"})
		if code, eb := call(t, f, "/v1/node/register", body, &rr); code != 200 {
			t.Fatalf("register: %d %+v", code, eb)
		}
		// The same envelope again is a replay.
		if code, eb := call(t, f, "/v1/node/register", body, &rr); code != 409 || eb.Error.Code != api.CodeReplayed {
			t.Fatalf("replayed register: %d %+v", code, eb)
		}
	}
	// Both nodes come from 127.0.0.1: one /24, so only one may hold a
	// replica of the task (the test config does not share networks).
	buyer := newSigner(t)
	var job api.Job
	spec := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/1"}}}
	if code, eb := call(t, f, "/v1/jobs", buyer.envelope(t, api.MethodJobSubmit, spec), &job); code != 200 {
		t.Fatalf("submit: %d %+v", code, eb)
	}
	if code, eb := call(t, f, "/v1/jobs", buyer.envelope(t, api.MethodJobSubmit, api.JobSpec{Kind: api.JobCrawl}), &job); code != 400 || eb.Error.Code != api.CodeInvalid {
		t.Fatalf("bad spec: %d %+v", code, eb)
	}
	var w0, w1 api.WorkResponse
	if code, eb := call(t, f, "/v1/node/work", nodes[0].envelope(t, api.MethodWork, api.WorkRequest{MaxTasks: 4}), &w0); code != 200 || len(w0.Leases) != 1 {
		t.Fatalf("work 0: %d %+v %+v", code, eb, w0)
	}
	if code, eb := call(t, f, "/v1/node/work", nodes[1].envelope(t, api.MethodWork, api.WorkRequest{MaxTasks: 4}), &w1); code != 200 || len(w1.Leases) != 0 || w1.RetryAfter <= 0 {
		t.Fatalf("work 1 (same /24): %d %+v %+v", code, eb, w1)
	}
	l := w0.Leases[0]
	hs := rowHashes(0, 3)
	var cr api.CommitResponse
	commit := api.Commitment{TaskID: l.Task.ID, LeaseID: l.ID, Root: root(hs), Rows: 3}
	if code, eb := call(t, f, "/v1/node/commit", nodes[0].envelope(t, api.MethodCommit, commit), &cr); code != 200 || cr.RevealDeadline == 0 {
		t.Fatalf("commit: %d %+v", code, eb)
	}
	// Someone else's lease.
	if code, eb := call(t, f, "/v1/node/commit", nodes[1].envelope(t, api.MethodCommit, commit), &cr); code != 409 {
		t.Fatalf("commit on another's lease: %d %+v", code, eb)
	}
	var rv api.RevealResponse
	bad := api.Reveal{TaskID: l.Task.ID, LeaseID: l.ID, RowHashes: rowHashes(1, 4)}
	if code, eb := call(t, f, "/v1/node/reveal", nodes[0].envelope(t, api.MethodReveal, bad), &rv); code != 409 {
		t.Fatalf("mismatched reveal: %d %+v", code, eb)
	}
	good := api.Reveal{TaskID: l.Task.ID, LeaseID: l.ID, RowHashes: hs}
	if code, eb := call(t, f, "/v1/node/reveal", nodes[0].envelope(t, api.MethodReveal, good), &rv); code != 200 {
		t.Fatalf("reveal: %d %+v", code, eb)
	}
	// A refusal is answered once; the same envelope again is a replay.
	refusal := nodes[0].envelope(t, api.MethodRefuse, api.Refusal{TaskID: l.Task.ID, LeaseID: l.ID, URL: "https://a.example/1", Reason: api.RefusedRobots})
	var ok map[string]any
	if code, eb := call(t, f, "/v1/node/refuse", refusal, &ok); code != 200 {
		t.Fatalf("refuse: %d %+v", code, eb)
	}
	if code, eb := call(t, f, "/v1/node/refuse", refusal, &ok); code != 409 || eb.Error.Code != api.CodeReplayed {
		t.Fatalf("replayed refusal: %d %+v", code, eb)
	}
	// A signature for another method.
	if code, eb := call(t, f, "/v1/node/reveal", nodes[0].envelope(t, api.MethodCommit, good), &rv); code/100 != 4 {
		t.Fatalf("wrong method: %d %+v", code, eb)
	}

	var st api.JobStatus
	code, b, eb := readAs(t, f, "/v1/jobs/"+job.ID+"?consistent=1", buyer, "", nil)
	if code != 200 || json.Unmarshal(b, &st) != nil {
		t.Fatalf("status: %d %+v", code, eb)
	}
	h := httpGet(t, f, "/v1/cluster/status", nil)
	if st.Progress.Tasks.Committed+st.Progress.Tasks.Pending != 1 || len(h.Peek("X-Meadow-Applied-Index")) == 0 {
		t.Fatalf("status %+v", st)
	}
}

// TestSignedBodySizeByMethod: a reveal of every row a task may have and a
// job spec of many URLs are read in full; other requests stop at 1 MiB.
func TestSignedBodySizeByMethod(t *testing.T) {
	c := coordtest.NewTestCluster(t, 1)
	addr := c.WaitLeader().Config.HTTPAddr
	n := newSigner(t)

	// 100,000 row hashes (~6.9 MB of JSON) reach the lease check: 404 for
	// a lease that does not exist, not 413.
	big := api.Reveal{TaskID: "j-x.t000000", LeaseID: "j-x.t000000.r0", RowHashes: rowHashes(0, api.MaxTaskRows)}
	raw := n.envelope(t, api.MethodReveal, big)
	if len(raw) <= api.MaxRequestSize {
		t.Fatalf("the reveal envelope is only %d bytes", len(raw))
	}
	var rr api.RevealResponse
	if code, eb := call(t, addr, "/v1/node/reveal", raw, &rr); code != 404 {
		t.Fatalf("reveal of %d bytes: %d %+v, want 404 for the unknown lease", len(raw), code, eb)
	}
	// Past the reveal's bound: 413, naming the limit.
	over := api.Reveal{TaskID: "j-x.t000000", LeaseID: "j-x.t000000.r0", RowHashes: rowHashes(0, 130_000)}
	if code, eb := call(t, addr, "/v1/node/reveal", n.envelope(t, api.MethodReveal, over), &rr); code != 413 || eb.Error.Code != api.CodeTooLarge {
		t.Fatalf("oversized reveal: %d %+v, want 413 too_large", code, eb)
	}
	// A register request of 2 MiB is over the 1 MiB of small requests.
	reg := api.RegisterRequest{Address: crypto.PubkeyToAddress(n.key.PublicKey), Version: strings.Repeat("v", 2<<20)}
	var reply api.RegisterResponse
	if code, eb := call(t, addr, "/v1/node/register", n.envelope(t, api.MethodRegister, reg), &reply); code != 413 || eb.Error.Code != api.CodeTooLarge {
		t.Fatalf("oversized register: %d %+v, want 413 too_large", code, eb)
	}
	// A job of 20,000 URLs (~1.2 MB) is read and accepted.
	urls := make([]string, 20_000)
	for i := range urls {
		urls[i] = fmt.Sprintf("https://a.example/articles/%d/with-a-longer-path-than-most", i)
	}
	var job api.Job
	spec := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: urls}}
	if code, eb := call(t, addr, "/v1/jobs", newSigner(t).envelope(t, api.MethodJobSubmit, spec), &job); code != 200 {
		t.Fatalf("job of %d URLs: %d %+v", len(urls), code, eb)
	}
}

// A node's client sends one work envelope to every member at once when the
// member it asked first does not answer (api.Client's race): the leader
// grants it once, and every copy is answered with the same leases.
func TestWorkEnvelopeIsGrantedOnce(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	c.WaitLeader()
	f := c.Followers()[0].Config.HTTPAddr
	n := newSigner(t)
	var rr api.RegisterResponse
	caps := api.Capabilities{CPUCores: 2, MaxConcurrent: 8}
	if code, eb := call(t, f, "/v1/node/register", n.envelope(t, api.MethodRegister, api.RegisterRequest{Address: crypto.PubkeyToAddress(n.key.PublicKey), Capabilities: caps, Version: "dev"}), &rr); code != 200 {
		t.Fatalf("register: %d %+v", code, eb)
	}
	buyer := newSigner(t)
	var job api.Job
	var urls []string
	for i := range 8 {
		urls = append(urls, fmt.Sprintf("https://a%d.example/", i))
	}
	spec := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: urls}}
	if code, eb := call(t, f, "/v1/jobs", buyer.envelope(t, api.MethodJobSubmit, spec), &job); code != 200 {
		t.Fatalf("submit: %d %+v", code, eb)
	}

	env := n.envelope(t, api.MethodWork, api.WorkRequest{MaxTasks: 2})
	members := c.Members
	answers := make([]api.WorkResponse, len(members))
	codes := make([]int, len(members))
	errs := make([]api.ErrorBody, len(members))
	done := make(chan int)
	for i, m := range members {
		go func() {
			codes[i], errs[i] = call(t, m.Config.HTTPAddr, "/v1/node/work", env, &answers[i])
			done <- i
		}()
	}
	for range members {
		<-done
	}
	leaseIDs := func(w api.WorkResponse) []string {
		var ids []string
		for _, l := range w.Leases {
			ids = append(ids, l.ID)
		}
		return ids
	}
	for i := range members {
		if codes[i] != 200 {
			t.Fatalf("copy %d of the envelope: %d %+v", i, codes[i], errs[i])
		}
		if got, want := leaseIDs(answers[i]), leaseIDs(answers[0]); len(want) != 2 || !slices.Equal(got, want) {
			t.Fatalf("copy %d granted %v, copy 0 %v: want the same 2 leases", i, got, want)
		}
	}
	// Once more, after the answers: still the same grant.
	var again api.WorkResponse
	if code, eb := call(t, f, "/v1/node/work", env, &again); code != 200 || !slices.Equal(leaseIDs(again), leaseIDs(answers[0])) {
		t.Fatalf("the envelope again: %d %+v %v", code, eb, leaseIDs(again))
	}
	// A new envelope is a new request: new leases.
	var next api.WorkResponse
	if code, eb := call(t, f, "/v1/node/work", n.envelope(t, api.MethodWork, api.WorkRequest{MaxTasks: 2}), &next); code != 200 || len(next.Leases) != 2 || slices.Contains(leaseIDs(answers[0]), next.Leases[0].ID) {
		t.Fatalf("a new envelope: %d %+v %v", code, eb, leaseIDs(next))
	}
	// The first envelope, now older than the node's latest, is a replay.
	if code, eb := call(t, f, "/v1/node/work", env, &again); code != 409 || eb.Error.Code != api.CodeReplayed {
		t.Fatalf("an older envelope after a newer one: %d %+v", code, eb)
	}
	// The node holds exactly the leases it was answered: asking until
	// nothing is left gets every other task, none taken by a copy.
	st, err := c.Leader().C.JobStatus(job.ID)
	if err != nil {
		t.Fatal(err)
	}
	total := st.Progress.Tasks.Total()
	held := int64(len(answers[0].Leases) + len(next.Leases))
	for {
		var w api.WorkResponse
		if code, eb := call(t, f, "/v1/node/work", n.envelope(t, api.MethodWork, api.WorkRequest{MaxTasks: 8}), &w); code != 200 {
			t.Fatalf("work: %d %+v", code, eb)
		}
		if len(w.Leases) == 0 {
			break
		}
		held += int64(len(w.Leases))
	}
	if held != total {
		t.Fatalf("the node was answered %d leases of the job's %d tasks: a copy of the envelope took leases nobody was told of", held, total)
	}
}

// TestRegisterWithReferrer: a node names its referrer in its first signed
// registration, through any member; the referrer must be another,
// registered node; a later registration may repeat it but not change it or
// add one, and a refused registration changes nothing.
func TestRegisterWithReferrer(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	c.WaitLeader()
	f := c.Followers()[0].Config.HTTPAddr
	caps := api.Capabilities{CPUCores: 2, MaxConcurrent: 2}
	reg := func(n *signer, referrer *signer) (int, api.ErrorBody) {
		t.Helper()
		r := api.RegisterRequest{Address: crypto.PubkeyToAddress(n.key.PublicKey), Capabilities: caps, Version: "dev"}
		if referrer != nil {
			r.Referrer = crypto.PubkeyToAddress(referrer.key.PublicKey)
		}
		var rr api.RegisterResponse
		return call(t, f, "/v1/node/register", n.envelope(t, api.MethodRegister, r), &rr)
	}
	referrerOf := func(n *signer) string {
		t.Helper()
		nd, err := c.WaitLeader().C.Node(n.addr())
		if err != nil {
			t.Fatal(err)
		}
		return nd.Referrer
	}
	a, b, other, unknown, late := newSigner(t), newSigner(t), newSigner(t), newSigner(t), newSigner(t)
	for _, n := range []*signer{a, other, late} {
		if code, eb := reg(n, nil); code != 200 {
			t.Fatalf("register: %d %+v", code, eb)
		}
	}
	// Not yet registered: refused, and the node stays unregistered.
	if code, eb := reg(b, unknown); code != 400 || !strings.Contains(eb.Error.Message, "referrer") {
		t.Fatalf("an unregistered referrer: %d %+v; want 400 naming the referrer", code, eb)
	}
	if _, err := c.WaitLeader().C.Node(b.addr()); err == nil {
		t.Fatal("a refused registration registered the node")
	}
	// Itself: refused at the edge.
	if code, eb := reg(b, b); code != 400 || !strings.Contains(eb.Error.Field, "referrer") {
		t.Fatalf("the node as its own referrer: %d %+v; want 400 on the referrer", code, eb)
	}
	if code, eb := reg(b, a); code != 200 || referrerOf(b) != a.addr() {
		t.Fatalf("register naming a: %d %+v, referrer %q", code, eb, referrerOf(b))
	}
	// Again with the same referrer (a retried registration) or none: kept.
	for _, r := range []*signer{a, nil} {
		if code, eb := reg(b, r); code != 200 || referrerOf(b) != a.addr() {
			t.Fatalf("registering again: %d %+v, referrer %q", code, eb, referrerOf(b))
		}
	}
	// Changed, or added after a first registration without one: 409.
	if code, eb := reg(b, other); code != 409 || !strings.Contains(eb.Error.Message, "referrer") || referrerOf(b) != a.addr() {
		t.Fatalf("changing the referrer: %d %+v, referrer %q; want 409 and a kept", code, eb, referrerOf(b))
	}
	if code, eb := reg(late, a); code != 409 || referrerOf(late) != "" {
		t.Fatalf("adding a referrer later: %d %+v, referrer %q; want 409 and none", code, eb, referrerOf(late))
	}
}
