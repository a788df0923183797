//go:build !nodeonly

package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/rewards"
)

// deployFlags are meadow operator deploy's settings.
type deployFlags struct {
	rpc, keyFile, operators, treasury, stable string
	testStable                                bool
	threshold                                 int
	chainID                                   uint64
	timeout                                   time.Duration

	networkOut, name, coordinators, publicRPC, releaseSigner, coordinatorCA string
}

// deployPlan is what the flags ask for, checked before the chain is
// contacted.
type deployPlan struct {
	cfg     contracts.DeployConfig
	network api.Network // without chain id and contracts, when written
}

// deployReport is what meadow operator deploy prints with --json.
type deployReport struct {
	ChainID     uint64               `json:"chain_id"`
	Endpoint    string               `json:"endpoint"`
	Deployer    common.Address       `json:"deployer"`
	Deployment  contracts.Deployment `json:"deployment"`
	GasUsed     uint64               `json:"gas_used"`
	FeeWei      string               `json:"fee_wei"`
	Seconds     float64              `json:"seconds"`
	NetworkFile string               `json:"network_file,omitempty"`
}

// newOperatorDeployCmd is `meadow operator deploy`.
func newOperatorDeployCmd(a *app) *cobra.Command {
	var f deployFlags
	cmd := &cobra.Command{
		Use:   "deploy",
		Short: "Deploy Meadow's contracts to a chain over JSON-RPC and write the network file",
		Long: `Deploy Meadow's contracts to any chain reached over JSON-RPC: the
RewardsDistributor (which creates the MEADOW token and the Marketplace in its
constructor, so that no key can mint or rewire them) and the DatasetRegistry,
both fixed to the operators' addresses and threshold; the community
contracts (an ERC-6551 registry and account implementation, and the
CommunityFactory that meadow community create uses); and on a development
chain a test stable token anyone can mint (--test-stable).

The deployer's key (--key, a file of 64 hex digits, mode 0600) pays the gas:
it needs ether on that chain, and a key without any is refused before
anything is sent. Each transaction is waited for until mined, at most
--timeout. Every flag is checked before the chain is contacted.

With --network-out, writes the network file (coordinators, chain id,
contract addresses, operators) that nodes and buyers start from; it prints
the flags each coordinator then runs with.`,
		Example: `  meadow operator deploy --rpc https://rpc.example --key deployer.key \
    --operators 0xA1…,0xB2…,0xC3… --threshold 2 --stable 0xUSDC… \
    --network-out network.json --coordinators https://c1.example,https://c2.example,https://c3.example`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runOperatorDeploy(cmd, a, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.rpc, "rpc", "", "JSON-RPC URL of the chain to deploy to (http, https, ws, wss, or an IPC path)")
	fl.StringVar(&f.keyFile, "key", "", "the deployer's key file (64 hex digits, mode 0600); its account pays the gas")
	fl.StringVar(&f.operators, "operators", "", "the operators' signing addresses, comma-separated: each coordinator's --operator-key address")
	fl.IntVar(&f.threshold, "threshold", 0, "how many distinct operators must sign each reward and dataset root (2 to the number of operators)")
	fl.StringVar(&f.treasury, "treasury", "", "address that receives the buyers' payments beyond the nodes' share (default: the deployer's address)")
	fl.StringVar(&f.stable, "stable", "", "address of the chain's 6-decimal stable token buyers pay in")
	fl.BoolVar(&f.testStable, "test-stable", false, "instead of --stable, deploy a test stable token anyone can mint (development chains only; the network file is marked dev)")
	fl.Uint64Var(&f.chainID, "chain-id", 0, "refuse to deploy unless --rpc serves this chain (0: whichever it serves)")
	fl.DurationVar(&f.timeout, "timeout", contracts.DefaultReceiptTimeout, "longest wait for each transaction to be mined")
	fl.StringVar(&f.networkOut, "network-out", "", "write the network file here (a new file; needs --coordinators)")
	fl.StringVar(&f.name, "name", "meadow", "with --network-out: the network's name")
	fl.StringVar(&f.coordinators, "coordinators", "", "with --network-out: the coordinators' base URLs, comma-separated")
	fl.StringVar(&f.publicRPC, "public-rpc", "", "with --network-out: the JSON-RPC URL nodes and buyers are told to use (default: --rpc)")
	fl.StringVar(&f.releaseSigner, "release-signer", "", "with --network-out: the address whose signature releases must carry for nodes to update (default: none)")
	fl.StringVar(&f.coordinatorCA, "coordinator-ca", "", "with --network-out: PEM file of the CA that signed the coordinators' certificates (a cluster with its own CA); its certificates go into the network file, which nodes and buyers then trust for the coordinators")
	return cmd
}

// plan checks every flag, naming it, and builds the deployment config and
// the network file's fixed part. It reads the key file but does not
// contact the chain.
func (f deployFlags) plan() (deployPlan, *deployKey, error) {
	var p deployPlan
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if f.rpc == "" {
		bad("--rpc: expected the chain's JSON-RPC URL")
	}
	ops, err := parseAddressList("--operators", f.operators)
	if err != nil {
		errs = append(errs, err)
	}
	switch {
	case len(ops) > contracts.MaxOperators:
		bad("--operators: %d addresses, expected at most %d", len(ops), contracts.MaxOperators)
	case len(ops) > 0 && (f.threshold < 2 || f.threshold > len(ops)):
		bad("--threshold %d: expected 2 to %d (the number of --operators; no single operator may mint)", f.threshold, len(ops))
	}
	p.cfg = contracts.DeployConfig{Operators: ops, Threshold: f.threshold}
	if f.treasury != "" {
		if p.cfg.Treasury, err = contracts.ParseAddress("--treasury", f.treasury); err != nil {
			errs = append(errs, err)
		}
	}
	switch {
	case f.stable != "" && f.testStable:
		bad("--stable: expected either --stable or --test-stable, not both")
	case f.stable != "":
		if p.cfg.Stable, err = contracts.ParseAddress("--stable", f.stable); err != nil {
			errs = append(errs, err)
		}
	case !f.testStable:
		bad("--stable: expected the address of the chain's 6-decimal stable token, or --test-stable to deploy a test token anyone can mint (development chains only)")
	}
	if f.timeout <= 0 {
		bad("--timeout %s: expected a duration above 0, such as 5m", f.timeout)
	}
	if f.networkOut == "" {
		for _, o := range []struct{ name, v string }{{"coordinators", f.coordinators}, {"public-rpc", f.publicRPC}, {"release-signer", f.releaseSigner}} {
			if o.v != "" {
				bad("--%s: only with --network-out (it goes into the network file)", o.name)
			}
		}
	} else {
		p.network, err = f.networkPart()
		if err != nil {
			errs = append(errs, err)
		}
	}
	key, err := loadDeployKey(f.keyFile)
	if err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return p, nil, usageError(err)
	}
	if p.cfg.Treasury == (common.Address{}) {
		p.cfg.Treasury = key.addr
	}
	if err := p.cfg.Validate(); err != nil {
		return p, nil, usageError(err)
	}
	return p, key, nil
}

