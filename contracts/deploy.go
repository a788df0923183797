package contracts

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/contracts/bindings/datasetregistry"
	"github.com/meadow-net/meadow/contracts/bindings/marketplace"
	"github.com/meadow-net/meadow/contracts/bindings/meadowtoken"
	"github.com/meadow-net/meadow/contracts/bindings/rewardsdistributor"
	"github.com/meadow-net/meadow/contracts/bindings/stabletoken"
)

// The generated bindings, parsed once. They hold only the parsed ABIs.
var (
	tokenC       = meadowtoken.NewMeadowToken()
	stableC      = stabletoken.NewStableToken()
	marketC      = marketplace.NewMarketplace()
	distributorC = rewardsdistributor.NewRewardsDistributor()
	registryC    = datasetregistry.NewDatasetRegistry()
)

func allABIs() []*abi.ABI {
	return []*abi.ABI{
		ptr(distributorC.GetABI()), ptr(marketC.GetABI()), ptr(registryC.GetABI()),
		ptr(tokenC.GetABI()), ptr(stableC.GetABI()),
		ptr(vaultC.GetABI()), ptr(strategyC.GetABI()),
		ptr(tbaRegistryC.GetABI()), ptr(tbaAccountC.GetABI()), ptr(membershipC.GetABI()), ptr(communityFactoryC.GetABI()),
	}
}

func ptr[T any](v T) *T { return &v }

// MaxOperators is the largest operator set the contracts accept.
const MaxOperators = 256

// DeployConfig says how to deploy Meadow's contracts.
type DeployConfig struct {
	// Operators are the operator keys' addresses; Threshold of them must sign
	// every root. Fixed for the life of the contracts.
	Operators []common.Address
	// Threshold is how many distinct operators must sign: at least 2 (no
	// single operator may mint) and at most len(Operators).
	Threshold int
	// Treasury receives the part of each payment that is not the nodes'
	// share.
	Treasury common.Address
	// Stable is an existing 6-decimal stable token. Zero deploys the
	// test-only StableToken, whose faucet anyone can mint from: for
	// development chains only.
	Stable common.Address
}

// Validate reports every field out of range, each naming the field.
func (cfg DeployConfig) Validate() error {
	var errs []error
	n := len(cfg.Operators)
	if n == 0 || n > MaxOperators {
		errs = append(errs, fmt.Errorf("%w: operators has %d keys, want 1 to %d", ErrInvalidConfig, n, MaxOperators))
	}
	seen := make(map[common.Address]bool, n)
	for i, op := range cfg.Operators {
		if op == (common.Address{}) {
			errs = append(errs, fmt.Errorf("%w: operators[%d] is the zero address", ErrInvalidConfig, i))
		}
		if seen[op] {
			errs = append(errs, fmt.Errorf("%w: operators[%d] %s is listed twice", ErrInvalidConfig, i, op.Hex()))
		}
		seen[op] = true
	}
	if cfg.Threshold < 2 || cfg.Threshold > n {
		errs = append(errs, fmt.Errorf("%w: threshold is %d, want 2 to %d (the number of operators; no single operator may mint)", ErrInvalidConfig, cfg.Threshold, n))
	}
	if cfg.Treasury == (common.Address{}) {
		errs = append(errs, fmt.Errorf("%w: treasury is the zero address", ErrInvalidConfig))
	}
	return errors.Join(errs...)
}

// Addresses are where Meadow's contracts live on a chain.
type Addresses struct {
	Distributor common.Address `json:"distributor"`
	Registry    common.Address `json:"registry"`
	Token       common.Address `json:"token"`
	Stable      common.Address `json:"stable"`
	Marketplace common.Address `json:"marketplace"`
	// DeployBlock is the block the distributor was created in: where a
	// payment watcher with no cursor starts.
	DeployBlock uint64 `json:"deploy_block"`
	// CommunityFactory creates communities (the ERC-6551 registry and
	// account implementation are read from it: Communities). Zero for a
	// deployment made before communities, and then left out of the JSON,
	// so files written before it still read the same.
	CommunityFactory common.Address `json:"community_factory,omitzero"`
}

// Validate reports every address that is zero.
func (a Addresses) Validate() error {
	var errs []error
	for _, f := range []struct {
		name string
		addr common.Address
	}{{"distributor", a.Distributor}, {"registry", a.Registry}, {"token", a.Token}, {"stable", a.Stable}, {"marketplace", a.Marketplace}} {
		if f.addr == (common.Address{}) {
			errs = append(errs, fmt.Errorf("%w: %s address is zero", ErrNotDeployed, f.name))
		}
	}
	return errors.Join(errs...)
}

