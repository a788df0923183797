package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/internal/arm64test"
	"github.com/meadow-net/meadow/release"
)

// testTargets is what TestReleaseBuild builds: the node for the two
// targets that can run here. A cold build of one target takes minutes on 2
// cores (docs/BENCHMARKS.md), so darwin/arm64 and windows/amd64 are
// checked by TestCrossTargets instead, and the full meadow (the same build
// without the nodeonly tag) only by `make release`.
const testTargets = "meadow-node:linux/amd64,meadow-node:linux/arm64"

const testCommit = "0123456789abcdef0123456789abcdef01234567"

func writeKey(t testing.TB, dir string) (string, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "release.key")
	if err := os.WriteFile(path, []byte(hex.EncodeToString(crypto.FromECDSA(key))+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, key
}

func writeNetwork(t testing.TB, dir string, signer common.Address) string {
	t.Helper()
	a := func(b byte) common.Address { return common.BytesToAddress([]byte{b}) }
	n := api.Network{
		Format: api.NetworkFormat, Name: "release-test", ChainID: 1337,
		Coordinators:  []string{"http://127.0.0.1:1"},
		Contracts:     api.NetworkContracts{Distributor: a(1), Registry: a(2), Token: a(3), Stable: a(4), Marketplace: a(5)},
		ReleaseSigner: signer,
	}
	path := filepath.Join(dir, "network.json")
	if err := api.WriteNetwork(path, n); err != nil {
		t.Fatal(err)
	}
	return path
}

func moduleRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root: %v", err)
	}
	return root
}

// versionOf runs `BINARY version --json` and `BINARY version`, for arm64
// through qemu-aarch64 (internal/arm64test: the linux binaries load NVML
// with dlopen, so they are dynamically linked against glibc even with
// CGO_ENABLED=0, and run with -L and Debian's libc6-arm64-cross), and
// returns both outputs.
func versionOf(t *testing.T, bin string, arm64 bool) (map[string]string, string) {
	t.Helper()
	cmdline := func(args ...string) *exec.Cmd {
		if arm64 {
			return arm64test.Command(t, bin, args...)
		}
		return exec.Command(bin, args...)
	}
	out, err := cmdline("version", "--json").CombinedOutput()
	if err != nil {
		t.Fatalf("%s version --json: %v\n%s", bin, err, out)
	}
	var info map[string]string
	if err := json.Unmarshal(out, &info); err != nil {
		t.Fatalf("%s version --json: %v\n%s", bin, err, out)
	}
	text, err := cmdline("version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s version: %v\n%s", bin, err, text)
	}
	return info, string(text)
}

