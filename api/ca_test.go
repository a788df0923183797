package api

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"
)

// testCertPEM makes a self-signed certificate, a CA's or not, in PEM.
func testCertPEM(t testing.TB, name string, isCA bool) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: isCA, BasicConstraintsValid: true,
	}
	if isCA {
		tmpl.KeyUsage = x509.KeyUsageCertSign
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// TestNetworkCoordinatorCA: a network file may carry the CA of a cluster
// with its own certificates; anything but CA certificates there is
// refused naming coordinator_ca, and the file round-trips.
func TestNetworkCoordinatorCA(t *testing.T) {
	ca := testCertPEM(t, "cluster CA", true)
	n := testNetwork()
	n.CoordinatorCA = ca
	data, err := MarshalNetwork(n)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseNetwork(data)
	if err != nil || got.CoordinatorCA != ca {
		t.Fatalf("round trip: %v, CA %q", err, got.CoordinatorCA)
	}
	if certs, err := ParseCACerts([]byte(got.CoordinatorCA)); err != nil || len(certs) != 1 || certs[0].Subject.CommonName != "cluster CA" {
		t.Fatalf("ParseCACerts: %v %v", certs, err)
	}
	if certs, err := ParseCACerts([]byte(ca + "junk between\n" + testCertPEM(t, "second CA", true))); err != nil || len(certs) != 2 {
		t.Fatalf("two CAs: %d, %v", len(certs), err)
	}
	for _, tc := range []struct{ name, pem, want string }{
		{"a member's certificate", testCertPEM(t, "member", false), "is not a CA certificate"},
		{"a CA then a member's", ca + testCertPEM(t, "member", false), "certificate 2 (member) is not a CA"},
		{"no certificate", "hello\n", "no PEM CERTIFICATE block"},
		{"a key alone", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "no PEM CERTIFICATE block"},
		{"a broken certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "certificate 1:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := testNetwork()
			n.CoordinatorCA = tc.pem
			err := n.Validate()
			fes := FieldErrors(err)
			if len(fes) != 1 || fes[0].Field != "coordinator_ca" || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want coordinator_ca: %s", err, tc.want)
			}
		})
	}
}