// Deploy deploys the contracts with deployer paying for gas: the test
// StableToken when cfg.Stable is zero, the RewardsDistributor (which creates
// the MeadowToken and the Marketplace itself, so no key can mint or rewire
// them), the DatasetRegistry, and the community contracts (ERC-6551
// registry, account implementation, community factory: DeployCommunities).
// The Chain uses the new addresses from then on. DeployDetailed also says
// what each creation cost.
func (c *Chain) Deploy(ctx context.Context, deployer *ecdsa.PrivateKey, cfg DeployConfig) (Addresses, error) {
	d, err := c.DeployDetailed(ctx, deployer, cfg)
	return d.Addresses, err
}

// Deployment is what DeployDetailed did: the addresses, and each contract
// creation's transaction in the order sent.
type Deployment struct {
	Addresses
	Creations []Creation `json:"creations"`
}

// Creation is one contract-creating transaction of a deployment. The
// MeadowToken and the Marketplace have none of their own: the
// distributor's constructor creates them, inside its gas.
type Creation struct {
	Contract string         `json:"contract"`
	Address  common.Address `json:"address"`
	Tx       common.Hash    `json:"tx"`
	Block    uint64         `json:"block"`
	GasUsed  uint64         `json:"gas_used"`
	// Fee is what the deployer paid for it, in wei (gas used times the
	// effective gas price).
	Fee *big.Int `json:"fee_wei"`
}

// GasUsed is the gas of every creation together.
func (d Deployment) GasUsed() uint64 {
	var n uint64
	for _, cr := range d.Creations {
		n += cr.GasUsed
	}
	return n
}

// Fee is what the whole deployment cost the deployer, in wei.
func (d Deployment) Fee() *big.Int {
	sum := new(big.Int)
	for _, cr := range d.Creations {
		if cr.Fee != nil {
			sum.Add(sum, cr.Fee)
		}
	}
	return sum
}

// DeployDetailed is Deploy, returning each creation's transaction, block,
// gas and fee. It works against any Backend: the in-process chain or any
// JSON-RPC node (Dial), each transaction waited for until mined (within the
// Chain's receipt timeout, ErrReceiptTimeout). A deployer with no ether is
// refused before anything is sent, and one that runs out part way through
// gets ErrInsufficientFunds naming the account, its balance and what was
// already deployed (the returned Deployment holds it).
func (c *Chain) DeployDetailed(ctx context.Context, deployer *ecdsa.PrivateKey, cfg DeployConfig) (Deployment, error) {
	var d Deployment
	if err := cfg.Validate(); err != nil {
		return d, err
	}
	if deployer == nil {
		return d, fmt.Errorf("%w: deploy needs the deployer's private key", ErrNoKey)
	}
	from := crypto.PubkeyToAddress(deployer.PublicKey)
	bal, err := c.backend.BalanceAt(ctx, from, nil)
	if err != nil {
		return d, c.fail("read the deployer's balance", err)
	}
	if bal.Sign() == 0 {
		return d, c.noFunds(ctx, "deploy", from, nil)
	}
	create := func(name string, code []byte) (*types.Receipt, error) {
		return c.deployNext(ctx, deployer, &d.Creations, name, code)
	}

	a := &d.Addresses
	a.Stable = cfg.Stable
	if a.Stable == (common.Address{}) {
		rcpt, err := create("StableToken", common.FromHex(stabletoken.StableTokenMetaData.Bin))
		if err != nil {
			return d, err
		}
		a.Stable = rcpt.ContractAddress
	}
	threshold := big.NewInt(int64(cfg.Threshold))
	code := append(common.FromHex(rewardsdistributor.RewardsDistributorMetaData.Bin),
		distributorC.PackConstructor(a.Stable, cfg.Treasury, cfg.Operators, threshold)...)
	rcpt, err := create("RewardsDistributor", code)
	if err != nil {
		return d, err
	}
	a.Distributor = rcpt.ContractAddress
	a.DeployBlock = rcpt.BlockNumber.Uint64()

	code = append(common.FromHex(datasetregistry.DatasetRegistryMetaData.Bin),
		registryC.PackConstructor(cfg.Operators, threshold)...)
	if rcpt, err = create("DatasetRegistry", code); err != nil {
		return d, err
	}
	a.Registry = rcpt.ContractAddress

	if a.Token, err = c.callAddress(ctx, "read token address", a.Distributor, distributorC.PackToken(), distributorC.UnpackToken); err != nil {
		return d, err
	}
	if a.Marketplace, err = c.callAddress(ctx, "read marketplace address", a.Distributor, distributorC.PackMarketplace(), distributorC.UnpackMarketplace); err != nil {
		return d, err
	}
	// The community contracts last: a deployment that fails among them
	// has the network's own contracts, and says so (deployNext).
	cm, err := c.deployCommunities(ctx, deployer, &d.Creations)
	if err != nil {
		return d, err
	}
	a.CommunityFactory = cm.Factory
	c.setAddresses(*a)
	return d, nil
}

