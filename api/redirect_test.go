package api

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// A redirect to another host and port (a presigned URL of the object store)
// is followed without the signer's envelope and bearer token; one on the
// coordinator itself keeps them; a loop stops.
func TestCheckRedirect(t *testing.T) {
	from := &http.Request{URL: &url.URL{Scheme: "http", Host: "127.0.0.1:8001", Path: "/v1/datasets/ds/data"}}
	tests := []struct {
		name, to string
		keep     bool
	}{
		{name: "same member", to: "http://127.0.0.1:8001/v1/datasets/ds/data?format=arrow", keep: true},
		{name: "another port", to: "http://127.0.0.1:9000/bucket/datasets/ds/ds.parquet?X-Amz-Signature=x"},
		{name: "another host", to: "https://s3.example/bucket/k"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := url.Parse(tt.to)
			req := &http.Request{URL: u, Header: http.Header{}}
			req.Header.Set(EnvelopeHeader, "e30=")
			req.Header.Set("Authorization", "Bearer t")
			if err := checkRedirect(req, []*http.Request{from}); err != nil {
				t.Fatal(err)
			}
			kept := req.Header.Get(EnvelopeHeader) != "" && req.Header.Get("Authorization") != ""
			gone := req.Header.Get(EnvelopeHeader) == "" && req.Header.Get("Authorization") == ""
			if tt.keep && !kept || !tt.keep && !gone {
				t.Fatalf("headers after redirect to %s: %v", tt.to, req.Header)
			}
		})
	}
	via := []*http.Request{from, from, from, from, from}
	if err := checkRedirect(&http.Request{URL: from.URL, Header: http.Header{}}, via); err == nil {
		t.Fatal("a sixth redirect was followed")
	}
}

// With DialOther set, the coordinators are dialed as before and every other
// host (a redirect's target) through DialOther, which may refuse it: a
// coordinator cannot aim a node at its own network.
func TestDialOther(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{}`) }))
	defer target.Close()
	coord := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/here" {
			io.WriteString(w, `{}`)
			return
		}
		http.Redirect(w, r, target.URL+"/bucket/k", http.StatusTemporaryRedirect)
	}))
	defer coord.Close()
	var mu sync.Mutex
	var other []string
	c, err := NewClient(ClientConfig{Coordinators: []string{coord.URL}, DialOther: func(ctx context.Context, network, addr string) (net.Conn, error) {
		mu.Lock()
		other = append(other, addr)
		mu.Unlock()
		return nil, errors.New("refused: not a public address")
	}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.HTTP().Get(coord.URL + "/here")
	if err != nil {
		t.Fatalf("a coordinator: %v", err)
	}
	resp.Body.Close()
	if _, err := c.HTTP().Get(coord.URL + "/redirect"); err == nil || !strings.Contains(err.Error(), "not a public address") {
		t.Fatalf("a redirect to another host: %v, want DialOther's refusal", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := strings.TrimPrefix(target.URL, "http://"); len(other) != 1 || other[0] != want {
		t.Fatalf("DialOther dialed %v, want only %s", other, want)
	}
}

// The members of a verified group map count as coordinators too: a node
// following its group, or reading the settling group's answer, dials them
// as it dials the coordinators it was given.
func TestIsCoordinatorGroupMembers(t *testing.T) {
	c, err := NewClient(ClientConfig{Coordinators: []string{"https://c1.example"}})
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]bool{"c1.example:443": true, "c1.example:80": false, "g2.example:8080": false} {
		if got := c.isCoordinator(addr); got != want {
			t.Errorf("before the map: isCoordinator(%s) = %v, want %v", addr, got, want)
		}
	}
	c.groups.Store(&GroupMap{Groups: []Group{{ID: "a", Members: []string{"https://c1.example"}}, {ID: "b", Members: []string{"http://g2.example:8080"}}}})
	if !c.isCoordinator("g2.example:8080") || c.isCoordinator("g3.example:8080") {
		t.Error("a member of the verified map is not a coordinator, or a stranger is")
	}
	if got := c.list(); len(got) != 1 {
		t.Fatalf("the client's own list changed: %v", got)
	}
}
