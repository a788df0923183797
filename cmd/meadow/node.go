package main

import (
	"context"
	"fmt"
	"net/http"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/node"
)

func newNodeCmd(a *app) *cobra.Command {
	var devFlags func(*node.Config) error // measurement builds only (node_dev.go)
	cfg := node.DefaultConfig()
	cfg.Version = version
	lim := node.DefaultLimits()
	var fetchTimeout time.Duration
	var network string
	var autoUpdate bool
	cmd := &cobra.Command{
		Use:   "node",
		Short: "Run the home node: fetch pages and compute for the network within your caps",
		Long: `Run the home node. It creates its key in --data-dir on first start (the key's
address is the node's identity and its rewards account), registers with the
coordinators, and works on leased tasks within the caps you set. Caps given
here are saved in the data dir and stay in force across restarts.

The node fetches only public http/https addresses: never this machine, your
LAN or cloud metadata services, checked after DNS on every connection.`,
		Example: `  meadow node --coord http://coord1:8080,http://coord2:8080 --data-dir ~/.meadow
  meadow node --coord http://coord1:8080 --data-dir ~/.meadow --bytes-per-day 1073741824 --pages-per-minute 30`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fl := cmd.Flags()
			limitFlags := []string{"bytes-per-day", "max-concurrent", "max-response-bytes", "fetch-timeout", "pages-per-minute", "gpu-max-util", "gpu-hours", "hours", "no-wasm"}
			changed := false
			for _, name := range limitFlags {
				changed = changed || a.given(fl, name)
			}
			if changed {
				saved, err := node.LoadLimits(cfg.DataDir)
				if err != nil {
					return err
				}
				// Only the caps given now change; the others keep their saved values.
				set := map[string]func(){
					"bytes-per-day":      func() { saved.BytesPerDay = lim.BytesPerDay },
					"max-concurrent":     func() { saved.MaxConcurrent = lim.MaxConcurrent },
					"max-response-bytes": func() { saved.MaxResponseBytes = lim.MaxResponseBytes },
					"fetch-timeout":      func() { saved.FetchTimeout = node.Duration(fetchTimeout) },
					"pages-per-minute":   func() { saved.PagesPerMinute = lim.PagesPerMinute },
					"gpu-max-util":       func() { saved.GPUMaxUtil = lim.GPUMaxUtil },
					"gpu-hours":          func() { saved.GPUHours = lim.GPUHours },
					"hours":              func() { saved.Hours = lim.Hours },
					"no-wasm":            func() { saved.NoWasm = lim.NoWasm },
				}
				for _, name := range limitFlags {
					if a.given(fl, name) {
						set[name]()
					}
				}
				cfg.Limits = &saved
			}
			cfg.Logger = a.logger
			cfg.Command = nodeCmd
			if devFlags != nil {
				if err := devFlags(&cfg); err != nil {
					return usageError(err)
				}
			}
			netw, err := applyNodeNetwork(a, fl, network, &cfg)
			if err != nil {
				return err
			}
			cfg.RootCAs = a.coordRoots // --coord-ca, and the network file's CA
			if netw != nil {
				cfg.Groups = api.TrustOf(*netw)
			}
			if err := cfg.Validate(); err != nil {
				return usageError(err)
			}
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			n, err := node.New(cfg)
			if err != nil {
				return err
			}
			return runNode(ctx, a, n, netw, autoUpdate)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&cfg.Coordinators, "coord", nil, "coordinator URLs, comma-separated; the node fails over between them")
	f.StringVar(&network, "network", "", "the network file: coordinators and chain id (--coord and --chain-id override it); "+nodeCmd+" init writes the config that names it")
	f.BoolVar(&autoUpdate, "auto-update", false, "install releases signed by the network file's release key, then restart into them")
	f.StringVar(&cfg.DataDir, "data-dir", "", "directory for the node's key, caps and state")
	f.StringVar(&cfg.Dashboard, "dashboard", cfg.Dashboard, "loopback address of the local dashboard (empty: none)")
	f.StringVar(&cfg.Operator, "operator", "", "Ethereum address grouping the nodes of one person (optional)")
	f.BoolVar(&cfg.RenderJS, "render-js", false, "take pages that need JavaScript (runs Chromium)")
	f.StringVar(&cfg.ChromiumPath, "chromium", "", "Chromium binary (default: found on the PATH)")
	f.BoolVar(&cfg.NoGPU, "no-gpu", false, "never use the GPU")
	f.Uint64Var(&cfg.ChainID, "chain-id", cfg.ChainID, "chain id of the network's contracts (part of every signature)")
	f.Int64Var(&lim.BytesPerDay, "bytes-per-day", lim.BytesPerDay, "cap on bytes downloaded per UTC day")
	f.IntVar(&lim.MaxConcurrent, "max-concurrent", lim.MaxConcurrent, "cap on fetches at once")
	f.Int64Var(&lim.MaxResponseBytes, "max-response-bytes", lim.MaxResponseBytes, "cap on one response's size")
	f.DurationVar(&fetchTimeout, "fetch-timeout", time.Duration(lim.FetchTimeout), "cap on one fetch's time")
	f.IntVar(&lim.PagesPerMinute, "pages-per-minute", lim.PagesPerMinute, "cap on pages fetched per minute")
	f.IntVar(&lim.GPUMaxUtil, "gpu-max-util", lim.GPUMaxUtil, "use the GPU only while its utilization (%) is below this")
	f.StringVar(&lim.GPUHours, "gpu-hours", "", "local hours the GPU may be used, HH-HH (empty: any time)")
	f.StringVar(&lim.Hours, "hours", "", "local hours the node takes any work, HH-HH such as 22-07 (empty: any time)")
	f.BoolVar(&lim.NoWasm, "no-wasm", false, "never run buyers' WebAssembly modules (they run sandboxed: no files, network or clock of this machine; docs/wasm.md)")
	if nodeDevFlags != nil {
		devFlags = nodeDevFlags(f)
	}

	var dash string
	status := &cobra.Command{
		Use:   "status",
		Short: "Show a running node's state, tasks, bytes against the cap and rewards",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var s node.Status
			if err := getJSON(cmd.Context(), dash, "/api/status", &s); err != nil {
				return fmt.Errorf("is the node running with --dashboard %s? %w", dash, err)
			}
			if a.jsonOut {
				return a.printJSON(s)
			}
			printNodeStatus(a, s)
			return nil
		},
	}
	status.Flags().StringVar(&dash, "dashboard", cfg.Dashboard, "the node's dashboard address")
	for _, act := range []string{"pause", "resume"} {
		c := &cobra.Command{
			Use:   act,
			Short: strings.ToUpper(act[:1]) + act[1:] + " a running node",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, baseURL(dash)+"/api/"+act, nil)
				if err != nil {
					return err
				}
				req.Header.Set("X-Meadow-Dashboard", "1")
				var s node.Status
				if err := doJSON(req, &s); err != nil {
					return err
				}
				if a.jsonOut {
					return a.printJSON(s)
				}
				printNodeStatus(a, s)
				return nil
			},
		}
		c.Flags().StringVar(&dash, "dashboard", cfg.Dashboard, "the node's dashboard address")
		cmd.AddCommand(c)
	}
	cmd.AddCommand(status)
	cmd.AddCommand(newNodeRewardsCmds(a)...)
	cmd.AddCommand(newNodeInitCmd(a))
	cmd.AddCommand(newNodeRegisterCmd(a))
	cmd.AddCommand(newNodeDoctorCmd(a))
	cmd.AddCommand(newNodeKeyCmd(a))
	cmd.AddCommand(newNodeUpdateCmd(a))
	return cmd
}

