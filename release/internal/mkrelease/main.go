// Command mkrelease builds a Meadow release (`make release`): the node-only
// meadow-node and the full meadow for each target, with CGO_ENABLED=0 and
// the version and commit linked in; one archive per binary and target
// (names and layout from package release); SHA256SUMS over the archives; and
// SHA256SUMS.sig, signed with the release key.
//
// The release key is a file of 64 hex digits (a secp256k1 key, like a
// node's; mode 0600). Without -key, mkrelease makes a throwaway one in the
// output directory, dev-release.key, reused by later dev releases there, and
// says loudly that the release is a dev release.
package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/release"
)

// DevKeyFile is the throwaway key a release without -key is signed with,
// in the output directory (never in SHA256SUMS).
const DevKeyFile = "dev-release.key"

// DefaultTargets is what `make release` builds: the node for the four
// targets home users run, the full binary for the two operators run.
const DefaultTargets = "meadow-node:linux/amd64,meadow-node:linux/arm64,meadow-node:darwin/arm64,meadow-node:windows/amd64,meadow:linux/amd64,meadow:linux/arm64"

// target is one binary for one GOOS/GOARCH.
type target struct {
	binary, goos, goarch string
}

// Config is mkrelease's flags.
type Config struct {
	Src     string // the module's root
	Out     string // output directory
	Version string
	Commit  string
	Date    int64 // archive entries' modification time, Unix seconds
	Key     string
	Network string
	Targets string
	Go      string
}

// File is one archive of the release, as the summary lists it.
type File struct {
	Name         string  `json:"name"`
	Binary       string  `json:"binary"`
	OS           string  `json:"os"`
	Arch         string  `json:"arch"`
	BinaryBytes  int64   `json:"binary_bytes"`
	ArchiveBytes int64   `json:"archive_bytes"`
	SHA256       string  `json:"sha256"`
	BuildSeconds float64 `json:"build_seconds"`
}

// Summary is what mkrelease prints with -json: enough for a test or a
// release note to check and quote.
type Summary struct {
	Dir     string  `json:"dir"`
	Version string  `json:"version"`
	Commit  string  `json:"commit"`
	Signer  string  `json:"signer"`
	DevKey  string  `json:"dev_key,omitempty"` // the throwaway key's path, for a dev release
	Network string  `json:"network,omitempty"`
	Files   []File  `json:"files"`
	Seconds float64 `json:"seconds"`
}

var commitRE = regexp.MustCompile(`^([0-9a-f]{7,40}(-dirty)?|unknown)$`)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "mkrelease:", err)
		stop()
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("mkrelease", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var c Config
	fl.StringVar(&c.Src, "src", ".", "the module's root directory")
	fl.StringVar(&c.Out, "out", "out/release", "output directory")
	fl.StringVar(&c.Version, "version", "", "release version (letters, digits, '.' and '-'), e.g. v0.4.0")
	fl.StringVar(&c.Commit, "commit", "", "the commit built: 7 to 40 lowercase hex digits (optionally -dirty), or unknown")
	fl.Int64Var(&c.Date, "date", 0, "modification time of archive entries, Unix seconds (the commit's time)")
	fl.StringVar(&c.Key, "key", "", "release key file (64 hex digits, mode 0600); empty: a throwaway dev key in -out")
	fl.StringVar(&c.Network, "network", "", "network file to ship in every archive as network.json")
	fl.StringVar(&c.Targets, "targets", DefaultTargets, "comma-separated BINARY:GOOS/GOARCH")
	fl.StringVar(&c.Go, "go", "go", "the go command")
	jsonOut := fl.Bool("json", false, "print the summary as JSON")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fl.Args())
	}
	s, err := Build(ctx, c, stderr)
	if err != nil {
		return err
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	fmt.Fprintf(stdout, "release %s (commit %s) in %s, signed by %s, %.0f s:\n", s.Version, s.Commit, s.Dir, s.Signer, s.Seconds)
	for _, f := range s.Files {
		fmt.Fprintf(stdout, "  %-45s %6.1f MB binary  %6.1f MB archive  built in %.0f s\n", f.Name, float64(f.BinaryBytes)/1e6, float64(f.ArchiveBytes)/1e6, f.BuildSeconds)
	}
	fmt.Fprintf(stdout, "  %s, %s\n", release.SumsFile, release.SigFile)
	if s.DevKey != "" {
		devWarning(stdout, s)
	}
	return nil
}

