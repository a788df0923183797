package coord_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// edgeClient opens a new connection for every request, so that a reset of
// one request's connection is seen as that request's error.
var edgeClient = &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

type edgeAnswer struct {
	status int
	header http.Header
	body   []byte
	eb     api.ErrorBody
}

// edgeDo sends one request; a transport error (a reset connection) fails
// the test: every refusal must be an HTTP answer.
func edgeDo(t *testing.T, method, url string, header map[string]string, body io.Reader, size int64) edgeAnswer {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = size
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := edgeClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: no HTTP answer: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", method, url, err)
	}
	a := edgeAnswer{status: resp.StatusCode, header: resp.Header, body: b}
	if resp.StatusCode >= 400 {
		if err := json.Unmarshal(b, &a.eb); err != nil {
			t.Fatalf("%s %s: %d with a body that is not an api.ErrorBody: %q", method, url, resp.StatusCode, b)
		}
	}
	return a
}

// TestBadInputAtTheEdges: each kind of bad request to a real coordinator's
// HTTP server gets an HTTP answer (never a reset connection) with a JSON
// error body naming what is wrong, and changes nothing.
func TestBadInputAtTheEdges(t *testing.T) {
	c := coordtest.NewTestCluster(t, 1, coordtest.WithConfig(func(_ int, cfg *coord.Config) { cfg.JobURLAllowList = nil }))
	m := c.WaitLeader()
	base := "http://" + m.Config.HTTPAddr
	arrow := map[string]string{"Content-Type": "application/vnd.apache.arrow.stream"}
	with := func(h map[string]string, k, v string) map[string]string {
		out := map[string]string{k: v}
		for kk, vv := range h {
			out[kk] = vv
		}
		return out
	}
	big := bytes.Repeat([]byte{'x'}, 20<<20)
	tests := []struct {
		name, method, path string
		header             map[string]string
		body               []byte
		chunked            bool
		status             int
		field              string
		allow              string // the Allow header a 405 must carry
		notIn              string // the message must not say this
	}{
		{name: "60 KB envelope header", method: "PUT", path: "/v1/node/upload", header: with(arrow, api.EnvelopeHeader, strings.Repeat("A", 60<<10)),
			body: []byte("abc"), status: 431, field: "headers"},
		{name: "20 MiB body without an envelope", method: "PUT", path: "/v1/node/upload", header: arrow, body: big, status: 401, field: api.EnvelopeHeader},
		{name: "20 MiB chunked body without an envelope", method: "PUT", path: "/v1/node/upload", header: arrow, body: big, chunked: true, status: 401, field: api.EnvelopeHeader},
		{name: "missing envelope header", method: "PUT", path: "/v1/node/upload", header: arrow, body: []byte("abc"), status: 401, field: api.EnvelopeHeader, notIn: "empty body"},
		{name: "envelope header not base64", method: "PUT", path: "/v1/node/upload", header: with(arrow, api.EnvelopeHeader, "%%%"), body: []byte("abc"), status: 400, field: api.EnvelopeHeader},
		{name: "upload of another type", method: "PUT", path: "/v1/node/upload", header: map[string]string{"Content-Type": "text/plain"}, body: []byte("abc"), status: 415, field: "Content-Type"},
		{name: "malformed JSON", method: "POST", path: "/v1/jobs", header: map[string]string{"Content-Type": "application/json"}, body: []byte(`{"kind":`), status: 400, field: "body"},
		{name: "empty JSON body", method: "POST", path: "/v1/node/register", header: map[string]string{"Content-Type": "application/json"}, body: []byte(""), status: 400, field: "body"},
		{name: "JSON route, form body", method: "POST", path: "/v1/jobs", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, body: []byte(`a=b`), status: 415, field: "Content-Type"},
		{name: "JSON route, text body", method: "POST", path: "/v1/node/work", header: map[string]string{"Content-Type": "text/plain; charset=utf-8"}, body: []byte(`{}`), status: 415, field: "Content-Type"},
		{name: "POST /metrics", method: "POST", path: "/metrics", status: 405, allow: "GET, HEAD"},
		{name: "POST /healthz", method: "POST", path: "/healthz", status: 405, allow: "GET, HEAD"},
		{name: "DELETE /readyz", method: "DELETE", path: "/readyz", status: 405, allow: "GET, HEAD"},
		{name: "PUT /v1/cluster/status", method: "PUT", path: "/v1/cluster/status", status: 405, allow: "GET, HEAD"},
		{name: "GET on a write route", method: "GET", path: "/v1/node/register", status: 405, allow: "POST, PUT, DELETE"},
		{name: "consistent=zzz", method: "GET", path: "/v1/cluster/status?consistent=zzz", status: 400, field: "consistent"},
		{name: "JSON with the JSON type and parameters", method: "POST", path: "/v1/jobs", header: map[string]string{"Content-Type": "application/json; charset=utf-8"}, body: []byte(`[]`), status: 400, field: "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			size := int64(len(tt.body))
			if tt.body != nil {
				body = bytes.NewReader(tt.body)
				if tt.chunked {
					body, size = io.MultiReader(body), -1 // hides the length
				}
			}
			a := edgeDo(t, tt.method, base+tt.path, tt.header, body, size)
			if a.status != tt.status || a.eb.Error.Field != tt.field || a.eb.Error.Message == "" {
				t.Fatalf("%d %s; want %d naming field %q", a.status, a.body, tt.status, tt.field)
			}
			if tt.allow != "" && a.header.Get("Allow") != tt.allow {
				t.Errorf("Allow %q, want %q", a.header.Get("Allow"), tt.allow)
			}
			if tt.notIn != "" && strings.Contains(a.eb.Error.Message, tt.notIn) {
				t.Errorf("message %q says %q", a.eb.Error.Message, tt.notIn)
			}
		})
	}
	// The documented values of consistent are accepted.
	for _, v := range []string{"", "0", "1", "true", "false"} {
		if a := edgeDo(t, "GET", base+"/v1/cluster/status?consistent="+v, nil, nil, 0); a.status != 200 {
			t.Errorf("consistent=%q: %d %s", v, a.status, a.body)
		}
	}
	// The server still answers after all of that.
	if a := edgeDo(t, "GET", base+"/healthz", nil, nil, 0); a.status != 200 {
		t.Fatalf("healthz after the bad requests: %d %s", a.status, a.body)
	}
}

