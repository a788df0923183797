//go:build !nodeonly

package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/contracts"
)

// communityTimeout bounds a community command: a transaction or two, each
// waited for until mined, and the reads around them.
const communityTimeout = 5 * time.Minute

// newCommunityCmd is `meadow community create|mint|members`.
func newCommunityCmd(a *app) *cobra.Command {
	f := &buyerFlags{}
	var rpc string
	cmd := &cobra.Command{
		Use:   "community",
		Short: "Communities: a membership NFT collection whose token 0's account buys jobs that every member may read",
		Long: `A community is an ERC-721 membership collection created by the network's
community factory. Token 0 is the community's key: whoever holds it is the
admin, and its ERC-6551 token-bound account is the community's account, the
buyer of the community's jobs (meadow buyer job submit --account, meadow
buyer pay --as-account). Every current holder of a token of the collection is
a member and may read the community's jobs and datasets with their own key;
whoever gives their token away stops being one.

Transactions are signed and paid for by the buyer's key (--key): it needs
ether for gas on the network's chain. The coordinators tell which chain and
contracts (GET /v1/chain); --chain-rpc overrides the chain endpoint.`,
		Example: `  meadow community create "Meadow Readers" MRD
  meadow community mint --community 0xCOLLECTION 0xMEMBER1 0xMEMBER2
  meadow community members --community 0xCOLLECTION`,
	}
	f.addFlags(cmd.PersistentFlags())
	cmd.PersistentFlags().StringVar(&rpc, "chain-rpc", "", "the chain's JSON-RPC URL (default: the one the coordinators publish)")

	var admin string
	create := &cobra.Command{
		Use:   "create NAME SYMBOL [--admin ADDRESS]",
		Short: "Create a community: its membership collection, token 0 to the admin, and the community's account",
		Example: `  meadow community create "Meadow Readers" MRD
  meadow community create "Meadow Readers" MRD --admin 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --json`,
		Args: exactArgs("NAME and SYMBOL", 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, symbol := args[0], args[1]
			if name == "" || symbol == "" {
				return usageError(errors.New("NAME and SYMBOL: expected both not empty"))
			}
			var adminAddr common.Address
			if admin != "" {
				var err error
				if adminAddr, err = parseFlagAddress("--admin", admin, "the address that receives token 0, the community's key"); err != nil {
					return err
				}
			}
			ctx, cancel := context.WithTimeout(cmdContext(cmd), communityTimeout)
			defer cancel()
			s, err := f.openCommunities(ctx, a, rpc, true)
			if err != nil {
				return err
			}
			defer s.close()
			if adminAddr == (common.Address{}) {
				adminAddr = s.address()
			}
			a.progressf("creating community %q (%s), token 0 to %s: one transaction, waiting until mined", name, symbol, adminAddr.Hex())
			com, err := s.cm.CreateCommunity(ctx, s.key, name, symbol, adminAddr)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(com)
			}
			w := a.stdout
			fmt.Fprintf(w, "community %q (%s) created in block %d (tx %s, %d gas)\n", com.Name, com.Symbol, com.BlockNumber, com.TxHash.Hex(), com.GasUsed)
			fmt.Fprintf(w, "  collection  %s (meadow community mint --community %s ADDRESS...)\n", com.Collection.Hex(), com.Collection.Hex())
			fmt.Fprintf(w, "  account     %s (the community's buyer: fund it, then meadow buyer job submit --account %s)\n", com.Account.Hex(), com.Account.Hex())
			fmt.Fprintf(w, "  admin       %s (holds token 0, the community's key)\n", com.Admin.Hex())
			return nil
		},
	}
	create.Flags().StringVar(&admin, "admin", "", "who receives token 0, the community's key (default: the buyer's key's address)")

	var collection string
	mint := &cobra.Command{
		Use:     "mint --community COLLECTION ADDRESS...",
		Short:   "Mint a membership token (with its own account) to each address, signed by the community's admin",
		Example: `  meadow community mint --community 0xCOLLECTION 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC`,
		Args:    minArgs("ADDRESS", 1, "the addresses that become members, 0x and 40 hex digits each"),
		RunE: func(cmd *cobra.Command, args []string) error {
			col, err := parseFlagAddress("--community", collection, "the community's collection address (meadow community create prints it)")
			if err != nil {
				return err
			}
			to, err := parseAddressArgs("ADDRESS", args)
			if err != nil {
				return err
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
			// Checked before anything is sent: the collection would refuse
			// the mint, after the key paid for gas.
			holder, err := s.ch.HolderOf(ctx, col, 0)
			if err != nil {
				return err
			}
			if holder != s.address() {
				return usageError(fmt.Errorf("--key %s: its address %s does not hold token 0 of %s (%s does): only the community's admin mints", f.keyFile, s.address().Hex(), col.Hex(), holder.Hex()))
			}
			a.progressf("minting %d membership(s) of %s: one transaction, waiting until mined", len(to), col.Hex())
			ms, rcpt, err := s.cm.MintMembers(ctx, s.key, col, to)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(map[string]any{"collection": col, "members": ms, "tx": rcpt.TxHash, "block": rcpt.BlockNumber, "gas_used": rcpt.GasUsed})
			}
			fmt.Fprintf(a.stdout, "minted %d membership(s) of %s in block %d (tx %s, %d gas)\n", len(ms), col.Hex(), rcpt.BlockNumber, rcpt.TxHash.Hex(), rcpt.GasUsed)
			for _, m := range ms {
				fmt.Fprintf(a.stdout, "  token %-4d %s  account %s\n", m.TokenID, m.Holder.Hex(), m.Account.Hex())
			}
			return nil
		},
	}
	mint.Flags().StringVar(&collection, "community", "", "the community's collection address")

	members := &cobra.Command{
		Use:   "members --community COLLECTION",
		Short: "List a community's tokens, each with its holder now and its account, as the chain answers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			col, err := parseFlagAddress("--community", collection, "the community's collection address (meadow community create prints it)")
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmdContext(cmd), communityTimeout)
			defer cancel()
			s, err := f.openCommunities(ctx, a, rpc, false)
			if err != nil {
				return err
			}
			defer s.close()
			if err := s.checkCommunity(ctx, col); err != nil {
				return err
			}
			ms, err := s.cm.Members(ctx, col)
			if err != nil {
				return err
			}
			if a.jsonOut {
				if ms == nil {
					ms = []contracts.Member{}
				}
				return a.printJSON(ms)
			}
			holders := map[common.Address]bool{}
			for _, m := range ms {
				holders[m.Holder] = true
				note := ""
				if m.TokenID == 0 {
					note = "  (token 0: the admin; its account is the community's)"
				}
				fmt.Fprintf(a.stdout, "token %-4d %s  account %s%s\n", m.TokenID, m.Holder.Hex(), m.Account.Hex(), note)
			}
			fmt.Fprintf(a.stdout, "%d token(s), %d member(s)\n", len(ms), len(holders))
			return nil
		},
	}
	members.Flags().StringVar(&collection, "community", "", "the community's collection address")

	var fundCol string
	fund := &cobra.Command{
		Use:   "fund --community COLLECTION AMOUNT",
		Short: "Send stable tokens from the buyer's key to the community's account, which pays for the community's jobs",
		Long: `Send AMOUNT of the network's stable token (in tokens, 6 decimals: 0.1 is
100000 base units) from the buyer's key to the community's account (token
0's ERC-6551 account), so that the account can pay for the community's jobs
(meadow buyer pay JOB --as-account ACCOUNT). Anyone may fund a community.`,
		Example: `  meadow community fund --community 0xCOLLECTION 25`,
		Args:    exactArgs("AMOUNT", 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			col, err := parseFlagAddress("--community", fundCol, "the community's collection address (meadow community create prints it)")
			if err != nil {
				return err
			}
			amount, err := parseStable("AMOUNT", args[0])
			if err != nil {
				return usageError(err)
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
			acct, err := s.cm.AccountOf(ctx, col, 0)
			if err != nil {
				return err
			}
			a.progressf("sending %s stable from %s to the community's account %s: one transaction, waiting until mined", formatStable(amount), s.address().Hex(), acct.Hex())
			rcpt, err := s.ch.SendStable(ctx, s.key, acct, amount)
			if err != nil {
				if errors.Is(err, contracts.ErrInsufficientBalance) {
					return fmt.Errorf("AMOUNT %s: --key's address %s holds less stable than that: %w", args[0], s.address().Hex(), err)
				}
				return err
			}
			bal, err := s.ch.BalanceOf(ctx, contracts.TokenStable, acct)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(map[string]any{"collection": col, "account": acct, "amount": amount.String(), "balance": bal.String(), "tx": rcpt.TxHash, "block": rcpt.BlockNumber})
			}
			fmt.Fprintf(a.stdout, "sent %s stable to the community's account %s in block %d (tx %s); it holds %s stable\n",
				formatStable(amount), acct.Hex(), rcpt.BlockNumber, rcpt.TxHash.Hex(), formatStable(bal))
			return nil
		},
	}
	fund.Flags().StringVar(&fundCol, "community", "", "the community's collection address")

	cmd.AddCommand(create, mint, members, fund)
	return cmd
}