// parseTargets reads -targets.
func parseTargets(s string) ([]target, error) {
	var out []target
	for _, item := range strings.Split(s, ",") {
		bin, platform, ok1 := strings.Cut(strings.TrimSpace(item), ":")
		goos, goarch, ok2 := strings.Cut(platform, "/")
		t := target{binary: bin, goos: goos, goarch: goarch}
		a := release.Artifact{Binary: bin, Version: "v", OS: goos, Arch: goarch}
		if !ok1 || !ok2 || a.Validate() != nil {
			return nil, fmt.Errorf("-targets: %q: expected BINARY:GOOS/GOARCH with BINARY %s or %s", item, release.NodeBinary, release.FullBinary)
		}
		if slices.Contains(out, t) {
			return nil, fmt.Errorf("-targets: %q listed twice", item)
		}
		out = append(out, t)
	}
	return out, nil
}

// validate checks the flags before anything is built or written.
func (c Config) validate() ([]target, error) {
	if err := (release.Artifact{Binary: release.NodeBinary, Version: c.Version, OS: "linux", Arch: "amd64"}).Validate(); err != nil {
		return nil, fmt.Errorf("-version %q: expected 1 to 64 letters, digits, '.' and '-' (no '_'), starting with a letter or digit", c.Version)
	}
	if !commitRE.MatchString(c.Commit) {
		return nil, fmt.Errorf("-commit %q: expected 7 to 40 lowercase hex digits (optionally -dirty), or unknown", c.Commit)
	}
	if c.Date < 0 {
		return nil, fmt.Errorf("-date %d: expected Unix seconds, 0 or more", c.Date)
	}
	if c.Out == "" {
		return nil, errors.New("-out: expected a directory")
	}
	return parseTargets(c.Targets)
}

// loadKey reads a release key file, refusing one that others can read.
func loadKey(path string) (*ecdsa.PrivateKey, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("-key: %w", err)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("-key %s has mode %04o: expected 0600 (run chmod 600 %s)", path, perm, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-key: %w", err)
	}
	key, err := crypto.HexToECDSA(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, fmt.Errorf("-key %s: expected 64 hex digits of a secp256k1 private key", path)
	}
	return key, nil
}

// Build makes the release in c.Out. Flags, the key and the network file are
// all checked before the output directory is touched.
func Build(ctx context.Context, c Config, log io.Writer) (*Summary, error) {
	start := time.Now()
	targets, err := c.validate()
	if err != nil {
		return nil, err
	}
	var key *ecdsa.PrivateKey
	if c.Key != "" {
		if key, err = loadKey(c.Key); err != nil {
			return nil, err
		}
	}
	var network []byte
	if c.Network != "" {
		n, err := api.LoadNetwork(c.Network)
		if err != nil {
			return nil, fmt.Errorf("-network: %w", err)
		}
		if network, err = os.ReadFile(c.Network); err != nil {
			return nil, fmt.Errorf("-network: %w", err)
		}
		if key != nil && n.ReleaseSigner != (common.Address{}) && n.ReleaseSigner != crypto.PubkeyToAddress(key.PublicKey) {
			return nil, fmt.Errorf("-network %s: release_signer is %s but the release key (-key %s) is %s: nodes of that network would refuse this release",
				c.Network, n.ReleaseSigner.Hex(), c.Key, crypto.PubkeyToAddress(key.PublicKey).Hex())
		}
	}
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return nil, fmt.Errorf("-out: %w", err)
	}
	s := &Summary{Dir: c.Out, Version: c.Version, Commit: c.Commit}
	if key == nil {
		path := filepath.Join(c.Out, DevKeyFile)
		if key, err = devKey(path); err != nil {
			return nil, err
		}
		s.DevKey = path
		devWarning(log, s)
	}
	signer := crypto.PubkeyToAddress(key.PublicKey)
	s.Signer = signer.Hex()
	if network != nil {
		s.Network = c.Network
		if n, _ := api.ParseNetwork(network); n.ReleaseSigner != signer {
			fmt.Fprintf(log, "mkrelease: warning: the network file's release_signer is %s, not this release's signer %s: its nodes will not update to this release\n", n.ReleaseSigner.Hex(), s.Signer)
		}
	}
	if err := clean(c.Out); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(c.Out, ".build-")
	if err != nil {
		return nil, fmt.Errorf("-out: %w", err)
	}
	defer os.RemoveAll(tmp)

	var sums release.Sums
	for _, t := range targets {
		f, sum, err := c.buildOne(ctx, t, tmp, network, log)
		if err != nil {
			return nil, err
		}
		s.Files = append(s.Files, f)
		sums = append(sums, release.Sum{Name: f.Name, SHA256: sum})
	}
	sumsBytes := sums.Bytes()
	sig, err := release.Sign(key, sumsBytes)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(c.Out, release.SumsFile), sumsBytes, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(c.Out, release.SigFile), sig, 0o644); err != nil {
		return nil, err
	}
	if err := check(c.Out, signer); err != nil {
		return nil, fmt.Errorf("checking the release just written: %w", err)
	}
	s.Seconds = time.Since(start).Seconds()
	return s, nil
}

