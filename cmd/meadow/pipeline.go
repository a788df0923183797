//go:build !nodeonly

package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/rewards"
)

// newBuyerPipelineCmd is `meadow buyer pipeline`: submit a pretrain
// pipeline, follow its stages, pay them, and save its final dataset with
// its card.
func newBuyerPipelineCmd(a *app, f *buyerFlags) *cobra.Command {
	cmd := &cobra.Command{Use: "pipeline", Short: "Submit, follow, pay and save pipelines (the pretrain template: crawl → language → quality → pii → dedup → tokens)"}
	var wait bool
	submit := &cobra.Command{
		Use:   "submit SPEC.json",
		Short: "Submit a pipeline described in a JSON file",
		Example: `  meadow buyer pipeline submit pretrain.json --wait
  {"template":"pretrain","crawl":{"seeds":["https://example.org/"],"max_pages":500}}`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return usageError(err)
			}
			var spec api.PipelineSpec
			if err := api.Unmarshal(data, &spec); err != nil {
				return usageError(fmt.Errorf("%s: %w", args[0], err))
			}
			c, err := f.client(a, true)
			if err != nil {
				return err
			}
			ctx := cmdContext(cmd)
			p, err := c.SubmitPipeline(ctx, spec)
			if err != nil {
				return err
			}
			if !wait {
				if a.jsonOut {
					return a.printJSON(p)
				}
				fmt.Fprintf(a.stdout, "pipeline %s submitted (%d stages: %s); follow it with: meadow buyer pipeline status %s --watch\n",
					p.ID, len(p.Stages), stageList(p), p.ID)
				return nil
			}
			return watchPipeline(ctx, a, c, p.ID)
		},
	}
	submit.Flags().BoolVar(&wait, "wait", false, "follow the pipeline until it ends")
	var watch bool
	status := pipelineCmd(a, f, "status ID", "Show a pipeline's state and each stage's job",
		func(ctx context.Context, c *buyer.Client, id string) (api.Pipeline, error) {
			if watch {
				return api.Pipeline{}, watchPipeline(ctx, a, c, id)
			}
			return c.Pipeline(ctx, id)
		})
	status.Flags().BoolVar(&watch, "watch", false, "follow the pipeline until it ends")
	var rpc string
	pay := &cobra.Command{
		Use:   "pay ID",
		Short: "Pay every stage job of a done pipeline not paid yet, on chain",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := context.WithTimeout(cmdContext(cmd), 10*time.Minute)
			defer cancel()
			c, ch, err := f.payer(ctx, a, rpc)
			if err != nil {
				return err
			}
			defer ch.Close()
			pays, err := c.PayPipeline(ctx, ch, args[0], 250*time.Millisecond)
			if a.jsonOut && err == nil {
				return a.printJSON(pays)
			}
			for _, p := range pays {
				fmt.Fprintf(a.stdout, "paid %s stable for job %s in %s\n", rewards.FormatAmount(p.Amount.String(), 6), p.JobID, p.Tx.Hex())
			}
			if err == nil && len(pays) == 0 {
				fmt.Fprintf(a.stdout, "pipeline %s: every stage is paid already\n", args[0])
			}
			return err
		},
	}
	pay.Flags().StringVar(&rpc, "chain-rpc", "", "the chain's JSON-RPC URL (default: the one the coordinators publish)")
	var dir string
	get := &cobra.Command{
		Use:   "get ID --dir DIR",
		Short: "Save a done, paid pipeline's final dataset: DIR/data/*.parquet verified against DIR/manifest.json, and the dataset card DIR/README.md",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dir == "" {
				return usageError(fmt.Errorf("--dir: expected the directory to save the dataset in"))
			}
			c, err := f.client(a, true)
			if err != nil {
				return err
			}
			files, err := c.SavePipeline(cmdContext(cmd), args[0], dir)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(files)
			}
			fmt.Fprintf(a.stdout, "saved %d rows (root %s) in %s, verified against %s; the dataset card is %s\n", files.Rows, files.Root, files.Data, files.Manifest, files.Card)
			return nil
		},
	}
	get.Flags().StringVar(&dir, "dir", "", "the directory to save the dataset in (created)")
	cancel := pipelineCmd(a, f, "cancel ID", "Cancel a running pipeline: its running stage job is cancelled, the stages done stay",
		func(ctx context.Context, c *buyer.Client, id string) (api.Pipeline, error) {
			return c.CancelPipeline(ctx, id)
		})
	cmd.AddCommand(submit, status, pay, get, cancel)
	return cmd
}

// pipelineCmd is a command that does one thing to the pipeline its
// argument names and shows the pipeline that results; a zero pipeline from
// fn means fn showed it itself.
func pipelineCmd(a *app, f *buyerFlags, use, short string, fn func(context.Context, *buyer.Client, string) (api.Pipeline, error)) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.client(a, true)
			if err != nil {
				return err
			}
			p, err := fn(cmdContext(cmd), c, args[0])
			if err != nil || p.ID == "" {
				return err
			}
			if a.jsonOut {
				return a.printJSON(p)
			}
			printPipeline(a, p)
			return nil
		},
	}
}

func stageList(p api.Pipeline) string {
	var names []string
	for _, s := range p.Stages {
		names = append(names, s.Name)
	}
	return strings.Join(names, ", ")
}

func watchPipeline(ctx context.Context, a *app, c *buyer.Client, id string) error {
	var last string
	p, err := c.WaitPipeline(ctx, id, 500*time.Millisecond, func(p api.Pipeline) {
		if a.jsonOut {
			return
		}
		line := pipelineLine(p)
		if line != last {
			fmt.Fprintln(a.stderr, line)
			last = line
		}
	})
	if err != nil {
		return err
	}
	if a.jsonOut {
		return a.printJSON(p)
	}
	printPipeline(a, p)
	return nil
}

// pipelineLine is one line of a pipeline's progress: each stage started,
// with its job's state and rows.
func pipelineLine(p api.Pipeline) string {
	parts := []string{fmt.Sprintf("pipeline %s: %s", p.ID, p.State)}
	for _, s := range p.Stages {
		if s.Job != nil {
			parts = append(parts, fmt.Sprintf("%s %s %d rows", s.Name, s.Job.State, s.Job.Progress.RowsAccepted))
		}
	}
	return strings.Join(parts, "; ")
}

func printPipeline(a *app, p api.Pipeline) {
	fmt.Fprintf(a.stdout, "pipeline %s: %s\n", p.ID, p.State)
	if p.Error != "" {
		fmt.Fprintf(a.stdout, "  error    %s\n", p.Error)
	}
	for _, s := range p.Stages {
		if s.Job == nil {
			fmt.Fprintf(a.stdout, "  %-8s not started\n", s.Name)
			continue
		}
		price := ""
		if s.Job.Price != "" {
			price = fmt.Sprintf(", price %s stable, paid %s", rewards.FormatAmount(s.Job.Price, 6), rewards.FormatAmount(s.Job.Paid, 6))
		}
		fmt.Fprintf(a.stdout, "  %-8s job %s %s: %d rows accepted, %d rejected%s\n", s.Name, s.Job.ID, s.Job.State, s.Job.Progress.RowsAccepted, s.Job.Progress.RowsRejected, price)
	}
	if p.Dataset != "" {
		fmt.Fprintf(a.stdout, "  dataset  %s (meadow buyer pipeline pay %s; meadow buyer pipeline get %s --dir DIR)\n", p.Dataset, p.ID, p.ID)
	}
}
