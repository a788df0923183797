//go:build !nodeonly

package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/devnet"
)

// TestBuyerCommands walks the buyer's steps one command at a time against a
// dev network: submit and wait, download and verify, a row's proof checked
// with meadow verify; and the errors a buyer meets.
func TestBuyerCommands(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := devnet.DefaultConfig()
	cfg.Nodes, cfg.Faulty, cfg.JSNodes = 2, 0, 0
	cfg.Dir = t.TempDir()
	nw, err := devnet.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nw.Close)

	dir := t.TempDir()
	keyFile := filepath.Join(dir, "buyer.key")
	if err := os.WriteFile(keyFile, []byte(hex.EncodeToString(crypto.FromECDSA(nw.Chain.Buyer))), 0o600); err != nil {
		t.Fatal(err)
	}
	static, _ := nw.Site.ArticleURLs(nw.SiteURL)
	spec := fmt.Sprintf(`{"kind":"crawl","crawl":{"urls":%s,"fields":[{"name":"title","selector":"h1.title"}],"text_selector":"article","exclude":[".clock",".ad"],"task_size":10}}`, mustJSON(t, static[:20]))
	specFile := filepath.Join(dir, "crawl.json")
	if err := os.WriteFile(specFile, []byte(spec), 0o600); err != nil {
		t.Fatal(err)
	}
	common := []string{"--coord", strings.Join(nw.CoordURLs, ","), "--key", keyFile, "--chain-id", fmt.Sprint(nw.ChainID())}
	run := func(args ...string) (string, error) {
		t.Helper()
		return meadow(t, append(args, common...)...)
	}

	out, err := run("buyer", "job", "submit", specFile, "--wait", "--json")
	if err != nil {
		t.Fatalf("submit: %v\n%s", err, out)
	}
	var st struct {
		ID      string `json:"id"`
		State   string `json:"state"`
		Dataset string `json:"dataset"`
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &st); err != nil || st.State != "done" || st.Dataset == "" {
		t.Fatalf("submit --wait --json: %v\n%s", err, out)
	}
	file := filepath.Join(dir, "crawl.parquet")
	// Unpaid, the data is refused, naming the command that pays.
	if out, err := run("buyer", "dataset", "get", st.Dataset, "--format", "parquet", "-o", file); err == nil || !strings.Contains(err.Error(), "meadow buyer pay "+st.ID) {
		t.Fatalf("dataset get before paying: %v\n%s", err, out)
	}
	if out, err := run("buyer", "pay", st.ID); err != nil || !strings.Contains(out, "paid ") {
		t.Fatalf("pay: %v\n%s", err, out)
	}
	if out, err := run("buyer", "pay", st.ID); err == nil || !strings.Contains(err.Error(), "already paid") {
		t.Fatalf("pay twice: %v\n%s", err, out)
	}
	if out, err := run("buyer", "dataset", "get", st.Dataset, "--format", "parquet", "-o", file); err != nil ||
		!strings.Contains(out, "every row checked") || !strings.Contains(out, "root matches the chain's registry") {
		t.Fatalf("dataset get: %v\n%s", err, out)
	}
	// A range of the download, as a resumed download asks for it: the same
	// bytes as the whole file's.
	whole, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	part := rangeGet(t, nw.CoordURLs[0], nw.Chain.Buyer, nw.ChainID(), st.Dataset, 100, 299)
	if !bytes.Equal(part, whole[100:300]) {
		t.Fatalf("bytes 100-299 of the download differ from the whole file's (%d bytes)", len(part))
	}
	// The manifest carries the coordinators' signatures: a quorum of 2 of
	// the operators' keys checks.
	var ops []string
	for _, k := range nw.Chain.Operators {
		ops = append(ops, crypto.PubkeyToAddress(k.PublicKey).Hex())
	}
	if out, err := meadow(t, "verify", file, "--manifest", file+".manifest.json", "--quorum", "2", "--signers", strings.Join(ops, ",")); err != nil {
		t.Fatalf("verify the manifest's signatures: %v\n%s", err, out)
	}
	proof, err := run("buyer", "dataset", "proof", st.Dataset, "--row", "3")
	if err != nil {
		t.Fatalf("dataset proof: %v\n%s", err, proof)
	}
	pf := filepath.Join(dir, "proof.json")
	if err := os.WriteFile(pf, []byte(proof), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := meadow(t, "verify", file, "--row", "3", "--proof", pf, "--manifest", file+".manifest.json",
		"--chain-rpc", nw.Chain.RPC, "--registry", nw.Chain.Addrs.Registry.Hex()); err != nil || !strings.Contains(out, "ok: row 3") {
		t.Fatalf("verify the proof: %v\n%s", err, out)
	}

	// A coordinator whose operator key the contracts do not know is refused
	// at start, naming the flag and the keys they do know.
	if out, err := meadow(t, "coord", "--id", "x", "--data-dir", t.TempDir(), "--raft-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--bootstrap",
		"--chain-id", fmt.Sprint(nw.ChainID()), "--chain-rpc", nw.Chain.RPC, "--distributor", nw.Chain.Addrs.Distributor.Hex(),
		"--registry", nw.Chain.Addrs.Registry.Hex(), "--operator-key", keyFile); err == nil ||
		!strings.Contains(err.Error(), "--operator-key") || !strings.Contains(err.Error(), "not one of the distributor's operators") ||
		!strings.Contains(err.Error(), ops[0]) {
		t.Fatalf("coord with an unknown operator key: %v\n%s", err, out)
	}

	// The operator settles the epoch; each node sees its rewards and claims
	// them on chain, once.
	// The token comes from the file the dev network writes for operators,
	// which only its owner may read; without it settlement is refused.
	coordArgs := []string{"--coord", nw.CoordURLs[1]}
	if fi, err := os.Stat(nw.ClusterTokenFile()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("cluster token file %s: %v; want a file of mode 0600", nw.ClusterTokenFile(), err)
	}
	if out, err := meadow(t, append([]string{"operator", "settle"}, coordArgs...)...); err == nil || !strings.Contains(err.Error(), "Meadow-Cluster-Token") {
		t.Fatalf("operator settle without the token: %v\n%s", err, out)
	}
	if out, err := meadow(t, append([]string{"operator", "settle", "--cluster-token-file", nw.ClusterTokenFile()}, coordArgs...)...); err != nil || !strings.Contains(out, "epoch 1 settled") {
		t.Fatalf("operator settle: %v\n%s", err, out)
	}
	if out, err := meadow(t, append([]string{"operator", "settle", "--epoch", "1", "--cluster-token", nw.ClusterToken()}, coordArgs...)...); err == nil || !strings.Contains(err.Error(), "expected 2") {
		t.Fatalf("settle epoch 1 again: %v\n%s", err, out)
	}
	for i, nd := range nw.Nodes {
		args := []string{"--data-dir", nd.DataDir, "--coord", strings.Join(nw.CoordURLs, ","), "--chain-id", fmt.Sprint(nw.ChainID())}
		if i == 0 {
			// By address, as for a browser extension's account: another
			// key (the buyer's, which has gas) sends the claim.
			args = []string{"--address", nd.Address().Hex(), "--key", keyFile, "--coord", strings.Join(nw.CoordURLs, ","), "--chain-id", fmt.Sprint(nw.ChainID())}
		}
		out, err := meadow(t, append([]string{"node", "rewards"}, args...)...)
		if err != nil || !strings.Contains(out, "claimable") {
			t.Fatalf("node rewards: %v\n%s", err, out)
		}
		if strings.Contains(out, "settled      0.0000 MEADOW") {
			continue // this node did no verified work
		}
		if out, err := meadow(t, append([]string{"node", "claim"}, args...)...); err != nil || !strings.Contains(out, "claimed ") {
			t.Fatalf("node claim: %v\n%s", err, out)
		}
		if out, err := meadow(t, append([]string{"node", "claim"}, args...)...); err != nil || !strings.Contains(out, "nothing new to claim") {
			t.Fatalf("node claim again: %v\n%s", err, out)
		}
		out, err = meadow(t, append([]string{"node", "rewards", "--json"}, args...)...)
		var rep struct {
			Meadow          string `json:"meadow"`
			ClaimedMeadow   string `json:"claimed_meadow"`
			ClaimableMeadow string `json:"claimable_meadow"`
		}
		if err != nil || json.Unmarshal([]byte(out), &rep) != nil || rep.ClaimedMeadow != rep.Meadow || rep.ClaimableMeadow != "0" {
			t.Fatalf("node rewards after the claim: %v %+v\n%s", err, rep, out)
		}
	}

	tests := []struct {
		name string
		spec string
		args []string
		want string
	}{
		{name: "bad spec names the field", spec: `{"kind":"crawl","crawl":{"urls":["ftp://x.example/"]}}`, want: "crawl.urls[0]"},
		{name: "unknown field", spec: `{"kind":"crawl","crawl":{"urls":["https://x.example/"],"fields":[{"name":"t","selectr":"h1"}]}}`, want: "selectr"},
		{name: "unknown job", args: []string{"buyer", "job", "status", "j-nosuchjob"}, want: "j-nosuchjob"},
		{name: "pay for an unknown job", args: []string{"buyer", "pay", "j-nosuchjob"}, want: "j-nosuchjob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if tt.spec != "" {
				f := filepath.Join(t.TempDir(), "spec.json")
				if err := os.WriteFile(f, []byte(tt.spec), 0o600); err != nil {
					t.Fatal(err)
				}
				args = []string{"buyer", "job", "submit", f}
			}
			out, err := run(args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v (output %q): want one naming %q", err, out, tt.want)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// rangeGet asks a coordinator for bytes [from, to] of a dataset's Parquet
// file, signed as a buyer, and checks the 206 answer.
func rangeGet(t *testing.T, coordURL string, key *ecdsa.PrivateKey, chainID uint64, id string, from, to int) []byte {
	t.Helper()
	env, err := api.Sign(key, api.MethodDatasetGet, map[string]string{"dataset_id": id, "format": "parquet"},
		uint64(time.Now().UnixMicro()), time.Now().Add(time.Minute), api.DomainFor(chainID))
	if err != nil {
		t.Fatal(err)
	}
	h, err := env.Header()
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodGet, coordURL+"/v1/datasets/"+id+"/data?format=parquet", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(api.EnvelopeHeader, h)
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", from, to))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusPartialContent || resp.Header.Get("ETag") == "" || !strings.HasPrefix(resp.Header.Get("Content-Range"), fmt.Sprintf("bytes %d-%d/", from, to)) {
		t.Fatalf("ranged download: %s, Content-Range %q, ETag %q: %s", resp.Status, resp.Header.Get("Content-Range"), resp.Header.Get("ETag"), body)
	}
	return body
}
