package contracts

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/contracts/bindings/computevault"
	"github.com/meadow-net/meadow/contracts/bindings/fixedratestrategy"
)

// Compute-Fi: a ComputeVault keeps a community's principal whole in a yield
// strategy and turns only the yield into compute credits, which pay for
// jobs through Marketplace.payWithCredits. See "Compute vault" in
// contracts/DESIGN.md.

var (
	vaultC    = computevault.NewComputeVault()
	strategyC = fixedratestrategy.NewFixedRateStrategy()
)

// Errors of the vault, its strategy and payments from credits.
var (
	// ErrSharesLocked: a withdrawal, redemption or share transfer before the
	// owner's lock (seconds after their last deposit) has passed.
	ErrSharesLocked = errors.New("contracts: vault shares locked")
	// ErrDepositForOther: a deposit into a vault with a lock for an account
	// other than the depositor.
	ErrDepositForOther = errors.New("contracts: deposit into a locked vault must be for the depositor")
	// ErrAboveVaultMax: a withdrawal or redemption of more than the owner's
	// principal (ERC-4626's max checks).
	ErrAboveVaultMax = errors.New("contracts: more than the vault allows")
	// ErrInsufficientCredits: a payment from credits above the payer's
	// credits in the vault.
	ErrInsufficientCredits = errors.New("contracts: insufficient compute credits")
	// ErrNothingToHarvest: a harvest with no yield (or, per depositor, no
	// shares to credit it to).
	ErrNothingToHarvest = errors.New("contracts: nothing to harvest")
	// ErrNotMarketplace: credits spent by someone other than the vault's
	// marketplace.
	ErrNotMarketplace = errors.New("contracts: caller is not the vault's marketplace")
	// ErrCreditsNotReceived: a "vault" that did not deliver the stable
	// tokens a payment from credits asked for.
	ErrCreditsNotReceived = errors.New("contracts: credits not received from the vault")
	// ErrNotVault: a strategy called by someone other than its vault.
	ErrNotVault = errors.New("contracts: caller is not the strategy's vault")
	// ErrStrategyShort: a strategy asked for more than it holds.
	ErrStrategyShort = errors.New("contracts: strategy holds too little")
)

// The vault's and strategy's custom errors, added to the package's map so
// decodeRevert names them.
func init() {
	for name, err := range map[string]error{
		"SharesLocked":               ErrSharesLocked,
		"DepositForOther":            ErrDepositForOther,
		"ERC4626ExceededMaxWithdraw": ErrAboveVaultMax,
		"ERC4626ExceededMaxRedeem":   ErrAboveVaultMax,
		"ERC4626ExceededMaxDeposit":  ErrAboveVaultMax,
		"ERC4626ExceededMaxMint":     ErrAboveVaultMax,
		"InsufficientCredits":        ErrInsufficientCredits,
		"NothingToHarvest":           ErrNothingToHarvest,
		"NotMarketplace":             ErrNotMarketplace,
		"CreditsNotReceived":         ErrCreditsNotReceived,
		"NotVault":                   ErrNotVault,
		"InsufficientAssets":         ErrStrategyShort,
		"LockTooLong":                ErrInvalidConfig,
		"InvalidCreditHolder":        ErrInvalidConfig,
		"StrategyMismatch":           ErrInvalidConfig,
		"AssetMismatch":              ErrInvalidConfig,
		"RateTooHigh":                ErrInvalidConfig,
		"ZeroBlocksPerYear":          ErrInvalidConfig,
	} {
		sentinels[name] = err
	}
}

// CreditsMode says who receives a vault's credits; fixed at creation.
type CreditsMode uint8

// The credit modes (the contract's enum values).
const (
	// CreditsCommunity: all credits to one account, the community's.
	CreditsCommunity CreditsMode = 0
	// CreditsPerDepositor: credits to the shareholders, pro rata to their
	// shares at each harvest.
	CreditsPerDepositor CreditsMode = 1
)

