//go:build !nodeonly

package main

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/rewards"
)

// buyerFlags are shared by every `meadow buyer` command.
type buyerFlags struct {
	coord   []string
	keyFile string
	chainID uint64
	// network is the network file (--network); flags are the persistent
	// flags, to tell an explicit --coord or --chain-id from a default.
	network string
	flags   *pflag.FlagSet
	// groups is the network file's operators (applyNetwork), with which
	// the client checks a group map before following it.
	groups *api.GroupTrust
}

func (f *buyerFlags) client(a *app, needKey bool) (*buyer.Client, error) {
	if err := f.applyNetwork(a); err != nil {
		return nil, err
	}
	if len(f.coord) == 0 {
		return nil, usageError(errors.New("--coord: expected at least one coordinator URL"))
	}
	cfg := buyer.Config{Coordinators: f.coord, ChainID: f.chainID, Logger: a.logger, Groups: f.groups, RootCAs: a.coordRoots}
	if needKey {
		key, err := api.LoadOrCreateKey(f.keyFile)
		if err != nil {
			return nil, err
		}
		cfg.Key = key
		a.logger.Debug("buyer key", "address", crypto.PubkeyToAddress(key.PublicKey))
	}
	c, err := buyer.New(cfg)
	if err != nil {
		return nil, usageError(err)
	}
	return c, nil
}

func defaultBuyerKey() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return "buyer.key"
	}
	return filepath.Join(home, ".meadow", "buyer.key")
}

