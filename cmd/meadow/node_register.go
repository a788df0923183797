package main

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/node"
)

// newNodeRegisterCmd is `meadow node register`: one signed registration,
// the only moment a node may name its referrer.
func newNodeRegisterCmd(a *app) *cobra.Command {
	var (
		coord              []string
		network, dataDir   string
		referrer, operator string
		chainID            uint64
	)
	cmd := &cobra.Command{
		Use:   "register",
		Short: "Register the node once with the coordinators, naming who referred it (--referrer)",
		Long: `Register the node with the coordinators without starting it: its key (created
in --data-dir if there is none yet) signs one registration and the command
exits. Run it before the node's first start to name a referrer: the registered
node that brought you, which then earns a referral share of your MEADOW
rewards, paid from the network's emission, never out of yours. A referrer can
be named at the first registration only and never changes; a referrer run by
your operator or on your network earns nothing.`,
		Example: `  meadow node register --coord http://coord1:8080 --data-dir ~/.meadow --referrer 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed
  meadow node --coord http://coord1:8080 --data-dir ~/.meadow`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmdContext(cmd)
			if dataDir == "" {
				return usageError(errors.New("--data-dir: expected the node's data dir (it holds the key that signs the registration)"))
			}
			netw, err := a.networkDefaults(cmd.Flags(), network, dataDir, &coord, &chainID)
			if err != nil {
				return err
			}
			var groups *api.GroupTrust
			if netw != nil {
				groups = api.TrustOf(*netw)
			}
			req := api.RegisterRequest{
				Version:      version,
				Capabilities: api.Capabilities{CPUCores: runtime.NumCPU(), MaxConcurrent: node.DefaultLimits().MaxConcurrent},
			}
			for _, v := range []struct {
				flag, s string
				dst     *common.Address
			}{{"--referrer", referrer, &req.Referrer}, {"--operator", operator, &req.Operator}} {
				if v.s == "" {
					continue
				}
				if !common.IsHexAddress(v.s) || !strings.HasPrefix(v.s, "0x") {
					return usageError(fmt.Errorf("%s %q: expected an Ethereum address, 0x and 40 hex digits", v.flag, v.s))
				}
				*v.dst = common.HexToAddress(v.s)
			}
			id, err := node.LoadOrCreateIdentity(dataDir)
			if err != nil {
				return err
			}
			req.Address = id.Address
			if req.Referrer == id.Address {
				return usageError(fmt.Errorf("--referrer %s: expected another node than this one (%s)", referrer, id.Address.Hex()))
			}
			if err := req.Validate(); err != nil {
				return usageError(err)
			}
			c, err := node.NewClient(node.ClientConfig{Coordinators: coord, Key: id.Key, Domain: api.DomainFor(chainID), Logger: a.logger, Groups: groups, RootCAs: a.coordRoots})
			if err != nil {
				return usageError(err)
			}
			if _, err := c.Register(ctx, req); err != nil {
				return err
			}
			rec, err := c.Record(ctx, id.Address.Hex())
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(rec)
			}
			fmt.Fprintf(a.stdout, "node %s registered\n", id.Address.Hex())
			if rec.Referrer != "" {
				fmt.Fprintf(a.stdout, "  referrer %s (fixed: it earns a share of this node's MEADOW rewards from emission)\n", common.HexToAddress(rec.Referrer).Hex())
			} else {
				fmt.Fprintln(a.stdout, "  no referrer")
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&coord, "coord", []string{"http://127.0.0.1:8080"}, "coordinator URLs, comma-separated (default: the network file's)")
	f.StringVar(&network, "network", "", "the network file: coordinators and chain id")
	f.StringVar(&dataDir, "data-dir", "", "the node's data dir, which holds its key (created if missing)")
	f.StringVar(&referrer, "referrer", "", "address of the registered node that referred this one (first registration only)")
	f.StringVar(&operator, "operator", "", "Ethereum address grouping the nodes of one person (optional, as meadow node --operator)")
	f.Uint64Var(&chainID, "chain-id", api.DevChainID, "chain id of the network's contracts (part of every signature)")
	return cmd
}
