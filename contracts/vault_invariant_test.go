package contracts

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/rewards"
)

// TestVaultRandomSequences drives a vault through a few hundred random
// steps (deposit, withdraw, harvest, blocks passing, time passing, paying
// from credits, paying in stable, share transfers, donations, epochs
// settling) by random actors, with fixed seeds, against a Go model of the
// vault, its strategy and the marketplace. After every step:
//
//   - principal = deposited − withdrawn, and the members' withdrawable
//     principal sums to it (so never less);
//   - the strategy holds at least the principal; a harvest takes exactly
//     the strategy's assets above principal, never principal;
//   - each account's credits are the model's; their sum ≤ harvested −
//     spent; the vault holds the unspent credits in stable;
//   - a payment from credits debits exactly its amount (a second spend of
//     the same credits is refused: no credit spent twice) and counts as
//     revenue exactly as pay does (epoch revenue, the nodes' share forwarded
//     as rewards.RevenueShare says, the rest to the treasury);
//   - a member who withdraws gets exactly that principal in stable, and
//     after the lock the whole of it;
//   - a refused step reverts with the expected named error and changes
//     nothing (same head block, same balances, same vault state).
func TestVaultRandomSequences(t *testing.T) {
	for _, tc := range []struct {
		mode  CreditsMode
		lock  time.Duration
		seed  uint64
		steps int
	}{
		{CreditsCommunity, 10 * time.Minute, 1, 300},
		{CreditsPerDepositor, 0, 2, 300},
		{CreditsPerDepositor, 10 * time.Minute, 3, 300},
	} {
		t.Run(fmt.Sprintf("%s-lock%s-seed%d", tc.mode, tc.lock, tc.seed), func(t *testing.T) {
			runVaultSequence(t, tc.mode, tc.lock, tc.seed, tc.steps)
		})
	}
}

var accScale = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

// vaultModel mirrors ComputeVault, FixedRateStrategy and the marketplace's
// revenue.
type vaultModel struct {
	mode          CreditsMode
	holder        common.Address
	rate, bpy     int64
	held          *big.Int // strategy: principal and yield as of last
	last          uint64   // strategy: block of the last checkpoint
	principal     *big.Int
	deposited     *big.Int
	withdrawn     *big.Int
	harvested     *big.Int
	spent         *big.Int
	acc, carry    *big.Int
	shares        map[common.Address]*big.Int
	credits       map[common.Address]*big.Int
	settledAt     map[common.Address]*big.Int
	unlockAt      map[common.Address]uint64
	vaultDonated  *big.Int
	stratDonated  *big.Int
	epoch         uint64
	revenue       map[uint64]*big.Int
	toDistributor *big.Int
	toTreasury    *big.Int
}

func bi(x *big.Int) *big.Int { return new(big.Int).Set(x) }

func get(m map[common.Address]*big.Int, a common.Address) *big.Int {
	if v, ok := m[a]; ok {
		return v
	}
	v := new(big.Int)
	m[a] = v
	return v
}

func (m *vaultModel) accrued(block uint64) *big.Int {
	x := new(big.Int).Mul(m.held, big.NewInt(m.rate))
	x.Mul(x, new(big.Int).SetUint64(block-m.last))
	return x.Quo(x, big.NewInt(10_000*m.bpy))
}

func (m *vaultModel) checkpoint(block uint64) {
	m.held.Add(m.held, m.accrued(block))
	m.last = block
}

func (m *vaultModel) unsettled(a common.Address) *big.Int {
	x := new(big.Int).Sub(m.acc, get(m.settledAt, a))
	x.Mul(x, get(m.shares, a))
	return x.Quo(x, accScale)
}

func (m *vaultModel) settle(a common.Address) {
	if m.mode != CreditsPerDepositor {
		return
	}
	get(m.credits, a).Add(get(m.credits, a), m.unsettled(a))
	m.settledAt[a] = bi(m.acc)
}

