//go:build !nodeonly

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/api"
)

// newBuyerKeyCmd is `meadow buyer key`.
func newBuyerKeyCmd(a *app, f *buyerFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "key",
		Short: "Create the buyer's key if it does not exist, and show its file and address",
		Long: `Show the buyer's key file (--key) and its address, the buyer's identity and
the account that pays on chain; the key is created (mode 0600) when the file
does not exist. Back the file up: whoever holds it reads your datasets and
spends your tokens.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := os.Stat(f.keyFile)
			created := errors.Is(err, fs.ErrNotExist)
			key, err := api.LoadOrCreateKey(f.keyFile)
			if err != nil {
				return err
			}
			addr := crypto.PubkeyToAddress(key.PublicKey)
			if a.jsonOut {
				return a.printJSON(map[string]any{"file": f.keyFile, "address": addr, "created": created})
			}
			state := "existing"
			if created {
				state = "new"
			}
			fmt.Fprintf(a.stdout, "buyer key %s (%s), address %s\n", f.keyFile, state, addr.Hex())
			return nil
		},
	}
}
