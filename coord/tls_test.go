package coord_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// Members speak mutual TLS: Raft and member-to-member HTTP work over it, the
// public API answers over HTTPS only, and a member whose certificate comes
// from another CA is refused with an error that names --tls-ca.
func TestMembersSpeakMutualTLS(t *testing.T) {
	dir := t.TempDir()
	ca := coordtest.NewCA(t, dir, "cluster")
	cl := coordtest.NewTestCluster(t, 3, coordtest.WithConfig(func(i int, c *coord.Config) {
		c.TLSCert, c.TLSKey = ca.Issue(t, dir, c.ID)
		c.TLSCA = ca.PEMPath
	}))
	leader := cl.WaitLeader()
	cl.WaitConverged()

	// The public API over HTTPS, the coordinator's certificate verified by
	// the cluster CA; members' health probes went over mutual TLS.
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
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
	other := coordtest.NewCA(t, dir, "other")
	cfg := coordtest.TestConfig("stranger", filepath.Join(dir, "stranger"))
	cfg.Join = []string{leader.Config.HTTPAddr}
	cfg.JoinTimeout = 2 * time.Second
	cfg.TLSCert, cfg.TLSKey = other.Issue(t, dir, "stranger")
	cfg.TLSCA = other.PEMPath
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
	cfg.TLSCert, cfg.TLSKey = other.Issue(t, dir, "mixed")
	cfg.TLSCA = ca.PEMPath
	if _, err := coord.New(cfg); !errors.Is(err, coord.ErrInvalid) || !strings.Contains(err.Error(), "tls_ca") {
		t.Fatalf("certificate not signed by the CA: got %v", err)
	}
}