// networkPart builds the network file from the flags, with placeholder
// contracts and chain id, and checks it, so that a bad URL is found before
// any gas is spent; an error names the flag.
func (f deployFlags) networkPart() (api.Network, error) {
	var errs []error
	if _, err := os.Lstat(f.networkOut); err == nil {
		errs = append(errs, fmt.Errorf("--network-out %s: the file exists; expected a new file (a network file names one deployment: move the old one away first)", f.networkOut))
	} else if !errors.Is(err, fs.ErrNotExist) {
		errs = append(errs, fmt.Errorf("--network-out: %w", err))
	} else if st, err := os.Stat(filepath.Dir(f.networkOut)); err != nil || !st.IsDir() {
		errs = append(errs, fmt.Errorf("--network-out %s: expected a file in an existing directory", f.networkOut))
	}
	if f.coordinators == "" {
		errs = append(errs, errors.New("--coordinators: expected the coordinators' base URLs, comma-separated (the network file lists them)"))
	}
	n := api.Network{Format: api.NetworkFormat, Name: f.name, Dev: f.testStable}
	for _, u := range strings.Split(f.coordinators, ",") {
		if u = strings.TrimSpace(u); u != "" {
			n.Coordinators = append(n.Coordinators, u)
		}
	}
	rpc := f.publicRPC
	if rpc == "" {
		rpc = f.rpc
	}
	if rpc != "" && !strings.HasPrefix(rpc, "/") { // an IPC path is no use to others
		n.ChainRPC = []string{rpc}
	}
	if f.releaseSigner != "" {
		var err error
		if n.ReleaseSigner, err = contracts.ParseAddress("--release-signer", f.releaseSigner); err != nil {
			errs = append(errs, err)
		}
	}
	if f.coordinatorCA != "" {
		pemCA, err := networkCA(f.coordinatorCA)
		if err != nil {
			errs = append(errs, err)
		}
		n.CoordinatorCA = pemCA
	}
	check := n
	check.ChainID = 1
	check.Contracts = api.NetworkContracts{Distributor: common.Address{1}, Registry: common.Address{1}, Token: common.Address{1}, Stable: common.Address{1}, Marketplace: common.Address{1}}
	if err := check.Validate(); err != nil && f.coordinators != "" {
		errs = append(errs, networkFlagErrors(err))
	}
	return n, errors.Join(errs...)
}