// TestJobURLsMustBePublic: a crawl job naming a non-public IP literal or
// localhost, in any spelling, is refused at submit with 400 naming the URL's
// exact field path, and no job is made; a public URL beside it is fine.
func TestJobURLsMustBePublic(t *testing.T) {
	c := coordtest.NewTestCluster(t, 1, coordtest.WithConfig(func(_ int, cfg *coord.Config) { cfg.JobURLAllowList = nil }))
	m := c.WaitLeader()
	buyer := newSigner(t)
	bad := []string{
		"http://127.0.0.1/", "http://127.1:8080/", "http://2130706433/", "http://0x7f.0.0.1/", "http://[::1]/",
		"http://localhost/", "http://LOCALHOST:8080/x", "https://shop.localhost/", "http://10.1.2.3/", "http://172.16.0.9/",
		"http://192.168.1.1/admin", "http://100.64.0.1/", "http://169.254.169.254/latest/meta-data", "http://[fe80::1]/",
		"http://224.0.0.1/", "http://[fd00:ec2::254]/", "http://[::ffff:10.0.0.1]/", "http://0.0.0.0/", "http://[fc00::1]/",
	}
	for _, u := range bad {
		for _, tc := range []struct {
			spec  api.CrawlSpec
			field string
		}{
			{api.CrawlSpec{URLs: []string{"https://a.example/1", "https://a.example/2", "https://a.example/3", u}}, "body.crawl.urls[3]"},
			{api.CrawlSpec{Seeds: []string{u}}, "body.crawl.seeds[0]"},
		} {
			spec := api.JobSpec{Kind: api.JobCrawl, Crawl: &tc.spec}
			var job api.Job
			code, eb := call(t, m.Config.HTTPAddr, "/v1/jobs", buyer.envelope(t, api.MethodJobSubmit, spec), &job)
			if code != 400 || eb.Error.Field != tc.field || !strings.Contains(eb.Error.Message, "public") {
				t.Errorf("job with %s: %d %+v (job %q); want 400 naming %s", u, code, eb, job.ID, tc.field)
			}
		}
	}
	// Public hosts, and names that only resolve at the node, pass.
	spec := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/x", "http://93.184.216.34/", "http://[2606:4700::1111]/"}}}
	var job api.Job
	if code, eb := call(t, m.Config.HTTPAddr, "/v1/jobs", buyer.envelope(t, api.MethodJobSubmit, spec), &job); code != 200 || job.ID == "" {
		t.Fatalf("public job: %d %+v", code, eb)
	}
}

// TestProofRowNamesTheField: row=-1 (and other non-numbers) on the proof
// route is 400 naming row.
func TestProofRowNamesTheField(t *testing.T) {
	c := coordtest.NewTestCluster(t, 1)
	buyer := newSigner(t)
	job := doneDataset(t, c, crypto.PubkeyToAddress(buyer.key.PublicKey))
	m := c.WaitLeader()
	ds := m.C.Datasets()
	if len(ds) == 0 {
		t.Fatalf("job %s made no dataset", job)
	}
	for _, row := range []string{"-1", "x", "", "1e3"} {
		code, body, eb := readAs(t, m.Config.HTTPAddr, fmt.Sprintf("/v1/datasets/%s/proof?row=%s", ds[0].ID, row), buyer, "", nil)
		if code != 400 || eb.Error.Field != "row" {
			t.Errorf("row=%q: %d %s; want 400 naming row", row, code, body)
		}
	}
}
