//go:build !nodeonly

package main

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// TestOperatorDeployFlagErrorsNameTheFlag: every bad flag of meadow
// operator deploy is refused with exit code 2 and an error naming the flag,
// before any chain is contacted (--rpc points at a port nothing listens
// on, so reaching it would show as another error) and without writing the
// network file.
func TestOperatorDeployFlagErrorsNameTheFlag(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "deployer.key")
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, []byte(hex.EncodeToString(crypto.FromECDSA(k))+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	openKey := filepath.Join(dir, "open.key")
	if err := os.WriteFile(openKey, []byte(hex.EncodeToString(crypto.FromECDSA(k))+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "existing.json")
	if err := os.WriteFile(existing, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a1, a2, a3 := "0x1111111111111111111111111111111111111111", "0x2222222222222222222222222222222222222222", "0x3333333333333333333333333333333333333333"
	out := filepath.Join(dir, "network.json")
	good := map[string]string{
		"--rpc": "http://127.0.0.1:1", "--key": keyFile, "--operators": a1 + "," + a2 + "," + a3, "--threshold": "2",
		"--test-stable": "true", "--network-out": out, "--coordinators": "http://127.0.0.1:8080",
	}
	tests := []struct {
		name string
		set  map[string]string // "" removes the flag
		want string
	}{
		{name: "no rpc", set: map[string]string{"--rpc": ""}, want: "--rpc: expected"},
		{name: "no key", set: map[string]string{"--key": ""}, want: "--key: expected the deployer's key file"},
		{name: "missing key file", set: map[string]string{"--key": filepath.Join(dir, "nope.key")}, want: "a new key would hold no ether"},
		{name: "key others can read", set: map[string]string{"--key": openKey}, want: "mode 0644"},
		{name: "no operators", set: map[string]string{"--operators": ""}, want: "--operators: expected addresses"},
		{name: "bad operator", set: map[string]string{"--operators": a1 + ",0x12"}, want: "--operators[1]"},
		{name: "bad checksum", set: map[string]string{"--operators": a1 + ",0xAbCdEf0123456789aBcDeF0123456789AbCdEf01"}, want: "--operators[1] is \"0xAbCdEf0123456789aBcDeF0123456789AbCdEf01\", whose EIP-55 checksum is wrong"},
		{name: "zero operator", set: map[string]string{"--operators": a1 + ",0x0000000000000000000000000000000000000000"}, want: "--operators[1]: the zero address"},
		{name: "operator twice", set: map[string]string{"--operators": a1 + "," + a2 + "," + a1}, want: "--operators[2] " + common.HexToAddress(a1).Hex() + ": listed twice (also --operators[0])"},
		{name: "threshold 1", set: map[string]string{"--threshold": "1"}, want: "--threshold 1: expected 2 to 3"},
		{name: "threshold above", set: map[string]string{"--threshold": "4"}, want: "--threshold 4: expected 2 to 3"},
		{name: "no stable", set: map[string]string{"--test-stable": ""}, want: "--stable: expected the address of the chain's 6-decimal stable token, or --test-stable"},
		{name: "both stables", set: map[string]string{"--stable": a1}, want: "--stable: expected either --stable or --test-stable"},
		{name: "bad treasury", set: map[string]string{"--treasury": "treasury"}, want: "--treasury is \"treasury\""},
		{name: "bad timeout", set: map[string]string{"--timeout": "0s"}, want: "--timeout 0s"},
		{name: "network file exists", set: map[string]string{"--network-out": existing}, want: "--network-out " + existing + ": the file exists"},
		{name: "network file dir missing", set: map[string]string{"--network-out": filepath.Join(dir, "no", "network.json")}, want: "expected a file in an existing directory"},
		{name: "no coordinators", set: map[string]string{"--coordinators": ""}, want: "--coordinators: expected the coordinators' base URLs"},
		{name: "bad coordinator", set: map[string]string{"--coordinators": "http://127.0.0.1:8080,ftp://c2"}, want: "--coordinators[1] \"ftp://c2\": expected"},
		{name: "coordinator twice", set: map[string]string{"--coordinators": "http://c1:8080,http://c1:8080"}, want: "--coordinators[1]"},
		{name: "bad public rpc", set: map[string]string{"--public-rpc": "rpc.example"}, want: "--public-rpc[0]"},
		{name: "empty name", set: map[string]string{"--name": ""}, want: "--name"},
		{name: "bad release signer", set: map[string]string{"--release-signer": "0x1"}, want: "--release-signer is \"0x1\""},
		{name: "coordinators without a file", set: map[string]string{"--network-out": ""}, want: "--coordinators: only with --network-out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"operator", "deploy"}
			flags := map[string]string{}
			for k, v := range good {
				flags[k] = v
			}
			for k, v := range tt.set {
				flags[k] = v
			}
			for k, v := range flags {
				switch {
				case k == "--name" && v == "":
					args = append(args, "--name=")
				case v == "":
				case v == "true":
					args = append(args, k)
				default:
					args = append(args, k, v)
				}
			}
			var buf bytes.Buffer
			root := newRootCmd(&app{stdout: &buf, stderr: &buf})
			root.SetArgs(args)
			err := root.Execute()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("meadow %s: error %v, want one containing %q", strings.Join(args, " "), err, tt.want)
			}
			if strings.Contains(err.Error(), "127.0.0.1:1") {
				t.Errorf("the error mentions the chain endpoint: was it contacted? %v", err)
			}
			if exitCode(err) != exitUsage {
				t.Errorf("exit code %d, want %d", exitCode(err), exitUsage)
			}
			if _, serr := os.Stat(out); serr == nil {
				t.Errorf("the network file was written despite the bad flag")
			}
		})
	}
}

// FuzzParseAddressList: any input either parses into distinct non-zero
// addresses that parse back to themselves, or is refused with an error
// naming the flag; it never panics.
func FuzzParseAddressList(f *testing.F) {
	for _, s := range []string{
		"0x1111111111111111111111111111111111111111,0x2222222222222222222222222222222222222222",
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		"", ",", " 0x1111111111111111111111111111111111111111 ,", "0x0000000000000000000000000000000000000000", "0xzz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		addrs, err := parseAddressList("--operators", s)
		if err != nil {
			if !strings.Contains(err.Error(), "--operators") {
				t.Fatalf("error %q does not name the flag", err)
			}
			return
		}
		seen := map[common.Address]bool{}
		var hexes []string
		for _, a := range addrs {
			if a == (common.Address{}) || seen[a] {
				t.Fatalf("%q gave %v: a zero or repeated address", s, addrs)
			}
			seen[a] = true
			hexes = append(hexes, a.Hex())
		}
		again, err := parseAddressList("--operators", strings.Join(hexes, ","))
		if err != nil || len(again) != len(addrs) {
			t.Fatalf("%q: its addresses %v do not parse back: %v %v", s, hexes, again, err)
		}
	})
}
