package coord_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// testCA is a certificate authority made for one test.
type testCA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	pemPath string
}

func newTestCA(t *testing.T, dir, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	path := filepath.Join(dir, name+"-ca.pem")
	writePEM(t, path, "CERTIFICATE", der)
	return &testCA{cert: cert, key: key, pemPath: path}
}

// issue makes a member certificate for 127.0.0.1, for server and client
// use, and returns the paths of its certificate and key.
func (ca *testCA) issue(t *testing.T, dir, name string) (certPath, keyPath string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+"-key.pem")
	writePEM(t, certPath, "CERTIFICATE", der)
	writePEM(t, keyPath, "EC PRIVATE KEY", kder)
	return certPath, keyPath
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Members speak mutual TLS: Raft and member-to-member HTTP work over it, the
// public API answers over HTTPS only, and a member whose certificate comes
// from another CA is refused with an error that names --tls-ca.
func TestMembersSpeakMutualTLS(t *testing.T) {
	dir := t.TempDir()
	ca := newTestCA(t, dir, "cluster")
	cl := coordtest.NewTestCluster(t, 3, coordtest.WithConfig(func(i int, c *coord.Config) {
		c.TLSCert, c.TLSKey = ca.issue(t, dir, c.ID)
		c.TLSCA = ca.pemPath
	}))
	leader := cl.WaitLeader()
	cl.WaitConverged()

	// The public API over HTTPS, the coordinator's certificate verified by
	// the cluster CA; members' health probes went over mutual TLS.
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := hc.Get("https://" + cl.Followers()[0].Config.HTTPAddr + "/v1/cluster/members")
	if err != nil {
		t.Fatalf("members over https: %v", err)
	}
	var ms []coord.Member
	err = json.NewDecoder(resp.Body).Decode(&ms)
	resp.Body.Close()
	if err != nil || len(ms) != 3 {
		t.Fatalf("members over https: %v %+v", err, ms)
	}
	for _, m := range ms {
		if m.Health == nil || !m.Health.Reachable {
			t.Errorf("member %s not reachable over mutual TLS: %+v", m.ID, m.Health)
		}
	}
	// A node's client reaches the cluster over https with the cluster CA.
	n := newSigner(t)
	ac, err := api.NewClient(api.ClientConfig{Coordinators: []string{"https://" + cl.Followers()[0].Config.HTTPAddr}, Key: n.key, Domain: api.DevDomain(), RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	var rr api.RegisterResponse
	if err := ac.Post(t.Context(), api.MethodRegister, "/v1/node/register",
		api.RegisterRequest{Address: crypto.PubkeyToAddress(n.key.PublicKey), Capabilities: api.Capabilities{CPUCores: 1, MaxConcurrent: 1}, Version: "dev"}, &rr); err != nil {
		t.Fatalf("register over https through a follower: %v", err)
	}

	// Plain HTTP to a TLS member gets no answer.
	if resp, err := http.Get("http://" + leader.Config.HTTPAddr + "/healthz"); err == nil && resp.StatusCode == 200 {
		resp.Body.Close()
		t.Fatalf("plain HTTP answered 200 on a TLS member")
	}
	// A Raft connection without a member certificate is refused.
	conn, err := tls.Dial("tcp", leader.Config.RaftAddr, &tls.Config{RootCAs: pool})
	if err == nil {
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		_, err = conn.Write([]byte{0})
		if err == nil {
			_, err = conn.Read(make([]byte, 1))
		}
		conn.Close()
	}
	if err == nil {
		t.Fatalf("raft accepted a connection without a member certificate")
	}

	// A member with a certificate from another CA cannot join: it fails at
	// start, naming --tls-ca.
	other := newTestCA(t, dir, "other")
	cfg := coordtest.TestConfig("stranger", filepath.Join(dir, "stranger"))
	cfg.Join = []string{leader.Config.HTTPAddr}
	cfg.JoinTimeout = 2 * time.Second
	cfg.TLSCert, cfg.TLSKey = other.issue(t, dir, "stranger")
	cfg.TLSCA = other.pemPath
	_, err = runFresh(t, cfg)
	if !errors.Is(err, coord.ErrJoin) || !strings.Contains(err.Error(), "--tls-ca") {
		t.Fatalf("member with another CA's certificate: got %v; want a join failure naming --tls-ca", err)
	}
	if ms, _ := leader.C.Members(); len(ms) != 3 {
		t.Fatalf("the stranger changed the membership: %+v", ms)
	}

	// A certificate the CA did not sign is refused at start.
	cfg = coordtest.TestConfig("mixed", filepath.Join(dir, "mixed"))
	cfg.Bootstrap = true
	cfg.TLSCert, cfg.TLSKey = other.issue(t, dir, "mixed")
	cfg.TLSCA = ca.pemPath
	if _, err := coord.New(cfg); !errors.Is(err, coord.ErrInvalid) || !strings.Contains(err.Error(), "tls_ca") {
		t.Fatalf("certificate not signed by the CA: got %v", err)
	}
}
