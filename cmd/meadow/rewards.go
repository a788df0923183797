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

// nodeRewardsFlags are shared by meadow node rewards and meadow node claim.
type nodeRewardsFlags struct {
	coord   []string
	network string
	dataDir string
	address string
	keyFile string
	rpc     string
	chainID uint64
}

func (f *nodeRewardsFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringSliceVar(&f.coord, "coord", []string{"http://127.0.0.1:8080"}, "coordinator URLs, comma-separated (default: the network file's)")
	fl.StringVar(&f.network, "network", "", "the network file: coordinators, chain id and chain endpoint (default: the copy "+nodeCmd+" init keeps in the data dir)")
	fl.StringVar(&f.dataDir, "data-dir", "", "the node's data dir, which holds its key")
	fl.StringVar(&f.address, "address", "", "the node's address instead of --data-dir (a browser extension's, shown in its popup)")
	fl.StringVar(&f.keyFile, "key", "", "with --address: a key file whose account pays the claim's gas (the rewards still go to --address)")
	fl.StringVar(&f.rpc, "chain-rpc", "", "the chain's JSON-RPC URL (default: the one the coordinators publish)")
	fl.Uint64Var(&f.chainID, "chain-id", api.DevChainID, "chain id of the network's contracts")
}

// open loads the node's identity (with --address, the account and the key
// that pays the gas, if any) and asks the coordinators for its rewards.
// The network file (--network, or the copy init keeps in the data dir)
// gives the coordinators, chain id and chain endpoint not given as flags.
func (f *nodeRewardsFlags) open(cmd *cobra.Command, a *app) (*node.Identity, *node.Client, api.NodeRewards, error) {
	var (
		ctx = cmdContext(cmd)
		id  *node.Identity
		err error
	)
	netw, err := a.networkDefaults(cmd.Flags(), f.network, f.dataDir, &f.coord, &f.chainID)
	if err != nil {
		return nil, nil, api.NodeRewards{}, err
	}
	if netw != nil && f.rpc == "" && len(netw.ChainRPC) > 0 {
		f.rpc = netw.ChainRPC[0]
	}
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
	c, err := node.NewClient(node.ClientConfig{Coordinators: f.coord, Key: id.Key, Domain: api.DomainFor(f.chainID), Logger: a.logger, RootCAs: a.coordRoots})
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
	// Ether is the node's balance for gas (wei); RelayFeeBps what a
	// coordinator's relayer asks to claim for a node that has none.
	Ether       string  `json:"ether,omitempty"`
	RelayFeeBps *uint64 `json:"relay_fee_bps,omitempty"`
	// RelayTooSmall says why the relayer would not send the claim yet (its
	// fee under the relayer's minimum), when the node has no ether.
	RelayTooSmall string `json:"relay_too_small,omitempty"`
}

func newNodeRewardsCmds(a *app) []*cobra.Command {
	var rf nodeRewardsFlags
	rewardsCmd := &cobra.Command{
		Use:   "rewards",
		Short: "Show the node's rewards: work units pending, balance settled, what is claimable, history by epoch",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmdContext(cmd)
			id, c, r, err := rf.open(cmd, a)
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
				if eth, err := ch.EtherBalance(ctx, id.Address); err == nil {
					rep.Ether = eth.String()
				}
				if info.Relay != nil {
					rep.RelayFeeBps = &info.Relay.FeeBps
					claimM, claimS := amountOf(rep.ClaimableMeadow), amountOf(rep.ClaimableStable)
					if rep.Ether == "0" && (claimM.Sign() > 0 || claimS.Sign() > 0) {
						feeM, feeS := contracts.RelayFee(claimM, info.Relay.FeeBps), contracts.RelayFee(claimS, info.Relay.FeeBps)
						if err := relayMinFee(*info.Relay, feeM, feeS, id.Address); err != nil {
							rep.RelayTooSmall = err.Error()
						}
					}
				}
			}
			if a.jsonOut {
				return a.printJSON(rep)
			}
			fmt.Fprintf(a.stdout, "node %s\n", id.Address.Hex())
			fmt.Fprintf(a.stdout, "  work units   %d in all, %d pending settlement\n", r.Units, r.PendingUnits)
			fmt.Fprintf(a.stdout, "  settled      %s MEADOW, %s stable (epoch %d)\n", rewards.FormatAmount(r.Meadow, 18), rewards.FormatAmount(r.Stable, 6), r.Epoch)
			fmt.Fprintf(a.stdout, "  claimed      %s MEADOW, %s stable\n", rewards.FormatAmount(rep.ClaimedMeadow, 18), rewards.FormatAmount(rep.ClaimedStable, 6))
			fmt.Fprintf(a.stdout, "  claimable    %s MEADOW, %s stable ("+nodeCmd+" claim)\n", rewards.FormatAmount(rep.ClaimableMeadow, 18), rewards.FormatAmount(rep.ClaimableStable, 6))
			switch {
			case rep.Ether != "" && rep.Ether != "0":
				fmt.Fprintf(a.stdout, "  gas          %s ether: "+nodeCmd+" claim pays its own gas\n", rewards.FormatAmount(rep.Ether, 18))
			case rep.Ether == "0" && rep.RelayFeeBps != nil:
				fmt.Fprintf(a.stdout, "  gas          no ether: "+nodeCmd+" claim goes through a coordinator's relayer, for %s of the claim\n", bpsPercent(*rep.RelayFeeBps))
				if rep.RelayTooSmall != "" {
					fmt.Fprintf(a.stdout, "  relay        %s\n", rep.RelayTooSmall)
				}
			case rep.Ether == "0":
				fmt.Fprintf(a.stdout, "  gas          no ether, and the coordinators relay no claims: fund %s to claim\n", id.Address.Hex())
			}
			for _, h := range r.History {
				ref := ""
				if h.Referral != "" {
					ref = "  + " + rewards.FormatAmount(h.Referral, 18) + " MEADOW referral share"
				}
				fmt.Fprintf(a.stdout, "  epoch %-5d  %6d units  %s MEADOW  %s stable%s  tx %s\n", h.Epoch, h.Units, rewards.FormatAmount(h.Meadow, 18), rewards.FormatAmount(h.Stable, 6), ref, h.Tx.Hex())
			}
			return nil
		},
	}
	rf.add(rewardsCmd)

	var (
		cf nodeRewardsFlags
		rl claimRelayFlags
	)
	claimCmd := &cobra.Command{
		Use:   "claim",
		Short: "Claim the node's settled rewards on chain with its proof (the node's key pays the gas; without ether, a coordinator's relayer does, for a fee)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmdContext(cmd), 2*time.Minute)
			defer cancel()
			id, c, r, err := cf.open(cmd, a)
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
			relay, err := rl.relayWanted(ctx, ch, id, cf.address == "")
			if err != nil {
				return err
			}
			if relay {
				return rl.relayClaim(ctx, a, c, ch, info, id, r)
			}
			leaf := rewards.Leaf{Account: rewards.Address(id.Address), Meadow: amountOf(r.Meadow), Stable: amountOf(r.Stable)}
			res, err := ch.Claim(ctx, id.Key, contracts.NewClaimFromHashes(leaf, r.Proof))
			if err != nil {
				if cf.address == "" && strings.Contains(err.Error(), "insufficient funds") {
					return fmt.Errorf("%w (the node's ether does not cover the gas: claim with --relay, and a coordinator's relayer pays it for a fee)", err)
				}
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
	rl.add(claimCmd)
	return []*cobra.Command{rewardsCmd, claimCmd}
}

func amountOf(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return new(big.Int)
	}
	return v
}
