package coord_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/minio/minio-go/v7"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/blob/s3test"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
)

// stagedCluster is a 3-member cluster whose blobs are in a fresh bucket of
// its own gateway.
type stagedCluster struct {
	c      *coordtest.Cluster
	srv    *s3test.Server
	bucket string
}

func newStagedCluster(t *testing.T) *stagedCluster {
	t.Helper()
	srv := s3test.Start(t)
	return newStagedClusterOn(t, srv, srv.NewBucket(t), nil)
}

// newStagedClusterOn is newStagedCluster on a given gateway and bucket,
// each member's config edited by edit (when not nil).
func newStagedClusterOn(t *testing.T, srv *s3test.Server, bucket string, edit func(cfg *coord.Config)) *stagedCluster {
	t.Helper()
	c := coordtest.NewTestCluster(t, 3, coordtest.WithConfig(func(_ int, cfg *coord.Config) {
		cfg.ObjectStore = stagedStore(srv, bucket)
		if edit != nil {
			edit(cfg)
		}
	}))
	register(t, c, 0, 2)
	return &stagedCluster{c: c, srv: srv, bucket: bucket}
}

// stagedStore is the object store section of a staged cluster.
func stagedStore(srv *s3test.Server, bucket string) *coord.ObjectStoreConfig {
	return &coord.ObjectStoreConfig{Endpoint: srv.Endpoint, Bucket: bucket, Prefix: "meadow/", AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey}
}

// verified submits a one-task crawl job, and nodes 0 and 1 commit and reveal
// it: node 0 with pages 0-19 and a drifted 99th, node 1 with pages 0-19, so
// the task is verified with the 20 shared rows accepted. It returns the
// task, both leases and both nodes' blobs.
func (s *stagedCluster) verified(t *testing.T) (string, []state.Lease, [][]byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	leader := s.c.WaitLeader().C
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
	pages := make([]int, 20)
	for i := range pages {
		pages[i] = i
	}
	blob0, hs0 := crawlBlob(t, addr(0), append(pages, 99))
	blob1, hs1 := crawlBlob(t, addr(1), pages)
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
	// Every member knows the task verified (a follower that does not yet
	// hands a report to the leader).
	s.c.WaitConverged()
	return task, leases, [][]byte{blob0, blob1}
}

// nodeClient is node i's signed client of the cluster, followers first:
// a follower forwards the URL request to the leader and checks a report
// itself.
func (s *stagedCluster) nodeClient(t *testing.T, i int) *api.Client {
	t.Helper()
	return s.client(t, i, false)
}

// client is node i's client, the leader first or last.
func (s *stagedCluster) client(t *testing.T, i int, leaderFirst bool) *api.Client {
	t.Helper()
	k, ok := testNodeKeys.Load(addr(i))
	if !ok {
		t.Fatal("no key for node", i)
	}
	var urls []string
	leader := s.c.WaitLeader()
	for _, m := range s.c.Members {
		if m != leader {
			urls = append(urls, "http://"+m.Config.HTTPAddr)
		}
	}
	urls = append(urls, "http://"+leader.Config.HTTPAddr)
	if leaderFirst {
		slices.Reverse(urls)
	}
	cl, err := api.NewClient(api.ClientConfig{Coordinators: urls, Key: k.(*ecdsa.PrivateKey), Domain: api.DevDomain()})
	if err != nil {
		t.Fatal(err)
	}
	cl.Attempts = len(urls)
	return cl
}

// presignedUpload runs a node's whole presigned upload of blob (URL, PUT
// to the store, report) and requires it recorded with rows rows.
func presignedUpload(ctx context.Context, t *testing.T, cl *api.Client, up api.Upload, blob []byte, rows int64) {
	t.Helper()
	var u api.UploadURL
	if err := cl.Post(ctx, api.MethodUploadURL, api.RouteUploadURL, up, &u); err != nil {
		t.Fatal(err)
	}
	if code := putURL(t, u, blob); code != http.StatusOK {
		t.Fatalf("PUT to the store: %d", code)
	}
	var res api.UploadResponse
	if err := cl.Post(ctx, api.MethodUploadStaged, api.RouteUploadStaged, up, &res); err != nil || res.Rows != rows {
		t.Fatalf("report: %+v %v; want %d rows recorded", res, err, rows)
	}
}

