//go:build !nodeonly

package main

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/coord/coordtest"
)

// TestBuyerGrantRevoke: job status and dataset list are signed reads, so a
// stranger's key reads nothing of a buyer's job (403 naming the buyer);
// `meadow buyer grant` lets another key read it, `revoke` stops it; a key
// other than the buyer's cannot grant.
func TestBuyerGrantRevoke(t *testing.T) {
	c := coordtest.NewTestCluster(t, 1)
	url := "http://" + c.WaitLeader().Config.HTTPAddr
	dir := t.TempDir()
	keyFile := func(name string) (string, string) {
		k, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name+".key")
		if err := os.WriteFile(p, []byte(hex.EncodeToString(crypto.FromECDSA(k))), 0o600); err != nil {
			t.Fatal(err)
		}
		return p, crypto.PubkeyToAddress(k.PublicKey).Hex()
	}
	buyerKey, buyerAddr := keyFile("buyer")
	friendKey, friendAddr := keyFile("friend")
	as := func(key string, args ...string) (string, error) {
		t.Helper()
		return meadow(t, append(args, "--coord", url, "--key", key)...)
	}
	spec := filepath.Join(dir, "crawl.json")
	if err := os.WriteFile(spec, []byte(`{"kind":"crawl","crawl":{"urls":["https://a.example/1"]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := as(buyerKey, "buyer", "job", "submit", spec, "--json")
	var job struct {
		ID string `json:"id"`
	}
	if err != nil || json.Unmarshal([]byte(out), &job) != nil || job.ID == "" {
		t.Fatalf("submit: %v\n%s", err, out)
	}
	if out, err := as(buyerKey, "buyer", "job", "status", job.ID); err != nil || !strings.Contains(out, "job "+job.ID) {
		t.Fatalf("the buyer's status: %v\n%s", err, out)
	}
	if out, err := as(friendKey, "buyer", "job", "status", job.ID); err == nil || !strings.Contains(err.Error(), "403") || !strings.Contains(err.Error(), buyerAddr) {
		t.Fatalf("a stranger's status: %v\n%s; want 403 naming %s", err, out, buyerAddr)
	}
	if out, err := as(friendKey, "buyer", "grant", friendAddr, "--job", job.ID); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("a grant by someone other than the buyer: %v\n%s", err, out)
	}
	for _, bad := range [][]string{{"grant", "0x12", "--job", job.ID}, {"grant", friendAddr}} {
		if out, err := as(buyerKey, append([]string{"buyer"}, bad...)...); err == nil {
			t.Fatalf("buyer %v: accepted\n%s", bad, out)
		}
	}
	if out, err := as(buyerKey, "buyer", "grant", friendAddr, "--job", job.ID); err != nil || !strings.Contains(out, "may now read") {
		t.Fatalf("grant: %v\n%s", err, out)
	}
	if out, err := as(buyerKey, "buyer", "job", "status", job.ID); err != nil || !strings.Contains(out, "granted  "+friendAddr) {
		t.Fatalf("status lists the grant: %v\n%s", err, out)
	}
	if out, err := as(friendKey, "buyer", "job", "status", job.ID); err != nil || !strings.Contains(out, "job "+job.ID) {
		t.Fatalf("a granted key's status: %v\n%s", err, out)
	}
	if out, err := as(buyerKey, "buyer", "revoke", friendAddr, "--job", job.ID); err != nil || !strings.Contains(out, "no longer") {
		t.Fatalf("revoke: %v\n%s", err, out)
	}
	if out, err := as(friendKey, "buyer", "job", "status", job.ID); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("a revoked key's status: %v\n%s", err, out)
	}
	if out, err := as(friendKey, "buyer", "dataset", "list", "--json"); err != nil || strings.TrimSpace(out) != "[]" {
		t.Fatalf("a stranger's dataset list: %v\n%s", err, out)
	}
}
