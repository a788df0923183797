//go:build !nodeonly

package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
)

// defaultBlocksPerYear is 12-second blocks: what the test strategy spreads
// its annual rate over unless --dev-blocks-per-year says otherwise.
const defaultBlocksPerYear = 2_628_000

// newBuyerVaultCmd is `meadow buyer vault create|deposit|withdraw|harvest|credits`.
func newBuyerVaultCmd(a *app, f *buyerFlags) *cobra.Command {
	var rpc string
	cmd := &cobra.Command{
		Use:   "vault",
		Short: "Compute vaults: members deposit, the principal stays theirs, the yield becomes credits that pay for jobs",
		Long: `A compute vault (ERC-4626 over the network's stable token) holds a
community's capital. Members deposit and get shares worth exactly their
deposit, withdrawable after the vault's lock; the vault's strategy earns
yield on the principal, and harvest turns that yield, never the principal,
into compute credits: the community account's (the default), or each
depositor's pro rata (--per-depositor at creation). Credits pay for jobs
(meadow buyer pay JOB --credits VAULT [--as-account ACCOUNT]) and cannot be
withdrawn as stable.

Amounts are in stable tokens with 6 decimals (0.1 is 100000 base units).
Transactions are signed and paid for by the buyer's key (--key).`,
		Example: `  meadow buyer vault create --community 0xCOLLECTION --lock 720h --network DIR/network.json
  meadow buyer vault deposit --vault 0xVAULT 0.1
  meadow buyer vault harvest --vault 0xVAULT
  meadow buyer vault credits --vault 0xVAULT --account 0xCOMMUNITY_ACCOUNT
  meadow buyer pay j-00000000000000a1 --credits 0xVAULT --as-account 0xCOMMUNITY_ACCOUNT`,
	}
	cmd.PersistentFlags().StringVar(&rpc, "chain-rpc", "", "the chain's JSON-RPC URL (default: the one the coordinators publish)")

	var (
		community, name, symbol string
		perDepositor            bool
		lock                    time.Duration
		rateBps, blocksPerYear  uint64
	)
	create := &cobra.Command{
		Use:   "create --community COLLECTION [--per-depositor] [--lock DURATION] [--dev-rate-bps N]",
		Short: "Create a community's compute vault (dev networks only: its yield strategy is a test one)",
		Long: `Create a compute vault for a community, with its yield strategy. Credits go
to the community's account (token 0's ERC-6551 account), or with
--per-depositor to each depositor pro rata to their shares at each harvest
(then set a --lock longer than the time between harvests: see
contracts/DESIGN.md, "Harvest timing"). Members' shares stay locked for
--lock after each of their deposits.

DEV NETWORKS ONLY. The only strategy written so far is FixedRateStrategy, a
test strategy that pays a fixed annual rate (--dev-rate-bps, spread over
--dev-blocks-per-year blocks) by minting the dev network's test stable
token. A real community's vault needs a strategy over a real yield source,
which does not exist yet; so this command refuses a network whose network
file (--network) does not say "dev": true.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			col, err := parseFlagAddress("--community", community, "the community's collection address (meadow community create prints it)")
			if err != nil {
				return err
			}
			var errs []error
			if lock < 0 || lock > contracts.MaxVaultLock || lock%time.Second != 0 {
				errs = append(errs, fmt.Errorf("--lock %s: expected whole seconds from 0 to %s (4 years), such as 720h", lock, contracts.MaxVaultLock))
			}
			if rateBps > contracts.MaxTestRateBps {
				errs = append(errs, fmt.Errorf("--dev-rate-bps %d: expected 0 to %d (100 %% a year)", rateBps, contracts.MaxTestRateBps))
			}
			if blocksPerYear == 0 {
				errs = append(errs, errors.New("--dev-blocks-per-year 0: expected at least 1"))
			}
			if name == "" || symbol == "" {
				errs = append(errs, errors.New("--name, --symbol: expected the share token's name and symbol, not empty"))
			}
			if err := errors.Join(errs...); err != nil {
				return usageError(err)
			}
			n, ok, err := f.loadNetwork()
			if err != nil {
				return err
			}
			if !ok || !n.Dev {
				return usageError(errors.New("--network: expected the dev network's network file (\"dev\": true; meadow dev writes DIR/network.json): vault create deploys the test yield strategy, which only a dev network's test stable token can pay"))
			}
			ctx, cancel := context.WithTimeout(cmdContext(cmd), communityTimeout)
			defer cancel()
			s, err := f.openCommunities(ctx, a, rpc, true)
			if err != nil {
				return err
			}
			defer s.close()
			if err := s.checkCommunity(ctx, col); err != nil {
				return err
			}
			cfg := contracts.VaultConfig{Name: name, Symbol: symbol, Mode: contracts.CreditsCommunity, Lock: lock, RateBps: rateBps, BlocksPerYear: blocksPerYear}
			if perDepositor {
				cfg.Mode = contracts.CreditsPerDepositor
			} else if cfg.CreditHolder, err = s.cm.AccountOf(ctx, col, 0); err != nil {
				return err
			}
			a.progressf("creating a %s vault for %s (test strategy, %d bps a year over %d blocks): two transactions, waiting until mined", cfg.Mode, col.Hex(), rateBps, blocksPerYear)
			d, err := s.ch.DeployVault(ctx, s.key, cfg)
			if err != nil {
				return err
			}
			st, err := s.ch.Vault(ctx, d.Vault)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(map[string]any{"vault": d.Vault, "strategy": d.Strategy, "community": col, "mode": cfg.Mode.String(),
					"credit_holder": st.CreditHolder, "lock_seconds": int64(st.Lock / time.Second), "rate_bps": rateBps,
					"blocks_per_year": blocksPerYear, "test_strategy": true, "creations": d.Creations})
			}
			w := a.stdout
			fmt.Fprintf(w, "vault %s created for community %s\n", d.Vault.Hex(), col.Hex())
			if cfg.Mode == contracts.CreditsCommunity {
				fmt.Fprintf(w, "  credits   to the community's account %s\n", st.CreditHolder.Hex())
			} else {
				fmt.Fprintf(w, "  credits   to each depositor, pro rata to their shares at each harvest\n")
			}
			fmt.Fprintf(w, "  lock      %s after each deposit\n", st.Lock)
			fmt.Fprintf(w, "  strategy  %s: TEST ONLY, %d bps a year over %d blocks, paid by minting the dev stable token\n", d.Strategy.Hex(), rateBps, blocksPerYear)
			fmt.Fprintf(w, "members deposit with: meadow buyer vault deposit --vault %s AMOUNT\n", d.Vault.Hex())
			return nil
		},
	}
	cf := create.Flags()
	cf.StringVar(&community, "community", "", "the community's collection address")
	cf.BoolVar(&perDepositor, "per-depositor", false, "credit each depositor pro rata to their shares, instead of the community's account")
	cf.DurationVar(&lock, "lock", 0, "how long a member's shares stay locked after each of their deposits (whole seconds, at most 4 years; 0: none)")
	cf.Uint64Var(&rateBps, "dev-rate-bps", 500, "the test strategy's annual rate in basis points (500 = 5 %)")
	cf.Uint64Var(&blocksPerYear, "dev-blocks-per-year", defaultBlocksPerYear, "blocks the test strategy spreads its annual rate over (2628000: 12-second blocks)")
	cf.StringVar(&name, "name", "Meadow compute vault", "the vault share token's name")
	cf.StringVar(&symbol, "symbol", "MCV", "the vault share token's symbol")

	var vault string
	move := func(deposit bool) *cobra.Command {
		use, short := "deposit --vault VAULT AMOUNT", "Deposit stable into a vault for shares worth exactly the deposit (restarts your lock)"
		if !deposit {
			use, short = "withdraw --vault VAULT AMOUNT", "Withdraw principal from a vault, once your lock has passed"
		}
		c := &cobra.Command{
			Use:   use,
			Short: short,
			Args:  exactArgs("AMOUNT", 1),
			RunE: func(cmd *cobra.Command, args []string) error {
				v, err := parseFlagAddress("--vault", vault, "the vault's address (meadow buyer vault create prints it)")
				if err != nil {
					return err
				}
				amount, err := parseStable("AMOUNT", args[0])
				if err != nil {
					return usageError(err)
				}
				ctx, cancel := context.WithTimeout(cmdContext(cmd), communityTimeout)
				defer cancel()
				vs, err := f.openVault(ctx, a, rpc, v, true)
				if err != nil {
					return err
				}
				defer vs.close()
				verb := "deposit"
				if !deposit {
					verb = "withdraw"
				}
				a.progressf("%s %s stable %s vault %s: waiting until mined", verb, formatStable(amount), map[bool]string{true: "into", false: "from"}[deposit], v.Hex())
				var mv contracts.VaultMove
				if deposit {
					mv, err = vs.ch.Deposit(ctx, vs.key, v, amount)
				} else {
					mv, err = vs.ch.Withdraw(ctx, vs.key, v, amount)
				}
				if err != nil {
					return vaultMoveError(err, args[0], vs)
				}
				m, err := vs.ch.VaultMember(ctx, v, vs.addr)
				if err != nil {
					return err
				}
				if a.jsonOut {
					return a.printJSON(map[string]any{"vault": v, "account": vs.addr, "assets": mv.Assets.String(), "shares": mv.Shares.String(),
						"tx": mv.TxHash, "block": mv.BlockNumber, "member": m})
				}
				past := map[bool]string{true: "deposited", false: "withdrew"}[deposit]
				fmt.Fprintf(a.stdout, "%s %s stable (%s shares) in block %d (tx %s); %s now has %s stable of principal in the vault%s\n",
					past, formatStable(mv.Assets), mv.Shares, mv.BlockNumber, mv.TxHash.Hex(), vs.addr.Hex(), formatStable(m.Principal), unlockNote(m.UnlockAt))
				return nil
			},
		}
		c.Flags().StringVar(&vault, "vault", "", "the vault's address")
		return c
	}

	harvest := &cobra.Command{
		Use:   "harvest --vault VAULT",
		Short: "Turn a vault's yield (never its principal) into compute credits; anyone may",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, err := parseFlagAddress("--vault", vault, "the vault's address (meadow buyer vault create prints it)")
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmdContext(cmd), communityTimeout)
			defer cancel()
			vs, err := f.openVault(ctx, a, rpc, v, true)
			if err != nil {
				return err
			}
			defer vs.close()
			a.progressf("harvesting vault %s: one transaction, waiting until mined", v.Hex())
			h, err := vs.ch.Harvest(ctx, vs.key, v)
			if err != nil {
				if errors.Is(err, contracts.ErrNothingToHarvest) {
					return fmt.Errorf("--vault %s: nothing to harvest yet (no yield since the last harvest, or no shares to credit it to); wait for blocks to pass: %w", v.Hex(), err)
				}
				return err
			}
			st, err := vs.ch.Vault(ctx, v)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(map[string]any{"vault": v, "yield": h.Yield.String(), "total_harvested": h.TotalHarvested.String(),
					"total_credits": st.TotalCredits.String(), "principal": st.Principal.String(), "tx": h.TxHash, "block": h.BlockNumber})
			}
			fmt.Fprintf(a.stdout, "harvested %s stable of yield into credits in block %d (tx %s); the vault has harvested %s in all, %s unspent; principal %s stays whole\n",
				formatStable(h.Yield), h.BlockNumber, h.TxHash.Hex(), formatStable(h.TotalHarvested), formatStable(st.TotalCredits), formatStable(st.Principal))
			return nil
		},
	}
	harvest.Flags().StringVar(&vault, "vault", "", "the vault's address")

	var account string
	credits := &cobra.Command{
		Use:   "credits --vault VAULT [--account ADDRESS]",
		Short: "Show a vault's totals and an account's shares, principal, lock and credits",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, err := parseFlagAddress("--vault", vault, "the vault's address (meadow buyer vault create prints it)")
			if err != nil {
				return err
			}
			var who common.Address
			if account != "" {
				if who, err = parseFlagAddress("--account", account, "the account whose credits to show"); err != nil {
					return err
				}
			}
			ctx, cancel := context.WithTimeout(cmdContext(cmd), communityTimeout)
			defer cancel()
			vs, err := f.openVault(ctx, a, rpc, v, account == "")
			if err != nil {
				return err
			}
			defer vs.close()
			if who == (common.Address{}) {
				who = vs.addr
			}
			m, err := vs.ch.VaultMember(ctx, v, who)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(map[string]any{"vault": vs.state, "account": who, "member": m})
			}
			st := vs.state
			fmt.Fprintf(a.stdout, "vault %s (%s credits, lock %s)\n", v.Hex(), st.Mode, st.Lock)
			fmt.Fprintf(a.stdout, "  principal %s stable in %s shares; yield not yet harvested %s\n", formatStable(st.Principal), st.Shares, formatStable(st.PendingYield))
			fmt.Fprintf(a.stdout, "  credits   %s harvested, %s spent, %s unspent\n", formatStable(st.TotalHarvested), formatStable(st.TotalSpent), formatStable(st.TotalCredits))
			fmt.Fprintf(a.stdout, "%s\n  credits   %s stable\n  principal %s stable (%s shares)%s\n", who.Hex(), formatStable(m.Credits), formatStable(m.Principal), m.Shares, unlockNote(m.UnlockAt))
			return nil
		},
	}
	credits.Flags().StringVar(&vault, "vault", "", "the vault's address")
	credits.Flags().StringVar(&account, "account", "", "whose credits (default: the buyer's key's address; a community's account for its credits)")

	cmd.AddCommand(create, move(true), move(false), harvest, credits)
	return cmd
}

// unlockNote says when a member's shares unlock, if that is still ahead.
func unlockNote(at uint64) string {
	if at == 0 || int64(at) <= time.Now().Unix() {
		return ""
	}
	return "; locked until " + time.Unix(int64(at), 0).UTC().Format(time.RFC3339)
}

// vaultMoveError names the argument and what to do for the errors a member
// meets.
func vaultMoveError(err error, amount string, vs *vaultSession) error {
	switch {
	case errors.Is(err, contracts.ErrInsufficientBalance):
		return fmt.Errorf("AMOUNT %s: more than --key's address %s holds: %w", amount, vs.addr.Hex(), err)
	case errors.Is(err, contracts.ErrAboveVaultMax):
		return fmt.Errorf("AMOUNT %s: more than %s's principal in the vault: %w", amount, vs.addr.Hex(), err)
	case errors.Is(err, contracts.ErrSharesLocked):
		return fmt.Errorf("%s's shares are still locked (the vault's lock runs from each deposit): %w", vs.addr.Hex(), err)
	}
	return err
}

// vaultSession is the network's chain, a vault's state, and the buyer's
// key when asked for.
type vaultSession struct {
	ch    *contracts.Chain
	state contracts.VaultState
	key   *ecdsa.PrivateKey // nil unless asked for
	addr  common.Address
}

func (s *vaultSession) close() { s.ch.Close() }

// openVault connects to the network's chain and reads the vault, refusing
// an address that is no vault of this network's marketplace.
func (f *buyerFlags) openVault(ctx context.Context, a *app, rpc string, v common.Address, needKey bool) (*vaultSession, error) {
	c, err := f.client(a, needKey)
	if err != nil {
		return nil, err
	}
	info, err := c.Chain(ctx)
	if err != nil {
		return nil, fmt.Errorf("the network's chain (GET /v1/chain): %w", err)
	}
	ch, err := dialNetworkChain(ctx, info, rpc)
	if err != nil {
		return nil, err
	}
	st, err := ch.Vault(ctx, v)
	if err != nil {
		ch.Close()
		return nil, usageError(fmt.Errorf("--vault %s: not a compute vault (expected the address meadow buyer vault create printed): %w", v.Hex(), err))
	}
	if st.Marketplace != info.Marketplace {
		ch.Close()
		return nil, usageError(fmt.Errorf("--vault %s: a vault of another marketplace (%s, this network's is %s); its credits pay for nothing here", v.Hex(), st.Marketplace.Hex(), info.Marketplace.Hex()))
	}
	s := &vaultSession{ch: ch, state: st}
	if needKey {
		if s.key, err = api.LoadOrCreateKey(f.keyFile); err != nil {
			ch.Close()
			return nil, err
		}
		s.addr = crypto.PubkeyToAddress(s.key.PublicKey)
	}
	return s, nil
}