// clean removes what an earlier release left in dir (its archives, SUMS
// and signature), so SHA256SUMS lists exactly this release; the dev key and
// anything else stay.
func clean(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("-out: %w", err)
	}
	for _, e := range entries {
		n := e.Name()
		_, perr := release.ParseArchiveName(n)
		if perr == nil || n == release.SumsFile || n == release.SigFile {
			if err := os.Remove(filepath.Join(dir, n)); err != nil {
				return fmt.Errorf("-out: %w", err)
			}
		}
	}
	return nil
}

// devKey loads the throwaway key at path, creating it (0600) if absent.
func devKey(path string) (*ecdsa.PrivateKey, error) {
	if _, err := os.Stat(path); err == nil {
		return loadKey(path)
	}
	key, err := crypto.GenerateKey()
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("dev release key: %w", err)
	}
	_, werr := f.WriteString(hex.EncodeToString(crypto.FromECDSA(key)) + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, fmt.Errorf("dev release key: %w", werr)
	}
	return key, nil
}

func devWarning(w io.Writer, s *Summary) {
	bar := strings.Repeat("!", 76)
	fmt.Fprintf(w, "%s\n!! DEV RELEASE: no RELEASE_KEY was given, so this release is signed with the\n!! throwaway key %s", bar, s.DevKey)
	if s.Signer != "" {
		fmt.Fprintf(w, "\n!! (address %s)", s.Signer)
	}
	fmt.Fprintf(w, ".\n!! No network trusts that key: do not publish this release. Set RELEASE_KEY\n!! to the release key's file to sign a real one.\n%s\n", bar)
}

// buildOne builds one binary and writes its archive into c.Out.
func (c Config) buildOne(ctx context.Context, t target, tmp string, network []byte, log io.Writer) (File, [32]byte, error) {
	a := release.Artifact{Binary: t.binary, Version: c.Version, OS: t.goos, Arch: t.goarch}
	bin := filepath.Join(tmp, a.Dir(), a.Executable())
	args := []string{"build", "-trimpath", "-o", bin,
		"-ldflags", fmt.Sprintf("-s -w -X main.version=%s -X main.commit=%s", c.Version, c.Commit)}
	if t.binary == release.NodeBinary {
		args = append(args, "-tags", "nodeonly")
	}
	args = append(args, "./cmd/meadow")
	fmt.Fprintf(log, "mkrelease: building %s for %s/%s\n", t.binary, t.goos, t.goarch)
	start := time.Now()
	cmd := exec.CommandContext(ctx, c.Go, args...)
	cmd.Dir = c.Src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+t.goos, "GOARCH="+t.goarch, "GOFLAGS=-buildvcs=false")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return File{}, [32]byte{}, fmt.Errorf("go build %s for %s/%s: %w\n%s", t.binary, t.goos, t.goarch, err, out.Bytes())
	}
	f := File{Name: a.Name(), Binary: t.binary, OS: t.goos, Arch: t.goarch, BuildSeconds: time.Since(start).Seconds()}
	binData, err := os.ReadFile(bin)
	if err != nil {
		return File{}, [32]byte{}, err
	}
	f.BinaryBytes = int64(len(binData))
	files := []release.Entry{
		{Path: a.Executable(), Mode: 0o755, Data: binData},
		{Path: release.ReadmeFile, Mode: 0o644, Data: readme(a, c.Commit, network != nil)},
	}
	if network != nil {
		files = append(files, release.Entry{Path: release.NetworkFile, Mode: 0o644, Data: network})
	}
	var archive bytes.Buffer
	if err := release.WriteArchive(&archive, a, files, time.Unix(c.Date, 0)); err != nil {
		return File{}, [32]byte{}, err
	}
	if err := os.WriteFile(filepath.Join(c.Out, a.Name()), archive.Bytes(), 0o644); err != nil {
		return File{}, [32]byte{}, err
	}
	if err := os.RemoveAll(filepath.Dir(bin)); err != nil {
		return File{}, [32]byte{}, err
	}
	sum := sha256.Sum256(archive.Bytes())
	f.ArchiveBytes, f.SHA256 = int64(archive.Len()), hex.EncodeToString(sum[:])
	return f, sum, nil
}

