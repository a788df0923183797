package coord_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// memberIDs lists a member's view of the cluster as "id:voter" strings.
func memberIDs(t *testing.T, c *coord.Coordinator) []string {
	t.Helper()
	ms, err := c.Members()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		v := "nonvoter"
		if m.Voter {
			v = "voter"
		}
		out = append(out, m.ID+":"+v)
	}
	slices.Sort(out)
	return out
}

// operatorRefusals are the operator routes with bodies that would change
// the cluster if they were let through.
var operatorRefusals = []struct{ path, body string }{
	{"/v1/cluster/remove", `{"id":"c2"}`},
	{"/v1/cluster/join", `{"id":"intruder","raft_addr":"127.0.0.1:1","http_addr":"127.0.0.1:2"}`},
	{"/v1/cluster/sign", `{}`},
	{"/v1/cluster/settle", `{}`},
}

// checkRefused posts every operator route with token and fails unless each
// answers status with the token header as the field.
func checkRefused(t *testing.T, addr, token string, status int) {
	t.Helper()
	for _, r := range operatorRefusals {
		code, body := httpPostToken(t, addr, r.path, r.body, token)
		var eb api.ErrorBody
		if code != status || json.Unmarshal(body, &eb) != nil || eb.Error.Field != blob.TokenHeader {
			t.Errorf("POST %s with token %q: %d %s; want %d naming %s", r.path, token, code, body, status, blob.TokenHeader)
		}
	}
}

// Operator routes need the cluster token: anonymous requests answer 401, a
// wrong token 403, and neither changes the membership, on the leader or a
// follower.
func TestOperatorRoutesNeedToken(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	leader := c.WaitLeader()
	before := memberIDs(t, leader.C)
	for _, m := range []*coordtest.Member{leader, c.Followers()[0]} {
		checkRefused(t, m.Config.HTTPAddr, "", 401)
		checkRefused(t, m.Config.HTTPAddr, "not-the-token", 403)
	}
	if after := memberIDs(t, c.WaitLeader().C); !slices.Equal(before, after) {
		t.Fatalf("membership changed by refused requests: %v, then %v", before, after)
	}
}

// A member started without a token fails closed: it refuses every operator
// route, whatever token the request carries, and its membership stays.
func TestOperatorRoutesRefusedWithoutToken(t *testing.T) {
	c := coordtest.NewTestCluster(t, 1, coordtest.WithConfig(func(_ int, cfg *coord.Config) { cfg.ClusterToken = "" }))
	leader := c.WaitLeader()
	before := memberIDs(t, leader.C)
	checkRefused(t, leader.Config.HTTPAddr, "", 403)
	checkRefused(t, leader.Config.HTTPAddr, coordtest.TestConfig("x", "").ClusterToken, 403)
	if after := memberIDs(t, leader.C); !slices.Equal(before, after) {
		t.Fatalf("membership changed by refused requests: %v, then %v", before, after)
	}
}
