package api

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// ParseCACerts reads the PEM CA certificate(s) of a cluster with its own
// CA (docs/DEPLOY.md, "TLS"): every CERTIFICATE block must parse and be a
// CA certificate, and there must be at least one; other blocks are
// skipped. Its errors say what was expected, for the caller to prefix with
// the flag or field.
func ParseCACerts(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for rest := data; ; {
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
			return nil, fmt.Errorf("certificate %d: %w", len(certs)+1, err)
		}
		if !cert.IsCA {
			return nil, fmt.Errorf("certificate %d (%s) is not a CA certificate: expected the cluster CA's certificate (ca.crt), not a member's", len(certs)+1, cert.Subject.CommonName)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, errors.New("no PEM CERTIFICATE block: expected the cluster CA's certificate (ca.crt)")
	}
	return certs, nil
}
