package coord_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
)

// getRoutes reads docs/api.yaml as text (as api's own OpenAPI test does)
// and returns its paths that have a get operation.
func getRoutes(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../docs/api.yaml")
	if err != nil {
		t.Fatalf("docs/api.yaml: %v", err)
	}
	var out []string
	cur, inPaths := "", false
	for _, l := range strings.Split(string(b), "\n") {
		switch {
		case l == "paths:":
			inPaths = true
		case !inPaths:
		case l != "" && l[0] != ' ' && l[0] != '#':
			return out
		case strings.HasPrefix(l, "  /") && strings.HasSuffix(strings.TrimSpace(l), ":"):
			cur = strings.TrimSuffix(strings.TrimSpace(l), ":")
		case l == "    get:" && cur != "":
			out = append(out, cur)
		}
	}
	return out
}

// TestNoPublicAnswerLocatesANode walks every GET route of docs/api.yaml,
// unauthenticated, on every member of a cluster with registered nodes (IPv4
// and IPv6), a done job, its dataset and a stored blob, with the path's
// parameters filled in with real ids, and fails if a node's IP address or
// network appears in any answer's body or headers. The node itself (a
// node.read envelope) and operators (the cluster token) still see its own.
func TestNoPublicAnswerLocatesANode(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	buyer := newSigner(t)
	job := doneDataset(t, c, crypto.PubkeyToAddress(buyer.key.PublicKey)) // registers nodes 0 and 1
	leader := c.WaitLeader()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	v6 := newSigner(t)
	if _, err := leader.C.RegisterNode(ctx, state.Registration{Address: v6.addr(), Operator: addr(1_000_100), IP: "2001:db8:77::5"}); err != nil {
		t.Fatal(err)
	}
	c.WaitConverged()
	tk, err := leader.C.Task(job + ".t000000")
	if err != nil || tk.Blob == nil {
		t.Fatalf("task: %+v %v", tk.Blob, err)
	}
	nodes := []string{addr(0), addr(1), v6.addr()}
	var secrets []string
	for _, a := range nodes {
		n, err := leader.C.Node(a)
		if err != nil || n.IP == "" || n.Network == "" {
			t.Fatalf("node %s: %+v %v", a, n, err)
		}
		secrets = append(secrets, n.IP, n.Network, strings.SplitN(n.Network, "/", 2)[0])
	}
	routes := getRoutes(t)
	if len(routes) < 10 {
		t.Fatalf("docs/api.yaml: only %d GET routes: %v", len(routes), routes)
	}
	fill := func(route string) []string {
		switch {
		case strings.Contains(route, "{address}"):
			var out []string
			for _, a := range nodes {
				out = append(out, strings.ReplaceAll(route, "{address}", a))
			}
			return out
		case strings.HasPrefix(route, "/v1/jobs/"):
			return []string{strings.ReplaceAll(route, "{id}", job)}
		case strings.HasPrefix(route, "/v1/datasets/"):
			return []string{strings.ReplaceAll(route, "{id}", state.DatasetID(job))}
		case strings.Contains(route, "{hash}"):
			return []string{strings.ReplaceAll(route, "{hash}", tk.Blob.SHA256.String())}
		}
		return []string{route}
	}
	walked, ok := 0, 0
	for _, m := range c.Members {
		for _, route := range routes {
			for _, p := range fill(route) {
				for _, q := range []string{"", "?consistent=1", "?row=0&format=arrow"} {
					req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
					req.SetRequestURI("http://" + m.Config.HTTPAddr + p + q)
					if err := fasthttp.DoTimeout(req, resp, 20*time.Second); err != nil {
						t.Fatalf("GET %s%s on %s: %v", p, q, m.Config.ID, err)
					}
					walked++
					if resp.StatusCode() == 200 {
						ok++
					}
					answer := string(resp.Header.Header()) + string(resp.Body())
					for _, s := range secrets {
						if strings.Contains(answer, s) {
							t.Errorf("GET %s%s on %s shows %q, a node's address or network:\n%s", p, q, m.Config.ID, s, answer)
						}
					}
					fasthttp.ReleaseRequest(req)
					fasthttp.ReleaseResponse(resp)
				}
			}
		}
	}
	if !strings.Contains(strings.Join(routes, " "), "/v1/node/{address}") || ok < 20 {
		t.Fatalf("walked %d requests over %v, only %d answered 200: the walk proves little", walked, routes, ok)
	}
	t.Logf("walked %d requests (%d answered 200) over %d GET routes", walked, ok, len(routes))

	// The public record still says what the dashboard shows.
	var pub map[string]any
	httpGet(t, leader.Config.HTTPAddr, "/v1/node/"+addr(0), &pub)
	if _, has := pub["ip"]; has || pub["units"] == nil || pub["reputation"] == nil {
		t.Errorf("public record %v: want units and reputation, no ip", pub)
	}

	// The node itself, signing node.read, sees its own address; so does an
	// operator with the cluster token. Another key's node.read is 403.
	own := func(s *signer, node string) (int, map[string]any) {
		code, body, _ := readAs(t, leader.Config.HTTPAddr, "/v1/node/"+node, s, api.MethodNodeRead, api.ReadRequest{Path: "/v1/node/" + node})
		var rec map[string]any
		_ = json.Unmarshal(body, &rec)
		return code, rec
	}
	if code, rec := own(v6, v6.addr()); code != 200 || rec["ip"] != "2001:db8:77::5" || rec["network"] == nil {
		t.Errorf("the node's own signed read: %d %v; want its ip and network", code, rec)
	}
	if code, rec := own(buyer, v6.addr()); code != http.StatusForbidden {
		t.Errorf("another key's node.read: %d %v; want 403", code, rec)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+leader.Config.HTTPAddr+"/v1/node/"+addr(1), nil)
	req.Header.Set(blob.TokenHeader, coordtest.TestConfig("x", "").ClusterToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rec map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&rec); err != nil || rec["ip"] != "10.0.1.1" {
		t.Errorf("operator's read: %d %v %v; want the ip", resp.StatusCode, rec, err)
	}
}