func newBuyerCmd(a *app) *cobra.Command {
	f := &buyerFlags{}
	cmd := &cobra.Command{
		Use:   "buyer",
		Short: "The buyer's side: submit jobs, follow them, download and check datasets",
		Long: `The buyer's side of the network. Requests are signed with the buyer's key
(--key, created on first use with mode 0600); its address is the buyer's
identity, the one that pays on chain. A job and its dataset belong to their
buyer: reads (job status, dataset list, get and proof) are signed too, and
answered only to the buyer and the addresses it grants access to
(meadow buyer grant ADDRESS --job ID).`,
	}
	f.addFlags(cmd.PersistentFlags())

	job := &cobra.Command{Use: "job", Short: "Submit, follow and cancel jobs"}
	var wait bool
	var account string
	submit := &cobra.Command{
		Use:   "submit SPEC.json",
		Short: "Submit a crawl or compute job described in a JSON file",
		Example: `  meadow buyer job submit crawl.json --wait
  {"kind":"crawl","crawl":{"urls":["https://example.com/a"],"fields":[{"name":"title","selector":"h1"}]}}
  meadow buyer job submit crawl.json --account 0xCOMMUNITY_ACCOUNT`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return usageError(err)
			}
			var spec api.JobSpec
			if err := api.Unmarshal(data, &spec); err != nil {
				return usageError(fmt.Errorf("%s: %w", args[0], err))
			}
			if err := setSpecAccount(&spec, account, args[0]); err != nil {
				return err
			}
			c, err := f.client(a, true)
			if err != nil {
				return err
			}
			ctx := cmdContext(cmd)
			j, err := c.Submit(ctx, spec)
			if err != nil {
				return err
			}
			if !wait {
				if a.jsonOut {
					return a.printJSON(j)
				}
				forWhom := ""
				if spec.Account != "" {
					forWhom = " for account " + j.Buyer.Hex()
				}
				fmt.Fprintf(a.stdout, "job %s submitted%s (%s); follow it with: meadow buyer job status %s --watch\n", j.ID, forWhom, j.Spec.Kind, j.ID)
				return nil
			}
			return watchJob(ctx, a, c, j.ID)
		},
	}
	submit.Flags().BoolVar(&wait, "wait", false, "follow the job until it ends")
	submit.Flags().StringVar(&account, "account", "", "submit for a community's account (its ERC-6551 account, whose token your key holds): the account is the job's buyer, and the community's members may read it")
	var watch bool
	status := &cobra.Command{
		Use:   "status ID",
		Short: "Show a job's state and progress",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.client(a, true)
			if err != nil {
				return err
			}
			if watch {
				return watchJob(cmdContext(cmd), a, c, args[0])
			}
			st, err := c.Status(cmdContext(cmd), args[0])
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(st)
			}
			printJobStatus(a, st)
			return nil
		},
	}
	status.Flags().BoolVar(&watch, "watch", false, "follow the job until it ends, with a progress bar")
	cancel := &cobra.Command{
		Use:   "cancel ID",
		Short: "Cancel a job",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.client(a, true)
			if err != nil {
				return err
			}
			j, err := c.Cancel(cmdContext(cmd), args[0])
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
	job.AddCommand(submit, status, cancel)
	job.AddCommand(newBuyerPauseCmd(a, f, true), newBuyerPauseCmd(a, f, false))

	ds := &cobra.Command{Use: "dataset", Short: "List, download and prove datasets"}
	list := &cobra.Command{
		Use:   "list",
		Short: "List your datasets and those you were granted access to",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.client(a, true)
			if err != nil {
				return err
			}
			l, err := c.Datasets(cmdContext(cmd))
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(l)
			}
			for _, d := range l {
				fmt.Fprintf(a.stdout, "%s  %-7s  %8d rows  root %s  (job %s)\n", d.ID, d.Kind, d.Rows, d.Root, d.JobID)
			}
			return nil
		},
	}
	var format, out string
	var verify, checkChain bool
	var chainRPC string
	get := &cobra.Command{
		Use:   "get ID",
		Short: "Download a dataset as Arrow IPC or Parquet, and check it against its manifest",
		Example: `  meadow buyer dataset get ds-j-1 --format parquet -o crawl.parquet
  duckdb -c "select url, f_title from 'crawl.parquet' limit 5"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError(errors.New("-o: expected the file to write"))
			}
			c, err := f.client(a, true)
			if err != nil {
				return err
			}
			ctx := cmdContext(cmd)
			m, raw, err := c.Manifest(ctx, args[0])
			if err != nil {
				return err
			}
			n, err := c.Download(ctx, args[0], format, out)
			if err != nil {
				return err
			}
			manifestPath := out + ".manifest.json"
			if err := os.WriteFile(manifestPath, raw, 0o644); err != nil {
				return err
			}
			res := map[string]any{"dataset": args[0], "file": out, "bytes": n, "manifest": manifestPath, "rows": m.TotalRows, "root": m.Root}
			if verify {
				rep, err := dataset.Verify(ctx, out, dataset.VerifyOptions{Manifest: m, SignatureSample: defaultSignatureSample})
				if err != nil {
					return fmt.Errorf("%s: the download does not match the manifest: %w", out, err)
				}
				res["verified"] = rep.Checked
			}
			var chainNote string
			if checkChain {
				chainNote, err = checkRegistry(ctx, c, chainRPC, args[0], common.Hash(m.Root), m.TotalRows)
				if err != nil {
					return fmt.Errorf("%s: %w", out, err)
				}
				res["chain"] = chainNote
			}
			if a.jsonOut {
				return a.printJSON(res)
			}
			fmt.Fprintf(a.stdout, "wrote %s (%s, %d rows), manifest %s", out, humanBytes(n), m.TotalRows, manifestPath)
			if verify {
				fmt.Fprint(a.stdout, "; every row checked against the manifest root")
			}
			if chainNote != "" {
				fmt.Fprint(a.stdout, "; "+chainNote)
			}
			fmt.Fprintln(a.stdout)
			return nil
		},
	}
	get.Flags().StringVar(&format, "format", api.FormatParquet, "arrow or parquet")
	get.Flags().StringVarP(&out, "output", "o", "", "file to write")
	get.Flags().BoolVar(&verify, "verify", true, "check every row against the manifest after the download")
	get.Flags().BoolVar(&checkChain, "check-chain", true, "check the manifest's root against the chain's dataset registry (when the network has a chain)")
	get.Flags().StringVar(&chainRPC, "chain-rpc", "", "the chain's JSON-RPC URL (default: the one the coordinators publish)")
	var row int64
	proof := &cobra.Command{
		Use:   "proof ID",
		Short: "Print a row's inclusion proof, to check with meadow verify --proof",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.client(a, true)
			if err != nil {
				return err
			}
			p, err := c.Proof(cmdContext(cmd), args[0], row)
			if err != nil {
				return err
			}
			return a.printJSON(p)
		},
	}
	proof.Flags().Int64Var(&row, "row", 0, "the row, counted from 0 in download order")
	ds.AddCommand(list, get, proof)
	cmd.AddCommand(job, ds, newBuyerPayCmd(a, f), newBuyerGrantCmd(a, f, true), newBuyerGrantCmd(a, f, false))
	cmd.AddCommand(newBuyerFaucetCmd(a, f))
	cmd.AddCommand(newBuyerVaultCmd(a, f))
	cmd.AddCommand(newBuyerTokenCmd(a, f))
	cmd.AddCommand(newBuyerKeyCmd(a, f))
	cmd.AddCommand(newBuyerModuleCmd(a, f))
	cmd.AddCommand(newBuyerPipelineCmd(a, f))
	return cmd
}

// newBuyerGrantCmd is `meadow buyer grant` (grant true) or `revoke`.
func newBuyerGrantCmd(a *app, f *buyerFlags, grant bool) *cobra.Command {
	var jobID string
	use, short := "grant ADDRESS --job ID", "Let another address read a job and its dataset (status, manifest, proofs, data)"
	if !grant {
		use, short = "revoke ADDRESS --job ID", "Stop letting an address read a job and its dataset"
	}
	cmd := &cobra.Command{
		Use:     use,
		Short:   short,
		Example: "  meadow buyer " + strings.Fields(use)[0] + " 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --job j-00000000000000a1",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !common.IsHexAddress(args[0]) {
				return usageError(fmt.Errorf("ADDRESS %q: expected 0x and 40 hex digits", args[0]))
			}
			if jobID == "" {
				return usageError(errors.New("--job: expected the job's id"))
			}
			c, err := f.client(a, true)
			if err != nil {
				return err
			}
			addr := common.HexToAddress(args[0])
			var grants []string
			if grant {
				grants, err = c.Grant(cmdContext(cmd), jobID, addr)
			} else {
				grants, err = c.Revoke(cmdContext(cmd), jobID, addr)
			}
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(map[string]any{"job_id": jobID, "grants": grants})
			}
			verb := "may now read"
			if !grant {
				verb = "may no longer read"
			}
			fmt.Fprintf(a.stdout, "%s %s job %s and its dataset; granted: %d address(es)\n", addr.Hex(), verb, jobID, len(grants))
			return nil
		},
	}
	cmd.Flags().StringVar(&jobID, "job", "", "the job (and its dataset)")
	return cmd
}

func watchJob(ctx context.Context, a *app, c *buyer.Client, id string) error {
	bar := newProgress(a.stderr, !a.jsonOut, "job "+id)
	var last, waiting string
	st, err := c.Wait(ctx, id, 500*time.Millisecond, func(s api.JobStatus) {
		t := s.Progress.Tasks
		if s.Waiting != "" && s.Waiting != waiting && !a.jsonOut {
			// A stranded task waits minutes: say why once, not silently.
			if bar.on {
				fmt.Fprintln(a.stderr)
			}
			fmt.Fprintf(a.stderr, "job %s waits: %s\n", s.ID, s.Waiting)
		}
		waiting = s.Waiting
		bar.update(t.Verified+t.Inconclusive, t.Total())
		if !bar.on && !a.jsonOut {
			line := fmt.Sprintf("job %s: %s, %.0f%% (%d/%d tasks), rows %d accepted, %d rejected", s.ID, s.State, s.Progress.Percent, t.Verified+t.Inconclusive, t.Total(), s.Progress.RowsAccepted, s.Progress.RowsRejected)
			if line != last {
				fmt.Fprintln(a.stderr, line)
				last = line
			}
		}
	})
	bar.done()
	if err != nil {
		return err
	}
	if a.jsonOut {
		return a.printJSON(st)
	}
	printJobStatus(a, st)
	return nil
}

func printJobStatus(a *app, s api.JobStatus) {
	t := s.Progress.Tasks
	fmt.Fprintf(a.stdout, "job %s: %s\n", s.ID, s.State)
	fmt.Fprintf(a.stdout, "  tasks    %d pending, %d leased, %d committed, %d verified, %d inconclusive (%.0f%%)\n", t.Pending, t.Leased, t.Committed, t.Verified, t.Inconclusive, s.Progress.Percent)
	fmt.Fprintf(a.stdout, "  rows     %d accepted, %d rejected\n", s.Progress.RowsAccepted, s.Progress.RowsRejected)
	if s.Waiting != "" {
		fmt.Fprintf(a.stdout, "  waiting  %s\n", s.Waiting)
	}
	if n := s.Progress.StrandedInconclusive; n > 0 {
		fmt.Fprintf(a.stdout, "  stranded %d inconclusive: no registered node could take the replica they wanted in time\n", n)
	}
	if s.Fuel > 0 {
		fmt.Fprintf(a.stdout, "  fuel     %d (the module's metered work; %d fuel costs as much as a row)\n", s.Fuel, api.WasmFuelPerRowPrice)
	}
	if len(s.Progress.Refusals) > 0 {
		var parts []string
		for _, r := range api.RefusalReasons() {
			if n := s.Progress.Refusals[r]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, r))
			}
		}
		fmt.Fprintf(a.stdout, "  refused  %s (URLs nodes would not fetch)\n", strings.Join(parts, ", "))
	}
	if s.Dataset != "" {
		fmt.Fprintf(a.stdout, "  dataset  %s (meadow buyer dataset get %s -o FILE)\n", s.Dataset, s.Dataset)
	}
	for _, g := range s.Grants {
		fmt.Fprintf(a.stdout, "  granted  %s (meadow buyer revoke %s --job %s)\n", g.Hex(), g.Hex(), s.ID)
	}
	if s.Price != "" {
		owed := new(big.Int).Sub(amountOf(s.Price), amountOf(s.Paid))
		if owed.Sign() > 0 {
			fmt.Fprintf(a.stdout, "  price    %s stable, %s paid: pay the rest with meadow buyer pay %s\n", rewards.FormatAmount(s.Price, 6), rewards.FormatAmount(s.Paid, 6), s.ID)
		} else {
			fmt.Fprintf(a.stdout, "  price    %s stable, paid\n", rewards.FormatAmount(s.Price, 6))
		}
	}
	if s.Error != "" {
		fmt.Fprintf(a.stdout, "  error    %s\n", strings.TrimSpace(s.Error))
	}
}