// putURL PUTs body to a presigned upload URL with its headers and returns
// the store's status.
func putURL(t *testing.T, u api.UploadURL, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, u.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range u.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Del("Content-Length")
	req.ContentLength = int64(len(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// keys lists the bucket's keys under prefix.
func (s *stagedCluster) keys(t *testing.T, prefix string) []string {
	t.Helper()
	var out []string
	for oi := range s.srv.Client().ListObjects(context.Background(), s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if oi.Err != nil {
			t.Fatal(oi.Err)
		}
		out = append(out, oi.Key)
	}
	return out
}

func uploadOf(task string, l state.Lease, b []byte) api.Upload {
	return api.Upload{TaskID: task, LeaseID: l.ID, SHA256: api.Hash(sha256.Sum256(b)), Size: int64(len(b))}
}

// A node's blob goes to the bucket through a presigned PUT, never through
// a coordinator: the leader (reached through a follower) hands out the
// URL, checks the staged object when told, stores it under its name (a
// server-side copy: every row was kept), removes the staged object and
// records the blob; every member then serves it from the bucket.
func TestPresignedUploadEndToEnd(t *testing.T) {
	s := newStagedCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	task, leases, blobs := s.verified(t)
	cl := s.nodeClient(t, 1)
	up := uploadOf(task, leases[1], blobs[1])

	// Told before anything was PUT: refused, naming the field.
	var res api.UploadResponse
	err := cl.Post(ctx, api.MethodUploadStaged, api.RouteUploadStaged, up, &res)
	if fe := (*api.RemoteError)(nil); !errors.As(err, &fe) || fe.Field != "body.sha256" {
		t.Fatalf("report before the PUT: %v, want a refusal naming body.sha256", err)
	}

	var u api.UploadURL
	if err := cl.Post(ctx, api.MethodUploadURL, api.RouteUploadURL, up, &u); err != nil {
		t.Fatal(err)
	}
	if u.URL == "" || u.Stored || !strings.Contains(u.URL, "/meadow/uploads/"+task+"/"+addr(1)+"?") {
		t.Fatalf("upload URL %+v: want the staging key meadow/uploads/%s/%s", u, task, addr(1))
	}
	if code := putURL(t, u, blobs[1]); code != http.StatusOK {
		t.Fatalf("PUT to the store: %d", code)
	}
	if err := cl.Post(ctx, api.MethodUploadStaged, api.RouteUploadStaged, up, &res); err != nil {
		t.Fatal(err)
	}
	if res.Rows != 20 {
		t.Fatalf("stored %d rows, want 20", res.Rows)
	}
	s.c.WaitConverged()
	leader := s.c.WaitLeader().C
	tk, _ := leader.Task(task)
	if tk.Blob == nil || tk.Blob.SHA256 != up.SHA256 {
		t.Fatalf("blob %+v: want the staged bytes, every row kept", tk.Blob)
	}
	h := up.SHA256.String()
	if got, want := s.keys(t, "meadow/"), []string{"meadow/" + h[:2] + "/" + h[2:4] + "/" + h}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("bucket holds %v, want only the blob %v (the staged object removed)", got, want)
	}
	for _, m := range s.c.Members {
		if got, ok := m.C.BlobBytes(up.SHA256); !ok || !bytes.Equal(got, blobs[1]) {
			t.Fatalf("%s does not serve the blob from the bucket", m.Config.ID)
		}
		if fs, _ := filepath.Glob(filepath.Join(m.Config.DataDir, "uploads", "*")); len(fs) != 0 {
			t.Fatalf("%s left spooled files: %v", m.Config.ID, fs)
		}
	}
	n := 0
	for _, m := range s.c.Members {
		n += m.C.PresignedUploads()
	}
	if n != 1 {
		t.Fatalf("meadow_uploads_presigned_total over the members = %d, want 1", n)
	}
	// Once stored, a new URL request says so, and a report again is
	// answered with the same rows.
	var again api.UploadURL
	if err := cl.Post(ctx, api.MethodUploadURL, api.RouteUploadURL, up, &again); err != nil || !again.Stored || again.URL != "" || again.Rows != 20 {
		t.Fatalf("URL after the upload: %+v %v", again, err)
	}
	if err := cl.Post(ctx, api.MethodUploadStaged, api.RouteUploadStaged, up, &res); err != nil || res.Rows != 20 {
		t.Fatalf("report again: %+v %v", res, err)
	}
	// The follower the node reported to checked the object; the leader
	// only recorded it. The metrics are on /metrics.
	if got := s.metric(t, true, "meadow_uploads_checked_off_leader_total"); got != 1 {
		t.Fatalf("meadow_uploads_checked_off_leader_total over the followers = %v, want 1", got)
	}
	if got := s.metric(t, false, "meadow_uploads_presigned_total"); got != 0 {
		t.Fatalf("the leader checked %v uploads, want 0 (the follower did)", got)
	}
}

// metric sums a counter over the followers' /metrics (or the leader's).
func (s *stagedCluster) metric(t *testing.T, followers bool, name string) float64 {
	t.Helper()
	leader := s.c.WaitLeader()
	sum := 0.0
	for _, m := range s.c.Members {
		if (m == leader) == followers {
			continue
		}
		resp, err := http.Get("http://" + m.Config.HTTPAddr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		found := false
		for _, line := range strings.Split(string(body), "\n") {
			if v, ok := strings.CutPrefix(line, name+" "); ok {
				n, _ := strconv.ParseFloat(v, 64)
				sum += n
				found = true
			}
		}
		if !found {
			t.Fatalf("%s's /metrics lacks %s", m.Config.ID, name)
		}
	}
	return sum
}

// A staged blob with rows that were not accepted is checked like a
// proxied upload: the checking member (here the leader, which the node
// reaches first) keeps only the accepted rows, writes the rewritten blob
// itself, and removes the staged object.
func TestPresignedUploadDropsRows(t *testing.T) {
	s := newStagedCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	task, leases, blobs := s.verified(t)
	cl := s.client(t, 0, true)
	up := uploadOf(task, leases[0], blobs[0])
	presignedUpload(ctx, t, cl, up, blobs[0], 20)
	tk, _ := s.c.WaitLeader().C.Task(task)
	if tk.Blob == nil || tk.Blob.SHA256 == up.SHA256 {
		t.Fatalf("blob %+v: want the rewritten stream without the drifted row", tk.Blob)
	}
	if left := s.keys(t, "meadow/uploads/"); len(left) != 0 {
		t.Fatalf("staged objects left: %v", left)
	}
	if got := s.metric(t, false, "meadow_uploads_presigned_total"); got != 1 {
		t.Fatalf("the leader checked %v uploads, want 1", got)
	}
}

// Faults: nothing is acknowledged that is not stored and checked.
func TestPresignedUploadFaults(t *testing.T) {
	s := newStagedCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	t.Run("another node reports the upload", func(t *testing.T) {
		task, leases, blobs := s.verified(t)
		up := uploadOf(task, leases[1], blobs[1])
		var u api.UploadURL
		if err := s.nodeClient(t, 1).Post(ctx, api.MethodUploadURL, api.RouteUploadURL, up, &u); err != nil {
			t.Fatal(err)
		}
		if code := putURL(t, u, blobs[1]); code != http.StatusOK {
			t.Fatalf("PUT: %d", code)
		}
		// Node 0 asks for a URL, and reports, on node 1's lease.
		other := s.nodeClient(t, 0)
		if err := other.Post(ctx, api.MethodUploadURL, api.RouteUploadURL, up, &u); err == nil || !strings.Contains(err.Error(), "409") && !strings.Contains(err.Error(), "conflict") {
			t.Fatalf("URL on another node's lease: %v", err)
		}
		var res api.UploadResponse
		if err := other.Post(ctx, api.MethodUploadStaged, api.RouteUploadStaged, up, &res); err == nil {
			t.Fatal("another node finished node 1's upload")
		}
		if tk, _ := s.c.WaitLeader().C.Task(task); tk.Blob != nil {
			t.Fatal("a blob was recorded")
		}
		// The staged object is still there for its node to report.
		if err := s.nodeClient(t, 1).Post(ctx, api.MethodUploadStaged, api.RouteUploadStaged, up, &res); err != nil || res.Rows != 20 {
			t.Fatalf("the right node's report: %+v %v", res, err)
		}
	})

	t.Run("staged object replaced after the PUT", func(t *testing.T) {
		task, leases, blobs := s.verified(t)
		up := uploadOf(task, leases[1], blobs[1])
		cl := s.nodeClient(t, 1)
		var u api.UploadURL
		if err := cl.Post(ctx, api.MethodUploadURL, api.RouteUploadURL, up, &u); err != nil {
			t.Fatal(err)
		}
		if code := putURL(t, u, blobs[1]); code != http.StatusOK {
			t.Fatalf("PUT: %d", code)
		}
		// Someone with the bucket's keys (or rot under the gateway)
		// changes the staged bytes.
		keys := s.keys(t, "meadow/uploads/")
		if len(keys) != 1 {
			t.Fatalf("staged: %v", keys)
		}
		bad := bytes.Clone(blobs[1])
		bad[len(bad)/2] ^= 0xff
		if err := os.WriteFile(filepath.Join(s.srv.Root, s.bucket, keys[0]), bad, 0o644); err != nil {
			t.Fatal(err)
		}
		var res api.UploadResponse
		err := cl.Post(ctx, api.MethodUploadStaged, api.RouteUploadStaged, up, &res)
		if fe := (*api.RemoteError)(nil); !errors.As(err, &fe) || fe.Field != "body.sha256" {
			t.Fatalf("report of a changed object: %v, want a refusal naming body.sha256", err)
		}
		if tk, _ := s.c.WaitLeader().C.Task(task); tk.Blob != nil {
			t.Fatal("a blob was recorded")
		}
		if left := s.keys(t, "meadow/uploads/"); len(left) != 0 {
			t.Fatalf("the refused staged object was left: %v", left)
		}
		// The node stages it again and succeeds.
		if err := cl.Post(ctx, api.MethodUploadURL, api.RouteUploadURL, up, &u); err != nil {
			t.Fatal(err)
		}
		if code := putURL(t, u, blobs[1]); code != http.StatusOK {
			t.Fatalf("PUT again: %d", code)
		}
		if err := cl.Post(ctx, api.MethodUploadStaged, api.RouteUploadStaged, up, &res); err != nil || res.Rows != 20 {
			t.Fatalf("report again: %+v %v", res, err)
		}
	})

	t.Run("staged object of another size", func(t *testing.T) {
		task, leases, blobs := s.verified(t)
		up := uploadOf(task, leases[1], blobs[1])
		cl := s.nodeClient(t, 1)
		var u api.UploadURL
		if err := cl.Post(ctx, api.MethodUploadURL, api.RouteUploadURL, up, &u); err != nil {
			t.Fatal(err)
		}
		// The store refuses an oversize body through the URL itself.
		if code := putURL(t, u, append(bytes.Clone(blobs[1]), 0)); code != http.StatusForbidden {
			t.Fatalf("oversize PUT: %d, want 403 (the size is signed)", code)
		}
		if code := putURL(t, u, blobs[1]); code != http.StatusOK {
			t.Fatalf("PUT: %d", code)
		}
		keys := s.keys(t, "meadow/uploads/")
		if err := os.WriteFile(filepath.Join(s.srv.Root, s.bucket, keys[0]), append(bytes.Clone(blobs[1]), 1, 2, 3), 0o644); err != nil {
			t.Fatal(err)
		}
		var res api.UploadResponse
		err := cl.Post(ctx, api.MethodUploadStaged, api.RouteUploadStaged, up, &res)
		if fe := (*api.RemoteError)(nil); !errors.As(err, &fe) || fe.Field != "body.size" {
			t.Fatalf("report of an object of another size: %v, want a refusal naming body.size", err)
		}
		if tk, _ := s.c.WaitLeader().C.Task(task); tk.Blob != nil {
			t.Fatal("a blob was recorded")
		}
	})

	t.Run("one staged object per lease", func(t *testing.T) {
		task, leases, blobs := s.verified(t)
		cl := s.nodeClient(t, 1)
		// A URL for other bytes (node 0's blob), PUT, then the right one:
		// the second PUT replaces the first under the lease's one key.
		wrong := uploadOf(task, leases[1], blobs[0])
		var u api.UploadURL
		if err := cl.Post(ctx, api.MethodUploadURL, api.RouteUploadURL, wrong, &u); err != nil {
			t.Fatal(err)
		}
		if code := putURL(t, u, blobs[0]); code != http.StatusOK {
			t.Fatalf("PUT: %d", code)
		}
		up := uploadOf(task, leases[1], blobs[1])
		if err := cl.Post(ctx, api.MethodUploadURL, api.RouteUploadURL, up, &u); err != nil {
			t.Fatal(err)
		}
		if code := putURL(t, u, blobs[1]); code != http.StatusOK {
			t.Fatalf("PUT: %d", code)
		}
		if keys := s.keys(t, "meadow/uploads/"); len(keys) != 1 {
			t.Fatalf("staged objects %v: want one for the lease", keys)
		}
		var res api.UploadResponse
		if err := cl.Post(ctx, api.MethodUploadStaged, api.RouteUploadStaged, up, &res); err != nil || res.Rows != 20 {
			t.Fatalf("report: %+v %v", res, err)
		}
	})

	t.Run("store down", func(t *testing.T) {
		task, leases, blobs := s.verified(t)
		up := uploadOf(task, leases[1], blobs[1])
		cl := s.nodeClient(t, 1)
		var u api.UploadURL
		if err := cl.Post(ctx, api.MethodUploadURL, api.RouteUploadURL, up, &u); err != nil {
			t.Fatal(err)
		}
		if code := putURL(t, u, blobs[1]); code != http.StatusOK {
			t.Fatalf("PUT: %d", code)
		}
		s.srv.Kill()
		var res api.UploadResponse
		err := cl.Post(ctx, api.MethodUploadStaged, api.RouteUploadStaged, up, &res)
		if err == nil || !errors.Is(err, api.ErrNoCoordinator) || !strings.Contains(err.Error(), "503") && !strings.Contains(err.Error(), "unavailable") {
			t.Fatalf("report with the store down: %v, want 503s until the tries ran out", err)
		}
		if !strings.Contains(err.Error(), s.srv.Endpoint) {
			t.Fatalf("the error does not name the store %s: %v", s.srv.Endpoint, err)
		}
		if tk, _ := s.c.WaitLeader().C.Task(task); tk.Blob != nil {
			t.Fatal("a blob was recorded with the store down")
		}
	})
}

// TestProxiedUploadRefused: a cluster whose blobs are in the object store
// carries no blob bytes. An upload through a member (a node's PUT
// /v1/node/upload, a buyer's POST /v1/modules) is refused with 409 naming
// the route, by the leader and a follower alike, and nothing is stored,
// recorded or counted; the presigned path still takes the blob. With
// --proxy-uploads (Config.ProxyUploads) the member takes it as before.
func TestProxiedUploadRefused(t *testing.T) {
	s := newStagedCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	task, leases, blobs := s.verified(t)
	up := uploadOf(task, leases[1], blobs[1])
	module, mup := wasmModule(t, 2_000)

	// proxied sends the bytes to one member, as the node and the buyer do
	// when their PUT to the store failed, and returns the member's answer.
	proxied := func(t *testing.T, cl *api.Client, base string, owner int) (*http.Response, api.ErrorBody) {
		t.Helper()
		method, route, ctype, v, body := api.MethodUpload, "/v1/node/upload", "application/vnd.apache.arrow.stream", any(up), blobs[1]
		if owner >= 0 {
			method, route, ctype, v, body = api.MethodModuleUpload, api.RouteModules, "application/wasm", any(mup), module
		}
		env, err := cl.Sign(method, v)
		if err != nil {
			t.Fatal(err)
		}
		h, _ := env.Header()
		verb := http.MethodPut
		if owner >= 0 {
			verb = http.MethodPost
		}
		req, _ := http.NewRequestWithContext(ctx, verb, base+route, bytes.NewReader(body))
		req.Header.Set(api.EnvelopeHeader, h)
		req.Header.Set("Content-Type", ctype)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var eb api.ErrorBody
		_ = json.NewDecoder(resp.Body).Decode(&eb)
		return resp, eb
	}
	cl := s.client(t, 1, true)
	leader := s.c.WaitLeader()
	for _, m := range s.c.Members {
		base := "http://" + m.Config.HTTPAddr
		for _, owner := range []int{-1, 0} {
			resp, eb := proxied(t, cl, base, owner)
			want := api.RouteUploadURL
			if owner >= 0 {
				want = api.RouteModuleUploadURL
			}
			if resp.StatusCode != http.StatusConflict || eb.Error.Code != api.CodeConflict || eb.Error.Field != "route" || !strings.Contains(eb.Error.Message, want) {
				t.Fatalf("%s (leader %v), proxied upload (module %v): %d %+v; want 409 conflict naming route and %s", m.Config.ID, m == leader, owner >= 0, resp.StatusCode, eb.Error, want)
			}
		}
	}
	s.c.WaitConverged()
	if tk, _ := leader.C.Task(task); tk.Blob != nil {
		t.Fatalf("the refused upload stored blob %+v", tk.Blob)
	}
	if _, err := leader.C.Module(mup.SHA256); err == nil {
		t.Fatal("the refused module was recorded")
	}
	if keys := s.keys(t, "meadow/"); len(keys) != 0 {
		t.Fatalf("the bucket holds %v after refused uploads", keys)
	}
	if got := s.metric(t, true, "meadow_uploads_proxied_total") + s.metric(t, false, "meadow_uploads_proxied_total"); got != 0 {
		t.Fatalf("meadow_uploads_proxied_total = %v after refusals, want 0", got)
	}
	// Each member counts what it refused, for its operator.
	if got := s.metric(t, true, "meadow_uploads_proxy_refused_total") + s.metric(t, false, "meadow_uploads_proxy_refused_total"); got != float64(2*len(s.c.Members)) {
		t.Fatalf("meadow_uploads_proxy_refused_total = %v over the members, want %d", got, 2*len(s.c.Members))
	}
	// The presigned path takes the same blob.
	presignedUpload(ctx, t, cl, up, blobs[1], 20)

	// An operator who allows it: the member carries the bytes.
	p := newStagedClusterOn(t, s.srv, s.srv.NewBucket(t), func(cfg *coord.Config) { cfg.ProxyUploads = true })
	task, leases, blobs = p.verified(t)
	up = uploadOf(task, leases[1], blobs[1])
	resp, eb := proxied(t, p.client(t, 1, true), "http://"+p.c.WaitLeader().Config.HTTPAddr, -1)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("proxied upload with proxy_uploads: %d %+v", resp.StatusCode, eb.Error)
	}
	if got := p.metric(t, false, "meadow_uploads_proxied_total"); got != 1 {
		t.Fatalf("meadow_uploads_proxied_total = %v, want 1", got)
	}
}