// TestReleaseBuild makes a release as `make release` does, then checks it
// as a user and an updater would: SHA256SUMS verifies against the release
// key and lists every archive with its hash; each archive holds the binary,
// README.txt and the network file; every binary was built with
// CGO_ENABLED=0 for its target; and the linux binaries run (amd64 here,
// arm64 under qemu-aarch64) and name the version and commit.
func TestReleaseBuild(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("the go command is not on PATH: mkrelease builds with it")
	}
	// What running the linux/arm64 binary needs, checked before the builds.
	arm64test.Qemu(t)
	arm64test.RequireSysroot(t)
	dir := t.TempDir()
	keyPath, key := writeKey(t, dir)
	signer := crypto.PubkeyToAddress(key.PublicKey)
	netPath := writeNetwork(t, dir, signer)
	netBytes, _ := os.ReadFile(netPath)
	out := filepath.Join(dir, "release")

	ctx, cancel := context.WithTimeout(context.Background(), 9*time.Minute)
	defer cancel()
	var stdout, log bytes.Buffer
	err = run(ctx, []string{"-src", moduleRoot(t), "-out", out, "-version", "v0.0.1-test", "-commit", testCommit,
		"-date", "1764806400", "-key", keyPath, "-network", netPath, "-targets", testTargets, "-go", goCmd, "-json"}, &stdout, &log)
	if err != nil {
		t.Fatalf("mkrelease: %v\n%s", err, log.Bytes())
	}
	var s Summary
	if err := json.Unmarshal(stdout.Bytes(), &s); err != nil {
		t.Fatalf("summary: %v\n%s", err, stdout.Bytes())
	}
	if strings.Contains(log.String(), "DEV RELEASE") {
		t.Fatalf("a release with -key called itself a dev release:\n%s", log.Bytes())
	}
	t.Logf("release built in %.1f s", s.Seconds)
	for _, f := range s.Files {
		t.Logf("%s: binary %d bytes, archive %d bytes, built in %.1f s", f.Name, f.BinaryBytes, f.ArchiveBytes, f.BuildSeconds)
	}

	// The signature and the SUMS, read from disk as a node would.
	sumsBytes, err := os.ReadFile(filepath.Join(out, release.SumsFile))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := os.ReadFile(filepath.Join(out, release.SigFile))
	if err != nil {
		t.Fatal(err)
	}
	sums, err := release.Verify(sumsBytes, sig, signer)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	other, _ := crypto.GenerateKey()
	if _, err := release.Verify(sumsBytes, sig, crypto.PubkeyToAddress(other.PublicKey)); err == nil {
		t.Fatal("SHA256SUMS verified against another key")
	}
	entries, _ := os.ReadDir(out)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(sums) != 2 || len(entries) != 4 {
		t.Fatalf("SUMS lists %d files, the directory holds %v: want 2 archives, SHA256SUMS and its signature", len(sums), names)
	}

	for _, sum := range sums {
		t.Run(sum.Name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(out, sum.Name))
			if err != nil {
				t.Fatal(err)
			}
			if err := sums.Check(sum.Name, bytes.NewReader(data)); err != nil {
				t.Fatal(err)
			}
			a, files, err := release.ListArchive(sum.Name, data)
			if err != nil {
				t.Fatal(err)
			}
			if a.Version != "v0.0.1-test" || a.Binary != release.NodeBinary {
				t.Fatalf("artifact %+v", a)
			}
			got := map[string]release.Entry{}
			for _, f := range files {
				got[f.Path] = f
			}
			if len(got) != 3 || got[a.Executable()].Mode != 0o755 {
				t.Fatalf("archive holds %v: want %s (0755), %s and %s", files, a.Executable(), release.ReadmeFile, release.NetworkFile)
			}
			if !bytes.Equal(got[release.NetworkFile].Data, netBytes) {
				t.Fatal("network.json differs from the network file given")
			}
			if readme := string(got[release.ReadmeFile].Data); !strings.Contains(readme, testCommit) || !strings.Contains(readme, "sha256sum -c") {
				t.Fatalf("README.txt does not name the commit or how to check:\n%s", readme)
			}

			// Every binary: its target, no cgo, the version and commit linked in.
			bin := filepath.Join(t.TempDir(), a.Executable())
			if err := os.WriteFile(bin, got[a.Executable()].Data, 0o755); err != nil {
				t.Fatal(err)
			}
			bi, err := buildinfo.ReadFile(bin)
			if err != nil {
				t.Fatalf("build info: %v", err)
			}
			settings := map[string]string{}
			for _, kv := range bi.Settings {
				settings[kv.Key] = kv.Value
			}
			if settings["GOOS"] != a.OS || settings["GOARCH"] != a.Arch || settings["CGO_ENABLED"] != "0" ||
				settings["-tags"] != "nodeonly" || settings["-trimpath"] != "true" {
				t.Fatalf("built with %v: want GOOS=%s GOARCH=%s CGO_ENABLED=0 -tags nodeonly -trimpath", settings, a.OS, a.Arch)
			}
			// -trimpath keeps -ldflags out of the build info; the strings
			// -X set are in the binary's data.
			if b := got[a.Executable()].Data; !bytes.Contains(b, []byte(testCommit)) || !bytes.Contains(b, []byte("v0.0.1-test")) {
				t.Fatal("the binary does not carry the version and commit")
			}

			if a.OS != "linux" {
				return // cannot run here; build info above is what there is to check
			}
			info, text := versionOf(t, bin, a.Arch == "arm64")
			if info["commit"] != testCommit || info["version"] != "v0.0.1-test" || info["arch"] != a.Arch || info["os"] != "linux" {
				t.Fatalf("version --json: %v", info)
			}
			if !strings.Contains(text, testCommit) || !strings.Contains(text, "v0.0.1-test") {
				t.Fatalf("version: %q does not name the version and commit", text)
			}
			t.Logf("%s", strings.TrimSpace(text))
		})
	}
}

