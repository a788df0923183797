package main

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/node"
	"github.com/meadow-net/meadow/rewards"
)

// dialNetworkChain connects to the chain a network settles on: the JSON-RPC
// endpoint given (--chain-rpc) or the one info publishes, checked to be
// chain info.ChainID, attached to info's contracts. meadow coord uses it
// with its own flags, the node and buyer commands with GET /v1/chain.
func dialNetworkChain(ctx context.Context, info api.ChainInfo, rpc string) (*contracts.Chain, error) {
	if rpc == "" {
		rpc = info.Endpoint
	}
	if rpc == "" {
		return nil, usageError(errors.New("--chain-rpc: the coordinators publish no chain endpoint; expected the chain's JSON-RPC URL"))
	}
	ch, err := contracts.Dial(ctx, rpc)
	if err != nil {
		return nil, usageError(fmt.Errorf("--chain-rpc %q: %w", rpc, err))
	}
	id, err := ch.ChainID(ctx)
	if err != nil {
		ch.Close()
		return nil, err
	}
	if id.Uint64() != info.ChainID {
		ch.Close()
		return nil, usageError(fmt.Errorf("--chain-rpc %q: the chain there is chain %d, expected chain %d (--chain-id)", rpc, id, info.ChainID))
	}
	if _, err := ch.Attach(ctx, info.Distributor, info.Registry, info.DeployBlock); err != nil {
		ch.Close()
		return nil, fmt.Errorf("the contracts at distributor %s, registry %s: %w", info.Distributor.Hex(), info.Registry.Hex(), err)
	}
	return ch, nil
}

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
			return nil
		},
	}
	cmd.Flags().Uint64Var(&epoch, "epoch", 0, "the epoch expected to be next (0: whichever is next); guards against settling twice")
	return cmd
}

// nodeRewardsFlags are shared by meadow node rewards and meadow node claim.
type nodeRewardsFlags struct {
	coord   []string
	dataDir string
	address string
	keyFile string
	rpc     string
	chainID uint64
}

func (f *nodeRewardsFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringSliceVar(&f.coord, "coord", []string{"http://127.0.0.1:8080"}, "coordinator URLs, comma-separated")
	fl.StringVar(&f.dataDir, "data-dir", "", "the node's data dir, which holds its key")
	fl.StringVar(&f.address, "address", "", "the node's address instead of --data-dir (a browser extension's, shown in its popup)")
	fl.StringVar(&f.keyFile, "key", "", "with --address: a key file whose account pays the claim's gas (the rewards still go to --address)")
	fl.StringVar(&f.rpc, "chain-rpc", "", "the chain's JSON-RPC URL (default: the one the coordinators publish)")
	fl.Uint64Var(&f.chainID, "chain-id", api.DevChainID, "chain id of the network's contracts")
}

// open loads the node's identity (with --address, the account and the key
// that pays the gas, if any) and asks the coordinators for its rewards.
func (f *nodeRewardsFlags) open(ctx context.Context, a *app) (*node.Identity, *node.Client, api.NodeRewards, error) {
	var (
		id  *node.Identity
		err error
	)
	switch {
	case f.dataDir != "" && f.address != "":
		return nil, nil, api.NodeRewards{}, usageError(errors.New("--address: expected either --data-dir or --address, not both"))
	case f.address != "":
		if !common.IsHexAddress(f.address) || !strings.HasPrefix(f.address, "0x") {
			return nil, nil, api.NodeRewards{}, usageError(fmt.Errorf("--address %q: expected 0x and 40 hex digits", f.address))
		}
		id = &node.Identity{Address: common.HexToAddress(f.address)}
		if f.keyFile != "" {
			if id.Key, err = api.LoadOrCreateKey(f.keyFile); err != nil {
				return nil, nil, api.NodeRewards{}, fmt.Errorf("--key: %w", err)
			}
		}
	case f.dataDir != "":
		if id, err = node.LoadOrCreateIdentity(f.dataDir); err != nil {
			return nil, nil, api.NodeRewards{}, err
		}
	default:
		return nil, nil, api.NodeRewards{}, usageError(errors.New("--data-dir: expected the node's data dir (it holds the key rewards are paid to), or --address"))
	}
	c, err := node.NewClient(node.ClientConfig{Coordinators: f.coord, Key: id.Key, Domain: api.DomainFor(f.chainID), Logger: a.logger})
	if err != nil {
		return nil, nil, api.NodeRewards{}, usageError(err)
	}
	r, err := c.Rewards(ctx, id.Address.Hex())
	return id, c, r, err
}

// nodeRewardsReport is what meadow node rewards prints.
type nodeRewardsReport struct {
	api.NodeRewards
	// ClaimedMeadow and ClaimedStable are what the distributor paid the
	// node so far; Claimable* what a claim would pay now.
	ClaimedMeadow   string `json:"claimed_meadow"`
	ClaimedStable   string `json:"claimed_stable"`
	ClaimableMeadow string `json:"claimable_meadow"`
	ClaimableStable string `json:"claimable_stable"`
}

