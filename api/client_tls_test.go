package api_test

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
)

// Coordinators whose certificate this client does not trust (a cluster
// with its own CA, not given to the client) fail the call after one try
// of each, saying what to give, instead of retrying for every attempt;
// with the CA the same call succeeds.
func TestClientUntrustedCertificateFailsFast(t *testing.T) {
	var served atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"j-0000000000000001"}`))
	})
	a, b := httptest.NewTLSServer(h), httptest.NewTLSServer(h)
	defer a.Close()
	defer b.Close()
	c, err := api.NewClient(api.ClientConfig{Coordinators: []string{a.URL, b.URL}, Domain: api.DevDomain()})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var job map[string]any
	err = c.Get(context.Background(), "/v1/jobs/j-0000000000000001", &job)
	if !errors.Is(err, api.ErrNoCoordinator) || !strings.Contains(err.Error(), "--coord-ca") || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("untrusted certificates: %v; want ErrNoCoordinator saying to give the CA (--coord-ca)", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the call took %s: an untrusted certificate was retried", d)
	}
	if served.Load() != 0 {
		t.Fatalf("%d requests were served over an unverified connection", served.Load())
	}

	roots := x509.NewCertPool()
	roots.AddCert(a.Certificate())
	roots.AddCert(b.Certificate())
	c, err = api.NewClient(api.ClientConfig{Coordinators: []string{a.URL, b.URL}, Domain: api.DevDomain(), RootCAs: roots})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Get(context.Background(), "/v1/jobs/j-0000000000000001", &job); err != nil || job["id"] != "j-0000000000000001" {
		t.Fatalf("with the servers' certificates trusted: %v %v", err, job)
	}
}
