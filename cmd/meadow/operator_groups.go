//go:build !nodeonly

package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/api"
)

// newOperatorGroupsCmd makes `meadow operator groups`: write, sign and
// check the group map of a network of several Raft groups
// (docs/ARCHITECTURE.md, "Work groups").
func newOperatorGroupsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "groups",
		Short: "Write, sign and check the group map of a network of several Raft groups",
		Long: `A network past one Raft group runs several groups of coordinators, each an
ordinary cluster of 3 or 5 members. The group map says which group is home to
each node and job (by keccak256 of the node's address or the job's id); every
coordinator serves it at GET /v1/groups and runs with --group-map and --group.
Nodes and buyers follow a coordinator's 421 wrong_group answer only to a map
signed by the network file's operator threshold: write the map with init, have
each operator sign it, check it with show, then give it to every coordinator.`,
	}

	var (
		out     string
		chainID uint64
		epoch   uint64
		groups  []string
	)
	initCmd := &cobra.Command{
		Use:   "init",
		Short: "Write an unsigned group map of equal ranges",
		Example: `  meadow operator groups init --out groups.json --chain-id 8453 --epoch 1 \
    --group g1=https://c1.example:8080,https://c2.example:8080,https://c3.example:8080 \
    --group g2=https://c4.example:8080,https://c5.example:8080,https://c6.example:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := groupMapFromFlags(chainID, epoch, groups)
			if err != nil {
				return err
			}
			return writeGroupMap(out, m)
		},
	}
	initCmd.Flags().StringVar(&out, "out", "groups.json", "file to write")
	initCmd.Flags().Uint64Var(&chainID, "chain-id", 0, "the network's chain id")
	initCmd.Flags().Uint64Var(&epoch, "epoch", 1, "the map's epoch: one more than the map it replaces")
	initCmd.Flags().StringArrayVar(&groups, "group", nil, "ID=URL,URL,…: a group and its coordinators' base URLs (repeatable, in range order)")

	var keyFile string
	signCmd := &cobra.Command{
		Use:   "sign FILE",
		Short: "Add this operator's signature to a group map",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if keyFile == "" {
				return usageError(errors.New("--operator-key: expected this operator's key file"))
			}
			m, err := api.LoadGroupMap(args[0])
			if err != nil {
				return usageError(err)
			}
			// Never create a key here: a signature by a new key counts for
			// nothing, and the operator meant their own.
			if _, err := os.Stat(keyFile); err != nil {
				return usageError(fmt.Errorf("--operator-key: %w", err))
			}
			key, err := api.LoadOrCreateKey(keyFile)
			if err != nil {
				return usageError(fmt.Errorf("--operator-key: %w", err))
			}
			if err := m.Sign(key); err != nil {
				return err
			}
			if err := writeGroupMap(args[0], m); err != nil {
				return err
			}
			a.logger.Info("group map signed", "file", args[0], "signer", crypto.PubkeyToAddress(key.PublicKey), "signatures", len(m.Signatures))
			return nil
		},
	}
	signCmd.Flags().StringVar(&keyFile, "operator-key", "", "this operator's key file (one of the keys the contracts were deployed with)")

	var network string
	showCmd := &cobra.Command{
		Use:   "show FILE",
		Short: "Check a group map (against a network file's operators) and print its groups",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := api.LoadGroupMap(args[0])
			if err != nil {
				return usageError(err)
			}
			verified := "not checked (no --network)"
			if network != "" {
				n, err := api.LoadNetwork(network)
				if err != nil {
					return usageError(fmt.Errorf("--network: %w", err))
				}
				trust := api.TrustOf(n)
				if trust == nil {
					return usageError(fmt.Errorf("--network %s: the file lists no operators to check the map's signatures against", network))
				}
				if err := trust.Verify(m); err != nil {
					return err
				}
				verified = fmt.Sprintf("signed by %d of the network's %d operators (threshold %d)", len(m.Signatures), len(n.Operators), n.Threshold)
			}
			if a.jsonOut {
				return a.printJSON(map[string]any{"map": m, "signatures": verified})
			}
			fmt.Fprintf(a.stdout, "group map epoch %d, chain %d, %d groups; signatures: %s\n", m.Epoch, m.ChainID, len(m.Groups), verified)
			for i, g := range m.Groups {
				end := "0xffffffffffffffff"
				if i+1 < len(m.Groups) {
					end = "below " + m.Groups[i+1].Start
				}
				fmt.Fprintf(a.stdout, "%-8s %s … %s  %s\n", g.ID, g.Start, end, strings.Join(g.Members, " "))
			}
			return nil
		},
	}
	showCmd.Flags().StringVar(&network, "network", "", "the network file whose operators must have signed the map")
	cmd.AddCommand(initCmd, signCmd, showCmd)
	return cmd
}

// groupMapFromFlags builds an unsigned map of equal ranges from --group
// flags "ID=URL,URL".
func groupMapFromFlags(chainID, epoch uint64, flags []string) (api.GroupMap, error) {
	if len(flags) == 0 {
		return api.GroupMap{}, usageError(errors.New("--group: expected at least one group, ID=URL,URL,…"))
	}
	m := api.GroupMap{Format: api.GroupMapFormat, ChainID: chainID, Epoch: epoch}
	starts := api.EvenGroupStarts(len(flags))
	for i, f := range flags {
		id, urls, ok := strings.Cut(f, "=")
		if !ok || urls == "" {
			return api.GroupMap{}, usageError(fmt.Errorf("--group %q: expected ID=URL,URL,… (a group id, then its coordinators' base URLs)", f))
		}
		m.Groups = append(m.Groups, api.Group{ID: id, Start: starts[i], Members: strings.Split(urls, ",")})
	}
	if err := m.Validate(); err != nil {
		return api.GroupMap{}, usageError(fmt.Errorf("group map: %w", flagNamedGroups(err)))
	}
	return m, nil
}

// flagNamedGroups says which flag a map field came from.
func flagNamedGroups(err error) error {
	r := strings.NewReplacer("chain_id", "--chain-id", "epoch", "--epoch", "groups[", "--group[")
	return errors.New(r.Replace(err.Error()))
}

func writeGroupMap(path string, m api.GroupMap) error {
	b, err := api.MarshalGroupMap(m)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
