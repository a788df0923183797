package contracts

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/contracts/bindings/computevault"
	"github.com/meadow-net/meadow/contracts/bindings/fixedratestrategy"
	"github.com/meadow-net/meadow/rewards"
)

// vaultNet is a testNet with one compute vault deployed.
type vaultNet struct {
	*testNet
	cfg VaultConfig
	VaultDeployment
}

func newVaultNet(tb testing.TB, n *testNet, cfg VaultConfig) *vaultNet {
	tb.Helper()
	d, err := n.chain.DeployVault(testCtx(tb), n.deployer, cfg)
	if err != nil {
		tb.Fatalf("deploy vault: %v", err)
	}
	return &vaultNet{testNet: n, cfg: cfg, VaultDeployment: d}
}

// fund gives each key ether for gas and amount of the test stable.
func (n *testNet) fund(tb testing.TB, amount *big.Int, keys ...*ecdsa.PrivateKey) {
	tb.Helper()
	ctx := testCtx(tb)
	for _, k := range keys {
		if _, err := n.chain.SendEther(ctx, n.deployer, addr(k), big.NewInt(1e18)); err != nil {
			tb.Fatal(err)
		}
		if amount != nil && amount.Sign() > 0 {
			if _, err := n.chain.MintTestStable(ctx, n.deployer, addr(k), amount); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

func (v *vaultNet) state(tb testing.TB) VaultState {
	tb.Helper()
	s, err := v.chain.Vault(testCtx(tb), v.Vault)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func (v *vaultNet) credits(tb testing.TB, who common.Address) *big.Int {
	tb.Helper()
	c, err := v.chain.Credits(testCtx(tb), v.Vault, who)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func (v *vaultNet) deposit(tb testing.TB, k *ecdsa.PrivateKey, amount *big.Int) VaultMove {
	tb.Helper()
	m, err := v.chain.Deposit(testCtx(tb), k, v.Vault, amount)
	if err != nil {
		tb.Fatalf("deposit %s by %s: %v", amount, addr(k).Hex(), err)
	}
	return m
}

func (v *vaultNet) harvest(tb testing.TB) HarvestResult {
	tb.Helper()
	h, err := v.chain.Harvest(testCtx(tb), v.deployer, v.Vault)
	if err != nil {
		tb.Fatalf("harvest: %v", err)
	}
	return h
}

func (v *vaultNet) mine(blocks int) {
	for range blocks {
		v.chain.Mine()
	}
}

func wantEq(tb testing.TB, what string, got, want *big.Int) {
	tb.Helper()
	if got.Cmp(want) != 0 {
		tb.Fatalf("%s = %s, want %s", what, got, want)
	}
}

func wantErr(tb testing.TB, what string, err, want error) {
	tb.Helper()
	if !errors.Is(err, want) {
		tb.Fatalf("%s: got %v, want %v", what, err, want)
	}
}

// TestVaultIssueExample reproduces issue 15's example: 2,000 members each
// deposit 0.1; the 200 in the vault at 5 % a year is a compute budget of 10
// a year; a member who leaves takes their 0.1 back.
//
// In the 6-decimal stable: 0.1 = 100,000 base units; 2,000 × 100,000 =
// 200,000,000 (200); 5 % of it a year = 10,000,000 (10). The test has 20
// member keys deposit 0.1 each and one key stand for the other 1,980
// members (198), and makes a "year" 1,000 blocks (BlocksPerYear), so the
// strategy accrues 200e6 × 500 / (10,000 × 1,000) = 10,000 base units per
// block, exactly 10e6 over the year. Per depositor, each 0.1 member's share
// is 100,000 / 200e6 of the 10e6: 5,000 (0.005) a year.
func TestVaultIssueExample(t *testing.T) {
	for _, mode := range []CreditsMode{CreditsCommunity, CreditsPerDepositor} {
		t.Run(mode.String(), func(t *testing.T) { issueExample(t, mode) })
	}
}

func issueExample(t *testing.T, mode CreditsMode) {
	n := newTestNet(t)
	ctx := testCtx(t)
	community := testKey(t, "community account") // stands in for the community's ERC-6551 account
	cfg := VaultConfig{Name: "Meadow Compute: Example", Symbol: "mcEX", Mode: mode,
		Lock: 30 * 24 * time.Hour, RateBps: 500, BlocksPerYear: 1000}
	if mode == CreditsCommunity {
		cfg.CreditHolder = addr(community)
	}
	v := newVaultNet(t, n, cfg)

	tenth := big.NewInt(100_000)
	members := make([]*ecdsa.PrivateKey, 20)
	for i := range members {
		members[i] = testKey(t, fmt.Sprint("member ", i))
	}
	rest := testKey(t, "the other 1,980 members")
	n.fund(t, tenth, members...)
	n.fund(t, units(198, 6), rest, community)
	for _, m := range members {
		if got := v.deposit(t, m, tenth); got.Shares.Cmp(tenth) != 0 {
			t.Fatalf("deposit of 0.1 gave %s shares, want %s (1:1)", got.Shares, tenth)
		}
	}
	v.deposit(t, rest, units(198, 6))
	s := v.state(t)
	wantEq(t, "principal", s.Principal, units(200, 6))
	wantEq(t, "shares", s.Shares, units(200, 6))

	// Clear the little yield of the deposit blocks, then let a year pass.
	first := v.harvest(t)
	wantEq(t, "strategy assets after harvest", v.state(t).StrategyAssets, units(200, 6))
	before := map[common.Address]*big.Int{}
	for _, m := range members {
		before[addr(m)] = v.credits(t, addr(m))
	}
	v.mine(999) // the harvest below is the 1,000th block
	year := v.harvest(t)
	wantEq(t, "a year's yield on 200 at 5 %", year.Yield, units(10, 6))
	wantEq(t, "total harvested", year.TotalHarvested, new(big.Int).Add(first.Yield, units(10, 6)))
	s = v.state(t)
	wantEq(t, "principal after harvests", s.Principal, units(200, 6))
	wantEq(t, "strategy assets after harvests", s.StrategyAssets, units(200, 6))
	t.Logf("%s: 200 deposited at 5 %%: a year's budget of %s base units (first harvest of the deposit blocks: %s)", mode, year.Yield, first.Yield)

	payer := community
	budget := units(10, 6)
	if mode == CreditsCommunity {
		wantEq(t, "community credits", v.credits(t, addr(community)), s.TotalCredits)
	} else {
		for _, m := range members {
			gain := new(big.Int).Sub(v.credits(t, addr(m)), before[addr(m)])
			wantEq(t, "a 0.1 member's credits for the year", gain, big.NewInt(5_000))
		}
		wantEq(t, "community credits", v.credits(t, addr(community)), big.NewInt(0))
		payer = rest                   // holds 198 of the 200 shares
		budget = big.NewInt(9_900_000) // 198/200 of the 10
	}

	// The year's budget pays for a job, counted as revenue like any payment.
	epoch, err := n.chain.CurrentEpoch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, err := n.chain.PayWithCredits(ctx, payer, v.Vault, jobID("community job"), budget)
	if err != nil {
		t.Fatal(err)
	}
	if p.Buyer != addr(payer) || p.Amount.Cmp(budget) != 0 || p.Epoch != epoch {
		t.Fatalf("payment = %+v, want %s paying %s in epoch %d", p, addr(payer).Hex(), budget, epoch)
	}
	rev, _ := n.chain.RevenueOf(ctx, epoch)
	wantEq(t, "revenue", rev, budget)
	paid, _ := n.chain.PaidFor(ctx, jobID("community job"))
	wantEq(t, "paid for job", paid, budget)
	share, _ := rewards.RevenueShare(rewards.DefaultParams(), budget)
	wantBalance(t, n.chain, TokenStable, n.addrs.Distributor, share)
	wantBalance(t, n.chain, TokenStable, n.treasury, new(big.Int).Sub(budget, share))
	wantEq(t, "principal after paying", v.state(t).Principal, units(200, 6))

	// A member who leaves: locked for 30 days after their deposit, then
	// their 0.1 back, whole.
	leaver := members[7]
	_, err = n.chain.Withdraw(ctx, leaver, v.Vault, tenth)
	wantErr(t, "withdraw during the lock", err, ErrSharesLocked)
	if err := n.chain.AdvanceTime(30 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := n.chain.Withdraw(ctx, leaver, v.Vault, tenth); err != nil {
		t.Fatal(err)
	}
	wantBalance(t, n.chain, TokenStable, addr(leaver), tenth)
	m, err := n.chain.VaultMember(ctx, v.Vault, addr(leaver))
	if err != nil {
		t.Fatal(err)
	}
	wantEq(t, "leaver's shares", m.Shares, big.NewInt(0))
	wantEq(t, "principal after a member left", v.state(t).Principal, big.NewInt(199_900_000))
	if mode == CreditsPerDepositor {
		// Their credits stay theirs after they leave (spendable through the
		// marketplace).
		wantEq(t, "leaver's credits", m.Credits, new(big.Int).Add(before[addr(leaver)], big.NewInt(5_000)))
	}
}

// TestVaultConfigValidate: each bad field is named.
func TestVaultConfigValidate(t *testing.T) {
	good := VaultConfig{Name: "v", Symbol: "V", Mode: CreditsCommunity, CreditHolder: common.HexToAddress("0x1"), RateBps: 500, BlocksPerYear: 10}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		edit func(*VaultConfig)
		want string
	}{
		{func(c *VaultConfig) { c.Name = " " }, "vault name"},
		{func(c *VaultConfig) { c.Symbol = "" }, "vault symbol"},
		{func(c *VaultConfig) { c.CreditHolder = common.Address{} }, "credit holder is the zero address"},
		{func(c *VaultConfig) { c.Mode = CreditsPerDepositor }, "want none in per-depositor mode"},
		{func(c *VaultConfig) { c.Mode = 7 }, "credits mode is 7"},
		{func(c *VaultConfig) { c.Lock = -time.Second }, "lock is -1s"},
		{func(c *VaultConfig) { c.Lock = MaxVaultLock + time.Second }, "lock is"},
		{func(c *VaultConfig) { c.Lock = 1500 * time.Millisecond }, "whole seconds"},
		{func(c *VaultConfig) { c.RateBps = 10_001 }, "rate is 10001 bps"},
		{func(c *VaultConfig) { c.BlocksPerYear = 0 }, "blocks per year"},
	} {
		cfg := good
		tc.edit(&cfg)
		err := cfg.Validate()
		if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want ErrInvalidConfig naming %q", cfg, err, tc.want)
		}
	}
	if m, err := ParseCreditsMode("per-depositor"); err != nil || m != CreditsPerDepositor {
		t.Fatalf("ParseCreditsMode = %v, %v", m, err)
	}
	if _, err := ParseCreditsMode("everyone"); !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("ParseCreditsMode(everyone) = %v", err)
	}
}

// vaultSnapshot is everything a refused operation must leave unchanged.
type vaultSnapshot struct {
	head  uint64
	state VaultState
	stab  map[common.Address]string
	mem   map[common.Address]VaultMember
}

func (v *vaultNet) snapshot(tb testing.TB, who ...common.Address) vaultSnapshot {
	tb.Helper()
	ctx := testCtx(tb)
	head, err := v.chain.Head(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	s := vaultSnapshot{head: head, state: v.state(tb), stab: map[common.Address]string{}, mem: map[common.Address]VaultMember{}}
	all := append([]common.Address{v.Vault, v.Strategy, v.addrs.Marketplace, v.addrs.Distributor, v.treasury}, who...)
	for _, a := range all {
		b, err := v.chain.BalanceOf(ctx, TokenStable, a)
		if err != nil {
			tb.Fatal(err)
		}
		s.stab[a] = b.String()
	}
	for _, a := range who {
		m, err := v.chain.VaultMember(ctx, v.Vault, a)
		if err != nil {
			tb.Fatal(err)
		}
		s.mem[a] = m
	}
	return s
}

func (s vaultSnapshot) same(o vaultSnapshot) string {
	if s.head != o.head {
		return fmt.Sprintf("head %d → %d", s.head, o.head)
	}
	if fmt.Sprint(s.state) != fmt.Sprint(o.state) {
		return fmt.Sprintf("vault %+v → %+v", s.state, o.state)
	}
	if fmt.Sprint(s.stab) != fmt.Sprint(o.stab) {
		return fmt.Sprintf("stable balances %v → %v", s.stab, o.stab)
	}
	if fmt.Sprint(s.mem) != fmt.Sprint(o.mem) {
		return fmt.Sprintf("members %v → %v", s.mem, o.mem)
	}
	return ""
}

// TestVaultRefusals: each bad input reverts with its named custom error and
// changes nothing.
func TestVaultRefusals(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	alice, bob := testKey(t, "alice"), testKey(t, "bob")
	n.fund(t, units(1000, 6), alice, bob)
	v := newVaultNet(t, n, VaultConfig{Name: "Refusals", Symbol: "mcR", Mode: CreditsPerDepositor,
		Lock: time.Hour, RateBps: 1000, BlocksPerYear: 100})
	v.deposit(t, alice, units(100, 6))
	v.mine(5)
	v.harvest(t)
	who := []common.Address{addr(alice), addr(bob)}

	refuse := func(what string, want error, wantName string, op func() error) {
		t.Helper()
		before := v.snapshot(t, who...)
		err := op()
		wantErr(t, what, err, want)
		var re *RevertError
		if wantName != "" && (!errors.As(err, &re) || re.Name != wantName) {
			t.Fatalf("%s: %v, want the custom error %s", what, err, wantName)
		}
		if diff := before.same(v.snapshot(t, who...)); diff != "" {
			t.Fatalf("%s changed state: %s", what, diff)
		}
		t.Logf("%s: %v", what, err)
	}
	raw := func(k *ecdsa.PrivateKey, to common.Address, data []byte) func() error {
		return func() error { _, err := n.chain.transact(ctx, "raw", k, &to, data); return err }
	}
	alicesCredits := v.credits(t, addr(alice))

	refuse("deposit of 0 (Go)", ErrZeroAmount, "", func() error { _, err := n.chain.Deposit(ctx, alice, v.Vault, big.NewInt(0)); return err })
	refuse("deposit of 0 (contract)", ErrZeroAmount, "ZeroAmount", raw(alice, v.Vault, vaultC.PackDeposit(big.NewInt(0), addr(alice))))
	refuse("deposit for another account into a locked vault", ErrDepositForOther, "DepositForOther", raw(alice, v.Vault, vaultC.PackDeposit(big.NewInt(1), addr(bob))))
	refuse("deposit above balance (Go)", ErrInsufficientBalance, "", func() error { _, err := n.chain.Deposit(ctx, bob, v.Vault, units(5000, 6)); return err })
	refuse("deposit above allowance (contract)", ErrInsufficientAllowance, "ERC20InsufficientAllowance", raw(bob, v.Vault, vaultC.PackDeposit(units(5000, 6), addr(bob))))
	refuse("withdraw during the lock", ErrSharesLocked, "SharesLocked", func() error { _, err := n.chain.Withdraw(ctx, alice, v.Vault, big.NewInt(1)); return err })
	refuse("redeem during the lock", ErrSharesLocked, "SharesLocked", raw(alice, v.Vault, vaultC.PackRedeem(big.NewInt(1), addr(alice), addr(alice))))
	refuse("share transfer during the lock", ErrSharesLocked, "SharesLocked", raw(alice, v.Vault, vaultC.PackTransfer(addr(bob), big.NewInt(1))))
	refuse("withdraw of 0 (Go)", ErrZeroAmount, "", func() error { _, err := n.chain.Withdraw(ctx, alice, v.Vault, big.NewInt(0)); return err })
	refuse("withdraw with no shares", ErrAboveVaultMax, "ERC4626ExceededMaxWithdraw", func() error { _, err := n.chain.Withdraw(ctx, bob, v.Vault, big.NewInt(1)); return err })
	refuse("spend credits directly", ErrNotMarketplace, "NotMarketplace", raw(alice, v.Vault, vaultC.PackSpendCredits(addr(alice), big.NewInt(1))))
	refuse("strategy withdraw by a stranger", ErrNotVault, "NotVault", raw(alice, v.Strategy, strategyC.PackWithdraw(big.NewInt(1), addr(alice))))
	refuse("strategy deposit by a stranger", ErrNotVault, "NotVault", raw(alice, v.Strategy, strategyC.PackDeposit(big.NewInt(1))))
	refuse("pay more than one's credits", ErrInsufficientCredits, "InsufficientCredits", func() error {
		_, err := n.chain.PayWithCredits(ctx, alice, v.Vault, jobID("j"), new(big.Int).Add(alicesCredits, big.NewInt(1)))
		return err
	})
	refuse("pay from credits one has none of", ErrInsufficientCredits, "InsufficientCredits", func() error {
		_, err := n.chain.PayWithCredits(ctx, bob, v.Vault, jobID("j"), big.NewInt(1))
		return err
	})
	refuse("pay 0 from credits (Go)", ErrZeroAmount, "", func() error {
		_, err := n.chain.PayWithCredits(ctx, alice, v.Vault, jobID("j"), big.NewInt(0))
		return err
	})
	refuse("pay 0 from credits (contract)", ErrZeroAmount, "ZeroAmount", raw(alice, n.addrs.Marketplace, marketC.PackPayWithCredits(v.Vault, jobID("j"), big.NewInt(0))))

	// A contract that claims to be a vault but sends nothing: its code is a
	// single STOP, so any call to it succeeds and moves nothing.
	var created []Creation
	fake, err := n.chain.deployNext(ctx, n.deployer, &created, "fake vault", common.FromHex("0x6001600c60003960016000f300"))
	if err != nil {
		t.Fatal(err)
	}
	refuse("pay from a fake vault", ErrCreditsNotReceived, "CreditsNotReceived", func() error {
		_, err := n.chain.PayWithCredits(ctx, alice, fake.ContractAddress, jobID("j"), big.NewInt(1))
		return err
	})
	// A vault with nothing in it has nothing to harvest.
	v2 := newVaultNet(t, n, VaultConfig{Name: "Empty", Symbol: "mcE", Mode: CreditsPerDepositor, RateBps: 1000, BlocksPerYear: 100})
	_, err = n.chain.Harvest(ctx, n.deployer, v2.Vault)
	wantErr(t, "harvest of an empty vault", err, ErrNothingToHarvest)
	if re := (*RevertError)(nil); !errors.As(err, &re) || re.Name != "NothingToHarvest" {
		t.Fatalf("harvest of an empty vault: %v", err)
	}

	// Constructors: each bad argument named by the contract itself (Go's
	// Validate catches these first; a hand-made deployment meets them).
	deployRaw := func(what string, want string, code []byte) {
		t.Helper()
		_, err := n.chain.deployNext(ctx, n.deployer, &created, what, code)
		var re *RevertError
		if !errors.As(err, &re) || re.Name != want {
			t.Fatalf("%s: %v, want %s", what, err, want)
		}
		t.Logf("%s: %v", what, err)
	}
	strat := func(asset, vault common.Address, rate, bpy int64) []byte {
		return append(common.FromHex(fixedratestrategy.FixedRateStrategyMetaData.Bin),
			strategyC.PackConstructor(asset, vault, big.NewInt(rate), big.NewInt(bpy))...)
	}
	vlt := func(asset, strategy common.Address, mode uint8, holder common.Address, lock uint64) []byte {
		return append(common.FromHex(computevault.ComputeVaultMetaData.Bin),
			vaultC.PackConstructor(asset, strategy, n.addrs.Marketplace, mode, holder, lock, "x", "X")...)
	}
	deployRaw("strategy rate above 100 %", "RateTooHigh", strat(n.addrs.Stable, addr(alice), 10_001, 1))
	deployRaw("strategy with 0 blocks a year", "ZeroBlocksPerYear", strat(n.addrs.Stable, addr(alice), 1, 0))
	deployRaw("strategy with no vault", "ZeroAddress", strat(n.addrs.Stable, common.Address{}, 1, 1))
	deployRaw("vault over another vault's strategy", "StrategyMismatch", vlt(n.addrs.Stable, v.Strategy, 1, common.Address{}, 0))
	deployRaw("vault with a lock of 5 years", "LockTooLong", vlt(n.addrs.Stable, v.Strategy, 1, common.Address{}, 5*365*86400))
	deployRaw("community vault without a credit holder", "InvalidCreditHolder", vlt(n.addrs.Stable, v.Strategy, 0, common.Address{}, 0))
	deployRaw("per-depositor vault with a credit holder", "InvalidCreditHolder", vlt(n.addrs.Stable, v.Strategy, 1, addr(bob), 0))
	deployRaw("vault with no strategy", "ZeroAddress", vlt(n.addrs.Stable, common.Address{}, 1, common.Address{}, 0))
	// A vault over MEADOW rather than the marketplace's stable token: the
	// strategy (predicted to name it) matches, the marketplace does not.
	nonce, err := n.chain.Backend().PendingNonceAt(ctx, addr(n.deployer))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.chain.deployNext(ctx, n.deployer, &created, "strategy over MEADOW", strat(n.addrs.Token, crypto.CreateAddress(addr(n.deployer), nonce+1), 1, 1)); err != nil {
		t.Fatal(err)
	}
	deployRaw("vault over a token the marketplace does not take", "AssetMismatch", vlt(n.addrs.Token, crypto.CreateAddress(addr(n.deployer), nonce), 1, common.Address{}, 0))
	if _, err := n.chain.DeployVault(ctx, n.deployer, VaultConfig{Name: "x", Symbol: "X", Mode: CreditsCommunity, BlocksPerYear: 1}); !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("DeployVault with a bad config: %v", err)
	}
}

// TestCreditPaymentsAgreeWithRewards extends the Go ↔ Solidity agreement of
// TestTrailingRevenueOnChain to payments from credits: over six epochs of
// mixed payments (stable and credits), the emission limit the distributor
// enforces is rewards.Emission over the trailing revenue of both kinds, the
// revenue share limit is rewards.RevenueShare of the epoch's revenue, and a
// root assigning exactly that share is accepted.
func TestCreditPaymentsAgreeWithRewards(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	p := rewards.DefaultParams()
	community := testKey(t, "community account")
	n.fund(t, units(1_000_000, 6), community)
	v := newVaultNet(t, n, VaultConfig{Name: "Agreement", Symbol: "mcA", Mode: CreditsCommunity,
		CreditHolder: addr(community), RateBps: 10_000, BlocksPerYear: 10})
	v.deposit(t, community, units(1_000_000, 6)) // 100,000 of yield a block
	v.mine(1)                                    // the node estimates a harvest against the latest block
	var revenue []*big.Int
	minted := new(big.Int)
	paidFromCredits := new(big.Int)
	for epoch := uint64(1); epoch <= 6; epoch++ {
		v.harvest(t)
		cash := units(int64(700*epoch*epoch), 6)
		credit := new(big.Int).Add(units(int64(1100*epoch), 6), big.NewInt(int64(epoch))) // odd amounts: rounding
		n.fundAndPay(t, fmt.Sprint("cash job ", epoch), cash)
		pay, err := n.chain.PayWithCredits(ctx, community, v.Vault, jobID(fmt.Sprint("credit job ", epoch)), credit)
		if err != nil {
			t.Fatal(err)
		}
		if pay.Epoch != epoch {
			t.Fatalf("credit payment counted in epoch %d, want %d", pay.Epoch, epoch)
		}
		paidFromCredits.Add(paidFromCredits, credit)
		total := new(big.Int).Add(cash, credit)
		revenue = append(revenue, total)
		got, _ := n.chain.RevenueOf(ctx, epoch)
		wantEq(t, fmt.Sprintf("epoch %d revenue", epoch), got, total)

		trailing, err := rewards.TrailingRevenue(p, epoch, revenue)
		if err != nil {
			t.Fatal(err)
		}
		want, err := rewards.Emission(p, epoch, trailing, minted)
		if err != nil {
			t.Fatal(err)
		}
		limit, err := n.chain.EmissionLimit(ctx, epoch)
		if err != nil {
			t.Fatal(err)
		}
		wantEq(t, fmt.Sprintf("epoch %d emission limit (trailing %s)", epoch, trailing), limit, want)
		share, err := rewards.RevenueShare(p, total)
		if err != nil {
			t.Fatal(err)
		}
		shareLimit, err := n.chain.RevenueShareLimit(ctx, epoch)
		if err != nil {
			t.Fatal(err)
		}
		wantEq(t, fmt.Sprintf("epoch %d revenue share limit", epoch), shareLimit, share)
		n.settle(t, []rewards.Leaf{leaf(testKey(t, "node"), new(big.Int).Add(minted, want), big.NewInt(0))}, want, share)
		minted.Add(minted, want)
	}
	s := v.state(t)
	wantEq(t, "vault total spent", s.TotalSpent, paidFromCredits)
	wantEq(t, "vault principal", s.Principal, units(1_000_000, 6))
}

// TestWatcherSeesCreditPayments: a payment from credits emits the same Paid
// event, so the coordinators' watcher delivers it with no change.
func TestWatcherSeesCreditPayments(t *testing.T) {
	n := newTestNet(t)
	ctx := testCtx(t)
	community := testKey(t, "community account")
	n.fund(t, units(1000, 6), community)
	v := newVaultNet(t, n, VaultConfig{Name: "Watched", Symbol: "mcW", Mode: CreditsCommunity,
		CreditHolder: addr(community), RateBps: 10_000, BlocksPerYear: 10})
	v.deposit(t, community, units(1000, 6))
	v.mine(1)
	v.harvest(t)
	p, err := n.chain.PayWithCredits(ctx, community, v.Vault, jobID("watched"), units(50, 6))
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	w, err := n.chain.NewWatcher(ctx, watcherConfig(t.TempDir(), 0), rec.deliver)
	if err != nil {
		t.Fatal(err)
	}
	mustPoll(t, w, 1)
	got, _ := rec.snapshot()
	if got[0].ID() != p.ID() || got[0].JobID != jobID("watched") || got[0].Buyer != addr(community) || got[0].Amount.Cmp(units(50, 6)) != 0 {
		t.Fatalf("watcher delivered %+v, want %+v", got[0], p)
	}
	// The receipt also says it came from credits, and from which vault.
	rcpt, err := n.chain.Backend().TransactionReceipt(ctx, p.TxHash)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, l := range rcpt.Logs {
		if ev, err := marketC.UnpackPaidWithCreditsEvent(l); err == nil {
			found = ev.Vault == v.Vault && ev.Buyer == addr(community) && ev.Amount.Cmp(units(50, 6)) == 0 && ev.JobId == jobID("watched")
		}
	}
	if !found {
		t.Fatal("no PaidWithCredits event naming the vault")
	}
}
