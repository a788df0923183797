package api

import (
	"net/http"
	"net/url"
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