// String is the mode's name as ParseCreditsMode reads it.
func (m CreditsMode) String() string {
	switch m {
	case CreditsCommunity:
		return "community"
	case CreditsPerDepositor:
		return "per-depositor"
	}
	return fmt.Sprintf("CreditsMode(%d)", uint8(m))
}

// ParseCreditsMode reads "community" or "per-depositor".
func ParseCreditsMode(s string) (CreditsMode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "community":
		return CreditsCommunity, nil
	case "per-depositor", "perdepositor", "depositor":
		return CreditsPerDepositor, nil
	}
	return 0, fmt.Errorf("%w: credits mode is %q, want community or per-depositor", ErrInvalidConfig, s)
}

// The bounds the contracts enforce.
const (
	// MaxVaultLock is the longest lock a vault accepts (MAX_LOCK_SECONDS).
	MaxVaultLock = 4 * 365 * 24 * time.Hour
	// MaxTestRateBps is the highest annual rate of the test strategy (100 %).
	MaxTestRateBps = 10_000
)

// VaultConfig says how to create a compute vault and its (test) strategy.
type VaultConfig struct {
	// Name and Symbol of the vault's share token (ERC-20).
	Name   string
	Symbol string
	// Mode: credits to the community's account or to each depositor.
	Mode CreditsMode
	// CreditHolder receives all credits in CreditsCommunity mode (the
	// community's account, e.g. its ERC-6551 token-bound account); it must
	// be zero in CreditsPerDepositor mode.
	CreditHolder common.Address
	// Lock is how long after a member's last deposit their shares stay
	// locked (no withdrawal, redemption or transfer): whole seconds, 0 (no
	// lock) to MaxVaultLock.
	Lock time.Duration
	// RateBps is the test strategy's annual rate in basis points (500 =
	// 5 %), at most MaxTestRateBps.
	RateBps uint64
	// BlocksPerYear spreads the annual rate over blocks: 2,628,000 for 12 s
	// blocks; tests use fewer to make a "year" short.
	BlocksPerYear uint64
}

// Validate reports every field out of range, each naming the field.
func (cfg VaultConfig) Validate() error {
	var errs []error
	if strings.TrimSpace(cfg.Name) == "" {
		errs = append(errs, fmt.Errorf("%w: vault name is empty", ErrInvalidConfig))
	}
	if strings.TrimSpace(cfg.Symbol) == "" {
		errs = append(errs, fmt.Errorf("%w: vault symbol is empty", ErrInvalidConfig))
	}
	switch cfg.Mode {
	case CreditsCommunity:
		if cfg.CreditHolder == (common.Address{}) {
			errs = append(errs, fmt.Errorf("%w: credit holder is the zero address, want the community's account in community mode", ErrInvalidConfig))
		}
	case CreditsPerDepositor:
		if cfg.CreditHolder != (common.Address{}) {
			errs = append(errs, fmt.Errorf("%w: credit holder is %s, want none in per-depositor mode (credits go to each depositor)", ErrInvalidConfig, cfg.CreditHolder.Hex()))
		}
	default:
		errs = append(errs, fmt.Errorf("%w: credits mode is %d, want community (0) or per-depositor (1)", ErrInvalidConfig, cfg.Mode))
	}
	switch {
	case cfg.Lock < 0 || cfg.Lock > MaxVaultLock:
		errs = append(errs, fmt.Errorf("%w: lock is %s, want 0 to %s", ErrInvalidConfig, cfg.Lock, MaxVaultLock))
	case cfg.Lock%time.Second != 0:
		errs = append(errs, fmt.Errorf("%w: lock is %s, want whole seconds", ErrInvalidConfig, cfg.Lock))
	}
	if cfg.RateBps > MaxTestRateBps {
		errs = append(errs, fmt.Errorf("%w: rate is %d bps, want 0 to %d", ErrInvalidConfig, cfg.RateBps, MaxTestRateBps))
	}
	if cfg.BlocksPerYear == 0 {
		errs = append(errs, fmt.Errorf("%w: blocks per year is 0, want at least 1", ErrInvalidConfig))
	}
	return errors.Join(errs...)
}

