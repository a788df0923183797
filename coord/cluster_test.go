package coord_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
)

// addr is the address of test node i: one whose key the tests know
// (naddr), so that the rows a test uploads as node i carry its signature.
func addr(i int) string { return naddr(i) }

func reg(i int) state.Registration {
	return state.Registration{
		Address:  addr(i),
		Operator: addr(1_000_000 + i%7),
		IP:       fmt.Sprintf("10.%d.%d.1", i/256%256, i%256), // a /24 each
	}
}

// register writes nodes i in [from, to) through whichever member leads,
// retrying a write that failed because leadership moved (registration is
// idempotent), as a client would. Each write it returns from was
// acknowledged.
func register(t *testing.T, c *coordtest.Cluster, from, to int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := from; i < to; i++ {
		for {
			leader := c.WaitLeader()
			_, err := leader.C.RegisterNode(ctx, reg(i))
			if err == nil {
				break
			}
			if !errors.Is(err, coord.ErrNotLeader) && !errors.Is(err, coord.ErrLeadershipLost) {
				t.Fatalf("register %d on %s: %v", i, leader.Config.ID, err)
			}
			t.Logf("register %d on %s: %v; retrying", i, leader.Config.ID, err)
		}
	}
}

func checkNodes(t *testing.T, c *coord.Coordinator, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		n, err := c.Node(addr(i))
		if err != nil {
			t.Fatalf("%s lost acknowledged node %d: %v", c.ID(), i, err)
		}
		if n.IP != reg(i).IP {
			t.Fatalf("%s node %d: ip %q, want %q", c.ID(), i, n.IP, reg(i).IP)
		}
	}
}

func TestClusterReplicates(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	register(t, c, 0, 50)
	c.WaitConverged()
	for _, m := range c.Members {
		checkNodes(t, m.C, 0, 50)
	}
	for _, f := range c.Followers() {
		if _, err := f.C.RegisterNode(context.Background(), reg(99)); !errors.Is(err, coord.ErrNotLeader) {
			t.Errorf("write on follower %s: err %v, want ErrNotLeader", f.Config.ID, err)
		}
	}
}

func TestClusterSurvivesLeaderLoss(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	old := c.WaitLeader()
	register(t, c, 0, 40)
	c.Stop(old)

	leader := c.WaitLeader()
	if leader == old {
		t.Fatal("stopped member still leads")
	}
	checkNodes(t, leader.C, 0, 40)
	register(t, c, 40, 80)

	c.Start(old)
	c.WaitConverged()
	for _, m := range c.Members {
		checkNodes(t, m.C, 0, 80)
	}
}

func TestClusterRestartFromDisk(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	register(t, c, 0, 60)
	before := c.WaitConverged()

	c.StopAll()
	for _, m := range c.Members {
		c.Start(m)
	}
	c.WaitMembers(3)
	if after := c.WaitConverged(); after != before {
		t.Fatalf("state after restart %s, before %s", after, before)
	}
	for _, m := range c.Members {
		checkNodes(t, m.C, 0, 60)
	}
}

func TestClusterSnapshotRestore(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3, coordtest.WithConfig(func(i int, cfg *coord.Config) {
		cfg.TrailingLogs = 5
		cfg.SnapshotThreshold = 1 << 20 // only explicit snapshots
		// One member writes its snapshots under the lock, without the
		// copy of the state: the snapshots are the same bytes either way.
		cfg.NoSnapshotCopy = i == 2
	}))
	leader := c.WaitLeader()
	register(t, c, 0, 30)
	c.WaitConverged()

	// A follower misses writes that the leader then compacts away: it can
	// only catch up from a snapshot.
	lagging := c.Followers()[0]
	c.Stop(lagging)
	register(t, c, 30, 90)
	if err := leader.C.Snapshot(); err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	c.Start(lagging)
	want := c.WaitConverged()
	checkNodes(t, lagging.C, 0, 90)

	// Every member restarts from its own snapshot plus log.
	for _, m := range c.Members {
		if err := m.C.Snapshot(); err != nil {
			t.Fatalf("snapshot on %s: %v", m.Config.ID, err)
		}
	}
	c.StopAll()
	for _, m := range c.Members {
		c.Start(m)
	}
	if got := c.WaitConverged(); got != want {
		t.Fatalf("state after restore %s, want %s", got, want)
	}
}

