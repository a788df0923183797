// Package artifacts turns Meadow's Solidity sources into the committed
// artifacts: it compiles them with solc-js (the npm package pinned in the
// repository's package.json) from the standard-JSON input in
// contracts/solc-input.json, writes each contract's ABI and bytecode under
// build/, and generates abigen v2 Go bindings under bindings/. Check does the
// same into a temporary directory and reports every file that differs from
// the committed ones, so stale artifacts fail the build.
//
// The compile is deterministic: the solc version is checked, and the input
// fixes the optimizer (on, 200 runs), the EVM version and the metadata hash
// (none, so the bytecode depends on the code alone, not on comments or paths).
package artifacts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi/abigen"
)

// Versions the committed artifacts were built with. A different solc or
// OpenZeppelin would produce different bytecode, so Generate refuses them.
const (
	SolcVersion         = "0.8.37"
	OpenZeppelinVersion = "5.7.0"
)

// Paths relative to the repository root.
const (
	InputFile   = "contracts/solc-input.json"
	BuildDir    = "build"
	BindingsDir = "bindings"
)

// ErrToolMissing means node, npx or the pinned npm packages are not installed.
var ErrToolMissing = errors.New("artifacts: solc toolchain missing (run `make deps`)")

// Contract is one compiled contract.
type Contract struct {
	Name   string          // contract name, e.g. "RewardsDistributor"
	Source string          // source unit, e.g. "contracts/src/RewardsDistributor.sol"
	ABI    json.RawMessage // the ABI as solc emitted it
	Bin    string          // creation bytecode, hex without 0x
}

// CheckToolchain reports ErrToolMissing, naming what is missing, unless node,
// npx and the pinned solc and OpenZeppelin packages are installed under
// repoRoot.
func CheckToolchain(repoRoot string) error {
	for _, tool := range []string{"node", "npx"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%w: %s is not on PATH", ErrToolMissing, tool)
		}
	}
	for pkg, want := range map[string]string{"solc": SolcVersion, "@openzeppelin/contracts": OpenZeppelinVersion} {
		raw, err := os.ReadFile(filepath.Join(repoRoot, "node_modules", pkg, "package.json"))
		if err != nil {
			return fmt.Errorf("%w: npm package %s@%s is not in node_modules", ErrToolMissing, pkg, want)
		}
		var meta struct {
			Version string `json:"version"`
		}
		if err := json.Unmarshal(raw, &meta); err != nil || meta.Version != want {
			return fmt.Errorf("%w: node_modules has %s@%s, want %s", ErrToolMissing, pkg, meta.Version, want)
		}
	}
	return nil
}