// VaultDeployment is what DeployVault created.
type VaultDeployment struct {
	Vault    common.Address `json:"vault"`
	Strategy common.Address `json:"strategy"`
	// Creations are the strategy's and the vault's transactions, in order.
	Creations []Creation `json:"creations"`
}

// DeployVault creates a FixedRateStrategy (TEST ONLY: it pays yield by
// minting the test StableToken, so it works only where Deploy created that
// token) and a ComputeVault over the marketplace's stable token that
// invests in it, with deployer paying for gas. The strategy must name its
// vault at construction and the vault its strategy, so the vault's address
// is predicted from the deployer's next nonce; the vault's constructor
// checks the pair (StrategyMismatch, ErrInvalidConfig) in case another
// transaction from the same key came in between.
func (c *Chain) DeployVault(ctx context.Context, deployer *ecdsa.PrivateKey, cfg VaultConfig) (VaultDeployment, error) {
	var d VaultDeployment
	if err := cfg.Validate(); err != nil {
		return d, err
	}
	a, err := c.deployed("deploy vault")
	if err != nil {
		return d, err
	}
	if deployer == nil {
		return d, fmt.Errorf("%w: deploy vault needs the deployer's private key", ErrNoKey)
	}
	from := crypto.PubkeyToAddress(deployer.PublicKey)
	nonce, err := c.backend.PendingNonceAt(ctx, from)
	if err != nil {
		return d, c.fail("read the deployer's nonce", err)
	}
	predicted := crypto.CreateAddress(from, nonce+1)

	code := append(common.FromHex(fixedratestrategy.FixedRateStrategyMetaData.Bin),
		strategyC.PackConstructor(a.Stable, predicted, new(big.Int).SetUint64(cfg.RateBps), new(big.Int).SetUint64(cfg.BlocksPerYear))...)
	rcpt, err := c.deployNext(ctx, deployer, &d.Creations, "FixedRateStrategy", code)
	if err != nil {
		return d, err
	}
	d.Strategy = rcpt.ContractAddress

	code = append(common.FromHex(computevault.ComputeVaultMetaData.Bin),
		vaultC.PackConstructor(a.Stable, d.Strategy, a.Marketplace, uint8(cfg.Mode), cfg.CreditHolder,
			uint64(cfg.Lock/time.Second), cfg.Name, cfg.Symbol)...)
	if rcpt, err = c.deployNext(ctx, deployer, &d.Creations, "ComputeVault", code); err != nil {
		return d, err
	}
	d.Vault = rcpt.ContractAddress
	return d, nil
}

// accrualHeadroomPct is the gas margin of the transactions that touch the
// strategy (deposit, withdraw, harvest). Their gas depends on the block:
// the node estimates against the latest block, and when the strategy
// checkpointed in it the estimate sees no new yield, while the block the
// transaction lands in mints some (a call to the token and storage writes
// that change rather than stay). Measured: a harvest estimated at 102,162
// used 126,946 under the dev chain's state-growth pricing (+24 %), so the
// margin is half again; only the limit grows, not the gas paid.
const accrualHeadroomPct = 50

// VaultMove is a deposit or withdrawal as the vault recorded it.
type VaultMove struct {
	Assets *big.Int // stable base units
	Shares *big.Int // vault shares (1:1 with assets)
	Receipt
}

// positive checks an amount is a uint256 above zero.
func positive(op, field string, x *big.Int) error {
	if err := CheckUint256(field, x); err != nil {
		return err
	}
	if x.Sign() == 0 {
		return fmt.Errorf("%w: %s: %s is 0, want more", ErrZeroAmount, op, field)
	}
	return nil
}

