//go:build !nodeonly

package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/rewards"
)

// networkCmds are the commands beyond a home node's: running coordinators,
// operating and buying from a network, and the dev network. The node-only
// build (-tags nodeonly, nodeonly.go) leaves them out, and with them
// everything coord, devnet and buyer link.
func networkCmds(a *app) []*cobra.Command {
	return []*cobra.Command{newCoordCmd(a), newOperatorCmd(a), newBuyerCmd(a), newCommunityCmd(a), newDevCmd(a), newCheckerCmd(a)}
}

// buildNote is added to errors about settings no command has.
const buildNote = ""

// progName is the name the binary is installed under: meadow, or
// meadow-node for the node-only build. Help and printed commands use it.
const progName = "meadow"

// newSettleCmd is `meadow operator settle`.
func newSettleCmd(a *app, coordURL, token *string) *cobra.Command {
	var epoch uint64
	cmd := &cobra.Command{
		Use:   "settle",
		Short: "Settle the next epoch: split its emission and revenue share by verified work, sign with the operators' keys, post the root on chain",
		Long: `Settle the next epoch. The leader reads the epoch's emission and revenue
share limits from the distributor, settles the work units nodes earned since
the last epoch into cumulative balances and a reward tree, asks every
coordinator to sign the root its own replica computed (each with its own
operator key), posts the root with those signatures, and records the post.
Nodes then claim with meadow node claim. A settlement that fails to post
changes nothing; run it again.`,
		Example: `  meadow operator settle --coord http://coord1:8080 --cluster-token $TOKEN
  meadow operator settle --epoch 7 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var r api.SettleResponse
			ctx, cancel := context.WithTimeout(cmdContext(cmd), 2*time.Minute)
			defer cancel()
			if err := postToken(ctx, *coordURL, "/v1/cluster/settle", *token, api.SettleRequest{Epoch: epoch}, &r); err != nil {
				return err
			}
			if err := r.Validate(); err != nil {
				return fmt.Errorf("the coordinator's answer: %w", err)
			}
			if a.jsonOut {
				return a.printJSON(r)
			}
			fmt.Fprintf(a.stdout, "epoch %d settled: %s MEADOW emitted, %s stable shared, for %d work units over %d accounts\n",
				r.Epoch, rewards.FormatAmount(r.Emission, 18), rewards.FormatAmount(r.RevenueShare, 6), r.Units, r.Leaves)
			var signers []string
			for _, s := range r.Signers {
				signers = append(signers, s.Hex())
			}
			fmt.Fprintf(a.stdout, "  root %s\n  signed by %s\n  posted in %s\n", r.Root.Hex(), strings.Join(signers, ", "), r.Tx.Hex())
			if r.Referral != "" {
				fmt.Fprintf(a.stdout, "  referrals: %s MEADOW to %d referrer(s) from the referral reserve; %s MEADOW of it not minted\n",
					rewards.FormatAmount(r.Referral, 18), len(r.Referrers), rewards.FormatAmount(r.Unminted, 18))
				for _, p := range r.Referrers {
					fmt.Fprintf(a.stdout, "    %s  %s MEADOW\n", p.Account.Hex(), rewards.FormatAmount(p.Meadow, 18))
				}
			}
			return nil
		},
	}
	cmd.Flags().Uint64Var(&epoch, "epoch", 0, "the epoch expected to be next (0: whichever is next); guards against settling twice")
	return cmd
}

// newBuyerPayCmd is `meadow buyer pay`.
func newBuyerPayCmd(a *app, f *buyerFlags) *cobra.Command {
	var rpc, asAccount, credits string
	cmd := &cobra.Command{
		Use:   "pay JOB",
		Short: "Pay a done job's price on chain in the stable token, and wait until the coordinators count it",
		Long: `Pay for a job. A job's price is its accepted rows at the network's price per
row, known once it is done (meadow buyer job status shows it). The payment
goes from the buyer's key (--key) to the marketplace contract, naming the
job; once the coordinators have seen it, the job's dataset downloads.

With --as-account, a community's account pays from its own stable tokens:
the key holds the account's token and signs the account's calls (an
approval when needed, then the payment), and the account is the payment's
buyer on chain.

With --credits VAULT, the payment comes from compute credits in that vault
(the key's own credits, or with --as-account the account's) instead of
stable tokens; it counts as any payment.`,
		Example: `  meadow buyer pay j-00000000000000a1
  meadow buyer pay j-00000000000000a1 --as-account 0xCOMMUNITY_ACCOUNT
  meadow buyer pay j-00000000000000a1 --credits 0xVAULT --as-account 0xCOMMUNITY_ACCOUNT`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var src buyer.PaySource
			if asAccount != "" {
				var err error
				if src.Account, err = parseFlagAddress("--as-account", asAccount, "the community's account that pays (its token held by --key)"); err != nil {
					return err
				}
			}
			if credits != "" {
				var err error
				if src.Vault, err = parseFlagAddress("--credits", credits, "the vault whose compute credits pay"); err != nil {
					return err
				}
			}
			ctx, cancel := context.WithTimeout(cmdContext(cmd), 5*time.Minute)
			defer cancel()
			c, ch, err := f.payer(ctx, a, rpc)
			if err != nil {
				return err
			}
			defer ch.Close()
			p, err := c.PayFrom(ctx, ch, args[0], src, 250*time.Millisecond)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(p)
			}
			fmt.Fprintf(a.stdout, "paid %s stable for job %s from %s in %s (epoch %d); the coordinators counted it after %s\n",
				rewards.FormatAmount(p.Amount.String(), 6), p.JobID, src, p.Tx.Hex(), p.Epoch, p.Seen.Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().StringVar(&rpc, "chain-rpc", "", "the chain's JSON-RPC URL (default: the one the coordinators publish)")
	cmd.Flags().StringVar(&asAccount, "as-account", "", "pay from a community's account whose token --key holds (ERC-6551), instead of from the key's own tokens")
	cmd.Flags().StringVar(&credits, "credits", "", "pay from compute credits in this vault instead of stable tokens")
	return cmd
}

// payer is the buyer's client and the chain it pays on: the chain the
// coordinators publish, or rpc when set. The caller closes the chain.
func (f *buyerFlags) payer(ctx context.Context, a *app, rpc string) (*buyer.Client, *contracts.Chain, error) {
	c, err := f.client(a, true)
	if err != nil {
		return nil, nil, err
	}
	info, err := c.Chain(ctx)
	if err != nil {
		return nil, nil, err
	}
	ch, err := dialNetworkChain(ctx, info, rpc)
	if err != nil {
		return nil, nil, err
	}
	return c, ch, nil
}

// checkRegistry checks a downloaded dataset's root against the chain's
// registry when the network has a chain; it says what it did.
func checkRegistry(ctx context.Context, c *buyer.Client, rpc, id string, root common.Hash, rows int64) (string, error) {
	info, err := c.Chain(ctx)
	if err != nil {
		return "not checked against a chain (the network has none)", nil
	}
	ch, err := dialNetworkChain(ctx, info, rpc)
	if err != nil {
		return "", err
	}
	defer ch.Close()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := buyer.CheckRegistry(ctx, ch, id, root, uint64(rows), 250*time.Millisecond); err != nil {
		return "", err
	}
	return "root matches the chain's registry", nil
}
