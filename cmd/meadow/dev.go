//go:build !nodeonly

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/blob/s3gw"
	"github.com/meadow-net/meadow/devnet"
	"github.com/meadow-net/meadow/rewards"
)

func newDevCmd(a *app) *cobra.Command {
	var (
		once, procs, keep, objectStore bool
		dir                            string
	)
	cfg := devnet.DefaultConfig()
	cfg.Release = releaseString()
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run the whole network on this machine and walk a buyer's journey through it",
		Long: `Start three Raft coordinators, home nodes on their own loopback networks (one of
them faulty, altering rows), a demo web site and an in-process chain with the
contracts deployed; then submit crawl jobs as a buyer would, follow them,
download the datasets as Arrow and Parquet, verify them row by row and check a
row's proof. It prints what happened and where the coordinators' status pages
and the nodes' dashboards are, and keeps running until Ctrl-C (--once: exits
with the result, 0 on success, 1 naming the step that failed; 130 when
interrupted before the end).

The run's data (Raft logs, the nodes' data, the datasets: about 200 MB) goes
to a new temporary directory, removed on exit (Ctrl-C and SIGTERM too)
unless --keep; a directory given with --dir is never removed.

With --object-store the coordinators keep every blob in a real S3-compatible
store instead of their disks: Versity's S3 gateway (versitygw, which make deps
builds into .cache/bin), run as a process of its own on a loopback port, over
DIR/objectstore/root, with random keys in DIR/objectstore/credentials (mode
0600), stopped with the network. The journey ends by counting the bucket.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmdContext(cmd), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			// After the first Ctrl-C the signals are the default again:
			// a second one ends the program at once, leaving the data.
			context.AfterFunc(ctx, stop)
			say := func(format string, args ...any) {
				if !a.jsonOut {
					fmt.Fprintf(a.stderr, format+"\n", args...)
				}
			}
			if err := cfg.Validate(); err != nil {
				return usageError(err)
			}
			if cfg.Checkers > 0 && !objectStore {
				return usageError(fmt.Errorf("--checkers %d: expected --object-store as well (checkers read staged uploads from the bucket)", cfg.Checkers))
			}
			if objectStore {
				// From the checkout make dev runs in, or PATH; before any
				// directory is made, so that a missing gateway costs nothing.
				wd, err := os.Getwd()
				if err != nil {
					return fmt.Errorf("--object-store: %w", err)
				}
				if cfg.ObjectStoreBinary, err = s3gw.Find(wd); err != nil {
					return fmt.Errorf("--object-store: %w", err)
				}
			}
			if dir == "" {
				d, err := os.MkdirTemp("", "meadow-dev-")
				if err != nil {
					return err
				}
				dir = d
				defer func() { removeDevDir(dir, keep, say) }()
			}
			cfg.Dir = dir
			cfg.Logger = a.logger
			if procs {
				bin, err := os.Executable()
				if err != nil {
					return fmt.Errorf("--coord-processes: this program's path: %w", err)
				}
				cfg.CoordBinary = bin
			}
			if !cmd.Flags().Changed("log-level") && a.logLevel == "info" {
				// A dozen components log at info; the journey's own lines
				// say what matters. --log-level info brings them back.
				cfg.Logger = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
			}
			say("starting the network in %s …", dir)
			t0 := time.Now()
			nw, err := devnet.Start(ctx, cfg)
			if err != nil {
				if ctx.Err() != nil {
					return errInterrupted
				}
				return fmt.Errorf("step \"start the network\": %w", err)
			}
			defer func() {
				if ctx.Err() != nil {
					say("stopping the network … (Ctrl-C again quits at once, leaving %s)", dir)
				}
				nw.Close()
			}()
			say("network up in %s: %d coordinators, %d nodes, site %s", time.Since(t0).Round(time.Millisecond), len(nw.CoordURLs), len(nw.Nodes), nw.SiteURL)

			bars := map[string]*progress{}
			last := map[string]string{}
			journey := nw.Journey
			if cfg.Groups > 1 {
				journey = nw.GroupsJourney
			}
			sum := journey(ctx, devnet.JourneyOptions{
				OutDir: dir,
				Progress: func(job string, st api.JobStatus) {
					if a.jsonOut {
						return
					}
					b := bars[job]
					if b == nil {
						b = newProgress(a.stderr, true, job).in("tasks")
						bars[job] = b
					}
					t := st.Progress.Tasks
					b.update(t.Verified+t.Inconclusive, t.Total())
					if !b.on {
						line := fmt.Sprintf("%s: %s %.0f%%, %d/%d tasks, %d rows accepted, %d rejected",
							job, st.State, st.Progress.Percent, t.Verified+t.Inconclusive, t.Total(), st.Progress.RowsAccepted, st.Progress.RowsRejected)
						if line != last[job] {
							fmt.Fprintln(a.stderr, line)
							last[job] = line
						}
					}
				},
				Log: func(s devnet.Step) {
					for _, b := range bars {
						b.done()
					}
					if !s.OK && ctx.Err() != nil {
						return // interrupted: not a failure of the step
					}
					mark := "ok  "
					if !s.OK {
						mark = "FAIL"
					}
					say("%s %s (%s): %s", mark, s.Name, s.Duration.Round(time.Millisecond), s.Detail)
				},
			})
			if !sum.OK && ctx.Err() != nil {
				return errInterrupted
			}
			if a.jsonOut {
				if err := a.printJSON(sum); err != nil {
					return err
				}
			} else {
				printSummary(a, sum)
			}
			if !sum.OK {
				return fmt.Errorf("step %q failed: %s", sum.Failed, sum.Error)
			}
			if once {
				return nil
			}
			say("the network keeps running; dashboards are live. Ctrl-C stops it.")
			<-ctx.Done()
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&once, "once", false, "exit after the journey, with its result")
	f.StringVar(&dir, "dir", "", "directory for the coordinators' logs, the nodes' data and the datasets, kept on exit (default: a new temporary one, removed on exit)")
	f.BoolVar(&keep, "keep", false, "keep the temporary directory on exit")
	f.IntVar(&cfg.Nodes, "nodes", cfg.Nodes, "home nodes to run")
	f.IntVar(&cfg.Faulty, "faulty", cfg.Faulty, "of them, nodes that alter rows")
	f.IntVar(&cfg.JSNodes, "js-nodes", cfg.JSNodes, "of the honest nodes, those that render JavaScript (run Chromium)")
	f.IntVar(&cfg.Groups, "groups", 0, "run the network as this many work groups of coordinators (2 to 4; docs/ARCHITECTURE.md, \"Work groups\"), each node at home in one, and walk their journey: a crawl in each group, read across groups, one epoch settled for all (needs two honest nodes a group: --nodes 4 --faulty 0 for two)")
	f.IntVar(&cfg.Checkers, "checkers", 0, "with --object-store, run this many meadow checkers (0 to 4), which check the nodes' presigned uploads so that the coordinators only record them")
	f.BoolVar(&objectStore, "object-store", false, "keep every blob in a real S3-compatible store that the network starts (Versity's versitygw from .cache/bin or PATH, a process of its own; data in DIR/objectstore) rather than on the coordinators' disks")
	f.BoolVar(&procs, "coord-processes", false, "run each coordinator as a meadow coord process of this binary, settling over the chain's JSON-RPC, rather than in this process (their logs: DIR/cN/coord.log; kill -9 one to watch the others carry on)")
	return cmd
}

// errInterrupted is what meadow dev returns when Ctrl-C or SIGTERM ends it
// before the journey did: exit status 130, as a shell gives a program
// ended by SIGINT.
var errInterrupted = &exitError{code: 130, err: errors.New("interrupted")}

// removeDevDir removes the run's temporary directory unless keep, and says
// which.
func removeDevDir(dir string, keep bool, say func(string, ...any)) {
	if keep {
		say("the run's data stays in %s (--keep)", dir)
		return
	}
	if err := os.RemoveAll(dir); err != nil {
		say("removing %s: %v", dir, err)
		return
	}
	say("removed %s (--keep keeps it)", dir)
}

func printSummary(a *app, s devnet.Summary) {
	w := a.stdout
	fmt.Fprintf(w, "\nMeadow dev network — journey %s in %s\n", map[bool]string{true: "succeeded", false: "FAILED"}[s.OK], s.Duration.Round(time.Millisecond))
	for _, j := range s.Jobs {
		fmt.Fprintf(w, "\n%s (job %s)\n", j.Name, j.ID)
		fmt.Fprintf(w, "  tasks     %d verified, %d inconclusive\n", j.Tasks.Verified, j.Tasks.Inconclusive)
		fmt.Fprintf(w, "  rows      %d seen: %d accepted, %d rejected by cross-checking\n", j.RowsSeen, j.RowsAccepted, j.RowsRejected)
		if r := j.Refused[api.RefusedRobots]; r > 0 {
			fmt.Fprintf(w, "  refused   %d robots.txt refusals reported by nodes (the pages were not fetched)\n", r)
		}
		fmt.Fprintf(w, "  dataset   %s: %d rows, root %s\n", j.Dataset, j.Rows, j.Root)
		for _, f := range []string{"parquet", "arrow"} {
			if p := j.Files[f]; p != "" {
				fmt.Fprintf(w, "  %-9s %s\n", f, p)
			}
		}
		if j.ProofOK {
			fmt.Fprintf(w, "  proof     row %d checked against the root\n", j.ProofRow)
		}
		if j.Clusters > 0 {
			fmt.Fprintf(w, "  near-dups %d clusters of near-duplicate pages; %d rows would be dropped\n", j.Clusters, j.Duplicates)
		}
		if j.Price != "" {
			fmt.Fprintf(w, "  paid      %s stable on chain; registry root %s\n", rewards.FormatAmount(j.Price, 6), map[bool]string{true: "matches", false: "not checked"}[j.RegistryOK])
		}
	}
	if pl := s.Pipeline; pl != nil {
		fmt.Fprintf(w, "\npretrain pipeline %s (crawl → language → quality → pii → dedup → tokens)\n", pl.ID)
		for _, st := range pl.Stages {
			fmt.Fprintf(w, "  %-9s job %s: dataset %s: %d rows, root %s\n", st.Name, st.Job, st.Dataset, st.Rows, st.Root)
		}
		fmt.Fprintf(w, "  dataset   %d rows, root %s, in %s (verified)\n", pl.Files.Rows, pl.Files.Root, pl.Files.Data)
		fmt.Fprintf(w, "  card      %s\n", pl.Files.Card)
		fmt.Fprintf(w, "  paid      %s stable on chain for its stage jobs\n", rewards.FormatAmount(pl.Paid, 6))
	}
	if c := s.Community; c != nil && c.Job != "" {
		fmt.Fprintf(w, "\ncommunity %s, its account %s (the buyer of job %s)\n", c.Collection, c.Account, c.Job)
		fmt.Fprintf(w, "  dataset   %s: %d rows, root %s (job %s)\n", c.Dataset, c.Rows, c.Root, c.Job)
		fmt.Fprintf(w, "  vault     %s: principal %s stable (withdrawable), %s harvested into credits, never the principal\n",
			c.Vault, rewards.FormatAmount(c.Principal, 6), rewards.FormatAmount(c.Harvested, 6))
		fmt.Fprintf(w, "  paid      %s stable from credits in %s; %s credits left\n", rewards.FormatAmount(c.Paid, 6), c.PayTx, rewards.FormatAmount(c.Credits, 6))
		fmt.Fprintf(w, "  members   %d; a member verified dataset %s with their NFT: %v; a stranger refused: %v\n",
			len(c.Members), c.Dataset, c.MemberVerified, c.StrangerRefused)
	}
	if e := s.Epoch; e != nil {
		fmt.Fprintf(w, "\nepoch %d settled: %s MEADOW emitted, %s stable shared of %s paid, for %d work units\n",
			e.Epoch, rewards.FormatAmount(e.Emission, 18), rewards.FormatAmount(e.RevenueShare, 6), rewards.FormatAmount(e.Revenue, 6), e.Units)
		fmt.Fprintf(w, "  root %s signed by %d operators, posted in %s\n", e.Root, len(e.Signers), e.Tx)
		fmt.Fprintf(w, "  claimed %s MEADOW and %s stable of %s and %s settled\n",
			rewards.FormatAmount(e.ClaimedMeadow, 18), rewards.FormatAmount(e.ClaimedStable, 6), rewards.FormatAmount(e.SettledMeadow, 18), rewards.FormatAmount(e.SettledStable, 6))
		for _, r := range e.Referrers {
			fmt.Fprintf(w, "  referrer  %s %s earned %s MEADOW from the referral reserve\n", r.Node, r.Account, rewards.FormatAmount(r.Meadow, 18))
		}
	}
	fmt.Fprintf(w, "\nnodes\n")
	for _, n := range s.Nodes {
		role := "honest"
		if n.Faulty {
			role = "FAULTY"
		}
		if n.RenderJS {
			role += ", renders JS"
		}
		fmt.Fprintf(w, "  %-6s %s from %-11s %-19s tasks %3d  rows %4d accepted %4d rejected  units %6d  earned %s MEADOW %s stable  dashboard %s\n",
			n.Name, n.Address, n.SourceIP, "("+role+")", n.TasksDone, n.RowsAccepted, n.RowsRejected, n.WorkUnits,
			rewards.FormatAmount(n.ClaimedMeadow, 18), rewards.FormatAmount(n.ClaimedStable, 6), n.Dashboard)
		if n.Altered > 0 {
			fmt.Fprintf(w, "         altered %d rows: cross-checking rejected %d of its rows, and rejected rows earn nothing\n", n.Altered, n.RowsRejected)
		}
	}
	fmt.Fprintf(w, "\ncoordinators\n")
	for _, c := range s.Coords {
		lead := ""
		switch {
		case c.Down:
			lead = " (down)"
		case c.Leader:
			lead = " (leader)"
		}
		fmt.Fprintf(w, "  %s%s  status %s  metrics %s\n", c.ID, lead, c.StatusURL, c.Metrics)
		if c.PID != 0 {
			fmt.Fprintf(w, "      process %d, log %s\n", c.PID, c.Log)
		}
	}
	if o := s.ObjectStore; o != nil {
		fmt.Fprintf(w, "\nobject store %s\n", o.Store)
		if o.Checked {
			fmt.Fprintf(w, "  blobs     %d in the bucket, %s (the %d blobs of the datasets among them); %d in the coordinators' blob directories\n",
				o.Objects, humanBytes(o.Bytes), o.DatasetBlobs, o.LocalBlobs)
		}
		if o.PID != 0 {
			fmt.Fprintf(w, "  gateway   versitygw process %d serving %s, log %s\n", o.PID, o.Root, o.Log)
		}
		if o.CredentialsFile != "" {
			fmt.Fprintf(w, "  keys      %s (access_key=, secret_key=, mode 0600)\n", o.CredentialsFile)
		}
	}
	fmt.Fprintf(w, "\nchain %d at %s: token %s, marketplace %s, distributor %s\n", s.Chain.ChainID, s.Chain.RPC, s.Chain.Token, s.Chain.Marketplace, s.Chain.Distributor)
	fmt.Fprintf(w, "site  %s\n", s.Site)
	if b := s.Buyer; b.KeyFile != "" {
		amount := func(base string, decimals int) string {
			if base == "" {
				return "?" // the chain did not answer
			}
			return rewards.FormatAmount(base, decimals)
		}
		fmt.Fprintf(w, "buyer key (funded with %s stable and %s ETH): %s\n", amount(b.Stable, 6), amount(b.Wei, 18), b.KeyFile)
		fmt.Fprintf(w, "      %s (meadow buyer --key %s --coord %s --chain-id %d dataset list)\n", b.Address, b.KeyFile, firstStatusBase(s), s.Chain.ChainID)
	}
	if s.ClusterTokenFile != "" {
		fmt.Fprintf(w, "cluster token in %s (meadow operator status|members|settle --coord %s --cluster-token-file %s)\n", s.ClusterTokenFile, firstStatusBase(s), s.ClusterTokenFile)
	}
	printBuyerFiles(w, s)
	if !s.OK {
		fmt.Fprintf(w, "\nFAILED at %q: %s\n", s.Failed, s.Error)
	}
}

// firstStatusBase is the base URL of the first coordinator the summary
// lists that is up, for the operator command it suggests.
func firstStatusBase(s devnet.Summary) string {
	for _, c := range s.Coords {
		if !c.Down && c.URL != "" {
			return c.URL
		}
	}
	return "URL"
}
