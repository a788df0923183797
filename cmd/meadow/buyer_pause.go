//go:build !nodeonly

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/api"
)

// newBuyerPauseCmd is `meadow buyer job pause` (pause true) or `resume`.
func newBuyerPauseCmd(a *app, f *buyerFlags, pause bool) *cobra.Command {
	use, short := "pause ID", "Pause a running job: no new leases (those out finish); resume it later"
	if !pause {
		use, short = "resume ID", "Resume a paused job"
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.client(a, true)
			if err != nil {
				return err
			}
			var j api.Job
			if pause {
				j, err = c.Pause(cmdContext(cmd), args[0])
			} else {
				j, err = c.Resume(cmdContext(cmd), args[0])
			}
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(j)
			}
			fmt.Fprintf(a.stdout, "job %s: %s\n", j.ID, j.State)
			return nil
		},
	}
}