// check reads the release back as a node would: the signature, then each
// archive against its SUMS line and through the strict archive reader.
func check(dir string, signer common.Address) error {
	sums, err := os.ReadFile(filepath.Join(dir, release.SumsFile))
	if err != nil {
		return err
	}
	sig, err := os.ReadFile(filepath.Join(dir, release.SigFile))
	if err != nil {
		return err
	}
	parsed, err := release.Verify(sums, sig, signer)
	if err != nil {
		return err
	}
	for _, e := range parsed {
		data, err := os.ReadFile(filepath.Join(dir, e.Name))
		if err != nil {
			return err
		}
		if err := parsed.Check(e.Name, bytes.NewReader(data)); err != nil {
			return err
		}
		if _, err := release.Binary(e.Name, data); err != nil {
			return err
		}
	}
	return nil
}

var readmeTmpl = template.Must(template.New("readme").Parse(`{{.Binary}} {{.Version}} for {{.OS}}/{{.Arch}} (commit {{.Commit}})
{{if eq .Binary "meadow-node"}}
Meadow's node for home users: it fetches web pages and runs GPU jobs for the
Meadow network and earns rewards for verified work. This build carries the
node, verify and version commands only.
{{else}}
Meadow, whole: coordinator, node, buyer, operator and the dev network.
{{end}}
Check the download first. In the release directory, with the release's
SHA256SUMS and SHA256SUMS.sig beside the archive:

    sha256sum -c --ignore-missing SHA256SUMS

SHA256SUMS.sig is an EIP-191 (personal_sign) signature of SHA256SUMS; the
address that must have signed it is the network file's release_signer.

Start:

    ./{{.Exe}} version
    ./{{.Exe}} node --help
{{if .Network}}
network.json is the network file of the network this release was made
for (coordinators, chain id, contracts, release signer): the node's set-up
(meadow node init) reads it, so no URL or chain id has to be typed.
{{end}}
Built with CGO_ENABLED=0. NVIDIA's libraries are loaded at run
time where they exist (Linux: libnvidia-ml.so.1 and libcuda.so.1; Windows:
nvml.dll and nvcuda.dll from System32); without them, and on macOS, the node
computes on the CPU only.

Notice: this binary includes third-party Go modules, each under its own
licence; "go version -m {{.Exe}}" lists them. Meadow's own licence is in
its source repository.
`))

func readme(a release.Artifact, commit string, network bool) []byte {
	var b bytes.Buffer
	err := readmeTmpl.Execute(&b, map[string]any{
		"Binary": a.Binary, "Version": a.Version, "OS": a.OS, "Arch": a.Arch, "Commit": commit,
		"Exe": a.Executable(), "Network": network,
	})
	if err != nil {
		panic(err) // the template is fixed and its data complete
	}
	text := b.String()
	if a.OS == "windows" {
		text = strings.ReplaceAll(text, "\n", "\r\n")
	}
	return []byte(text)
}