// Deposit puts amount of the stable token (base units) from member's
// account into vault, for member's own shares: it approves the vault first
// when the allowance is short. In a vault with a lock, it restarts member's
// lock.
func (c *Chain) Deposit(ctx context.Context, member *ecdsa.PrivateKey, vault common.Address, amount *big.Int) (VaultMove, error) {
	op := "deposit into vault " + vault.Hex()
	a, err := c.deployed(op)
	if err != nil {
		return VaultMove{}, err
	}
	if err := positive(op, "amount", amount); err != nil {
		return VaultMove{}, err
	}
	if member == nil {
		return VaultMove{}, fmt.Errorf("%w: %s needs the member's private key", ErrNoKey, op)
	}
	from := crypto.PubkeyToAddress(member.PublicKey)
	// Checked before approving, so a deposit that cannot succeed sends nothing.
	balance, err := c.readUint(ctx, "read balance of "+from.Hex(), a.Stable, stableC.PackBalanceOf(from), stableC.UnpackBalanceOf)
	if err != nil {
		return VaultMove{}, err
	}
	if balance.Cmp(amount) < 0 {
		return VaultMove{}, fmt.Errorf("%w: %s: %s holds %s of the stable token, less than the %s to deposit", ErrInsufficientBalance, op, from.Hex(), balance, amount)
	}
	allowance, err := c.readUint(ctx, "read allowance", a.Stable, stableC.PackAllowance(from, vault), stableC.UnpackAllowance)
	if err != nil {
		return VaultMove{}, err
	}
	if allowance.Cmp(amount) < 0 {
		if _, err := c.transact(ctx, "approve vault "+vault.Hex(), member, &a.Stable, stableC.PackApprove(vault, amount)); err != nil {
			return VaultMove{}, err
		}
	}
	rcpt, err := c.transactWithHeadroom(ctx, op, member, &vault, vaultC.PackDeposit(amount, from), accrualHeadroomPct)
	if err != nil {
		return VaultMove{}, err
	}
	for _, l := range rcpt.Logs {
		if l.Address == vault && len(l.Topics) > 0 && l.Topics[0] == vaultDepositTopic {
			if ev, err := vaultC.UnpackDepositEvent(l); err == nil {
				return VaultMove{Assets: ev.Assets, Shares: ev.Shares, Receipt: receiptOf(rcpt)}, nil
			}
		}
	}
	return VaultMove{}, fmt.Errorf("contracts: %s: transaction %s has no Deposit event", op, rcpt.TxHash.Hex())
}

// Withdraw takes amount of member's principal (base units) out of vault to
// member's account, burning the shares for it. It fails with
// ErrSharesLocked while member's lock runs and ErrAboveVaultMax for more
// than member's principal.
func (c *Chain) Withdraw(ctx context.Context, member *ecdsa.PrivateKey, vault common.Address, amount *big.Int) (VaultMove, error) {
	op := "withdraw from vault " + vault.Hex()
	if err := positive(op, "amount", amount); err != nil {
		return VaultMove{}, err
	}
	if member == nil {
		return VaultMove{}, fmt.Errorf("%w: %s needs the member's private key", ErrNoKey, op)
	}
	from := crypto.PubkeyToAddress(member.PublicKey)
	rcpt, err := c.transactWithHeadroom(ctx, op, member, &vault, vaultC.PackWithdraw(amount, from, from), accrualHeadroomPct)
	if err != nil {
		return VaultMove{}, err
	}
	for _, l := range rcpt.Logs {
		if l.Address == vault && len(l.Topics) > 0 && l.Topics[0] == vaultWithdrawTopic {
			if ev, err := vaultC.UnpackWithdrawEvent(l); err == nil {
				return VaultMove{Assets: ev.Assets, Shares: ev.Shares, Receipt: receiptOf(rcpt)}, nil
			}
		}
	}
	return VaultMove{}, fmt.Errorf("contracts: %s: transaction %s has no Withdraw event", op, rcpt.TxHash.Hex())
}

// HarvestResult is what a harvest moved into credits.
type HarvestResult struct {
	Yield          *big.Int // stable base units
	TotalHarvested *big.Int
	Receipt
}

