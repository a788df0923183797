package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/meadow-net/meadow/api"
)

// loadCoordCA reads --coord-ca: the PEM certificate(s) of the CA that
// signed a cluster's own certificates (docs/DEPLOY.md, "TLS"). It returns
// the system's roots with those added, so that the clients built from it
// still verify public certificates: an object store's presigned URLs, a
// release host. SSL_CERT_FILE, the other way to trust such a CA, replaces
// the system's roots for the whole process, so a node given it could no
// longer check the public sites it crawls.
func loadCoordCA(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--coord-ca %s: %w", path, err)
	}
	certs, err := api.ParseCACerts(b)
	if err != nil {
		return nil, fmt.Errorf("--coord-ca %s: %w", path, err)
	}
	return withCerts(nil, certs), nil
}

// withCerts is pool (nil: a copy of the system's roots) with certs added.
func withCerts(pool *x509.CertPool, certs []*x509.Certificate) *x509.CertPool {
	if pool == nil {
		var err error
		if pool, err = x509.SystemCertPool(); err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
	}
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool
}

// networkRoots is pool (nil: the system's roots) with the network file's
// coordinator_ca added; pool itself when the file names none.
// api.LoadNetwork validated it.
func networkRoots(pool *x509.CertPool, n api.Network) *x509.CertPool {
	if n.CoordinatorCA == "" {
		return pool
	}
	certs, err := api.ParseCACerts([]byte(n.CoordinatorCA))
	if err != nil {
		return pool
	}
	return withCerts(pool, certs)
}

// trustNetworkCA adds the network file's coordinator_ca, if any, to the
// roots the coordinators' clients trust (besides --coord-ca), so that a
// network file alone is enough to reach a cluster with its own CA.
func (a *app) trustNetworkCA(n api.Network) {
	if n.CoordinatorCA == "" {
		return
	}
	a.coordRoots = networkRoots(a.coordRoots, n)
	cliHTTP = &http.Client{Transport: coordTransport(a.coordRoots)}
}

// coordTransport is an HTTP transport that verifies https coordinators
// against roots (nil: the system's).
func coordTransport(roots *x509.CertPool) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if roots != nil {
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}
	}
	return tr
}

// coordClient is a plain HTTP client of the coordinators (release
// downloads) with the whole-request limit timeout, trusting roots
// (--coord-ca); nil without them, for the caller's default.
func coordClient(roots *x509.CertPool, timeout time.Duration) *http.Client {
	if roots == nil {
		return nil
	}
	return &http.Client{Timeout: timeout, Transport: coordTransport(roots)}
}
