//go:build !nodeonly

package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/dataset"
)

// verifyChain is an in-process chain served over JSON-RPC, with the
// contracts deployed for three operators and a threshold of two.
type verifyChain struct {
	chain    *contracts.Chain
	rpc      string
	registry string
	deployer *ecdsa.PrivateKey
	ops      []*ecdsa.PrivateKey
}

func newVerifyChain(t *testing.T) *verifyChain {
	t.Helper()
	vc := &verifyChain{deployer: mustKey(t)}
	funded := []common.Address{crypto.PubkeyToAddress(vc.deployer.PublicKey)}
	var opAddrs []common.Address
	for i := 0; i < 3; i++ {
		k := mustKey(t)
		vc.ops = append(vc.ops, k)
		opAddrs = append(opAddrs, crypto.PubkeyToAddress(k.PublicKey))
	}
	ch, rpc, err := contracts.NewSimulatedRPC("127.0.0.1", 20*time.Millisecond, funded...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ch.Close)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	addrs, err := ch.Deploy(ctx, vc.deployer, contracts.DeployConfig{Operators: opAddrs, Threshold: 2, Treasury: crypto.PubkeyToAddress(mustKey(t).PublicKey)})
	if err != nil {
		t.Fatal(err)
	}
	vc.chain, vc.rpc, vc.registry = ch, rpc, addrs.Registry.Hex()
	return vc
}

// post records a dataset's root on the registry, signed by two operators.
func (vc *verifyChain) post(t *testing.T, id string, root dataset.Hash, rows int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dom, err := vc.chain.DatasetsDomain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ds := contracts.Dataset{ID: contracts.DatasetKey(id), Root: common.Hash(root), Rows: uint64(rows)}
	var sigs [][]byte
	for _, k := range vc.ops[:2] {
		s, err := contracts.SignDataset(k, dom, ds)
		if err != nil {
			t.Fatal(err)
		}
		sigs = append(sigs, s)
	}
	if _, err := vc.chain.PostDataset(ctx, vc.deployer, ds, sigs); err != nil {
		t.Fatal(err)
	}
}

func (vc *verifyChain) flags() []string {
	return []string{"--chain-rpc", vc.rpc, "--registry", vc.registry}
}

func mustKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func addrOf(k *ecdsa.PrivateKey) string { return crypto.PubkeyToAddress(k.PublicKey).Hex() }

// manifestOf is the one-task manifest of the dataset file at path with the
// given root and rows, signed by keys.
func manifestOf(t *testing.T, id, path string, root dataset.Hash, rows int64, keys ...*ecdsa.PrivateKey) *dataset.Manifest {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := dataset.CrawlSchema([]string{"title", "author"})
	if err != nil {
		t.Fatal(err)
	}
	m := &dataset.Manifest{
		Version: dataset.ManifestVersion, DatasetID: id, JobID: "job-" + id, Kind: s.Kind, Schema: s,
		Tasks:     []dataset.ManifestTask{{TaskID: "t0", Root: root, Rows: rows, BlobSHA256: sha256.Sum256(b)}},
		TotalRows: rows, Root: root, CreatedAt: time.Unix(1790000000, 0).UTC(), Signatures: []dataset.Signature{},
	}
	resign(t, m, keys...)
	return m
}

// resign drops m's signatures and signs it with keys.
func resign(t *testing.T, m *dataset.Manifest, keys ...*ecdsa.PrivateKey) {
	t.Helper()
	m.Signatures = []dataset.Signature{}
	for _, k := range keys {
		if err := m.AddSignature(addrOf(k), func(d dataset.Hash) ([]byte, error) { return crypto.Sign(d[:], k) }); err != nil {
			t.Fatal(err)
		}
	}
}