// Harvest moves vault's yield (what its strategy holds above the principal,
// never the principal) into compute credits; anyone may send it. No yield
// yet is ErrNothingToHarvest.
func (c *Chain) Harvest(ctx context.Context, sender *ecdsa.PrivateKey, vault common.Address) (HarvestResult, error) {
	op := "harvest vault " + vault.Hex()
	rcpt, err := c.transactWithHeadroom(ctx, op, sender, &vault, vaultC.PackHarvest(), accrualHeadroomPct)
	if err != nil {
		return HarvestResult{}, err
	}
	for _, l := range rcpt.Logs {
		if l.Address == vault && len(l.Topics) > 0 && l.Topics[0] == vaultHarvestedTopic {
			if ev, err := vaultC.UnpackHarvestedEvent(l); err == nil {
				return HarvestResult{Yield: ev.Yield, TotalHarvested: ev.TotalHarvested, Receipt: receiptOf(rcpt)}, nil
			}
		}
	}
	return HarvestResult{}, fmt.Errorf("contracts: %s: transaction %s has no Harvested event", op, rcpt.TxHash.Hex())
}

// Credits returns account's unspent compute credits in vault (stable base
// units).
func (c *Chain) Credits(ctx context.Context, vault, account common.Address) (*big.Int, error) {
	return c.readUint(ctx, "read credits of "+account.Hex(), vault, vaultC.PackCreditsOf(account), vaultC.UnpackCreditsOf)
}

// VaultState is a vault's configuration and totals.
type VaultState struct {
	Vault        common.Address `json:"vault"`
	Strategy     common.Address `json:"strategy"`
	Marketplace  common.Address `json:"marketplace"`
	Mode         CreditsMode    `json:"mode"`
	CreditHolder common.Address `json:"credit_holder"`
	Lock         time.Duration  `json:"lock"`
	// Principal is deposits less withdrawals: what all shares are worth.
	Principal *big.Int `json:"principal"`
	Shares    *big.Int `json:"shares"`
	// StrategyAssets is what the strategy holds for the vault now:
	// principal plus yield not yet harvested.
	StrategyAssets *big.Int `json:"strategy_assets"`
	PendingYield   *big.Int `json:"pending_yield"`
	TotalHarvested *big.Int `json:"total_harvested"`
	TotalSpent     *big.Int `json:"total_spent"`
	// TotalCredits is harvested less spent.
	TotalCredits *big.Int `json:"total_credits"`
}

// Vault reads a vault's configuration and totals.
func (c *Chain) Vault(ctx context.Context, vault common.Address) (VaultState, error) {
	s := VaultState{Vault: vault}
	var err error
	if s.Strategy, err = c.callAddress(ctx, "read vault strategy", vault, vaultC.PackStrategy(), vaultC.UnpackStrategy); err != nil {
		return s, err
	}
	if s.Marketplace, err = c.callAddress(ctx, "read vault marketplace", vault, vaultC.PackMarketplace(), vaultC.UnpackMarketplace); err != nil {
		return s, err
	}
	if s.CreditHolder, err = c.callAddress(ctx, "read vault credit holder", vault, vaultC.PackCreditHolder(), vaultC.UnpackCreditHolder); err != nil {
		return s, err
	}
	out, err := c.call(ctx, "read vault credits mode", vault, vaultC.PackCreditsMode())
	if err != nil {
		return s, err
	}
	mode, err := vaultC.UnpackCreditsMode(out)
	if err != nil {
		return s, fmt.Errorf("contracts: read vault credits mode at %s: %w", vault.Hex(), err)
	}
	s.Mode = CreditsMode(mode)
	if out, err = c.call(ctx, "read vault lock", vault, vaultC.PackLockSeconds()); err != nil {
		return s, err
	}
	lock, err := vaultC.UnpackLockSeconds(out)
	if err != nil {
		return s, fmt.Errorf("contracts: read vault lock at %s: %w", vault.Hex(), err)
	}
	s.Lock = time.Duration(lock) * time.Second
	for _, f := range []struct {
		op     string
		to     common.Address
		data   []byte
		unpack func([]byte) (*big.Int, error)
		dst    **big.Int
	}{
		{"read vault principal", vault, vaultC.PackPrincipal(), vaultC.UnpackPrincipal, &s.Principal},
		{"read vault shares", vault, vaultC.PackTotalSupply(), vaultC.UnpackTotalSupply, &s.Shares},
		{"read strategy assets", s.Strategy, strategyC.PackTotalAssets(), strategyC.UnpackTotalAssets, &s.StrategyAssets},
		{"read vault pending yield", vault, vaultC.PackPendingYield(), vaultC.UnpackPendingYield, &s.PendingYield},
		{"read vault total harvested", vault, vaultC.PackTotalHarvested(), vaultC.UnpackTotalHarvested, &s.TotalHarvested},
		{"read vault total spent", vault, vaultC.PackTotalSpent(), vaultC.UnpackTotalSpent, &s.TotalSpent},
		{"read vault total credits", vault, vaultC.PackTotalCredits(), vaultC.UnpackTotalCredits, &s.TotalCredits},
	} {
		if *f.dst, err = c.readUint(ctx, f.op, f.to, f.data, f.unpack); err != nil {
			return s, err
		}
	}
	return s, nil
}