// networkCA reads --coordinator-ca for the network file: its CA
// certificates alone, encoded again, so that a private key kept in the same
// PEM file is never published.
func networkCA(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("--coordinator-ca %s: %w", path, err)
	}
	certs, err := api.ParseCACerts(b)
	if err != nil {
		return "", fmt.Errorf("--coordinator-ca %s: %w", path, err)
	}
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return string(out), nil
}

// networkFlagErrors renames the network file's fields in a validation
// error to the flags that set them.
func networkFlagErrors(err error) error {
	var out []error
	all := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		all = j.Unwrap()
	}
	for _, e := range all {
		var fe *api.FieldError
		if !errors.As(e, &fe) {
			out = append(out, e)
			continue
		}
		flag := fe.Field
		for field, name := range map[string]string{"coordinators": "--coordinators", "chain_rpc": "--public-rpc", "name": "--name", "coordinator_ca": "--coordinator-ca"} {
			if strings.HasPrefix(fe.Field, field) {
				flag = name + strings.TrimPrefix(fe.Field, field)
			}
		}
		if fe.Value != "" {
			flag += " " + fe.Value
		}
		out = append(out, fmt.Errorf("%s: expected %s", flag, fe.Expected))
	}
	return errors.Join(out...)
}

// parseAddressList parses comma-separated 0x addresses (EIP-55 checked when
// in mixed case), each once and none zero; flag names the flag in errors.
func parseAddressList(flag, s string) ([]common.Address, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("%s: expected addresses, 0x and 40 hex digits each, comma-separated", flag)
	}
	var (
		out  []common.Address
		errs []error
		seen = map[common.Address]int{}
	)
	for i, part := range strings.Split(s, ",") {
		field := fmt.Sprintf("%s[%d]", flag, i)
		a, err := contracts.ParseAddress(field, part)
		switch {
		case err != nil:
			errs = append(errs, err)
		case a == (common.Address{}):
			errs = append(errs, fmt.Errorf("%s: the zero address, expected an operator's address", field))
		case seen[a] > 0:
			errs = append(errs, fmt.Errorf("%s %s: listed twice (also %s[%d]); expected each address once", field, a.Hex(), flag, seen[a]-1))
		default:
			seen[a] = i + 1
			out = append(out, a)
		}
		if len(errs) >= 10 {
			break
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// deployKey is the deployer's key and address.
type deployKey struct {
	path string
	key  *ecdsa.PrivateKey
	addr common.Address
}

// loadDeployKey reads an existing key file: unlike a node's key, the
// deployer's is never created here (a new key holds no ether for gas).
func loadDeployKey(path string) (*deployKey, error) {
	if path == "" {
		return nil, errors.New("--key: expected the deployer's key file (64 hex digits, mode 0600), an account holding ether for gas")
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("--key %s: %w; expected the deployer's existing key file (a new key would hold no ether for gas)", path, err)
	}
	k, err := api.LoadOrCreateKey(path)
	if err != nil {
		return nil, fmt.Errorf("--key: %w", err)
	}
	return &deployKey{path: path, key: k, addr: crypto.PubkeyToAddress(k.PublicKey)}, nil
}

// runOperatorDeploy deploys, then writes the network file and reports.
func runOperatorDeploy(cmd *cobra.Command, a *app, f deployFlags) error {
	p, key, err := f.plan()
	if err != nil {
		return err
	}
	// Six transactions, each mined within --timeout, and the reads
	// between them: an endpoint that stops answering (ethclient's HTTP
	// requests have no deadline of their own) ends the command too.
	ctx, cancel := context.WithTimeout(cmdContext(cmd), 6*f.timeout+time.Minute)
	defer cancel()
	ch, err := contracts.Dial(ctx, f.rpc)
	if err != nil {
		return usageError(fmt.Errorf("--rpc %q: %w", f.rpc, err))
	}
	defer ch.Close()
	ch.SetReceiptTimeout(f.timeout, 0)
	id, err := ch.ChainID(ctx)
	if err != nil {
		return err
	}
	if !id.IsUint64() || (f.chainID != 0 && id.Uint64() != f.chainID) {
		return usageError(fmt.Errorf("--rpc %q: the chain there is chain %s, expected chain %d (--chain-id)", f.rpc, id, f.chainID))
	}
	if f.networkOut != "" && (id.Uint64() == 0 || id.Uint64() > api.MaxNonce) {
		return usageError(fmt.Errorf("--network-out: chain %s's id does not fit the network file (1 to 2^53-1)", id))
	}
	a.logger.Info("deploying", "chain", id, "rpc", f.rpc, "deployer", key.addr, "operators", len(p.cfg.Operators), "threshold", p.cfg.Threshold)
	start := time.Now()
	d, err := ch.DeployDetailed(ctx, key.key, p.cfg)
	if err != nil {
		return err
	}
	took := time.Since(start)
	rep := deployReport{ChainID: id.Uint64(), Endpoint: f.rpc, Deployer: key.addr, Deployment: d,
		GasUsed: d.GasUsed(), FeeWei: d.Fee().String(), Seconds: took.Seconds()}
	if f.networkOut != "" {
		n := p.network
		n.ChainID = id.Uint64()
		n.Contracts = api.NetworkContracts{Distributor: d.Distributor, Registry: d.Registry, Token: d.Token,
			Stable: d.Stable, Marketplace: d.Marketplace, DeployBlock: d.DeployBlock, CommunityFactory: d.CommunityFactory}
		n.Operators, n.Threshold = p.cfg.Operators, p.cfg.Threshold
		if err := api.WriteNetwork(f.networkOut, n); err != nil {
			// The contracts are deployed and paid for: say where, so
			// that nothing is deployed twice.
			return fmt.Errorf("the contracts are deployed (distributor %s, registry %s, deploy block %d) but the network file was not written: %w",
				d.Distributor.Hex(), d.Registry.Hex(), d.DeployBlock, err)
		}
		rep.NetworkFile = f.networkOut
	}
	if a.jsonOut {
		return a.printJSON(rep)
	}
	w := a.stdout
	fmt.Fprintf(w, "deployed Meadow's contracts on chain %s (%s) from %s in %s:\n", id, f.rpc, key.addr.Hex(), took.Round(time.Millisecond))
	for _, c := range d.Creations {
		fmt.Fprintf(w, "  %-19s %s  block %-8d gas %-9d tx %s\n", c.Contract, c.Address.Hex(), c.Block, c.GasUsed, c.Tx.Hex())
	}
	fmt.Fprintf(w, "  %-19s %s  (created by the distributor)\n", "MeadowToken", d.Token.Hex())
	fmt.Fprintf(w, "  %-19s %s  (created by the distributor)\n", "Marketplace", d.Marketplace.Hex())
	fmt.Fprintf(w, "  total gas %d, fee %s ether\n", d.GasUsed(), rewards.FormatAmount(d.Fee().String(), 18))
	if rep.NetworkFile != "" {
		fmt.Fprintf(w, "network file: %s\n", rep.NetworkFile)
	}
	fmt.Fprintf(w, "each coordinator runs with:\n  meadow coord ... --chain-id %s --chain-rpc %s --distributor %s --registry %s --deploy-block %d --community-factory %s --operator-key FILE\n",
		id, f.rpc, d.Distributor.Hex(), d.Registry.Hex(), d.DeployBlock, d.CommunityFactory.Hex())
	return nil
}