// TestReleaseRefusesBadInput: each bad flag is named, and nothing is
// written.
func TestReleaseRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	keyPath, _ := writeKey(t, dir)
	_, otherKey := writeKey(t, t.TempDir())
	wrongNet := writeNetwork(t, dir, crypto.PubkeyToAddress(otherKey.PublicKey))
	openKey := filepath.Join(dir, "open.key")
	data, _ := os.ReadFile(keyPath)
	os.WriteFile(openKey, data, 0o644)
	badNet := filepath.Join(dir, "bad.json")
	os.WriteFile(badNet, []byte(`{"format":"meadow-network/1"}`), 0o644)
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{name: "version with _", args: []string{"-version", "v1_2"}, want: "-version"},
		{name: "no version", args: []string{"-version", ""}, want: "-version"},
		{name: "commit", args: []string{"-commit", "HEAD"}, want: "-commit"},
		{name: "target", args: []string{"-targets", "meadow-node:linux"}, want: "-targets"},
		{name: "binary", args: []string{"-targets", "meadow-coord:linux/amd64"}, want: "-targets"},
		{name: "key mode", args: []string{"-key", openKey}, want: "expected 0600"},
		{name: "network", args: []string{"-network", badNet}, want: "-network"},
		{name: "signer", args: []string{"-network", wrongNet}, want: "release_signer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "release")
			args := append([]string{"-out", out, "-version", "v1", "-commit", "abcdef0", "-key", keyPath, "-go", "/nonexistent/go"}, tt.args...)
			var stdout, log bytes.Buffer
			err := run(context.Background(), args, &stdout, &log)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("run = %v, want an error containing %q", err, tt.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Fatalf("the output directory was created: %v", err)
			}
		})
	}
}

// TestDevReleaseKey: without -key a throwaway key is made (0600) in the
// output directory, said loudly, kept out of SHA256SUMS and reused.
func TestDevReleaseKey(t *testing.T) {
	out := t.TempDir()
	path := filepath.Join(out, DevKeyFile)
	k1, err := devKey(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("dev key %v, %v: want mode 0600", st.Mode(), err)
	}
	k2, err := devKey(path)
	if err != nil || !k1.Equal(k2) {
		t.Fatalf("dev key not reused: %v", err)
	}
	var log bytes.Buffer
	devWarning(&log, &Summary{DevKey: path})
	if !strings.Contains(log.String(), "DEV RELEASE") || !strings.Contains(log.String(), path) {
		t.Fatalf("warning %q", log.String())
	}
	// clean keeps the key and removes a previous release's files.
	for _, n := range []string{"meadow-node_v1_linux_amd64.tar.gz", release.SumsFile, release.SigFile, "notes.txt"} {
		os.WriteFile(filepath.Join(out, n), nil, 0o644)
	}
	if err := clean(out); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(out)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if strings.Join(left, ",") != DevKeyFile+",notes.txt" {
		t.Fatalf("after clean: %v", left)
	}
}

// TestCrossTargets checks the release targets TestReleaseBuild does not
// build, cheaply: every package meadow-node needs resolves for the target
// (go list: no missing package, no package whose files the target's build
// constraints all exclude), and compute/internal/dl, the one package with
// per-platform code of Meadow's own, compiles for it with CGO_ENABLED=0.
func TestCrossTargets(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("the go command is not on PATH")
	}
	root := moduleRoot(t)
	for _, target := range [][2]string{{"darwin", "arm64"}, {"windows", "amd64"}} {
		t.Run(target[0]+"/"+target[1], func(t *testing.T) {
			env := append(os.Environ(), "CGO_ENABLED=0", "GOOS="+target[0], "GOARCH="+target[1], "GOFLAGS=-buildvcs=false")
			list := exec.Command(goCmd, "list", "-e", "-deps", "-tags", "nodeonly", "-f", "{{if .Error}}{{.ImportPath}}: {{.Error}}{{end}}", "./cmd/meadow")
			list.Dir, list.Env = root, env
			out, err := list.CombinedOutput()
			if err != nil || len(bytes.TrimSpace(out)) > 0 {
				t.Fatalf("go list for %s/%s: %v\n%s", target[0], target[1], err, out)
			}
			build := exec.Command(goCmd, "build", "-trimpath", "./compute/internal/dl")
			build.Dir, build.Env = root, env
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("go build ./compute/internal/dl for %s/%s: %v\n%s", target[0], target[1], err, out)
			}
		})
	}
}