// VaultMember is one account's standing in a vault.
type VaultMember struct {
	Shares *big.Int `json:"shares"`
	// Principal is what the shares are worth: what a full withdrawal pays.
	Principal *big.Int `json:"principal"`
	Credits   *big.Int `json:"credits"`
	// UnlockAt is when the shares may move (unix seconds; 0 or past:
	// unlocked).
	UnlockAt uint64 `json:"unlock_at"`
}

// VaultMember reads account's shares, principal, credits and lock in vault.
func (c *Chain) VaultMember(ctx context.Context, vault, account common.Address) (VaultMember, error) {
	var m VaultMember
	var err error
	if m.Shares, err = c.readUint(ctx, "read vault shares of "+account.Hex(), vault, vaultC.PackBalanceOf(account), vaultC.UnpackBalanceOf); err != nil {
		return m, err
	}
	if m.Principal, err = c.readUint(ctx, "read vault principal of "+account.Hex(), vault, vaultC.PackPreviewRedeem(m.Shares), vaultC.UnpackPreviewRedeem); err != nil {
		return m, err
	}
	if m.Credits, err = c.Credits(ctx, vault, account); err != nil {
		return m, err
	}
	u, err := c.readUint(ctx, "read unlock time of "+account.Hex(), vault, vaultC.PackUnlockAt(account), vaultC.UnpackUnlockAt)
	if err != nil {
		return m, err
	}
	m.UnlockAt = u.Uint64()
	return m, nil
}

// PayWithCredits pays amount (stable base units) for jobID from buyer's
// credits in vault. The marketplace counts it exactly as Pay: the same
// Paid event (so the coordinators' payment watcher sees it), the epoch's
// revenue, the nodes' share. Credits short of amount are
// ErrInsufficientCredits.
func (c *Chain) PayWithCredits(ctx context.Context, buyer *ecdsa.PrivateKey, vault common.Address, jobID common.Hash, amount *big.Int) (Payment, error) {
	op := "pay from credits in " + vault.Hex() + " for job " + jobID.Hex()
	a, err := c.deployed(op)
	if err != nil {
		return Payment{}, err
	}
	if err := positive(op, "amount", amount); err != nil {
		return Payment{}, err
	}
	if buyer == nil {
		return Payment{}, fmt.Errorf("%w: %s needs the buyer's private key", ErrNoKey, op)
	}
	rcpt, err := c.transact(ctx, op, buyer, &a.Marketplace, marketC.PackPayWithCredits(vault, jobID, amount))
	if err != nil {
		return Payment{}, err
	}
	return paymentIn(a.Marketplace, op, rcpt)
}

// paymentIn returns the Paid event of a marketplace transaction.
func paymentIn(market common.Address, op string, rcpt *types.Receipt) (Payment, error) {
	for _, l := range rcpt.Logs {
		if p, ok := parsePaid(market, l); ok {
			return p, nil
		}
	}
	return Payment{}, fmt.Errorf("contracts: %s: transaction %s has no Paid event", op, rcpt.TxHash.Hex())
}

var (
	vaultDepositTopic   = vaultC.GetABI().Events["Deposit"].ID
	vaultWithdrawTopic  = vaultC.GetABI().Events["Withdraw"].ID
	vaultHarvestedTopic = vaultC.GetABI().Events["Harvested"].ID
)
