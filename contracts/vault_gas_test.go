package contracts

import (
	"crypto/ecdsa"
	"math/big"
	"testing"
	"time"
)

// TestVaultGasFigures measures the gas of the vault's transactions
// (docs/BENCHMARKS.md quotes them), as TestGasFigures does for the rest:
//
//	go test ./contracts -run TestVaultGasFigures -v
//
// under Osaka rules (the bounds apply there) and under the dev chain's
// rules. Each strategy-touching transaction is measured in a block where
// yield has accrued since the strategy's last checkpoint (the usual case on
// a live chain: the strategy mints the yield before counting).
func TestVaultGasFigures(t *testing.T) {
	t.Run("osaka", func(t *testing.T) { vaultGasFigures(t, newTestNetWith(t, osaka), true) })
	t.Run("dev-chain", func(t *testing.T) { vaultGasFigures(t, newTestNet(t), false) })
}

func vaultGasFigures(t *testing.T, n *testNet, bounded bool) {
	ctx := testCtx(t)
	report := func(what string, gas uint64, bound uint64) {
		t.Helper()
		t.Logf("gas %-62s %7d", what, gas)
		if bounded && gas > bound {
			t.Errorf("%s used %d gas, more than the %d expected", what, gas, bound)
		}
	}
	community := testKey(t, "community account")
	a, b := testKey(t, "alice"), testKey(t, "bob")
	n.fund(t, units(10_000, 6), community, a, b)

	for _, mode := range []CreditsMode{CreditsCommunity, CreditsPerDepositor} {
		cfg := VaultConfig{Name: "Gas", Symbol: "mcG", Mode: mode, Lock: time.Hour, RateBps: 500, BlocksPerYear: 1000}
		payer := a
		if mode == CreditsCommunity {
			cfg.CreditHolder = addr(community)
			payer = community
		}
		d, err := n.chain.DeployVault(ctx, n.deployer, cfg)
		if err != nil {
			t.Fatal(err)
		}
		v := &vaultNet{testNet: n, cfg: cfg, VaultDeployment: d}
		m := " (" + mode.String() + ")"
		report("deploy FixedRateStrategy"+m, d.Creations[0].GasUsed, 700_000)
		report("deploy ComputeVault"+m, d.Creations[1].GasUsed, 2_500_000)

		dep := func(k *ecdsa.PrivateKey, amount int64) uint64 {
			t.Helper()
			v.mine(1)
			return v.deposit(t, k, units(amount, 6)).GasUsed
		}
		report("deposit, first into the vault"+m, dep(a, 1000), 190_000)
		report("deposit, new member"+m, dep(b, 1000), 150_000)
		report("deposit, same member again"+m, dep(a, 500), 120_000)
		v.mine(10)
		report("harvest, first"+m, v.harvest(t).GasUsed, 170_000)
		v.mine(10)
		report("harvest, later"+m, v.harvest(t).GasUsed, 110_000)
		credits := v.credits(t, addr(payer))
		half := new(big.Int).Quo(credits, big.NewInt(2))
		for i, what := range []string{"payWithCredits, first from this vault", "payWithCredits, later"} {
			p, err := n.chain.PayWithCredits(ctx, payer, v.Vault, jobID(what+m), half)
			if err != nil {
				t.Fatal(err)
			}
			rcpt, err := n.chain.Backend().TransactionReceipt(ctx, p.TxHash)
			if err != nil {
				t.Fatal(err)
			}
			report(what+m, rcpt.GasUsed, []uint64{210_000, 125_000}[i])
		}
		if err := n.chain.AdvanceTime(time.Hour); err != nil {
			t.Fatal(err)
		}
		if mode == CreditsPerDepositor {
			rcpt, err := n.chain.transact(ctx, "transfer shares", b, &v.Vault, vaultC.PackTransfer(addr(a), units(100, 6)))
			if err != nil {
				t.Fatal(err)
			}
			report("share transfer"+m, rcpt.GasUsed, 110_000)
		}
		v.mine(1)
		w, err := n.chain.Withdraw(ctx, a, v.Vault, units(100, 6))
		if err != nil {
			t.Fatal(err)
		}
		report("withdraw, part"+m, w.GasUsed, 130_000)
		v.mine(1)
		left, err := n.chain.VaultMember(ctx, v.Vault, addr(b))
		if err != nil {
			t.Fatal(err)
		}
		if w, err = n.chain.Withdraw(ctx, b, v.Vault, left.Principal); err != nil {
			t.Fatal(err)
		}
		report("withdraw, all (a member leaves)"+m, w.GasUsed, 130_000)
	}
}
