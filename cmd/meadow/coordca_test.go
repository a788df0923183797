//go:build !nodeonly

package main

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/node"
)

// A cluster with its own CA (docs/DEPLOY.md): with --coord-ca the buyer,
// a node's registration and the operator's status reach it over https;
// without it they fail on the certificate. A --coord-ca that holds no CA
// certificate is refused naming the flag.
func TestCoordCA(t *testing.T) {
	dir := t.TempDir()
	ca := coordtest.NewCA(t, dir, "cluster")
	c := coordtest.NewTestCluster(t, 1, coordtest.WithConfig(func(_ int, cfg *coord.Config) {
		cfg.TLSCert, cfg.TLSKey = ca.Issue(t, dir, cfg.ID)
		cfg.TLSCA = ca.PEMPath
	}))
	url := "https://" + c.WaitLeader().Config.HTTPAddr
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "buyer.key")
	if err := os.WriteFile(key, []byte(hex.EncodeToString(crypto.FromECDSA(k))), 0o600); err != nil {
		t.Fatal(err)
	}

	buyer := []string{"buyer", "dataset", "list", "--json", "--coord", url, "--key", key}
	if out, err := meadow(t, buyer...); err == nil || !strings.Contains(err.Error()+out, "certificate") {
		t.Fatalf("buyer without --coord-ca: %v\n%s; want a certificate error", err, out)
	}
	if out, err := meadow(t, append(buyer, "--coord-ca", ca.PEMPath)...); err != nil || strings.TrimSpace(out) != "[]" {
		t.Fatalf("buyer with --coord-ca: %v\n%s", err, out)
	}

	nodeDir := filepath.Join(dir, "node")
	if out, err := meadow(t, "node", "register", "--coord", url, "--data-dir", nodeDir, "--coord-ca", ca.PEMPath); err != nil {
		t.Fatalf("node register with --coord-ca: %v\n%s", err, out)
	}
	id, err := node.LoadOrCreateIdentity(nodeDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitLeader().C.Node(api.NodeKey(id.Address)); err != nil {
		t.Fatalf("the registered node: %v", err)
	}

	// node init keeps a copy of the CA in the data dir and names it in the
	// config it writes, which the node's commands then read.
	initDir := filepath.Join(dir, "node2")
	netFile := testNetworkFile(t, []string{url}, common.Address{})
	if out, err := meadow(t, "node", "init", "--network", netFile, "--data-dir", initDir, "--coord-ca", ca.PEMPath, "--yes"); err != nil {
		t.Fatalf("node init with --coord-ca: %v\n%s", err, out)
	}
	conf, err := os.ReadFile(filepath.Join(initDir, NodeConfigName))
	if err != nil || !strings.HasPrefix(string(conf[strings.Index(string(conf), "\ncoord-ca")+1:]), `coord-ca = "`+filepath.Join(initDir, CoordCAFileName)+`"`) {
		t.Fatalf("the config init wrote: %v\n%s", err, conf)
	}
	register := []string{"node", "register", "--data-dir", initDir, "--network", filepath.Join(initDir, NetworkFileName)}
	if out, err := meadow(t, register...); err == nil || !strings.Contains(err.Error()+out, "certificate") {
		t.Fatalf("node register without the config: %v\n%s; want a certificate error", err, out)
	}
	if out, err := meadow(t, append([]string{"--config", filepath.Join(initDir, NodeConfigName)}, register...)...); err != nil {
		t.Fatalf("node register with the config init wrote: %v\n%s", err, out)
	}

	if out, err := meadow(t, "operator", "status", "--coord", url, "--coord-ca", ca.PEMPath, "--json"); err != nil || !strings.Contains(out, `"leader"`) {
		t.Fatalf("operator status with --coord-ca: %v\n%s", err, out)
	}

	// The network file can carry the CA (operator deploy
	// --coordinator-ca): then the file alone is enough, for the buyer and
	// for a node set up by init with no --coord-ca, whose data dir keeps
	// the file. A private key in the same PEM file is not published.
	withKey := filepath.Join(dir, "ca-and-key.pem")
	caPEM, err := os.ReadFile(ca.PEMPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(withKey, append([]byte("-----BEGIN EC PRIVATE KEY-----\nc2VjcmV0\n-----END EC PRIVATE KEY-----\n"), caPEM...), 0o600); err != nil {
		t.Fatal(err)
	}
	netw, err := deployFlags{networkOut: filepath.Join(dir, "network-ca.json"), name: "own-ca", coordinators: url, coordinatorCA: withKey}.networkPart()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(netw.CoordinatorCA, "PRIVATE KEY") || !strings.Contains(netw.CoordinatorCA, "BEGIN CERTIFICATE") {
		t.Fatalf("the network file's CA:\n%s", netw.CoordinatorCA)
	}
	netw.ChainID = api.DevChainID
	netw.Contracts = api.NetworkContracts{Distributor: common.Address{1}, Registry: common.Address{2}, Token: common.Address{3}, Stable: common.Address{4}, Marketplace: common.Address{5}}
	caNet := filepath.Join(dir, "network-ca.json")
	if err := api.WriteNetwork(caNet, netw); err != nil {
		t.Fatal(err)
	}
	if out, err := meadow(t, "buyer", "dataset", "list", "--json", "--network", caNet, "--key", key); err != nil || strings.TrimSpace(out) != "[]" {
		t.Fatalf("buyer with a network file carrying the CA: %v\n%s", err, out)
	}
	fromNet := filepath.Join(dir, "node3")
	if out, err := meadow(t, "node", "init", "--network", caNet, "--data-dir", fromNet, "--yes"); err != nil {
		t.Fatalf("node init with a network file carrying the CA: %v\n%s", err, out)
	}
	if out, err := meadow(t, "node", "register", "--data-dir", fromNet); err != nil {
		t.Fatalf("node register from the data dir's network file: %v\n%s", err, out)
	}
	if _, err := meadow(t, "operator", "deploy", "--rpc", "http://127.0.0.1:1", "--network-out", filepath.Join(dir, "n4.json"), "--coordinators", url,
		"--coordinator-ca", ca.PEMPath+".missing"); err == nil || !strings.Contains(err.Error(), "--coordinator-ca "+ca.PEMPath+".missing") {
		t.Fatalf("operator deploy --coordinator-ca of a missing file: %v", err)
	}

	// Not a CA: a member's certificate; no certificate at all; no file.
	member, _ := ca.Issue(t, dir, "member")
	junk := filepath.Join(dir, "junk.pem")
	if err := os.WriteFile(junk, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ file, want string }{
		{member, "is not a CA certificate"},
		{junk, "no PEM CERTIFICATE block"},
		{filepath.Join(dir, "missing.pem"), "no such file"},
	} {
		out, err := meadow(t, append(buyer, "--coord-ca", tt.file)...)
		if err == nil || !strings.Contains(err.Error(), "--coord-ca "+tt.file) || !strings.Contains(err.Error(), tt.want) {
			t.Fatalf("--coord-ca %s: %v\n%s; want an error naming the flag: %s", tt.file, err, out, tt.want)
		}
	}
}