// addFlags registers the buyer's persistent flags (--coord, --key,
// --chain-id, --network) on fs: meadow buyer's and meadow community's.
func (f *buyerFlags) addFlags(fs *pflag.FlagSet) {
	fs.StringSliceVar(&f.coord, "coord", []string{"http://127.0.0.1:8080"}, "coordinator URLs, comma-separated")
	fs.StringVar(&f.keyFile, "key", defaultBuyerKey(), "the buyer's key file")
	fs.Uint64Var(&f.chainID, "chain-id", api.DevChainID, "chain id of the network's contracts (part of every signature)")
	fs.StringVar(&f.network, "network", "", "the network file (meadow dev writes DIR/network.json): gives the coordinators and the chain id")
	f.flags = fs
}

// communitySession is the buyer's client, the network's chain and its
// community contracts, and the buyer's key when asked for.
type communitySession struct {
	c    *buyer.Client
	ch   *contracts.Chain
	cm   *contracts.Communities
	key  *ecdsa.PrivateKey // nil unless asked for
	addr common.Address    // key's address
}

func (s *communitySession) close() { s.ch.Close() }

func (s *communitySession) address() common.Address { return s.addr }

// checkCommunity refuses, before any transaction, a collection that the
// network's factory did not create (a typo, or a token's account given
// for its collection).
func (s *communitySession) checkCommunity(ctx context.Context, col common.Address) error {
	ok, err := s.cm.IsCommunity(ctx, col)
	if err != nil {
		return err
	}
	if !ok {
		return usageError(fmt.Errorf("--community %s: not a community of this network (its factory %s did not create it); expected the collection address meadow community create printed", col.Hex(), s.cm.Addresses().Factory.Hex()))
	}
	return nil
}