// httpGet fetches a path from a member and decodes the JSON answer.
func httpGet(t *testing.T, addr, path string, v any) *fasthttp.ResponseHeader {
	t.Helper()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	req.SetRequestURI("http://" + addr + path)
	if err := fasthttp.DoTimeout(req, resp, 10*time.Second); err != nil {
		t.Fatalf("GET %s%s: %v", addr, path, err)
	}
	if resp.StatusCode() != 200 {
		t.Fatalf("GET %s%s: %d %s", addr, path, resp.StatusCode(), resp.Body())
	}
	if v != nil {
		if err := json.Unmarshal(resp.Body(), v); err != nil {
			t.Fatalf("GET %s%s: %v", addr, path, err)
		}
	}
	h := &fasthttp.ResponseHeader{}
	resp.Header.CopyTo(h)
	return h
}

// httpPost posts with the test cluster's token, as an operator would.
func httpPost(t *testing.T, addr, path, body string) (int, []byte) {
	t.Helper()
	return httpPostToken(t, addr, path, body, coordtest.TestConfig("x", "").ClusterToken)
}

func httpPostToken(t *testing.T, addr, path, body, token string) (int, []byte) {
	t.Helper()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	req.SetRequestURI("http://" + addr + path)
	req.Header.SetMethod("POST")
	req.Header.SetContentType("application/json") // fasthttp would label it application/octet-stream
	if token != "" {
		req.Header.Set(blob.TokenHeader, token)
	}
	req.SetBodyString(body)
	if err := fasthttp.DoTimeout(req, resp, 10*time.Second); err != nil {
		t.Fatalf("POST %s%s: %v", addr, path, err)
	}
	return resp.StatusCode(), append([]byte(nil), resp.Body()...)
}

func TestClusterHTTPForwarding(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	leader := c.WaitLeader()
	f := c.Followers()[0]

	// A stale read is served by the follower itself; a consistent one by
	// the leader, through the follower.
	var ms []coord.Member
	h := httpGet(t, f.Config.HTTPAddr, "/v1/cluster/members", &ms)
	if got := string(h.Peek(coord.HeaderServedBy)); got != f.Config.ID {
		t.Errorf("stale read served by %q, want %q", got, f.Config.ID)
	}
	if string(h.Peek(coord.HeaderLeader)) != leader.Config.ID || len(h.Peek(coord.HeaderAppliedIndex)) == 0 {
		t.Errorf("freshness headers: leader %q applied %q", h.Peek(coord.HeaderLeader), h.Peek(coord.HeaderAppliedIndex))
	}
	if len(ms) != 3 {
		t.Fatalf("members: %+v", ms)
	}
	h = httpGet(t, f.Config.HTTPAddr, "/v1/cluster/members?consistent=1", &ms)
	if got := string(h.Peek(coord.HeaderServedBy)); got != leader.Config.ID {
		t.Errorf("consistent read served by %q, want the leader %q", got, leader.Config.ID)
	}

	// Membership changes need the cluster token: without it, anyone who
	// reaches the port could remove a member.
	other := c.Followers()[1]
	for _, tok := range []string{"", "wrong-token"} {
		if code, body := httpPostToken(t, f.Config.HTTPAddr, "/v1/cluster/remove", `{"id":"`+other.Config.ID+`"}`, tok); code != 401 && code != 403 {
			t.Fatalf("remove with token %q: %d %s; want 401 or 403", tok, code, body)
		}
	}
	if ms, err := leader.C.Members(); err != nil || len(ms) != 3 {
		t.Fatalf("a refused remove changed the members: %+v %v", ms, err)
	}

	// A write sent to a follower is forwarded: remove the other follower.
	if code, body := httpPost(t, f.Config.HTTPAddr, "/v1/cluster/remove", `{"id":"`+other.Config.ID+`"}`); code != 200 {
		t.Fatalf("remove via follower: %d %s", code, body)
	}
	c.Stop(other)
	c.WaitMembers(2)

	// Errors name what was wrong.
	if code, body := httpPost(t, f.Config.HTTPAddr, "/v1/cluster/remove", `{"id":"nope"}`); code != 404 {
		t.Errorf("remove unknown: %d %s", code, body)
	}
	if code, body := httpPost(t, f.Config.HTTPAddr, "/v1/cluster/join", `{"id":"x","raft_addr":"bad"}`); code != 400 {
		t.Errorf("bad join: %d %s", code, body)
	}
}

