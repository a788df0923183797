//go:build !nodeonly

package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/rewards"
)

// newBuyerFaucetCmd is `meadow buyer faucet`.
func newBuyerFaucetCmd(a *app, f *buyerFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "faucet",
		Short: "On a dev network, get ether for gas and test stable tokens for your key",
		Long: `Ask the dev network's faucet for ether (gas) and test stable tokens for the
buyer's key (--key; created if missing), so that a new key can pay for jobs.
Dev networks only, checked twice: the network file (--network) must say
"dev": true, and only the coordinators of a dev network (meadow dev) serve
the faucet; any other answers 404. One grant per address a minute.`,
		Example: `  meadow dev --dir /tmp/meadow-dev &
  meadow buyer faucet --network /tmp/meadow-dev/network.json --key ~/.meadow/buyer.key`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, ok, err := f.loadNetwork()
			if err != nil {
				return err
			}
			if !ok {
				return usageError(errors.New("--network: expected the dev network's network file (meadow dev writes DIR/network.json): the faucet is for dev networks only"))
			}
			if !n.Dev {
				return usageError(fmt.Errorf("--network %s: network %q is not a dev network (its file lacks \"dev\": true); there is no faucet: pay from your own wallet", f.network, n.Name))
			}
			c, err := f.client(a, true)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmdContext(cmd), time.Minute)
			defer cancel()
			g, err := c.Faucet(ctx)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(g)
			}
			fmt.Fprintf(a.stdout, "sent %s ETH (gas) and %s stable to %s\n", rewards.FormatAmount(g.Ether, 18), rewards.FormatAmount(g.Stable, 6), g.Address.Hex())
			return nil
		},
	}
}
