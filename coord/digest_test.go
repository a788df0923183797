package coord_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
)

// digestGet reads /v1/cluster/digest+query from a member with token (none
// when empty) and returns the status and body.
func digestGet(t *testing.T, m *coordtest.Member, method, query, token string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+m.C.HTTPAddr()+"/v1/cluster/digest"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set(blob.TokenHeader, token)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second * coordtest.Scale()}).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// TestClusterDigestRoute checks GET /v1/cluster/digest on a real 3-member
// cluster: it needs the cluster token, every member answers for itself,
// members at the same state index report the same digest (and the one
// their process computes), a write changes it, and a bad or unreachable
// ?at= is refused naming the field. Before the route existed, every call
// was 404.
func TestClusterDigestRoute(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	leader := c.WaitLeader()
	token := leader.Config.ClusterToken
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second*coordtest.Scale())
	defer cancel()
	register := func(i int) {
		t.Helper()
		if _, err := leader.C.RegisterNode(ctx, state.Registration{Address: addr(9000 + i), Operator: addr(9100 + i), IP: fmt.Sprintf("10.77.%d.1", i)}); err != nil {
			t.Fatalf("register node %d: %v", i, err)
		}
	}
	for i := range 3 {
		register(i)
	}

	// digests reads every member at ?at=the leader's index until they all
	// report one index, and returns their answers.
	digests := func() []coord.Digest {
		t.Helper()
		var out []coord.Digest
		coordtest.WaitFor(t, 20*time.Second*coordtest.Scale(), "every member to report one state index", func() bool {
			out = out[:0]
			at := leader.C.StateIndex()
			for _, m := range c.Members {
				code, body := digestGet(t, m, http.MethodGet, fmt.Sprintf("?at=%d", at), token)
				if code != http.StatusOK {
					t.Fatalf("%s: GET /v1/cluster/digest?at=%d: %d %s", m.Config.ID, at, code, body)
				}
				var d coord.Digest
				if err := json.Unmarshal(body, &d); err != nil {
					t.Fatalf("%s: %v: %s", m.Config.ID, err, body)
				}
				if d.ID != m.Config.ID || d.StateIndex < at || len(d.Digest) != 64 {
					t.Fatalf("%s answered %+v for at=%d", m.Config.ID, d, at)
				}
				out = append(out, d)
			}
			for _, d := range out {
				if d.StateIndex != out[0].StateIndex {
					return false
				}
			}
			return true
		})
		return out
	}
	before := digests()
	for _, d := range before[1:] {
		if d.Digest != before[0].Digest {
			t.Fatalf("members at state index %d disagree: %s has %s, %s has %s", d.StateIndex, before[0].ID, before[0].Digest, d.ID, d.Digest)
		}
	}
	want, err := leader.C.StateDigest()
	if err != nil || want != before[0].Digest {
		t.Fatalf("the route says %s, the leader's state digest is %s (%v)", before[0].Digest, want, err)
	}

	register(3)
	after := digests()
	if after[0].StateIndex <= before[0].StateIndex || after[0].Digest == before[0].Digest {
		t.Fatalf("a registration left the digest as it was: before %+v, after %+v", before[0], after[0])
	}
	for _, d := range after[1:] {
		if d.Digest != after[0].Digest {
			t.Fatalf("members at state index %d disagree: %s has %s, %s has %s", d.StateIndex, after[0].ID, after[0].Digest, d.ID, d.Digest)
		}
	}

	follower := c.Followers()[0]
	tests := []struct {
		name, method, query, token string
		code                       int
		errCode                    api.ErrorCode
		field, msg                 string
	}{
		{name: "no token", method: http.MethodGet, code: http.StatusUnauthorized, errCode: blob.CodeUnauthorized, field: blob.TokenHeader},
		{name: "wrong token", method: http.MethodGet, token: "not-the-token", code: http.StatusForbidden, errCode: blob.CodeForbidden, field: blob.TokenHeader},
		{name: "at not a number", method: http.MethodGet, query: "?at=ten", token: token, code: http.StatusBadRequest, errCode: api.CodeInvalid, field: "at", msg: "decimal integer"},
		{name: "at negative", method: http.MethodGet, query: "?at=-1", token: token, code: http.StatusBadRequest, errCode: api.CodeInvalid, field: "at"},
		{name: "at never reached", method: http.MethodGet, query: "?at=999999999", token: token, code: http.StatusServiceUnavailable, errCode: api.CodeUnavailable, field: "at"},
		{name: "post", method: http.MethodPost, token: token, code: http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx := follower.C.StateIndex()
			code, body := digestGet(t, follower, tt.method, tt.query, tt.token)
			if code != tt.code {
				t.Fatalf("%d %s, want %d", code, body, tt.code)
			}
			if tt.errCode == "" {
				return
			}
			var eb api.ErrorBody
			if err := json.Unmarshal(body, &eb); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			if eb.Error.Code != tt.errCode || eb.Error.Field != tt.field || !strings.Contains(eb.Error.Message, tt.msg) {
				t.Fatalf("error %+v, want code %s, field %q, a message with %q", eb.Error, tt.errCode, tt.field, tt.msg)
			}
			if got := follower.C.StateIndex(); got != idx {
				t.Fatalf("a refused digest read moved the state index from %d to %d", idx, got)
			}
		})
	}
}