func TestMetricsAndHealth(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	leader := c.WaitLeader()
	register(t, c, 0, 2)
	get := func(addr, path string) (int, string) {
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		req.SetRequestURI("http://" + addr + path)
		if err := fasthttp.DoTimeout(req, resp, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode(), string(resp.Body())
	}
	code, body := get(leader.Config.HTTPAddr, "/metrics")
	for _, want := range []string{"meadow_raft_is_leader 1", "meadow_nodes_registered 2", `meadow_fsm_commands_applied_total{type="node_register"} 2`, "meadow_raft_voters 3"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("leader /metrics: %d, no %q in:\n%s", code, want, body)
		}
	}
	f := c.Followers()[0]
	if _, body := get(f.Config.HTTPAddr, "/metrics"); !strings.Contains(body, "meadow_raft_is_leader 0") {
		t.Errorf("follower /metrics:\n%s", body)
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if code, body := get(f.Config.HTTPAddr, p); code != 200 {
			t.Errorf("%s: %d %s", p, code, body)
		}
	}
}

// A follower whose leader is gone holds a write until a new leader is known
// and forwards it there, instead of answering "no leader" and sending the
// client into its back-off: the write is answered as soon as the election
// is over.
func TestFollowerHoldsAWriteThroughAnElection(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	old := c.WaitLeader()
	f := c.Followers()[0]
	n := newSigner(t)
	body := n.envelope(t, api.MethodRegister, api.RegisterRequest{Address: crypto.PubkeyToAddress(n.key.PublicKey), Capabilities: api.Capabilities{CPUCores: 1, MaxConcurrent: 1}, Version: "dev"})
	c.Stop(old)
	start := time.Now()
	var rr api.RegisterResponse
	code, eb := call(t, f.Config.HTTPAddr, "/v1/node/register", body, &rr)
	took := time.Since(start)
	if code == 503 && eb.Error.Code == api.CodeNotLeader {
		// The election took longer than the member waits (leaderWait,
		// 2.5 s from its last contact with the leader), as it may on a
		// loaded machine: then it must have waited, not answered at
		// once as it did before.
		if took < time.Second {
			t.Fatalf("answered %d %+v after %s: want the write held until a leader is known (up to 2.5 s)", code, eb, took)
		}
		t.Logf("answered %d %+v after %s", code, eb, took)
		c.WaitLeader()
		code, eb = call(t, f.Config.HTTPAddr, "/v1/node/register", n.envelope(t, api.MethodRegister, api.RegisterRequest{Address: crypto.PubkeyToAddress(n.key.PublicKey), Capabilities: api.Capabilities{CPUCores: 1, MaxConcurrent: 1}, Version: "dev"}), &rr)
	}
	if code != 200 {
		t.Fatalf("register through a follower whose leader stopped: %d %+v after %s", code, eb, took)
	}
	t.Logf("a write sent to a follower as its leader stopped was answered 200 after %s", took.Round(time.Millisecond))
}