func newNodeRewardsCmds(a *app) []*cobra.Command {
	var rf nodeRewardsFlags
	rewardsCmd := &cobra.Command{
		Use:   "rewards",
		Short: "Show the node's rewards: work units pending, balance settled, what is claimable, history by epoch",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmdContext(cmd)
			id, c, r, err := rf.open(ctx, a)
			if err != nil {
				return err
			}
			rep := nodeRewardsReport{NodeRewards: r, ClaimedMeadow: "0", ClaimedStable: "0", ClaimableMeadow: r.Meadow, ClaimableStable: r.Stable}
			if info, err := c.Chain(ctx); err == nil {
				ch, err := dialNetworkChain(ctx, info, rf.rpc)
				if err != nil {
					return err
				}
				defer ch.Close()
				m, s, err := ch.Claimed(ctx, id.Address)
				if err != nil {
					return err
				}
				rep.ClaimedMeadow, rep.ClaimedStable = m.String(), s.String()
				rep.ClaimableMeadow = new(big.Int).Sub(amountOf(r.Meadow), m).String()
				rep.ClaimableStable = new(big.Int).Sub(amountOf(r.Stable), s).String()
			}
			if a.jsonOut {
				return a.printJSON(rep)
			}
			fmt.Fprintf(a.stdout, "node %s\n", id.Address.Hex())
			fmt.Fprintf(a.stdout, "  work units   %d in all, %d pending settlement\n", r.Units, r.PendingUnits)
			fmt.Fprintf(a.stdout, "  settled      %s MEADOW, %s stable (epoch %d)\n", rewards.FormatAmount(r.Meadow, 18), rewards.FormatAmount(r.Stable, 6), r.Epoch)
			fmt.Fprintf(a.stdout, "  claimed      %s MEADOW, %s stable\n", rewards.FormatAmount(rep.ClaimedMeadow, 18), rewards.FormatAmount(rep.ClaimedStable, 6))
			fmt.Fprintf(a.stdout, "  claimable    %s MEADOW, %s stable (meadow node claim)\n", rewards.FormatAmount(rep.ClaimableMeadow, 18), rewards.FormatAmount(rep.ClaimableStable, 6))
			for _, h := range r.History {
				fmt.Fprintf(a.stdout, "  epoch %-5d  %6d units  %s MEADOW  %s stable  tx %s\n", h.Epoch, h.Units, rewards.FormatAmount(h.Meadow, 18), rewards.FormatAmount(h.Stable, 6), h.Tx.Hex())
			}
			return nil
		},
	}
	rf.add(rewardsCmd)

	var cf nodeRewardsFlags
	claimCmd := &cobra.Command{
		Use:   "claim",
		Short: "Claim the node's settled rewards on chain with its proof (the node's key pays the gas)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmdContext(cmd), 2*time.Minute)
			defer cancel()
			id, c, r, err := cf.open(ctx, a)
			if err != nil {
				return err
			}
			if id.Key == nil {
				return usageError(errors.New("--key: with --address, expected a key file whose account pays the gas (anyone may send a claim; it pays the address in the leaf)"))
			}
			if len(r.Proof) == 0 {
				return fmt.Errorf("node %s has nothing settled to claim yet (%d work units pending the next epoch)", id.Address.Hex(), r.PendingUnits)
			}
			info, err := c.Chain(ctx)
			if err != nil {
				return err
			}
			ch, err := dialNetworkChain(ctx, info, cf.rpc)
			if err != nil {
				return err
			}
			defer ch.Close()
			leaf := rewards.Leaf{Account: rewards.Address(id.Address), Meadow: amountOf(r.Meadow), Stable: amountOf(r.Stable)}
			res, err := ch.Claim(ctx, id.Key, contracts.NewClaimFromHashes(leaf, r.Proof))
			if err != nil {
				return err
			}
			out := map[string]any{"account": id.Address, "epoch": r.Epoch, "root": r.Root, "paid_meadow": res.Meadow.String(), "paid_stable": res.Stable.String(),
				"cumulative_meadow": r.Meadow, "cumulative_stable": r.Stable}
			if a.jsonOut {
				return a.printJSON(out)
			}
			if res.Meadow.Sign() == 0 && res.Stable.Sign() == 0 {
				fmt.Fprintf(a.stdout, "nothing new to claim: node %s already claimed everything settled up to epoch %d\n", id.Address.Hex(), r.Epoch)
				return nil
			}
			fmt.Fprintf(a.stdout, "claimed %s MEADOW and %s stable for %s (everything settled up to epoch %d)\n",
				rewards.FormatAmount(res.Meadow.String(), 18), rewards.FormatAmount(res.Stable.String(), 6), id.Address.Hex(), r.Epoch)
			return nil
		},
	}
	cf.add(claimCmd)
	return []*cobra.Command{rewardsCmd, claimCmd}
}

func amountOf(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return new(big.Int)
	}
	return v
}

// newBuyerPayCmd is `meadow buyer pay`.
func newBuyerPayCmd(a *app, f *buyerFlags) *cobra.Command {
	var rpc string
	cmd := &cobra.Command{
		Use:   "pay JOB",
		Short: "Pay a done job's price on chain in the stable token, and wait until the coordinators count it",
		Long: `Pay for a job. A job's price is its accepted rows at the network's price per
row, known once it is done (meadow buyer job status shows it). The payment
goes from the buyer's key (--key) to the marketplace contract, naming the
job; once the coordinators have seen it, the job's dataset downloads.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := context.WithTimeout(cmdContext(cmd), 5*time.Minute)
			defer cancel()
			c, err := f.client(a, true)
			if err != nil {
				return err
			}
			info, err := c.Chain(ctx)
			if err != nil {
				return err
			}
			ch, err := dialNetworkChain(ctx, info, rpc)
			if err != nil {
				return err
			}
			defer ch.Close()
			p, err := c.Pay(ctx, ch, args[0], 250*time.Millisecond)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(p)
			}
			fmt.Fprintf(a.stdout, "paid %s stable for job %s in %s (epoch %d); the coordinators counted it after %s\n",
				rewards.FormatAmount(p.Amount.String(), 6), p.JobID, p.Tx.Hex(), p.Epoch, p.Seen.Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().StringVar(&rpc, "chain-rpc", "", "the chain's JSON-RPC URL (default: the one the coordinators publish)")
	return cmd
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