func (m *vaultModel) creditsOf(a common.Address) *big.Int {
	c := bi(get(m.credits, a))
	if m.mode == CreditsPerDepositor {
		c.Add(c, m.unsettled(a))
	}
	return c
}

func (m *vaultModel) supply() *big.Int {
	s := new(big.Int)
	for _, v := range m.shares {
		s.Add(s, v)
	}
	return s
}

// pay counts a payment as the marketplace does.
func (m *vaultModel) pay(tb testing.TB, amount *big.Int) {
	p := rewards.DefaultParams()
	before := get2(m.revenue, m.epoch)
	after := new(big.Int).Add(before, amount)
	s0, err := rewards.RevenueShare(p, before)
	if err != nil {
		tb.Fatal(err)
	}
	s1, err := rewards.RevenueShare(p, after)
	if err != nil {
		tb.Fatal(err)
	}
	share := new(big.Int).Sub(s1, s0)
	m.revenue[m.epoch] = after
	m.toDistributor.Add(m.toDistributor, share)
	m.toTreasury.Add(m.toTreasury, new(big.Int).Sub(amount, share))
}

func get2(m map[uint64]*big.Int, k uint64) *big.Int {
	if v, ok := m[k]; ok {
		return v
	}
	return new(big.Int)
}

func runVaultSequence(t *testing.T, mode CreditsMode, lock time.Duration, seed uint64, steps int) {
	n := newTestNet(t)
	ctx := testCtx(t)
	rng := rand.New(rand.NewPCG(seed, seed*0x9e3779b97f4a7c15))

	holderKey := testKey(t, "community account")
	actors := []*ecdsa.PrivateKey{testKey(t, "a0"), testKey(t, "a1"), testKey(t, "a2"), testKey(t, "a3")}
	n.fund(t, nil, append(actors, holderKey)...)
	cfg := VaultConfig{Name: "Random", Symbol: "mcX", Mode: mode, Lock: lock, RateBps: 2000, BlocksPerYear: 1000}
	if mode == CreditsCommunity {
		cfg.CreditHolder = addr(holderKey)
	}
	v := newVaultNet(t, n, cfg)
	m := &vaultModel{
		mode: mode, holder: cfg.CreditHolder, rate: int64(cfg.RateBps), bpy: int64(cfg.BlocksPerYear),
		held: new(big.Int), last: v.Creations[0].Block, principal: new(big.Int), deposited: new(big.Int),
		withdrawn: new(big.Int), harvested: new(big.Int), spent: new(big.Int), acc: new(big.Int), carry: new(big.Int),
		shares: map[common.Address]*big.Int{}, credits: map[common.Address]*big.Int{}, settledAt: map[common.Address]*big.Int{},
		unlockAt: map[common.Address]uint64{}, vaultDonated: new(big.Int), stratDonated: new(big.Int),
		epoch: 1, revenue: map[uint64]*big.Int{}, toDistributor: new(big.Int), toTreasury: new(big.Int),
	}
	everyone := []common.Address{addr(holderKey)}
	for _, k := range actors {
		everyone = append(everyone, addr(k))
	}

	headTime := func() uint64 {
		h, err := n.chain.Backend().HeaderByNumber(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		return h.Time
	}
	headNum := func() uint64 {
		h, err := n.chain.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	blockTime := func(block uint64) uint64 {
		h, err := n.chain.Backend().HeaderByNumber(ctx, new(big.Int).SetUint64(block))
		if err != nil {
			t.Fatal(err)
		}
		return h.Time
	}
	stable := func(a common.Address) *big.Int {
		b, err := n.chain.BalanceOf(ctx, TokenStable, a)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// lockState: +1 locked (a transaction now certainly sees it locked), -1
	// unlocked, 0 too close to call (the step is skipped).
	lockState := func(a common.Address) int {
		u := m.unlockAt[a]
		now := headTime()
		switch {
		case u <= now:
			return -1
		case u > now+10:
			return 1
		}
		return 0
	}
	refused := func(step int, what string, want error, op func() error) {
		t.Helper()
		before := v.snapshot(t, everyone...)
		err := op()
		if !errors.Is(err, want) {
			t.Fatalf("step %d: %s: got %v, want %v", step, what, err, want)
		}
		if diff := before.same(v.snapshot(t, everyone...)); diff != "" {
			t.Fatalf("step %d: refused %s changed state: %s", step, what, diff)
		}
	}
	randAmount := func(max int64) *big.Int { return big.NewInt(1 + rng.Int64N(max)) }
	randUpTo := func(x *big.Int) *big.Int { // uniform in [1, x], 0 < x < 2^63
		if !x.IsInt64() {
			t.Fatalf("amount %s out of the test's range", x)
		}
		return big.NewInt(1 + rng.Int64N(x.Int64()))
	}

	counts := map[string]int{}
	for step := 0; step < steps; step++ {
		r := rng.IntN(100)
		switch {
		case r < 20: // deposit
			k := actors[rng.IntN(len(actors))]
			a := addr(k)
			if rng.IntN(20) == 0 {
				refused(step, "deposit 0", ErrZeroAmount, func() error { _, err := n.chain.Deposit(ctx, k, v.Vault, big.NewInt(0)); return err })
				counts["deposit refused"]++
				continue
			}
			amount := randAmount(30_000_000)
			if stable(a).Cmp(amount) < 0 {
				if _, err := n.chain.MintTestStable(ctx, n.deployer, a, units(100, 6)); err != nil {
					t.Fatal(err)
				}
			}
			bal := stable(a)
			mv, err := n.chain.Deposit(ctx, k, v.Vault, amount)
			if err != nil {
				t.Fatalf("step %d: deposit %s by %s: %v", step, amount, a.Hex(), err)
			}
			wantEq(t, "shares for a deposit", mv.Shares, amount)
			wantEq(t, "depositor's stable after deposit", stable(a), new(big.Int).Sub(bal, amount))
			m.checkpoint(mv.BlockNumber)
			m.held.Add(m.held, amount)
			m.principal.Add(m.principal, amount)
			m.deposited.Add(m.deposited, amount)
			m.settle(a)
			get(m.shares, a).Add(get(m.shares, a), amount)
			if lock > 0 {
				m.unlockAt[a] = blockTime(mv.BlockNumber) + uint64(lock/time.Second)
			}
			counts["deposit"]++

		case r < 40: // withdraw
			k := actors[rng.IntN(len(actors))]
			a := addr(k)
			sh := get(m.shares, a)
			var amount *big.Int
			switch x := rng.IntN(6); {
			case sh.Sign() == 0 || x == 0:
				amount = new(big.Int).Add(sh, big.NewInt(1)) // more than one's principal
			case x < 3:
				amount = bi(sh) // leave
			default:
				amount = randUpTo(sh)
			}
			ls := -1
			if lock > 0 {
				ls = lockState(a)
			}
			switch {
			case ls == 0:
				counts["withdraw skipped (lock boundary)"]++
				continue
			case ls == 1:
				refused(step, "withdraw while locked", ErrSharesLocked, func() error { _, err := n.chain.Withdraw(ctx, k, v.Vault, amount); return err })
				counts["withdraw refused (locked)"]++
				continue
			case amount.Cmp(sh) > 0:
				refused(step, "withdraw above principal", ErrAboveVaultMax, func() error { _, err := n.chain.Withdraw(ctx, k, v.Vault, amount); return err })
				counts["withdraw refused (above principal)"]++
				continue
			}
			bal := stable(a)
			mv, err := n.chain.Withdraw(ctx, k, v.Vault, amount)
			if err != nil {
				t.Fatalf("step %d: withdraw %s of %s by %s: %v", step, amount, sh, a.Hex(), err)
			}
			wantEq(t, "principal back to the member", stable(a), new(big.Int).Add(bal, amount))
			wantEq(t, "shares burnt", mv.Shares, amount)
			m.checkpoint(mv.BlockNumber)
			m.held.Sub(m.held, amount)
			m.principal.Sub(m.principal, amount)
			m.withdrawn.Add(m.withdrawn, amount)
			m.settle(a)
			sh.Sub(sh, amount)
			if sh.Sign() == 0 {
				counts["member left, principal whole"]++
			}
			counts["withdraw"]++

		case r < 52: // harvest
			h := headNum()
			est := new(big.Int).Add(m.held, m.accrued(h))
			est.Sub(est, m.principal)
			supply := m.supply()
			if est.Sign() <= 0 || m.mode == CreditsPerDepositor && supply.Sign() == 0 {
				refused(step, "harvest with nothing to harvest", ErrNothingToHarvest, func() error { _, err := n.chain.Harvest(ctx, n.deployer, v.Vault); return err })
				counts["harvest refused"]++
				continue
			}
			principalBefore := v.state(t).Principal
			res, err := n.chain.Harvest(ctx, actors[0], v.Vault) // anyone may harvest
			if err != nil {
				t.Fatalf("step %d: harvest: %v", step, err)
			}
			m.checkpoint(res.BlockNumber)
			y := new(big.Int).Sub(m.held, m.principal)
			wantEq(t, fmt.Sprintf("step %d: harvested yield", step), res.Yield, y)
			m.held.Sub(m.held, y)
			m.harvested.Add(m.harvested, y)
			if m.mode == CreditsCommunity {
				get(m.credits, m.holder).Add(get(m.credits, m.holder), y)
			} else {
				dist := new(big.Int).Add(y, m.carry)
				inc := new(big.Int).Mul(dist, accScale)
				inc.Quo(inc, supply)
				m.acc.Add(m.acc, inc)
				used := new(big.Int).Mul(inc, supply)
				used.Add(used, new(big.Int).Sub(accScale, big.NewInt(1))).Quo(used, accScale) // rounded up
				m.carry = dist.Sub(dist, used)
			}
			s := v.state(t)
			wantEq(t, "principal across a harvest", s.Principal, principalBefore)
			wantEq(t, "strategy assets right after a harvest", s.StrategyAssets, s.Principal)
			counts["harvest"]++

		case r < 60: // blocks pass
			for range 1 + rng.IntN(30) {
				n.chain.Mine()
			}
			counts["blocks"]++

		case r < 70: // time passes
			span := int64(600)
			if lock > 0 {
				span = int64(2 * lock / time.Second)
			}
			if err := n.chain.AdvanceTime(time.Duration(rng.Int64N(span)) * time.Second); err != nil {
				t.Fatal(err)
			}
			counts["time"]++

		case r < 85: // pay from credits
			k := holderKey
			if m.mode == CreditsPerDepositor {
				k = actors[rng.IntN(len(actors))]
			}
			a := addr(k)
			c := m.creditsOf(a)
			job := jobID(fmt.Sprint("credit job ", step))
			if c.Sign() == 0 || rng.IntN(5) == 0 {
				over := new(big.Int).Add(c, big.NewInt(1))
				refused(step, "pay above credits", ErrInsufficientCredits, func() error {
					_, err := n.chain.PayWithCredits(ctx, k, v.Vault, job, over)
					return err
				})
				counts["credit payment refused"]++
				continue
			}
			amount := randUpTo(c)
			if rng.IntN(4) == 0 {
				amount = bi(c) // spend it all; the next try finds none
			}
			p, err := n.chain.PayWithCredits(ctx, k, v.Vault, job, amount)
			if err != nil {
				t.Fatalf("step %d: pay %s of %s credits: %v", step, amount, c, err)
			}
			if p.Buyer != a || p.Amount.Cmp(amount) != 0 || p.Epoch != m.epoch || p.JobID != job {
				t.Fatalf("step %d: payment %+v, want %s paying %s in epoch %d", step, p, a.Hex(), amount, m.epoch)
			}
			m.settle(a)
			get(m.credits, a).Sub(get(m.credits, a), amount)
			m.spent.Add(m.spent, amount)
			m.pay(t, amount)
			paid, _ := n.chain.PaidFor(ctx, job)
			wantEq(t, "paid for a credit job", paid, amount)
			if amount.Cmp(c) == 0 { // spent to the last unit: the same credits cannot pay again
				refused(step, "spend the same credits twice", ErrInsufficientCredits, func() error {
					_, err := n.chain.PayWithCredits(ctx, k, v.Vault, job, amount)
					return err
				})
			}
			counts["credit payment"]++

		case r < 89: // pay in stable
			amount := randAmount(5_000_000)
			n.fundAndPay(t, fmt.Sprint("cash job ", step), amount)
			m.pay(t, amount)
			counts["cash payment"]++

		case r < 95: // share transfer
			from := actors[rng.IntN(len(actors))]
			to := actors[rng.IntN(len(actors))]
			fa, ta := addr(from), addr(to)
			sh := get(m.shares, fa)
			ls := -1
			if lock > 0 {
				ls = lockState(fa)
			}
			var amount *big.Int
			if sh.Sign() == 0 || rng.IntN(6) == 0 {
				amount = new(big.Int).Add(sh, big.NewInt(1))
			} else {
				amount = randUpTo(sh)
			}
			transfer := func() error {
				_, err := n.chain.transact(ctx, "transfer shares", from, &v.Vault, vaultC.PackTransfer(ta, amount))
				return err
			}
			switch {
			case ls == 0:
				counts["transfer skipped (lock boundary)"]++
				continue
			case ls == 1:
				refused(step, "transfer while locked", ErrSharesLocked, transfer)
				counts["transfer refused (locked)"]++
				continue
			case amount.Cmp(sh) > 0:
				refused(step, "transfer above balance", ErrInsufficientBalance, transfer)
				counts["transfer refused (balance)"]++
				continue
			}
			if err := transfer(); err != nil {
				t.Fatalf("step %d: transfer %s shares: %v", step, amount, err)
			}
			m.settle(fa)
			if ta != fa {
				m.settle(ta)
			}
			sh.Sub(sh, amount)
			get(m.shares, ta).Add(get(m.shares, ta), amount)
			counts["transfer"]++

		case r < 98: // a donation, to the vault or the strategy: changes nothing that counts
			amount := randAmount(2_000_000)
			to, model := v.Vault, m.vaultDonated
			if rng.IntN(2) == 0 {
				to, model = v.Strategy, m.stratDonated
			}
			if _, err := n.chain.MintTestStable(ctx, n.deployer, to, amount); err != nil {
				t.Fatal(err)
			}
			model.Add(model, amount)
			counts["donation"]++

		default: // the epoch closes
			n.settle(t, []rewards.Leaf{leaf(testKey(t, "node"), big.NewInt(0), big.NewInt(0))}, big.NewInt(0), big.NewInt(0))
			m.epoch++
			counts["epoch"]++
		}
		checkVault(t, step, n, v, m, everyone)
	}
	t.Logf("steps: %v", counts)
	t.Logf("end: principal %s (deposited %s, withdrawn %s), harvested %s, spent %s, revenue %v",
		m.principal, m.deposited, m.withdrawn, m.harvested, m.spent, m.revenue)
	for _, must := range []string{"deposit", "withdraw", "harvest", "credit payment", "credit payment refused", "harvest refused", "transfer", "member left, principal whole"} {
		if counts[must] == 0 {
			t.Errorf("the sequence never did %q: choose another seed or more steps", must)
		}
	}
}

// checkVault holds the chain to the model and checks the invariants.
func checkVault(t *testing.T, step int, n *testNet, v *vaultNet, m *vaultModel, everyone []common.Address) {
	t.Helper()
	ctx := testCtx(t)
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("step %d: "+format, append([]any{step}, args...)...)
	}
	s := v.state(t)
	head, err := n.chain.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.Principal.Cmp(m.principal) != 0 || s.Principal.Cmp(new(big.Int).Sub(m.deposited, m.withdrawn)) != 0 {
		fail("principal %s, model %s, deposited − withdrawn %s", s.Principal, m.principal, new(big.Int).Sub(m.deposited, m.withdrawn))
	}
	if s.Shares.Cmp(m.supply()) != 0 {
		fail("shares %s, model %s", s.Shares, m.supply())
	}
	wantAssets := new(big.Int).Add(m.held, m.accrued(head))
	if s.StrategyAssets.Cmp(wantAssets) != 0 {
		fail("strategy assets %s, model %s", s.StrategyAssets, wantAssets)
	}
	if s.StrategyAssets.Cmp(s.Principal) < 0 {
		fail("strategy holds %s, less than the principal %s", s.StrategyAssets, s.Principal)
	}
	if s.TotalHarvested.Cmp(m.harvested) != 0 || s.TotalSpent.Cmp(m.spent) != 0 {
		fail("harvested %s spent %s, model %s %s", s.TotalHarvested, s.TotalSpent, m.harvested, m.spent)
	}
	unspent := new(big.Int).Sub(m.harvested, m.spent)
	if s.TotalCredits.Cmp(unspent) != 0 {
		fail("total credits %s, want harvested − spent %s", s.TotalCredits, unspent)
	}
	withdrawable, credits := new(big.Int), new(big.Int)
	for _, a := range everyone {
		mem, err := n.chain.VaultMember(ctx, v.Vault, a)
		if err != nil {
			t.Fatal(err)
		}
		if mem.Shares.Cmp(get(m.shares, a)) != 0 || mem.Principal.Cmp(mem.Shares) != 0 {
			fail("%s: shares %s principal %s, model shares %s", a.Hex(), mem.Shares, mem.Principal, get(m.shares, a))
		}
		if want := m.creditsOf(a); mem.Credits.Cmp(want) != 0 {
			fail("%s: credits %s, model %s", a.Hex(), mem.Credits, want)
		}
		if m.unlockAt[a] != mem.UnlockAt {
			fail("%s: unlocks at %d, model %d", a.Hex(), mem.UnlockAt, m.unlockAt[a])
		}
		withdrawable.Add(withdrawable, mem.Principal)
		credits.Add(credits, mem.Credits)
	}
	if withdrawable.Cmp(new(big.Int).Sub(m.deposited, m.withdrawn)) < 0 {
		fail("withdrawable principal %s < deposited − withdrawn", withdrawable)
	}
	if credits.Cmp(unspent) > 0 || unspent.Cmp(m.harvested) > 0 {
		fail("credits %s exceed harvested − spent %s", credits, unspent)
	}
	stable := func(a common.Address) *big.Int {
		b, err := n.chain.BalanceOf(ctx, TokenStable, a)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if got, want := stable(v.Vault), new(big.Int).Add(unspent, m.vaultDonated); got.Cmp(want) != 0 {
		fail("vault holds %s stable, want unspent credits + donations %s", got, want)
	}
	if got, want := stable(v.Strategy), new(big.Int).Add(m.held, m.stratDonated); got.Cmp(want) != 0 {
		fail("strategy holds %s stable, want %s", got, want)
	}
	if got := stable(n.addrs.Marketplace); got.Sign() != 0 {
		fail("marketplace kept %s stable", got)
	}
	if got := stable(n.addrs.Distributor); got.Cmp(m.toDistributor) != 0 {
		fail("distributor has %s stable, revenue share model %s", got, m.toDistributor)
	}
	if got := stable(n.treasury); got.Cmp(m.toTreasury) != 0 {
		fail("treasury has %s stable, model %s", got, m.toTreasury)
	}
	rev, err := n.chain.RevenueOf(ctx, m.epoch)
	if err != nil {
		t.Fatal(err)
	}
	if rev.Cmp(get2(m.revenue, m.epoch)) != 0 {
		fail("revenue of epoch %d = %s, model %s", m.epoch, rev, get2(m.revenue, m.epoch))
	}
}
