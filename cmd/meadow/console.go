//go:build !nodeonly

package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/blob"
)

// newConsoleCmd is `meadow operator console`: it checks that the coordinator
// answers its console's figures with the token given, then prints the
// console's address with the token in the URL fragment, which browsers never
// send to the server (docs/ARCHITECTURE.md, "The operator console").
func newConsoleCmd(a *app, coordURL, token *string) *cobra.Command {
	return &cobra.Command{
		Use:   "console",
		Short: "Print the address of a coordinator's console (an HTML page) with the cluster token, after checking that it answers",
		Long: `Print the address of the coordinator's operator console: members and their
reachability and lag, the term, jobs by state, nodes by reputation, tasks and
verdicts per second, blob store and disk, the member's last errors. The page
reads GET /v1/cluster/console, which needs the cluster token; the address
printed carries it after '#', which the browser keeps to itself. With --json,
print the console's figures instead.`,
		Example: `  meadow operator console --coord http://coord1:8080 --cluster-token-file /etc/meadow/cluster-token`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if *token == "" {
				return usageError(errors.New("--cluster-token: expected the cluster token (or --cluster-token-file): the console's figures need it"))
			}
			req, err := http.NewRequestWithContext(cmdContext(cmd), http.MethodGet, baseURL(*coordURL)+"/v1/cluster/console", nil)
			if err != nil {
				return err
			}
			req.Header.Set(blob.TokenHeader, *token)
			var v coord.ConsoleView
			if err := doJSON(req, &v); err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(v)
			}
			reachable := 0
			for _, m := range v.Members {
				if m.Health != nil && m.Health.Reachable {
					reachable++
				}
			}
			fmt.Fprintf(a.stdout, "%s/console#token=%s\n", baseURL(*coordURL), url.QueryEscape(*token))
			fmt.Fprintf(a.stdout, "member %s: leader %q, term %d, %d of %d members reachable, %d errors logged\n",
				v.ID, v.Leader, v.Term, reachable, len(v.Members), len(v.Errors))
			return nil
		},
	}
}