// deployNext sends one contract creation of a deployment, waits until it is
// mined and appends it to done. Its error names everything done already
// holds (deployed, and paid for), so that a retry deploys nothing twice.
func (c *Chain) deployNext(ctx context.Context, deployer *ecdsa.PrivateKey, done *[]Creation, name string, code []byte) (*types.Receipt, error) {
	rcpt, err := c.transact(ctx, "deploy "+name, deployer, nil, code)
	if err != nil {
		if len(*done) > 0 {
			var names []string
			for _, cr := range *done {
				names = append(names, cr.Contract+" at "+cr.Address.Hex())
			}
			err = fmt.Errorf("%w (already deployed, and paid for: %s)", err, strings.Join(names, ", "))
		}
		return nil, err
	}
	fee := new(big.Int).SetUint64(rcpt.GasUsed)
	if rcpt.EffectiveGasPrice != nil {
		fee.Mul(fee, rcpt.EffectiveGasPrice)
	}
	*done = append(*done, Creation{
		Contract: name, Address: rcpt.ContractAddress, Tx: rcpt.TxHash,
		Block: rcpt.BlockNumber.Uint64(), GasUsed: rcpt.GasUsed, Fee: fee,
	})
	return rcpt, nil
}

// Attach points the Chain at contracts already deployed: the distributor
// and registry are given, the token, stable token and marketplace are read
// from the distributor. deployBlock is where a watcher with no cursor starts
// (0 scans from genesis).
func (c *Chain) Attach(ctx context.Context, distributor, registry common.Address, deployBlock uint64) (Addresses, error) {
	a := Addresses{Distributor: distributor, Registry: registry, DeployBlock: deployBlock}
	var err error
	if a.Token, err = c.callAddress(ctx, "read token address", distributor, distributorC.PackToken(), distributorC.UnpackToken); err != nil {
		return Addresses{}, err
	}
	if a.Marketplace, err = c.callAddress(ctx, "read marketplace address", distributor, distributorC.PackMarketplace(), distributorC.UnpackMarketplace); err != nil {
		return Addresses{}, err
	}
	if a.Stable, err = c.callAddress(ctx, "read stable address", distributor, distributorC.PackStable(), distributorC.UnpackStable); err != nil {
		return Addresses{}, err
	}
	if _, err := c.call(ctx, "check registry", registry, registryC.PackThreshold()); err != nil {
		return Addresses{}, err
	}
	c.setAddresses(a)
	return a, nil
}

// Addresses returns the contracts the Chain uses.
func (c *Chain) Addresses() Addresses {
	c.addrMu.RLock()
	defer c.addrMu.RUnlock()
	return c.addrs
}

func (c *Chain) setAddresses(a Addresses) {
	c.addrMu.Lock()
	defer c.addrMu.Unlock()
	c.addrs = a
}

// deployed returns the addresses, or ErrNotDeployed naming op.
func (c *Chain) deployed(op string) (Addresses, error) {
	a := c.Addresses()
	if a.Distributor == (common.Address{}) {
		return a, fmt.Errorf("%w: %s: call Deploy or Attach first", ErrNotDeployed, op)
	}
	return a, nil
}

func (c *Chain) callAddress(ctx context.Context, op string, to common.Address, data []byte, unpack func([]byte) (common.Address, error)) (common.Address, error) {
	out, err := c.call(ctx, op, to, data)
	if err != nil {
		return common.Address{}, err
	}
	a, err := unpack(out)
	if err != nil {
		return common.Address{}, fmt.Errorf("contracts: %s at %s: %w", op, to.Hex(), err)
	}
	return a, nil
}

func distributorBin() string { return rewardsdistributor.RewardsDistributorMetaData.Bin }

// Operators returns the operator keys the distributor and the registry
// accept signatures from.
func (c *Chain) Operators(ctx context.Context) (distributor, registry []common.Address, err error) {
	a, err := c.deployed("read operators")
	if err != nil {
		return nil, nil, err
	}
	out, err := c.call(ctx, "read the distributor's operators", a.Distributor, distributorC.PackOperators())
	if err != nil {
		return nil, nil, err
	}
	if distributor, err = distributorC.UnpackOperators(out); err != nil {
		return nil, nil, fmt.Errorf("contracts: distributor operators at %s: %w", a.Distributor.Hex(), err)
	}
	out, err = c.call(ctx, "read the registry's operators", a.Registry, registryC.PackOperators())
	if err != nil {
		return nil, nil, err
	}
	if registry, err = registryC.UnpackOperators(out); err != nil {
		return nil, nil, fmt.Errorf("contracts: registry operators at %s: %w", a.Registry.Hex(), err)
	}
	return distributor, registry, nil
}