func printNodeStatus(a *app, s node.Status) {
	w := a.stdout
	fmt.Fprintf(w, "node      %s (%s)\n", s.Address, s.Version)
	state := s.State
	if s.Reason != "" {
		state += ": " + s.Reason
	}
	fmt.Fprintf(w, "state     %s\n", state)
	fmt.Fprintf(w, "uptime    %s, online %s of it\n", node.FormatDuration(time.Duration(s.UptimeSeconds)*time.Second), onlinePercent(s.OnlineSeconds, s.UptimeSeconds))
	fmt.Fprintf(w, "tasks     %d done since start, %d accepted in all\n", s.TasksDone, s.TasksAccepted)
	fmt.Fprintf(w, "rows      %d accepted, %d rejected\n", s.RowsAccepted, s.RowsRejected)
	fmt.Fprintf(w, "bytes     %s of %s today\n", humanBytes(s.BytesToday), humanBytes(s.BytesPerDay))
	fmt.Fprintf(w, "rewards   %d work units (%d pending the next epoch); %s MEADOW settled up to epoch %d\n",
		s.WorkUnits, s.PendingUnits, node.FormatAmount(s.SettledMeadow, 18), s.Epoch)
	if s.RecordError != "" {
		fmt.Fprintf(w, "          (the coordinators did not answer the last read: %s)\n", s.RecordError)
	}
	switch {
	case len(s.WasmModules) > 0:
		fmt.Fprintf(w, "wasm      running %s, sandboxed\n", strings.Join(s.WasmModules, " "))
	case s.Limits.NoWasm:
		fmt.Fprintf(w, "wasm      off (no_wasm)\n")
	default:
		fmt.Fprintf(w, "wasm      allowed, sandboxed; none running\n")
	}
	fmt.Fprintf(w, "          %s\n", s.WasmCache)
	if len(s.RefusalCounts) > 0 {
		reasons := make([]string, 0, len(s.RefusalCounts))
		for r, n := range s.RefusalCounts {
			reasons = append(reasons, fmt.Sprintf("%s %d", r, n))
		}
		sort.Strings(reasons)
		fmt.Fprintf(w, "refused   %s\n", strings.Join(reasons, ", "))
	}
	if len(s.Refusals) > 0 {
		fmt.Fprintf(w, "          last: %s (%s)\n", s.Refusals[len(s.Refusals)-1].URL, s.Refusals[len(s.Refusals)-1].Reason)
	}
	if u := s.Update; u != nil {
		fmt.Fprintf(w, "update    %s\n", describeUpdate(*u))
	}
	for _, n := range s.Notices {
		fmt.Fprintf(w, "notice    %s\n", n.Text)
	}
}

// describeUpdate says what the node's last release check found, and what
// to do about it.
func describeUpdate(u node.UpdateStatus) string {
	checked := "checked " + u.Checked.Local().Format("2006-01-02 15:04")
	switch {
	case u.Error != "":
		return fmt.Sprintf("could not check for a release (%s, %s)", u.Error, checked)
	case u.Available && u.Auto:
		return fmt.Sprintf("%s is available (this is %s): installing it, then restarting (%s)", u.Latest, u.Current, checked)
	case u.Available:
		return fmt.Sprintf("%s is available (this is %s): install it with %s update --apply (%s)", u.Latest, u.Current, nodeCmd, checked)
	default:
		return fmt.Sprintf("%s is the latest release (%s)", u.Current, checked)
	}
}

func onlinePercent(on, up int64) string {
	if up <= 0 {
		return "0.0%"
	}
	return fmt.Sprintf("%.1f%%", float64(on*1000/up)/10)
}