func saveManifest(t *testing.T, m *dataset.Manifest) string {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "manifest.json")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestVerifyTrustsTheRegistry: meadow verify --manifest checks the
// manifest's signatures against the operator set and threshold of the
// chain's dataset registry, and its root against the registry's record;
// whoever signed the manifest is never trusted for having signed it.
func TestVerifyTrustsTheRegistry(t *testing.T) {
	vc := newVerifyChain(t)
	stranger1, stranger2 := mustKey(t), mustKey(t)

	honest, root := writeDataset(t, dataset.FormatArrowFile, 120)
	good := manifestOf(t, "ds-honest", honest, root, 120, vc.ops[0], vc.ops[2])
	goodPath := saveManifest(t, good)
	vc.post(t, "ds-honest", root, 120)

	// A tampered file: one more row. Its root and blob digest are put in
	// the manifest, which keeps the operators' signatures, or gets a
	// stranger's instead.
	tampered, troot := writeDataset(t, dataset.FormatArrowFile, 121)
	refit := manifestOf(t, "ds-honest", tampered, troot, 121)
	refit.Signatures = good.Signatures
	refitStranger := manifestOf(t, "ds-honest", tampered, troot, 121, stranger1, stranger2)
	// The honest manifest re-signed by strangers only.
	strangers := manifestOf(t, "ds-honest", honest, root, 120, stranger1, stranger2)
	// Below the threshold: one operator, plus a stranger.
	below := manifestOf(t, "ds-honest", honest, root, 120, vc.ops[1], stranger1)
	// Operators' valid signatures over a root the registry does not hold.
	equivocal := manifestOf(t, "ds-honest", tampered, troot, 121, vc.ops[0], vc.ops[1])
	// A dataset whose root was never posted.
	unposted := manifestOf(t, "ds-unposted", honest, root, 120, vc.ops[0], vc.ops[1])

	tests := []struct {
		name     string
		file     string
		manifest *dataset.Manifest
		want     []string // in the error; none: it passes
	}{
		{name: "honest", file: honest, manifest: good},
		{name: "root changed to fit a tampered file", file: tampered, manifest: refit, want: []string{"bad signature", "signatures[0]"}},
		{name: "tampered file re-signed by a stranger", file: tampered, manifest: refitStranger, want: []string{"0 valid signatures from the 3 trusted signers", "outside the trusted set"}},
		{name: "stranger's re-signature", file: honest, manifest: strangers, want: []string{"0 valid signatures", addrOf(stranger1)}},
		{name: "below threshold", file: honest, manifest: below, want: []string{"1 valid signatures", "expected at least 2"}},
		{name: "root not the registry's", file: tampered, manifest: equivocal, want: []string{"root mismatch", "the registry " + common.HexToAddress(vc.registry).Hex() + " records root " + root.String()}},
		{name: "not in the registry", file: honest, manifest: unposted, want: []string{"has no root in the registry"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"verify", tt.file, "--manifest", saveManifest(t, tt.manifest)}, vc.flags()...)
			out, err := meadow(t, args...)
			if len(tt.want) == 0 {
				if err != nil || !strings.Contains(out, "ok:") || !strings.Contains(out, "manifest trusted through registry "+common.HexToAddress(vc.registry).Hex()) {
					t.Fatalf("honest dataset: %v\n%s", err, out)
				}
				return
			}
			if err == nil {
				t.Fatalf("verify passed:\n%s", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error %q: want it to say %q", err, w)
				}
			}
			t.Log(err)
		})
	}

	// A proof of one row is checked against the manifest only once the
	// manifest is trusted.
	proof, err := meadow(t, "verify", honest, "--row", "7")
	if err != nil {
		t.Fatal(err)
	}
	pf := filepath.Join(t.TempDir(), "proof.json")
	os.WriteFile(pf, []byte(proof), 0o600)
	if out, err := meadow(t, append([]string{"verify", honest, "--row", "7", "--proof", pf, "--manifest", goodPath}, vc.flags()...)...); err != nil || !strings.Contains(out, "ok: row 7") {
		t.Fatalf("proof with a trusted manifest: %v\n%s", err, out)
	}
	if out, err := meadow(t, "verify", honest, "--row", "7", "--proof", pf, "--manifest", goodPath); err == nil || !strings.Contains(err.Error(), "--signers") {
		t.Fatalf("proof with an untrusted manifest: %v\n%s", err, out)
	}
	// A --chain-id other than the chain's is refused, naming the flag.
	if out, err := meadow(t, append([]string{"verify", honest, "--manifest", goodPath, "--chain-id", "999"}, vc.flags()...)...); err == nil || !strings.Contains(err.Error(), "--chain-id") {
		t.Fatalf("wrong chain id: %v\n%s", err, out)
	}

	// The network file gives the endpoint, registry and chain id: the
	// honest dataset passes, the re-signed one is refused the same way.
	chainID, err := vc.chain.ChainID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	nf := api.Network{Format: api.NetworkFormat, Name: "verify-test", ChainID: chainID.Uint64(),
		Coordinators: []string{"http://127.0.0.1:1"}, ChainRPC: []string{vc.rpc},
		Contracts: api.NetworkContracts{Registry: common.HexToAddress(vc.registry), Distributor: common.BytesToAddress([]byte{1}),
			Token: common.BytesToAddress([]byte{2}), Stable: common.BytesToAddress([]byte{3}), Marketplace: common.BytesToAddress([]byte{4})}}
	netPath := filepath.Join(t.TempDir(), "network.json")
	if err := api.WriteNetwork(netPath, nf); err != nil {
		t.Fatal(err)
	}
	if out, err := meadow(t, "verify", honest, "--manifest", goodPath, "--network", netPath); err != nil || !strings.Contains(out, "manifest trusted through registry "+common.HexToAddress(vc.registry).Hex()) {
		t.Fatalf("verify --network: %v\n%s", err, out)
	}
	if out, err := meadow(t, "verify", honest, "--manifest", saveManifest(t, strangers), "--network", netPath); err == nil || !strings.Contains(err.Error(), "0 valid signatures") {
		t.Fatalf("verify --network, strangers' manifest: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--network", netPath}, "--network: needs --manifest"},
		{[]string{"--manifest", goodPath, "--network", filepath.Join(t.TempDir(), "missing.json")}, "--network"},
		{[]string{"--manifest", goodPath, "--network", netPath, "--chain-id", "999"}, "--chain-id 999"},
	} {
		if out, err := meadow(t, append([]string{"verify", honest}, tc.args...)...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("verify %v: %v\n%s; want an error naming %q", tc.args, err, out, tc.want)
		}
	}
}

