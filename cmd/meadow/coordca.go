package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"time"
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
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	n := 0
	for rest := b; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("--coord-ca %s: certificate %d: %w", path, n+1, err)
		}
		if !cert.IsCA {
			return nil, fmt.Errorf("--coord-ca %s: certificate %d (%s) is not a CA certificate: expected the cluster CA's certificate (ca.crt), not a member's", path, n+1, cert.Subject.CommonName)
		}
		pool.AddCert(cert)
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("--coord-ca %s: no PEM CERTIFICATE block: expected the cluster CA's certificate (ca.crt)", path)
	}
	return pool, nil
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
