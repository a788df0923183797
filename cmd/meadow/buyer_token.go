//go:build !nodeonly

package main

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/api"
)

// tokenRecord is what `meadow buyer token create` remembers of a token, in
// tokens.json beside the key, for `token list`: its claims, never the
// token itself (a bearer secret).
type tokenRecord struct {
	api.ReadToken
	Revoked bool `json:"revoked,omitempty"`
}

// newBuyerTokenCmd is `meadow buyer token create|revoke|list`.
func newBuyerTokenCmd(a *app, f *buyerFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Read tokens: let curl or a data pipeline read a dataset or job with a bearer token",
		Long: `A read token lets an ordinary HTTP client read what you may read, without
signing each request: send it as "Authorization: Bearer TOKEN" on the GET
routes (a dataset's data, manifest and proofs; a job's status; with scope
all, also the dataset list). The token is signed by your key (--key) for the
network's chain (--network or --chain-id), scoped to one dataset, one job or
all, and expires after --ttl (at most 30 days). Anyone holding it can read
within its scope until it expires or you revoke it. Writes still need your
signature.`,
	}
	var scope string
	var ttl time.Duration
	create := &cobra.Command{
		Use:   "create --scope dataset:ID|job:ID|all [--ttl 24h]",
		Short: "Mint a read token and print it",
		Example: `  TOKEN=$(meadow buyer token create --scope dataset:ds-j-1 --ttl 24h)
  curl -L -H "Authorization: Bearer $TOKEN" -o crawl.parquet "$COORD/v1/datasets/ds-j-1/data?format=parquet"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := api.ParseScope(scope); err != nil {
				return usageError(fmt.Errorf("--scope %q: expected %s", scope, api.ScopeExpected))
			}
			if ttl <= 0 || ttl > api.MaxReadTokenTTL {
				return usageError(fmt.Errorf("--ttl %s: expected a duration from 1s to %s (720h)", ttl, api.MaxReadTokenTTL))
			}
			if err := f.applyNetwork(a); err != nil {
				return err
			}
			key, err := api.LoadOrCreateKey(f.keyFile)
			if err != nil {
				return err
			}
			tok, claims, err := api.MintReadToken(key, scope, ttl, time.Now(), f.chainID, rand.Reader)
			if err != nil {
				return usageError(err)
			}
			if err := f.recordToken(tokenRecord{ReadToken: claims}); err != nil {
				a.logger.Warn("could not remember the token for meadow buyer token list", "err", err)
			}
			if a.jsonOut {
				return a.printJSON(map[string]any{"token": tok, "id": claims.ID, "scope": claims.Scope, "buyer": claims.Buyer,
					"chain_id": claims.ChainID, "expiry": claims.Expiry})
			}
			fmt.Fprintln(a.stdout, tok)
			fmt.Fprintf(a.stderr, "read token %s for %s, scope %s, expires %s (revoke: meadow buyer token revoke %s)\n",
				claims.ID, claims.Buyer.Hex(), claims.Scope, time.Unix(claims.Expiry, 0).UTC().Format(time.RFC3339), claims.ID)
			return nil
		},
	}
	create.Flags().StringVar(&scope, "scope", "", `what the token reads: "dataset:ID", "job:ID" or "all"`)
	create.Flags().DurationVar(&ttl, "ttl", 24*time.Hour, "how long the token is valid (at most 720h, 30 days)")
	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a read token on every coordinator",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := (api.TokenRevoke{ID: args[0]}).Validate(); err != nil {
				return usageError(fmt.Errorf("ID: %w", err))
			}
			c, err := f.client(a, true)
			if err != nil {
				return err
			}
			r, err := c.RevokeToken(cmdContext(cmd), args[0])
			if err != nil {
				return err
			}
			if err := f.markRevoked(args[0]); err != nil {
				a.logger.Warn("could not mark the token revoked for meadow buyer token list", "err", err)
			}
			if a.jsonOut {
				return a.printJSON(r)
			}
			fmt.Fprintf(a.stdout, "read token %s revoked: every coordinator refuses it\n", r.ID)
			return nil
		},
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the read tokens this CLI created with this key (their claims; tokens themselves are not kept)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			recs, err := f.tokenRecords()
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(recs)
			}
			now := time.Now().Unix()
			for _, r := range recs {
				state := "valid"
				switch {
				case r.Revoked:
					state = "revoked"
				case r.Expiry <= now:
					state = "expired"
				}
				fmt.Fprintf(a.stdout, "%s  %-7s  %-30s  expires %s  chain %d\n", r.ID, state, r.Scope, time.Unix(r.Expiry, 0).UTC().Format(time.RFC3339), r.ChainID)
			}
			return nil
		},
	}
	cmd.AddCommand(create, revoke, list)
	return cmd
}

// tokensFile is where the CLI remembers the tokens it made with the key.
func (f *buyerFlags) tokensFile() string {
	return filepath.Join(filepath.Dir(f.keyFile), "tokens.json")
}

func (f *buyerFlags) tokenRecords() ([]tokenRecord, error) {
	data, err := os.ReadFile(f.tokensFile())
	if errors.Is(err, os.ErrNotExist) {
		return []tokenRecord{}, nil
	}
	if err != nil {
		return nil, err
	}
	var recs []tokenRecord
	if err := json.Unmarshal(data, &recs); err != nil {
		return nil, fmt.Errorf("%s: %w", f.tokensFile(), err)
	}
	return recs, nil
}

func (f *buyerFlags) writeTokenRecords(recs []tokenRecord) error {
	data, err := json.MarshalIndent(recs, "", "  ")
	if err != nil {
		return err
	}
	tmp := f.tokensFile() + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, f.tokensFile())
}

func (f *buyerFlags) recordToken(r tokenRecord) error {
	recs, err := f.tokenRecords()
	if err != nil {
		return err
	}
	return f.writeTokenRecords(append(recs, r))
}

func (f *buyerFlags) markRevoked(id string) error {
	recs, err := f.tokenRecords()
	if err != nil {
		return err
	}
	for i := range recs {
		if recs[i].ID == id {
			recs[i].Revoked = true
		}
	}
	return f.writeTokenRecords(recs)
}