// Compile compiles the sources listed in contracts/solc-input.json with
// `npx solcjs --standard-json --base-path . --include-path node_modules` run
// in repoRoot. Any compiler error or warning fails the compile. Contracts
// without bytecode (interfaces, abstract contracts) are left out; the result
// is sorted by name.
func Compile(ctx context.Context, repoRoot string) ([]Contract, error) {
	if err := CheckToolchain(repoRoot); err != nil {
		return nil, err
	}
	// solcjs reads its input with readFileSync on fd 0, which returns early
	// on a pipe; hand it the file itself.
	input, err := os.Open(filepath.Join(repoRoot, InputFile))
	if err != nil {
		return nil, fmt.Errorf("artifacts: compiler input: %w", err)
	}
	defer input.Close()
	cmd := exec.CommandContext(ctx, "npx", "--no", "--", "solcjs", "--standard-json", "--base-path", ".", "--include-path", "node_modules")
	cmd.Dir = repoRoot
	cmd.Stdin = input
	// solcjs calls process.exit right after printing its output, which cuts
	// a large write to a pipe short; a file takes it whole.
	stdout, err := os.CreateTemp("", "solcjs-out-*.json")
	if err != nil {
		return nil, fmt.Errorf("artifacts: %w", err)
	}
	defer os.Remove(stdout.Name())
	defer stdout.Close()
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("artifacts: solcjs: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	raw, err := os.ReadFile(stdout.Name())
	if err != nil {
		return nil, fmt.Errorf("artifacts: %w", err)
	}
	// solcjs prints a note about SMT solvers before the JSON; the JSON is the
	// last line.
	out := bytes.TrimSpace(raw)
	if i := bytes.LastIndexByte(out, '\n'); i >= 0 {
		out = out[i+1:]
	}
	var res struct {
		Errors []struct {
			Severity         string `json:"severity"`
			FormattedMessage string `json:"formattedMessage"`
		} `json:"errors"`
		Contracts map[string]map[string]struct {
			ABI json.RawMessage `json:"abi"`
			EVM struct {
				Bytecode struct {
					Object string `json:"object"`
				} `json:"bytecode"`
			} `json:"evm"`
		} `json:"contracts"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("artifacts: solcjs output is not JSON: %w", err)
	}
	var msgs []string
	for _, e := range res.Errors {
		if e.Severity != "info" {
			msgs = append(msgs, e.FormattedMessage)
		}
	}
	if len(msgs) > 0 {
		return nil, fmt.Errorf("artifacts: solc reported %d problem(s) (warnings count too):\n%s", len(msgs), strings.Join(msgs, "\n"))
	}
	var contracts []Contract
	for source, byName := range res.Contracts {
		for name, c := range byName {
			if c.EVM.Bytecode.Object == "" {
				continue
			}
			contracts = append(contracts, Contract{Name: name, Source: source, ABI: c.ABI, Bin: c.EVM.Bytecode.Object})
		}
	}
	if len(contracts) == 0 {
		return nil, errors.New("artifacts: solc produced no contracts")
	}
	sort.Slice(contracts, func(i, j int) bool { return contracts[i].Name < contracts[j].Name })
	return contracts, nil
}

// Files renders the artifacts of contracts: build/<Name>.abi (indented
// JSON), build/<Name>.bin (hex) and bindings/<name>/<name>.go (package <name>, the contract's name in
// lower case), keyed by path
// relative to the contracts directory.
func Files(contracts []Contract) (map[string][]byte, error) {
	files := make(map[string][]byte)
	for _, c := range contracts {
		var abiJSON bytes.Buffer
		if err := json.Indent(&abiJSON, c.ABI, "", "  "); err != nil {
			return nil, fmt.Errorf("artifacts: %s ABI: %w", c.Name, err)
		}
		abiJSON.WriteByte('\n')
		files[filepath.Join(BuildDir, c.Name+".abi")] = abiJSON.Bytes()
		files[filepath.Join(BuildDir, c.Name+".bin")] = []byte(c.Bin + "\n")

		// One package per contract: abigen v2 names multi-value output
		// structs after the method alone (Eip712DomainOutput), so two
		// contracts in one package would collide.
		pkg := strings.ToLower(c.Name)
		code, err := abigen.BindV2([]string{c.Name}, []string{string(c.ABI)}, []string{c.Bin}, pkg, map[string]string{}, map[string]string{})
		if err != nil {
			return nil, fmt.Errorf("artifacts: bind %s: %w", c.Name, err)
		}
		files[filepath.Join(BindingsDir, pkg, pkg+".go")] = []byte(code)
	}
	return files, nil
}

// Build compiles and renders the artifacts.
func Build(ctx context.Context, repoRoot string) (map[string][]byte, error) {
	contracts, err := Compile(ctx, repoRoot)
	if err != nil {
		return nil, err
	}
	return Files(contracts)
}

// Write replaces the generated files under contractsDir (build/*.abi,
// build/*.bin, bindings/*/*.go) with files.
func Write(contractsDir string, files map[string][]byte) error {
	for _, pattern := range []string{"build/*.abi", "build/*.bin", "bindings/*/*.go"} {
		old, _ := filepath.Glob(filepath.Join(contractsDir, pattern))
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				return fmt.Errorf("artifacts: %w", err)
			}
		}
	}
	for rel, data := range files {
		path := filepath.Join(contractsDir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("artifacts: %w", err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return fmt.Errorf("artifacts: %w", err)
		}
	}
	return nil
}

// Diff compares files with the generated files committed under
// contractsDir and returns one line per difference (empty when they match).
func Diff(contractsDir string, files map[string][]byte) ([]string, error) {
	var diffs []string
	committed := make(map[string]bool)
	for _, pattern := range []string{"build/*.abi", "build/*.bin", "bindings/*/*.go"} {
		found, err := filepath.Glob(filepath.Join(contractsDir, pattern))
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			rel, _ := filepath.Rel(contractsDir, f)
			committed[rel] = true
			if _, ok := files[rel]; !ok {
				diffs = append(diffs, rel+": committed but no longer generated")
			}
		}
	}
	for rel, want := range files {
		if !committed[rel] {
			diffs = append(diffs, rel+": generated but not committed")
			continue
		}
		got, err := os.ReadFile(filepath.Join(contractsDir, rel))
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(got, want) {
			diffs = append(diffs, rel+": differs from a fresh build")
		}
	}
	sort.Strings(diffs)
	return diffs, nil
}