// TestVerifyWithoutAChain: with no chain, a manifest is refused unless the
// buyer names the signers it trusts and a quorum, and the refusal names
// the flags; the named signers then decide, not whoever signed.
func TestVerifyWithoutAChain(t *testing.T) {
	ops := []*ecdsa.PrivateKey{mustKey(t), mustKey(t), mustKey(t)}
	signers := strings.Join([]string{addrOf(ops[0]), addrOf(ops[1]), addrOf(ops[2])}, ",")
	stranger := mustKey(t)
	file, root := writeDataset(t, dataset.FormatParquet, 50)
	good := saveManifest(t, manifestOf(t, "ds-1", file, root, 50, ops[0], ops[1]))
	strangers := saveManifest(t, manifestOf(t, "ds-1", file, root, 50, stranger))

	// A chain endpoint where nothing listens.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()

	flagNames := []string{"--chain-rpc", "--registry", "--signers", "--quorum"}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{name: "no trust named", args: []string{"--manifest", good}, want: flagNames},
		{name: "quorum alone", args: []string{"--manifest", strangers, "--quorum", "1"}, want: flagNames},
		{name: "chain unreachable", args: []string{"--manifest", good, "--chain-rpc", dead, "--registry", "0x00000000000000000000000000000000000000aa"}, want: []string{"--chain-rpc " + dead, "--signers and --quorum"}},
		{name: "signers without quorum", args: []string{"--manifest", good, "--signers", signers}, want: []string{"--quorum 0", "1 to 3"}},
		{name: "quorum above signers", args: []string{"--manifest", good, "--signers", signers, "--quorum", "4"}, want: []string{"--quorum 4"}},
		{name: "bad signer", args: []string{"--manifest", good, "--signers", "0xzz", "--quorum", "1"}, want: []string{"--signers", "0xzz"}},
		{name: "stranger's signature", args: []string{"--manifest", strangers, "--signers", signers, "--quorum", "1"}, want: []string{"0 valid signatures", addrOf(stranger)}},
		{name: "below quorum", args: []string{"--manifest", good, "--signers", signers, "--quorum", "3"}, want: []string{"2 valid signatures", "expected at least 3"}},
		{name: "signers and chain", args: []string{"--manifest", good, "--signers", signers, "--quorum", "2", "--chain-rpc", dead, "--registry", "0x00000000000000000000000000000000000000aa"}, want: []string{"--signers", "one or the other"}},
		{name: "signers without manifest", args: []string{"--signers", signers, "--quorum", "2"}, want: []string{"--quorum: needs --manifest"}},
		{name: "named signers", args: []string{"--manifest", good, "--signers", signers, "--quorum", "2"}},
		{name: "root alone", args: []string{"--root", root.String()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := meadow(t, append([]string{"verify", file}, tt.args...)...)
			if len(tt.want) == 0 {
				if err != nil || !strings.Contains(out, "ok:") {
					t.Fatalf("%v\n%s", err, out)
				}
				return
			}
			if err == nil {
				t.Fatalf("verify passed:\n%s", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error %q: want it to say %q", err, w)
				}
			}
			t.Log(err)
		})
	}
}