// openCommunities connects to the chain the coordinators publish (or rpc)
// and attaches to the community factory they publish.
func (f *buyerFlags) openCommunities(ctx context.Context, a *app, rpc string, needKey bool) (*communitySession, error) {
	c, err := f.client(a, needKey)
	if err != nil {
		return nil, err
	}
	info, err := c.Chain(ctx)
	if err != nil {
		return nil, fmt.Errorf("the network's chain (GET /v1/chain): %w", err)
	}
	if info.CommunityFactory == (common.Address{}) {
		return nil, errors.New("the coordinators publish no community factory (GET /v1/chain has no community_factory): the network was deployed before communities; its operators deploy one (contracts.DeployCommunities) and run meadow coord --community-factory ADDRESS")
	}
	ch, err := dialNetworkChain(ctx, info, rpc)
	if err != nil {
		return nil, err
	}
	cm, err := ch.AttachCommunities(ctx, info.CommunityFactory)
	if err != nil {
		ch.Close()
		return nil, fmt.Errorf("the community factory %s the coordinators publish: %w", info.CommunityFactory.Hex(), err)
	}
	s := &communitySession{c: c, ch: ch, cm: cm}
	if needKey {
		if s.key, err = api.LoadOrCreateKey(f.keyFile); err != nil {
			ch.Close()
			return nil, err
		}
		s.addr = crypto.PubkeyToAddress(s.key.PublicKey)
	}
	return s, nil
}

// parseFlagAddress parses an address flag; an error names the flag, the
// value and what was expected (what).
func parseFlagAddress(flag, v, what string) (common.Address, error) {
	if v == "" {
		return common.Address{}, usageError(fmt.Errorf("%s: expected %s, 0x and 40 hex digits", flag, what))
	}
	addr, err := contracts.ParseAddress(flag, v)
	if err != nil {
		return common.Address{}, usageError(err)
	}
	if addr == (common.Address{}) {
		return common.Address{}, usageError(fmt.Errorf("%s: the zero address, expected %s", flag, what))
	}
	return addr, nil
}

// parseAddressArgs parses address arguments, naming each wrong one
// (NAME[i]), none zero.
func parseAddressArgs(name string, args []string) ([]common.Address, error) {
	var out []common.Address
	var errs []error
	for i, v := range args {
		field := fmt.Sprintf("%s[%d]", name, i)
		addr, err := contracts.ParseAddress(field, v)
		switch {
		case err != nil:
			errs = append(errs, err)
		case addr == (common.Address{}):
			errs = append(errs, fmt.Errorf("%s: the zero address, expected a member's address", field))
		default:
			out = append(out, addr)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, usageError(err)
	}
	return out, nil
}

// exactArgs is cobra.ExactArgs with an error that says which arguments.
func exactArgs(what string, n int) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError(fmt.Errorf("expected %s (%d arguments), got %d", what, n, len(args)))
		}
		return nil
	}
}

// minArgs is cobra.MinimumNArgs with an error that says which arguments.
func minArgs(name string, n int, what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) < n {
			return usageError(fmt.Errorf("%s: expected %s (at least %d), got %d", name, what, n, len(args)))
		}
		return nil
	}
}

// progressf tells a person, on standard error, what a command is waiting
// for; --json output stays clean of it.
func (a *app) progressf(format string, args ...any) {
	if !a.jsonOut {
		fmt.Fprintf(a.stderr, format+"\n", args...)
	}
}

// setSpecAccount makes a job spec's buyer the account --account names;
// a spec file that names another account is an error naming both.
func setSpecAccount(spec *api.JobSpec, flag, file string) error {
	if flag == "" {
		return nil
	}
	acct, err := parseFlagAddress("--account", flag, "the community's account (meadow community create prints it)")
	if err != nil {
		return err
	}
	if spec.Account != "" && !strings.EqualFold(spec.Account, acct.Hex()) {
		return usageError(fmt.Errorf("--account %s: %s names account %s; expected the same account, or only one of them", acct.Hex(), file, spec.Account))
	}
	spec.Account = acct.Hex()
	return nil
}
