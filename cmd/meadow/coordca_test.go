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
